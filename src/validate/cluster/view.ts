/**
 * The cluster view: per environment, everything that will exist in the cluster, as data other checks read
 * (admission here; scheduling and network flows next):
 * - the project's manifests (dist/<env>/kubernetes) and, when validate renders them (`--charts DIR`), every
 *   object of the operator charts the GitOps output pins, from the helm checks' own renders;
 * - every pod: the project's pod templates, the charts', and the pods operators build from custom resources
 *   (KServe and Seldon predictors with their injected containers, src/validate/policy/pod-security.ts; Milvus
 *   and its dependencies, Spark drivers and executors, operator-pods.ts), each with its minimum replicas;
 * - the node pools of the model (nodes.ts).
 */
import type { Flow } from '../../model/flows';
import { OPERATORS, type OperatorName } from '../../model/operators';
import { platformFlows } from '../../model/platform-flows';
import type { Cloud, Environment, Platform } from '../../model/types';
import type { HelmRelease } from '../helm/releases';
import { installedVersion, releasesOf } from '../helm/releases';
import { describeObject, type EnvironmentOutput, type K8sObject, type Manifest } from '../output';
import { podTemplates } from '../policy/kubernetes';
import { containersOf, outputPods } from '../policy/pod-security';
import type { PodContainer } from '../policy/pod-security-standards';
import { nodePoolsOf, type NodePool } from './nodes';
import { OPERATOR_PODS } from './operator-pods';
import { isMap, type JsonMap as Json } from '../output';
import { INFERENCE_SERVICE_POD_LABEL } from '../../model/workloads/mlops/serving';

/** The objects of one chart release as helm rendered them for this environment. */
export interface RenderedRelease {
  readonly release: HelmRelease;
  readonly objects: readonly K8sObject[];
}

/** An object that will exist, and where a finding about it goes. */
export interface ViewObject {
  readonly obj: K8sObject;
  readonly origin: 'manifest' | 'chart';
  /** The namespace it lands in: its own, or (chart objects) the release's; undefined for cluster-scoped kinds. */
  readonly namespace: string | undefined;
  /** The output file and resource a finding names: the manifest itself, or the chart's Argo CD Application / Flux HelmRelease. */
  readonly file: string;
  readonly resource: string;
}

export interface ViewPod {
  /** Where a finding goes: the manifest or custom resource that yields the pod, or the chart release. */
  readonly file: string;
  readonly resource: string;
  /** Which pod of it: `spec.template.spec`, `predictor main, componentSpecs[0]`, `pulsar bookkeeper`, `Deployment keda/keda-operator spec.template.spec`. */
  readonly at: string;
  readonly namespace: string | undefined;
  readonly origin: 'manifest' | 'chart' | 'operator';
  /** The operator or chart that builds it, with its version: `milvus-operator 1.3.8`, `keda 2.20.2`. */
  readonly createdBy?: string;
  /** What runs it: Deployment, StatefulSet, Job, CronJob, DaemonSet, Pod. */
  readonly workloadKind: string;
  /** The replicas it runs at least: an HPA's minReplicas, a KEDA ScaledObject's minReplicaCount (default 0), else the workload's own. */
  readonly minReplicas: number;
  /** What scales its workload, where something does. */
  readonly scaledBy?: 'hpa' | 'keda';
  /** Pod-level fields (securityContext, nodeSelector, affinity, tolerations, priorityClassName, volumes). */
  readonly spec: Json;
  /** Every container, with its resources as written or as the operator sets them (before LimitRange defaulting). */
  readonly containers: readonly PodContainer[];
  /** The pod's labels: its template's, or the ones the operator sets (operator-pods.ts); a subset for predictors. */
  readonly labels: Readonly<Record<string, string>>;
  /** Whether `containers` carry every port the pod declares (false where an operator adds containers whose ports are not recorded). */
  readonly portsKnown: boolean;
  /** The volumeClaimTemplates of the StatefulSet an operator creates for it, where operator-pods.ts records them. */
  readonly volumeClaimTemplates?: readonly Json[];
}

