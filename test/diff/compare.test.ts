/** The pure comparison on small hand-made trees: no synth, no file system. */
import { compareOutputs } from '../../src/diff/compare';
import { compareStack } from '../../src/diff/terraform';
import { differingPaths } from '../../src/diff/values';

const tf = (json: object) => JSON.stringify(json, null, 2) + '\n';

const STACK = {
  terraform: { backend: { s3: { key: 'e/s.tfstate' } } },
  resource: {
    aws_kms_key: { data: { description: 'data key', enable_key_rotation: true } },
    aws_kms_alias: { data: { name: 'alias/acme-data', target_key_id: '${aws_kms_key.data.key_id}' } },
    aws_sqs_queue: { jobs: { name: 'acme-jobs', fifo_queue: true, depends_on: ['aws_kms_key.data'] } },
  },
  data: { aws_caller_identity: { current: {} } },
  output: { queue_url: { value: '${aws_sqs_queue.jobs.url}' } },
};

/** STACK with resources renamed (`type.old` → new name), and every reference to them rewritten. */
function renamed(names: Record<string, string>, edit: (json: any) => void = () => {}): any {
  const json = JSON.parse(JSON.stringify(STACK));
  for (const [address, name] of Object.entries(names)) {
    const [type, old] = address.split('.');
    json.resource[type][name] = json.resource[type][old];
    delete json.resource[type][old];
  }
  let text = JSON.stringify(json);
  for (const [address, name] of Object.entries(names))
    text = text
      .split(`${address}.`)
      .join(`${address.split('.')[0]}.${name}.`)
      .split(`"${address}"`)
      .join(`"${address.split('.')[0]}.${name}"`);
  const out = JSON.parse(text);
  edit(out);
  return out;
}

