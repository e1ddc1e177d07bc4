/**
 * Environment of the RAG API container, from the model and the derived names only. No secrets:
 * credentials come from the pod identity (identity.ts); on Azure the workload identity webhook adds
 * AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE.
 * - AWS: the region (Bedrock runtime through its VPC endpoint, private DNS), the chat and embedding
 *   model ids, the documents bucket and its prefixes.
 * - Azure: the Azure OpenAI endpoint (private endpoint, private DNS), the chat and embedding
 *   deployments and the data-plane API version, the blob endpoint and the document containers.
 */
import type { EnvVar } from 'cdk8s-plus-28/lib/imports/k8s';
import { byCloud, type EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { envVars } from '../lib/pod';

/**
 * Azure OpenAI data-plane API version the API calls (the SDKs require one). Every chat model the catalog still serves
 * (gpt-5, gpt-5.1, gpt-5.2) is a reasoning model: it takes `max_completion_tokens` and refuses `max_tokens`, and Azure's
 * reasoning-model guide uses 2024-12-01-preview and later (learn.microsoft.com/azure/ai-foundry/openai/how-to/reasoning).
 * The last GA version, 2024-10-21, predates them. 2025-04-01-preview is the newest data-plane inference spec in
 * Azure/azure-rest-api-specs (specification/cognitiveservices/data-plane/AzureOpenAI/inference/preview).
 */
export const AZURE_OPENAI_API_VERSION = '2025-04-01-preview';

export function apiEnv(ctx: EnvironmentContext<Cloud, 'rag'>): EnvVar[] {
  const { rag } = ctx.env;
  const vars: Record<string, string> = {
    PORT: String(rag.api.port),
    MILVUS_ADDRESS: ctx.names.rag.milvusAddress,
    EMBEDDING_DIMENSION: String(rag.embeddingDimension),
    ...byCloud<Record<string, string>, 'rag'>(ctx, {
      aws: ({ env, names }) => ({
        AWS_REGION: env.region,
        BEDROCK_CHAT_MODEL_ID: env.rag.bedrock.chatModelId,
        BEDROCK_EMBEDDING_MODEL_ID: env.rag.bedrock.embeddingModelId,
        DOCUMENTS_BUCKET: names.rag.aws.documentsBucket,
        DOCUMENTS_RAW_PREFIX: rag.documents.raw,
        DOCUMENTS_PROCESSED_PREFIX: rag.documents.processed,
        DOCUMENTS_EMBEDDINGS_PREFIX: rag.documents.embeddings,
      }),
      azure: ({ env, names }) => ({
        AZURE_OPENAI_ENDPOINT: names.rag.azure.openaiEndpoint,
        AZURE_OPENAI_CHAT_DEPLOYMENT: env.rag.openai.chat.deployment,
        AZURE_OPENAI_EMBEDDING_DEPLOYMENT: env.rag.openai.embedding.deployment,
        AZURE_OPENAI_API_VERSION,
        AZURE_STORAGE_ACCOUNT: names.rag.azure.storageAccountName,
        AZURE_STORAGE_BLOB_URL: names.rag.azure.blobEndpoint,
        DOCUMENTS_RAW_CONTAINER: rag.documents.raw,
        DOCUMENTS_PROCESSED_CONTAINER: rag.documents.processed,
        DOCUMENTS_EMBEDDINGS_CONTAINER: rag.documents.embeddings,
      }),
    }),
  };
  return envVars(vars);
}
