/**
 * The operators the workloads need, as pinned upstream Helm charts, and which environment needs which.
 * Versions are those of the CRDs the platform is validated against (../shared/schemas/SOURCES.md names
 * each CRD's release): the chart of that release serves exactly the schema the manifests were checked
 * with. Every chart name and version is checked against the release as published (../shared/charts holds
 * each one, test/model/operators.test.ts), including the operators with no vendored CRDs (cert-manager, the
 * NVIDIA device plugin).
 *
 * Plain data: the GitOps charts turn it into Argo CD Applications or Flux HelmReleases.
 */
import type { Cloud, Environment, WorkloadName } from './types';
import { WORKLOAD_NAMES } from './types';
import { INGRESS_GATEWAY, ISTIO_NAMESPACE, lowerLevel, type PodSecurityLevel, type PodSecurity } from './cluster';
import { elasticNodeGroups } from './scheduling';
import { CLUSTER_AUTOSCALER_CHART_VERSIONS } from './catalog';
import { WORKLOADS, hasWorkload } from './workloads';
import { MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE, NODE_EXPORTER_POD_SECURITY } from './observability';

export type OperatorName =
  | 'ack-sagemaker-controller'
  | 'cert-manager'
  | 'cluster-autoscaler'
  | 'dcgm-exporter'
  | 'external-secrets'
  | 'istio-base'
  | 'istio-ingressgateway'
  | 'istiod'
  | 'karpenter'
  | 'keda'
  | 'knative-operator'
  | 'kserve-crd'
  | 'kserve-resources'
  | 'kserve-runtime-configs'
  | 'kube-prometheus-stack'
  | 'milvus-operator'
  | 'nvidia-device-plugin'
  | 'seldon-core-operator'
  | 'spark-operator';

export interface OperatorRelease {
  readonly name: OperatorName;
  /** Helm repository: an https URL, or an OCI registry path (`oci: true`, written without the scheme). */
  readonly repository: string;
  /** A short name for the repository (Flux HelmRepository), shared by the charts of one repository. */
  readonly repositoryName: string;
  readonly oci: boolean;
  readonly chart: string;
  /**
   * Chart version, exactly as the repository lists it; or one per Kubernetes minor, for a chart whose minor
   * must follow the cluster's (read it with `chartVersion`).
   */
  readonly version: string | { readonly byKubernetesMinor: Readonly<Record<string, string>> };
  /** Where the release (and its pods) live. */
  readonly namespace: string;
  /** Custom resources (`apiVersion Kind`) that only work once this release runs. */
  readonly provides: readonly string[];
  /** Releases that must be ready first. */
  readonly dependsOn: readonly OperatorName[];
  /**
   * Custom resources (`apiVersion Kind`) that must be ready before this release installs, where the
   * environment has them: the app holding one is delivered first.
   */
  readonly after: readonly string[];
  /**
   * Fields of the release's own objects that a controller rewrites once installed: the GitOps agent must
   * leave them to it (Argo CD `ignoreDifferences`; Flux's helm-controller corrects no drift by default).
   */
  readonly controllerOwned: readonly { readonly group: string; readonly kind: string; readonly jqPathExpressions: readonly string[] }[];
  /**
   * When a custom resource it serves is ready, as a CEL expression over the object, for the kinds whose
   * readiness a Flux Kustomization must judge (kstatus takes a custom resource without status as ready, so
   * `wait` would pass before the operator has even seen it).
   */
  readonly readiness: Readonly<Record<string, string>>;
  /**
   * The Pod Security level its namespace enforces: the strictest its pods pass with the values the platform
   * gives them (test/validate/helm.test.ts renders each chart and checks), a lower one with the reason.
   */
  readonly podSecurity: PodSecurity;
  /**
   * Namespaces besides its own that its values send pods to, each with the level those pods need. No GitOps
   * agent creates a release's second namespace, so the platform app does (charts/platform/platform.ts).
   */
  readonly otherNamespaces: readonly { readonly name: string; readonly podSecurity: PodSecurity }[];
}

type Defaulted = 'dependsOn' | 'provides' | 'after' | 'controllerOwned' | 'readiness' | 'podSecurity' | 'otherNamespaces';

