/**
 * The Milvus resource, from the model: mode, image, resources, object storage per cloud
 * (storage.ts), etcd and the message queue per mode.
 *
 * - standalone (dev): one Milvus pod; the message queue is rocksmq embedded in the Milvus process,
 *   persisted on its own PVC.
 * - cluster (prod): proxy, mixCoord, query/data/index nodes; the message queue is an in-cluster
 *   Pulsar (chart `pulsar-v3`). etcd's and Pulsar's replicas and volumes per mode are the model's
 *   (src/model/workloads/rag/milvus.ts), which the cost estimate prices too. Pulsar, not Kafka or Woodpecker: Pulsar is
 *   Milvus 2.5's default and most tested queue in cluster mode and the operator's default; the
 *   bundled Kafka chart is Bitnami's (images no longer published under docker.io/bitnami), and
 *   Woodpecker needs Milvus 2.6 (the model pins v2.5.x).
 *
 * Every persistent volume of etcd and the queue has the model's `storageSize` and names the platform's
 * block class (src/model/cluster.ts), where the operator 1.3.8's charts take one: etcd 8.12.0
 * `persistence.storageClass`, pulsar 3.3.0 `<component>.volumes.<volume>.storageClassName`, the rocksmq
 * claim's own spec (the operator copies it as given). Left unset they would take the cluster's default:
 * none on EKS, Standard SSD on AKS. Dependencies are
 * kept when the Milvus resource is deleted (deletionPolicy Retain, PVCs kept): they hold the
 * collections' metadata and the unflushed log.
 *
 * Security: the operator copies `components.securityContext` onto each Milvus container
 * (no privilege escalation, all capabilities dropped, RuntimeDefault seccomp). `runAsNonRoot` is
 * not set: the operator then forces UID 1000 without an fsGroup, and the standalone rocksmq PVC
 * (root-owned) would be unwritable. The Milvus 2.5 image runs as root and the operator's `config`
 * init container carries no restricted security context, so these pods meet Pod Security
 * `baseline`, not `restricted` (rag.ts).
 */
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { blockStorageClass } from '../../src/model/cluster';
import { PRIORITY_CLASSES } from '../../src/model/scheduling';
import { ETCD_REPLICAS, PULSAR_REPLICAS } from '../../src/model/workloads/rag/milvus';
import { operatorPodLabels } from '../lib/app-chart';
import type { IdentityBinding } from '../lib/identity';
import { containerValues, resourceValues } from '../lib/pod';
import type { InClusterDependency, MilvusComponents, MilvusDependencies, MilvusSpec } from './milvus-types';
import { milvusObjectStorage } from './storage';

export const MILVUS_IMAGE_REPOSITORY = 'milvusdb/milvus';
/** Milvus's gRPC port (the address the API uses) and its metrics / health port. */
export const MILVUS_PORT = 19530;
export const MILVUS_METRICS_PORT = 9091;
/** etcd client port, and the port of the Pulsar proxy: what the operator's health checks dial. */
export const ETCD_CLIENT_PORT = 2379;
export const PULSAR_PORT = 6650;

/** Replicas of Milvus's own components in cluster mode (etcd's and Pulsar's are the model's: src/model/workloads/rag/milvus.ts). */
export const CLUSTER_REPLICAS = { proxy: 2, mixCoord: 1, queryNode: 2, dataNode: 2, indexNode: 1 } as const;
/** etcd is small; its requests are fixed (limits: twice the CPU, equal memory). */
export const ETCD_RESOURCES = { cpu: '250m', memory: '512Mi' } as const;

/**
 * Pulsar's pods, sized here rather than left to the operator's defaults. milvus-operator 1.3.8 fills the Pulsar
 * values from milvus-helm's `pulsarv3` section: requests only (bookkeeper and broker 2048Mi, proxy 1024Mi) and JVMs
 * far larger than those (bookkeeper and broker -Xmx4096m with 8192m of direct memory). Without limits the `rag`
 * LimitRange fills in its 512Mi default, below those requests, and the API server rejects the pods; raising the
 * namespace's default to fit would hand every unsized container in `rag` gigabytes and still not fit the JVMs.
 * So each component gets requests and limits (memory limit = request, as every platform pod) and a heap plus
 * direct memory that fits in them with room for metaspace and threads (`PULSAR_MEM`, `BOOKIE_MEM`).
 */
export const PULSAR_RESOURCES = {
  zookeeper: { cpu: '200m', memory: '512Mi', jvm: { PULSAR_MEM: '-Xms256m -Xmx256m' } },
  bookkeeper: { cpu: '500m', memory: '2560Mi', jvm: { PULSAR_MEM: '-Xms1024m -Xmx1024m -XX:MaxDirectMemorySize=1024m' } },
  autorecovery: { cpu: '100m', memory: '512Mi', jvm: { BOOKIE_MEM: '-Xms128m -Xmx128m' } },
  broker: { cpu: '500m', memory: '2560Mi', jvm: { PULSAR_MEM: '-Xms1024m -Xmx1024m -XX:MaxDirectMemorySize=1024m' } },
  proxy: { cpu: '500m', memory: '1536Mi', jvm: { PULSAR_MEM: '-Xms512m -Xmx512m -XX:MaxDirectMemorySize=512m' } },
} as const;

