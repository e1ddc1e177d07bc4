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
  names: ragNames,
  operators: () => ['milvus-operator'],
};
