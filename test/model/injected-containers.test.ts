/**
 * The containers operators add to pods, as data per operator version (src/model/injected-containers.ts), and the
 * namespace levels the platform derives from it (src/model/pod-security.ts).
 *
 * When an injecting operator's pin moves, the data for the new version must be read from its source and added:
 * KServe's pod webhook (pkg/webhook/admission/pod/: storage initializer, agent, modelcar) and the storage
 * container and ConfigMap keys of the kserve-resources chart; Seldon's operator (operator/controllers/:
 * seldondeployment_engine.go, model_initializer_injector.go, seldondeployment_prepackaged_servers.go) and its
 * chart's executor settings; Knative Serving's pkg/reconciler/revision/resources/queue.go and config-features.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import {
  INJECTED_CONTAINERS,
  INJECTORS,
  KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT,
  injectorRelease,
  pinnedInjectorRelease,
  pinnedInjectorVersion,
  podInjectors,
  type OperatorPod,
} from '../../src/model/injected-containers';
import { resolvePlatform } from '../../src/model/defaults';
import { KNATIVE_SERVING_VERSION, OPERATORS } from '../../src/model/operators';
import { workloadInjectors, workloadPodSecurity } from '../../src/model/pod-security';
import type { Environment } from '../../src/model/types';
import { defaultPlatform } from '../../src/platform';

const CHARTS = path.resolve(__dirname, '../../../shared/charts');
const platform = resolvePlatform(defaultPlatform);
const awsDev = platform.environments.find((e) => e.name === 'aws-dev')!;

const isvc = (over: Partial<Extract<OperatorPod, { kind: 'InferenceService' }>> = {}): OperatorPod => ({
  kind: 'InferenceService',
  mode: 'Standard',
  storageUri: 's3://bucket/models/iris/v1',
  agent: false,
  ...over,
});
const seldon = (over: Partial<Extract<OperatorPod, { kind: 'SeldonDeployment' }>> = {}): OperatorPod => ({
  kind: 'SeldonDeployment',
  protocol: 'seldon',
  hostsEngine: true,
  separateEngine: false,
  nodes: [{ name: 'model', implementation: 'SKLEARN_SERVER', modelUri: 's3://bucket/models/iris/v1' }],
  ...over,
});

/** name → security context of what `injector` (at its pinned version) adds to `pod`, given `values`. */
function added(injector: (typeof INJECTORS)[number], pod: OperatorPod, values: Record<string, unknown> = {}) {
  const out: Record<string, unknown> = {};
  for (const c of pinnedInjectorRelease(injector).containers) for (const name of c.into(pod)) out[name] = c.securityContext(values, pod) ?? null;
  return out;
}

describe('injected-container data per operator version', () => {
  test.each(INJECTORS)('%s: there is data for the version the platform runs', (injector) => {
    expect({ injector, version: pinnedInjectorVersion(injector), data: injectorRelease(injector, pinnedInjectorVersion(injector)) !== undefined }).toEqual({
      injector,
      version: pinnedInjectorVersion(injector),
      data: true,
    });
  });

  test('the charts that inject are the pinned releases: KServe the controller chart, Seldon its operator', () => {
    expect(pinnedInjectorVersion('kserve-resources')).toBe(OPERATORS['kserve-resources'].version);
    expect(pinnedInjectorVersion('seldon-core-operator')).toBe(OPERATORS['seldon-core-operator'].version);
    expect(Object.keys(INJECTED_CONTAINERS['knative-serving'])).toContain(KNATIVE_SERVING_VERSION);
  });

  test('a pin moved to a version without data fails synth (the namespace level) until the data is added', () => {
    const moved = jest.replaceProperty(OPERATORS, 'seldon-core-operator', { ...OPERATORS['seldon-core-operator'], version: '1.19.0' });
    try {
      expect(() => pinnedInjectorRelease('seldon-core-operator')).toThrow(/no injected-container data for seldon-core-operator 1\.19\.0/);
      expect(() => workloadPodSecurity(awsDev, 'mlops')).toThrow(/src\/model\/injected-containers\.ts/);
    } finally {
      moved.restore();
    }
  });

  (fs.existsSync(CHARTS) ? test : test.skip)('Knative Serving is the release the vendored Knative Operator chart installs by default (its own version)', () => {
    const operators = fs.readdirSync(CHARTS).filter((d) => d.startsWith('knative-operator-'));
    expect(operators).toHaveLength(1);
    expect(String(parse(fs.readFileSync(path.join(CHARTS, operators[0], 'Chart.yaml'), 'utf8')).version)).toBe(KNATIVE_SERVING_VERSION);
  });

  test('which injectors build which pods: KServe every predictor, Knative only Knative-mode ones, Seldon its own', () => {
    expect(podInjectors(isvc())).toEqual(['kserve-resources']);
    expect(podInjectors(isvc({ mode: 'Knative' }))).toEqual(['kserve-resources', 'knative-serving']);
    expect(podInjectors(seldon())).toEqual(['seldon-core-operator']);
  });
});

