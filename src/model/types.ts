/**
 * The platform model: what a user writes (the *Spec types, many fields optional) and what the
 * stacks and charts read (the resolved types, every default applied). Plain TypeScript only:
 * nothing here may import cdktf or cdk8s.
 */

export type Cloud = 'aws' | 'azure';
export type Stage = 'dev' | 'prod';
export type CapacityType = 'spot' | 'on-demand';
export type WorkloadName = 'rag' | 'mlops' | 'lakehouse' | 'edw';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['edw', 'rag', 'mlops', 'lakehouse'];

/** The whole model as a user writes it (src/platform.ts or a YAML overlay). */
export interface PlatformSpec {
  /** Short prefix of every resource name: lowercase letters and digits, starting with a letter, 2–8 characters. */
  name: string;
  /** One entry per cloud + stage + region. */
  environments: EnvironmentSpec[];
}

/** One environment as a user writes it: cloud `C` (by default either, discriminated by `cloud`) and its account block. */
export type EnvironmentSpec<C extends Cloud = Cloud> = C extends Cloud ? EnvironmentSpecOf<C> & CloudPartSpec<C> : never;

/** The account block of each cloud: `aws` (required when `cloud` is `aws`) or `azure` (required when it is `azure`). */
type CloudPartSpec<C extends Cloud> = { [K in C]: { [P in K]: { aws: AwsAccountSpec; azure: AzureAccountSpec }[K] } & { [P in Exclude<Cloud, K>]?: never } }[C];

interface EnvironmentSpecOf<C extends Cloud> {
  /** DNS-1123 label, unique, at most 20 characters; becomes part of every resource name (e.g. `aws-prod`). */
  name: string;
  cloud: C;
  stage: Stage;
  /** Cloud region, e.g. `eu-west-1` (AWS) or `westeurope` (Azure). */
  region: string;
  network: NetworkSpec;
  cluster: ClusterSpec;
  /** Extra tags on every resource; `project`, `environment` and `managed-by` are always set. */
  tags?: Record<string, string>;
  /** Workloads switched on in this environment. Default: none. */
  workloads?: WorkloadsSpec;
  /** How a GitOps agent in the cluster applies this environment's output. Default: no GitOps objects. */
  gitops?: GitopsSpec;
  /** Policy rules waived for one resource each, with the reason a reviewer accepted. Default: none. */
  waivers?: WaiverSpec[];
}

export type GitopsTool = 'argocd' | 'flux';

export interface GitopsSpec {
  /** Argo CD (Applications, an AppProject, a root app-of-apps) or Flux (GitRepository, Kustomizations, HelmReleases). */
  tool: GitopsTool;
  /** The Git repository the committed `dist/` lives in (https:// or ssh). */
  repoUrl: string;
  /** Default: `main`. */
  branch?: string;
  /** Where `dist/` is in that repository, relative to its root. Default: `dist`. */
  basePath?: string;
  /** Sync on every change without a manual step. Default: true. */
  automated?: boolean;
  /** Delete what was removed from `dist/`. Default: true. */
  prune?: boolean;
  /** Argo CD: undo changes made in the cluster by hand. Default: true (Flux always does). */
  selfHeal?: boolean;
}

export interface WaiverSpec {
  /** Policy rule id, e.g. `k8s-read-only-root-filesystem` (`npm run validate -- --rules` lists them). */
  rule: string;
  /** The one resource, as the validate report names it: `aws_s3_bucket.logs`, `Deployment edw/consumer`. */
  resource: string;
  /** Why this resource may break the rule: at least 20 characters, kept in the report. */
  reason: string;
}

export interface AwsAccountSpec {
  /** 12-digit AWS account id. */
  accountId: string;
  /** IAM principals (role or user ARNs in this account) given cluster admin through EKS access entries. Default: none. */
  clusterAdminArns?: string[];
  /** S3 bucket for Terraform state. Default: `<platform>-tfstate-<accountId>-<region>`. */
  stateBucket?: string;
}

