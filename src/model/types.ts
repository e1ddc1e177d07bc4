/**
 * The platform model: what a user writes (the *Spec types, many fields optional) and what the
 * stacks and charts read (the resolved types, every default applied). Plain TypeScript only:
 * nothing here may import cdktf or cdk8s.
 */

export type Cloud = 'aws' | 'azure';
export type Stage = 'dev' | 'prod';
export type CapacityType = 'spot' | 'on-demand';
export type WorkloadName = 'rag' | 'mlops' | 'lakehouse' | 'edw';

// Each workload's spec and settings live with the rest of the workload (src/model/workloads/<name>/).
export type * from './workloads/edw/spec';
export type * from './workloads/rag/spec';
export type * from './workloads/mlops/spec';
export type * from './workloads/lakehouse/spec';
export { MEDALLION_LAYERS } from './workloads/lakehouse/spec';
import type { EdwSettings, EdwSpec } from './workloads/edw/spec';
import type { LakehouseSettings, LakehouseSpec } from './workloads/lakehouse/spec';
import type { MlopsSettings, MlopsSpec } from './workloads/mlops/spec';
import type { RagSettings, RagSpec } from './workloads/rag/spec';
import type { Observability, ObservabilitySpec } from './observability';
import type { Usage, UsageSpec } from './usage';
import type { Budget, BudgetSpec } from './budget';
/** Every workload once, in the order stacks and apps are built (a `Record`, so a new name is a compile error here). */
const WORKLOAD_ORDER: Readonly<Record<WorkloadName, true>> = { edw: true, rag: true, mlops: true, lakehouse: true };
export const WORKLOAD_NAMES: readonly WorkloadName[] = Object.keys(WORKLOAD_ORDER) as WorkloadName[];

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
  /** Metrics, GPU telemetry and alerts (src/model/observability.ts). Default: on. */
  observability?: ObservabilitySpec;
  /** Policy rules waived for one resource each, with the reason a reviewer accepted. Default: none. */
  waivers?: WaiverSpec[];
  /** What the cost estimate assumes the environment uses in a month (src/model/usage.ts). Default: the stage's figures. */
  usage?: UsageSpec;
  /** A monthly budget with alerts (src/model/budget.ts). Default: none. */
  budget?: BudgetSpec;
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
  /**
   * Flux: the Secret in flux-system with the private repository's credentials (`username`/`password`, or
   * `identity`/`known_hosts` for ssh), which you create in the cluster: it never goes into git. Default: none
   * (a public repository). Argo CD finds repository credentials by URL and needs no reference.
   */
  secretRef?: string;
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
  /**
   * Create the account's EC2 Spot service-linked role (AWSServiceRoleForEC2Spot) in this environment's platform
   * stack: EC2 launches no Spot capacity in an account without it. It is account-wide and its creation fails where
   * it exists, so at most one environment of an account creates it. Default: true where the environment runs Spot.
   */
  createSpotServiceLinkedRole?: boolean;
  /** CloudWatch logging of the network and cluster, chosen per stage. */
  logging?: AwsLoggingSpec;
}

/** EKS control-plane log types. */
export type EksControlPlaneLogType = 'api' | 'audit' | 'authenticator' | 'controllerManager' | 'scheduler';
export type FlowLogTraffic = 'ALL' | 'ACCEPT' | 'REJECT';

