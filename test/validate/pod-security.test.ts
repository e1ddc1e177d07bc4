/**
 * Pod Security on the output with the containers operators add: the standards' checks on one pod, the pods
 * built from InferenceServices and SeldonDeployments, and the two policy rules (k8s-pod-security,
 * k8s-pod-security-strictest), on fixtures and on the committed dist/.
 */
import * as path from 'path';
import { INJECTED_CONTAINERS, KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT } from '../../src/model/injected-containers';
import { loadPlatform } from '../../src/model/load';
import { defaultPlatform } from '../../src/platform';
import { readOutput, type EnvironmentOutput, type K8sObject } from '../../src/validate/output';
import { POLICY_RULES } from '../../src/validate/policy';
import { outputPods } from '../../src/validate/policy/pod-security';
import { podSecurityLevel, podSecurityViolations, type PodContainer, type PodView } from '../../src/validate/policy/pod-security-standards';
import { runPolicy } from '../../src/validate/run';
import { REPO } from '../synth/helpers';

const RESTRICTED_POD = { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const container = (name: string, securityContext?: Record<string, unknown>, extra: Partial<PodContainer> = {}): PodContainer => ({
  name,
  field: 'containers',
  securityContext,
  ...extra,
});
const pod = (spec: Record<string, unknown>, ...containers: PodContainer[]): PodView => ({ spec, containers });
const checks = (p: PodView, level: 'baseline' | 'restricted' = 'restricted') => podSecurityViolations(p, level).map((v) => v.check);

describe('the Pod Security Standards on one pod', () => {
  test('the pod-level seccomp profile and runAsNonRoot stand for every container, the injected ones too', () => {
    const bare = container('added', { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(checks(pod({ securityContext: RESTRICTED_POD }, container('app', RESTRICTED_CONTAINER), bare))).toEqual([]);
    expect(checks(pod({}, container('app', RESTRICTED_CONTAINER), bare))).toEqual(['runAsNonRoot', 'seccompProfile_restricted']);
    // A container's own bad value wins over a good pod-level one.
    expect(checks(pod({ securityContext: RESTRICTED_POD }, container('app', { ...RESTRICTED_CONTAINER, seccompProfile: { type: 'Unconfined' } })))).toEqual([
      'seccompProfile_baseline',
      'seccompProfile_restricted',
    ]);
    expect(checks(pod({ securityContext: { ...RESTRICTED_POD, runAsNonRoot: false } }, container('app', RESTRICTED_CONTAINER)))).toEqual(['runAsNonRoot']);
  });

  test('allowPrivilegeEscalation and capabilities have no pod-level field: each container must set them', () => {
    const p = pod(
      { securityContext: RESTRICTED_POD },
      container('app', RESTRICTED_CONTAINER),
      container('executor', { runAsUser: 8888, allowPrivilegeEscalation: false }),
    );
    const v = podSecurityViolations(p, 'restricted');
    expect(v.map((x) => [x.check, x.containers.map((c) => c.name)])).toEqual([['capabilities_restricted', ['executor']]]);
    expect(podSecurityLevel(p)).toBe('baseline');
    expect(checks(pod({ securityContext: RESTRICTED_POD }, container('init', undefined, { field: 'initContainers' })))).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
    ]);
    expect(checks(pod({}, container('app', { ...RESTRICTED_CONTAINER, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } })))).toEqual([]);
  });

  test('baseline: host namespaces and paths, privileged, capabilities beyond the default set, host ports, unsafe sysctls, root', () => {
    expect(checks(pod({ hostNetwork: true }, container('a')), 'baseline')).toEqual(['hostNamespaces']);
    expect(checks(pod({ volumes: [{ name: 'h', hostPath: { path: '/' } }] }, container('a')), 'baseline')).toEqual(['hostPathVolumes']);
    expect(checks(pod({}, container('a', { privileged: true })), 'baseline')).toEqual(['privileged']);
    expect(checks(pod({}, container('a', { capabilities: { add: ['SYS_ADMIN'] } })), 'baseline')).toEqual(['capabilities_baseline']);
    expect(checks(pod({}, container('a', { capabilities: { add: ['CHOWN'] } })), 'baseline')).toEqual([]);
    expect(checks(pod({}, container('a', {}, { ports: [{ containerPort: 80, hostPort: 80 }] })), 'baseline')).toEqual(['hostPorts']);
    expect(checks(pod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }, container('a')), 'baseline')).toEqual(['sysctls']);
    // The defaults pass baseline; restricted wants more, including no root UID and only the safe volume types.
    expect(podSecurityLevel(pod({}, container('a')))).toBe('baseline');
    expect(
      checks(
        pod(
          { securityContext: { ...RESTRICTED_POD, runAsUser: 0 }, volumes: [{ name: 'n', nfs: { server: 'x', path: '/' } }] },
          container('a', RESTRICTED_CONTAINER),
        ),
      ),
    ).toEqual(['restrictedVolumes', 'runAsUser']);
    expect(podSecurityViolations(pod({ hostPID: true }, container('a')), 'privileged')).toEqual([]);
  });
});

