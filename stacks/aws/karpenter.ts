/**
 * Karpenter infrastructure (the controller itself, EC2NodeClass and NodePools are Kubernetes
 * objects): the controller role with Pod Identity, a least-privilege controller policy modelled on
 * the Karpenter v1.14 reference (cloudformation.yaml; src/model/karpenter.ts), the node role with its
 * access entry, the interruption queue fed by EventBridge, and the account's EC2 Spot service-linked
 * role where the model says this environment creates it.
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { KARPENTER_CONTROLLER_ACTIONS, KARPENTER_INTERRUPTION_EVENTS } from '../../src/model/karpenter';
import { KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT } from '../../src/model/naming';
import type { AwsStack } from '../constructs/platform-stack';
import type { AwsCluster } from './cluster';
import { arns, denyInsecureTransport, PARTITION, policyDocument, type PolicyStatement } from './iam';
import { podIdentityTrustPolicy } from './identity';
import { nodeRole } from './node-groups';

/** EC2 launches Spot capacity only in an account that has this role (created once per account). */
export const SPOT_SERVICE = 'spot.amazonaws.com';

export interface AwsKarpenter {
  readonly controllerRole: IamRole;
  readonly nodeRole: IamRole;
  readonly interruptionQueue: SqsQueue;
  readonly spotServiceLinkedRole?: IamServiceLinkedRole;
}

