/**
 * Milvus's topology per mode, which the chart (charts/rag/milvus.ts) renders and the cost estimate prices: replicas
 * of etcd and of the in-cluster Pulsar, and the persistent volumes they claim, each of the model's `storageSize`.
 * - standalone: etcd with 1 replica; the rocksmq queue embedded in Milvus, on its own claim.
 * - cluster: etcd with 3 replicas; Pulsar's ZooKeeper (one data volume each) and BookKeeper (a journal and a
 *   ledgers volume each), 3 replicas apiece.
 */
import type { ClusterVolume } from '../../volumes';
import type { Environment } from '../../types';
import type { WithWorkloads } from '../enabled';

/** Replicas per mode. Components scale by editing these; the model sizes each pod. */
export const ETCD_REPLICAS = { standalone: 1, cluster: 3 } as const;
export const PULSAR_REPLICAS = { zookeeper: 3, bookkeeper: 3, broker: 2, proxy: 2 } as const;

export function milvusVolumes(env: WithWorkloads<Environment, 'rag'>): ClusterVolume[] {
  const { mode, storageSize: size } = env.rag.milvus;
  const volume = (name: string, label: string, count: number): ClusterVolume => ({ name, stack: 'rag', label, size, count, lifetime: 'always' });
  const etcd = volume('etcd', 'Milvus etcd data', ETCD_REPLICAS[mode]);
  if (mode === 'standalone') return [etcd, volume('rocksmq', 'Milvus rocksmq queue', 1)];
  return [
    etcd,
    volume('pulsar-zookeeper', 'Pulsar ZooKeeper data', PULSAR_REPLICAS.zookeeper),
    volume('pulsar-bookkeeper-journal', 'Pulsar BookKeeper journal', PULSAR_REPLICAS.bookkeeper),
    volume('pulsar-bookkeeper-ledgers', 'Pulsar BookKeeper ledgers', PULSAR_REPLICAS.bookkeeper),
  ];
}