describe('compareStack', () => {
  it('equal stacks (any key order) are no difference', () => {
    const reordered = JSON.parse(JSON.stringify({ output: STACK.output, data: STACK.data, resource: STACK.resource, terraform: STACK.terraform }));
    expect(compareStack('s', 'e/terraform/s/cdk.tf.json', STACK, reordered)).toBeUndefined();
  });

  it('names the top-level attributes of a changed resource, and changed data sources, outputs and settings', () => {
    const after = JSON.parse(JSON.stringify(STACK));
    after.resource.aws_sqs_queue.jobs.fifo_queue = false;
    after.resource.aws_sqs_queue.jobs.visibility_timeout_seconds = 60;
    after.data.aws_caller_identity.current = { provider: 'aws.other' };
    after.output.queue_arn = { value: '${aws_sqs_queue.jobs.arn}' };
    after.terraform.backend.s3.key = 'e/t.tfstate';
    const diff = compareStack('s', 'f', STACK, after)!;
    expect(diff.replacements).toEqual([]);
    expect(diff.entries).toEqual([
      {
        address: 'aws_sqs_queue.jobs',
        kind: 'resource',
        change: 'changed',
        attributes: ['fifo_queue', 'visibility_timeout_seconds'],
        // STACK pins no provider version, so there is no force-new list to check fifo_queue against.
        unchecked: "no force-new list: the stack's required_providers has no aws provider",
      },
      { address: 'data.aws_caller_identity.current', kind: 'data', change: 'changed', attributes: ['provider'] },
      { address: 'output.queue_arn', kind: 'output', change: 'added' },
      { address: 'terraform', kind: 'setting', change: 'changed', attributes: ['backend'] },
    ]);
  });

  it('a renamed resource with an identical body is a replacement, not a destroy plus an add', () => {
    const diff = compareStack('s', 'f', STACK, renamed({ 'aws_sqs_queue.jobs': 'work' }))!;
    expect(diff.replacements).toEqual([{ from: 'aws_sqs_queue.jobs', to: 'aws_sqs_queue.work', differs: [] }]);
    // The output refers to the new address: a change, but no destroy.
    expect(diff.entries).toEqual([{ address: 'output.queue_url', kind: 'output', change: 'changed', attributes: ['value'] }]);
  });

  it('a rename that also changes name-like attributes is still a replacement, and says which differ', () => {
    const after = renamed({ 'aws_sqs_queue.jobs': 'work' }, (j) => (j.resource.aws_sqs_queue.work.name = 'acme-work'));
    expect(compareStack('s', 'f', STACK, after)!.replacements).toEqual([{ from: 'aws_sqs_queue.jobs', to: 'aws_sqs_queue.work', differs: ['name'] }]);
  });

  it('renamed dependents pair up through their references to a renamed resource', () => {
    // The alias differs from its old self only in target_key_id, which names the renamed key.
    const diff = compareStack('s', 'f', STACK, renamed({ 'aws_kms_key.data': 'main', 'aws_kms_alias.data': 'main' }))!;
    expect(diff.replacements.map((r) => `${r.from} → ${r.to}`)).toEqual(['aws_kms_alias.data → aws_kms_alias.main', 'aws_kms_key.data → aws_kms_key.main']);
    expect(diff.entries.map((e) => `${e.change} ${e.address}`)).toEqual(['changed aws_sqs_queue.jobs']);
  });

  it('a removed resource with no renamed twin is a destroy; a different body of the same type is no rename', () => {
    const after = JSON.parse(JSON.stringify(STACK));
    delete after.resource.aws_sqs_queue.jobs;
    after.resource.aws_sqs_queue.events = { name: 'acme-events', fifo_queue: false };
    const diff = compareStack('s', 'f', STACK, after)!;
    expect(diff.replacements).toEqual([]);
    expect(diff.entries.filter((e) => e.kind === 'resource')).toEqual([
      { address: 'aws_sqs_queue.events', kind: 'resource', change: 'added' },
      { address: 'aws_sqs_queue.jobs', kind: 'resource', change: 'removed' },
    ]);
  });

  it('a whole stack added or removed carries its counts', () => {
    expect(compareStack('s', 'f', undefined, STACK)).toMatchObject({ change: 'added', counts: { resources: 3, dataSources: 1, outputs: 1 } });
    expect(compareStack('s', 'f', STACK, undefined)).toMatchObject({ change: 'removed', replacements: [], counts: { resources: 3 } });
  });
});