export function buildKarpenter(stack: AwsStack, cluster: AwsCluster): AwsKarpenter {
  const { ctx } = stack;
  const names = ctx.names.aws;
  const prefix = ctx.names.prefix;
  const arn = arns(ctx);

  // Node role for Karpenter-launched nodes; Karpenter creates the instance profile from it.
  const { role: karpenterNodeRole } = nodeRole(stack, 'karpenter_node_role', names.karpenterNodeRoleName, `Karpenter nodes of ${names.clusterName}`);
  new EksAccessEntry(stack, 'karpenter_node_access_entry', {
    clusterName: cluster.cluster.name,
    principalArn: karpenterNodeRole.arn,
    type: 'EC2_LINUX',
  });

  // Interruption queue: messages are only useful for minutes, and never leave AWS unencrypted.
  const queue = new SqsQueue(stack, 'karpenter_interruption_queue', {
    name: names.karpenterInterruptionQueueName,
    messageRetentionSeconds: 300,
    sqsManagedSseEnabled: true,
  });
  const rules = Object.entries(KARPENTER_INTERRUPTION_EVENTS).map(([suffix, event]) => {
    const ruleName = `${prefix}-karpenter-${suffix.replace(/_/g, '-')}`;
    const rule = new CloudwatchEventRule(stack, `karpenter_${suffix}_rule`, {
      name: ruleName,
      description: `${event.detailType} events for Karpenter of ${names.clusterName}`,
      eventPattern: JSON.stringify({ source: [event.source], 'detail-type': [event.detailType] }),
    });
    new CloudwatchEventTarget(stack, `karpenter_${suffix}_target`, {
      rule: rule.name,
      targetId: 'KarpenterInterruptionQueue',
      arn: queue.arn,
    });
    return ruleName;
  });
  new SqsQueuePolicy(stack, 'karpenter_interruption_queue_policy', {
    queueUrl: queue.url,
    policy: policyDocument(
      [
        {
          Sid: 'AllowEventBridgeRules',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queue.arn,
          // Only this stack's rules, not any rule in any account.
          Condition: { ArnEquals: { 'aws:SourceArn': rules.map(arn.eventRule) } },
        },
        { Sid: 'AllowSqs', Effect: 'Allow', Principal: { Service: 'sqs.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queue.arn },
        // The Sid of Karpenter's reference template (cloudformation.yaml).
        denyInsecureTransport('sqs', queue.arn, 'DenyHTTP'),
      ],
      'EC2InterruptionPolicy',
    ),
  });

  const controllerRole = new IamRole(stack, 'karpenter_controller_role', {
    name: names.karpenterControllerRoleName,
    description: `Karpenter controller of ${names.clusterName}`,
    assumeRolePolicy: podIdentityTrustPolicy(names.clusterName, KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT),
  });
  new IamRolePolicy(stack, 'karpenter_controller_policy', {
    name: 'karpenter-controller',
    role: controllerRole.id,
    policy: policyDocument(
      controllerStatements({
        clusterName: names.clusterName,
        clusterArn: cluster.cluster.arn,
        region: ctx.env.region,
        account: arn.account,
        nodeRoleArn: karpenterNodeRole.arn,
        queueArn: queue.arn,
      }),
    ),
  });
  new EksPodIdentityAssociation(stack, 'karpenter_pod_identity_association', {
    clusterName: cluster.cluster.name,
    namespace: KARPENTER_NAMESPACE,
    serviceAccount: KARPENTER_SERVICE_ACCOUNT,
    roleArn: controllerRole.arn,
  });

  // Without it the first Spot launch of a fresh account fails (ServiceLinkedRoleCreationNotPermitted).
  const spotServiceLinkedRole = ctx.env.aws.createSpotServiceLinkedRole
    ? new IamServiceLinkedRole(stack, 'spot_service_linked_role', {
        awsServiceName: SPOT_SERVICE,
        description: `EC2 Spot for the account of ${names.clusterName} (account-wide)`,
      })
    : undefined;

  return { controllerRole, nodeRole: karpenterNodeRole, interruptionQueue: queue, spotServiceLinkedRole };
}

interface ControllerPolicyInputs {
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly region: string;
  readonly account: string;
  readonly nodeRoleArn: string;
  readonly queueArn: string;
}

/**
 * The Karpenter v1.14 controller policy, statement by statement as the reference: writes only on
 * resources tagged as owned by this cluster and a NodePool (or tagged so at creation), reads regional,
 * PassRole only for the node role. Narrower than the reference: the interruption queue accepts only
 * this stack's rules, and PassRole names only `ec2.amazonaws.com` (no China partition here).
 */
export function controllerStatements(p: ControllerPolicyInputs): PolicyStatement[] {
  const ec2 = (type: string) => `arn:${PARTITION}:ec2:${p.region}:*:${type}/*`;
  const instanceProfiles = `arn:${PARTITION}:iam::${p.account}:instance-profile/*`;
  const owned = `kubernetes.io/cluster/${p.clusterName}`;
  const taggedResources = ['fleet', 'instance', 'volume', 'network-interface', 'launch-template', 'spot-instances-request'].map(ec2);
  return [
    {
      Sid: 'AllowScopedEC2InstanceAccessActions',
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      Resource: [
        `arn:${PARTITION}:ec2:${p.region}::image/*`,
        `arn:${PARTITION}:ec2:${p.region}::snapshot/*`,
        ec2('security-group'),
        ec2('subnet'),
        ec2('capacity-reservation'),
        ec2('placement-group'),
      ],
    },
    {
      Sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      Resource: ec2('launch-template'),
      Condition: {
        StringEquals: { [`aws:ResourceTag/${owned}`]: 'owned' },
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
      },
    },
    {
      Sid: 'AllowScopedEC2InstanceActionsWithTags',
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      Resource: taggedResources,
      Condition: {
        StringEquals: { [`aws:RequestTag/${owned}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': p.clusterName },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    },
    {
      Sid: 'AllowScopedResourceCreationTagging',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: taggedResources,
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${owned}`]: 'owned',
          'aws:RequestTag/eks:eks-cluster-name': p.clusterName,
          'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'],
        },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    },
    {
      Sid: 'AllowScopedResourceTagging',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: ec2('instance'),
      Condition: {
        StringEquals: { [`aws:ResourceTag/${owned}`]: 'owned' },
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
        StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': p.clusterName },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    },
    {
      Sid: 'AllowScopedDeletion',
      Effect: 'Allow',
      Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      Resource: [ec2('instance'), ec2('launch-template')],
      Condition: {
        StringEquals: { [`aws:ResourceTag/${owned}`]: 'owned' },
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
      },
    },
    {
      Sid: 'AllowRegionalReadActions',
      Effect: 'Allow',
      // Every EC2 read of the reference policy, in this region only.
      Action: KARPENTER_CONTROLLER_ACTIONS.filter((a) => a.startsWith('ec2:Describe')),
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': p.region } },
    },
    {
      Sid: 'AllowSSMReadActions',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      // Public parameters only (EKS-optimised AMI ids).
      Resource: `arn:${PARTITION}:ssm:${p.region}::parameter/aws/service/*`,
    },
    { Sid: 'AllowPricingReadActions', Effect: 'Allow', Action: 'pricing:GetProducts', Resource: '*' },
    {
      Sid: 'AllowInterruptionQueueActions',
      Effect: 'Allow',
      Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      Resource: p.queueArn,
    },
    {
      Sid: 'AllowPassingInstanceRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: p.nodeRoleArn,
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    },
    {
      Sid: 'AllowScopedInstanceProfileCreationActions',
      Effect: 'Allow',
      Action: 'iam:CreateInstanceProfile',
      Resource: instanceProfiles,
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${owned}`]: 'owned',
          'aws:RequestTag/eks:eks-cluster-name': p.clusterName,
          'aws:RequestTag/topology.kubernetes.io/region': p.region,
        },
        StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    },
    {
      Sid: 'AllowScopedInstanceProfileTagActions',
      Effect: 'Allow',
      Action: 'iam:TagInstanceProfile',
      Resource: instanceProfiles,
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${owned}`]: 'owned',
          'aws:ResourceTag/topology.kubernetes.io/region': p.region,
          [`aws:RequestTag/${owned}`]: 'owned',
          'aws:RequestTag/eks:eks-cluster-name': p.clusterName,
          'aws:RequestTag/topology.kubernetes.io/region': p.region,
        },
        StringLike: {
          'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*',
          'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*',
        },
      },
    },
    {
      Sid: 'AllowScopedInstanceProfileActions',
      Effect: 'Allow',
      Action: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
      Resource: instanceProfiles,
      Condition: {
        StringEquals: { [`aws:ResourceTag/${owned}`]: 'owned', 'aws:ResourceTag/topology.kubernetes.io/region': p.region },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    },
    { Sid: 'AllowInstanceProfileReadActions', Effect: 'Allow', Action: 'iam:GetInstanceProfile', Resource: instanceProfiles },
    // Listing cannot be scoped to resources; Karpenter uses it to garbage-collect its profiles.
    { Sid: 'AllowUnscopedInstanceProfileListAction', Effect: 'Allow', Action: 'iam:ListInstanceProfiles', Resource: '*' },
    { Sid: 'AllowAPIServerEndpointDiscovery', Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: p.clusterArn },
    // Read only, and only for this cluster: the action takes no resource ARN, the condition names the cluster.
    {
      Sid: 'AllowZonalShiftStatusReadOnly',
      Effect: 'Allow',
      Action: 'arc-zonal-shift:GetManagedResource',
      Resource: '*',
      Condition: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': p.clusterArn } },
    },
  ];
}