export interface AzureAccountSpec {
  /** Subscription id (GUID). */
  subscriptionId: string;
  /** Entra ID tenant id (GUID). */
  tenantId: string;
  /** Entra ID group object ids given cluster admin through Azure RBAC. Default: none. */
  adminGroupObjectIds?: string[];
  /** Where Terraform state lives (an existing storage account). Defaults are derived from the names. */
  state?: AzureStateSpec;
}

export interface AzureStateSpec {
  /** Default: `rg-<platform>-tfstate`. */
  resourceGroup?: string;
  /** 3–24 lowercase letters and digits. Default: `<platform>tfstate<stage>`. */
  storageAccount?: string;
  /** Default: `tfstate`. */
  container?: string;
}

export interface NetworkSpec {
  /** VPC / VNet address space, an IPv4 CIDR from /16 to /22; must not overlap other environments. */
  cidr: string;
  /** Availability zones used by subnets and node pools. Default: 2 in dev, 3 in prod. */
  zones?: number;
  /** Kubernetes service CIDR. Default: `172.20.0.0/16`. */
  serviceCidr?: string;
  /** Pod CIDR of Azure CNI overlay (AKS only). Default: `192.168.0.0/16`. */
  podCidr?: string;
  /** Who may reach a public API server (dev only; prod is always private). Default: none (private only). */
  apiAllowedCidrs?: string[];
}

export interface ClusterSpec {
  /** Kubernetes minor version, e.g. `1.33`. */
  kubernetesVersion: string;
  /** Private API server. Default: true in prod, false in dev. Prod must stay private. */
  privateApi?: boolean;
  /** On-demand pool that runs cluster add-ons and operators. */
  systemPool: NodePoolSpec;
  /** GPU node pools, tainted `nvidia.com/gpu=true:NoSchedule`. Default: none. */
  gpuPools?: GpuPoolSpec[];
  /** CPU pools on Spot capacity for interruptible work. Default: none. */
  spotPools?: NamedPoolSpec[];
  /** Container image repositories (ECR repositories; on Azure, ACR holds any repository). Default: none. */
  repositories?: string[];
  /** Pinned EKS add-on versions (AWS only); defaults come from the catalog for the Kubernetes version. */
  addons?: Partial<Record<EksAddonName, string>>;
  /** Karpenter node settings (AWS only). */
  karpenter?: KarpenterSpec;
}

export interface NodePoolSpec {
  /** Instance types (AWS) or VM sizes (Azure). An AKS pool takes exactly one. */
  sizes: string[];
  min: number;
  max: number;
}

export interface NamedPoolSpec extends NodePoolSpec {
  /** Lowercase letters and digits, starting with a letter, at most 12 characters (the AKS limit). */
  name: string;
}

export interface GpuPoolSpec extends NamedPoolSpec {
  capacity: CapacityType;
  /** AWS only: a managed node group, or a Karpenter NodePool. Default: `node-group`. */
  provisioner?: 'node-group' | 'karpenter';
}

export interface KarpenterSpec {
  /** Pinned AMI alias for EC2NodeClass. Default: the catalog's. */
  amiAlias?: string;
}

export type EksAddonName = 'vpc-cni' | 'coredns' | 'kube-proxy' | 'aws-ebs-csi-driver' | 'eks-pod-identity-agent';

export interface WorkloadToggle {
  enabled: boolean;
}

export interface WorkloadsSpec {
  rag?: RagSpec;
  mlops?: MlopsSpec;
  lakehouse?: LakehouseSpec;
  edw?: EdwSpec;
}