describe('compareOutputs', () => {
  const deployment = (image: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: web\nspec:\n  template:\n    spec:\n      containers:\n        - image: ${image}\n          name: api\n`;
  const committed = new Map([
    ['e/terraform/s/cdk.tf.json', tf(STACK)],
    ['e/kubernetes/web/deployment-api.yaml', deployment('api:1')],
    ['e/kubernetes/web/kustomization.yaml', 'resources:\n  - deployment-api.yaml\n'],
    ['README.md', 'hello\n'],
  ]);

  it('identical trees: nothing', () => {
    expect(compareOutputs(committed, new Map(committed))).toEqual([]);
  });

  it('formatting-only changes are file changes, not object or resource changes', () => {
    const synthesized = new Map(committed);
    synthesized.set('e/terraform/s/cdk.tf.json', JSON.stringify(STACK));
    synthesized.set(
      'e/kubernetes/web/deployment-api.yaml',
      `# reformatted\nkind: "Deployment"\napiVersion: apps/v1\n${deployment('api:1').split('\n').slice(2).join('\n')}`,
    );
    const [env] = compareOutputs(committed, synthesized);
    expect(env).toMatchObject({ environment: 'e', change: 'changed', terraform: [], kubernetes: [] });
    expect(env.files).toEqual([
      { file: 'e/kubernetes/web/deployment-api.yaml', change: 'changed', note: 'formatting only' },
      { file: 'e/terraform/s/cdk.tf.json', change: 'changed', note: 'formatting only' },
    ]);
  });

  it('GitOps objects (dist/<env>/gitops/<dir>/) are compared as objects of the app gitops/<dir>', () => {
    const app = (version: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: e-operator-keda\n  namespace: argocd\nspec:\n  source:\n    targetRevision: ${version}\n`;
    const before = new Map([['e/gitops/apps/application-e-operator-keda.yaml', app('2.20.2')]]);
    const after = new Map([['e/gitops/apps/application-e-operator-keda.yaml', app('2.20.3')]]);
    const [env] = compareOutputs(before, after);
    expect(env.kubernetes).toEqual([
      expect.objectContaining({
        app: 'gitops/apps',
        change: 'changed',
        objects: [expect.objectContaining({ id: 'gitops/apps Application argocd/e-operator-keda', change: 'changed', paths: ['spec.source.targetRevision'] })],
      }),
    ]);
  });

  it('a changed object is named by app, kind, namespace and name, with the paths that differ', () => {
    const synthesized = new Map(committed);
    synthesized.set('e/kubernetes/web/deployment-api.yaml', deployment('api:2'));
    const [env] = compareOutputs(committed, synthesized);
    expect(env.kubernetes).toEqual([
      {
        app: 'web',
        change: 'changed',
        objects: [
          {
            id: 'web Deployment web/api',
            app: 'web',
            kind: 'Deployment',
            namespace: 'web',
            name: 'api',
            change: 'changed',
            files: ['e/kubernetes/web/deployment-api.yaml'],
            paths: ['spec.template.spec.containers[0].image'],
          },
        ],
      },
    ]);
    expect(env.files).toEqual([]);
  });

  it('an object moved to another file is no object change; both files are', () => {
    const synthesized = new Map(committed);
    synthesized.delete('e/kubernetes/web/deployment-api.yaml');
    synthesized.set('e/kubernetes/web/api.yaml', deployment('api:1'));
    const [env] = compareOutputs(committed, synthesized);
    expect(env.kubernetes).toEqual([]);
    expect(env.files.map((f) => `${f.change} ${f.file}`)).toEqual(['added e/kubernetes/web/api.yaml', 'removed e/kubernetes/web/deployment-api.yaml']);
  });

  it('unreadable files and files at the top level are reported as files', () => {
    const synthesized = new Map(committed);
    synthesized.set('e/kubernetes/web/deployment-api.yaml', 'kind: [unclosed\n');
    synthesized.set('README.md', 'changed\n');
    const diffs = compareOutputs(committed, synthesized);
    expect(diffs.map((d) => d.environment)).toEqual(['.', 'e']);
    expect(diffs[0].files).toEqual([{ file: 'README.md', change: 'changed' }]);
    // The object is gone from the synthesized side, and the file says why.
    expect(diffs[1].kubernetes[0].objects.map((o) => `${o.change} ${o.id}`)).toEqual(['removed web Deployment web/api']);
    expect(diffs[1].files).toEqual([
      { file: 'e/kubernetes/web/deployment-api.yaml', change: 'changed', note: expect.stringMatching(/^synthesized: not valid YAML: /) },
    ]);
  });

  it('a whole environment added or removed', () => {
    expect(compareOutputs(new Map(), committed).map((d) => `${d.environment} ${d.change}`)).toEqual(['. added', 'e added']);
    expect(compareOutputs(committed, new Map()).map((d) => `${d.environment} ${d.change}`)).toEqual(['. removed', 'e removed']);
  });
});

describe('differingPaths', () => {
  it('quotes keys that are not identifiers and reports arrays of another length whole', () => {
    expect(
      differingPaths(
        { metadata: { labels: { 'app.kubernetes.io/name': 'a' } }, args: [1, 2] },
        { metadata: { labels: { 'app.kubernetes.io/name': 'b' } }, args: [1] },
      ),
    ).toEqual(['args', 'metadata.labels["app.kubernetes.io/name"]']);
  });
});
