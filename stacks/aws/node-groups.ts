/**
 * Managed node groups: the on-demand system pool that runs add-ons and operators, and one GPU node
 * group per GPU pool the model provisions as `node-group` (the `karpenter` ones are NodePools).
 * Each group has its own launch template: IMDSv2 only, encrypted gp3 root volume.
 */
import { AutoscalingGroupTagA as AutoscalingGroupTag } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Token, type ITerraformDependable } from 'cdktf';
import { describeSize, eksNodeGroupReleaseVersion } from '../../src/model/catalog';
import { NODE_ROOT_VOLUME_GIB } from '../../src/model/cluster';
import { CAPACITY_LABEL, GPU_RESOURCE, GPU_TAINT, POOL_LABEL } from '../../src/model/scheduling';
import type { CapacityType } from '../../src/model/types';
import type { AwsStack } from '../constructs/platform-stack';
import type { AwsCluster } from './cluster';
import { awsManagedPolicyArn, policyId, serviceTrustPolicy, snake } from './iam';
import type { AwsNetwork } from './network';

/** Managed policies of every EKS node role (kubelet, VPC CNI, image pulls, Session Manager instead of SSH). */
export const NODE_MANAGED_POLICIES = [
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonEC2ContainerRegistryPullOnly',
  'AmazonSSMManagedInstanceCore',
] as const;

/** Prefix of the ASG tags Cluster Autoscaler reads a node group's future nodes from while it has none. */
export const NODE_TEMPLATE_TAG = 'k8s.io/cluster-autoscaler/node-template';

/** The GPU taint in the EKS API's spelling of the effect. */
const EKS_GPU_TAINT = { key: GPU_TAINT.key, value: GPU_TAINT.value, effect: 'NO_SCHEDULE' } as const;

export interface AwsNodeGroups {
  readonly nodeRole: IamRole;
  readonly systemNodeGroup: EksNodeGroup;
  readonly gpuNodeGroups: readonly EksNodeGroup[];
}

