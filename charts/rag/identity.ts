/**
 * Per-cloud identities of the RAG pods (charts/lib/identity.ts explains both mechanisms):
 * - the API: AWS role `<prefix>-rag-api` through Pod Identity (Bedrock invoke on the model's
 *   foundation models, read on the documents bucket); Azure identity with the client id of the
 *   `rag` stack's `rag_api_client_id` output (Cognitive Services OpenAI User, Blob Data Reader);
 * - Milvus: AWS role `<prefix>-rag-milvus` through IRSA (see MILVUS_AWS_IDENTITY; read/write on its bucket); Azure identity with
 *   `rag_milvus_client_id` (Blob Data Contributor on its container).
 */
import type { EnvironmentContext } from '../../src/model/context';
import { MILVUS_AWS_IDENTITY, RAG_OUTPUTS, RAG_STACK } from '../../src/model/naming';
import { workloadIdentity, type IdentityBinding } from '../lib/identity';

export type RagRole = 'api' | 'milvus';

export function ragIdentity(ctx: EnvironmentContext, role: RagRole): IdentityBinding {
  const aws = () => ctx.names.rag!.aws!;
  return workloadIdentity(ctx, {
    awsRoleName: () => (role === 'api' ? aws().apiRoleName : aws().milvusRoleName),
    awsMechanism: role === 'milvus' ? MILVUS_AWS_IDENTITY : 'pod-identity',
    azureClientIdOutput: { stack: RAG_STACK, name: role === 'api' ? RAG_OUTPUTS.apiClientId : RAG_OUTPUTS.milvusClientId },
  });
}