const release = (r: Omit<OperatorRelease, Defaulted> & Partial<Pick<OperatorRelease, Defaulted>>): OperatorRelease => ({
  provides: [],
  otherNamespaces: [],
  dependsOn: [],
  after: [],
  controllerOwned: [],
  readiness: {},
  podSecurity: { level: 'restricted' },
  ...r,
});

/**
 * Istio's validating webhooks: the charts render `failurePolicy: Ignore` and istiod switches the
 * configurations labelled with its revision to `Fail` once it serves them (pkg/webhooks/validation/controller).
 */
const ISTIO_WEBHOOK_POLICY = [
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.failurePolicy'] },
] as const;

export const OPERATORS: Readonly<Record<OperatorName, OperatorRelease>> = {
  // The AWS burst: creates SageMaker training jobs from TrainingJob resources, as the mlops stack's Pod Identity
  // role (its association names this namespace and the chart's service account).
  'ack-sagemaker-controller': release({
    name: 'ack-sagemaker-controller',
    repository: 'public.ecr.aws/aws-controllers-k8s',
    repositoryName: 'aws-controllers-k8s',
    oci: true,
    chart: 'sagemaker-chart',
    version: '1.9.1',
    namespace: 'ack-system',
    provides: ['sagemaker.services.k8s.aws/v1alpha1 TrainingJob'],
  }),
  'cert-manager': release({
    name: 'cert-manager',
    repository: 'https://charts.jetstack.io',
    repositoryName: 'jetstack',
    oci: false,
    chart: 'cert-manager',
    version: 'v1.19.1',
    namespace: 'cert-manager',
  }),
  // Scales the EKS managed node groups (Karpenter scales only its NodePools); its chart follows the cluster's minor.
  'cluster-autoscaler': release({
    name: 'cluster-autoscaler',
    repository: 'https://kubernetes.github.io/autoscaler',
    repositoryName: 'autoscaler',
    oci: false,
    chart: 'cluster-autoscaler',
    version: { byKubernetesMinor: CLUSTER_AUTOSCALER_CHART_VERSIONS },
    // Beside Karpenter and the EKS add-ons; its Pod Identity association (platform stack) names this namespace.
    namespace: 'kube-system',
  }),
  // GPU telemetry (utilization, memory, temperature, XID errors per GPU, with the pod using it) on the GPU pools
  // only. Its chart's ServiceMonitor needs the Prometheus Operator's CRDs, which kube-prometheus-stack installs.
  'dcgm-exporter': release({
    name: 'dcgm-exporter',
    repository: 'https://nvidia.github.io/dcgm-exporter/helm-charts',
    repositoryName: 'dcgm-exporter',
    oci: false,
    chart: 'dcgm-exporter',
    version: '4.8.2',
    namespace: 'dcgm-exporter',
    dependsOn: ['kube-prometheus-stack'],
    podSecurity: {
      level: 'privileged',
      reason: 'dcgm-exporter 4.8.2: reads the kubelet’s pod-resources socket through hostPath and needs SYS_ADMIN for the profiling counters',
    },
  }),
  'external-secrets': release({
    name: 'external-secrets',
    repository: 'https://charts.external-secrets.io',
    repositoryName: 'external-secrets',
    oci: false,
    chart: 'external-secrets',
    version: '2.9.0',
    namespace: 'external-secrets',
    provides: ['external-secrets.io/v1 ExternalSecret', 'external-secrets.io/v1 SecretStore', 'external-secrets.io/v1 ClusterSecretStore'],
  }),
  // Istio routes model traffic (no sidecars: nothing is injected into the workloads): its ingress gateway
  // serves KServe's Ingresses, Knative's gateways and Seldon's weighted VirtualServices. 1.27 supports
  // Kubernetes 1.29–1.33 (the clusters' versions) and is the release KServe v0.20.0 is tested with.
  'istio-base': release({
    name: 'istio-base',
    repository: 'https://istio-release.storage.googleapis.com/charts',
    repositoryName: 'istio',
    oci: false,
    chart: 'base',
    version: '1.27.9',
    namespace: ISTIO_NAMESPACE,
    controllerOwned: ISTIO_WEBHOOK_POLICY,
  }),
  // The control plane: configures the gateway, validates Istio resources (its webhook fails closed) and
  // injects the gateway's proxy.
  istiod: release({
    name: 'istiod',
    repository: 'https://istio-release.storage.googleapis.com/charts',
    repositoryName: 'istio',
    oci: false,
    chart: 'istiod',
    version: '1.27.9',
    namespace: ISTIO_NAMESPACE,
    provides: ['networking.istio.io/v1 Gateway'],
    dependsOn: ['istio-base'],
    controllerOwned: ISTIO_WEBHOOK_POLICY,
  }),
  // The ingress gateway (an Envoy Deployment behind an internal load balancer); its pods get their proxy from istiod.
  'istio-ingressgateway': release({
    name: INGRESS_GATEWAY.release,
    repository: 'https://istio-release.storage.googleapis.com/charts',
    repositoryName: 'istio',
    oci: false,
    chart: 'gateway',
    version: '1.27.9',
    namespace: ISTIO_NAMESPACE,
    dependsOn: ['istiod'],
  }),
  karpenter: release({
    name: 'karpenter',
    repository: 'public.ecr.aws/karpenter',
    repositoryName: 'karpenter',
    oci: true,
    chart: 'karpenter',
    version: '1.14.1',
    // Beside the EKS add-ons, as Karpenter's own guide installs it; its Pod Identity association names this namespace.
    namespace: 'kube-system',
    provides: ['karpenter.sh/v1 NodePool', 'karpenter.k8s.aws/v1 EC2NodeClass'],
  }),
  keda: release({
    name: 'keda',
    repository: 'https://kedacore.github.io/charts',
    repositoryName: 'kedacore',
    oci: false,
    chart: 'keda',
    version: '2.20.2',
    namespace: 'keda',
    provides: ['keda.sh/v1alpha1 ScaledObject', 'keda.sh/v1alpha1 TriggerAuthentication'],
  }),
  // Installs Knative Serving (and its Istio networking layer) from a KnativeServing resource: the release
  // KServe v0.20.0 pins (its kserve-deps.env: KNATIVE_OPERATOR_VERSION=v1.21.1).
  'knative-operator': release({
    name: 'knative-operator',
    repository: 'https://knative.github.io/operator',
    repositoryName: 'knative',
    oci: false,
    chart: 'knative-operator',
    version: 'v1.21.1',
    namespace: 'knative-operator',
    provides: ['operator.knative.dev/v1beta1 KnativeServing'],
    podSecurity: {
      level: 'baseline',
      reason: 'knative-operator v1.21.1: its chart writes the containers’ security context field by field and has no seccomp profile among them',
    },
    // Ready once the operator has reconciled this generation and Serving (its CRDs included) is up.
    readiness: {
      'operator.knative.dev/v1beta1 KnativeServing':
        "has(status.observedGeneration) && status.observedGeneration == metadata.generation && status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
    },
    // The Serving it installs writes Istio gateways and routes, which istiod validates (its webhook fails closed).
    dependsOn: ['istiod'],
  }),
  'kserve-crd': release({
    name: 'kserve-crd',
    repository: 'ghcr.io/kserve/charts',
    repositoryName: 'kserve',
    oci: true,
    chart: 'kserve-crd',
    version: 'v0.20.0',
    namespace: 'kserve',
  }),
  // The controller and its webhooks. KServe renamed this chart from `kserve` in v0.17.0; no `kserve` chart exists at v0.20.0.
  'kserve-resources': release({
    name: 'kserve-resources',
    repository: 'ghcr.io/kserve/charts',
    repositoryName: 'kserve',
    oci: true,
    chart: 'kserve-resources',
    version: 'v0.20.0',
    namespace: 'kserve',
    // Its webhooks' certificates come from cert-manager; its controller needs the CRDs. It looks for Istio's
    // VirtualService and Knative's Service CRDs once, when it starts, and watches only what it found then:
    // Istio's CRDs and (with Knative-mode models) a ready Knative Serving go first.
    dependsOn: ['cert-manager', 'kserve-crd', 'istio-base'],
    after: ['operator.knative.dev/v1beta1 KnativeServing'],
  }),
  // The ClusterServingRuntimes (sklearn, xgboost, lightgbm, torchserve, …) an InferenceService's model format selects:
  // without them the controller finds no runtime for a model. The controller's webhook validates them, so it goes first.
  'kserve-runtime-configs': release({
    name: 'kserve-runtime-configs',
    repository: 'ghcr.io/kserve/charts',
    repositoryName: 'kserve',
    oci: true,
    chart: 'kserve-runtime-configs',
    version: 'v0.20.0',
    namespace: 'kserve',
    provides: ['serving.kserve.io/v1beta1 InferenceService'],
    dependsOn: ['kserve-resources'],
  }),
  // The metrics pipeline (src/model/observability.ts): the Prometheus Operator and its CRDs, Prometheus,
  // Alertmanager, kube-state-metrics, the node exporter and Grafana. The operator's admission webhook (it validates
  // PrometheusRules and Alertmanager configs) takes its certificate from cert-manager, so every render is the same.
  'kube-prometheus-stack': release({
    name: 'kube-prometheus-stack',
    repository: 'https://prometheus-community.github.io/helm-charts',
    repositoryName: 'prometheus-community',
    oci: false,
    chart: 'kube-prometheus-stack',
    version: '88.5.3',
    namespace: MONITORING_NAMESPACE,
    provides: ['monitoring.coreos.com/v1 ServiceMonitor', 'monitoring.coreos.com/v1 PodMonitor', 'monitoring.coreos.com/v1 PrometheusRule'],
    // External Secrets: the release's own ExternalSecret generates Grafana's admin password (operator-values.ts).
    dependsOn: ['cert-manager', 'external-secrets'],
    otherNamespaces: [{ name: NODE_EXPORTER_NAMESPACE, podSecurity: NODE_EXPORTER_POD_SECURITY }],
  }),
  'milvus-operator': release({
    name: 'milvus-operator',
    repository: 'https://zilliztech.github.io/milvus-operator',
    repositoryName: 'milvus-operator',
    oci: false,
    chart: 'milvus-operator',
    version: '1.3.8',
    namespace: 'milvus-operator',
    provides: ['milvus.io/v1beta1 Milvus'],
    podSecurity: {
      level: 'baseline',
      reason: 'milvus-operator 1.3.8: its chart sets only allowPrivilegeEscalation on the container, so its capabilities cannot be dropped',
    },
  }),
  'nvidia-device-plugin': release({
    name: 'nvidia-device-plugin',
    repository: 'https://nvidia.github.io/k8s-device-plugin',
    repositoryName: 'nvidia',
    oci: false,
    chart: 'nvidia-device-plugin',
    version: '0.18.2',
    namespace: 'nvidia-device-plugin',
    podSecurity: { level: 'privileged', reason: 'nvidia-device-plugin 0.18.2: a node agent that registers with the kubelet through hostPath sockets' },
  }),
  'seldon-core-operator': release({
    name: 'seldon-core-operator',
    repository: 'https://storage.googleapis.com/seldon-charts',
    repositoryName: 'seldon',
    oci: false,
    chart: 'seldon-core-operator',
    version: '1.18.2',
    namespace: 'seldon-system',
    provides: ['machinelearning.seldon.io/v1 SeldonDeployment'],
    // Its webhook's certificate comes from cert-manager (the chart's own is generated anew on every render);
    // it splits traffic through Istio VirtualServices, whose CRDs it needs.
    dependsOn: ['cert-manager', 'istio-base'],
  }),
  'spark-operator': release({
    name: 'spark-operator',
    repository: 'https://kubeflow.github.io/spark-operator',
    repositoryName: 'spark-operator',
    oci: false,
    chart: 'spark-operator',
    version: '2.5.2',
    namespace: 'spark-operator',
    provides: ['sparkoperator.k8s.io/v1beta2 SparkApplication', 'sparkoperator.k8s.io/v1beta2 ScheduledSparkApplication'],
  }),
};

