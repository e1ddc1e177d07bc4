/**
 * Per-cloud identities of the RAG pods (charts/lib/identity.ts explains both mechanisms):
 * - the API: AWS role `<prefix>-rag-api` through Pod Identity (Bedrock invoke on the model's
 *   foundation models, read on the documents bucket); Azure identity with the client id of the
 *   `rag` stack's `rag_api_client_id` output (Cognitive Services OpenAI User, Blob Data Reader);
 * - Milvus: AWS role `<prefix>-rag-milvus` through IRSA (see MILVUS_AWS_IDENTITY; read/write on its bucket); Azure identity with
 *   `rag_milvus_client_id` (Blob Data Contributor on its container).
 */
import { MILVUS_AWS_IDENTITY, RAG_OUTPUTS, RAG_STACK, RAG_API_AWS_IDENTITY } from '../../src/model/naming';
import type { IdentitySource } from '../lib/identity';

export type RagRole = 'api' | 'milvus';

/** The identity of each role, in the order they are bound. */
export const RAG_IDENTITIES: { readonly [R in RagRole]: IdentitySource<'rag'> } = {
  api: {
    aws: (ctx) => ({ roleName: ctx.names.rag.aws.apiRoleName, mechanism: RAG_API_AWS_IDENTITY }),
    azure: () => ({ stack: RAG_STACK, output: RAG_OUTPUTS.apiClientId }),
  },
  milvus: {
    aws: (ctx) => ({ roleName: ctx.names.rag.aws.milvusRoleName, mechanism: MILVUS_AWS_IDENTITY }),
    azure: () => ({ stack: RAG_STACK, output: RAG_OUTPUTS.milvusClientId }),
  },
};