/** Retrieval-augmented generation: Milvus in the cluster, the LLM service over private networking. */
export interface RagSpec extends WorkloadToggle {
  /** The RAG API. Required when enabled. */
  api?: RagApiSpec;
  /** AWS: Bedrock model ids. Default: Claude 3.5 Sonnet and Titan Text Embeddings v2. */
  bedrock?: { chatModelId?: string; embeddingModelId?: string };
  /** Azure: Azure OpenAI deployments. Default: gpt-4o (DataZoneStandard) and text-embedding-3-small. */
  openai?: { chat?: OpenAiDeploymentSpec; embedding?: OpenAiDeploymentSpec };
  /** Dimension of the embedding vectors (must match the embedding model). Default: 1024 on AWS (Titan v2), 1536 on Azure. */
  embeddingDimension?: number;
  milvus?: MilvusSpec;
  /** Document layout: S3 prefixes (AWS) or ADLS containers (Azure). Default: raw, processed, embeddings. */
  documents?: { raw?: string; processed?: string; embeddings?: string };
  /** The only namespace allowed to call the RAG API (an ingress gateway's). Default: `ingress`. */
  gatewayNamespace?: string;
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
  /** Default: DataZoneStandard for chat (data stays in the region's data zone), Standard for embeddings. */
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

/** Hybrid MLOps: GPU training (in cluster or burst), MLflow tracking, KServe and Seldon serving. */
export interface MlopsSpec extends WorkloadToggle {
  /** The MLflow tracking server. Required when enabled. */
  mlflow?: { image: string; cpu?: string; memory?: string; replicas?: number };
  /** MLflow's PostgreSQL. */
  database?: {
    /** AWS RDS instance class. Default: db.t4g.medium (prod db.r6g.large). */
    instanceClass?: string;
    /** Azure Flexible Server SKU. Default: B_Standard_B1ms (prod GP_Standard_D2ds_v5). */
    sku?: string;
    /** Default: 20 (prod 100). */
    storageGb?: number;
    /** PostgreSQL major version. Default: 16. */
    version?: string;
  };
  /** Training jobs that run on the cluster's GPU pools. Default: none. */
  training?: TrainingJobSpec[];
  /** Models served from the artifact store. Default: none. */
  models?: ServedModelSpec[];
  /** Burst to the managed service (SageMaker / Azure ML). Default: off. */
  burst?: BurstSpec;
}

export interface TrainingJobSpec {
  /** DNS-1123 label; the Job (or CronJob) name. */
  name: string;
  /** Pinned; `repository:tag` names a repository of the environment's registry. */
  image: string;
  /** The GPU pool (cluster.gpuPools[].name) whose nodes run it: its size class and capacity. */
  pool: string;
  /** GPUs per pod. Default: 1. */
  gpus?: number;
  /** Cron schedule (5 fields) for a CronJob; without it a Job. */
  schedule?: string;
  /** Container command and arguments. Default: the image's. */
  command?: string[];
  /** Default: 86400 (one day). */
  activeDeadlineSeconds?: number;
  /** Default: 4 (Spot interruptions are retried). */
  backoffLimit?: number;
  /** Checkpoint volume size. Default: 50Gi. */
  checkpointSize?: string;
}

export type ModelFramework = 'sklearn' | 'xgboost' | 'lightgbm' | 'pytorch' | 'tensorflow' | 'onnx';

export interface ServedModelSpec {
  /** DNS-1123 label; the InferenceService name. */
  name: string;
  framework: ModelFramework;
  /** Path of the model under the artifact store's models/ prefix, e.g. `iris/v1`. */
  path: string;
  /** KServe canary: percent of traffic to the latest revision. Default: none (all traffic). */
  canaryPercent?: number;
  /** Default: 1 (prod 2). */
  minReplicas?: number;
  /** Default: 3 (prod 6). */
  maxReplicas?: number;
  /** Default: 500m / 1Gi. */
  cpu?: string;
  memory?: string;
  /** A/B test in Seldon Core: a challenger model path and its share of traffic. */
  abTest?: { challengerPath: string; challengerPercent: number };
}

export interface BurstSpec {
  enabled: boolean;
  /** AWS SageMaker training instance type. Default: ml.g5.xlarge. */
  instanceType?: string;
  /** Azure ML compute cluster VM size. Default: Standard_NC4as_T4_v3. */
  vmSize?: string;
  /** Default: 4. */
  maxNodes?: number;
  /** Azure: low-priority VMs. Default: true. */
  lowPriority?: boolean;
}

export type MedallionLayer = 'bronze' | 'silver' | 'gold';
export const MEDALLION_LAYERS: readonly MedallionLayer[] = ['bronze', 'silver', 'gold'];
export type TableFormat = 'iceberg' | 'delta';

/**
 * The lakehouse: Spark operator jobs over a bronze/silver/gold layout in object storage. Compute is
 * stateless (drivers and executors can be destroyed at any time); tables live in the storage and
 * the catalog only.
 */
export interface LakehouseSpec extends WorkloadToggle {
  /** Medallion layers, each a prefix and Glue database (AWS) or an ADLS Gen2 filesystem (Azure). Default: all three. */
  layers?: MedallionLayer[];
  /** Default: `iceberg` on AWS (Glue catalog), `delta` on Azure (ABFS paths). Only these pairs are supported. */
  tableFormat?: TableFormat;
  /** The Spark runtime every job runs. Required when enabled. */
  spark?: SparkRuntimeSpec;
  /** Spark applications; one with a schedule becomes a ScheduledSparkApplication. Default: none. */
  jobs?: SparkJobSpec[];
  /** Days deleted or overwritten files stay recoverable (S3 noncurrent versions; ADLS soft delete, at most 365). Default: 7 (prod 30). */
  retentionDays?: number;
  /** Azure: a Microsoft Purview account catalogs the lakehouse (scans read the account). Default: true. */
  purview?: boolean;
}

export interface SparkRuntimeSpec {
  /**
   * Pinned by tag or digest; `repository:tag` names a repository of the environment's registry. The
   * image carries the table format's jars: Iceberg's Spark runtime and AWS bundle (AWS), or Delta
   * and hadoop-azure (Azure).
   */
  image: string;
  /** Spark version of the image (`major.minor.patch`); Azure needs 4.0 or later (Hadoop 3.4.1's ABFS workload identity). Default: 4.0.1. */
  version?: string;
}

export interface SparkJobSpec {
  /** DNS-1123 label of at most 40 characters; the SparkApplication name. */
  name: string;
  /** `local:///…` inside the image (or s3a:// / abfss:// in the lakehouse); `.py`, `.R` or `.jar`. */
  mainApplicationFile: string;
  /** Required for a `.jar`. */
  mainClass?: string;
  arguments?: string[];
  /** The layer the job writes: its tables default there (Iceberg namespace / Spark warehouse). Default: none. */
  layer?: MedallionLayer;
  /** Cron schedule (5 fields, UTC) for a ScheduledSparkApplication; without it the application runs once. */
  schedule?: string;
  /** Default: 1 core, 2g. */
  driver?: SparkPodSpec;
  /** Default: 2 cores, 4g. */
  executor?: SparkPodSpec;
  /** Fixed executor count when dynamic allocation is off. Default: 2. */
  executors?: number;
  /** Dynamic allocation bounds (shuffle tracking, no external shuffle service). Default: off. */
  dynamicAllocation?: { minExecutors: number; maxExecutors: number };
  /** Retries of a failed run. Default: 3. */
  retries?: number;
}

export interface SparkPodSpec {
  /** Whole cores. */
  cores?: number;
  /** JVM heap in Spark's notation, e.g. `2g`, `512m`. */
  memory?: string;
}

/** Where KEDA runs: the AKS add-on (in kube-system; Azure only) or the Helm chart (in `keda`). */
export type KedaInstall = 'aks-addon' | 'helm';

/** The event-driven workload: producer → queue → KEDA-scaled consumers → table. */
export interface EdwSpec extends WorkloadToggle {
  /**
   * Images pinned by tag or digest. `repository:tag` names a repository of this environment's
   * registry (on AWS it must be one of cluster.repositories); a reference with a registry host
   * (`ghcr.io/acme/consumer:1.2.0`) is used as it is. Required when enabled.
   */
  images?: { consumer: string; producer: string };
  queue?: EdwQueueSpec;
  scaling?: EdwScalingSpec;
  producer?: EdwProducerSpec;
  consumer?: EdwConsumerSpec;
  /** Azure only. Default: `aks-addon` on Azure; AWS always uses `helm`. */
  keda?: KedaInstall;
}

export interface EdwQueueSpec {
  /** FIFO queue (AWS; Azure queues have no FIFO mode). Default: false. */
  fifo?: boolean;
  /** 60–1209600. Default: 345600 (4 days). */
  messageRetentionSeconds?: number;
  /** 0–43200. Default: 60. */
  visibilityTimeoutSeconds?: number;
  /** Deliveries before a message moves to the dead-letter queue, 1–1000. Default: 5. */
  maxReceiveCount?: number;
}

export interface EdwScalingSpec {
  /** Replicas kept when the queue is empty and scale to zero is off. Default: 1. */
  minReplicas?: number;
  /** Default: 20. */
  maxReplicas?: number;
  /** Target queue length per replica. Default: 5. */
  messagesPerReplica?: number;
  /** Messages that wake the consumer from zero. Default: 1. */
  activationMessages?: number;
  /** Default: 15. */
  pollingIntervalSeconds?: number;
  /** Default: 120. */
  cooldownSeconds?: number;
  /** Scale to zero replicas when the queue is empty. Default: true. */
  scaleToZero?: boolean;
}

export interface EdwProducerSpec {
  /** Messages sent per run. Default: 100. */
  messages?: number;
  /** Cron schedule (5 fields) for a CronJob; without it the producer is a one-off Job. */
  schedule?: string;
}

export interface EdwConsumerSpec {
  /** Port of the consumer's health endpoint. Default: 8080. */
  port?: number;
  /** Path of the health endpoint (liveness and readiness). Default: /healthz. */
  healthPath?: string;
  /** Default: 250m / 256Mi requested; limits twice that CPU and the same memory. */
  cpu?: string;
  memory?: string;
}

// ---------------------------------------------------------------------------------------------
// Resolved model: every default applied, read-only. Stacks and charts only ever see these.
// ---------------------------------------------------------------------------------------------

export interface Platform {
  readonly name: string;
  readonly environments: readonly Environment[];
}

/**
 * The part of a value that belongs to cloud `C`: `{ aws: X }` on AWS, `{ azure: Y }` on Azure, the other
 * cloud's key absent. With `C` the whole `Cloud` union it is one alternative per cloud, so checking the
 * key (or the environment's `cloud`) narrows it; adding a cloud makes every `T` that lacks it a type error.
 */
export type CloudPart<C extends Cloud, T extends Readonly<Record<Cloud, object>>> = {
  [K in C]: { readonly [P in K]: T[K] } & { readonly [P in Exclude<Cloud, K>]?: never };
}[C];

/** `T[C]`: what cloud `C` has where the clouds differ in shape; one alternative per cloud for the whole union. */
export type PerCloud<C extends Cloud, T extends Readonly<Record<Cloud, unknown>>> = T[C];

export type AwsAccount = Readonly<Required<AwsAccountSpec>>;

export interface AzureAccount {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly adminGroupObjectIds: readonly string[];
  readonly state: Readonly<Required<AzureStateSpec>>;
}

interface EnvironmentOf<C extends Cloud> {
  readonly name: string;
  readonly cloud: C;
  readonly stage: Stage;
  readonly region: string;
  readonly network: Readonly<Required<NetworkSpec>>;
  readonly cluster: ResolvedCluster;
  /** Tags with the standard ones merged in, keys sorted. */
  readonly tags: Readonly<Record<string, string>>;
  readonly workloads: Readonly<Record<WorkloadName, boolean>>;
  /** GitOps delivery, when the model sets it. */
  readonly gitops?: Readonly<Required<GitopsSpec>>;
  /** Settings of the event-driven workload, when it is enabled. */
  readonly edw?: EdwSettings;
  /** Settings of the RAG platform, when it is enabled. */
  readonly rag?: RagSettings<C>;
  /** Settings of the MLOps platform, when it is enabled. */
  readonly mlops?: MlopsSettings;
  /** Settings of the lakehouse, when it is enabled. */
  readonly lakehouse?: LakehouseSettings;
  readonly waivers: readonly Readonly<WaiverSpec>[];
}

/** One resolved environment of cloud `C` (by default of either cloud, discriminated by `cloud`), with its account block. */
export type Environment<C extends Cloud = Cloud> = C extends Cloud ? EnvironmentOf<C> & CloudPart<C, { aws: AwsAccount; azure: AzureAccount }> : never;

export interface ResolvedCluster {
  readonly kubernetesVersion: string;
  readonly privateApi: boolean;
  readonly systemPool: Readonly<NodePoolSpec>;
  readonly gpuPools: readonly Readonly<Required<GpuPoolSpec>>[];
  readonly spotPools: readonly Readonly<NamedPoolSpec>[];
  readonly repositories: readonly string[];
  /** Empty on Azure. */
  readonly addons: Readonly<Partial<Record<EksAddonName, string>>>;
  readonly karpenter: Readonly<Required<KarpenterSpec>>;
}

export interface EdwSettings {
  /** Full image references, resolved against the environment's registry. */
  readonly images: { readonly consumer: string; readonly producer: string };
  readonly queue: Readonly<Required<EdwQueueSpec>>;
  readonly scaling: Readonly<Required<EdwScalingSpec>>;
  readonly producer: Readonly<{ messages: number; schedule?: string }>;
  readonly consumer: Readonly<Required<EdwConsumerSpec>>;
  readonly keda: KedaInstall;
}

/** The LLM service of each cloud: Bedrock model ids on AWS, Azure OpenAI deployments on Azure. */
export interface RagLlmByCloud {
  readonly aws: { readonly bedrock: Readonly<{ chatModelId: string; embeddingModelId: string }> };
  readonly azure: { readonly openai: Readonly<{ chat: Readonly<Required<OpenAiDeploymentSpec>>; embedding: Readonly<Required<OpenAiDeploymentSpec>> }> };
}

export type RagSettings<C extends Cloud = Cloud> = C extends Cloud ? RagSettingsOf & RagLlmByCloud[C] : never;

interface RagSettingsOf {
  readonly apiImage: string;
  readonly api: Readonly<{ minReplicas: number; maxReplicas: number; targetCpuUtilization: number; port: number; cpu: string; memory: string }>;
  readonly embeddingDimension: number;
  readonly milvus: Readonly<Required<MilvusSpec>>;
  readonly documents: Readonly<{ raw: string; processed: string; embeddings: string }>;
  readonly gatewayNamespace: string;
}

export interface MlopsSettings {
  readonly mlflow: Readonly<{ image: string; cpu: string; memory: string; replicas: number }>;
  readonly database: Readonly<{ instanceClass: string; sku: string; storageGb: number; version: string }>;
  /** Images resolved against the environment's registry; pool resolved to the cluster's GPU pool. */
  readonly training: readonly Readonly<{
    name: string;
    image: string;
    pool: Readonly<Required<GpuPoolSpec>>;
    gpus: number;
    schedule?: string;
    command: readonly string[];
    activeDeadlineSeconds: number;
    backoffLimit: number;
    checkpointSize: string;
  }>[];
  readonly models: readonly Readonly<{
    name: string;
    framework: ModelFramework;
    path: string;
    canaryPercent?: number;
    minReplicas: number;
    maxReplicas: number;
    cpu: string;
    memory: string;
    abTest?: Readonly<{ challengerPath: string; challengerPercent: number }>;
  }>[];
  readonly burst: Readonly<{ enabled: boolean; instanceType: string; vmSize: string; maxNodes: number; lowPriority: boolean }>;
}

export interface LakehouseSettings {
  readonly layers: readonly MedallionLayer[];
  readonly tableFormat: TableFormat;
  /** Image resolved against the environment's registry. */
  readonly spark: Readonly<{ image: string; version: string }>;
  readonly jobs: readonly Readonly<{
    name: string;
    mainApplicationFile: string;
    mainClass?: string;
    type: 'Python' | 'Scala' | 'R';
    arguments: readonly string[];
    layer?: MedallionLayer;
    schedule?: string;
    driver: Readonly<Required<SparkPodSpec>>;
    executor: Readonly<Required<SparkPodSpec>>;
    executors: number;
    dynamicAllocation?: Readonly<{ minExecutors: number; maxExecutors: number }>;
    retries: number;
  }>[];
  readonly retentionDays: number;
  /** Azure only; false on AWS. */
  readonly purview: boolean;
}
