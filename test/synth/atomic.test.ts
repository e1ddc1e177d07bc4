import * as fs from 'fs';
import * as path from 'path';
import { run } from '../../src/cli';
import { synthesizeEnvironment } from '../../src/synth/synthesize';
import { outputSiblings, writeOutput, writeOutputWhile } from '../../src/synth/writer';
import { captureIo, synthOnce, tempDir, treeDigest } from './helpers';

describe('atomic output', () => {
  const outDir = synthOnce('atomic');

  it('a synth that fails part-way leaves the output exactly as it was (exit 1)', () => {
    const before = treeDigest(outDir());
    let calls = 0;
    const failing: typeof synthesizeEnvironment = (platform, env, options) => {
      if (++calls === 3) throw new Error('planted failure in the third environment');
      return synthesizeEnvironment(platform, env, options);
    };
    const { io, err } = captureIo();
    expect(run(['--out', outDir()], io, { synthesizeEnvironment: failing })).toBe(1);
    expect(err.join('\n')).toMatch(/planted failure[\s\S]*Nothing was written/);
    expect(calls).toBe(3);
    expect(treeDigest(outDir())).toEqual(before);
    // The first two environments' files, written while the third rendered, are gone with the rest.
    expect(fs.readdirSync(path.dirname(outDir()))).toEqual([path.basename(outDir())]);
  });

  it('a write that fails part-way leaves the target as it was and no staging directory behind', () => {
    const target = path.join(tempDir('writer'), 'dist');
    writeOutput(target, new Map([['a/keep.txt', 'old\n']]));
    const before = treeDigest(target);
    // 'x/file' is written as a file, then 'x/file/child' needs it to be a directory: the write fails.
    const files = new Map([
      ['a/keep.txt', 'new\n'],
      ['x/file', '1'],
      ['x/file/child', '2'],
    ]);
    expect(() => writeOutput(target, files)).toThrow();
    expect(treeDigest(target)).toEqual(before);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['dist']);
  });

  it('refuses paths that escape the output directory', () => {
    const target = path.join(tempDir('escape'), 'dist');
    expect(() => writeOutput(target, new Map([['../evil', 'x']]))).toThrow(/outside the output directory/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('a full synth removes environments that are no longer in the model', () => {
    fs.mkdirSync(path.join(outDir(), 'aws-old/terraform'), { recursive: true });
    fs.writeFileSync(path.join(outDir(), 'aws-old/terraform/stale.json'), '{}');
    expect(run(['--out', outDir(), '--quiet'], captureIo().io)).toBe(0);
    expect(fs.existsSync(path.join(outDir(), 'aws-old'))).toBe(false);
  });
});

describe('writing while rendering (writeOutputWhile and its worker)', () => {
  const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  /** Waits (bounded) until the worker has written `file`; its inode. */
  const inodeOnceWritten = (file: string): number => {
    for (let i = 0; i < 100 && !fs.existsSync(file); i++) sleep(50);
    return fs.statSync(file).ino;
  };

  it('writes the tree writeOutput writes, starting from the files and directories the worker wrote, and leaves nothing beside the output', () => {
    const dir = tempDir('prestage');
    const target = path.join(dir, 'dist');
    writeOutput(
      target,
      new Map([
        ['e1/terraform/same.txt', 'same\n'],
        ['e1/terraform/changed.txt', 'old\n'],
        ['e1/terraform/gone.txt', 'x\n'],
      ]),
    );
    const sameInode = fs.statSync(path.join(target, 'e1/terraform/same.txt')).ino;
    const batches = [
      new Map([
        ['e1/terraform/same.txt', 'same\n'],
        ['e1/terraform/changed.txt', 'new\n'],
      ]),
      new Map([['e2/kubernetes/added.txt', 'added\n']]),
    ];
    const seen: Record<string, number> = {};
    let workerDirectory = 0;
    const summary = writeOutputWhile(target, (stage) => {
      for (const batch of batches) stage(batch);
      for (const rel of ['e1/terraform/changed.txt', 'e2/kubernetes/added.txt']) seen[rel] = inodeOnceWritten(path.join(outputSiblings(target).prestage, rel));
      workerDirectory = fs.statSync(path.join(outputSiblings(target).prestage, 'e2/kubernetes')).ino;
      // An unchanged file is not written ahead: it is hard-linked from the output, as writeOutput does.
      expect(fs.existsSync(path.join(outputSiblings(target).prestage, 'e1/terraform/same.txt'))).toBe(false);
      return new Map(batches.flatMap((b) => [...b]));
    });
    expect(summary).toMatchObject({ written: 2, linked: 1, removed: 1, unchanged: false });
    expect(treeDigest(target)).toEqual(treeDigest(writeOnce(path.join(dir, 'plain'), new Map(batches.flatMap((b) => [...b])))));
    for (const rel of Object.keys(seen)) expect({ rel, renamed: fs.statSync(path.join(target, rel)).ino === seen[rel] }).toEqual({ rel, renamed: true });
    expect(fs.statSync(path.join(target, 'e1/terraform/same.txt')).ino).toBe(sameInode);
    // The worker's directories are the output's: the writer made none of them again.
    expect(fs.statSync(path.join(target, 'e2/kubernetes')).ino).toBe(workerDirectory);
    expect(fs.readdirSync(dir).sort()).toEqual(['dist', 'plain']);
  });

  it('a file the worker wrote that the render no longer returns is not in the output', () => {
    const dir = tempDir('prestage-dropped');
    const target = path.join(dir, 'dist');
    const summary = writeOutputWhile(target, (stage) => {
      stage(
        new Map([
          ['e1/terraform/kept.txt', 'kept\n'],
          ['e1/terraform/dropped.txt', 'dropped\n'],
        ]),
      );
      inodeOnceWritten(path.join(outputSiblings(target).prestage, 'e1/terraform/dropped.txt'));
      return new Map([['e1/terraform/kept.txt', 'kept\n']]);
    });
    expect(summary).toMatchObject({ written: 1, unchanged: false });
    expect(fs.readdirSync(path.join(target, 'e1/terraform'))).toEqual(['kept.txt']);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  it('a render that fails after its first batches leaves the output as it was and no prestage behind', () => {
    const dir = tempDir('prestage-fail');
    const target = path.join(dir, 'dist');
    writeOutput(target, new Map([['e1/terraform/a.txt', 'a\n']]));
    const before = treeDigest(target);
    expect(() =>
      writeOutputWhile(target, (stage) => {
        stage(
          new Map([
            ['e1/terraform/a.txt', 'changed\n'],
            ['e1/terraform/b.txt', 'b\n'],
          ]),
        );
        inodeOnceWritten(path.join(outputSiblings(target).prestage, 'e1/terraform/b.txt'));
        throw new Error('planted failure while rendering');
      }),
    ).toThrow('planted failure while rendering');
    expect(treeDigest(target)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  it('a worker that fails (here: a staged file where a later one needs a directory) is not used: the writer writes the tree itself', () => {
    const dir = tempDir('prestage-worker-fails');
    const target = path.join(dir, 'dist');
    const summary = writeOutputWhile(target, (stage) => {
      stage(new Map([['e1/terraform/b', 'a file first']]));
      stage(new Map([['e1/terraform/b/c', 'then under it']]));
      return new Map([['e1/terraform/b/c', 'then under it']]);
    });
    expect(summary).toMatchObject({ written: 1, unchanged: false });
    expect(fs.readFileSync(path.join(target, 'e1/terraform/b/c'), 'utf8')).toBe('then under it');
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  it('a prestage left by a killed synth is removed by the next write', () => {
    const dir = tempDir('prestage-leftover');
    const target = path.join(dir, 'dist');
    fs.mkdirSync(path.join(`${target}.synth-prestage-1`, 'e1/terraform'), { recursive: true });
    fs.writeFileSync(path.join(`${target}.synth-prestage-1`, 'e1/terraform/half.txt'), 'half');
    writeOutput(target, new Map([['e1/terraform/a.txt', 'a\n']]));
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });
});

function writeOnce(target: string, files: Map<string, string>): string {
  writeOutput(target, files);
  return target;
}
