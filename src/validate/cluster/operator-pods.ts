/**
 * The pods operators create from the platform's custom resources, as data per operator version: which pods,
 * how many, and the resources and placement each gets from the resource plus the operator's defaults. The
 * cluster view (view.ts) builds them; admission and scheduling check them like the project's own pods.
 *
 * Facts name the file they were read from at the pinned tag:
 * - milvus-operator v1.3.8 (zilliztech/milvus-operator): Makefile `docker-prepare` bundles the dependency charts
 *   and milvus-helm's charts/milvus/values.yaml as config/assets/charts/values.yaml (MILVUS_HELM_VERSION
 *   milvus-5.0.26); pkg/helm/values/values.go reads its `etcd`, `minio` and `pulsarv3` sections as each
 *   dependency's defaults and apis/milvus.io/v1beta1/milvus_webhook.go defaultValuesByDependency merges the
 *   resource's `values` over them (util.MergeValues: maps key by key). The sections below were read from
 *   milvus-helm at its newest stored release (chart 5.0.19, release tag 2.6.15): the pinned 5.0.26 was not
 *   reachable here; re-read them when it is.
 * - spark-operator 2.5.2 (kubeflow/spark-operator) submits with spark-submit, so the pods are Spark's own:
 *   resource-managers/kubernetes BasicDriverFeatureStep / BasicExecutorFeatureStep (Spark 3.3+ and 4.0).
 */
import type { OperatorName } from '../../model/operators';

type Json = Record<string, any>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One kind of pod an operator creates: its replicas and its pod spec (containers with resources, placement). */
export interface DerivedPod {
  /** `milvus proxy`, `pulsar bookkeeper`, `driver`. */
  readonly component: string;
  /** What the operator creates it as (`StatefulSet`, `Deployment`, `Pod`). */
  readonly workloadKind: string;
  readonly replicas: number;
  /** The pod spec as far as admission and scheduling read it. */
  readonly spec: Json;
}

