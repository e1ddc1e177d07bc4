/** The names of the RAG platform's resources, derived once from the model. */
import { bedrockInvokeArns } from '../../ai-models';
import { forCloud } from '../../cloud';
import { workloadNamespace, workloadStorageAccountName } from '../../naming';
import type { Cloud, CloudPart, Environment } from '../../types';
import type { WithWorkloads } from '../enabled';

/** Terraform outputs of the `rag` stack that the Kubernetes side reads (Azure client ids). */
export const RAG_STACK = 'rag';
/** The RAG API's health endpoint (its probes; a metrics path must differ). */
export const RAG_API_HEALTH_PATH = '/healthz';
export const RAG_OUTPUTS = {
  apiClientId: 'rag_api_client_id',
  milvusClientId: 'rag_milvus_client_id',
} as const;

interface RagNamesOf {
  readonly namespace: string;
  /** Deployment, Service and service account of the API. */
  readonly api: string;
  /** The Milvus resource; the operator names its service `<milvus>-milvus`. */
  readonly milvus: string;
  readonly milvusServiceAccount: string;
  /** `host:port` of Milvus inside the cluster. */
  readonly milvusAddress: string;
}

export interface RagAwsNames {
  readonly documentsBucket: string;
  readonly milvusBucket: string;
  readonly apiRoleName: string;
  readonly milvusRoleName: string;
  readonly glueRoleName: string;
  readonly glueDatabase: string;
  readonly glueCrawler: string;
  readonly kmsAlias: string;
  /** What the API may invoke: each model's foundation-model ARN, or its inference profile's ARN and the foundation model in every destination region. */
  readonly modelArns: readonly string[];
}

export interface RagAzureNames {
  readonly resourceGroupName: string;
  readonly openaiAccountName: string;
  /** The custom subdomain; the endpoint is https://<subdomain>.openai.azure.com/. */
  readonly openaiEndpoint: string;
  readonly storageAccountName: string;
  /** Blob (ADLS Gen2) endpoint of the storage account. */
  readonly blobEndpoint: string;
  readonly milvusContainer: string;
  readonly dataFactoryName: string;
  readonly apiIdentityName: string;
  readonly milvusIdentityName: string;
}

export type RagNames<C extends Cloud = Cloud> = RagNamesOf & CloudPart<C, { aws: RagAwsNames; azure: RagAzureNames }>;

/** The Milvus resource (the operator names its Deployments `<milvus>-milvus-<component>`) and the API's Deployment. */
export const MILVUS_INSTANCE = 'milvus';
export const RAG_API = 'rag-api';

/** The names of the workload's resources on the environment's cloud. */
export function ragNames(platformName: string, env: WithWorkloads<Environment, 'rag'>, prefix: string): RagNames {
  const namespace = workloadNamespace('rag');
  const milvus = MILVUS_INSTANCE;
  const base = { namespace, api: RAG_API, milvus, milvusServiceAccount: 'milvus', milvusAddress: `${milvus}-milvus.${namespace}.svc.cluster.local:19530` };
  const part = forCloud<typeof env, CloudPart<Cloud, { aws: RagAwsNames; azure: RagAzureNames }>>(env, {
    aws: (env) => {
      const account = env.aws.accountId;
      const bedrock = env.rag.bedrock;
      return {
        aws: {
          documentsBucket: `${prefix}-rag-documents-${account}`,
          milvusBucket: `${prefix}-rag-milvus-${account}`,
          apiRoleName: `${prefix}-rag-api`,
          milvusRoleName: `${prefix}-rag-milvus`,
          glueRoleName: `${prefix}-rag-glue`,
          // Glue database names: lowercase letters, digits and underscores.
          glueDatabase: `${prefix.replace(/-/g, '_')}_rag_documents`,
          glueCrawler: `${prefix}-rag-raw-documents`,
          kmsAlias: `alias/${prefix}-rag`,
          modelArns: [bedrock.chatModelId, bedrock.embeddingModelId].flatMap((id) => bedrockInvokeArns(id, env.region, account)),
        },
      };
    },
    azure: (env) => {
      const storageAccountName = workloadStorageAccountName(platformName, env.name, 'rag');
      const openaiAccountName = `oai-${prefix}`;
      return {
        azure: {
          resourceGroupName: `rg-${prefix}-rag`,
          openaiAccountName,
          openaiEndpoint: `https://${openaiAccountName}.openai.azure.com/`,
          storageAccountName,
          blobEndpoint: `https://${storageAccountName}.blob.core.windows.net`,
          milvusContainer: 'milvus',
          dataFactoryName: `adf-${prefix}`,
          apiIdentityName: `id-${prefix}-rag-api`,
          milvusIdentityName: `id-${prefix}-rag-milvus`,
        },
      };
    },
  });
  return { ...base, ...part };
}