export interface ClusterView {
  readonly environment: string;
  readonly cloud: Cloud | undefined;
  /** Whether the operator charts are in (validate ran with `--charts`). */
  readonly charts: boolean;
  /** The environment's output as read, Terraform included: what the cross-layer rules (references.ts) join the cluster to. */
  readonly output: EnvironmentOutput;
  readonly objects: readonly ViewObject[];
  /** Every Namespace object, by name. */
  readonly namespaces: ReadonlyMap<string, K8sObject>;
  readonly pods: readonly ViewPod[];
  /** Empty for an environment the model does not know. */
  readonly nodePools: readonly NodePool[];
  /** The operators whose chart the GitOps output installs. */
  readonly installed: ReadonlySet<OperatorName>;
  /** The flows the environment's workloads declare (src/model/flows.ts); empty without a model. */
  readonly flows: readonly Flow[];
  /** Pods the view could not build (an operator version without data in operator-pods.ts, a feature it does not model). */
  readonly unmodelled: readonly { readonly file: string; readonly resource: string; readonly message: string }[];
}

interface Scaled {
  readonly min: number;
  readonly by: 'hpa' | 'keda';
}

/** What scales a workload: HPA minReplicas (default 1) and KEDA ScaledObject minReplicaCount (default 0), by `<namespace>/<Kind>/<name>`. */
function scaledMinimums(objects: readonly ViewObject[]): Map<string, Scaled> {
  const out = new Map<string, Scaled>();
  for (const { obj, namespace } of objects) {
    const spec = (obj.spec ?? {}) as Json;
    const target = spec.scaleTargetRef;
    if (!isMap(target)) continue;
    if (obj.kind === 'HorizontalPodAutoscaler' && obj.apiVersion?.startsWith('autoscaling/'))
      out.set(`${namespace}/${target.kind}/${target.name}`, { min: Number(spec.minReplicas ?? 1), by: 'hpa' });
    // keda.sh/v1alpha1 ScaledObject: scaleTargetRef.kind defaults to Deployment; minReplicaCount to 0.
    else if (obj.kind === 'ScaledObject' && obj.apiVersion?.startsWith('keda.sh/'))
      out.set(`${namespace}/${target.kind ?? 'Deployment'}/${target.name}`, { min: Number(spec.minReplicaCount ?? 0), by: 'keda' });
  }
  return out;
}

/** The replicas a pod template runs at: the workload's own, unless something scales it. */
function templateReplicas(obj: K8sObject, namespace: string | undefined, scaled: ReadonlyMap<string, Scaled>): number {
  const spec = (obj.spec ?? {}) as Json;
  const byScaler = scaled.get(`${namespace}/${obj.kind}/${obj.metadata.name}`);
  if (byScaler !== undefined) return byScaler.min;
  switch (obj.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return Number(spec.replicas ?? 1);
    case 'Job':
      return Number(spec.parallelism ?? 1);
    case 'CronJob':
      return Number(spec.jobTemplate?.spec?.parallelism ?? 1);
    default:
      // A DaemonSet runs one per node; admission sees each alike, quota counts one (per-node counts are the scheduling view's).
      return 1;
  }
}

