/**
 * What the RAG pods must reach. Milvus's pods, and its etcd and Pulsar, are created by the Milvus operator
 * (1.3.8) and its bundled charts: the labels here are the ones those set on every pod.
 */
import { cloudFlows, podFlow, tcpPorts, type Flow, type PodRef, HTTP_PORT_NAME } from '../../flows';
import type { ScrapeTarget } from '../../scrapes';
import type { Environment } from '../../types';
import type { WithWorkloads } from '../enabled';
import { MILVUS_AWS_IDENTITY, RAG_API_AWS_IDENTITY } from './identities';

const NS = 'rag';
export const RAG_API_PODS: PodRef = { name: 'rag-api', namespace: NS, labels: { 'app.kubernetes.io/name': 'rag-api' } };
const MILVUS_PODS: PodRef = { name: 'milvus', namespace: NS, labels: { 'app.kubernetes.io/name': 'milvus', 'app.kubernetes.io/instance': 'milvus' } };
const ETCD_PODS: PodRef = { name: 'milvus etcd', namespace: NS, labels: { 'app.kubernetes.io/name': 'etcd', 'app.kubernetes.io/instance': 'milvus-etcd' } };
const pulsar = (component: string): PodRef => ({
  name: `milvus pulsar ${component}`,
  namespace: NS,
  labels: { app: 'pulsar', release: 'milvus-pulsar', component },
});
const OPERATOR_PODS: PodRef = { name: 'milvus-operator', namespace: 'milvus-operator', labels: { 'app.kubernetes.io/name': 'milvus-operator' } };

/** Every Milvus component serves its metrics beside its health endpoint (`metrics`, 9091). */
export function ragScrapes(env: WithWorkloads<Environment, 'rag'>): ScrapeTarget[] {
  const { port, metricsPath } = env.rag.api;
  const api: ScrapeTarget[] = metricsPath
    ? [{ name: 'rag-api', pods: RAG_API_PODS, port: { port, protocol: 'TCP', name: HTTP_PORT_NAME }, path: metricsPath }]
    : [];
  return [{ name: 'rag-milvus', pods: MILVUS_PODS, port: { port: 9091, protocol: 'TCP', name: 'metrics' } }, ...api];
}

export function ragFlows(env: WithWorkloads<Environment, 'rag'>): Flow[] {
  const gateway: PodRef = {
    name: 'ingress gateway',
    namespace: env.cluster.gatewayNamespace,
    labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
  };
  const [broker, bookie, zookeeper] = ['broker', 'bookie', 'zookeeper'].map(pulsar);
  // Pulsar runs in cluster mode only; standalone Milvus embeds rocksmq (charts/rag/milvus.ts dependencies).
  const pulsarFlows: Flow[] =
    env.rag.milvus.mode !== 'standalone'
      ? [
          podFlow(MILVUS_PODS, broker, tcpPorts(6650), 'streams inserts through Pulsar'),
          ...[broker, bookie, zookeeper].map((pods): Flow => ({ from: pods, to: { kind: 'dns' }, why: 'finds its peers by their headless Service names' })),
          podFlow(broker, bookie, tcpPorts(3181), 'writes ledgers to the bookies'),
          podFlow(broker, zookeeper, tcpPorts(2181), 'keeps cluster metadata in ZooKeeper'),
          podFlow(bookie, zookeeper, tcpPorts(2181), 'registers with ZooKeeper'),
          podFlow(OPERATOR_PODS, broker, tcpPorts(6650), 'checks Pulsar health before it starts Milvus'),
        ]
      : [];
  return [
    ...cloudFlows(env, 'rag', RAG_API_PODS, { identity: RAG_API_AWS_IDENTITY, services: ['bedrock-runtime', 's3'] }, { services: ['openai', 'blob'] }),
    podFlow(RAG_API_PODS, MILVUS_PODS, tcpPorts(19530), 'searches the vector index'),
    podFlow(gateway, RAG_API_PODS, tcpPorts(env.rag.api.port), 'routes the API from outside the cluster'),
    // Every Milvus component reads and writes segments in object storage.
    ...cloudFlows(env, 'rag', MILVUS_PODS, { identity: MILVUS_AWS_IDENTITY, services: ['s3'] }, { services: ['blob'] }),
    podFlow(MILVUS_PODS, MILVUS_PODS, tcpPorts(19530, 9091), 'the proxy calls the coordinators and nodes (gRPC, health)'),
    podFlow(MILVUS_PODS, ETCD_PODS, tcpPorts(2379), 'keeps its metadata in etcd'),
    { from: ETCD_PODS, to: { kind: 'dns' }, why: 'finds its peers by their headless Service names' },
    podFlow(ETCD_PODS, ETCD_PODS, tcpPorts(2380), 'raft between the etcd members'),
    podFlow(OPERATOR_PODS, ETCD_PODS, tcpPorts(2379), 'checks etcd health before it starts Milvus'),
    podFlow(OPERATOR_PODS, MILVUS_PODS, tcpPorts(9091), "reads the components' health"),
    ...pulsarFlows,
  ];
}
