/**
 * The pods operators create from the platform's custom resources, as data per operator version: which pods,
 * how many, and the resources, placement, security contexts, labels and container ports each gets from the
 * resource plus the operator's defaults. The cluster view (view.ts) builds them; admission, scheduling and the
 * flow endpoints check them like the project's own pods.
 *
 * Facts name the file they were read from at the pinned tag:
 * - milvus-operator v1.3.8 (zilliztech/milvus-operator): Makefile `docker-prepare` bundles the dependency charts
 *   and milvus-helm's charts/milvus/values.yaml as config/assets/charts/values.yaml (MILVUS_HELM_VERSION
 *   milvus-5.0.26); pkg/helm/values/values.go reads its `etcd`, `minio` and `pulsarv3` sections as each
 *   dependency's defaults and apis/milvus.io/v1beta1/milvus_webhook.go defaultValuesByDependency merges the
 *   resource's `values` over them (util.MergeValues: maps key by key). The sections below were read from
 *   milvus-helm at its newest stored release (chart 5.0.19, release tag 2.6.15): the pinned 5.0.26 was not
 *   reachable here; re-read them when it is. The dependency charts' own security contexts, labels and ports were
 *   read from the tgz files milvus-helm bundles (charts/milvus/charts/etcd-8.12.0.tgz, minio-8.0.17.tgz,
 *   pulsar-3.3.0.tgz): values.yaml and templates/statefulset.yaml (pulsar: templates/<component>-statefulset.yaml).
 * - spark-operator 2.5.2 (kubeflow/spark-operator) submits with spark-submit, so the pods are Spark's own:
 *   resource-managers/kubernetes BasicDriverFeatureStep / BasicExecutorFeatureStep (Spark 3.3+ and 4.0).
 * - kube-prometheus-stack 88.5.3 (Chart.yaml appVersion v0.93.1) runs prometheus-operator v0.93.1. That tag was not
 *   reachable here: the facts were read at v0.93.0 (prometheus-operator/prometheus-operator, the newest tag of the
 *   release-0.93 branch stored), a patch release apart; re-read them at v0.93.1 when it is. Files:
 *   pkg/prometheus/server/statefulset.go (makeStatefulSet: storage; makeStatefulSetSpec: containers, pod fields),
 *   pkg/prometheus/server/operator.go (makeSelectorLabels; one StatefulSet per shard),
 *   pkg/prometheus/common.go (ReplicasNumberPtr, shardsNumber, VolumeName, BuildConfigReloader, MakeContainerPorts,
 *   BuildCommonVolumes, ShardLabelName / PrometheusNameLabelName), pkg/prometheus/promcfg.go (BuildPodMetadata,
 *   NodeSelectorWithTopologyZone), pkg/alertmanager/statefulset.go (makeStatefulSet, makeStatefulSetSpec),
 *   pkg/alertmanager/operator.go (makeSelectorLabels), pkg/operator/config_reloader.go (CreateConfigReloader),
 *   pkg/operator/config.go (DefaultConfig, ContainerConfig.ResourceRequirements), pkg/operator/kubernetes.go (label
 *   keys), pkg/operator/types.go (MakeVolumeClaimTemplate), cmd/operator/main.go (the config-reloader flags and their
 *   10m / 50Mi defaults); the chart's templates/prometheus-operator/deployment.yaml passes those flags from
 *   prometheusOperator.prometheusConfigReloader.resources (`| default 0`: none by default).
 */
import type { OperatorName } from '../../model/operators';
import { isMap, type JsonMap as Json, type K8sObject } from '../output';

/** One kind of pod an operator creates: its replicas and its pod spec (containers with resources, placement). */
export interface DerivedPod {
  /** `milvus proxy`, `pulsar bookkeeper`, `driver`. */
  readonly component: string;
  /** What the operator creates it as (`StatefulSet`, `Deployment`, `Pod`). */
  readonly workloadKind: string;
  readonly replicas: number;
  /** The pod spec as far as admission and scheduling read it; containers carry `ports` where the data records them. */
  readonly spec: Json;
  /** The pod template's labels (what a NetworkPolicy or a flow selects on). */
  readonly labels: Readonly<Record<string, string>>;
  /** Whether `spec` lists every container port the pods declare (false: a container's ports are not recorded). */
  readonly portsKnown: boolean;
  /** The StatefulSet's volumeClaimTemplates the operator creates with it, where the data records them (the storage rule reads them). */
  readonly volumeClaimTemplates?: readonly Json[];
}

/** What else the view knows when it builds a resource's pods: the objects of the chart release that rendered it, if one did. */
export interface DerivedPodContext {
  readonly releaseObjects?: readonly K8sObject[];
}

export interface OperatorPods {
  /** The kind of custom resource the operator builds pods from. */
  readonly kind: string;
  readonly pods: (cr: Json, ctx?: DerivedPodContext) => { pods: DerivedPod[]; unmodelled: string[] };
}

