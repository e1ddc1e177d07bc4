/**
 * Cluster layer: the EKS control plane (private by default, secrets envelope-encrypted, the
 * model's control-plane log types), access entries for the model's admins, the IAM OIDC provider for IRSA, the
 * pinned core add-ons and the Karpenter discovery tag on the cluster security group.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Ec2Tag } from '@cdktf/provider-aws/lib/ec2-tag';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { ITerraformDependable } from 'cdktf';
import { EKS_ADDON_NAMES } from '../../src/model/catalog';
import { EBS_CSI_NAMESPACE, EBS_CSI_SERVICE_ACCOUNT } from '../../src/model/naming';
import type { EksAddonName } from '../../src/model/types';
import type { AwsStack } from '../constructs/platform-stack';
import { arns, awsManagedPolicyArn, kmsKeyPolicy, logRetentionDays, PARTITION, policyDocument, serviceTrustPolicy, snake } from './iam';
import { podIdentityTrustPolicy } from './identity';
import type { AwsNetwork } from './network';

/** DaemonSet add-ons that must run before any node can become Ready (networking, credentials). */
const BEFORE_COMPUTE_ADDONS: readonly EksAddonName[] = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'];

export const CLUSTER_ADMIN_POLICY_ARN = `arn:${PARTITION}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;

export interface AwsCluster {
  readonly cluster: EksCluster;
  readonly oidcProvider: IamOpenidConnectProvider;
  /** Add-ons node groups depend on, so nodes join with networking and Pod Identity in place. */
  readonly beforeComputeAddons: readonly EksAddon[];
}

export function buildCluster(stack: AwsStack, network: AwsNetwork): AwsCluster {
  const { ctx } = stack;
  const { env } = ctx;
  const names = ctx.names.aws;
  const prefix = ctx.names.prefix;
  const arn = arns(ctx);

  // Envelope encryption of Kubernetes secrets.
  const clusterKey = new KmsKey(stack, 'cluster_kms_key', {
    description: `${names.clusterName} EKS secrets envelope encryption`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: kmsKeyPolicy(arn.accountRoot),
    tags: { Name: `${prefix}-eks` },
  });
  new KmsAlias(stack, 'cluster_kms_alias', { name: names.clusterKmsAlias, targetKeyId: clusterKey.keyId });

  const clusterRole = new IamRole(stack, 'cluster_role', {
    name: names.clusterRoleName,
    description: `EKS control plane of ${names.clusterName}`,
    // The trust EKS documents; EKS does not document source conditions for the cluster role.
    assumeRolePolicy: serviceTrustPolicy('eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']),
  });
  const clusterPolicy = new IamRolePolicyAttachment(stack, 'cluster_role_eks_cluster_policy', {
    role: clusterRole.name,
    policyArn: awsManagedPolicyArn('AmazonEKSClusterPolicy'),
  });
  const clusterKeyPolicy = new IamRolePolicy(stack, 'cluster_role_kms_policy', {
    name: 'secrets-encryption',
    role: clusterRole.id,
    policy: policyDocument([
      {
        Sid: 'UseSecretsKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ListGrants'],
        Resource: clusterKey.arn,
      },
    ]),
  });

  // Created before the cluster so EKS does not create it unencrypted with infinite retention.
  const clusterLogGroup = new CloudwatchLogGroup(stack, 'cluster_log_group', {
    name: names.clusterLogGroupName,
    retentionInDays: logRetentionDays(ctx),
    kmsKeyId: network.logsKey.arn,
  });

  // A public endpoint only when asked for and restricted to known CIDRs (an empty list would mean 0.0.0.0/0).
  const publicApi = !env.cluster.privateApi && env.network.apiAllowedCidrs.length > 0;
  const cluster = new EksCluster(stack, 'cluster', {
    name: names.clusterName,
    version: env.cluster.kubernetesVersion,
    // Explicit: the API defaults to EXTENDED, which bills $0.60 instead of $0.10 per hour once the version leaves standard support.
    upgradePolicy: { supportType: env.cluster.upgradePolicy },
    roleArn: clusterRole.arn,
    vpcConfig: {
      subnetIds: network.privateSubnets.map((s) => s.id),
      endpointPrivateAccess: true,
      endpointPublicAccess: publicApi,
      ...(publicApi ? { publicAccessCidrs: [...env.network.apiAllowedCidrs] } : {}),
    },
    kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: env.network.serviceCidr },
    encryptionConfig: { resources: ['secrets'], provider: { keyArn: clusterKey.arn } },
    // The model's per-stage choice (aws.logging.controlPlane): CloudWatch ingestion is billed per GB.
    enabledClusterLogTypes: [...env.aws.logging.controlPlane],
    // Access entries only (no aws-auth ConfigMap), and no implicit admin for whoever runs Terraform.
    accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
    // Core add-ons are installed below as managed, pinned add-ons instead of EKS' unmanaged defaults.
    bootstrapSelfManagedAddons: false,
    deletionProtection: env.stage === 'prod',
    dependsOn: [clusterLogGroup, clusterPolicy, clusterKeyPolicy],
  });

  const adminIds = new Set<string>();
  for (const principalArn of env.aws.clusterAdminArns) {
    const id = `cluster_admin_${snake(principalArn.slice(principalArn.lastIndexOf(':') + 1))}`;
    if (adminIds.has(id)) throw new Error(`${env.name}: cluster admin ARNs ${principalArn} and another map to the same id ${id}`);
    adminIds.add(id);
    const entry = new EksAccessEntry(stack, id, { clusterName: cluster.name, principalArn, type: 'STANDARD' });
    new EksAccessPolicyAssociation(stack, `${id}_policy`, {
      clusterName: cluster.name,
      principalArn: entry.principalArn,
      policyArn: CLUSTER_ADMIN_POLICY_ARN,
      accessScope: { type: 'cluster' },
    });
  }

  // IRSA for components that do not support Pod Identity yet.
  const oidcProvider = new IamOpenidConnectProvider(stack, 'oidc_provider', {
    url: cluster.identity.get(0).oidc.get(0).issuer,
    clientIdList: ['sts.amazonaws.com'],
    tags: { Name: `${prefix}-eks-irsa` },
  });

  // Karpenter finds the security group of the nodes it launches by this tag.
  new Ec2Tag(stack, 'cluster_security_group_discovery_tag', {
    resourceId: cluster.vpcConfig.clusterSecurityGroupId,
    key: 'karpenter.sh/discovery',
    value: names.clusterName,
  });

  const beforeComputeAddons = BEFORE_COMPUTE_ADDONS.map((name) => addon(stack, cluster, name));
  return { cluster, oidcProvider, beforeComputeAddons };
}

/** Add-ons whose pods are Deployments: they need nodes, so they wait for the system node group. */
export function buildNodeAddons(stack: AwsStack, cluster: EksCluster, systemNodeGroup: ITerraformDependable): EksAddon[] {
  const { ctx } = stack;
  const names = ctx.names.aws;
  const ebsCsiRole = new IamRole(stack, 'ebs_csi_role', {
    name: names.ebsCsiRoleName,
    description: `EBS CSI controller of ${names.clusterName}`,
    assumeRolePolicy: podIdentityTrustPolicy(names.clusterName, EBS_CSI_NAMESPACE, EBS_CSI_SERVICE_ACCOUNT),
  });
  const ebsCsiPolicy = new IamRolePolicyAttachment(stack, 'ebs_csi_role_ebs_csi_driver_policy', {
    role: ebsCsiRole.name,
    policyArn: awsManagedPolicyArn('service-role/AmazonEBSCSIDriverPolicy'),
  });
  const after = EKS_ADDON_NAMES.filter((n) => !BEFORE_COMPUTE_ADDONS.includes(n));
  return after.map((name) =>
    name === 'aws-ebs-csi-driver'
      ? addon(stack, cluster, name, [systemNodeGroup, ebsCsiPolicy], {
          podIdentityAssociation: [{ roleArn: ebsCsiRole.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT }],
        })
      : addon(stack, cluster, name, [systemNodeGroup]),
  );
}

/**
 * Add-on settings that differ from EKS's defaults. The VPC CNI enforces NetworkPolicy only when
 * asked to; without it the default-deny policies of every workload namespace would do nothing.
 */
const ADDON_CONFIGURATION: Partial<Record<EksAddonName, Record<string, unknown>>> = {
  'vpc-cni': { enableNetworkPolicy: 'true' },
};

function addon(
  stack: AwsStack,
  cluster: EksCluster,
  name: EksAddonName,
  dependsOn: ITerraformDependable[] = [],
  extra: Pick<ConstructorParameters<typeof EksAddon>[2], 'podIdentityAssociation'> = {},
): EksAddon {
  const version = stack.ctx.env.cluster.addons[name];
  if (!version) {
    throw new Error(
      `${stack.ctx.env.name}: no pinned version for EKS add-on ${name} (Kubernetes ${stack.ctx.env.cluster.kubernetesVersion}); set cluster.addons.${name}`,
    );
  }
  return new EksAddon(stack, `addon_${snake(name)}`, {
    clusterName: cluster.name,
    addonName: name,
    addonVersion: version,
    // Terraform is the source of truth for add-on configuration.
    resolveConflictsOnCreate: 'OVERWRITE',
    resolveConflictsOnUpdate: 'OVERWRITE',
    ...(ADDON_CONFIGURATION[name] ? { configurationValues: JSON.stringify(ADDON_CONFIGURATION[name]) } : {}),
    ...extra,
    ...(dependsOn.length ? { dependsOn } : {}),
  });
}
