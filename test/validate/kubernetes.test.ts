import * as fs from 'fs';
import * as path from 'path';
import { KUBERNETES_VERSIONS } from '../../src/model/catalog';
import {
  BUNDLED_KINDS,
  CHART_KINDS,
  buildKubernetesBundle,
  buildVersionBundle,
  re2ToJs,
  serializeBundle,
  swaggerFileOf,
  versionsToBundle,
} from '../../src/validate/kubernetes-bundle';
import {
  KUBERNETES_BUNDLE_FILE,
  bundledKubernetesVersions,
  loadKubernetesBundle,
  loadKubernetesVersionBundle,
  versionBundleFile,
  skippedPatternCount,
  validateKubernetesDir,
  validateManifest,
  type KubernetesBundle,
} from '../../src/validate/kubernetes';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SHARED_SCHEMAS = path.resolve(REPO_ROOT, '../shared/schemas');
const FIXTURES = path.join(__dirname, 'fixtures', 'kubernetes');

type Obj = Record<string, any>;

/** `path: message` lines, as they end up in findings. */
function problems(obj: unknown, bundle?: KubernetesBundle): string[] {
  return validateManifest(obj, bundle).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}

/** Applies a change to a deep copy. */
function edit<T>(obj: T, change: (copy: any) => void): T {
  const copy = structuredClone(obj);
  change(copy);
  return copy;
}

const deployment: Obj = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'consumer', namespace: 'edw', labels: { 'app.kubernetes.io/name': 'consumer' }, creationTimestamp: null },
  spec: {
    replicas: 2,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'consumer' } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'consumer' } },
      spec: {
        containers: [
          {
            name: 'consumer',
            image: 'registry.example.com/edw/consumer:1.4.2',
            ports: [{ containerPort: 8080, name: 'http' }],
            resources: { requests: { cpu: 1, memory: '1Gi' }, limits: { cpu: '500m', memory: '2Gi', 'nvidia.com/gpu': 1 } },
          },
        ],
      },
    },
  },
};

const service: Obj = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'consumer', namespace: 'edw' },
  spec: { selector: { app: 'consumer' }, ports: [{ port: 80, targetPort: 8080 }] },
};

const nodePool: Obj = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'spot' },
  spec: {
    disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '2m', budgets: [{ nodes: '10%' }] },
    limits: { cpu: 240, memory: '960Gi' },
    template: {
      spec: {
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
        requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }],
      },
    },
  },
};

const helmRelease: Obj = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'milvus', namespace: 'rag' },
  spec: {
    interval: '10m',
    chart: { spec: { chart: 'milvus', version: '4.2.0', sourceRef: { kind: 'HelmRepository', name: 'milvus' } } },
    values: { cluster: { enabled: true }, anything: ['goes', 1, { here: null }] },
  },
};

const milvus: Obj = {
  apiVersion: 'milvus.io/v1beta1',
  kind: 'Milvus',
  metadata: { name: 'vectors', namespace: 'rag' },
  spec: { components: { proxy: { replicas: 2 } } },
};

const seldon: Obj = {
  apiVersion: 'machinelearning.seldon.io/v1',
  kind: 'SeldonDeployment',
  metadata: { name: 'model', namespace: 'mlops' },
  spec: {
    predictors: [
      {
        name: 'default',
        graph: { name: 'classifier', implementation: 'SKLEARN_SERVER', modelUri: 's3://models/classifier' },
        componentSpecs: [
          {
            spec: {
              containers: [{ name: 'classifier' }],
              volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { metadata: {}, spec: { accessModes: ['ReadWriteOnce'] } } } }],
            },
          },
        ],
      },
    ],
  },
};

