/** Rules of the RAG platform beyond its shape. */
import {
  checkMetricsPath,
  isInt,
  isString,
  q,
  checkImage,
  checkQuantity,
  checkRange,
  checkWorkloadStorageAccount,
  CONTAINER_NAME,
  type Report,
} from '../../rules';
import type { Cloud, EnvironmentSpec } from '../../types';
import { REGIONS } from '../../catalog';
import { hasOwnKey } from '../../lookup';
import { checkBedrockModel, checkOpenAiModel, embeddingDimensions, type ModelFindings, type ModelKind } from '../../ai-models';
import { forCloud } from '../../cloud';
import type { RagLlmByCloud } from './spec';
import { DEFAULT_EMBEDDING_DIMENSION, DEFAULT_EMBEDDING_MODEL, resolveRagModels } from './resolve';
import { RAG_API_HEALTH_PATH } from './names';

/**
 * The LLM models an enabled RAG platform uses (its own or the defaults), judged by the model catalog for the
 * environment's region: `report` gets the errors, `warn` the warnings (legacy models), each at the model's field.
 */
export function checkRagModels(env: EnvironmentSpec, base: string, cloud: Cloud | undefined, report: Report, warn: Report): void {
  const rag = env.workloads?.rag;
  if (!rag || typeof rag !== 'object' || rag.enabled !== true || !isString(env.region)) return;
  // An unknown region is reported once, at region; no model is served there to check.
  if (cloud && !hasOwnKey(REGIONS[cloud], env.region)) return;
  const at = `${base}.workloads.rag`;
  const emit = (path: string, f: ModelFindings) => {
    for (const m of f.errors) report(path, m);
    for (const m of f.warnings) warn(path, m);
  };
  if (!cloud) return;
  // The models the stacks will use, defaults applied where they are (resolve.ts); the input is not yet checked, so each value is.
  const KINDS = ['chat', 'embedding'] as const satisfies readonly ModelKind[];
  forCloud<EnvironmentSpec, void>({ ...env, cloud } as EnvironmentSpec, {
    aws: (spec) => {
      const { bedrock } = resolveRagModels(spec, rag) as RagLlmByCloud['aws'];
      for (const kind of KINDS) {
        const id: unknown = bedrock[`${kind}ModelId`];
        if (isString(id)) emit(`${at}.bedrock.${kind}ModelId`, checkBedrockModel(id, kind, env.region as string));
      }
    },
    azure: (spec) => {
      const { openai } = resolveRagModels(spec, rag) as RagLlmByCloud['azure'];
      for (const kind of KINDS) {
        const d: Record<string, unknown> = openai[kind];
        if (isString(d.model) && isString(d.version) && isString(d.sku))
          emit(`${at}.openai.${kind}`, checkOpenAiModel(d.model, d.version, d.sku, kind, env.region as string));
      }
    },
  });
}