export interface OperatorPods {
  /** The kind of custom resource the operator builds pods from. */
  readonly kind: string;
  readonly pods: (cr: Json) => { pods: DerivedPod[]; unmodelled: string[] };
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

// ---------------------------------------------------------------- milvus-operator 1.3.8

/** milvus-helm charts/milvus/values.yaml `etcd`: no resources (the bundled bitnami etcd 8.12.0 chart sets none either). */
const MILVUS_ETCD_DEFAULTS: Json = { replicaCount: 3, resources: {} };

/** milvus-helm charts/milvus/values.yaml `minio` (distributed mode; minio-8.0.17's `replicas: 4`). */
const MILVUS_MINIO_DEFAULTS: Json = { mode: 'distributed', replicas: 4, resources: { requests: { memory: '2Gi' } } };

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

/** pulsar-3.3.0 StatefulSets and Deployments, by component key (templates/*-statefulset.yaml, *-deployment.yaml). */
const PULSAR_V3_COMPONENTS = [
  { key: 'zookeeper', container: 'zookeeper', workloadKind: 'StatefulSet' },
  { key: 'bookkeeper', container: 'bookie', workloadKind: 'StatefulSet' },
  { key: 'autorecovery', container: 'recovery', workloadKind: 'StatefulSet' },
  { key: 'broker', container: 'broker', workloadKind: 'StatefulSet' },
  { key: 'proxy', container: 'proxy', workloadKind: 'StatefulSet' },
] as const;

/** pkg/controllers/components.go: the components of each mode (MixCoord in place of the four coordinators, as the platform sets). */
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
    // components.go MergeComponentSpec: a component's own resources, placement and replicas over the common ones (replicas default 1).
    const merged = mergeValues(com, own) as Json;
    pods.push({
      component: `milvus ${name}`,
      workloadKind: 'Deployment',
      replicas: typeof own.replicas === 'number' ? own.replicas : 1,
      spec: {
        ...placement(merged),
        // pkg/controllers/deployments.go renderInitContainer: the `config` init container sets no resources.
        initContainers: [{ name: 'config' }],
        containers: [{ name: name.toLowerCase(), resources: isMap(merged.resources) ? merged.resources : undefined }],
      },
    });
  }
  const inCluster = (d: unknown): Json | undefined => (isMap(d) && isMap(d.inCluster) ? d.inCluster : undefined);
  const etcd = inCluster(dep.etcd);
  if (etcd) {
    const v = mergeValues(MILVUS_ETCD_DEFAULTS, etcd.values) as Json;
    pods.push({
      component: 'etcd',
      workloadKind: 'StatefulSet',
      replicas: Number(v.replicaCount ?? 1),
      spec: { ...placement(v), containers: [{ name: 'etcd', resources: v.resources }] },
    });
  } else if (!isMap(dep.etcd) || !dep.etcd.external) unmodelled.push('etcd: neither inCluster nor external');
  const storage = isMap(dep.storage) ? dep.storage : {};
  if (!storage.external) {
    const v = mergeValues(MILVUS_MINIO_DEFAULTS, inCluster(storage)?.values) as Json;
    const replicas = v.mode === 'standalone' ? 1 : Number(v.replicas ?? 4);
    pods.push({
      component: 'minio',
      workloadKind: 'StatefulSet',
      replicas,
      spec: { ...placement(v), containers: [{ name: 'minio', resources: v.resources }] },
    });
  }
  // The operator's default queue: Pulsar in cluster mode, rocksmq (inside Milvus) in standalone (dependencies_types.go MsgStreamType).
  const queue = dep.msgStreamType ?? (mode === 'cluster' ? 'pulsar' : 'rocksmq');
  const pulsar = inCluster(dep.pulsar);
  if (queue === 'pulsar' && pulsar) {
    if (pulsar.chartVersion !== 'pulsar-v3')
      unmodelled.push(`pulsar chartVersion ${pulsar.chartVersion ?? 'pulsar-v2 (default)'}: only pulsar-v3 defaults are recorded`);
    else {
      const v = mergeValues(MILVUS_PULSAR_V3_DEFAULTS, pulsar.values) as Json;
      for (const c of PULSAR_V3_COMPONENTS) {
        if (v.components?.[c.key] === false) continue;
        const values = isMap(v[c.key]) ? v[c.key] : {};
        pods.push({
          component: `pulsar ${c.key}`,
          workloadKind: c.workloadKind,
          replicas: Number(values.replicaCount ?? 1),
          spec: { ...placement(values), containers: [{ name: c.container, resources: values.resources }] },
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
 * overhead, overhead max(factor × memory, 384 MiB) with factor 0.1 (spark.{driver,executor}.memoryOverheadFactor,
 * config/package.scala; the 0.4 non-JVM default went in Spark 3.3) unless `memoryOverhead` is set.
 */
function sparkContainer(role: Json, conf: Json, which: 'driver' | 'executor'): Json {
  const memory = jvmMiB(role.memory ?? conf[`spark.${which}.memory`] ?? '1g') ?? 1024;
  const factor = Number(conf[`spark.${which}.memoryOverheadFactor`] ?? conf['spark.kubernetes.memoryOverheadFactor'] ?? 0.1);
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
    containers: [sparkContainer(r, conf, which)],
  });
  const driver = role(spec.driver);
  const executor = role(spec.executor);
  const dynamic = isMap(spec.dynamicAllocation) && spec.dynamicAllocation.enabled === true;
  // With dynamic allocation the executors start at minExecutors (initialExecutors may be more; the minimum is what must fit).
  const executors = dynamic ? Number(spec.dynamicAllocation.minExecutors ?? 0) : Number(executor.instances ?? 1);
  return {
    pods: [
      { component: 'driver', workloadKind: 'Pod', replicas: 1, spec: podOf(driver, 'driver') },
      { component: 'executor', workloadKind: 'Pod', replicas: executors, spec: podOf(executor, 'executor') },
    ],
    unmodelled: [],
  };
}

/** The pod data per operator, per version: a version without an entry is reported, not guessed. */
export const OPERATOR_PODS: Readonly<Partial<Record<OperatorName, Readonly<Record<string, readonly OperatorPods[]>>>>> = {
  'milvus-operator': { '1.3.8': [{ kind: 'Milvus', pods: milvusPods }] },
  'spark-operator': {
    '2.5.2': [
      { kind: 'SparkApplication', pods: sparkPods },
      { kind: 'ScheduledSparkApplication', pods: sparkPods },
    ],
  },
};
