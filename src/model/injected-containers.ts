/**
 * The containers operators add to the pods they build from the platform's custom resources, per operator
 * version, as data: Pod Security admits or rejects the pod as it is after those additions, so a pod
 * template that passes its namespace's level alone proves nothing. `npm run validate` builds each pod
 * with these containers and checks it against its namespace's level (src/validate/policy/pod-security.ts);
 * the platform lowers a namespace only by the levels recorded here (src/model/pod-security.ts).
 *
 * Each fact names the file it was read from, at the pinned tag of the operator's repository:
 * KServe v0.20.0 (kserve/kserve), Seldon Core v1.18.2 (SeldonIO/seldon-core), Knative Serving
 * knative-v1.21.1 (knative/serving), and the charts in ../shared/charts. A security context that depends
 * on a Helm value is computed from the release's values, so validate sees what the chart will render.
 *
 * A version with no entry has no data: synth and validate fail until it is added (read the new release's
 * injectors; the tests in test/model/injected-containers.test.ts list what to check).
 */
import { ownEntry } from './lookup';
import type { PodSecurity } from './cluster';
import { KNATIVE_SERVING_VERSION, OPERATORS, type OperatorName } from './operators';

/** The components that add containers to pods: two pinned charts, and Knative Serving (which the Knative Operator installs from the serving-ingress app's KnativeServing). */
export type Injector = 'kserve-resources' | 'seldon-core-operator' | 'knative-serving';
export const INJECTORS: readonly Injector[] = ['kserve-resources', 'seldon-core-operator', 'knative-serving'];

/**
 * The injectors in the pods of a workload that needs an operator release. KServe's Knative-mode predictors are
 * Knative revisions, so Knative Serving's queue-proxy joins them (Knative is installed outside the platform's
 * charts for now; when it becomes a release, its pods' injector stays `knative-serving`).
 */
export const OPERATOR_INJECTORS: Readonly<Partial<Record<OperatorName, readonly Injector[]>>> = {
  'kserve-resources': ['kserve-resources', 'knative-serving'],
  'seldon-core-operator': ['seldon-core-operator'],
};

/** The version of each injector the platform runs: the pinned chart's, or Knative Serving's constant. */
export function pinnedInjectorVersion(injector: Injector): string {
  if (injector === 'knative-serving') return KNATIVE_SERVING_VERSION;
  const { version } = OPERATORS[injector];
  if (typeof version !== 'string') throw new Error(`${injector}: its pods' containers are recorded for one chart version, not one per Kubernetes minor`);
  return version;
}

/** A container's security context, as plain data (the fields Pod Security reads). */
export interface ContainerSecurity {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly seccompProfile?: { readonly type: string };
}

/** A node of a Seldon graph served in the pod (a prepackaged server completes the container of its name). */
export interface SeldonNode {
  readonly name: string;
  readonly implementation?: string;
  readonly modelUri?: string;
}

/** What the injections into a pod depend on, read from the custom resource the operator builds it from. */
export type OperatorPod =
  | {
      readonly kind: 'InferenceService';
      readonly mode: 'Standard' | 'Knative';
      readonly storageUri?: string;
      /** `spec.predictor.logger` or `batcher` is set: KServe's agent joins the pod. */
      readonly agent: boolean;
      /** The security context of the pod's first container (`kserve-container`, the model). */
      readonly firstContainer?: ContainerSecurity;
    }
  | {
      readonly kind: 'SeldonDeployment';
      /** `spec.protocol` (default `seldon`). */
      readonly protocol: string;
      /** The executor joins this pod: the first componentSpec of a predictor with an engine in its pods. */
      readonly hostsEngine: boolean;
      /** `seldon.io/engine-separate-pod`: the executor runs in a pod of its own, which is not modelled. */
      readonly separateEngine: boolean;
      readonly nodes: readonly SeldonNode[];
    };

