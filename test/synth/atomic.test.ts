import * as fs from 'fs';
import * as path from 'path';
import { run } from '../../src/cli';
import { synthesizeEnvironment } from '../../src/synth/synthesize';
import { writeOutput } from '../../src/synth/writer';
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