describe('validateManifest: valid objects', () => {
  it.each([
    ['Deployment', deployment],
    ['Service', service],
    ['NodePool', nodePool],
    ['HelmRelease', helmRelease],
    ['Milvus', milvus],
    ['SeldonDeployment', seldon],
    // vault.auth.kubernetes.mountPath is required but has a default: the API server fills it in first.
    [
      'SecretStore',
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: { name: 'vault', namespace: 'edw' },
        spec: { provider: { vault: { server: 'https://vault:8200', auth: { kubernetes: { role: 'edw' } } } } },
      },
    ],
    ['Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'edw' }, data: { password: 'aHVudGVyMg==' }, stringData: { user: 'me' } }],
    [
      'ClusterRole',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'system:aggregate-to-edw' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
      },
    ],
  ])('%s has no problems', (_, obj) => {
    expect(problems(obj)).toEqual([]);
  });
});

describe('validateManifest: every check fails on bad input', () => {
  it('unknown field in a core object', () => {
    expect(problems(edit(deployment, (d) => (d.spec.strategy = { type: 'Recreate' })))).toEqual([]);
    expect(problems(edit(deployment, (d) => (d.spec.stratgy = { type: 'Recreate' })))).toEqual(['spec.stratgy: unknown field']);
    expect(problems(edit(deployment, (d) => (d.spec.template.spec.containers[0].imagePullPolicyy = 'Always')))).toEqual([
      'spec.template.spec.containers[0].imagePullPolicyy: unknown field',
    ]);
  });

  it('unknown field in a custom resource', () => {
    expect(problems(edit(nodePool, (n) => (n.spec.template.spec.expireAfter = '720h')))).toEqual([]);
    expect(problems(edit(nodePool, (n) => (n.spec.template.spec.expiresAfter = '720h')))).toEqual(['spec.template.spec.expiresAfter: unknown field']);
  });

  it('fields kept by x-kubernetes-preserve-unknown-fields (and free-form core objects) are accepted', () => {
    expect(problems(helmRelease)).toEqual([]); // spec.values preserves unknown fields
    // On an array, the flag also covers its items (Milvus initContainers: items are `type: object`, no properties).
    expect(problems(edit(milvus, (m) => (m.spec.components.proxy.initContainers = [{ name: 'init', image: 'busybox', anything: 1 }])))).toEqual([]);
    // FieldsV1 is `type: object` with no properties in the core spec: free-form.
    expect(problems(edit(service, (s) => (s.metadata.managedFields = [{ manager: 'kubectl', fieldsV1: { 'f:spec': { 'f:ports': {} } } }])))).toEqual([]);
  });

  it('a CRD object with no properties and no preserve-unknown-fields accepts no fields', () => {
    expect(problems(seldon)).toEqual([]);
    const labelled = edit(
      seldon,
      (s) => (s.spec.predictors[0].componentSpecs[0].spec.volumes[0].ephemeral.volumeClaimTemplate.metadata = { labels: { a: 'b' } }),
    );
    expect(problems(labelled)).toEqual(['spec.predictors[0].componentSpecs[0].spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.labels: unknown field']);
  });

  it('unknown apiVersion', () => {
    expect(problems(edit(deployment, (d) => (d.apiVersion = 'extensions/v1beta1')))).toEqual([
      'apiVersion: unknown apiVersion "extensions/v1beta1" (Deployment is known as apps/v1)',
    ]);
    expect(problems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual(['apiVersion: unknown apiVersion "example.com/v1"']);
    expect(problems({ kind: 'ConfigMap', metadata: { name: 'c' } })).toEqual(['apiVersion: missing required field']);
  });

  it('unknown kind', () => {
    expect(problems({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })).toEqual([]);
    expect(problems({ apiVersion: 'v1', kind: 'ConfigMapp', metadata: { name: 'c' } })[0]).toMatch(
      /^kind: unknown kind "ConfigMapp" for apiVersion v1 \(known: ConfigMap, /,
    );
    expect(problems({ apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim', metadata: { name: 'c' } })).toEqual([
      'kind: unknown kind "NodeClaim" for apiVersion karpenter.sh/v1 (known: NodePool)',
    ]);
    expect(problems('just a string')).toEqual(['expected a Kubernetes object (a mapping), got string "just a string"']);
  });

  it('missing required fields', () => {
    expect(problems(edit(deployment, (d) => delete d.spec.selector))).toEqual(['spec.selector: missing required field']);
    expect(problems(edit(deployment, (d) => delete d.spec.template.spec.containers[0].name))).toEqual([
      'spec.template.spec.containers[0].name: missing required field',
    ]);
    expect(problems(edit(nodePool, (n) => delete n.spec.template.spec.nodeClassRef))).toEqual(['spec.template.spec.nodeClassRef: missing required field']);
  });

  it('wrong types', () => {
    expect(problems(edit(deployment, (d) => (d.spec.template.spec.containers[0].ports[0].containerPort = '80')))).toEqual([
      'spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string "80"',
    ]);
    expect(problems(edit(deployment, (d) => (d.metadata.labels.version = 1.5)))).toEqual(['metadata.labels.version: expected string, got number 1.5']);
    expect(problems(edit(deployment, (d) => (d.spec.template.spec.containers = { name: 'x' })))).toEqual([
      'spec.template.spec.containers: expected array, got object',
    ]);
    expect(problems(edit(nodePool, (n) => (n.spec.template.spec.nodeClassRef.name = true)))).toEqual([
      'spec.template.spec.nodeClassRef.name: expected string, got boolean true',
    ]);
  });

  it('int-or-string: an integer or a string, nothing else', () => {
    expect(problems(edit(service, (s) => (s.spec.ports[0].targetPort = 8080)))).toEqual([]);
    expect(problems(edit(service, (s) => (s.spec.ports[0].targetPort = 'http')))).toEqual([]);
    expect(problems(edit(service, (s) => (s.spec.ports[0].targetPort = 80.5)))).toEqual([
      'spec.ports[0].targetPort: expected integer or string, got number 80.5',
    ]);
    expect(problems(edit(service, (s) => (s.spec.ports[0].targetPort = true)))).toEqual([
      'spec.ports[0].targetPort: expected integer or string, got boolean true',
    ]);
  });

  it('quantities: a number or a quantity string (core), integer or quantity string (CRD int-or-string)', () => {
    const withResources = (resources: Obj) => edit(deployment, (d) => (d.spec.template.spec.containers[0].resources = resources));
    expect(problems(withResources({ requests: { cpu: 1, memory: '1Gi' }, limits: { cpu: '500m', memory: 1.5e9, 'ephemeral-storage': '2G' } }))).toEqual([]);
    expect(problems(withResources({ requests: { cpu: 0.25, memory: '1e3', storage: '+1.5Ki' } }))).toEqual([]);
    expect(problems(withResources({ limits: { memory: 'lots' } }))).toEqual([
      'spec.template.spec.containers[0].resources.limits.memory: expected a quantity (a number, or a string such as "500m" or "1Gi"), got string "lots"',
    ]);
    expect(problems(withResources({ limits: { memory: '1 Gi', cpu: true } }))).toHaveLength(2);
    expect(problems(edit(nodePool, (n) => (n.spec.limits = { cpu: '1000m', memory: 1073741824 })))).toEqual([]);
    expect(problems(edit(nodePool, (n) => (n.spec.limits = { memory: 'lots' })))[0]).toMatch(/^spec\.limits\.memory: "lots" does not match the pattern /);
    expect(problems(edit(nodePool, (n) => (n.spec.limits = { cpu: 0.5 })))).toEqual(['spec.limits.cpu: expected integer or string, got number 0.5']);
  });

  it('enum in a CRD', () => {
    expect(problems(edit(nodePool, (n) => (n.spec.disruption.consolidationPolicy = 'WhenEmpty')))).toEqual([]);
    expect(problems(edit(nodePool, (n) => (n.spec.disruption.consolidationPolicy = 'WhenIdle')))).toEqual([
      'spec.disruption.consolidationPolicy: must be one of "WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced", got "WhenIdle"',
    ]);
  });

  it('pattern', () => {
    expect(problems(edit(nodePool, (n) => (n.spec.disruption.consolidateAfter = 'Never')))).toEqual([]);
    expect(problems(edit(nodePool, (n) => (n.spec.disruption.consolidateAfter = '2 minutes')))).toEqual([
      'spec.disruption.consolidateAfter: "2 minutes" does not match the pattern ^(([0-9]+(s|m|h))+|Never)$',
    ]);
  });

  it('minimum, maximum, maxItems', () => {
    const budgets = (n: number) => edit(nodePool, (p) => (p.spec.disruption.budgets = Array.from({ length: n }, () => ({ nodes: '10%' }))));
    expect(problems(budgets(50))).toEqual([]);
    expect(problems(budgets(51))).toEqual(['spec.disruption.budgets: must have at most 50 item(s), got 51']);
    expect(problems(edit(nodePool, (n) => (n.spec.weight = 100)))).toEqual([]);
    expect(problems(edit(nodePool, (n) => (n.spec.weight = 101)))).toEqual(['spec.weight: must be <= 100, got 101']);
    expect(problems(edit(nodePool, (n) => (n.spec.weight = 0)))).toEqual(['spec.weight: must be >= 1, got 0']);
  });

  it('nullable: core fields take null (Go zero value), CRD fields only when nullable', () => {
    expect(problems(edit(deployment, (d) => (d.spec.template.metadata.creationTimestamp = null)))).toEqual([]);
    expect(problems(edit(milvus, (m) => (m.spec.components.proxy.probes = null)))).toEqual([]);
    expect(problems(edit(milvus, (m) => (m.spec.components.proxy.replicas = null)))).toEqual(['spec.components.proxy.replicas: expected integer, got null']);
  });

  it('formats: base64 (byte), int32 range, date-time', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'hunter2!' } };
    expect(problems(secret)).toEqual(['data.password: expected base64-encoded data']);
    expect(problems(edit(deployment, (d) => (d.spec.replicas = 2 ** 31)))).toEqual(['spec.replicas: 2147483648 does not fit in int32']);
    expect(problems(edit(deployment, (d) => (d.metadata.creationTimestamp = 'yesterday')))).toEqual([
      'metadata.creationTimestamp: expected an RFC 3339 date-time, got "yesterday"',
    ]);
    expect(problems(edit(deployment, (d) => (d.metadata.creationTimestamp = '2024-05-01T10:00:00Z')))).toEqual([]);
  });

  it('namespace on a cluster-scoped kind', () => {
    expect(problems({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'edw' } })).toEqual([]);
    expect(problems({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'edw', namespace: 'default' } })).toEqual([
      'metadata.namespace: Namespace is cluster-scoped: it cannot have a namespace',
    ]);
    expect(problems(edit(nodePool, (n) => (n.metadata.namespace = 'karpenter')))).toEqual([
      'metadata.namespace: NodePool is cluster-scoped: it cannot have a namespace',
    ]);
    expect(problems({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'batch', namespace: 'x' }, value: 1 })).toEqual([
      'metadata.namespace: PriorityClass is cluster-scoped: it cannot have a namespace',
    ]);
    expect(problems(edit(deployment, (d) => (d.metadata.namespace = 'Not_A_Label')))[0]).toMatch(
      /^metadata\.namespace: "Not_A_Label" must be a lowercase RFC 1123 label/,
    );
  });

  it('metadata.name: required and well-formed for its kind', () => {
    expect(problems(edit(deployment, (d) => delete d.metadata.name))).toEqual(['metadata.name: missing required field']);
    expect(problems(edit(nodePool, (n) => delete n.metadata))).toEqual(['metadata.name: missing required field']);
    expect(problems(edit(deployment, (d) => (d.metadata.name = 'Consumer_1')))[0]).toMatch(
      /^metadata\.name: "Consumer_1" must be a lowercase RFC 1123 subdomain/,
    );
    expect(problems(edit(deployment, (d) => (d.metadata.name = 'a'.repeat(254))))).toHaveLength(1);
    expect(problems(edit(deployment, (d) => (d.metadata.name = 'consumer.v2')))).toEqual([]);
    expect(problems(edit(service, (s) => (s.metadata.name = '1-consumer')))[0]).toMatch(/^metadata\.name: "1-consumer" must be an RFC 1035 label/);
    expect(problems({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } })[0]).toMatch(/must be a lowercase RFC 1123 label/);
    const cronJob = (name: string) => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name },
      spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } } },
    });
    expect(problems(cronJob('a'.repeat(52)))).toEqual([]);
    expect(problems(cronJob('a'.repeat(53)))).toEqual(['metadata.name: must be at most 52 characters for a CronJob, got 53']);
  });

  it('label keys and values, annotation keys', () => {
    expect(problems(edit(deployment, (d) => (d.metadata.labels = { 'example.com/team': 'data-eng', tier: '' })))).toEqual([]);
    expect(problems(edit(deployment, (d) => (d.metadata.labels = { 'Example.com/team': 'x' })))[0]).toMatch(
      /^metadata\.labels\["Example\.com\/team"\]: invalid label key/,
    );
    expect(problems(edit(deployment, (d) => (d.metadata.labels = { team: 'data eng' })))[0]).toMatch(/^metadata\.labels\.team: invalid label value "data eng"/);
    expect(problems(edit(deployment, (d) => (d.metadata.annotations = { 'bad key': 'x' })))[0]).toMatch(
      /^metadata\.annotations\["bad key"\]: invalid annotation key/,
    );
  });
});