/** A Pulsar component's values: its resources and the JVM sizes that fit in them (configData merges key by key with the chart's). */
function pulsarComponent(name: keyof typeof PULSAR_RESOURCES): { resources: ReturnType<typeof resourceValues>; configData: Record<string, string> } {
  const r = PULSAR_RESOURCES[name];
  return { resources: resourceValues(r.cpu, r.memory), configData: { ...r.jvm } };
}

/** Kept with the data: deleting the Milvus resource must not delete its metadata or log. */
const RETAIN = { deletionPolicy: 'Retain', pvcDeletion: false } as const;

export function milvusImage(version: string): string {
  return `${MILVUS_IMAGE_REPOSITORY}:${version}`;
}

function etcd(ctx: EnvironmentContext<Cloud, 'rag'>): InClusterDependency {
  const { mode, storageSize } = ctx.env.rag.milvus;
  return {
    ...RETAIN,
    values: {
      replicaCount: ETCD_REPLICAS[mode],
      persistence: { enabled: true, size: storageSize, storageClass: blockStorageClass(ctx.env.cloud) },
      resources: resourceValues(ETCD_RESOURCES.cpu, ETCD_RESOURCES.memory),
      priorityClassName: PRIORITY_CLASSES.online,
    },
  };
}

function pulsar(ctx: EnvironmentContext<Cloud, 'rag'>): InClusterDependency {
  const { storageSize } = ctx.env.rag.milvus;
  const volume = { size: storageSize, storageClassName: blockStorageClass(ctx.env.cloud) };
  return {
    ...RETAIN,
    chartVersion: 'pulsar-v3',
    values: {
      components: { pulsar_manager: false, functions: false, toolset: false },
      zookeeper: { replicaCount: PULSAR_REPLICAS.zookeeper, volumes: { data: volume }, ...pulsarComponent('zookeeper') },
      bookkeeper: { replicaCount: PULSAR_REPLICAS.bookkeeper, volumes: { journal: volume, ledgers: volume }, ...pulsarComponent('bookkeeper') },
      autorecovery: pulsarComponent('autorecovery'),
      broker: { replicaCount: PULSAR_REPLICAS.broker, ...pulsarComponent('broker') },
      proxy: { replicaCount: PULSAR_REPLICAS.proxy, ...pulsarComponent('proxy') },
    },
  };
}

function dependencies(ctx: EnvironmentContext<Cloud, 'rag'>): MilvusDependencies {
  const { mode, storageSize } = ctx.env.rag.milvus;
  const { storage } = milvusObjectStorage(ctx);
  if (mode === 'standalone') {
    return {
      etcd: { inCluster: etcd(ctx) },
      storage,
      msgStreamType: 'rocksmq',
      rocksmq: {
        persistence: {
          enabled: true,
          pvcDeletion: false,
          persistentVolumeClaim: {
            spec: { accessModes: ['ReadWriteOnce'], storageClassName: blockStorageClass(ctx.env.cloud), resources: { requests: { storage: storageSize } } },
          },
        },
      },
    };
  }
  return { etcd: { inCluster: etcd(ctx) }, storage, msgStreamType: 'pulsar', pulsar: { inCluster: pulsar(ctx) } };
}

function components(ctx: EnvironmentContext<Cloud, 'rag'>, binding: IdentityBinding): MilvusComponents {
  const milvus = ctx.env.rag.milvus;
  const base = {
    image: milvusImage(milvus.version),
    serviceAccountName: ctx.names.rag.milvusServiceAccount,
    podLabels: { ...operatorPodLabels(ctx, 'rag'), ...binding.podLabels },
    // Milvus serves the online API; it may preempt batch work, like the API itself.
    priorityClassName: PRIORITY_CLASSES.online,
    // The operator would create its own PodMonitor `milvus` once the CRD exists, scraping what the
    // observability chart's `rag-milvus` already does (src/model/workloads/rag/flows.ts ragScrapes):
    // twice the series. Only ours is in the model, so only ours is flow-checked.
    disableMetric: true,
    // The operator copies the security context onto each Milvus container. The image's own user
    // (root): with runAsNonRoot the operator forces UID 1000 and the rocksmq PVC is unwritable (see
    // above). A writable root, as Milvus has always run here: a read-only one is untried with it.
    ...containerValues({ cpu: milvus.cpu, memory: milvus.memory, uid: 'image', readOnlyRoot: false }),
  };
  if (milvus.mode === 'standalone') return { ...base, standalone: { replicas: 1 } };
  const replicas = (n: number) => ({ replicas: n });
  return {
    ...base,
    proxy: replicas(CLUSTER_REPLICAS.proxy),
    mixCoord: replicas(CLUSTER_REPLICAS.mixCoord),
    queryNode: replicas(CLUSTER_REPLICAS.queryNode),
    dataNode: replicas(CLUSTER_REPLICAS.dataNode),
    indexNode: replicas(CLUSTER_REPLICAS.indexNode),
  };
}

export function milvusSpec(ctx: EnvironmentContext<Cloud, 'rag'>, binding: IdentityBinding): MilvusSpec {
  return {
    mode: ctx.env.rag.milvus.mode,
    components: components(ctx, binding),
    config: { common: { storageType: 'remote' }, minio: milvusObjectStorage(ctx).minio },
    dependencies: dependencies(ctx),
  };
}
