/**
 * Every name the platform gives a cloud or Kubernetes resource is derived here, once, from the
 * model, so Terraform and Kubernetes agree without cross-stack references and a rename happens
 * only when the model changes.
 */
import type { Cloud, CloudPart, Environment, KedaInstall, MedallionLayer, Platform, Stage, WorkloadName } from './types';
import { WORKLOAD_NAMES } from './types';
import { forCloud } from './cloud';
import { hasWorkload } from './workloads';

/** Letters and digits only, lowercased: for names that allow nothing else (ACR, storage accounts). */
export function alphanumeric(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The prefix of an environment's resource names, e.g. `acme-aws-prod`. */
export function environmentPrefix(platformName: string, environmentName: string): string {
  return `${platformName}-${environmentName}`;
}

/** ACR names allow letters and digits only. */
export function containerRegistryName(platformName: string, environmentName: string): string {
  return `acr${alphanumeric(platformName)}${alphanumeric(environmentName)}`;
}

/** What a workload adds to its storage account name: its name, `lake` for the lakehouse (24 characters go fast). */
const STORAGE_ACCOUNT_SUFFIX: Readonly<Record<WorkloadName, string>> = { edw: 'edw', rag: 'rag', mlops: 'mlops', lakehouse: 'lake' };

/** Storage account of a workload: `st<platform><env><suffix>`, at most 24 characters (validated). */
export function workloadStorageAccountName(platformName: string, environmentName: string, workload: WorkloadName): string {
  return `st${alphanumeric(platformName)}${alphanumeric(environmentName)}${STORAGE_ACCOUNT_SUFFIX[workload]}`;
}

export function defaultAwsStateBucket(platformName: string, accountId: string, region: string): string {
  return `${platformName}-tfstate-${accountId}-${region}`;
}

export function defaultAzureStateResourceGroup(platformName: string): string {
  return `rg-${platformName}-tfstate`;
}

export function defaultAzureStateStorageAccount(platformName: string, stage: Stage): string {
  return `${alphanumeric(platformName)}tfstate${stage}`;
}

/** Terraform state key of one stack of one environment. */
export function stateKey(environmentName: string, stack: string): string {
  return `${environmentName}/${stack}.tfstate`;
}

export const PLATFORM_NAMESPACE = 'platform-system';
export const KARPENTER_NAMESPACE = 'kube-system';
export const KARPENTER_SERVICE_ACCOUNT = 'karpenter';
export const EBS_CSI_NAMESPACE = 'kube-system';
export const EBS_CSI_SERVICE_ACCOUNT = 'ebs-csi-controller-sa';

/** KEDA's operator: its service account, and its namespace per install (the AKS add-on runs in kube-system). */
export const KEDA_SERVICE_ACCOUNT = 'keda-operator';
export function kedaNamespace(install: KedaInstall): string {
  return install === 'aks-addon' ? 'kube-system' : 'keda';
}

/** `system:serviceaccount:<ns>:<name>`: the subject a cloud identity trusts. */
export function serviceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** Namespace a workload's pods run in. */
export function workloadNamespace(workload: WorkloadName): string {
  return workload;
}

export interface AwsNames {
  readonly clusterName: string;
  readonly vpcName: string;
  readonly clusterRoleName: string;
  readonly nodeRoleName: string;
  readonly karpenterNodeRoleName: string;
  readonly karpenterControllerRoleName: string;
  readonly karpenterInterruptionQueueName: string;
  readonly ebsCsiRoleName: string;
  /** KEDA operator's own role (Pod Identity); it assumes each workload's scaler role. */
  readonly kedaOperatorRoleName: string;
  readonly flowLogRoleName: string;
  readonly flowLogGroupName: string;
  /** Fixed by EKS: the cluster writes its control-plane logs here. */
  readonly clusterLogGroupName: string;
  readonly clusterKmsAlias: string;
  readonly ecrKmsAlias: string;
  readonly logsKmsAlias: string;
  /** Repository name per model repository. */
  readonly ecrRepositories: Readonly<Record<string, string>>;
  readonly roleArn: (roleName: string) => string;
}

export interface AzureNames {
  readonly resourceGroupName: string;
  readonly nodeResourceGroupName: string;
  readonly vnetName: string;
  readonly natGatewayName: string;
  readonly natPublicIpName: string;
  readonly clusterName: string;
  readonly dnsPrefix: string;
  readonly clusterIdentityName: string;
  readonly logAnalyticsName: string;
  readonly containerRegistryName: string;
  readonly subnetNames: { readonly system: string; readonly user: string; readonly endpoints: string };
}

/** The stack of the network and cluster layers, on every cloud (state key `<env>/platform.tfstate`). */
export const PLATFORM_STACK = 'platform';

/** Terraform outputs of the `edw` stack that the Kubernetes side reads (Azure: client ids only Entra ID assigns). */
export const EDW_STACK = 'edw';
export const EDW_OUTPUTS = {
  consumerClientId: 'edw_consumer_client_id',
  producerClientId: 'edw_producer_client_id',
  scalerClientId: 'edw_scaler_client_id',
} as const;

/**
 * How a pod gets its AWS role: EKS Pod Identity (the default) or IRSA (web identity). One constant
 * per service account (`*_AWS_IDENTITY`), read by both the stack (trust policy, association) and
 * the chart (service account annotation).
 */
export type AwsIdentityMechanism = 'pod-identity' | 'irsa';

/** The EDW consumer and producer: Pod Identity, the default. */
export const EDW_CONSUMER_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';
export const EDW_PRODUCER_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';

/**
 * Milvus on AWS uses IRSA: its S3 client (minio-go) does not take EKS Pod Identity credentials
 * (milvus-io/milvus#42547, open), so the query node asks for an access key at start-up.
 */
export const MILVUS_AWS_IDENTITY: AwsIdentityMechanism = 'irsa';
/** The RAG API: Pod Identity, the default. */
export const RAG_API_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';

/** Terraform outputs of the `rag` stack that the Kubernetes side reads (Azure client ids). */
export const RAG_STACK = 'rag';
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
  /** Foundation-model ARNs the API may invoke: chat and embedding. */
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

/** Terraform outputs of the `mlops` stack the Kubernetes side reads: values only the cloud assigns. */
export const MLOPS_STACK = 'mlops';
export const MLOPS_OUTPUTS = {
  /** AWS: RDS endpoint host and the ARN of the master-user secret RDS manages in Secrets Manager. */
  dbHost: 'mlflow_db_host',
  dbSecretArn: 'mlflow_db_secret_arn',
  /** Azure: client ids of the user-assigned identities. */
  mlflowClientId: 'mlflow_client_id',
  trainingClientId: 'training_client_id',
  servingClientId: (model: string) => `serve_${model.replace(/-/g, '_')}_client_id`,
} as const;

/**
 * MLflow on AWS uses IRSA: External Secrets' SecretStore authenticates as MLflow's service
 * account with a web-identity token (jwt auth), which EKS Pod Identity does not provide. Model
 * servers use IRSA too: the KServe storage initializer and Seldon's are documented with it.
 */
export const MLFLOW_AWS_IDENTITY: AwsIdentityMechanism = 'irsa';
export const SERVING_AWS_IDENTITY: AwsIdentityMechanism = 'irsa';
/** Training jobs: Pod Identity, the default. */
export const TRAINING_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';

interface MlopsNamesOf {
  readonly namespace: string;
  readonly mlflow: string;
  readonly mlflowServiceAccount: string;
  /** The tracking URI every job and server uses. */
  readonly trackingUri: string;
  readonly trainingServiceAccount: string;
  /** Service account of a served model (its KServe and Seldon objects). */
  readonly servingServiceAccount: (model: string) => string;
  /** `--default-artifact-root` of MLflow. */
  readonly artifactRoot: string;
  /** Where a served model's files are: the model path under the models/ prefix or container. */
  readonly modelUri: (path: string) => string;
  readonly database: { readonly name: string; readonly user: string };
}

export interface MlopsAwsNames {
  readonly artifactsBucket: string;
  readonly dbIdentifier: string;
  readonly mlflowRoleName: string;
  readonly trainingRoleName: string;
  readonly servingRoleName: (model: string) => string;
  readonly sagemakerExecutionRoleName: string;
  readonly ackSagemakerRoleName: string;
  readonly ackNamespace: string;
  readonly ackServiceAccount: string;
  readonly kmsAlias: string;
}

export interface MlopsAzureNames {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly postgresServerName: string;
  /** Derivable: `<server>.postgres.database.azure.com`. */
  readonly postgresHost: string;
  readonly keyVaultName: string;
  readonly keyVaultUrl: string;
  /** Name of the Key Vault secret holding MLflow's database password. */
  readonly dbPasswordSecret: string;
  readonly mlWorkspaceName: string;
  readonly mlflowIdentityName: string;
  readonly trainingIdentityName: string;
  readonly servingIdentityName: (model: string) => string;
}

export type MlopsNames<C extends Cloud = Cloud> = MlopsNamesOf & CloudPart<C, { aws: MlopsAwsNames; azure: MlopsAzureNames }>;

/** Terraform outputs of the `lakehouse` stack the Kubernetes side reads (Azure: the Spark identity's client id). */
export const LAKEHOUSE_STACK = 'lakehouse';
export const LAKEHOUSE_OUTPUTS = { sparkClientId: 'lakehouse_spark_client_id' } as const;

/**
 * Spark on AWS uses IRSA: S3A's WebIdentityTokenCredentialsProvider and the AWS SDK's default chain
 * (Iceberg's S3FileIO and Glue client) read the web-identity token the IRSA webhook projects into
 * drivers and executors alike.
 */
export const LAKEHOUSE_AWS_IDENTITY: AwsIdentityMechanism = 'irsa';

interface LakehouseNamesOf {
  readonly namespace: string;
  /** Drivers and executors run as this service account (the one bound to the cloud identity). */
  readonly sparkServiceAccount: string;
  /** Role and RoleBinding that let the driver manage its executors. */
  readonly driverRole: string;
  /** Where each enabled layer's data lives: `s3://<bucket>/<layer>/` or `abfss://<layer>@<account>.dfs.core.windows.net/`. */
  readonly layerUris: Readonly<Partial<Record<MedallionLayer, string>>>;
}

export interface LakehouseAwsNames {
  readonly bucket: string;
  /** The Iceberg catalog's warehouse: the bucket's root (each database has its layer's location). */
  readonly warehouse: string;
  /** Glue database per layer: named as the layer. */
  readonly glueDatabases: Readonly<Partial<Record<MedallionLayer, string>>>;
  readonly sparkRoleName: string;
  readonly kmsAlias: string;
}

export interface LakehouseAzureNames {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  /** `<account>.dfs.core.windows.net`: the ABFS host, and the suffix of its per-account Hadoop keys. */
  readonly dfsHost: string;
  /** ADLS Gen2 filesystem (container) per layer: named as the layer. */
  readonly filesystems: Readonly<Partial<Record<MedallionLayer, string>>>;
  readonly sparkIdentityName: string;
  readonly purviewAccountName: string;
}

export type LakehouseNames<C extends Cloud = Cloud> = LakehouseNamesOf & CloudPart<C, { aws: LakehouseAwsNames; azure: LakehouseAzureNames }>;

interface EdwNamesOf {
  readonly namespace: string;
  /** Deployment and service account of the consumers. */
  readonly consumer: string;
  /** Job/CronJob and service account of the producer. */
  readonly producer: string;
  /** Where the KEDA operator runs, whose identity reads the queue length. */
  readonly keda: { readonly namespace: string; readonly serviceAccount: string };
}

export interface EdwAwsNames {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly tableName: string;
  readonly tableArn: string;
  readonly consumerRoleName: string;
  readonly producerRoleName: string;
  /** Assumed by the KEDA operator to read the queue length of this workload only. */
  readonly scalerRoleName: string;
  readonly kmsAlias: string;
}

export interface EdwAzureNames {
  readonly storageAccountName: string;
  readonly queueName: string;
  readonly tableName: string;
  readonly consumerIdentityName: string;
  readonly producerIdentityName: string;
  readonly scalerIdentityName: string;
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
}

export type EdwNames<C extends Cloud = Cloud> = EdwNamesOf & CloudPart<C, { aws: EdwAwsNames; azure: EdwAzureNames }>;

interface EnvironmentNamesOf<C extends Cloud> {
  readonly prefix: string;
  readonly cloud: C;
  /** Present when the event-driven workload is enabled. */
  readonly edw?: EdwNames<C>;
  /** Present when the RAG platform is enabled. */
  readonly rag?: RagNames<C>;
  /** Present when the MLOps platform is enabled. */
  readonly mlops?: MlopsNames<C>;
  /** Present when the lakehouse is enabled. */
  readonly lakehouse?: LakehouseNames<C>;
  /** Namespaces the platform creates: its own and one per enabled workload. */
  readonly namespaces: readonly string[];
}

/** Names that cross between Terraform and Kubernetes, or that both sides read; discriminated by `cloud`. */
export type EnvironmentNames<C extends Cloud = Cloud> = C extends Cloud ? EnvironmentNamesOf<C> & CloudPart<C, { aws: AwsNames; azure: AzureNames }> : never;

function edwNames(platformName: string, env: Environment, prefix: string): EdwNames | undefined {
  if (!hasWorkload(env, 'edw')) return undefined;
  const keda = { namespace: kedaNamespace(env.edw.keda), serviceAccount: KEDA_SERVICE_ACCOUNT };
  const base = { namespace: workloadNamespace('edw'), consumer: 'edw-consumer', producer: 'edw-producer', keda };
  const part = forCloud<typeof env, CloudPart<Cloud, { aws: EdwAwsNames; azure: EdwAzureNames }>>(env, {
    aws: (env) => {
      const account = env.aws.accountId;
      // FIFO queue names must end in .fifo, and a FIFO queue's dead-letter queue must be FIFO too.
      const suffix = env.edw.queue.fifo ? '.fifo' : '';
      const queueName = `${prefix}-edw${suffix}`;
      const tableName = `${prefix}-edw-messages`;
      return {
        aws: {
          queueName,
          deadLetterQueueName: `${prefix}-edw-dlq${suffix}`,
          queueUrl: `https://sqs.${env.region}.amazonaws.com/${account}/${queueName}`,
          queueArn: `arn:aws:sqs:${env.region}:${account}:${queueName}`,
          tableName,
          tableArn: `arn:aws:dynamodb:${env.region}:${account}:table/${tableName}`,
          consumerRoleName: `${prefix}-edw-consumer`,
          producerRoleName: `${prefix}-edw-producer`,
          scalerRoleName: `${prefix}-keda-edw`,
          kmsAlias: `alias/${prefix}-edw`,
        },
      };
    },
    azure: (env) => {
      const storageAccountName = workloadStorageAccountName(platformName, env.name, 'edw');
      return {
        azure: {
          storageAccountName,
          queueName: 'edw-messages',
          tableName: 'edwmessages',
          consumerIdentityName: `id-${prefix}-edw-consumer`,
          producerIdentityName: `id-${prefix}-edw-producer`,
          scalerIdentityName: `id-${prefix}-edw-keda`,
          queueEndpoint: `https://${storageAccountName}.queue.core.windows.net`,
          tableEndpoint: `https://${storageAccountName}.table.core.windows.net`,
        },
      };
    },
  });
  return { ...base, ...part };
}

function ragNames(platformName: string, env: Environment, prefix: string): RagNames | undefined {
  if (!hasWorkload(env, 'rag')) return undefined;
  const namespace = workloadNamespace('rag');
  const milvus = 'milvus';
  const base = { namespace, api: 'rag-api', milvus, milvusServiceAccount: 'milvus', milvusAddress: `${milvus}-milvus.${namespace}.svc.cluster.local:19530` };
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
          modelArns: [bedrock.chatModelId, bedrock.embeddingModelId].map((id) => `arn:aws:bedrock:${env.region}::foundation-model/${id}`),
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

/** Key Vault names: 3–24 letters, digits and hyphens; `kv<platform><env><suffix>` (validated). */
export function keyVaultName(platformName: string, environmentName: string, suffix: string): string {
  return `kv${alphanumeric(platformName)}${alphanumeric(environmentName)}${suffix}`;
}

function mlopsNames(platformName: string, env: Environment, prefix: string): MlopsNames | undefined {
  if (!hasWorkload(env, 'mlops')) return undefined;
  const namespace = workloadNamespace('mlops');
  const base = {
    namespace,
    mlflow: 'mlflow',
    mlflowServiceAccount: 'mlflow',
    trackingUri: `http://mlflow.${namespace}.svc.cluster.local:5000`,
    trainingServiceAccount: 'training',
    servingServiceAccount: (model: string) => `serve-${model}`,
    database: { name: 'mlflow', user: 'mlflow' },
  };
  const part = forCloud<typeof env, CloudPart<Cloud, { aws: MlopsAwsNames; azure: MlopsAzureNames }> & Pick<MlopsNamesOf, 'artifactRoot' | 'modelUri'>>(env, {
    aws: (env) => {
      const artifactsBucket = `${prefix}-mlops-artifacts-${env.aws.accountId}`;
      return {
        artifactRoot: `s3://${artifactsBucket}/mlflow`,
        modelUri: (path: string) => `s3://${artifactsBucket}/models/${path}`,
        aws: {
          artifactsBucket,
          dbIdentifier: `${prefix}-mlflow`,
          mlflowRoleName: `${prefix}-mlflow`,
          trainingRoleName: `${prefix}-mlops-training`,
          servingRoleName: (model: string) => `${prefix}-serve-${model}`,
          sagemakerExecutionRoleName: `${prefix}-sagemaker-execution`,
          ackSagemakerRoleName: `${prefix}-ack-sagemaker`,
          ackNamespace: 'ack-system',
          ackServiceAccount: 'ack-sagemaker-controller',
          kmsAlias: `alias/${prefix}-mlops`,
        },
      };
    },
    azure: (env) => {
      const storageAccountName = workloadStorageAccountName(platformName, env.name, 'mlops');
      const postgresServerName = `psql-${prefix}-mlflow`;
      const kv = keyVaultName(platformName, env.name, 'ml');
      return {
        artifactRoot: `wasbs://mlflow@${storageAccountName}.blob.core.windows.net/`,
        modelUri: (path: string) => `https://${storageAccountName}.blob.core.windows.net/models/${path}`,
        azure: {
          resourceGroupName: `rg-${prefix}-mlops`,
          storageAccountName,
          postgresServerName,
          postgresHost: `${postgresServerName}.postgres.database.azure.com`,
          keyVaultName: kv,
          keyVaultUrl: `https://${kv}.vault.azure.net/`,
          dbPasswordSecret: 'mlflow-db-password',
          mlWorkspaceName: `mlw-${prefix}`,
          mlflowIdentityName: `id-${prefix}-mlflow`,
          trainingIdentityName: `id-${prefix}-mlops-training`,
          servingIdentityName: (model: string) => `id-${prefix}-serve-${model}`,
        },
      };
    },
  });
  return { ...base, ...part };
}

/** The lakehouse bucket: one per environment, a prefix per layer. */
export function lakehouseBucketName(prefix: string, accountId: string): string {
  return `${prefix}-lakehouse-${accountId}`;
}

function lakehouseNames(platformName: string, env: Environment, prefix: string): LakehouseNames | undefined {
  if (!hasWorkload(env, 'lakehouse')) return undefined;
  const { layers } = env.lakehouse;
  const byLayer = (value: (layer: MedallionLayer) => string) => Object.fromEntries(layers.map((l) => [l, value(l)])) as Partial<Record<MedallionLayer, string>>;
  const base = { namespace: workloadNamespace('lakehouse'), sparkServiceAccount: 'spark', driverRole: 'spark-driver' };
  const part = forCloud<typeof env, CloudPart<Cloud, { aws: LakehouseAwsNames; azure: LakehouseAzureNames }> & Pick<LakehouseNamesOf, 'layerUris'>>(env, {
    aws: (env) => {
      const bucket = lakehouseBucketName(prefix, env.aws.accountId);
      return {
        layerUris: byLayer((l) => `s3://${bucket}/${l}/`),
        aws: {
          bucket,
          warehouse: `s3://${bucket}/`,
          glueDatabases: byLayer((l) => l),
          sparkRoleName: `${prefix}-lakehouse-spark`,
          kmsAlias: `alias/${prefix}-lakehouse`,
        },
      };
    },
    azure: (env) => {
      const storageAccountName = workloadStorageAccountName(platformName, env.name, 'lakehouse');
      const dfsHost = `${storageAccountName}.dfs.core.windows.net`;
      return {
        layerUris: byLayer((l) => `abfss://${l}@${dfsHost}/`),
        azure: {
          resourceGroupName: `rg-${prefix}-lakehouse`,
          storageAccountName,
          dfsHost,
          filesystems: byLayer((l) => l),
          sparkIdentityName: `id-${prefix}-lakehouse-spark`,
          purviewAccountName: `pview-${prefix}`,
        },
      };
    },
  });
  return { ...base, ...part };
}

export function namesFor<C extends Cloud>(platform: Pick<Platform, 'name'>, env: Environment<C>): EnvironmentNames<C> {
  const prefix = environmentPrefix(platform.name, env.name);
  const edw = edwNames(platform.name, env, prefix);
  const rag = ragNames(platform.name, env, prefix);
  const mlops = mlopsNames(platform.name, env, prefix);
  const lakehouse = lakehouseNames(platform.name, env, prefix);
  const namespaces = [PLATFORM_NAMESPACE, ...WORKLOAD_NAMES.filter((w) => env.workloads[w]).map(workloadNamespace)];
  const part = forCloud<typeof env, CloudPart<Cloud, { aws: AwsNames; azure: AzureNames }> & { cloud: Cloud }>(env, {
    aws: (env) => {
      const accountId = env.aws.accountId;
      const ecrRepositories: Record<string, string> = {};
      for (const repo of env.cluster.repositories) ecrRepositories[repo] = `${platform.name}/${env.name}/${repo}`;
      return {
        cloud: 'aws',
        aws: {
          clusterName: prefix,
          vpcName: prefix,
          clusterRoleName: `${prefix}-eks-cluster`,
          nodeRoleName: `${prefix}-eks-node`,
          karpenterNodeRoleName: `${prefix}-karpenter-node`,
          karpenterControllerRoleName: `${prefix}-karpenter`,
          karpenterInterruptionQueueName: `${prefix}-karpenter`,
          ebsCsiRoleName: `${prefix}-ebs-csi`,
          kedaOperatorRoleName: `${prefix}-keda-operator`,
          flowLogRoleName: `${prefix}-flow-logs`,
          flowLogGroupName: `/aws/vpc/${prefix}/flow-logs`,
          clusterLogGroupName: `/aws/eks/${prefix}/cluster`,
          clusterKmsAlias: `alias/${prefix}-eks`,
          ecrKmsAlias: `alias/${prefix}-ecr`,
          logsKmsAlias: `alias/${prefix}-logs`,
          ecrRepositories,
          roleArn: (roleName: string) => `arn:aws:iam::${accountId}:role/${roleName}`,
        },
      };
    },
    azure: () => {
      return {
        cloud: 'azure',
        azure: {
          resourceGroupName: `rg-${prefix}`,
          nodeResourceGroupName: `rg-${prefix}-aks-nodes`,
          vnetName: `vnet-${prefix}`,
          natGatewayName: `ng-${prefix}`,
          natPublicIpName: `pip-${prefix}-nat`,
          clusterName: `aks-${prefix}`,
          dnsPrefix: prefix,
          clusterIdentityName: `id-${prefix}-aks`,
          logAnalyticsName: `log-${prefix}`,
          containerRegistryName: containerRegistryName(platform.name, env.name),
          subnetNames: { system: 'snet-system', user: 'snet-user', endpoints: 'snet-endpoints' },
        },
      };
    },
  });
  // The workload names were derived from this environment, so they are of its cloud: the parts agree.
  return { prefix, namespaces, edw, rag, mlops, lakehouse, ...part } as EnvironmentNames as EnvironmentNames<C>;
}