describe('validateManifest: combinators and structural rules (synthetic bundle)', () => {
  const widget = (spec: Obj): KubernetesBundle => ({
    about: 'test',
    format: 1,
    definitions: loadKubernetesBundle().definitions,
    kinds: {
      'example.com/v1': {
        Widget: {
          namespaced: true,
          source: 'test',
          schema: {
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
              spec,
            },
          },
        },
      },
    },
    skippedPatterns: [],
  });
  const obj = (spec: unknown) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });

  it('oneOf of required fields: exactly one; the branches never report unknown fields', () => {
    const b = widget({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] });
    expect(problems(obj({ a: 'x' }), b)).toEqual([]);
    expect(problems(obj({}), b)).toEqual(['spec: does not match any of the allowed forms (oneOf); closest: spec.a: missing required field']);
    expect(problems(obj({ a: 'x', b: 'y' }), b)).toEqual(['spec: must match exactly one of the oneOf forms, matches 2']);
  });

  it('anyOf, allOf, not', () => {
    const b = widget({
      type: 'object',
      properties: { n: { type: 'integer' } },
      anyOf: [{ properties: { n: { minimum: 10 } } }, { properties: { n: { maximum: 0 } } }],
      allOf: [{ properties: { n: { multipleOf: 2 } } }],
      not: { properties: { n: { enum: [100] } } },
    });
    expect(problems(obj({ n: 12 }), b)).toEqual([]);
    expect(problems(obj({ n: -2 }), b)).toEqual([]);
    expect(problems(obj({ n: 4 }), b)).toEqual(['spec: does not match any of the allowed forms (anyOf); closest: spec.n: must be >= 10, got 4']);
    expect(problems(obj({ n: 13 }), b)).toEqual(['spec.n: must be a multiple of 2, got 13']);
    expect(problems(obj({ n: 100 }), b)).toEqual(['spec: matches a form it must not match (not)']);
  });

  it('object without properties: no fields unless preserved; additionalProperties', () => {
    const b = widget({
      type: 'object',
      properties: {
        closed: { type: 'object' },
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        map: { type: 'object', additionalProperties: { type: 'integer' } },
        any: {},
      },
    });
    expect(problems(obj({ closed: {}, open: { x: 1 }, map: { a: 1 }, any: [1, { x: 'y' }] }), b)).toEqual([]);
    expect(problems(obj({ closed: { x: 1 }, map: { a: 'one' } }), b)).toEqual([
      'spec.closed.x: unknown field',
      'spec.map.a: expected integer, got string "one"',
    ]);
  });

  it('a pattern JavaScript cannot compile is skipped and counted', () => {
    const before = skippedPatternCount();
    const b = widget({ type: 'object', properties: { s: { type: 'string', pattern: '(?<!x)[' } } });
    expect(problems(obj({ s: 'anything' }), b)).toEqual([]);
    expect(skippedPatternCount()).toBe(before + 1);
  });
});

