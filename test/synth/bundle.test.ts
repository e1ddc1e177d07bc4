import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { REPO, RUN_TS, tempDir, treeDigest } from './helpers';

/** Where ts-register.js keeps this checkout's caches (its CACHE_DIR). */
const CACHE_DIR = path.join(REPO, 'node_modules', '.cache', 'ts-register', createHash('sha256').update(REPO).digest('hex').slice(0, 16));

function synth(out: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...RUN_TS, 'src/cli.ts', '--out', out, '--quiet'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('the main module as one bundle (ts-register.js)', () => {
  const dir = tempDir('bundle');
  const bundled = synth(path.join(dir, 'bundled'));
  const moduleByModule = synth(path.join(dir, 'modules'), { PLATFORM_SYNTH_NO_BUNDLE: '1' });

  it('writes exactly what loading module by module writes', () => {
    expect([bundled.status, moduleByModule.status]).toEqual([0, 0]);
    const digest = treeDigest(path.join(dir, 'bundled'));
    expect(Object.keys(digest).length).toBeGreaterThan(500);
    expect(digest).toEqual(treeDigest(path.join(dir, 'modules')));
  });

  const bundle = () => {
    const files = fs.readdirSync(CACHE_DIR).filter((f) => f.startsWith('bundle-src_cli_ts-') && f.endsWith('.js'));
    expect(files).toHaveLength(1); // only the newest bundle of an entry is kept
    return fs.readFileSync(path.join(CACHE_DIR, files[0]), 'utf8');
  };

  it('is ASCII only, so that it loads as a one-byte string (the comments esbuild keeps hold `…` and `→`)', () => {
    const text = bundle();
    expect(text.match(/[\u0080-\uffff]/g)).toBeNull();
    // What such a comment says is kept, escaped.
    expect(text).toContain('GitOps agents, \\u2026)');
  });

  it('keeps each source strict in its own wrapper, and the packages as they are (a directive at the top would make every package strict)', () => {
    const text = bundle();
    expect(text.startsWith('"use strict"')).toBe(false);
    const wrappers = [...text.matchAll(/^ {2}"((?:src|stacks|charts)\/[^"]+\.ts)"\(exports\d*, module\d*\) \{\n(.*)$/gm)];
    expect(wrappers.map((m) => m[1])).toEqual(
      expect.arrayContaining(['src/cli.ts', 'src/synth/writer.ts', 'stacks/constructs/platform-stack.ts', 'charts/lib/render.ts']),
    );
    for (const [, file, firstLine] of wrappers) expect({ file, firstLine: firstLine.trim() }).toEqual({ file, firstLine: '"use strict";' });
  });

  it('gives each source its own __dirname, and `require.main === module` only to the main module', () => {
    const text = bundle();
    // esbuild heads each module with a `// <path>` line.
    const sources = text.split(/^\/\/ (?=\S+\.(?:ts|js|json)$)/m).filter((m) => /^(src|stacks|charts)\/\S+\.ts\n/.test(m));
    expect(sources.length).toBeGreaterThan(100);
    for (const source of sources) {
      const file = source.split('\n')[0];
      // esbuild may rename the declaration (`__dirname2`); each one used must be the file's own folder or path.
      for (const [, name] of source.matchAll(/\b(__dirname\d*|__filename\d*)\b/g)) {
        const value = name.startsWith('__dirname') ? path.dirname(path.join(REPO, file)) : path.join(REPO, file);
        expect({ file, name, declared: source.includes(`var ${name} = ${JSON.stringify(value)}`) }).toEqual({ file, name, declared: true });
      }
    }
    // Packages' files too (cdk8s's Yaml.load reads a script beside its own file).
    const cdk8sYaml = text.split(/^\/\/ (?=\S+\.(?:ts|js|json)$)/m).find((m) => m.startsWith('node_modules/cdk8s/lib/yaml.js\n'))!;
    expect(cdk8sYaml).toMatch(
      new RegExp(`var (__dirname\\d*) = ${JSON.stringify(path.join(REPO, 'node_modules/cdk8s/lib')).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );
    expect(sources.find((source) => source.startsWith('src/synth/outputs.ts\n'))).toMatch(
      /DEFAULT_OUTPUTS_DIR = path\.resolve\(__dirname\d*, "\.\.", "outputs"\)/,
    );
    expect(text).toMatch(/if \(true\) process\.exitCode = \(0, import_toolkit\.guarded\)/); // src/cli.ts runs
  });
});

describe("the sources' digest (ts-register.js keys compiled code and bundles by it)", () => {
  it('follows an edit that keeps the file size and modification time, though it remembers the digest by stat lines', () => {
    // A checkout of its own: ts-register.js, a source, and the one package it needs.
    const root = tempDir('digest');
    for (const file of ['ts-register.js', 'module-cache.js']) fs.copyFileSync(path.join(REPO, file), path.join(root, file));
    fs.mkdirSync(path.join(root, 'node_modules'));
    fs.symlinkSync(path.join(REPO, 'node_modules', 'esbuild'), path.join(root, 'node_modules', 'esbuild'));
    fs.mkdirSync(path.join(root, 'src'));
    const source = path.join(root, 'src', 'a.ts');
    fs.writeFileSync(source, 'export const a = 1;\n');
    // Whole seconds, which utimes sets exactly: the edit below keeps the same modification time to the nanosecond.
    const stamp = 1_700_000_000;
    fs.utimesSync(source, stamp, stamp);
    const digest = (...flags: string[]) =>
      spawnSync(process.execPath, [...flags, '-p', "require('./ts-register.js').sourcesDigest()"], { cwd: root, encoding: 'utf8' }).stdout.trim();
    const memos = () => fs.readdirSync(path.join(root, 'node_modules', '.cache', 'ts-register'), { recursive: true }).filter((f) => /sources-/.test(String(f)));
    // Remembered only once every source has been still for 2 s.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    const before = digest();
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(memos()).toHaveLength(1);
    const stat = fs.statSync(source, { bigint: true });
    fs.writeFileSync(source, 'export const a = 2;\n');
    fs.utimesSync(source, stamp, stamp);
    const edited = fs.statSync(source, { bigint: true });
    expect([edited.size, edited.mtimeNs, edited.ino]).toEqual([stat.size, stat.mtimeNs, stat.ino]);
    const after = digest();
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
    expect(digest()).toBe(after);
    // Compiled with source maps, the same sources are another digest: the remembered one is not reused.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    expect(digest()).toBe(after); // remembered now
    const withMaps = digest('--enable-source-maps');
    expect(withMaps).toMatch(/^[0-9a-f]{64}$/);
    expect(withMaps).not.toBe(after);
    expect(digest()).toBe(after);
  });
});
