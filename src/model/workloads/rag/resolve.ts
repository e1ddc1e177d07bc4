/** Defaults of the RAG platform. */
import { bedrockModelFor } from '../../ai-models';
import { forCloud } from '../../cloud';
import { DEFAULT_MILVUS_VERSION } from '../../catalog';
import { resolveImage } from '../../images';
import type { Cloud, EnvironmentSpec } from '../../types';
import type { RagLlmByCloud, RagSettings, RagSpec } from './spec';

/** What the default embedding model of each cloud produces: Titan Text Embeddings v2 (1024), text-embedding-3-small (1536). */
export const DEFAULT_EMBEDDING_DIMENSION: Readonly<Record<Cloud, number>> = { aws: 1024, azure: 1536 };

/** Claude Sonnet 4.6, served only through inference profiles: the default is the region's geo profile (eu. in eu-west-1), which keeps requests in its geography. */
export const DEFAULT_BEDROCK_CHAT_MODEL = 'anthropic.claude-sonnet-4-6';
export const DEFAULT_BEDROCK_EMBEDDING_MODEL = 'amazon.titan-embed-text-v2:0';
/** DataZoneStandard keeps prompts and completions inside the region's data zone (EU or US), unlike GlobalStandard. */
export const DEFAULT_OPENAI_CHAT = { deployment: 'chat', model: 'gpt-5', version: '2025-08-07', capacity: 10, sku: 'DataZoneStandard' } as const;
/** GlobalStandard: the only SKU text-embedding-3-small has in westeurope (no Standard, no EU data zone). */
export const DEFAULT_OPENAI_EMBEDDING = {
  deployment: 'embedding',
  model: 'text-embedding-3-small',
  version: '1',
  capacity: 10,
  sku: 'GlobalStandard',
} as const;

/** The default embedding model of each cloud's LLM service. */
export const DEFAULT_EMBEDDING_MODEL: Readonly<Record<Cloud, string>> = { aws: DEFAULT_BEDROCK_EMBEDDING_MODEL, azure: DEFAULT_OPENAI_EMBEDDING.model };

/** The LLM models of the workload, defaults applied: what the stacks use and the model catalog judges (rules.ts). */
export function resolveRagModels(spec: EnvironmentSpec, rag: RagSpec): RagLlmByCloud[Cloud] {
  return forCloud<EnvironmentSpec, RagLlmByCloud[Cloud]>(spec, {
    aws: () => ({
      bedrock: {
        chatModelId: rag.bedrock?.chatModelId ?? bedrockModelFor(DEFAULT_BEDROCK_CHAT_MODEL, spec.region),
        embeddingModelId: rag.bedrock?.embeddingModelId ?? DEFAULT_BEDROCK_EMBEDDING_MODEL,
      },
    }),
    azure: () => ({
      openai: { chat: { ...DEFAULT_OPENAI_CHAT, ...(rag.openai?.chat ?? {}) }, embedding: { ...DEFAULT_OPENAI_EMBEDDING, ...(rag.openai?.embedding ?? {}) } },
    }),
  });
}

/** The workload's settings with every default applied. */
export function resolveRag(platformName: string, spec: EnvironmentSpec, rag: RagSpec): RagSettings {
  const prod = spec.stage === 'prod';
  const api = rag.api!;
  return {
    apiImage: resolveImage(platformName, spec, api.image),
    api: {
      minReplicas: api.minReplicas ?? (prod ? 3 : 2),
      maxReplicas: api.maxReplicas ?? (prod ? 10 : 6),
      targetCpuUtilization: api.targetCpuUtilization ?? 70,
      port: api.port ?? 8080,
      ...(api.metricsPath ? { metricsPath: api.metricsPath } : {}),
      cpu: api.cpu ?? '500m',
      memory: api.memory ?? '1Gi',
    },
    ...resolveRagModels(spec, rag),
    embeddingDimension: rag.embeddingDimension ?? DEFAULT_EMBEDDING_DIMENSION[spec.cloud],
    milvus: {
      mode: rag.milvus?.mode ?? (prod ? 'cluster' : 'standalone'),
      version: rag.milvus?.version ?? DEFAULT_MILVUS_VERSION,
      storageSize: rag.milvus?.storageSize ?? (prod ? '50Gi' : '20Gi'),
      cpu: rag.milvus?.cpu ?? '1',
      memory: rag.milvus?.memory ?? '4Gi',
    },
    documents: { raw: rag.documents?.raw ?? 'raw', processed: rag.documents?.processed ?? 'processed', embeddings: rag.documents?.embeddings ?? 'embeddings' },
  };
}