describe('KServe v0.20.0', () => {
  test("the storage initializer takes the ClusterStorageContainer's security context: the chart's lacks seccomp, the platform's values add it", () => {
    expect(added('kserve-resources', isvc())).toEqual({
      'storage-initializer': { allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
    });
    const values = { kserve: { storage: { containerSecurityContext: KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT } } };
    expect(added('kserve-resources', isvc(), values)['storage-initializer']).toEqual({ ...KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT });
    // Helm merges a values map key by key, and null deletes a key.
    const partial = { kserve: { storage: { containerSecurityContext: { seccompProfile: { type: 'RuntimeDefault' }, privileged: null } } } };
    expect(added('kserve-resources', isvc(), partial)['storage-initializer']).toEqual({
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('an Azure Blob URI matches the default storage container too; a URI it does not support gets no security context at all', () => {
    expect(added('kserve-resources', isvc({ storageUri: 'https://acct.blob.core.windows.net/models/iris' }))['storage-initializer']).toMatchObject({
      runAsNonRoot: true,
    });
    expect(added('kserve-resources', isvc({ storageUri: 'ftp-like:x' }))).toEqual({ 'storage-initializer': null });
  });

  test('no initializer for pvc:// (mounted) or without a storageUri; oci:// is named as not modelled; the agent only with a logger or batcher, as the model container', () => {
    expect(added('kserve-resources', isvc({ storageUri: 'pvc://claim/models' }))).toEqual({});
    expect(added('kserve-resources', isvc({ storageUri: undefined }))).toEqual({});
    expect(pinnedInjectorRelease('kserve-resources').unmodelled(isvc({ storageUri: 'oci://registry/model:1' }))).toMatch(/modelcar/);
    expect(pinnedInjectorRelease('kserve-resources').unmodelled(isvc())).toBeUndefined();
    const first = { runAsNonRoot: true, allowPrivilegeEscalation: false };
    expect(added('kserve-resources', isvc({ agent: true, firstContainer: first, storageUri: undefined }))).toEqual({ agent: first });
  });
});

describe('Seldon Core 1.18.2', () => {
  test('the executor in the engine pod, with the chart’s executor.user (8888) and allowPrivilegeEscalation false only; the model initializer with none', () => {
    expect(added('seldon-core-operator', seldon())).toEqual({
      'seldon-container-engine': { runAsUser: 8888, allowPrivilegeEscalation: false },
      'model-model-initializer': null,
    });
    expect(added('seldon-core-operator', seldon(), { executor: { user: 1234 } })['seldon-container-engine']).toEqual({
      runAsUser: 1234,
      allowPrivilegeEscalation: false,
    });
    expect(added('seldon-core-operator', seldon(), { executor: { user: '' } })['seldon-container-engine']).toBeNull();
    expect(added('seldon-core-operator', seldon({ hostsEngine: false }))).toEqual({ 'model-model-initializer': null });
  });

  test('TensorFlow behind the proxy: a tfserving container and its initializer; long names trimmed to 63 characters', () => {
    const tf = seldon({ nodes: [{ name: 'model', implementation: 'TENSORFLOW_SERVER', modelUri: 'gs://m' }] });
    expect(Object.keys(added('seldon-core-operator', tf)).sort()).toEqual(['seldon-container-engine', 'tfserving', 'tfserving-model-initializer']);
    expect(Object.keys(added('seldon-core-operator', { ...tf, protocol: 'tensorflow' } as OperatorPod)).sort()).toEqual([
      'model-model-initializer',
      'seldon-container-engine',
    ]);
    const long = seldon({ nodes: [{ name: 'm'.repeat(50), implementation: 'SKLEARN_SERVER', modelUri: 's3://x' }] });
    const names = Object.keys(added('seldon-core-operator', long));
    expect(names.find((n) => n.startsWith('mmm'))).toHaveLength(63);
  });

  test('is recorded as baseline, with why, and the separate engine pod as not modelled', () => {
    const data = pinnedInjectorRelease('seldon-core-operator');
    expect(data.security).toMatchObject({ level: 'baseline', reason: expect.stringMatching(/seldon-container-engine\) drops no capabilities/) });
    expect(data.unmodelled(seldon({ separateEngine: true, hostsEngine: false }))).toMatch(/engine-separate-pod/);
  });
});

describe('Knative Serving 1.21.1', () => {
  test('queue-proxy in Knative-mode pods only, with the restricted settings and a read-only root', () => {
    expect(added('knative-serving', isvc({ mode: 'Knative' }))).toEqual({
      'queue-proxy': {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    });
    expect(added('knative-serving', isvc())).toEqual({});
  });
});

describe('namespace levels', () => {
  const withoutAbTests = (env: Environment): Environment => ({ ...env, mlops: { ...env.mlops!, models: env.mlops!.models.map(({ abTest: _, ...m }) => m) } });

  test('mlops: KServe (and Knative for its Knative-mode predictors) always, Seldon with an A/B test, which lowers it to baseline with the reason', () => {
    expect(workloadInjectors(awsDev, 'mlops')).toEqual(['kserve-resources', 'knative-serving', 'seldon-core-operator']);
    expect(workloadPodSecurity(awsDev, 'mlops')).toEqual({
      level: 'baseline',
      reasons: [(pinnedInjectorRelease('seldon-core-operator').security as { reason: string }).reason],
    });
    expect(workloadInjectors(withoutAbTests(awsDev), 'mlops')).toEqual(['kserve-resources', 'knative-serving']);
    expect(workloadPodSecurity(withoutAbTests(awsDev), 'mlops')).toEqual({ level: 'restricted', reasons: [] });
  });

  test('rag: baseline for Milvus, declared by its module; edw and lakehouse restricted; a workload that is off, its declared level', () => {
    expect(workloadPodSecurity(awsDev, 'rag')).toEqual({ level: 'baseline', reasons: [expect.stringMatching(/^Milvus: /)] });
    expect(workloadPodSecurity(awsDev, 'edw')).toEqual({ level: 'restricted', reasons: [] });
    expect(workloadPodSecurity(awsDev, 'lakehouse')).toEqual({ level: 'restricted', reasons: [] });
    expect(workloadInjectors({ ...awsDev, mlops: undefined } as Environment, 'mlops')).toEqual([]);
  });
});