describe('re2ToJs', () => {
  it('rewrites Go RE2 syntax JavaScript lacks', () => {
    expect(re2ToJs('^[a-z]+$')).toEqual({ source: '^[a-z]+$', flags: 'u' });
    expect(re2ToJs('(?i)^abc$')).toEqual({ source: '^abc$', flags: 'iu' });
    // After the start anchor (the Prometheus Operator's partial_response_strategy): the flag still covers the whole pattern.
    expect(re2ToJs('^(?i)(abort|warn)?$')).toEqual({ source: '^(abort|warn)?$', flags: 'iu' });
    expect(re2ToJs('a(?i)b')).toBeUndefined();
    expect(re2ToJs('\\Aabc\\z')).toEqual({ source: '^abc$', flags: 'u' });
    expect(re2ToJs('^(?P<name>[[:alpha:]]+)$')).toEqual({ source: '^(?<name>[A-Za-z]+)$', flags: 'u' });
    expect(re2ToJs('\\pL+')).toEqual({ source: '\\p{L}+', flags: 'u' });
    expect(new RegExp(re2ToJs('^\\Q1.5\\E$')!.source, re2ToJs('^\\Q1.5\\E$')!.flags).test('1x5')).toBe(false);
    // JavaScript-only escapes that `u` rejects still compile without it.
    expect(re2ToJs('^a\\-b$')).toEqual({ source: '^a\\-b$', flags: '' });
  });

  it('gives up on what it cannot translate', () => {
    expect(re2ToJs('(?U)a+')).toBeUndefined();
    expect(re2ToJs('a(?i:b)')).toBeUndefined();
    expect(re2ToJs('a{2,1}')).toBeUndefined();
  });
});