// ---------------------------------------------------------------- fixtures

const namespace = (name: string, level: string): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level } },
});
const kserveRelease = (values: Record<string, unknown>, version = 'v0.20.0'): K8sObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'env-operator-kserve-resources', namespace: 'argocd' },
  spec: {
    destination: { namespace: 'kserve' },
    source: { path: '.', repoURL: 'oci://ghcr.io/kserve/charts/kserve-resources', targetRevision: version, helm: { valuesObject: values } },
  },
});
const WITH_SECCOMP = { kserve: { storage: { containerSecurityContext: KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT } } };
const isvc = (mode: 'Standard' | 'Knative'): K8sObject => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'iris', namespace: 'serving', annotations: { 'serving.kserve.io/deploymentMode': mode } },
  spec: {
    predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://bucket/iris', securityContext: { ...RESTRICTED_CONTAINER, runAsUser: 10001 } } },
  },
});
const sdep = (podSecurityContext?: Record<string, unknown>): K8sObject => ({
  apiVersion: 'machinelearning.seldon.io/v1',
  kind: 'SeldonDeployment',
  metadata: { name: 'iris-ab', namespace: 'serving' },
  spec: {
    predictors: ['main', 'challenger'].map((name) => ({
      name,
      graph: { name: 'model', type: 'MODEL', implementation: 'SKLEARN_SERVER', modelUri: `s3://bucket/${name}`, children: [] },
      componentSpecs: [
        {
          spec: {
            ...(podSecurityContext ? { securityContext: podSecurityContext } : {}),
            containers: [{ name: 'model', securityContext: RESTRICTED_CONTAINER }],
          },
        },
      ],
    })),
  },
});

function env(...objs: K8sObject[]): EnvironmentOutput {
  return { name: 'env', terraform: [], manifests: objs.map((obj, i) => ({ file: `env/kubernetes/app/${i}.yaml`, app: 'app', obj })), files: [] };
}
function check(ruleId: string, e: EnvironmentOutput) {
  const rule = POLICY_RULES.find((r) => r.id === ruleId)!;
  return rule.check({ env: e, cloud: 'aws', stage: 'prod' }).map((v) => `${v.resource}: ${v.message}`);
}

describe('k8s-pod-security: each pod with the containers operators add, at its namespace’s enforce level', () => {
  test.each(['Standard', 'Knative'] as const)(
    "%s: KServe's storage initializer with the chart's security context (no seccomp) is rejected by restricted; with the platform's values it passes",
    (mode) => {
      const failing = check('k8s-pod-security', env(namespace('serving', 'restricted'), kserveRelease({}), isvc(mode)));
      expect(failing).toEqual([
        'InferenceService serving/iris: spec.predictor: namespace serving enforces Pod Security "restricted", which rejects the pod: seccompProfile_restricted: pod or initContainer "storage-initializer" (added by kserve-resources v0.20.0) must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
      ]);
      expect(check('k8s-pod-security', env(namespace('serving', 'restricted'), kserveRelease(WITH_SECCOMP), isvc(mode)))).toEqual([]);
      // Baseline has no seccomp requirement.
      expect(check('k8s-pod-security', env(namespace('serving', 'baseline'), kserveRelease({}), isvc(mode)))).toEqual([]);
    },
  );

  test("Knative mode adds Knative Serving's queue-proxy (restricted as it is); Standard does not", () => {
    const names = (mode: 'Standard' | 'Knative') =>
      outputPods(env(kserveRelease(WITH_SECCOMP), isvc(mode))).pods[0].view.containers.map((c) => `${c.name}${c.injectedBy ? ` (${c.injectedBy})` : ''}`);
    expect(names('Standard')).toEqual(['kserve-container', 'storage-initializer (kserve-resources v0.20.0)']);
    expect(names('Knative')).toEqual(['kserve-container', 'storage-initializer (kserve-resources v0.20.0)', 'queue-proxy (knative-serving 1.21.1)']);
  });

  test("Seldon 1.18.2's executor and model initializer are rejected by restricted, even under the pod's restricted context; baseline admits them", () => {
    const rejected = check('k8s-pod-security', env(namespace('serving', 'restricted'), sdep(RESTRICTED_POD)));
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toBe(
      'SeldonDeployment serving/iris-ab: predictor main, componentSpecs[0]: namespace serving enforces Pod Security "restricted", which rejects the pod: ' +
        'allowPrivilegeEscalation: initContainer "model-model-initializer" (added by seldon-core-operator 1.18.2) must set securityContext.allowPrivilegeEscalation=false; ' +
        'capabilities_restricted: container "seldon-container-engine" (added by seldon-core-operator 1.18.2), initContainer "model-model-initializer" (added by seldon-core-operator 1.18.2) must set securityContext.capabilities.drop=["ALL"] and add at most NET_BIND_SERVICE',
    );
    expect(check('k8s-pod-security', env(namespace('serving', 'baseline'), sdep(RESTRICTED_POD)))).toEqual([]);
  });

  test('an injector version without data is named: its pods cannot be checked', () => {
    expect(check('k8s-pod-security', env(namespace('serving', 'restricted'), kserveRelease(WITH_SECCOMP, 'v0.21.0'), isvc('Standard')))).toEqual([
      'InferenceService serving/iris: spec.predictor: no injected-container data for kserve-resources v0.21.0 (src/model/injected-containers.ts): the containers it adds are unknown',
    ]);
  });

  test('core pod templates are checked too; a namespace the output does not create is not', () => {
    const deployment = (ns: string): K8sObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', namespace: ns },
      spec: { template: { spec: { containers: [{ name: 'app', securityContext: { privileged: true } }] } } },
    });
    expect(check('k8s-pod-security', env(namespace('edw', 'baseline'), deployment('edw')))[0]).toMatch(
      /enforces Pod Security "baseline", which rejects the pod: privileged: container "app"/,
    );
    expect(check('k8s-pod-security', env(deployment('elsewhere')))).toEqual([]);
  });
});

