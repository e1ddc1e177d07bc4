/**
 * Cluster Autoscaler's identity (platform stack), where a managed node group scales (the controller is an operator
 * release, src/model/operators.ts). EKS tags every managed node group's Auto Scaling group for it
 * (`k8s.io/cluster-autoscaler/enabled` and `k8s.io/cluster-autoscaler/<cluster>`, which the chart's auto-discovery
 * matches by default) and with `eks:cluster-name` (which Cluster Autoscaler itself reads back as the node group's
 * cluster): it may resize or shrink only Auto Scaling groups of this cluster's node groups, never another
 * cluster's (Karpenter's nodes are in no Auto Scaling group). The reads are the upstream "full features" policy's
 * (cloudprovider/aws/README.md); they take no resource.
 */
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { ITerraformDependable } from 'cdktf';
import { CLUSTER_AUTOSCALER_AWS_IDENTITY, CLUSTER_AUTOSCALER_NAMESPACE, CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from '../../src/model/naming';
import { elasticNodeGroups } from '../../src/model/scheduling';
import type { AwsStack } from '../constructs/platform-stack';
import { PARTITION, type PolicyStatement } from './iam';
import { serviceAccountRole } from './identity';

export function clusterAutoscalerStatements(stack: AwsStack): PolicyStatement[] {
  const { env } = stack.ctx;
  const { clusterName } = stack.ctx.names.aws;
  const account = env.aws.accountId;
  return [
    {
      Sid: 'DescribeNodeGroupsAndInstanceTypes',
      Effect: 'Allow',
      Action: [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeLaunchConfigurations',
        'autoscaling:DescribeScalingActivities',
        'ec2:DescribeImages',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplateVersions',
        'ec2:GetInstanceTypesFromInstanceRequirements',
      ],
      Resource: '*',
    },
    {
      // Labels and taints of a managed node group that has never had a node.
      Sid: 'DescribeClusterNodeGroups',
      Effect: 'Allow',
      Action: 'eks:DescribeNodegroup',
      Resource: `arn:${PARTITION}:eks:${env.region}:${account}:nodegroup/${clusterName}/*/*`,
    },
    {
      Sid: 'ScaleClusterNodeGroups',
      Effect: 'Allow',
      Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      Resource: `arn:${PARTITION}:autoscaling:${env.region}:${account}:autoScalingGroup:*:autoScalingGroupName/*`,
      Condition: { StringEquals: { 'aws:ResourceTag/eks:cluster-name': clusterName } },
    },
  ];
}

/** The role and its association; undefined where no managed node group scales (Cluster Autoscaler is not installed). */
export function buildClusterAutoscaler(stack: AwsStack, cluster: ITerraformDependable): IamRole | undefined {
  const { ctx } = stack;
  if (elasticNodeGroups(ctx.env.cluster).length === 0) return undefined;
  return serviceAccountRole(stack, {
    mechanism: CLUSTER_AUTOSCALER_AWS_IDENTITY,
    id: 'cluster_autoscaler',
    roleName: ctx.names.aws.clusterAutoscalerRoleName,
    namespace: CLUSTER_AUTOSCALER_NAMESPACE,
    serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
    label: 'Cluster Autoscaler',
    policyName: 'cluster-autoscaler',
    statements: clusterAutoscalerStatements(stack),
    dependsOn: [cluster],
  });
}
