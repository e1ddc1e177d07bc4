/** What a user may write under `workloads.rag`; checked against RagSpec at compile time. */
import { bool, int, obj, oneOf, opt, req, str } from '../../shape';
import type { OpenAiDeploymentSpec, RagSpec } from './spec';

const openAiDeploymentShape = obj<OpenAiDeploymentSpec>({
  deployment: opt(str),
  model: opt(str),
  version: opt(str),
  capacity: opt(int),
  sku: opt(oneOf({ Standard: true, GlobalStandard: true, DataZoneStandard: true, ProvisionedManaged: true })),
});

export const RAG_SHAPE = obj<RagSpec>({
  enabled: req(bool),
  api: opt(
    obj({
      image: req(str),
      minReplicas: opt(int),
      maxReplicas: opt(int),
      targetCpuUtilization: opt(int),
      port: opt(int),
      metricsPath: opt(str),
      cpu: opt(str),
      memory: opt(str),
    }),
  ),
  bedrock: opt(obj({ chatModelId: opt(str), embeddingModelId: opt(str) })),
  openai: opt(obj({ chat: opt(openAiDeploymentShape), embedding: opt(openAiDeploymentShape) })),
  embeddingDimension: opt(int),
  milvus: opt(obj({ mode: opt(oneOf({ standalone: true, cluster: true })), version: opt(str), storageSize: opt(str), cpu: opt(str), memory: opt(str) })),
  documents: opt(obj({ raw: opt(str), processed: opt(str), embeddings: opt(str) })),
});
