/**
 * The writer under faults: kills at every step of the swap, two synths at once, read-only and full
 * disks, an output path that is a file or holds the user's files. Whatever happens, the output is the
 * whole old tree or the whole new one (or the next command makes it so), and nothing of the user's goes.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { run } from '../../src/cli';
import { runDiff } from '../../src/diff/cli';
import { synthesizeEnvironment } from '../../src/synth/synthesize';
import { outputSiblings, recoverOutput, withOutputLock, writeOutput, type WriteStep } from '../../src/synth/writer';
import { runValidate } from '../../src/validate/cli';
import { REPO, RUN_TS, captureIo, synthOnce, tempDir, treeDigest } from './helpers';

const STEPS: WriteStep[] = ['staged', 'ready', 'retired', 'swapped'];
const OLD = new Map([
  ['env-a/terraform/a.json', 'old a\n'],
  ['env-b/terraform/b.json', 'old b\n'],
]);
const NEW = new Map([
  ['env-a/terraform/a.json', 'new a\n'],
  ['env-b/terraform/b.json', 'old b\n'],
  ['env-c/kubernetes/c.yaml', 'new c\n'],
]);

const digestOf = (files: ReadonlyMap<string, string>) => {
  const dir = path.join(tempDir('digest'), 'dist');
  writeOutput(dir, files);
  return treeDigest(dir);
};
const siblingsLeft = (target: string) => fs.readdirSync(path.dirname(target)).filter((e) => e !== path.basename(target));
const errno = (code: string, p: string) => Object.assign(new Error(`${code}: ${p}`), { code, path: p });

/** A synth in its own process (what a user's terminal or CI step is), with extra environment. */
function synthProcess(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...RUN_TS, 'src/cli.ts', ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('writer: a crash at any step leaves the old tree or the new one, and the next write repairs it', () => {
  it.each(STEPS)('killed after %s: recovery gives a whole tree and removes the leftovers', (step) => {
    const target = path.join(tempDir(`crash-${step}`), 'dist');
    writeOutput(target, OLD);
    const crash = new Error('simulated crash');
    expect(() =>
      writeOutput(target, NEW, {
        at: (s) => {
          if (s === step) throw crash;
        },
      }),
    ).toThrow(crash);
    // Between the renames the output is missing: that is what recovery is for.
    if (step === 'retired') expect(fs.existsSync(target)).toBe(false);
    const notes = recoverOutput(target);
    // Once the new tree was complete (renamed to ready) it wins; before, the old one stays.
    expect(treeDigest(target)).toEqual(step === 'staged' ? digestOf(OLD) : digestOf(NEW));
    expect(siblingsLeft(target)).toEqual([]);
    expect(notes.length).toBe(step === 'ready' || step === 'retired' ? 1 : 0);
  });

  it('a partial write after a crash between the renames keeps every environment it did not render', () => {
    const target = path.join(tempDir('crash-keep'), 'dist');
    writeOutput(target, OLD);
    expect(() =>
      writeOutput(target, NEW, {
        at: (s) =>
          void (
            s === 'retired' &&
            (() => {
              throw new Error('crash');
            })()
          ),
      }),
    ).toThrow('crash');
    // Like `synth --env env-a`: only env-a rendered, the rest kept from what the output holds once repaired.
    const summary = writeOutput(target, new Map([['env-a/terraform/a.json', 'newer a\n']]), { keep: (e) => e !== 'env-a' });
    expect(summary.recovered).toHaveLength(1);
    expect(fs.readFileSync(path.join(target, 'env-b/terraform/b.json'), 'utf8')).toBe('old b\n');
    expect(fs.readFileSync(path.join(target, 'env-c/kubernetes/c.yaml'), 'utf8')).toBe('new c\n');
    expect(fs.readFileSync(path.join(target, 'env-a/terraform/a.json'), 'utf8')).toBe('newer a\n');
    expect(siblingsLeft(target)).toEqual([]);
  });
});

describe('writer: only what changed is written', () => {
  it('a write of the same tree touches nothing; a change rewrites only the changed files and links the rest', () => {
    const target = path.join(tempDir('unchanged'), 'dist');
    writeOutput(target, OLD);
    const inode = (rel: string) => fs.statSync(path.join(target, rel)).ino;
    const before = { a: inode('env-a/terraform/a.json'), b: inode('env-b/terraform/b.json'), dir: fs.statSync(target).ino };
    const again = writeOutput(target, OLD);
    expect(again).toMatchObject({ unchanged: true, written: 0, linked: 0 });
    // Not even the directory was swapped.
    expect(fs.statSync(target).ino).toBe(before.dir);
    const changed = writeOutput(target, NEW);
    expect(changed).toMatchObject({ unchanged: false, written: 2, linked: 1, removed: 0 });
    // b's bytes were the same: the very same file (a hard link), not a rewrite.
    expect(inode('env-b/terraform/b.json')).toBe(before.b);
    expect(inode('env-a/terraform/a.json')).not.toBe(before.a);
    expect(writeOutput(target, new Map([['env-a/terraform/a.json', 'new a\n']]))).toMatchObject({ written: 0, linked: 1, removed: 2 });
    expect(treeDigest(target)).toEqual(digestOf(new Map([['env-a/terraform/a.json', 'new a\n']])));
  });

  describe('a no-op synth of the default model', () => {
    const out = synthOnce('noop');
    it('writes no file (every inode and mtime as before)', () => {
      const stat = (rel: string) => fs.statSync(path.join(out(), rel));
      const files = Object.keys(treeDigest(out()));
      const before = files.map((f) => [stat(f).ino, stat(f).mtimeMs]);
      const { io, out: stdout } = captureIo();
      expect(run(['--out', out()], io)).toBe(0);
      expect(files.map((f) => [stat(f).ino, stat(f).mtimeMs])).toEqual(before);
      expect(stdout.join('\n')).toMatch(/no file changed: nothing written/);
    });
  });
});

describe('writer: faults a user can cause', () => {
  const out = synthOnce('faults');

  it.each([
    [
      'read-only file system',
      {
        accessSync: () => {
          throw errno('EROFS', 'dist');
        },
      },
      /read-only file system \(EROFS\)/,
    ],
    [
      'disk full part-way',
      {
        writeFileSync: (() => {
          let n = 0;
          return (file: fs.PathOrFileDescriptor, data: string) => {
            if (++n === 1) throw errno('ENOSPC', String(file));
            fs.writeFileSync(file, data);
          };
        })(),
      },
      /no space left on device \(ENOSPC\)/,
    ],
  ] as const)('%s: one line naming the path and cause, exit 1, nothing replaced, nothing left behind', (_label, writerFs, cause) => {
    // A change, so that the writer has something to write.
    const file = path.join(out(), 'aws-dev/terraform/platform/cdk.tf.json');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, original + ' ');
    const before = treeDigest(out());
    const { io, err } = captureIo();
    expect(run(['--out', out(), '--quiet'], io, { synthesizeEnvironment, writerFs: writerFs as never })).toBe(1);
    expect(err.filter((l) => !l.startsWith('warning:'))).toEqual([
      expect.stringMatching(new RegExp(`^error: cannot write .*: ${cause.source}$`)),
      'Nothing was replaced.',
    ]);
    expect(err.join('\n')).not.toMatch(/\n\s+at /);
    expect(treeDigest(out())).toEqual(before);
    expect(siblingsLeft(out())).toEqual([]);
    fs.writeFileSync(file, original);
  });

  it('--out on an existing file: exit 2, the file untouched', () => {
    const file = path.join(tempDir('out-file'), 'notes.txt');
    fs.writeFileSync(file, 'mine\n');
    const { io, err } = captureIo();
    expect(run(['--out', file, '--quiet'], io)).toBe(2);
    expect(err).toContain(`error: refusing to write ${file}: it is a file, not an output directory`);
    expect(fs.readFileSync(file, 'utf8')).toBe('mine\n');
    expect(siblingsLeft(file)).toEqual([]);
  });

  it('--out FILE/sub: exit 2 with the file named, no stack', () => {
    const file = path.join(tempDir('out-under-file'), 'notes.txt');
    fs.writeFileSync(file, 'mine\n');
    const { io, err } = captureIo();
    expect(run(['--out', path.join(file, 'sub'), '--quiet'], io)).toBe(2);
    expect(err).toContain(`error: cannot write ${path.join(file, 'sub')}: ${file} is a file, not a directory`);
    expect(fs.readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it("--out on a directory holding the user's files: exit 2, nothing deleted", () => {
    const dir = tempDir('users-dir');
    fs.writeFileSync(path.join(dir, 'README.md'), 'mine\n');
    fs.mkdirSync(path.join(dir, 'src'));
    const { io, err } = captureIo();
    expect(run(['--out', dir, '--quiet'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/refusing to replace .*: .*(README\.md|src) is not an environment's output/);
    expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'src']);
  });

  it('an unexpected error is one line; --debug adds the stack', () => {
    const failing: typeof synthesizeEnvironment = () => {
      throw new Error('planted bug\nsecond line');
    };
    const plain = captureIo();
    expect(run(['--out', out(), '--quiet'], plain.io, { synthesizeEnvironment: failing })).toBe(1);
    expect(plain.err.filter((l) => !l.startsWith('warning:'))).toEqual(['synthesis failed: planted bug', 'Nothing was written.']);
    const debug = captureIo();
    expect(run(['--out', out(), '--quiet', '--debug'], debug.io, { synthesizeEnvironment: failing })).toBe(1);
    expect(debug.err.join('\n')).toMatch(/planted bug[\s\S]*\n\s+at /);
  });
});

describe('recovery by the next command, whichever it is', () => {
  /** An output whose swap was interrupted between the renames: dist/ missing, the new tree ready. */
  function interrupted(label: string) {
    const target = path.join(tempDir(label), 'dist');
    expect(run(['--out', target, '--quiet'], captureIo().io)).toBe(0);
    fs.renameSync(target, outputSiblings(target).ready);
    return target;
  }

  it('validate restores dist/ first, then validates it', async () => {
    const target = interrupted('recover-validate');
    const { io, err } = captureIo();
    expect(await runValidate([target], io)).toBe(0);
    expect(err).toContainEqual(expect.stringMatching(/^note: .*finished an interrupted synth's swap/));
    expect(siblingsLeft(target)).toEqual([]);
  });

  it('diff restores dist/ first, then finds no drift', () => {
    const target = interrupted('recover-diff');
    const { io, err } = captureIo();
    expect(runDiff(['--dist', target, '--check'], io)).toBe(0);
    expect(err).toContainEqual(expect.stringMatching(/^note: /));
    expect(siblingsLeft(target)).toEqual([]);
  });
});

describe('processes: SIGKILL between the renames, two synths at once, a held lock', () => {
  const out = synthOnce('processes');
  // A killed writer's lock is stale after 2 s here (the minimum), 10 s by default.
  const FAST_STALE = { PLATFORM_SYNTH_LOCK_STALE_MS: '2000' };

  it('killed between the renames (dist/ missing, lock left): `synth --env aws-dev` waits out the lock, restores, keeps the other environments', () => {
    const reference = treeDigest(out());
    fs.rmSync(path.join(out(), 'azure-prod/terraform/platform/cdk.tf.json'));
    const killed = synthProcess(['--out', out(), '--quiet'], { PLATFORM_SYNTH_KILL_AT: 'retired', ...FAST_STALE });
    expect(killed.signal).toBe('SIGKILL');
    expect(fs.existsSync(out())).toBe(false);
    expect(fs.existsSync(outputSiblings(out()).lock)).toBe(true);
    const again = synthProcess(['--out', out(), '--quiet', '--env', 'aws-dev'], FAST_STALE);
    expect(again.status).toBe(0);
    expect(treeDigest(out())).toEqual(reference);
    expect(siblingsLeft(out())).toEqual([]);
  });

  it('two synths at once: both exit 0 and the tree is whole', async () => {
    const reference = treeDigest(out());
    fs.rmSync(path.join(out(), 'aws-dev'), { recursive: true });
    const start = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [...RUN_TS, 'src/cli.ts', '--out', out(), '--quiet'], { cwd: REPO });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += String(d)));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([start(), start()]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    for (const r of results) expect(r.stderr).not.toMatch(/\n\s+at |ENOTEMPTY/);
    expect(treeDigest(out())).toEqual(reference);
    expect(siblingsLeft(out())).toEqual([]);
  });

  it('a lock held past the timeout: a clear message, exit 1, the output as it was', () => {
    const before = treeDigest(out());
    fs.rmSync(path.join(out(), 'aws-dev/terraform/platform/cdk.tf.json'));
    const held = treeDigest(out());
    const result = withOutputLock(path.resolve(out()), () => synthProcess(['--out', out(), '--quiet'], { PLATFORM_SYNTH_LOCK_TIMEOUT_MS: '1500' }));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/waiting for .*dist\.synth-lock: another synth is writing/);
    expect(result.stderr).toMatch(/error: .* is being written by another synth \(lock .*dist\.synth-lock\); gave up after 2 s/);
    expect(treeDigest(out())).toEqual(held);
    expect(run(['--out', out(), '--quiet'], captureIo().io)).toBe(0);
    expect(treeDigest(out())).toEqual(before);
  });
});