describe('validateKubernetesDir', () => {
  it('finds nothing in valid manifests (multi-document files, kustomizations that match)', () => {
    expect(validateKubernetesDir(path.join(FIXTURES, 'valid'))).toEqual([]);
  });

  it('reports each problem with file, resource and path; checks kustomization listings', () => {
    const findings = validateKubernetesDir(path.join(FIXTURES, 'invalid'));
    expect(findings.every((f) => f.rule === 'k8s-schema' && f.severity === 'error')).toBe(true);
    expect(findings.map((f) => `${f.file} | ${f.resource} | ${f.message}`)).toEqual([
      'edw/broken.yaml | document 1 | YAML error: Missing closing "quote at line 8, column 1',
      'edw/deployment-consumer.yaml | Deployment edw/consumer | spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string "80"',
      'edw/kustomization.yaml | Kustomization | resources: extra entry "configmap-gone.yaml": no such YAML file in edw/',
      'edw/kustomization.yaml | Kustomization | resources: missing entry "broken.yaml" (a YAML file of this directory)',
      'edw/services.yaml | Service edw/consumer-metrics | spec.selectr: unknown field',
      'platform/namespace-edw.yaml | Namespace default/edw | metadata.namespace: Namespace is cluster-scoped: it cannot have a namespace',
    ]);
  });

  it('refuses a path that is not a directory', () => {
    expect(() => validateKubernetesDir(path.join(FIXTURES, 'nope'))).toThrow(/is not a directory/);
  });
});