export interface AwsLoggingSpec {
  /** Days the log groups (VPC flow logs, EKS control plane) keep events; a CloudWatch retention value. Default: 30 (prod 365). */
  retentionDays?: number;
  /** What VPC flow logs record. Default: `REJECT` (prod `ALL`). */
  flowLogTraffic?: FlowLogTraffic;
  /** Control-plane log types sent to CloudWatch. Default: api, audit, authenticator (prod all five). */
  controlPlane?: EksControlPlaneLogType[];
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
  /**
   * Kubernetes minor version, e.g. `1.35`: one the catalog offers for the cloud (src/model/catalog.ts
   * KUBERNETES_VERSIONS, with its end of standard support; the commands warn once it has passed).
   */
  kubernetesVersion: string;
  /**
   * EKS only: what EKS does when the version leaves standard support. `STANDARD` upgrades the control plane
   * to the next minor on that date; `EXTENDED` keeps it, at $0.60 instead of $0.10 per cluster hour.
   * Default: `STANDARD` (the EKS API's own default is EXTENDED).
   */
  upgradePolicy?: EksUpgradePolicy;
  /**
   * EKS only: the EKS-optimised AL2023 AMI release every node runs, e.g. `v20260714` (the managed node groups'
   * release_version and Karpenter's `al2023@<release>` alias). Default: the catalog's (DEFAULT_EKS_AMI_RELEASE).
   */
  amiRelease?: string;
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
  /** Namespace of the ingress gateway: the only one that may call the RAG API and the model servers. Default: `ingress`. */
  gatewayNamespace?: string;
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
  /** Pinned AMI alias for EC2NodeClass, e.g. `bottlerocket@v1.50.0`. Default: `al2023@<cluster.amiRelease>`. */
  amiAlias?: string;
}

export type EksUpgradePolicy = 'STANDARD' | 'EXTENDED';

export type EksAddonName = 'vpc-cni' | 'coredns' | 'kube-proxy' | 'aws-ebs-csi-driver' | 'eks-pod-identity-agent';

export interface WorkloadToggle {
  enabled: boolean;
}

/** The spec type of each workload, by name: a new `WorkloadName` is a compile error until it has one. */
export interface WorkloadSpecs {
  edw: EdwSpec;
  rag: RagSpec;
  mlops: MlopsSpec;
  lakehouse: LakehouseSpec;
}

export type WorkloadsSpec = { [W in WorkloadName]?: WorkloadSpecs[W] };

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

export type AwsAccount = Readonly<Required<Omit<AwsAccountSpec, 'logging'>>> & { readonly logging: AwsLogging };
export interface AwsLogging {
  readonly retentionDays: number;
  readonly flowLogTraffic: FlowLogTraffic;
  readonly controlPlane: readonly EksControlPlaneLogType[];
}

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
  readonly gitops?: Readonly<Required<Omit<GitopsSpec, 'secretRef'>> & Pick<GitopsSpec, 'secretRef'>>;
  /** Settings of the event-driven workload, when it is enabled. */
  readonly edw?: EdwSettings;
  /** Settings of the RAG platform, when it is enabled. */
  readonly rag?: RagSettings<C>;
  /** Settings of the MLOps platform, when it is enabled. */
  readonly mlops?: MlopsSettings;
  /** Settings of the lakehouse, when it is enabled. */
  readonly lakehouse?: LakehouseSettings;
  readonly observability: Observability;
  readonly waivers: readonly Readonly<WaiverSpec>[];
  readonly usage: Usage;
  readonly budget?: Budget;
}

/** One resolved environment of cloud `C` (by default of either cloud, discriminated by `cloud`), with its account block. */
export type Environment<C extends Cloud = Cloud> = C extends Cloud ? EnvironmentOf<C> & CloudPart<C, { aws: AwsAccount; azure: AzureAccount }> : never;

export interface ResolvedCluster {
  readonly kubernetesVersion: string;
  /** EKS only (AKS has no such setting). */
  readonly upgradePolicy: EksUpgradePolicy;
  /** EKS only; empty on Azure, where node_os_upgrade_channel picks node images. */
  readonly amiRelease: string;
  readonly privateApi: boolean;
  readonly systemPool: Readonly<NodePoolSpec>;
  readonly gpuPools: readonly Readonly<Required<GpuPoolSpec>>[];
  readonly spotPools: readonly Readonly<NamedPoolSpec>[];
  readonly repositories: readonly string[];
  /** Empty on Azure. */
  readonly addons: Readonly<Partial<Record<EksAddonName, string>>>;
  readonly karpenter: Readonly<Required<KarpenterSpec>>;
  readonly gatewayNamespace: string;
}
