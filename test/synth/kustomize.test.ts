/**
 * Every directory of the output with a kustomization.yaml builds with `kubectl kustomize` (what Argo CD,
 * Flux and `kubectl apply -k` run), to exactly the objects of that directory (and of the directories it
 * includes): a full synth of the default model, written to a temporary directory.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { resolvePlatform } from '../../src/model/defaults';
import { defaultPlatform } from '../../src/platform';
import { DEFAULT_OUTPUTS_DIR } from '../../src/synth/outputs';
import { synthesizeEnvironment } from '../../src/synth/synthesize';
import { listFiles, writeOutput } from '../../src/synth/writer';
import { tempDir } from './helpers';

const id = (o: any) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('kubectl kustomize on the written output', () => {
  let root = '';
  let out = '';
  let dirs: string[] = [];
  beforeAll(() => {
    root = tempDir('kustomize');
    out = path.join(root, 'dist');
    const platform = resolvePlatform(defaultPlatform);
    const files = new Map<string, string>();
    for (const env of platform.environments)
      for (const [f, text] of synthesizeEnvironment(platform, env, { outputsDir: DEFAULT_OUTPUTS_DIR }).files) files.set(f, text);
    writeOutput(out, files);
    dirs = listFiles(out)
      .filter((f) => path.posix.basename(f) === 'kustomization.yaml')
      .map((f) => path.posix.dirname(f));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const build = (dir: string): any[] =>
    parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(out, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))
      .map((d) => d.toJS())
      .filter((o) => o !== null);
  /** The objects of the files in a directory (its kustomization.yaml left out). */
  const objectsIn = (dir: string): any[] =>
    fs
      .readdirSync(path.join(out, dir))
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .map((f) => parse(fs.readFileSync(path.join(out, dir, f), 'utf8')));

  test('every environment has app and GitOps directories to build', () => {
    for (const env of ['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']) {
      expect(dirs).toEqual(expect.arrayContaining([`${env}/kubernetes/platform`, `${env}/gitops/bootstrap`, `${env}/gitops/apps`]));
    }
    expect(dirs).toEqual(expect.arrayContaining(['azure-dev/gitops/operators/keda', 'azure-prod/gitops/operators/cert-manager']));
    expect(dirs.length).toBeGreaterThan(30);
  });

  test('each builds to exactly its own objects (apps/: with the bootstrap objects, which the root keeps in sync)', () => {
    for (const dir of dirs) {
      const built = build(dir).map(id).sort();
      const bases = dir.endsWith('/gitops/apps') ? [path.posix.join(dir, '../bootstrap')] : [];
      const expected = [dir, ...bases].flatMap(objectsIn).map(id).sort();
      expect({ dir, objects: built }).toEqual({ dir, objects: expected });
      expect(built.length).toBeGreaterThan(0);
    }
  });

  test.each(['aws-dev', 'azure-prod'])('%s: gitops/apps builds to the root and the projects / source of bootstrap', (env) => {
    const built = build(`${env}/gitops/apps`).map((o) => `${o.kind}/${o.metadata.name}`);
    const expected = env.startsWith('aws')
      ? [`Application/${env}-root`, `AppProject/${env}`, `AppProject/${env}-operators`]
      : [`Kustomization/${env}-root`, `GitRepository/${env}`];
    expect(built).toEqual(expect.arrayContaining([...expected, `${env.startsWith('aws') ? 'Application' : 'Kustomization'}/${env}-platform`]));
  });
});
