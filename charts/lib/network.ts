/**
 * NetworkPolicy pieces shared by the workload charts. The platform chart's default deny and DNS
 * policies already cover every workload namespace; a chart opens only what its pods need.
 */
import { IntOrString, type NetworkPolicyEgressRule, type NetworkPolicyPeer, type NetworkPolicyPort } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { azureSubnetLayout } from '../../src/model/cidr';

export const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;
/** The EKS Pod Identity agent's link-local address (IPv4); it serves credentials over plain HTTP. */
export const EKS_POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

export const tcp = (port: number): NetworkPolicyPort[] => [{ protocol: 'TCP', port: IntOrString.fromNumber(port) }];

/** HTTPS to one address range. */
export function httpsTo(cidr: string): NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr } }], ports: tcp(443) };
}

/** HTTPS to public addresses only (everything but the private ranges). */
export const PUBLIC_HTTPS: NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...RFC1918] } }], ports: tcp(443) };

/** The node-local EKS Pod Identity agent, where the AWS SDKs fetch the pod's role credentials. */
export const POD_IDENTITY_AGENT_EGRESS: NetworkPolicyEgressRule = {
  to: [{ ipBlock: { cidr: EKS_POD_IDENTITY_AGENT.cidr } }],
  ports: tcp(EKS_POD_IDENTITY_AGENT.port),
};

/** Pods of another namespace, by the name label Kubernetes sets on every namespace. */
export function namespacePeer(namespace: string): NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } };
}

/**
 * HTTPS to the cloud's storage and messaging services through the pod identity:
 * - AWS: the services are reached at public addresses (SQS, DynamoDB; S3 through the VPC's gateway
 *   endpoint, which routes but keeps S3's public addresses): TCP 443 anywhere but private ranges,
 *   plus the EKS Pod Identity agent on the node (169.254.170.23:80).
 * - Azure prod: storage accounts are reachable only through private endpoints in the endpoints
 *   subnet; dev uses their public endpoints. Both need Entra ID (login.microsoftonline.com,
 *   public) for the workload identity token exchange, so public 443 stays open in both.
 */
export function cloudServiceEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  const { env } = ctx;
  if (env.cloud === 'aws') return [PUBLIC_HTTPS, POD_IDENTITY_AGENT_EGRESS];
  if (env.stage === 'prod') return [httpsTo(azureSubnetLayout(env.network.cidr).endpoints), PUBLIC_HTTPS];
  return [PUBLIC_HTTPS];
}