/** The injectors of a pod: KServe's webhook in every predictor pod (and Knative Serving in Knative mode), Seldon's operator in its own. */
export function podInjectors(pod: OperatorPod): Injector[] {
  return pod.kind === 'InferenceService' ? ['kserve-resources', ...(pod.mode === 'Knative' ? (['knative-serving'] as const) : [])] : ['seldon-core-operator'];
}

/** Helm values as the release passes them (the chart's defaults are applied here, per fact). */
export type HelmValues = Readonly<Record<string, unknown>>;

export interface InjectedContainer {
  /** As the operator names it; `<node>` stands for the name of the model's container. */
  readonly name: string;
  readonly field: 'initContainers' | 'containers';
  /** Its names in `pod`, one per copy; none where the operator does not add it there. */
  readonly into: (pod: OperatorPod) => readonly string[];
  /** Its security context as the operator sets it, given the release's values; undefined: none at all. */
  readonly securityContext: (values: HelmValues, pod: OperatorPod) => ContainerSecurity | undefined;
  /**
   * Its requests and limits as the operator sets them, given the release's values; undefined: none (the
   * namespace's LimitRange defaults them). The cluster view's admission checks add them to the pod.
   */
  readonly resources: (values: HelmValues) => ContainerResources | undefined;
}

/** Requests and limits as quantities (`100m`, `1Gi`). */
export interface ContainerResources {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

export interface InjectorRelease {
  readonly containers: readonly InjectedContainer[];
  /**
   * The strictest level the pods it adds containers to can pass, with the values the platform passes and the
   * pod-level settings of its pod templates; below restricted, why, and why no setting fixes it. The namespaces
   * of those pods enforce it; validate recomputes it from the pods and reports a claim that is off either way.
   */
  readonly security: PodSecurity;
  /** Why a pod cannot be checked with this data (it uses a feature whose injections are not modelled); undefined when it can. */
  readonly unmodelled: (pod: OperatorPod) => string | undefined;
}

// ---------------------------------------------------------------- helpers

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at `path`, or undefined. */
function valueAt(values: HelmValues, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, k) => (isMap(v) ? v[k] : undefined), values);
}

/** `over` merged into a chart default as helm merges values: maps key by key, null deletes, anything else replaces. */
function helmMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isMap(base) || !isMap(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = helmMerge(out[k], v);
  }
  return out;
}

// ---------------------------------------------------------------- KServe v0.20.0

/**
 * What the platform passes as `kserve.storage.containerSecurityContext` (charts/gitops/operator-values.ts): the
 * chart's default (below) plus the RuntimeDefault seccomp profile it lacks. The storage-initializer image runs
 * as the numeric USER 1000 (python/storage-initializer.Dockerfile), so runAsNonRoot holds without a UID.
 */
