/** The RAG platform as a user writes it (RagSpec) and as stacks and charts read it (RagSettings, per cloud). */
import type { Cloud, WorkloadToggle } from '../../types';

/** Retrieval-augmented generation: Milvus in the cluster, the LLM service over private networking. */
export interface RagSpec extends WorkloadToggle {
  /** The RAG API. Required when enabled. */
  api?: RagApiSpec;
  /**
   * AWS: Bedrock model ids, each a foundation model (`amazon.titan-embed-text-v2:0`) or a system-defined inference
   * profile (`eu.anthropic.claude-sonnet-4-6`), checked against src/model/ai-models.ts for the region.
   * Default: Claude Sonnet 4.6 through its EU profile, and Titan Text Embeddings v2.
   */
  bedrock?: { chatModelId?: string; embeddingModelId?: string };
  /** Azure: Azure OpenAI deployments, checked against src/model/ai-models.ts. Default: gpt-5 (DataZoneStandard) and text-embedding-3-small (GlobalStandard). */
  openai?: { chat?: OpenAiDeploymentSpec; embedding?: OpenAiDeploymentSpec };
  /** Dimension of the embedding vectors (must match the embedding model). Default: 1024 on AWS (Titan v2), 1536 on Azure. */
  embeddingDimension?: number;
  milvus?: MilvusSpec;
  /** Document layout: S3 prefixes (AWS) or ADLS containers (Azure). Default: raw, processed, embeddings. */
  documents?: { raw?: string; processed?: string; embeddings?: string };
}

export interface RagApiSpec {
  /** Pinned by tag or digest; `repository:tag` names a repository of the environment's registry. */
  image: string;
  /** HPA bounds. Default: 2–6 (prod 3–10). */
  minReplicas?: number;
  maxReplicas?: number;
  /** HPA CPU target, percent. Default: 70. */
  targetCpuUtilization?: number;
  /** Default: 8080. */
  port?: number;
  /**
   * Path of the Prometheus metrics the API serves on its port, scraped where observability is on. Without it nothing
   * scrapes the API (a scrape of a path it does not serve would only show a target down).
   */
  metricsPath?: string;
  /** Default: 500m / 1Gi requested. */
  cpu?: string;
  memory?: string;
}

export interface OpenAiDeploymentSpec {
  /** Deployment name. Default: `chat` / `embedding`. */
  deployment?: string;
  model?: string;
  version?: string;
  /** Capacity in thousands of tokens per minute. Default: 10. */
  capacity?: number;
  /** Default: DataZoneStandard for chat (data stays in the region's data zone), GlobalStandard for embeddings. */
  sku?: 'Standard' | 'GlobalStandard' | 'DataZoneStandard' | 'ProvisionedManaged';
}

export interface MilvusSpec {
  /** Default: standalone in dev, cluster in prod. */
  mode?: 'standalone' | 'cluster';
  /** Milvus image tag. Default: the catalog's. */
  version?: string;
  /** Persistent volume for etcd and the message queue, per replica. Default: 20Gi (prod 50Gi). */
  storageSize?: string;
  /** Requests of each Milvus component. Default: 1 CPU / 4Gi. */
  cpu?: string;
  memory?: string;
}

// Resolved: every default applied, read-only. Stacks and charts only ever see these.

/** The LLM service of each cloud: Bedrock model ids on AWS, Azure OpenAI deployments on Azure. */
export interface RagLlmByCloud {
  readonly aws: { readonly bedrock: Readonly<{ chatModelId: string; embeddingModelId: string }> };
  readonly azure: { readonly openai: Readonly<{ chat: Readonly<Required<OpenAiDeploymentSpec>>; embedding: Readonly<Required<OpenAiDeploymentSpec>> }> };
}

export type RagSettings<C extends Cloud = Cloud> = C extends Cloud ? RagSettingsOf & RagLlmByCloud[C] : never;

interface RagSettingsOf {
  readonly apiImage: string;
  readonly api: Readonly<{
    minReplicas: number;
    maxReplicas: number;
    targetCpuUtilization: number;
    port: number;
    metricsPath?: string;
    cpu: string;
    memory: string;
  }>;
  readonly embeddingDimension: number;
  readonly milvus: Readonly<Required<MilvusSpec>>;
  readonly documents: Readonly<{ raw: string; processed: string; embeddings: string }>;
}