export function buildClusterView(env: EnvironmentOutput, platform?: Platform, rendered?: readonly RenderedRelease[]): ClusterView {
  const modelled: Environment | undefined = platform?.environments.find((e) => e.name === env.name);
  const objects: ViewObject[] = env.manifests.map((m) => ({
    obj: m.obj,
    origin: 'manifest',
    namespace: m.obj.metadata?.namespace,
    file: m.file,
    resource: describeObject(m.obj),
  }));
  for (const { release, objects: chartObjects } of rendered ?? []) {
    for (const obj of chartObjects) {
      if (!obj?.kind) continue;
      // Cluster-scoped kinds carry no namespace in a chart; a namespaced one without it lands in the release's.
      const clusterScoped = CLUSTER_SCOPED.has(obj.kind);
      objects.push({
        obj,
        origin: 'chart',
        namespace: clusterScoped ? undefined : (obj.metadata?.namespace ?? release.namespace),
        file: release.file,
        resource: release.resource,
      });
    }
  }
  const scaled = scaledMinimums(objects);
  const pods: ViewPod[] = [];
  const unmodelled: { file: string; resource: string; message: string }[] = [];

  // The project's pod templates and the KServe / Seldon predictors (the Pod Security rule's pods, with their injected containers).
  const built = outputPods(env);
  for (const pod of built.pods) {
    const obj = pod.manifest.obj;
    const operator = pod.injectors.length > 0 || obj.kind === 'InferenceService' || obj.kind === 'SeldonDeployment';
    pods.push({
      file: pod.manifest.file,
      resource: describeObject(obj),
      at: pod.at,
      namespace: pod.namespace,
      origin: operator ? 'operator' : 'manifest',
      ...(pod.injectors.length > 0 ? { createdBy: pod.injectors.map((i) => i.label).join(', ') } : {}),
      workloadKind: operator ? 'Deployment' : obj.kind,
      minReplicas: operator ? predictorReplicas(obj, pod.at) : templateReplicas(obj, pod.namespace, scaled),
      ...scalerOf(obj, pod.namespace, scaled),
      spec: pod.view.spec,
      containers: pod.view.containers,
      labels: builtPodLabels(obj, pod.at),
      portsKnown: !operator,
    });
  }
  // Their gaps (an injector version without data) are k8s-pod-security's findings already; not repeated here.

  // The other operators' pods, from their data per version: from the output's custom resources and from those the
  // rendered charts hold (kube-prometheus-stack's Prometheus and Alertmanager), the latter with their release's objects.
  const chartResources = (rendered ?? []).flatMap(({ release, objects: chartObjects }) =>
    chartObjects
      .filter((o) => o?.kind)
      .map((o) => {
        const namespace = o.metadata?.namespace ?? release.namespace;
        return {
          file: release.file,
          resource: release.resource,
          at: `${o.kind} ${namespace}/${o.metadata?.name} `,
          obj: o,
          namespace,
          releaseObjects: chartObjects,
        };
      }),
  );
  for (const [name, versions] of Object.entries(OPERATOR_PODS) as [OperatorName, NonNullable<(typeof OPERATOR_PODS)[OperatorName]>][]) {
    const version = installedVersion(env, name) ?? '';
    const kinds = new Set(Object.values(versions).flatMap((v) => v.map((k) => k.kind)));
    const sources = [
      ...env.manifests
        .filter((x: Manifest) => kinds.has(x.obj.kind))
        .map((m) => ({ file: m.file, resource: describeObject(m.obj), at: '', obj: m.obj, namespace: m.obj.metadata.namespace, releaseObjects: undefined })),
      ...chartResources.filter((c) => kinds.has(c.obj.kind)),
    ];
    for (const m of sources) {
      const data = versions[version]?.find((k) => k.kind === m.obj.kind);
      const resource = m.resource;
      if (!data) {
        unmodelled.push({
          file: m.file,
          resource,
          message: `${m.at}no pod data for ${name} ${version} (src/validate/cluster/operator-pods.ts): the pods it builds from this ${m.obj.kind} are unknown`,
        });
        continue;
      }
      const derived = data.pods(m.obj, { releaseObjects: m.releaseObjects });
      for (const why of derived.unmodelled) unmodelled.push({ file: m.file, resource, message: `${m.at}${name} ${version}: ${why}` });
      for (const p of derived.pods)
        pods.push({
          file: m.file,
          resource,
          at: `${m.at}${p.component}`,
          namespace: m.namespace,
          origin: 'operator',
          createdBy: `${name} ${version}`,
          workloadKind: p.workloadKind,
          minReplicas: p.replicas,
          spec: p.spec,
          containers: containersOf(p.spec, `${name} ${version}`),
          labels: p.labels,
          portsKnown: p.portsKnown,
          ...(p.volumeClaimTemplates ? { volumeClaimTemplates: p.volumeClaimTemplates } : {}),
        });
    }
  }

  // The charts' own pods.
  for (const { release, objects: chartObjects } of rendered ?? []) {
    const manifests = chartObjects.filter((o) => o?.kind).map((obj) => ({ file: release.file, app: release.releaseName, obj }));
    for (const t of podTemplates(manifests)) {
      const namespace = t.manifest.obj.metadata?.namespace ?? release.namespace;
      pods.push({
        file: release.file,
        resource: release.resource,
        at: `${t.manifest.obj.kind} ${namespace}/${t.manifest.obj.metadata?.name} ${t.at}`,
        namespace,
        origin: 'chart',
        createdBy: `${release.chart} ${release.version}`,
        workloadKind: t.manifest.obj.kind,
        minReplicas: templateReplicas(t.manifest.obj, namespace, scaled),
        ...scalerOf(t.manifest.obj, namespace, scaled),
        spec: t.spec,
        containers: containersOf(t.spec),
        labels: templateLabels(t.manifest.obj, t.at),
        portsKnown: true,
      });
    }
  }

  const namespaces = new Map<string, K8sObject>();
  for (const o of objects) if (o.obj.kind === 'Namespace' && o.obj.apiVersion === 'v1') namespaces.set(o.obj.metadata.name, o.obj);
  // An Argo CD Application that creates its destination namespace writes its managedNamespaceMetadata there: the
  // namespace the cluster will have, as far as the rules read it (operators' namespaces on Argo CD have no Namespace object).
  for (const o of objects) {
    if (o.obj.kind !== 'Application' || !String(o.obj.apiVersion).startsWith('argoproj.io/')) continue;
    const spec = isMap(o.obj.spec) ? o.obj.spec : {};
    const name = isMap(spec.destination) ? spec.destination.namespace : undefined;
    const sync = isMap(spec.syncPolicy) ? spec.syncPolicy : {};
    const creates = Array.isArray(sync.syncOptions) && sync.syncOptions.includes('CreateNamespace=true');
    if (typeof name !== 'string' || !creates || namespaces.has(name)) continue;
    const managed = isMap(sync.managedNamespaceMetadata) ? sync.managedNamespaceMetadata : {};
    namespaces.set(name, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { ...(managed.labels ?? {}) }, annotations: { ...(managed.annotations ?? {}) } },
    });
  }
  return {
    environment: env.name,
    cloud: modelled?.cloud,
    charts: rendered !== undefined,
    output: env,
    objects,
    namespaces,
    pods,
    nodePools: modelled ? nodePoolsOf(modelled, objects) : [],
    installed: new Set((Object.keys(OPERATORS) as OperatorName[]).filter((name) => releasesOf(env).some((r) => r.chart === OPERATORS[name].chart))),
    flows: modelled ? platformFlows(modelled) : [],
    unmodelled,
  };
}