export const KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT: ContainerSecurity = {
  allowPrivilegeEscalation: false,
  privileged: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** charts/kserve-resources/values.yaml `kserve.storage.containerSecurityContext`: no seccomp profile. */
const KSERVE_V0_20_STORAGE_SECURITY_DEFAULT: ContainerSecurity = {
  allowPrivilegeEscalation: false,
  privileged: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

/**
 * The URIs of the ClusterStorageContainer `default` (charts/kserve-resources/files/common/storagecontainer.yaml
 * `supportedUriFormats`): the webhook merges its container into the initializer only for a URI it supports.
 */
const KSERVE_V0_20_DEFAULT_STORAGE_URIS: readonly RegExp[] = [
  /^gs:\/\//,
  /^s3:\/\//,
  /^hdfs:\/\//,
  /^hf:\/\//,
  /^webhdfs:\/\//,
  /https:\/\/(.+?).blob.core.windows.net\/(.+)/,
  /https:\/\/(.+?).file.core.windows.net\/(.+)/,
  /https?:\/\/(.+)\/(.+)/,
];

/** charts/kserve-resources files/common/configmap-patch.yaml: `storageInitializer` and `agent` memoryRequest/Limit, cpuRequest/Limit. */
const KSERVE_V0_20_SIDECAR_RESOURCES: ContainerResources = { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '1', memory: '1Gi' } };

const isIsvc = (pod: OperatorPod): pod is Extract<OperatorPod, { kind: 'InferenceService' }> => pod.kind === 'InferenceService';
const isSeldon = (pod: OperatorPod): pod is Extract<OperatorPod, { kind: 'SeldonDeployment' }> => pod.kind === 'SeldonDeployment';

const KSERVE_V0_20_0: InjectorRelease = {
  containers: [
    {
      // pkg/webhook/admission/pod/storage_initializer_injector.go InjectStorageInitializer → CommonStorageInitialization: an
      // init container for a storageUri, except pvc:// (mounted directly) and oci:// (see unmodelled); the pod webhook adds it
      // in both deployment modes (Knative's own API takes no init containers by default).
      name: 'storage-initializer',
      field: 'initContainers',
      into: (pod) => (isIsvc(pod) && pod.storageUri && !/^(pvc|oci(\+[a-z]+)?):\/\//.test(pod.storageUri) ? ['storage-initializer'] : []),
      // pkg/utils/storage.go CreateInitContainerWithConfig sets no securityContext (the inferenceservice ConfigMap's
      // `storageInitializer` keys are image, resources, CA bundle and modelcar settings only: pkg/types/config.go
      // StorageInitializerConfig). The webhook then merges the matching ClusterStorageContainer's container into it
      // (GetStorageContainerSpec, pkg/utils/container_merge.go MergeContainerWithPatch); the chart renders `default`
      // with `securityContext: kserve.storage.containerSecurityContext` (files/common/storagecontainer-patch.yaml).
      securityContext: (values, pod) =>
        isIsvc(pod) && pod.storageUri && KSERVE_V0_20_DEFAULT_STORAGE_URIS.some((re) => re.test(pod.storageUri!))
          ? (helmMerge(KSERVE_V0_20_STORAGE_SECURITY_DEFAULT, valueAt(values, ['kserve', 'storage', 'containerSecurityContext'])) as ContainerSecurity)
          : undefined,
      // files/common/configmap-patch.yaml `storageInitializer`: fixed in the chart's inferenceservice-config, no value sets them.
      resources: () => KSERVE_V0_20_SIDECAR_RESOURCES,
    },
    {
      // pkg/webhook/admission/pod/agent_injector.go InjectAgent: only for the logger, batcher or model puller
      // annotations, which spec.predictor.logger / batcher set (the platform sets neither); it copies the
      // first container's securityContext.
      name: 'agent',
      field: 'containers',
      into: (pod) => (isIsvc(pod) && pod.agent ? ['agent'] : []),
      securityContext: (_values, pod) => (isIsvc(pod) ? pod.firstContainer : undefined),
      // files/common/configmap-patch.yaml `agent`: the same fixed requests and limits.
      resources: () => KSERVE_V0_20_SIDECAR_RESOURCES,
    },
  ],
  security: { level: 'restricted' },
  // The metrics aggregator (metrics_aggregate_injector.go) adds annotations, and env and ports only with
  // enableMetricAggregation (chart default 'false'): no container.
  unmodelled: (pod) =>
    isIsvc(pod) && pod.storageUri && /^oci(\+[a-z]+)?:\/\//.test(pod.storageUri)
      ? `storageUri ${pod.storageUri}: the modelcar containers KServe adds for oci:// (enableModelcar) are not modelled`
      : undefined,
};

// ---------------------------------------------------------------- Seldon Core v1.18.2

/** helm-charts/seldon-core-operator/values.yaml `executor.resources`. */
const SELDON_V1_18_EXECUTOR_RESOURCES_DEFAULT = { cpuRequest: '500m', cpuLimit: '500m', memoryRequest: '512Mi', memoryLimit: '512Mi' };
/** helm-charts/seldon-core-operator/values.yaml `storageInitializer`. */
const SELDON_V1_18_INITIALIZER_RESOURCES_DEFAULT = { cpuRequest: '100m', cpuLimit: '1', memoryRequest: '100Mi', memoryLimit: '1Gi' };

/** helm-charts/seldon-core-operator/values.yaml `executor.user`. */
const SELDON_V1_18_EXECUTOR_USER_DEFAULT = 8888;

/** Kubernetes names are at most 63 characters: operator/controllers/model_initializer_injector.go trims the suffixed name. */
function suffixed(name: string, suffix: string): string {
  const full = `${name}-${suffix}`;
  return full.length > 63 ? full.slice(0, 63).replace(/-+$/, '') : full;
}

/** TENSORFLOW_SERVER with the seldon protocol: a `tfserving` container serves the model behind the proxy in the model's container. */
const tfservingBehindProxy = (pod: Extract<OperatorPod, { kind: 'SeldonDeployment' }>, node: SeldonNode) =>
  node.implementation === 'TENSORFLOW_SERVER' && pod.protocol !== 'tensorflow';

/**
 * Nodes with a modelUri, prepackaged server or not (seldondeployment_prepackaged_servers.go addModelServersAndInitContainers;
 * Triton's seldon.io/no-storage-initializer is not read, so such a pod is checked with an initializer it lacks: stricter, not laxer).
 */
const servedFromUri = (node: SeldonNode) => node.modelUri !== undefined && node.modelUri !== '';

// Restricted needs allowPrivilegeEscalation false and capabilities.drop ["ALL"] on every container (the pod-level
// seccomp profile and runAsNonRoot of the platform's componentSpecs cover the rest). Seldon has no setting for these:
// a SeldonDeployment's svcOrchSpec takes resources, env and replicas (apis/.../seldondeployment_types.go SvcOrchSpec),
// seldon-config's storageInitializer an image and resources, and a container of the operator's name in componentSpecs
// stops the executor's injection instead of being merged into it (seldondeployment_engine.go addEngineToDeployment).
const SELDON_V1_18_2: InjectorRelease = {
  containers: [
    {
      // operator/controllers/seldondeployment_engine.go createExecutorContainer / addEngineToDeployment: the executor
      // joins the pod of the graph's root node (seldondeployment_controller.go createComponents) unless the
      // predictor has seldon.io/no-engine.
      name: 'seldon-container-engine',
      field: 'containers',
      into: (pod) => (isSeldon(pod) && pod.hostsEngine ? ['seldon-container-engine'] : []),
      // createEngineContainer: with EXECUTOR_CONTAINER_USER set, {runAsUser, allowPrivilegeEscalation: false}; else none.
      // The chart sets it from `executor.user` (templates/deployment_seldon-controller-manager.yaml).
      securityContext: (values) => {
        const user = helmMerge(SELDON_V1_18_EXECUTOR_USER_DEFAULT, valueAt(values, ['executor', 'user']));
        return user === undefined || user === null || user === '' ? undefined : { runAsUser: Number(user), allowPrivilegeEscalation: false };
      },
      // createEngineContainer: requests and limits from the EXECUTOR_DEFAULT_{CPU,MEMORY}_{REQUEST,LIMIT} env the chart sets from `executor.resources`
      // (values.yaml: 500m / 512Mi both ways); a predictor's svcOrchSpec.resources would override it (the platform sets none).
      resources: (values) => {
        const r = helmMerge(SELDON_V1_18_EXECUTOR_RESOURCES_DEFAULT, valueAt(values, ['executor', 'resources'])) as Record<string, string>;
        return { requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits: { cpu: r.cpuLimit, memory: r.memoryLimit } };
      },
    },
    {
      // operator/controllers/model_initializer_injector.go InjectModelInitializer: `<container>-model-initializer` for a
      // prepackaged server's modelUri (the `tfserving` container's, behind the TensorFlow proxy), image from
      // storageInitializerImage; no securityContext.
      name: '<node>-model-initializer',
      field: 'initContainers',
      into: (pod) =>
        isSeldon(pod) ? pod.nodes.filter(servedFromUri).map((n) => suffixed(tfservingBehindProxy(pod, n) ? 'tfserving' : n.name, 'model-initializer')) : [],
      securityContext: () => undefined,
      // values.yaml `storageInitializer` (cpuRequest 100m, cpuLimit 1, memoryRequest 100Mi, memoryLimit 1Gi), read from seldon-config (templates/configmap_seldon-config.yaml).
      resources: (values) => {
        const r = helmMerge(SELDON_V1_18_INITIALIZER_RESOURCES_DEFAULT, valueAt(values, ['storageInitializer'])) as Record<string, string>;
        return { requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits: { cpu: r.cpuLimit, memory: r.memoryLimit } };
      },
    },
    {
      // seldondeployment_prepackaged_servers.go addTFServerContainer / createTensorflowServingContainer: no securityContext.
      name: 'tfserving',
      field: 'containers',
      into: (pod) => (isSeldon(pod) && pod.nodes.some((n) => tfservingBehindProxy(pod, n)) ? ['tfserving'] : []),
      securityContext: () => undefined,
      // createTensorflowServingContainer sets no resources.
      resources: () => undefined,
    },
  ],
  security: {
    level: 'baseline',
    reason:
      'Seldon Core 1.18.2 gives the containers it adds no restricted security context and has no setting for one: its executor (seldon-container-engine) drops no capabilities, its model initializer (<node>-model-initializer) and tfserving container set no securityContext',
  },
  unmodelled: (pod) =>
    isSeldon(pod) && pod.separateEngine ? 'seldon.io/engine-separate-pod: the pod Seldon builds for the executor alone is not modelled' : undefined,
};

// ---------------------------------------------------------------- Knative Serving 1.21.1

const KNATIVE_V1_21_1: InjectorRelease = {
  containers: [
    {
      // pkg/reconciler/revision/resources/queue.go makeQueueContainer: queue-proxy in every revision's pod, with
      // queueSecurityContext (the restricted settings, read-only root) whatever config-features says.
      name: 'queue-proxy',
      field: 'containers',
      into: (pod) => (isIsvc(pod) && pod.mode === 'Knative' ? ['queue-proxy'] : []),
      securityContext: () => ({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      }),
      // pkg/deployment/config.go: queue-sidecar-cpu-request defaults to 25m; no other request or limit unless config-deployment sets one.
      resources: () => ({ requests: { cpu: '25m' } }),
    },
  ],
  security: { level: 'restricted' },
  // Knative adds no other container. Its API admits a pod-level securityContext only with the
  // kubernetes.podspec-securitycontext flag (all fields) or secure-pod-defaults (seccompProfile), both
  // "disabled" by default (pkg/apis/serving/fieldmask.go PodSpecMask, PodSecurityContextMask; config-features in
  // 2-serving-core.yaml): Knative-mode pods carry each setting on every container.
  unmodelled: () => undefined,
};

// ---------------------------------------------------------------- the table

export const INJECTED_CONTAINERS: { readonly [I in Injector]: Readonly<Record<string, InjectorRelease>> } = {
  'kserve-resources': { 'v0.20.0': KSERVE_V0_20_0 },
  'seldon-core-operator': { '1.18.2': SELDON_V1_18_2 },
  'knative-serving': { '1.21.1': KNATIVE_V1_21_1 },
};

/** The data of one injector at one version; undefined where none was recorded. */
export function injectorRelease(injector: Injector, version: string): InjectorRelease | undefined {
  return ownEntry(INJECTED_CONTAINERS[injector], version);
}

/** The data of one injector at the version the platform pins; throws where none was recorded. */
export function pinnedInjectorRelease(injector: Injector): InjectorRelease {
  const version = pinnedInjectorVersion(injector);
  const data = injectorRelease(injector, version);
  if (!data)
    throw new Error(`no injected-container data for ${injector} ${version}: read what that release injects and add it to src/model/injected-containers.ts`);
  return data;
}
