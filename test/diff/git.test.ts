/** `npm run diff -- --against REF`: the committed dist/ of a git revision, not the working tree. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runDiff } from '../../src/diff/cli';
import { readGitTree } from '../../src/diff/committed';
import { REPO, captureIo, tempDir } from '../synth/helpers';
import { ENV, cleanUp, freshDist } from './helpers';

const diff = (...args: string[]) => {
  const { io, out, err } = captureIo();
  const code = runDiff(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('npm run diff -- --against REF', () => {
  // A repository of its own, so the test does not depend on the state of this checkout.
  let repo: string;
  let dist: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=platform-synth test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  beforeAll(() => {
    repo = tempDir('diff-git');
    dist = path.join(repo, 'dist');
    fs.cpSync(freshDist('git'), dist, { recursive: true });
    git('init', '-q');
    git('add', 'dist');
    git('commit', '-q', '-m', 'synth');
  });
  afterAll(() => {
    cleanUp();
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('a committed, fresh dist/: no drift', () => {
    const result = diff('--dist', dist, '--against', 'HEAD', '--env', ENV, '--check');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^no drift: a fresh synth of 1 environment matches HEAD:dist\/ \(\d+ files\)$/);
  });

  it('reads the revision, not the working tree; a committed change is drift, the revision before is not', () => {
    const file = path.join(dist, ENV, 'terraform/edw/cdk.tf.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"terraform": {', '"terraform": {\n    "//": "hand edit",'));
    fs.rmSync(path.join(dist, ENV, 'kubernetes/edw/kustomization.yaml'));
    expect(diff('--dist', dist, '--against', 'HEAD', '--env', ENV, '--check').code).toBe(0);
    expect(diff('--dist', dist, '--env', ENV, '--check').code).toBe(1);

    git('add', '-A', 'dist');
    git('commit', '-q', '-m', 'hand edits');
    const result = diff('--dist', dist, '--against', 'HEAD', '--env', ENV, '--check');
    expect(result.code).toBe(1);
    expect(result.out).toContain('~ terraform (//)');
    expect(result.out).toContain(`+ ${ENV}/kubernetes/edw/kustomization.yaml`);
    expect(diff('--dist', dist, '--against', 'HEAD~1', '--env', ENV, '--check').code).toBe(0);
  });

  it('an unknown or option-like revision is a usage error (exit 2)', () => {
    expect(diff('--dist', dist, '--against', 'no-such-branch').err).toMatch(/--against no-such-branch: no such commit/);
    expect(diff('--dist', dist, '--against', 'no-such-branch').code).toBe(2);
    expect(diff('--dist', dist, '--against', '--output=/tmp/x').code).toBe(2);
  });

  it("reads this repository's HEAD:dist as git ls-tree and git show see it", () => {
    const inRepo = (...args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      inRepo('rev-parse', '--verify', 'HEAD');
    } catch {
      return; // not a git checkout (an exported tarball): nothing to compare with
    }
    const files = readGitTree(path.join(REPO, 'dist'), 'HEAD');
    const listed = inRepo('ls-tree', '-r', '--name-only', 'HEAD', '--', 'dist')
      .split('\n')
      .filter(Boolean)
      .map((f) => f.slice('dist/'.length));
    expect([...files.keys()]).toEqual(listed.sort());
    for (const file of [listed[0], listed[listed.length - 1]]) if (file) expect(files.get(file)).toBe(inRepo('show', `HEAD:dist/${file}`));
    // With dist/ clean in git, the revision and the working tree are the same comparison.
    if (inRepo('status', '--porcelain', '--', 'dist') === '') {
      const strip = (text: string) => JSON.parse(text).diffs;
      expect(strip(diff('--against', 'HEAD', '--json').out)).toEqual(strip(diff('--json').out));
    }
  });
});