/** `over` merged into `base` as util.MergeValues / helm merge values: maps key by key, anything else replaces. */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (over === undefined || over === null) return base;
  if (!isMap(base) || !isMap(over)) return over;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeValues(out[k], v);
  return out;
}

const placement = (v: Json): Json => ({
  ...(isMap(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
  ...(Array.isArray(v.tolerations) ? { tolerations: v.tolerations } : {}),
  ...(isMap(v.affinity) && (v.affinity.nodeAffinity || v.affinity.podAntiAffinity) ? { affinity: v.affinity } : {}),
  ...(typeof v.priorityClassName === 'string' ? { priorityClassName: v.priorityClassName } : {}),
});

const strings = (v: unknown): Record<string, string> =>
  isMap(v)
    ? Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x !== undefined && x !== null)
          .map(([k, x]) => [k, String(x)]),
      )
    : {};
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isMap) : []);
const tcp = (ports: Record<string, number>): Json[] => Object.entries(ports).map(([name, containerPort]) => ({ name, containerPort, protocol: 'TCP' }));
/** A bitnami-style `{enabled, ...fields}` security context section as the template renders it: the fields, or nothing when disabled. */
const enabledContext = (v: unknown): Json | undefined => {
  if (!isMap(v) || !v.enabled) return undefined;
  const { enabled: _enabled, ...rest } = v;
  return rest;
};

// ---------------------------------------------------------------- milvus-operator 1.3.8

/**
 * milvus-helm charts/milvus/values.yaml `etcd`: no resources (the bundled bitnami etcd 8.12.0 chart sets none
 * either), persistence on. Security from etcd-8.12.0 values.yaml (milvus-helm sets none): podSecurityContext
 * and containerSecurityContext render every field but `enabled` (templates/statefulset.yaml `omit … "enabled"`),
 * so the resource's values can add any field; the volume-permissions init container (volumePermissions.enabled
 * and persistence.enabled) runs as `runAsUser: 0`, fixed in the template.
 */
const MILVUS_ETCD_DEFAULTS: Json = {
  replicaCount: 3,
  resources: {},
  persistence: { enabled: true },
  podSecurityContext: { enabled: true, fsGroup: 1001 },
  containerSecurityContext: { enabled: true, runAsUser: 1001, runAsNonRoot: true, allowPrivilegeEscalation: false },
  volumePermissions: { enabled: false },
  containerPorts: { client: 2379, peer: 2380 },
};

/**
 * milvus-helm charts/milvus/values.yaml `minio` (distributed mode; minio-8.0.17's `replicas: 4`), persistence on.
 * minio-8.0.17 templates/statefulset.yaml renders the pod securityContext from three fixed fields only
 * (runAsUser, runAsGroup, fsGroup; when securityContext.enabled and persistence.enabled) and none on the container:
 * no value reaches runAsNonRoot, seccompProfile, allowPrivilegeEscalation or capabilities.
 */