const scalerOf = (obj: K8sObject, namespace: string | undefined, scaled: ReadonlyMap<string, Scaled>): { scaledBy?: Scaled['by'] } => {
  const by = scaled.get(`${namespace}/${obj.kind}/${obj.metadata.name}`)?.by;
  return by ? { scaledBy: by } : {};
};

const stringMap = (v: unknown): Record<string, string> => (isMap(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {});

/** A pod template's labels: the `metadata` beside the pod spec at `at` (`spec.template.spec` → `spec.template.metadata`). */
function templateLabels(obj: K8sObject, at: string): Record<string, string> {
  const path = at.split('.').slice(0, -1);
  const parent = path.reduce<any>((v, k) => (isMap(v) ? v[k] : undefined), obj);
  return stringMap(parent?.metadata?.labels);
}

/**
 * The labels of a pod outputPods built. KServe: the predictor's `labels` and the two it adds itself (`component`,
 * `serving.kserve.io/inferenceservice`); Seldon: the componentSpec's metadata labels (the operator's own are not
 * recorded); templates: their own.
 */
function builtPodLabels(obj: K8sObject, at: string): Record<string, string> {
  const spec = (obj.spec ?? {}) as Json;
  if (obj.kind === 'InferenceService')
    return { ...stringMap(spec.predictor?.labels), component: 'predictor', [INFERENCE_SERVICE_POD_LABEL]: obj.metadata.name };
  if (obj.kind === 'SeldonDeployment') {
    const m = /^predictor (.+), componentSpecs\[(\d+)\]$/.exec(at);
    const predictor = Array.isArray(spec.predictors) ? spec.predictors.find((p: Json) => p?.name === m?.[1]) : undefined;
    return stringMap(predictor?.componentSpecs?.[Number(m?.[2])]?.metadata?.labels);
  }
  return templateLabels(obj, at);
}

/** KServe: spec.predictor.minReplicas (default 1); Seldon: the componentSpec's replicas, else the predictor's (default 1). */
function predictorReplicas(obj: K8sObject, at: string): number {
  const spec = (obj.spec ?? {}) as Json;
  if (obj.kind === 'InferenceService') return Number(spec.predictor?.minReplicas ?? 1);
  const m = /^predictor (.+), componentSpecs\[(\d+)\]$/.exec(at);
  const predictor = Array.isArray(spec.predictors) ? spec.predictors.find((p: Json) => p?.name === m?.[1]) : undefined;
  const component = predictor?.componentSpecs?.[Number(m?.[2])];
  return Number(component?.replicas ?? predictor?.replicas ?? 1);
}

/** Built-in cluster-scoped kinds charts render (a chart's namespace on them is dropped); custom ones come with their CRD's scope. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'PriorityClass',
  'StorageClass',
  'IngressClass',
  'APIService',
  'PersistentVolume',
  'RuntimeClass',
  'CSIDriver',
  'ClusterIssuer',
]);