/**
 * The Knative Serving release the KnativeServing asks the Knative Operator for (`spec.version`): Knative
 * Operator v1.21.1's newest bundle (cmd/operator/kodata/knative-serving/1.21.1; pkg/reconciler/common/releases.go
 * TargetVersion), and the one KServe v0.20.0 is tested with (kserve-deps.env KNATIVE_SERVING_VERSION=1.21.1).
 */
export const KNATIVE_SERVING_VERSION = '1.21.1';

/** The chart version of a release on a cluster of this Kubernetes minor; throws where none is pinned (validate.ts refuses the model first). */
export function chartVersion(release: OperatorRelease, kubernetesVersion: string): string {
  if (typeof release.version === 'string') return release.version;
  const version = release.version.byKubernetesMinor[kubernetesVersion];
  if (!version)
    throw new Error(`${release.name}: no chart pinned for Kubernetes ${kubernetesVersion} (${Object.keys(release.version.byKubernetesMinor).join(', ')})`);
  return version;
}

/** Every chart version a release pins, whatever the cluster. */
export function chartVersions(release: OperatorRelease): string[] {
  return typeof release.version === 'string' ? [release.version] : Object.values(release.version.byKubernetesMinor);
}

/**
 * Karpenter provisions the AWS Spot and Karpenter GPU pools, Cluster Autoscaler the managed node groups that
 * scale (the system pool, `node-group` GPU pools); AKS scales its own pools.
 */
