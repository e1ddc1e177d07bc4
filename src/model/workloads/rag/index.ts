/** Retrieval-augmented generation: Milvus in the cluster, the LLM service over private networking. */
import type { Workload } from '../workload';
import { ragFlows, ragScrapes } from './flows';
import { milvusVolumes } from './milvus';
import { ragNames } from './names';
import { resolveRag } from './resolve';
import { validateRag } from './rules';
import { RAG_SHAPE } from './shape';

export const RAG: Workload<'rag'> = {
  shape: RAG_SHAPE,
  validate: validateRag,
  resolve: resolveRag,
  podSecurity: {
    level: 'baseline',
    reason:
      "Milvus: the Milvus 2.5 image runs as root, and the Milvus operator's init containers and its etcd and Pulsar pods set no restricted security context",
  },
  names: ragNames,
  // The API reaches Bedrock only through its interface endpoint (AWS).
  platformNeeds: () => ({ awsInterfaceEndpoints: ['bedrock-runtime'], postgres: false }),
  flows: ragFlows,
  scrapes: ragScrapes,
  // etcd's and the message queue's; Milvus's segments live in the object store.
  volumes: milvusVolumes,
  operators: () => ['milvus-operator'],
};