describe('the committed bundle', () => {
  const bundle = loadKubernetesBundle();

  it('holds every kind of BUNDLED_KINDS, and nothing else', () => {
    const expected = [...Object.entries(BUNDLED_KINDS.core), ...Object.entries(BUNDLED_KINDS.crds)]
      .flatMap(([apiVersion, kinds]) => kinds.map((k) => `${apiVersion} ${k}`))
      .sort();
    const actual = Object.entries(bundle.kinds)
      .flatMap(([apiVersion, kinds]) => Object.keys(kinds).map((k) => `${apiVersion} ${k}`))
      .sort();
    expect(actual).toEqual(expected);
  });

  it('is compact (well under 1 MB) and every pattern compiles', () => {
    expect(fs.statSync(KUBERNETES_BUNDLE_FILE).size).toBeLessThan(1024 * 1024);
    expect(bundle.skippedPatterns).toEqual([]);
  });

  (fs.existsSync(SHARED_SCHEMAS) ? it : it.skip)('matches its source: buildKubernetesBundle(../shared/schemas)', () => {
    expect(serializeBundle(buildKubernetesBundle(SHARED_SCHEMAS)) === fs.readFileSync(KUBERNETES_BUNDLE_FILE, 'utf8')).toBe(true);
  });

  it('validates 100 manifests well under a second once loaded', () => {
    const objects = Array.from({ length: 100 }, (_, i) => [deployment, service, nodePool, helmRelease, seldon][i % 5]);
    const started = performance.now();
    for (const obj of objects) validateManifest(obj, bundle);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe('the committed per-version bundles (the helm checks validate chart objects against them)', () => {
  const kindsOf = (b: KubernetesBundle) => Object.entries(b.kinds).flatMap(([apiVersion, kinds]) => Object.keys(kinds).map((k) => `${apiVersion} ${k}`));

  it('cover every cluster version the catalog offers, but those ../shared has no OpenAPI spec for', () => {
    const offered = [...new Set(Object.values(KUBERNETES_VERSIONS).flatMap((v) => Object.keys(v)))].sort();
    const bundled = bundledKubernetesVersions();
    expect(bundled.length).toBeGreaterThan(0);
    for (const v of bundled) expect(offered).toContain(v);
    if (fs.existsSync(SHARED_SCHEMAS)) {
      expect(bundled).toEqual(versionsToBundle(SHARED_SCHEMAS));
      for (const v of offered.filter((o) => !bundled.includes(o))) expect(fs.existsSync(path.join(SHARED_SCHEMAS, swaggerFileOf(v)))).toBe(false);
    }
  });

  it("hold the project's core kinds and CHART_KINDS, each in well under 1 MB, and list every kind the version serves", () => {
    const expected = [...Object.entries(BUNDLED_KINDS.core), ...Object.entries(CHART_KINDS)]
      .flatMap(([apiVersion, kinds]) => kinds.map((k) => `${apiVersion} ${k}`))
      .sort();
    for (const v of bundledKubernetesVersions()) {
      const bundle = loadKubernetesVersionBundle(v);
      expect(bundle.kubernetesVersion).toBe(v);
      expect(kindsOf(bundle).sort()).toEqual(expected);
      expect(fs.statSync(versionBundleFile(v)).size).toBeLessThan(512 * 1024);
      expect(bundle.skippedPatterns).toEqual([]);
      expect(bundle.served['apps/v1']).toMatchObject({ Deployment: true, ReplicaSet: true });
      expect(bundle.served['rbac.authorization.k8s.io/v1']).toMatchObject({ ClusterRole: false, Role: true });
      expect(bundle.served['policy/v1beta1']).toBeUndefined(); // removed in 1.25
    }
  });

  (fs.existsSync(SHARED_SCHEMAS) ? it : it.skip)('match their source: buildVersionBundle(../shared/schemas, version)', () => {
    for (const v of bundledKubernetesVersions())
      expect(serializeBundle(buildVersionBundle(SHARED_SCHEMAS, v)) === fs.readFileSync(versionBundleFile(v), 'utf8')).toBe(true);
  });
});