const CLOUD_OPERATORS: { readonly [C in Cloud]: (env: Environment) => readonly OperatorName[] } = {
  aws: (env) => ['karpenter', ...(elasticNodeGroups(env.cluster).length > 0 ? (['cluster-autoscaler'] as const) : [])],
  azure: () => [],
};

/** The operators workload `w` needs where it is on. */
function operatorsOfWorkload<W extends WorkloadName>(env: Environment, w: W): readonly OperatorName[] {
  return hasWorkload(env, w) ? WORKLOADS[w].operators(env) : [];
}

/**
 * The operators an environment needs, each after the ones it depends on (then by name). KEDA is left out
 * where the AKS add-on runs it; Karpenter is AWS only; GPU pools need the device plugin (and, with
 * observability on, the DCGM exporter).
 */
export function operatorsFor(env: Environment): OperatorName[] {
  const wanted = new Set<OperatorName>();
  for (const name of CLOUD_OPERATORS[env.cloud](env)) wanted.add(name);
  if (env.cluster.gpuPools.length > 0) wanted.add('nvidia-device-plugin');
  if (env.observability.enabled) {
    wanted.add('kube-prometheus-stack');
    if (env.cluster.gpuPools.length > 0) wanted.add('dcgm-exporter');
  }
  for (const w of WORKLOAD_NAMES) for (const name of operatorsOfWorkload(env, w)) wanted.add(name);
  const ordered: OperatorName[] = [];
  const visit = (name: OperatorName) => {
    if (ordered.includes(name)) return;
    for (const dep of OPERATORS[name].dependsOn) visit(dep);
    ordered.push(name);
  };
  for (const name of [...wanted].sort()) visit(name);
  return ordered;
}

