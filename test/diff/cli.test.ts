/** `npm run diff` against planted changes in a copy of a fresh synth. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { runDiff } from '../../src/diff/cli';
import { REPO, RUN_TS, captureIo, tempDir, treeDigest } from '../synth/helpers';
import { ENV, cleanUp, copyDist, editJson, freshDist } from './helpers';

const diff = (dist: string, ...args: string[]) => {
  const { io, out, err } = captureIo();
  const code = runDiff(['--dist', dist, '--env', ENV, ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
};
const json = (dist: string) => JSON.parse(diff(dist, '--json').out);

const DEPLOYMENT = `${ENV}/kubernetes/edw/deployment-edw-consumer.yaml`;
const LAKEHOUSE = `${ENV}/terraform/lakehouse/cdk.tf.json`;

describe('npm run diff', () => {
  let fresh: string;
  beforeAll(() => {
    fresh = freshDist('fresh');
  });
  afterAll(cleanUp);

  it('identical output: no drift, exit 0 even with --check, and nothing written', () => {
    const before = treeDigest(fresh);
    const result = diff(fresh, '--check');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^no drift: a fresh synth of 1 environment matches .*dist\/ \(\d+ files\)$/);
    // Only the model's legacy-model warnings (src/model/ai-models.ts), nothing else.
    expect(result.err.split('\n').filter((l) => l && !/^warning: environments\[\d+\]\.workloads\.rag\./.test(l))).toEqual([]);
    expect(json(fresh)).toMatchObject({ drift: false, environments: [ENV], diffs: [] });
    expect(treeDigest(fresh)).toEqual(before);
  });

  it('a changed Kubernetes value: the object by app, kind, namespace/name and path; --check exits 1', () => {
    const dist = copyDist(fresh, 'k8s');
    const file = path.join(dist, DEPLOYMENT);
    const doc = parseDocument(fs.readFileSync(file, 'utf8'), { version: '1.1' });
    doc.setIn(['spec', 'template', 'spec', 'containers', 0, 'image'], 'edited:0.0.1');
    fs.writeFileSync(file, doc.toString());

    const result = diff(dist);
    expect(result.code).toBe(0);
    expect(result.out).toContain('~ edw Deployment edw/edw-consumer (spec.template.spec.containers[0].image)');
    expect(result.out).toMatch(/^drift: .* in aws-dev: 1 object changed$/m);
    const checked = diff(dist, '--check');
    expect(checked.code).toBe(1);
    expect(checked.err).toContain("run 'npm run synth' and commit");
    expect(json(dist).diffs[0].kubernetes[0].objects).toEqual([
      expect.objectContaining({
        id: 'edw Deployment edw/edw-consumer',
        app: 'edw',
        kind: 'Deployment',
        namespace: 'edw',
        name: 'edw-consumer',
        change: 'changed',
      }),
    ]);
  });

  it('a reformatted manifest is a file change only, and still drift for --check', () => {
    const dist = copyDist(fresh, 'format');
    const file = path.join(dist, DEPLOYMENT);
    fs.writeFileSync(file, `# edited by hand\n${fs.readFileSync(file, 'utf8').replace('name: edw-consumer', 'name: "edw-consumer"')}`);
    const result = diff(dist, '--check');
    expect(result.code).toBe(1);
    expect(result.out).not.toContain('Deployment');
    expect(result.out).toContain(`~ ${DEPLOYMENT} (formatting only)`);
  });

  it('a renamed Terraform resource is flagged REPLACE with both addresses, not as a destroy', () => {
    const dist = copyDist(fresh, 'rename');
    editJson(path.join(dist, LAKEHOUSE), (tf) => {
      tf.resource.aws_s3_bucket.lake = tf.resource.aws_s3_bucket.lakehouse;
      delete tf.resource.aws_s3_bucket.lakehouse;
    });
    const result = diff(dist, '--check');
    expect(result.code).toBe(1);
    // Committed has `lake`; the model synthesizes `lakehouse`: applying it moves the address.
    expect(result.out).toContain('REPLACE aws_s3_bucket.lake → aws_s3_bucket.lakehouse');
    expect(result.out).toMatch(
      /would be destroyed and recreated; use a `moved` block or\n\s+terraform -chdir=\S+\/aws-dev\/terraform\/lakehouse state mv aws_s3_bucket.lake aws_s3_bucket.lakehouse/,
    );
    expect(result.out).toMatch(/^REPLACE: 1 Terraform resource would be destroyed and recreated/m);
    expect(result.out).not.toContain('DESTROY');
    expect(json(dist).diffs[0].terraform).toEqual([
      expect.objectContaining({
        stack: 'lakehouse',
        change: 'changed',
        replacements: [{ from: 'aws_s3_bucket.lake', to: 'aws_s3_bucket.lakehouse', differs: [] }],
        entries: [],
      }),
    ]);
  });

  it('a resource the model no longer has is flagged DESTROY; one it adds and one it changes are listed', () => {
    const dist = copyDist(fresh, 'destroy');
    editJson(path.join(dist, LAKEHOUSE), (tf) => {
      tf.resource.aws_sqs_queue = { legacy: { name: 'acme-aws-dev-legacy' } };
      expect(tf.resource.aws_s3_bucket_versioning.lakehouse_bucket_versioning).toBeDefined();
      delete tf.resource.aws_s3_bucket_versioning.lakehouse_bucket_versioning;
      tf.resource.aws_s3_bucket.lakehouse.force_destroy = true;
    });
    const result = diff(dist);
    expect(result.out).toContain('    DESTROY aws_sqs_queue.legacy');
    expect(result.out).toContain('    ~ aws_s3_bucket.lakehouse (force_destroy)');
    expect(result.out).toContain('    + aws_s3_bucket_versioning.lakehouse_bucket_versioning');
    expect(result.out).toMatch(/^DESTROY: 1 Terraform resource would be destroyed$/m);
    expect(result.out).toMatch(/^drift: .*: 1 DESTROY, 1 resource added, 1 resource changed$/m);
  });

  it('files added and removed, a whole stack and a whole app', () => {
    const dist = copyDist(fresh, 'files');
    fs.writeFileSync(path.join(dist, ENV, 'kubernetes/edw/notes.txt'), 'hand-written\n');
    fs.rmSync(path.join(dist, ENV, 'kubernetes/edw/kustomization.yaml'));
    fs.cpSync(path.join(dist, ENV, 'terraform/edw'), path.join(dist, ENV, 'terraform/legacy'), { recursive: true });
    fs.rmSync(path.join(dist, ENV, 'kubernetes/serving'), { recursive: true });
    const result = diff(dist, '--check');
    expect(result.code).toBe(1);
    expect(result.out).toContain(`    - ${ENV}/kubernetes/edw/notes.txt`);
    expect(result.out).toContain(`    + ${ENV}/kubernetes/edw/kustomization.yaml`);
    expect(result.out).toMatch(/^ {2}terraform\/legacy: STACK REMOVED \(\d+ resources, /m);
    expect(result.out).toMatch(/^ {4}\+ app serving \(\d+ objects\)$/m);
    const report = json(dist);
    expect(report.diffs[0].files).toEqual(
      expect.arrayContaining([
        { file: `${ENV}/kubernetes/edw/notes.txt`, change: 'removed' },
        { file: `${ENV}/kubernetes/edw/kustomization.yaml`, change: 'added' },
      ]),
    );
    expect(report.summary).toMatchObject({ stacksRemoved: 1, appsAdded: 1 });
  });

  it('is deterministic: the same report twice, everything sorted', () => {
    const dist = copyDist(fresh, 'sorted');
    for (const app of ['edw', 'lakehouse', 'platform']) fs.writeFileSync(path.join(dist, ENV, 'kubernetes', app, 'z.txt'), 'x');
    const first = diff(dist, '--json').out;
    expect(diff(dist, '--json').out).toBe(first);
    const files = JSON.parse(first).diffs[0].files.map((f: { file: string }) => f.file);
    expect(files).toEqual([...files].sort());
  });

  it('bad arguments, environments, directories and models exit 2', () => {
    expect(diff(fresh, '--frobnicate').code).toBe(2);
    expect(diff(fresh, '--env', 'gcp-dev').err).toMatch(/unknown environment gcp-dev/);
    expect(diff(path.join(tempDir('none'), 'dist')).code).toBe(2);
    const config = path.join(tempDir('bad-model'), 'bad.yaml');
    fs.writeFileSync(config, 'environments: [{ name: aws-dev, region: mars-1 }]\n');
    const bad = diff(fresh, '--config', config);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('environments[0].region: "mars-1" is not a known aws region');
  });

  it('exits 1 on drift with --check as a process (what CI sees), 0 without', () => {
    const dist = copyDist(fresh, 'proc');
    fs.writeFileSync(path.join(dist, ENV, 'extra.txt'), 'x');
    const proc = (...args: string[]) =>
      spawnSync(process.execPath, [...RUN_TS, 'src/diff/cli.ts', '--dist', dist, '--env', ENV, ...args], { cwd: REPO, encoding: 'utf8' });
    const checked = proc('--check');
    expect(checked.status).toBe(1);
    expect(checked.stdout).toContain(`- ${ENV}/extra.txt`);
    expect(proc().status).toBe(0);
  });
});
