/**
 * VPC endpoints layer of the platform stack: what nodes and pods reach privately, without NAT.
 *
 * - S3 and DynamoDB gateway endpoints on the private route tables (always; gateway endpoints are free):
 *   image layers from ECR live in S3, workload buckets and tables are used without leaving the AWS
 *   network, and none of it pays NAT data processing.
 * - Interface endpoints with private DNS in the private subnets, behind one security group that
 *   accepts TCP 443 from the VPC CIDR only (no egress rules: a security group is stateful):
 *   - `sts` (always): IRSA's AssumeRoleWithWebIdentity and role chaining (KEDA's scaler role);
 *   - `eks-auth` (always): the EKS Pod Identity agent's AssumeRoleForPodIdentity, which every
 *     workload role of the platform uses (Pod Identity does not go through STS);
 *   - `bedrock-runtime` (when the RAG platform is enabled), with an endpoint policy that allows only
 *     InvokeModel / InvokeModelWithResponseStream on the models' ARNs (an inference profile with the foundation model in each destination region), by principals
 *     of this account (defence in depth behind the RAG API role's own policy);
 *   - `glue` (when the lakehouse is enabled): the Iceberg catalog calls of Spark drivers and executors;
 *   - `aps-workspaces` (with the managed metrics store, metrics-store.ts): Prometheus's remote write and Grafana's
 *     queries, with an endpoint policy that allows only aps:RemoteWrite and the query actions on this environment's
 *     workspace, by this account's principals.
 */
import { platformNeeds } from '../../src/model/workloads';
import type { PrometheusWorkspace } from '@cdktf/provider-aws/lib/prometheus-workspace';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { AwsStack } from '../constructs/platform-stack';
import { policyDocument } from './iam';
import { QUERY_ACTIONS, REMOTE_WRITE_ACTIONS } from './metrics-store';
import type { AwsNetwork } from './network';

/** Bedrock actions the RAG API needs; the endpoint policy and the API role grant exactly these. */
export const BEDROCK_INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] as const;

/** Interface endpoints every AWS environment gets (service name suffixes). */
export const ALWAYS_INTERFACE_ENDPOINTS = ['sts', 'eks-auth'] as const;

/** Gateway endpoints every AWS environment gets: routes to the services' prefix lists, no charge. */
export const GATEWAY_ENDPOINTS = ['s3', 'dynamodb'] as const;

export interface AwsEndpoints {
  /** Keyed by service (`s3`, `dynamodb`). */
  readonly gateways: Readonly<Record<(typeof GATEWAY_ENDPOINTS)[number], VpcEndpoint>>;
  readonly securityGroup: SecurityGroup;
  /** Keyed by service (`sts`, `eks-auth`, `bedrock-runtime`, `glue`, `aps-workspaces`). */
  readonly interfaces: Readonly<Record<string, VpcEndpoint>>;
}

/** A VPC endpoint service's name (also the name of a gateway service's managed prefix list). */
export function awsServiceName(region: string, service: string): string {
  return `com.amazonaws.${region}.${service}`;
}

export function buildEndpoints(stack: AwsStack, network: AwsNetwork, metricsWorkspace?: PrometheusWorkspace): AwsEndpoints {
  const { ctx } = stack;
  const { env } = ctx;
  const prefix = ctx.names.prefix;
  const serviceName = (service: string) => awsServiceName(env.region, service);

  const gateway = (service: (typeof GATEWAY_ENDPOINTS)[number]): VpcEndpoint =>
    new VpcEndpoint(stack, `${service}_gateway_endpoint`, {
      vpcId: network.vpc.id,
      serviceName: serviceName(service),
      vpcEndpointType: 'Gateway',
      routeTableIds: network.privateRouteTables.map((t) => t.id),
      tags: { Name: `${prefix}-${service}` },
    });
  const gateways = Object.fromEntries(GATEWAY_ENDPOINTS.map((service) => [service, gateway(service)])) as AwsEndpoints['gateways'];

  const securityGroup = new SecurityGroup(stack, 'vpc_endpoints_security_group', {
    name: `${prefix}-vpc-endpoints`,
    description: `Interface VPC endpoints of ${ctx.names.aws.vpcName}: HTTPS from the VPC only`,
    vpcId: network.vpc.id,
    tags: { Name: `${prefix}-vpc-endpoints` },
  });
  new VpcSecurityGroupIngressRule(stack, 'vpc_endpoints_https_from_vpc', {
    securityGroupId: securityGroup.id,
    description: 'HTTPS from the VPC',
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    cidrIpv4: env.network.cidr,
    tags: { Name: `${prefix}-vpc-endpoints-https` },
  });

  const interfaceEndpoint = (service: string, policy?: string): VpcEndpoint =>
    new VpcEndpoint(stack, `${service.replace(/-/g, '_')}_endpoint`, {
      vpcId: network.vpc.id,
      serviceName: serviceName(service),
      vpcEndpointType: 'Interface',
      privateDnsEnabled: true,
      subnetIds: network.privateSubnets.map((s) => s.id),
      securityGroupIds: [securityGroup.id],
      ...(policy ? { policy } : {}),
      tags: { Name: `${prefix}-${service}` },
    });

  // An endpoint policy: these actions on these resources, by this account's principals only (the endpoint cannot
  // carry other accounts' credentials out), as defence in depth behind the callers' own roles.
  const accountOnly = (sid: string, actions: readonly string[], resource: string | string[]): string =>
    policyDocument([
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: '*',
        Action: [...actions],
        Resource: resource,
        Condition: { StringEquals: { 'aws:PrincipalAccount': env.aws.accountId } },
      },
    ]);

  const interfaces: Record<string, VpcEndpoint> = {};
  for (const service of ALWAYS_INTERFACE_ENDPOINTS) interfaces[service] = interfaceEndpoint(service);

  const needed = platformNeeds(env).awsInterfaceEndpoints;
  const rag = ctx.names.rag?.aws;
  if (needed.includes('bedrock-runtime')) {
    if (!rag) throw new Error(`${env.name}: the bedrock-runtime endpoint's policy names the RAG platform's models, and the RAG platform is off`);
    interfaces['bedrock-runtime'] = interfaceEndpoint('bedrock-runtime', accountOnly('InvokeConfiguredModels', BEDROCK_INVOKE_ACTIONS, [...rag.modelArns]));
  }

  // The Glue Data Catalog, Iceberg's catalog: table commits stay inside the VPC.
  if (needed.includes('glue')) interfaces.glue = interfaceEndpoint('glue');

  // The Prometheus-compatible data plane (the control plane is `aps`, which nothing in the cluster calls).
  // Prometheus writes and Grafana queries through it (metrics-store.ts): the two roles' actions, nothing else.
  if (metricsWorkspace)
    interfaces['aps-workspaces'] = interfaceEndpoint(
      'aps-workspaces',
      policyDocument(
        [
          { sid: 'RemoteWriteToTheWorkspace', actions: REMOTE_WRITE_ACTIONS },
          { sid: 'QueryTheWorkspace', actions: QUERY_ACTIONS },
        ].map(({ sid, actions }) => ({
          Sid: sid,
          Effect: 'Allow' as const,
          Principal: '*',
          Action: [...actions],
          Resource: metricsWorkspace.arn,
          Condition: { StringEquals: { 'aws:PrincipalAccount': env.aws.accountId } },
        })),
      ),
    );

  return { gateways, securityGroup, interfaces };
}
