/**
 * Every name the platform gives a cloud or Kubernetes resource is derived here, once, from the
 * model, so Terraform and Kubernetes agree without cross-stack references and a rename happens
 * only when the model changes.
 */
import type { Cloud, Environment, Platform, Stage, WorkloadName } from './types';
import { WORKLOAD_NAMES } from './types';

/** Letters and digits only, lowercased: for names that allow nothing else (ACR, storage accounts). */
export function alphanumeric(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The prefix of an environment's resource names, e.g. `acme-aws-prod`. */
export function environmentPrefix(platformName: string, environmentName: string): string {
  return `${platformName}-${environmentName}`;
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

/** Names that cross between Terraform and Kubernetes, or that both sides read. */
export interface EnvironmentNames {
  readonly prefix: string;
  readonly cloud: Cloud;
  readonly aws?: AwsNames;
  readonly azure?: AzureNames;
  /** Namespaces the platform creates: its own and one per enabled workload. */
  readonly namespaces: readonly string[];
}

export function namesFor(platform: Pick<Platform, 'name'>, env: Environment): EnvironmentNames {
  const prefix = environmentPrefix(platform.name, env.name);
  const namespaces = [PLATFORM_NAMESPACE, ...WORKLOAD_NAMES.filter((w) => env.workloads[w]).map(workloadNamespace)];
  if (env.cloud === 'aws') {
    const accountId = env.aws!.accountId;
    const ecrRepositories: Record<string, string> = {};
    for (const repo of env.cluster.repositories) ecrRepositories[repo] = `${platform.name}/${env.name}/${repo}`;
    return {
      prefix,
      cloud: 'aws',
      namespaces,
      aws: {
        clusterName: prefix,
        vpcName: prefix,
        clusterRoleName: `${prefix}-eks-cluster`,
        nodeRoleName: `${prefix}-eks-node`,
        karpenterNodeRoleName: `${prefix}-karpenter-node`,
        karpenterControllerRoleName: `${prefix}-karpenter`,
        karpenterInterruptionQueueName: `${prefix}-karpenter`,
        ebsCsiRoleName: `${prefix}-ebs-csi`,
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
  }
  return {
    prefix,
    cloud: 'azure',
    namespaces,
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
      containerRegistryName: `acr${alphanumeric(platform.name)}${alphanumeric(env.name)}`,
      subnetNames: { system: 'snet-system', user: 'snet-user', endpoints: 'snet-endpoints' },
    },
  };
}
