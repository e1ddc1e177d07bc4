/**
 * Every name the platform gives a cloud or Kubernetes resource is derived here, once, from the
 * model, so Terraform and Kubernetes agree without cross-stack references and a rename happens
 * only when the model changes.
 */
import type { Cloud, CloudPart, Environment, KedaInstall, Platform, Stage, WorkloadName } from './types';
import { WORKLOAD_NAMES } from './types';
import { forCloud } from './cloud';
import { hasWorkload } from './workloads/enabled';
import { WORKLOADS, type WorkloadNames } from './workloads';
import type { EdwNames } from './workloads/edw/names';
import type { LakehouseNames } from './workloads/lakehouse/names';
import type { MlopsNames } from './workloads/mlops/names';
import type { RagNames } from './workloads/rag/names';

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
/** Cluster Autoscaler (AWS, where managed node groups scale): the chart's service account, bound to its role by Pod Identity. */
export const CLUSTER_AUTOSCALER_NAMESPACE = 'kube-system';
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = 'cluster-autoscaler';
export const CLUSTER_AUTOSCALER_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';
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
  readonly clusterAutoscalerRoleName: string;
  /** KEDA operator's own role (Pod Identity); it assumes each workload's scaler role. */
  readonly kedaOperatorRoleName: string;
  readonly flowLogRoleName: string;
  readonly flowLogGroupName: string;
  /** Fixed by EKS: the cluster writes its control-plane logs here. */
  readonly clusterLogGroupName: string;
  readonly clusterKmsAlias: string;
  readonly ecrKmsAlias: string;
  readonly logsKmsAlias: string;
  /** Amazon Managed Service for Prometheus (observability.managedStore): the workspace's alias, its key's alias, the remote-write role. */
  readonly metricsWorkspaceAlias: string;
  readonly metricsKmsAlias: string;
  readonly prometheusRoleName: string;
  /** Grafana's role for querying the workspace (its managed-store data source). */
  readonly grafanaRoleName: string;
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
  /** Azure Monitor managed Prometheus (observability.managedStore): the workspace, its data collection endpoint and rule, the remote-write identity. */
  readonly monitorWorkspaceName: string;
  readonly prometheusCollectionEndpointName: string;
  readonly prometheusCollectionRuleName: string;
  readonly prometheusIdentityName: string;
  /** Grafana's identity for querying the workspace (its managed-store data source). */
  readonly grafanaIdentityName: string;
  readonly subnetNames: { readonly system: string; readonly user: string; readonly endpoints: string };
}

/** The stack of the network and cluster layers, on every cloud (state key `<env>/platform.tfstate`). */
export const PLATFORM_STACK = 'platform';

/**
 * How a pod gets its AWS role: EKS Pod Identity (the default) or IRSA (web identity). Each workload
 * names one per service account (`*_AWS_IDENTITY`, src/model/workloads/<name>/identities.ts), read by
 * both the stack (trust policy, association) and the chart (service account annotation).
 */
export type AwsIdentityMechanism = 'pod-identity' | 'irsa';

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

/** Key Vault names: 3–24 letters, digits and hyphens; `kv<platform><env><suffix>` (validated). */
export function keyVaultName(platformName: string, environmentName: string, suffix: string): string {
  return `kv${alphanumeric(platformName)}${alphanumeric(environmentName)}${suffix}`;
}

export * from './workloads/edw/identities';
export * from './workloads/rag/identities';
export * from './workloads/mlops/identities';
export * from './workloads/lakehouse/identities';
export * from './workloads/edw/names';
export * from './workloads/rag/names';
export * from './workloads/mlops/names';
export * from './workloads/lakehouse/names';

/** The names of workload `w` where it is on; undefined where it is off. */
function namesOfWorkload<W extends WorkloadName>(platformName: string, env: Environment, prefix: string, w: W): WorkloadNames<W> | undefined {
  return hasWorkload(env, w) ? WORKLOADS[w].names(platformName, env, prefix) : undefined;
}

export function namesFor<C extends Cloud>(platform: Pick<Platform, 'name'>, env: Environment<C>): EnvironmentNames<C> {
  const prefix = environmentPrefix(platform.name, env.name);
  const workloadNames = Object.fromEntries(WORKLOAD_NAMES.map((w) => [w, namesOfWorkload(platform.name, env, prefix, w)]));
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
          clusterAutoscalerRoleName: `${prefix}-cluster-autoscaler`,
          kedaOperatorRoleName: `${prefix}-keda-operator`,
          flowLogRoleName: `${prefix}-flow-logs`,
          flowLogGroupName: `/aws/vpc/${prefix}/flow-logs`,
          clusterLogGroupName: `/aws/eks/${prefix}/cluster`,
          clusterKmsAlias: `alias/${prefix}-eks`,
          ecrKmsAlias: `alias/${prefix}-ecr`,
          logsKmsAlias: `alias/${prefix}-logs`,
          metricsWorkspaceAlias: `${prefix}-metrics`,
          metricsKmsAlias: `alias/${prefix}-metrics`,
          prometheusRoleName: `${prefix}-prometheus`,
          grafanaRoleName: `${prefix}-grafana`,
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
          monitorWorkspaceName: `amw-${prefix}`,
          prometheusCollectionEndpointName: `dce-${prefix}-prometheus`,
          prometheusCollectionRuleName: `dcr-${prefix}-prometheus`,
          prometheusIdentityName: `id-${prefix}-prometheus`,
          grafanaIdentityName: `id-${prefix}-grafana`,
          subnetNames: { system: 'snet-system', user: 'snet-user', endpoints: 'snet-endpoints' },
        },
      };
    },
  });
  // The workload names were derived from this environment, so they are of its cloud: the parts agree.
  return { prefix, namespaces, ...workloadNames, ...part } as EnvironmentNames as EnvironmentNames<C>;
}
