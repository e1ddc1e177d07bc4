/** Retrieval-augmented generation: Milvus in the cluster, the LLM service over private networking. */
import type { Workload } from '../workload';
import { ragNames } from './names';
import { resolveRag } from './resolve';
import { validateRag } from './rules';
import { RAG_SHAPE } from './shape';

export const RAG: Workload<'rag'> = {
  shape: RAG_SHAPE,
  validate: validateRag,
  resolve: resolveRag,
  // The Milvus 2.5 image runs as root, and the operator's init containers and its etcd / Pulsar pods
  // set no restricted security context: `restricted` would reject them.
  podSecurity: 'baseline',
  names: ragNames,
  // The API reaches Bedrock only through its interface endpoint (AWS).
  platformNeeds: () => ({ awsInterfaceEndpoints: ['bedrock-runtime'], postgres: false }),
  operators: () => ['milvus-operator'],
};