const MILVUS_MINIO_DEFAULTS: Json = {
  mode: 'distributed',
  replicas: 4,
  resources: { requests: { memory: '2Gi' } },
  persistence: { enabled: true },
  securityContext: { enabled: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
};

/**
 * milvus-helm charts/milvus/values.yaml `pulsarv3`: the components and their requests (no limits). The LimitRange
 * of the namespace fills the limits in; a request above its default limit is rejected.
 */
const MILVUS_PULSAR_V3_DEFAULTS: Json = {
  components: { zookeeper: true, bookkeeper: true, autorecovery: true, broker: true, proxy: true },
  zookeeper: { replicaCount: 3, resources: { requests: { memory: '256Mi', cpu: 0.2 } } },
  bookkeeper: { replicaCount: 3, resources: { requests: { memory: '2048Mi', cpu: 0.5 } } },
  autorecovery: { replicaCount: 1, resources: { requests: { memory: '128Mi', cpu: 0.1 } } },
  broker: { replicaCount: 2, resources: { requests: { memory: '2048Mi', cpu: 0.5 } } },
  proxy: { replicaCount: 2, resources: { requests: { memory: '1024Mi', cpu: 0.5 } } },
};

/**
 * pulsar-3.3.0 values.yaml: only zookeeper and bookkeeper have a pod `securityContext` (rendered as written, so
 * the resource's values replace or extend it); autorecovery, broker and proxy render none. Container security
 * contexts are rendered only below Kubernetes 1.25 with rbac.psp, so on these clusters no container has one and
 * no value can give it one: allowPrivilegeEscalation and capabilities stay unset.
 */
const PULSAR_V3_POD_SECURITY: Json = {
  zookeeper: { securityContext: { fsGroup: 0, fsGroupChangePolicy: 'OnRootMismatch' } },
  bookkeeper: { securityContext: { fsGroup: 0, fsGroupChangePolicy: 'OnRootMismatch' } },
};

/**
 * pulsar-3.3.0 StatefulSets, by component key (templates/<key>-statefulset.yaml): the `component` label
 * (values.yaml `<key>.component`), the init containers, and the container ports without TLS.
 */
const PULSAR_V3_COMPONENTS = [
  { key: 'zookeeper', container: 'zookeeper', label: 'zookeeper', init: [], ports: { http: 8000, client: 2181, follower: 2888, 'leader-election': 3888 } },
  { key: 'bookkeeper', container: 'bookie', label: 'bookie', init: ['pulsar-bookkeeper-verify-clusterid'], ports: { bookie: 3181, http: 8000 } },
  { key: 'autorecovery', container: 'recovery', label: 'recovery', init: ['pulsar-bookkeeper-verify-clusterid'], ports: { http: 8000 } },
  { key: 'broker', container: 'broker', label: 'broker', init: ['wait-zookeeper-ready', 'wait-bookkeeper-ready'], ports: { http: 8080, pulsar: 6650 } },
  { key: 'proxy', container: 'proxy', label: 'proxy', init: ['wait-zookeeper-ready', 'wait-broker-ready'], ports: { 'sts-http': 8080, 'sts-pulsar': 6650 } },
] as const;

/**
 * pkg/controllers/components.go: the components of each mode (MixCoord in place of the four coordinators, as the
 * platform sets), by field name and `Name` (the container name and the app.kubernetes.io/component label).
 */
const MILVUS_COMPONENTS = {
  standalone: ['standalone'],
  cluster: ['proxy', 'mixCoord', 'queryNode', 'dataNode', 'indexNode'],
} as const;

function milvusPods(cr: Json): { pods: DerivedPod[]; unmodelled: string[] } {
  const spec = isMap(cr.spec) ? cr.spec : {};
  const com = isMap(spec.components) ? spec.components : {};
  const dep = isMap(spec.dependencies) ? spec.dependencies : {};
  const mode = spec.mode === 'cluster' ? 'cluster' : 'standalone';
  const pods: DerivedPod[] = [];
  const unmodelled: string[] = [];
  for (const name of MILVUS_COMPONENTS[mode]) {
    const own = isMap(com[name]) ? com[name] : {};
    // components.go MergeComponentSpec: a component's own resources, placement and replicas over the common ones (replicas default 1);
    // its securityContext replaces the common one whole (`if src.SecurityContext.Data != nil`), as do its volumes.
    const merged = mergeValues(com, own) as Json;
    const securityContext = isMap(own.securityContext) ? own.securityContext : isMap(com.securityContext) ? com.securityContext : undefined;
    const volumes = Array.isArray(own.volumes) ? own.volumes : Array.isArray(com.volumes) ? com.volumes : [];
    const container = name.toLowerCase();
    const serving = container === 'proxy' || container === 'standalone';
    // components.go GetComponentPort / GetRestfulPort: the proxy's (standalone's) service port, default 19530; every component serves metrics on 9091.
    const port = Number(own.port ?? 0) > 0 ? Number(own.port) : 19530;
    const restful = Number(own.serviceRestfulPort ?? 0);
    const ports = serving ? tcp({ milvus: port, metrics: 9091, ...(restful > 0 ? { restful } : {}) }) : tcp({ metrics: 9091 });
    // GetSideCars / GetInitContainers: the component's own (not the common spec's), added as written, replacing one of the same name.
    const byName = (base: Json[], extra: Json[]) => [...base.filter((c) => !extra.some((e) => e.name === c.name)), ...extra];
    pods.push({
      component: `milvus ${name}`,
      workloadKind: 'Deployment',
      replicas: typeof own.replicas === 'number' ? own.replicas : 1,
      // utils.go NewComponentAppLabels over the podLabels (the app labels win); proxy and standalone pods are also `milvus.io/service: "true"`.
      labels: {
        ...strings(com.podLabels),
        ...strings(own.podLabels),
        'app.kubernetes.io/instance': String(cr.metadata?.name ?? ''),
        'app.kubernetes.io/component': container,
        'app.kubernetes.io/name': 'milvus',
        'app.kubernetes.io/managed-by': 'milvus-operator',
        ...(serving ? { 'milvus.io/service': 'true' } : {}),
      },
      portsKnown: list(own.sidecars).every((c) => Array.isArray(c.ports)),
      spec: {
        ...placement(merged),
        // deployment_updater.go updatePodTemplate: the pod's securityContext is set only with components.runAsNonRoot (common level).
        ...(com.runAsNonRoot === true ? { securityContext: { runAsNonRoot: true, runAsUser: 1000 } } : {}),
        ...(merged.hostNetwork === true ? { hostNetwork: true } : {}),
        // updateBuiltInVolumes: the config ConfigMap and the tools emptyDir, after the resource's volumes.
        volumes: [...volumes, { name: 'config', configMap: {} }, { name: 'tools', emptyDir: {} }],
        // deployments.go renderInitContainer: the `config` init container sets no resources and a fixed securityContext
        // (runAsNonRoot, runAsUser 1000): components.securityContext does not reach it.
        initContainers: byName([{ name: 'config', securityContext: { runAsNonRoot: true, runAsUser: 1000 } }], list(own.initContainers)),
        containers: byName(
          [
            {
              name: container,
              resources: isMap(merged.resources) ? merged.resources : undefined,
              // updateMilvusContainer: components.securityContext (a corev1.SecurityContext as values) on the milvus container only.
              ...(securityContext ? { securityContext } : {}),
              ports,
            },
          ],
          list(own.sidecars),
        ),
      },
    });
  }
  const inCluster = (d: unknown): Json | undefined => (isMap(d) && isMap(d.inCluster) ? d.inCluster : undefined);
  const etcd = inCluster(dep.etcd);
  if (etcd) {
    const v = mergeValues(MILVUS_ETCD_DEFAULTS, etcd.values) as Json;
    const podContext = enabledContext(v.podSecurityContext);
    const containerContext = enabledContext(v.containerSecurityContext);
    const initContainers = [
      ...list(v.initContainers),
      ...(v.volumePermissions?.enabled && v.persistence?.enabled ? [{ name: 'volume-permissions', securityContext: { runAsUser: 0 } }] : []),
    ];
    pods.push({
      component: 'etcd',
      workloadKind: 'StatefulSet',
      replicas: Number(v.replicaCount ?? 1),
      // common.labels.standard (the release is `<name>-etcd`, pkg/helm/helm.go) and podLabels.
      labels: {
        ...strings(v.podLabels),
        'app.kubernetes.io/name': 'etcd',
        'app.kubernetes.io/instance': `${cr.metadata?.name}-etcd`,
        'app.kubernetes.io/managed-by': 'Helm',
      },
      portsKnown: true,
      spec: {
        ...placement(v),
        ...(podContext ? { securityContext: podContext } : {}),
        ...(initContainers.length > 0 ? { initContainers } : {}),
        containers: [
          { name: 'etcd', resources: v.resources, ...(containerContext ? { securityContext: containerContext } : {}), ports: tcp(v.containerPorts ?? {}) },
        ],
      },
    });
  } else if (!isMap(dep.etcd) || !dep.etcd.external) unmodelled.push('etcd: neither inCluster nor external');
  const storage = isMap(dep.storage) ? dep.storage : {};
  if (!storage.external) {
    const v = mergeValues(MILVUS_MINIO_DEFAULTS, inCluster(storage)?.values) as Json;
    const replicas = v.mode === 'standalone' ? 1 : Number(v.replicas ?? 4);
    const sc = isMap(v.securityContext) ? v.securityContext : {};
    pods.push({
      component: 'minio',
      workloadKind: 'StatefulSet',
      replicas,
      labels: { ...strings(v.podLabels), app: 'minio', release: `${cr.metadata?.name}-minio` },
      portsKnown: true,
      spec: {
        ...placement(v),
        ...(sc.enabled && v.persistence?.enabled ? { securityContext: { runAsUser: sc.runAsUser, runAsGroup: sc.runAsGroup, fsGroup: sc.fsGroup } } : {}),
        containers: [{ name: 'minio', resources: v.resources, ports: tcp({ http: 9000 }) }],
      },
    });
  }
  // The operator's default queue: Pulsar in cluster mode, rocksmq (inside Milvus) in standalone (dependencies_types.go MsgStreamType).
  const queue = dep.msgStreamType ?? (mode === 'cluster' ? 'pulsar' : 'rocksmq');
  const pulsar = inCluster(dep.pulsar);
  if (queue === 'pulsar' && pulsar) {
    if (pulsar.chartVersion !== 'pulsar-v3')
      unmodelled.push(`pulsar chartVersion ${pulsar.chartVersion ?? 'pulsar-v2 (default)'}: only pulsar-v3 defaults are recorded`);
    else {
      const v = mergeValues(mergeValues(MILVUS_PULSAR_V3_DEFAULTS, PULSAR_V3_POD_SECURITY), pulsar.values) as Json;
      const release = `${cr.metadata?.name}-pulsar`;
      for (const c of PULSAR_V3_COMPONENTS) {
        if (v.components?.[c.key] === false) continue;
        const values = isMap(v[c.key]) ? v[c.key] : {};
        pods.push({
          component: `pulsar ${c.key}`,
          workloadKind: 'StatefulSet',
          replicas: Number(values.replicaCount ?? 1),
          // _helpers.tpl pulsar.template.labels (app is the chart name: the operator clears nameOverride, pkg/helm/values/values.go) and the component.
          labels: { ...strings(v.labels), app: 'pulsar', release, cluster: String(v.clusterName || v.fullnameOverride || release), component: c.label },
          portsKnown: true,
          spec: {
            ...placement(values),
            ...(isMap(values.securityContext) && Object.keys(values.securityContext).length > 0 ? { securityContext: values.securityContext } : {}),
            ...(c.init.length > 0 ? { initContainers: c.init.map((name) => ({ name })) } : {}),
            containers: [{ name: c.container, resources: values.resources, ports: tcp(c.ports) }],
          },
        });
      }
    }
  } else if (queue === 'pulsar' && !(isMap(dep.pulsar) && dep.pulsar.external)) unmodelled.push('pulsar: neither inCluster nor external');
  else if (queue === 'kafka' || queue === 'natsmq') unmodelled.push(`msgStreamType ${queue}: its pods are not recorded`);
  return { pods, unmodelled };
}

// ---------------------------------------------------------------- spark-operator 2.5.2 (Spark on Kubernetes)

/** `2g`, `512m` (JVM sizes, binary) in MiB, as Utils.byteStringAsMb reads them. */
function jvmMiB(size: unknown): number | undefined {
  const m = /^(\d+)([kmgt]?)b?$/i.exec(String(size ?? '').trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return { k: n / 1024, '': n / 2 ** 20, m: n, g: n * 1024, t: n * 1024 * 1024 }[m[2].toLowerCase()]!;
}

/**
 * Spark's pod resources (BasicDriverFeatureStep / BasicExecutorFeatureStep): CPU request `cores` (or
 * spark.kubernetes.{driver,executor}.request.cores), CPU limit `coreLimit`; memory request = limit = memory +
 * overhead, overhead max(factor × memory, 384 MiB) unless `memoryOverhead` is set. The factor is
 * spark.{driver,executor}.memoryOverheadFactor or spark.kubernetes.memoryOverheadFactor where set; otherwise 0.1 for a
 * JVM application and NON_JVM_MEMORY_OVERHEAD_FACTOR, 0.4, for a Python or R one, which the driver step also hands
 * to the executors (BasicDriverFeatureStep and its "memory overhead factor" tests, Spark 3.3 to 4.1).
 */
function sparkContainer(role: Json, conf: Json, which: 'driver' | 'executor', type: unknown): Json {
  const memory = jvmMiB(role.memory ?? conf[`spark.${which}.memory`] ?? '1g') ?? 1024;
  const nonJvm = type === 'Python' || type === 'R';
  const factor = Number(conf[`spark.${which}.memoryOverheadFactor`] ?? conf['spark.kubernetes.memoryOverheadFactor'] ?? (nonJvm ? 0.4 : 0.1));
  const overhead = jvmMiB(role.memoryOverhead ?? conf[`spark.${which}.memoryOverhead`]) ?? Math.max(Math.floor(factor * memory), 384);
  const cores = role.coreRequest ?? conf[`spark.kubernetes.${which}.request.cores`] ?? role.cores ?? 1;
  const limit = role.coreLimit ?? conf[`spark.kubernetes.${which}.limit.cores`];
  return {
    name: which === 'driver' ? 'spark-kubernetes-driver' : 'spark-kubernetes-executor',
    ...(isMap(role.securityContext) ? { securityContext: role.securityContext } : {}),
    resources: {
      requests: { cpu: String(cores), memory: `${Math.ceil(memory + overhead)}Mi` },
      limits: { ...(limit !== undefined ? { cpu: String(limit) } : {}), memory: `${Math.ceil(memory + overhead)}Mi` },
    },
  };
}

function sparkPods(cr: Json): { pods: DerivedPod[]; unmodelled: string[] } {
  // A ScheduledSparkApplication runs its template: one run at a time (concurrencyPolicy Forbid) counts once.
  const spec = cr.kind === 'ScheduledSparkApplication' ? (cr.spec?.template ?? {}) : (cr.spec ?? {});
  const conf = isMap(spec.sparkConf) ? spec.sparkConf : {};
  const role = (r: unknown): Json => (isMap(r) ? r : {});
  const podOf = (r: Json, which: 'driver' | 'executor'): Json => ({
    ...placement(r),
    ...(isMap(r.podSecurityContext) ? { securityContext: r.podSecurityContext } : {}),
    ...(Array.isArray(spec.volumes) ? { volumes: spec.volumes } : {}),
    containers: [sparkContainer(r, conf, which, spec.type)],
  });
  const driver = role(spec.driver);
  const executor = role(spec.executor);
  const dynamic = isMap(spec.dynamicAllocation) && spec.dynamicAllocation.enabled === true;
  // With dynamic allocation the executors start at minExecutors (initialExecutors may be more; the minimum is what must fit).
  const executors = dynamic ? Number(spec.dynamicAllocation.minExecutors ?? 0) : Number(executor.instances ?? 1);
  // The role's labels, Spark's spark-role (Constants.SPARK_ROLE_LABEL) and the operator's launched-by label; the app
  // id and submission labels carry run-time values and are left out.
  const labels = (r: Json, which: 'driver' | 'executor') => ({
    ...strings(r.labels),
    'spark-role': which,
    'sparkoperator.k8s.io/launched-by-spark-operator': 'true',
  });
  const driverPod = podOf(driver, 'driver');
  // BasicDriverFeatureStep declares the driver's RPC, block manager and UI ports (defaults 7078, 7079, 4040).
  driverPod.containers[0].ports = tcp({
    'driver-rpc-port': Number(conf['spark.driver.port'] ?? 7078),
    blockmanager: Number(conf['spark.driver.blockManager.port'] ?? conf['spark.blockManager.port'] ?? 7079),
    'spark-ui': Number(conf['spark.ui.port'] ?? 4040),
  });
  return {
    pods: [
      { component: 'driver', workloadKind: 'Pod', replicas: 1, labels: labels(driver, 'driver'), portsKnown: true, spec: driverPod },
      // The executor's block manager port is declared only in some Spark versions: its ports are not recorded.
      {
        component: 'executor',
        workloadKind: 'Pod',
        replicas: executors,
        labels: labels(executor, 'executor'),
        portsKnown: false,
        spec: podOf(executor, 'executor'),
      },
    ],
    unmodelled: [],
  };
}

// ---------------------------------------------------------------- kube-prometheus-stack 88.5.3 (prometheus-operator v0.93.x)

/** pkg/operator/config_reloader.go CreateConfigReloader: every config reloader (init or not) gets this container securityContext. */
const RELOADER_SECURITY: Json = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
/** makeStatefulSetSpec (both operators): the prometheus / alertmanager container's fixed securityContext, the same three fields. */
const MAIN_SECURITY: Json = RELOADER_SECURITY;

/**
 * The config reloaders' resources: the operator's --config-reloader-{cpu,memory}-{request,limit} flags, read from
 * the operator Deployment the release renders (`0` sets none: config.go ResourceRequirements); without that
 * Deployment, the flags' defaults (cmd/operator/main.go defaultReloaderCPU 10m, defaultReloaderMemory 50Mi,
 * request = limit, config.go DefaultConfig).
 */
function reloaderResources(ctx?: DerivedPodContext): Json {
  const flags = new Map<string, string>();
  for (const o of ctx?.releaseObjects ?? []) {
    if (o?.kind !== 'Deployment') continue;
    for (const c of list(o.spec?.template?.spec?.containers)) {
      const args: unknown[] = Array.isArray(c.args) ? c.args : [];
      if (!args.some((a) => String(a).startsWith('--prometheus-config-reloader='))) continue;
      for (const a of args) {
        const m = /^--config-reloader-(cpu|memory)-(request|limit)=(.*)$/.exec(String(a));
        if (m) flags.set(`${m[1]}-${m[2]}`, m[3]);
      }
    }
  }
  const get = (k: string, dflt: string) => flags.get(k) ?? dflt;
  const pick = (resource: 'cpu' | 'memory', which: 'request' | 'limit', dflt: string) => {
    const v = get(`${resource}-${which}`, dflt);
    return v === '0' || v === '' ? {} : { [resource]: v };
  };
  const requests = { ...pick('cpu', 'request', '10m'), ...pick('memory', 'request', '50Mi') };
  const limits = { ...pick('cpu', 'limit', '10m'), ...pick('memory', 'limit', '50Mi') };
  return { ...(Object.keys(requests).length > 0 ? { requests } : {}), ...(Object.keys(limits).length > 0 ? { limits } : {}) };
}

/** k8s.MergePatchContainers: the resource's containers patch the operator's by name (maps key by key here), new ones are appended. */
function mergeContainers(operator: Json[], own: unknown): Json[] {
  const extra = list(own);
  const merged = operator.map((c) => {
    const patch = extra.find((e) => e.name === c.name);
    return patch ? (mergeValues(c, patch) as Json) : c;
  });
  return [...merged, ...extra.filter((e) => !operator.some((c) => c.name === e.name))];
}

/** A version string as the app.kubernetes.io/version label carries it (semver String(): no leading `v`); undefined when unset. */
const versionLabel = (v: unknown): Record<string, string> => (typeof v === 'string' && v !== '' ? { 'app.kubernetes.io/version': v.replace(/^v/, '') } : {});

/**
 * The StatefulSet's storage (makeStatefulSet, both operators): a volumeClaimTemplate named as written or
 * `<prefix>-<name>-db`, accessModes default ReadWriteOnce, its spec (storageClassName included) copied
 * (types.go MakeVolumeClaimTemplate); an emptyDir or ephemeral volume of that name; an emptyDir without storage.
 */
function storageOf(spec: Json, volumeName: string): { volumes: Json[]; claims: Json[] } {
  const storage = isMap(spec.storage) ? spec.storage : undefined;
  if (storage && isMap(storage.emptyDir)) return { volumes: [{ name: volumeName, emptyDir: storage.emptyDir }], claims: [] };
  if (storage && isMap(storage.ephemeral)) return { volumes: [{ name: volumeName, ephemeral: storage.ephemeral }], claims: [] };
  if (storage && isMap(storage.volumeClaimTemplate)) {
    const t = storage.volumeClaimTemplate;
    const tspec = isMap(t.spec) ? t.spec : {};
    return {
      volumes: [],
      claims: [
        {
          metadata: { name: typeof t.metadata?.name === 'string' && t.metadata.name !== '' ? t.metadata.name : volumeName },
          spec: { ...tspec, accessModes: Array.isArray(tspec.accessModes) ? tspec.accessModes : ['ReadWriteOnce'] },
        },
      ],
    };
  }
  return { volumes: [{ name: volumeName, emptyDir: {} }], claims: [] };
}

/** The pod-level fields both operators copy from the resource's spec as written. */
const promPodFields = (spec: Json): Json => ({
  ...placement(spec),
  ...(isMap(spec.securityContext) ? { securityContext: spec.securityContext } : {}),
  ...(spec.hostNetwork === true ? { hostNetwork: true } : {}),
  ...(typeof spec.hostUsers === 'boolean' ? { hostUsers: spec.hostUsers } : {}),
});

/**
 * Prometheus (server/statefulset.go makeStatefulSetSpec): one StatefulSet per shard (shards, default 1;
 * common.go shardsNumber) of spec.replicas pods (default 1, negative: 1; ReplicasNumberPtr). Containers:
 * `prometheus` (spec.resources; port 9090 named spec.portName, default `web`, none with listenLocal; a fixed
 * securityContext) and `config-reloader` (port 8080 `reloader-web`, none with listenLocal); init container
 * `init-config-reloader` (port 8081 `reloader-init`). Pod labels: podMetadata.labels and app.kubernetes.io/version
 * (BuildPodMetadata), then the selector labels (operator.go makeSelectorLabels) and the shard.
 */
function prometheusPods(cr: Json, ctx?: DerivedPodContext): { pods: DerivedPod[]; unmodelled: string[] } {
  const spec = isMap(cr.spec) ? cr.spec : {};
  const name = String(cr.metadata?.name ?? '');
  const unmodelled: string[] = [];
  const replicas = typeof spec.replicas === 'number' ? (spec.replicas < 0 ? 1 : spec.replicas) : 1;
  const shards = typeof spec.shards === 'number' && spec.shards > 1 ? spec.shards : 1;
  const listenLocal = spec.listenLocal === true;
  const reloader = reloaderResources(ctx);
  if (isMap(spec.thanos)) unmodelled.push('Prometheus spec.thanos: the Thanos sidecar container is not recorded');
  if (isMap(spec.shardingStrategy) || isMap(spec.topology))
    unmodelled.push('Prometheus topology sharding: the zone the operator adds to each shard’s nodeSelector is not recorded');
  const { volumes, claims } = storageOf(spec, `prometheus-${name}-db`);
  const pods: DerivedPod[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const containers = mergeContainers(
      [
        {
          name: 'prometheus',
          ...(isMap(spec.resources) ? { resources: spec.resources } : {}),
          securityContext: MAIN_SECURITY,
          ports: listenLocal ? [] : [{ name: String(spec.portName || 'web'), containerPort: 9090, protocol: 'TCP' }],
        },
        {
          name: 'config-reloader',
          resources: reloader,
          securityContext: RELOADER_SECURITY,
          ports: listenLocal ? [] : [{ name: 'reloader-web', containerPort: 8080, protocol: 'TCP' }],
        },
      ],
      spec.containers,
    );
    const initContainers = mergeContainers(
      [
        {
          name: 'init-config-reloader',
          resources: reloader,
          securityContext: RELOADER_SECURITY,
          ports: [{ name: 'reloader-init', containerPort: 8081, protocol: 'TCP' }],
        },
      ],
      spec.initContainers,
    );
    pods.push({
      component: shards > 1 ? `prometheus shard ${shard}` : 'prometheus',
      workloadKind: 'StatefulSet',
      replicas,
      labels: {
        ...versionLabel(spec.version),
        ...strings(spec.podMetadata?.labels),
        'app.kubernetes.io/managed-by': 'prometheus-operator',
        'app.kubernetes.io/name': 'prometheus',
        'app.kubernetes.io/instance': name,
        'operator.prometheus.io/name': name,
        prometheus: name,
        'operator.prometheus.io/shard': String(shard),
      },
      portsKnown: [...list(spec.containers), ...list(spec.initContainers)].every(
        (c) => Array.isArray(c.ports) || ['prometheus', 'config-reloader', 'init-config-reloader'].includes(String(c.name)),
      ),
      spec: {
        ...promPodFields(spec),
        // BuildCommonVolumes: the config Secret, the tls-assets projected volume, the config-out emptyDir; then the storage volume and spec.volumes.
        volumes: [
          { name: 'config', secret: {} },
          { name: 'tls-assets', projected: {} },
          { name: 'config-out', emptyDir: {} },
          ...volumes,
          ...list(spec.volumes),
        ],
        initContainers,
        containers,
      },
      ...(claims.length > 0 ? { volumeClaimTemplates: claims } : {}),
    });
  }
  return { pods, unmodelled };
}

/**
 * Alertmanager (alertmanager/statefulset.go): spec.replicas pods (default 1, negative: 0); a 200Mi memory request
 * when spec.resources requests none (makeStatefulSet). Containers: `alertmanager` (ports 9093 named spec.portName,
 * default `web`, unless listenLocal; 9094 `mesh-tcp` TCP and `mesh-udp` UDP; a fixed securityContext) and
 * `config-reloader` (8080 `reloader-web`, none with listenLocal); init container `init-config-reloader` (8081
 * `reloader-init`). Pod labels: app.kubernetes.io/version, podMetadata.labels, then makeSelectorLabels (operator.go).
 */
function alertmanagerPods(cr: Json, ctx?: DerivedPodContext): { pods: DerivedPod[]; unmodelled: string[] } {
  const spec = isMap(cr.spec) ? cr.spec : {};
  const name = String(cr.metadata?.name ?? '');
  const replicas = typeof spec.replicas === 'number' ? Math.max(spec.replicas, 0) : 1;
  const listenLocal = spec.listenLocal === true;
  const reloader = reloaderResources(ctx);
  const own = isMap(spec.resources) ? spec.resources : {};
  const requests = isMap(own.requests) ? own.requests : {};
  const resources = { ...own, requests: { ...requests, ...(requests.memory === undefined ? { memory: '200Mi' } : {}) } };
  const { volumes, claims } = storageOf(spec, `alertmanager-${name}-db`);
  const containers = mergeContainers(
    [
      {
        name: 'alertmanager',
        resources,
        securityContext: MAIN_SECURITY,
        ports: [
          ...(listenLocal ? [] : [{ name: String(spec.portName || 'web'), containerPort: 9093, protocol: 'TCP' }]),
          { name: 'mesh-tcp', containerPort: 9094, protocol: 'TCP' },
          { name: 'mesh-udp', containerPort: 9094, protocol: 'UDP' },
        ],
      },
      {
        name: 'config-reloader',
        resources: reloader,
        securityContext: RELOADER_SECURITY,
        ports: listenLocal ? [] : [{ name: 'reloader-web', containerPort: 8080, protocol: 'TCP' }],
      },
    ],
    spec.containers,
  );
  const initContainers = mergeContainers(
    [
      {
        name: 'init-config-reloader',
        resources: reloader,
        securityContext: RELOADER_SECURITY,
        ports: [{ name: 'reloader-init', containerPort: 8081, protocol: 'TCP' }],
      },
    ],
    spec.initContainers,
  );
  return {
    pods: [
      {
        component: 'alertmanager',
        workloadKind: 'StatefulSet',
        replicas,
        labels: {
          ...versionLabel(spec.version),
          ...strings(spec.podMetadata?.labels),
          'app.kubernetes.io/name': 'alertmanager',
          'app.kubernetes.io/managed-by': 'prometheus-operator',
          'app.kubernetes.io/instance': name,
          alertmanager: name,
        },
        portsKnown: [...list(spec.containers), ...list(spec.initContainers)].every(
          (c) => Array.isArray(c.ports) || ['alertmanager', 'config-reloader', 'init-config-reloader'].includes(String(c.name)),
        ),
        spec: {
          ...promPodFields(spec),
          // The config Secret volume, tls-assets and config-out (makeStatefulSetSpec), the storage volume and spec.volumes.
          volumes: [
            { name: 'config-volume', secret: {} },
            { name: 'tls-assets', projected: {} },
            { name: 'config-out', emptyDir: {} },
            ...volumes,
            ...list(spec.volumes),
          ],
          initContainers,
          containers,
        },
        ...(claims.length > 0 ? { volumeClaimTemplates: claims } : {}),
      },
    ],
    unmodelled: [],
  };
}

/** The pod data per operator, per version: a version without an entry is reported, not guessed. */
export const OPERATOR_PODS: Readonly<Partial<Record<OperatorName, Readonly<Record<string, readonly OperatorPods[]>>>>> = {
  'kube-prometheus-stack': {
    '88.5.3': [
      { kind: 'Prometheus', pods: prometheusPods },
      { kind: 'Alertmanager', pods: alertmanagerPods },
    ],
  },
  'milvus-operator': { '1.3.8': [{ kind: 'Milvus', pods: milvusPods }] },
  'spark-operator': {
    '2.5.2': [
      { kind: 'SparkApplication', pods: sparkPods },
      { kind: 'ScheduledSparkApplication', pods: sparkPods },
    ],
  },
};

/**
 * Pods an operator creates that the view does not build (no resources or security data recorded), by the kind of
 * resource that makes them: their namespace and the labels the operator sets, for the flow-endpoint rule only.
 * knative-operator v1.21.1 installs Knative Serving's own manifests (config/core/deployments/activator.yaml,
 * autoscaler.yaml: pod labels `app: activator` / `app: autoscaler`) in the KnativeServing's namespace.
 */
export const LABELLED_OPERATOR_PODS: Readonly<
  Record<string, (cr: Json) => readonly { component: string; namespace: string; labels: Record<string, string> }[]>
> = {
  KnativeServing: (cr) =>
    ['activator', 'autoscaler', 'controller', 'webhook'].map((app) => ({
      component: `knative ${app}`,
      namespace: String(cr.metadata?.namespace ?? 'knative-serving'),
      labels: { app, 'app.kubernetes.io/component': app, 'app.kubernetes.io/name': 'knative-serving' },
    })),
};