/** An EC2 node role with the standard node policies attached; `id` prefixes every logical id. */
export function nodeRole(stack: AwsStack, id: string, name: string, description: string): { role: IamRole; attachments: IamRolePolicyAttachment[] } {
  const role = new IamRole(stack, id, { name, description, assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com') });
  const attachments = NODE_MANAGED_POLICIES.map(
    (policy) => new IamRolePolicyAttachment(stack, `${id}_${policyId(policy)}`, { role: role.name, policyArn: awsManagedPolicyArn(policy) }),
  );
  return { role, attachments };
}

export function buildNodeGroups(stack: AwsStack, network: AwsNetwork, cluster: AwsCluster): AwsNodeGroups {
  const { ctx } = stack;
  const { env } = ctx;
  const names = ctx.names.aws;
  const { role, attachments } = nodeRole(stack, 'node_role', names.nodeRoleName, `Managed node groups of ${names.clusterName}`);
  // Nodes join only once their role can pull images and the CNI / Pod Identity agent are installed.
  const dependsOn: ITerraformDependable[] = [...attachments, ...cluster.beforeComputeAddons];

  const systemPool = env.cluster.systemPool;
  const systemNodeGroup = nodeGroup(stack, network, cluster, role, dependsOn, {
    nodeGroupId: 'system_node_group',
    launchTemplateId: 'system_launch_template',
    name: `${ctx.names.prefix}-system`,
    amiType: 'AL2023_x86_64_STANDARD',
    capacity: 'on-demand',
    sizes: systemPool.sizes,
    min: systemPool.min,
    max: systemPool.max,
    rootVolumeGiB: NODE_ROOT_VOLUME_GIB['node-group'].cpu,
    labels: { [POOL_LABEL]: 'system', [CAPACITY_LABEL]: 'on-demand' },
  });

  const gpuNodeGroups = env.cluster.gpuPools
    .filter((pool) => pool.provisioner === 'node-group')
    .map((pool) =>
      nodeGroup(stack, network, cluster, role, dependsOn, {
        nodeGroupId: `gpu_node_group_${snake(pool.name)}`,
        launchTemplateId: `gpu_launch_template_${snake(pool.name)}`,
        name: `${ctx.names.prefix}-gpu-${pool.name}`,
        amiType: 'AL2023_x86_64_NVIDIA',
        capacity: pool.capacity,
        sizes: pool.sizes,
        min: pool.min,
        max: pool.max,
        rootVolumeGiB: NODE_ROOT_VOLUME_GIB['node-group'].gpu,
        labels: { [POOL_LABEL]: pool.name, [CAPACITY_LABEL]: pool.capacity },
        taint: EKS_GPU_TAINT,
      }),
    );

  return { nodeRole: role, systemNodeGroup, gpuNodeGroups };
}

interface NodeGroupSpec {
  readonly nodeGroupId: string;
  readonly launchTemplateId: string;
  /** Node group and launch template name. */
  readonly name: string;
  readonly amiType: 'AL2023_x86_64_STANDARD' | 'AL2023_x86_64_NVIDIA';
  readonly capacity: CapacityType;
  readonly sizes: readonly string[];
  readonly min: number;
  readonly max: number;
  readonly rootVolumeGiB: number;
  readonly labels: Record<string, string>;
  readonly taint?: typeof EKS_GPU_TAINT;
}

function nodeGroup(
  stack: AwsStack,
  network: AwsNetwork,
  cluster: AwsCluster,
  role: IamRole,
  dependsOn: ITerraformDependable[],
  spec: NodeGroupSpec,
): EksNodeGroup {
  const { env } = stack.ctx;
  const instanceTags = { ...env.tags, Name: spec.name };
  const gpu = spec.amiType === 'AL2023_x86_64_NVIDIA';
  // No image or user data: EKS picks the AMI for `amiType` and writes the nodeadm configuration.
  const template = new LaunchTemplate(stack, spec.launchTemplateId, {
    name: spec.name,
    description: `${spec.name} EKS managed node group`,
    updateDefaultVersion: true,
    metadataOptions: {
      httpEndpoint: 'enabled',
      // IMDSv2 only; hop limit 1 keeps pod traffic (one extra hop) away from the node role's
      // credentials. Pods get AWS credentials from Pod Identity / IRSA; the add-ons that read
      // IMDS (VPC CNI, Pod Identity agent) use the host network.
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: 'disabled',
    },
    blockDeviceMappings: [
      {
        deviceName: '/dev/xvda',
        ebs: { volumeSize: spec.rootVolumeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
      },
    ],
    // Default tags do not reach instances launched by EKS; tag them here.
    tagSpecifications: ['instance', 'volume', 'network-interface'].map((resourceType) => ({ resourceType, tags: instanceTags })),
    tags: { Name: spec.name },
  });

  const group = new EksNodeGroup(stack, spec.nodeGroupId, {
    clusterName: cluster.cluster.name,
    nodeGroupName: spec.name,
    nodeRoleArn: role.arn,
    subnetIds: network.privateSubnets.map((s) => s.id),
    amiType: spec.amiType,
    // The model's minor and AMI release (the one Karpenter's alias names): a change rolls the group, and only then.
    version: env.cluster.kubernetesVersion,
    releaseVersion: eksNodeGroupReleaseVersion(env.cluster.amiRelease, env.cluster.kubernetesVersion),
    capacityType: spec.capacity === 'spot' ? 'SPOT' : 'ON_DEMAND',
    instanceTypes: [...spec.sizes],
    launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
    scalingConfig: { minSize: spec.min, maxSize: spec.max, desiredSize: spec.min },
    updateConfig: { maxUnavailable: 1 },
    labels: spec.labels,
    ...(spec.taint ? { taint: [{ ...spec.taint }] } : {}),
    tags: { Name: spec.name },
    // The autoscaler owns desired size; Terraform must not reset it on every apply.
    lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
    dependsOn,
  });
  if (spec.min === 0 && spec.max > 0) scaleFromZeroHints(stack, spec, group, gpu);
  return group;
}

/**
 * A group at 0 nodes gives Cluster Autoscaler no node to copy: it takes the labels, taints and extended resources
 * of the nodes it would add from these ASG tags, or it never scales the group up for a pod that selects the pool
 * or tolerates its taint (EKS DescribeNodegroup fills in labels only until the group has had a node).
 * Not propagated: the nodes get their labels and taints from the node group itself.
 */
function scaleFromZeroHints(stack: AwsStack, spec: NodeGroupSpec, group: EksNodeGroup, gpu: boolean): void {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.labels)) tags[`${NODE_TEMPLATE_TAG}/label/${key}`] = value;
  if (spec.taint) tags[`${NODE_TEMPLATE_TAG}/taint/${GPU_TAINT.key}`] = `${GPU_TAINT.value}:${GPU_TAINT.effect}`;
  if (gpu) {
    // The fewest GPUs of the group's sizes: a pod is never promised more than the node EKS launches has.
    const gpus = Math.min(...spec.sizes.map((s) => describeSize('aws', s)?.gpus ?? 0));
    tags[`${NODE_TEMPLATE_TAG}/resources/${GPU_RESOURCE}`] = String(gpus);
  }
  const asgName = group.resources.get(0).autoscalingGroups.get(0).name;
  for (const [key, value] of Object.entries(tags)) {
    new AutoscalingGroupTag(stack, `${spec.nodeGroupId}_asg_tag_${snake(key.slice(NODE_TEMPLATE_TAG.length))}`, {
      autoscalingGroupName: asgName,
      tag: { key, value, propagateAtLaunch: false },
    });
  }
}