describe('k8s-pod-security-strictest: below restricted only for what operators add, and exactly as recorded', () => {
  test("in a baseline namespace the platform's own settings still pass restricted: a Seldon pod without the pod-level context is named", () => {
    expect(check('k8s-pod-security-strictest', env(namespace('serving', 'baseline'), sdep(RESTRICTED_POD)))).toEqual([]);
    const findings = check('k8s-pod-security-strictest', env(namespace('serving', 'baseline'), sdep()));
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatch(
      /^SeldonDeployment serving\/iris-ab: predictor main, componentSpecs\[0\]: namespace serving enforces "baseline", but only the containers operators add may need that; the platform's own settings must pass restricted: runAsNonRoot: pod or container "seldon-container-engine" \(added by seldon-core-operator 1\.18\.2\)/,
    );
  });

  test('a recorded level that is off either way is named: too strict for the values passed, or lower than the pods need', () => {
    const e = env(namespace('serving', 'restricted'), kserveRelease({}), isvc('Knative'));
    expect(check('k8s-pod-security-strictest', e)).toEqual([
      'InferenceService serving/iris: spec.predictor: src/model/injected-containers.ts records that the pods kserve-resources v0.20.0 adds containers to pass "restricted", but with the values the output passes they pass "baseline": namespaces enforcing the recorded level reject them; pass the values that reach it, or record the lower level with its reason',
    ]);
    const knative = INJECTED_CONTAINERS['knative-serving']['1.21.1'];
    const lowered = jest.replaceProperty(INJECTED_CONTAINERS, 'knative-serving', {
      '1.21.1': { ...knative, security: { level: 'baseline', reason: 'a test' } },
    });
    try {
      expect(check('k8s-pod-security-strictest', env(namespace('serving', 'restricted'), kserveRelease(WITH_SECCOMP), isvc('Knative')))).toEqual([
        'InferenceService serving/iris: spec.predictor: src/model/injected-containers.ts records that the pods knative-serving 1.21.1 adds containers to pass "baseline", but with the values the output passes they pass "restricted": their namespaces are lowered for nothing; record the stricter level',
      ]);
    } finally {
      lowered.restore();
    }
  });
});

describe('the committed dist/', () => {
  const output = readOutput(path.join(REPO, 'dist'));
  const platform = loadPlatform(defaultPlatform);

  test.each(output.environments.map((e) => [e.name, e] as const))('%s: every pod passes its namespace, the operators’ containers included', (_name, e) => {
    expect(runPolicy(e, platform).filter((f) => f.rule.startsWith('k8s-pod-security'))).toEqual([]);
    const serving = outputPods(e).pods.filter((p) => ['InferenceService', 'SeldonDeployment'].includes(p.manifest.obj.kind));
    expect(serving.map((p) => [p.manifest.obj.kind, p.at, p.view.containers.map((c) => c.name)])).toEqual([
      // churn (Standard mode), then iris (Knative mode: queue-proxy too).
      ['InferenceService', 'spec.predictor', ['kserve-container', 'storage-initializer']],
      ['InferenceService', 'spec.predictor', ['kserve-container', 'storage-initializer', 'queue-proxy']],
      ['SeldonDeployment', 'predictor main, componentSpecs[0]', ['model', 'seldon-container-engine', 'model-model-initializer']],
      ['SeldonDeployment', 'predictor challenger, componentSpecs[0]', ['model', 'seldon-container-engine', 'model-model-initializer']],
    ]);
  });
});
