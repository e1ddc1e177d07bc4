/**
 * What Karpenter's AWS provider expects of its cloud resources, from its reference template
 * (website/content/en/v1.14/getting-started/getting-started-with-karpenter/cloudformation.yaml at v1.14.1,
 * the version src/model/operators.ts pins). The stacks build from these and validate checks the output
 * against them, so a chart upgrade that needs more is one table to change.
 */
import { describeSize, type SizeInfo } from './catalog';

/** EventBridge events the interruption controller handles, by rule suffix (the template's five rules). */
export const KARPENTER_INTERRUPTION_EVENTS = {
  health: { source: 'aws.health', detailType: 'AWS Health Event' },
  spot_interruption: { source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
  rebalance: { source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
  instance_state_change: { source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
  // Since 1.10: interruptible On-Demand Capacity Reservations reclaimed by their owner.
  capacity_reservation_interruption: { source: 'aws.ec2', detailType: 'EC2 Capacity Reservation Instance Interruption Warning' },
} as const;

/**
 * Every action of the reference controller policy. `ec2:DescribeInstanceStatus` (1.12: instance status
 * health checks), `ec2:DescribePlacementGroups` (1.11) and `arc-zonal-shift:GetManagedResource` (1.12,
 * read only while `settings.enableZonalShift` is on) are the recent ones.
 */
export const KARPENTER_CONTROLLER_ACTIONS = [
  'arc-zonal-shift:GetManagedResource',
  'ec2:CreateFleet',
  'ec2:CreateLaunchTemplate',
  'ec2:CreateTags',
  'ec2:DeleteLaunchTemplate',
  'ec2:DescribeCapacityReservations',
  'ec2:DescribeImages',
  'ec2:DescribeInstances',
  'ec2:DescribeInstanceStatus',
  'ec2:DescribeInstanceTypeOfferings',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribePlacementGroups',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSpotPriceHistory',
  'ec2:DescribeSubnets',
  'ec2:RunInstances',
  'ec2:TerminateInstances',
  'eks:DescribeCluster',
  'iam:AddRoleToInstanceProfile',
  'iam:CreateInstanceProfile',
  'iam:DeleteInstanceProfile',
  'iam:GetInstanceProfile',
  'iam:ListInstanceProfiles',
  'iam:PassRole',
  'iam:RemoveRoleFromInstanceProfile',
  'iam:TagInstanceProfile',
  'pricing:GetProducts',
  'sqs:DeleteMessage',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
  'ssm:GetParameter',
] as const;

/**
 * A Karpenter pool's NodePool limits: its `max` in nodes, and as capacity, max nodes of its largest size in vCPUs (and
 * for a GPU pool in GPUs). Karpenter 1.11 and later count a NodePool's nodes against `limits.nodes` (sigs.k8s.io/karpenter
 * "feat(limits): support NodePool node limits", in the core 1.14.1 that the pinned provider uses), so a pool of unequal
 * sizes no longer runs more than `max` of its smaller ones. Like every limit it is checked between launches: one burst of
 * pending pods may overrun it, within the capacity limits. `npm run cost` prices the max at the dearest size they allow.
 */
export function karpenterLimits(
  pool: { readonly name: string; readonly sizes: readonly string[]; readonly max: number },
  { gpu }: { readonly gpu: boolean },
): KarpenterLimits {
  const shapes = pool.sizes.map((s) => awsShape(s, `pool ${pool.name}: `));
  const cpu = pool.max * Math.max(...shapes.map((s) => s.vcpus));
  return gpu ? { cpu, nodes: pool.max, gpus: pool.max * Math.max(...shapes.map((s) => s.gpus)) } : { cpu, nodes: pool.max };
}

export interface KarpenterLimits {
  readonly cpu: number;
  readonly nodes: number;
  readonly gpus?: number;
}

/** How many nodes of `size` a pool with `limits` can run at most. */
export function nodesWithin(limits: KarpenterLimits, size: string): number {
  const info = awsShape(size);
  const byCapacity = Math.min(limits.nodes, Math.floor(limits.cpu / info.vcpus));
  return limits.gpus === undefined || info.gpus === 0 ? byCapacity : Math.min(byCapacity, Math.floor(limits.gpus / info.gpus));
}

/** An EC2 size's vCPUs and GPUs; an unknown size is a model error, never a silent zero limit. */
function awsShape(size: string, where = ''): SizeInfo {
  const info = describeSize('aws', size);
  if (!info) throw new Error(`${where}unknown AWS instance type "${size}"`);
  return info;
}