/** Which operator serves a custom resource (`apiVersion Kind`), among the given ones; undefined for built-in kinds. */
export function operatorFor(apiVersionKind: string, operators: readonly OperatorName[]): OperatorName | undefined {
  return operators.find((o) => OPERATORS[o].provides.includes(apiVersionKind));
}

/** Namespaces every cluster has, which no release creates or labels. */
export const CLUSTER_NAMESPACES: readonly string[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/**
 * The Pod Security of each namespace the environment's operators are installed in (and create), but the
 * cluster's own: the most permissive level any release there needs, with the reasons of those below restricted.
 */
export function operatorNamespacePodSecurity(env: Environment): Map<string, { readonly level: PodSecurityLevel; readonly reasons: readonly string[] }> {
  const out = new Map<string, { level: PodSecurityLevel; reasons: string[] }>();
  for (const name of operatorsFor(env)) {
    const { namespace, podSecurity } = OPERATORS[name];
    if (CLUSTER_NAMESPACES.includes(namespace)) continue;
    const current = out.get(namespace) ?? { level: 'restricted' as PodSecurityLevel, reasons: [] };
    current.level = lowerLevel(current.level, podSecurity.level);
    if (podSecurity.level !== 'restricted') current.reasons.push(podSecurity.reason);
    out.set(namespace, current);
  }
  return out;
}
