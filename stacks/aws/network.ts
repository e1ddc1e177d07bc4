/**
 * Network layer: a VPC over the model's zones with private (nodes, pods, control-plane ENIs) and
 * public (load balancers, NAT) subnets, NAT egress, VPC flow logs to an encrypted log group, and a
 * default security group with no rules. Also owns the KMS key of every CloudWatch log group of the
 * stack, since flow logs are its first user.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet, type SubnetConfig } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Fn, Token } from 'cdktf';
import { awsSubnetLayout } from '../../src/model/cidr';
import type { AwsStack } from '../constructs/platform-stack';
import { arns, kmsKeyPolicy, logRetentionDays, PARTITION, policyDocument, serviceTrustPolicy } from './iam';

export interface AwsNetwork {
  readonly vpc: Vpc;
  readonly privateSubnets: readonly Subnet[];
  readonly publicSubnets: readonly Subnet[];
  /** One per private subnet, same order (the S3 gateway endpoint adds its routes to these). */
  readonly privateRouteTables: readonly RouteTable[];
  /** Encrypts every CloudWatch log group of the stack (flow logs, EKS control plane). */
  readonly logsKey: KmsKey;
}

export function buildNetwork(stack: AwsStack): AwsNetwork {
  const { ctx } = stack;
  const { env } = ctx;
  const names = ctx.names.aws;
  const prefix = ctx.names.prefix;
  const arn = arns(ctx);
  const layout = awsSubnetLayout(env.network.cidr, env.network.zones);

  // Only zones enabled by default: opt-in (Local/Wavelength) zones lack EKS and most instance types.
  const zones = new DataAwsAvailabilityZones(stack, 'available_zones', {
    state: 'available',
    filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
  });
  const zoneName = (i: number): string => Token.asString(Fn.element(zones.names, i));

  // One key for all log groups; the logs service may use it only for this stack's log groups.
  const logsKey = new KmsKey(stack, 'logs_kms_key', {
    description: `${prefix} CloudWatch log groups`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: kmsKeyPolicy(arn.accountRoot, [
      {
        Sid: 'AllowCloudWatchLogs',
        Effect: 'Allow',
        Principal: { Service: `logs.${env.region}.amazonaws.com` },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        Condition: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': [arn.logGroup(names.flowLogGroupName), arn.logGroup(names.clusterLogGroupName)],
          },
        },
      },
    ]),
    tags: { Name: `${prefix}-logs` },
  });
  new KmsAlias(stack, 'logs_kms_alias', { name: names.logsKmsAlias, targetKeyId: logsKey.keyId });

  const vpc = new Vpc(stack, 'vpc', {
    cidrBlock: env.network.cidr,
    // Both required for the private EKS endpoint and for VPC endpoints' private DNS.
    enableDnsSupport: true,
    enableDnsHostnames: true,
    tags: { Name: names.vpcName },
  });

  // Adopting the default security group strips its rules: nothing can use it by accident.
  new DefaultSecurityGroup(stack, 'default_security_group', {
    vpcId: vpc.id,
    ingress: [],
    egress: [],
    tags: { Name: `${prefix}-default-deny` },
  });

  // One subnet per zone and tier; the role tags tell load balancers (and Karpenter) which tier is which.
  const subnets = (tier: 'public' | 'private', config: Pick<SubnetConfig, 'mapPublicIpOnLaunch'>, tags: Record<string, string>) =>
    layout[tier].map(
      (cidr, i) =>
        new Subnet(stack, `${tier}_subnet_${i}`, {
          vpcId: vpc.id,
          cidrBlock: cidr,
          availabilityZone: zoneName(i),
          ...config,
          tags: { Name: `${prefix}-${tier}-${i}`, ...tags },
        }),
    );
  // Only load balancers and NAT gateways live in the public tier; they get their addresses explicitly.
  const publicSubnets = subnets('public', { mapPublicIpOnLaunch: false }, { 'kubernetes.io/role/elb': '1' });
  const privateSubnets = subnets('private', {}, { 'kubernetes.io/role/internal-elb': '1', 'karpenter.sh/discovery': names.clusterName });

  const igw = new InternetGateway(stack, 'internet_gateway', { vpcId: vpc.id, tags: { Name: prefix } });
  const publicRouteTable = new RouteTable(stack, 'public_route_table', { vpcId: vpc.id, tags: { Name: `${prefix}-public` } });
  new Route(stack, 'public_default_route', {
    routeTableId: publicRouteTable.id,
    destinationCidrBlock: '0.0.0.0/0',
    gatewayId: igw.id,
  });
  publicSubnets.forEach(
    (subnet, i) => new RouteTableAssociation(stack, `public_route_table_association_${i}`, { subnetId: subnet.id, routeTableId: publicRouteTable.id }),
  );

  // Prod: a NAT gateway per zone, so losing a zone does not cut egress for the others. Dev: one, for cost.
  const natCount = env.stage === 'prod' ? env.network.zones : 1;
  const natGateways = [...Array(natCount).keys()].map((i) => {
    const eip = new Eip(stack, `nat_eip_${i}`, { domain: 'vpc', tags: { Name: `${prefix}-nat-${i}` }, dependsOn: [igw] });
    return new NatGateway(stack, `nat_gateway_${i}`, {
      allocationId: eip.allocationId,
      subnetId: publicSubnets[i].id,
      connectivityType: 'public',
      tags: { Name: `${prefix}-${i}` },
      dependsOn: [igw],
    });
  });
  const privateRouteTables = privateSubnets.map((subnet, i) => {
    const table = new RouteTable(stack, `private_route_table_${i}`, { vpcId: vpc.id, tags: { Name: `${prefix}-private-${i}` } });
    new Route(stack, `private_default_route_${i}`, {
      routeTableId: table.id,
      destinationCidrBlock: '0.0.0.0/0',
      natGatewayId: natGateways[Math.min(i, natGateways.length - 1)].id,
    });
    new RouteTableAssociation(stack, `private_route_table_association_${i}`, { subnetId: subnet.id, routeTableId: table.id });
    return table;
  });

  // Flow logs: the traffic the model chooses per stage (dev: rejected only), to a KMS-encrypted log group.
  const flowLogGroup = new CloudwatchLogGroup(stack, 'flow_log_group', {
    name: names.flowLogGroupName,
    retentionInDays: logRetentionDays(ctx),
    kmsKeyId: logsKey.arn,
  });
  const flowLogRole = new IamRole(stack, 'flow_log_role', {
    name: names.flowLogRoleName,
    description: `VPC flow logs of ${names.vpcName}`,
    // Confused-deputy protection: only flow logs of this account may assume the role.
    assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com', ['sts:AssumeRole'], {
      StringEquals: { 'aws:SourceAccount': arn.account },
      ArnLike: { 'aws:SourceArn': `arn:${PARTITION}:ec2:${env.region}:${arn.account}:vpc-flow-log/*` },
    }),
  });
  new IamRolePolicy(stack, 'flow_log_role_policy', {
    name: 'write-flow-logs',
    role: flowLogRole.id,
    policy: policyDocument([
      {
        Sid: 'WriteFlowLogGroup',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: [flowLogGroup.arn, `${flowLogGroup.arn}:*`],
      },
    ]),
  });
  new FlowLog(stack, 'flow_log', {
    vpcId: vpc.id,
    trafficType: env.aws.logging.flowLogTraffic,
    logDestinationType: 'cloud-watch-logs',
    logDestination: flowLogGroup.arn,
    iamRoleArn: flowLogRole.arn,
    maxAggregationInterval: 60,
    tags: { Name: `${prefix}-flow-log` },
  });

  return { vpc, privateSubnets, publicSubnets, privateRouteTables, logsKey };
}