/** The workload's rules, where it is enabled: every problem reported with its path. */
export function validateRag(env: EnvironmentSpec, base: string, platformName: string, cloud: Cloud | undefined, report: Report): void {
  const rag = env.workloads?.rag;
  if (!rag || typeof rag !== 'object' || rag.enabled !== true) return;
  const at = `${base}.workloads.rag`;
  if (!rag.api) report(`${at}.api`, 'is required when rag is enabled (at least the RAG API image, pinned by tag or digest)');
  const api = rag.api ?? ({} as Partial<NonNullable<typeof rag.api>>);
  checkImage(env, api.image, `${at}.api.image`, cloud, report);
  checkRange(api.minReplicas, `${at}.api.minReplicas`, 1, 1000, report);
  checkRange(api.maxReplicas, `${at}.api.maxReplicas`, 1, 1000, report);
  if (isInt(api.minReplicas) && isInt(api.maxReplicas) && api.minReplicas > api.maxReplicas)
    report(`${at}.api.minReplicas`, `${api.minReplicas} is greater than maxReplicas ${api.maxReplicas}`);
  checkRange(api.targetCpuUtilization, `${at}.api.targetCpuUtilization`, 1, 100, report);
  checkRange(api.port, `${at}.api.port`, 1024, 65535, report);
  checkMetricsPath(api.metricsPath, RAG_API_HEALTH_PATH, `${at}.api.metricsPath`, report);
  checkQuantity(api.cpu, `${at}.api.cpu`, report);
  checkQuantity(api.memory, `${at}.api.memory`, report);

  if (rag.bedrock && cloud === 'azure') report(`${at}.bedrock`, 'is for AWS; on Azure set openai');
  if (rag.openai && cloud === 'aws') report(`${at}.openai`, 'is for Azure; on AWS set bedrock');
  for (const key of ['chatModelId', 'embeddingModelId'] as const) {
    const id = rag.bedrock?.[key];
    if (isString(id) && !/^[a-z0-9-]+\.[a-z0-9-.:]+$/.test(id))
      report(`${at}.bedrock.${key}`, `${q(id)} is not a Bedrock model id (e.g. amazon.titan-embed-text-v2:0)`);
  }
  for (const kind of ['chat', 'embedding'] as const) {
    const d = rag.openai?.[kind];
    if (!d) continue;
    if (isString(d.deployment) && !/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/.test(d.deployment))
      report(`${at}.openai.${kind}.deployment`, `${q(d.deployment)} must be 2–64 letters, digits, '.', '_' or '-'`);
    checkRange(d.capacity, `${at}.openai.${kind}.capacity`, 1, 10000, report);
  }
  // A model whose cloud is unknown is checked as Azure's (as before), so its other problems still show.
  const llmCloud = cloud ?? 'azure';
  const embeddingModel = { aws: rag.bedrock?.embeddingModelId, azure: rag.openai?.embedding?.model }[llmCloud] ?? DEFAULT_EMBEDDING_MODEL[llmCloud];
  const dimension = rag.embeddingDimension ?? DEFAULT_EMBEDDING_DIMENSION[llmCloud];
  const supported = isString(embeddingModel) ? embeddingDimensions(llmCloud, embeddingModel) : undefined;
  if (isInt(dimension) && supported && !supported.includes(dimension))
    report(`${at}.embeddingDimension`, `${dimension} is not a size ${embeddingModel} produces (${supported.join(', ')})`);
  checkRange(rag.embeddingDimension, `${at}.embeddingDimension`, 2, 32768, report);
  checkRagModels(env, base, cloud, report, () => undefined);

  const milvus = rag.milvus ?? {};
  if (isString(milvus.version) && !/^v\d+\.\d+\.\d+$/.test(milvus.version))
    report(`${at}.milvus.version`, `${q(milvus.version)} must be a pinned release such as v2.5.4`);
  checkQuantity(milvus.storageSize, `${at}.milvus.storageSize`, report);
  checkQuantity(milvus.cpu, `${at}.milvus.cpu`, report);
  checkQuantity(milvus.memory, `${at}.milvus.memory`, report);
  const seen = new Set<string>();
  for (const key of ['raw', 'processed', 'embeddings'] as const) {
    const v = rag.documents?.[key];
    if (!isString(v)) continue;
    if (!CONTAINER_NAME.test(v))
      report(`${at}.documents.${key}`, `${q(v)} must be 3–63 lowercase letters, digits and single hyphens (an S3 prefix and an ADLS container name)`);
    if (seen.has(v)) report(`${at}.documents.${key}`, `${q(v)} is used twice`);
    seen.add(v);
  }
  // The gateway serves the model servers too: it moved to the cluster.
  if ('gatewayNamespace' in rag) report(`${at}.gatewayNamespace`, 'has moved to cluster.gatewayNamespace (the ingress gateway serves every workload)');
  checkWorkloadStorageAccount(env, at, platformName, 'rag', cloud, report);
}
