/**
 * Per-cloud egress of the EDW pods: HTTPS to the cloud endpoints only. The platform chart's
 * default deny and DNS policies already cover the namespace; nothing may connect to the pods
 * (kubelet probes are not subject to NetworkPolicy), so there is no ingress rule.
 * - AWS: SQS, DynamoDB and STS are public endpoints (the VPC has no interface endpoints): TCP 443
 *   anywhere but private ranges, plus the EKS Pod Identity agent on the node (169.254.170.23:80).
 * - Azure prod: the storage account is reachable only through private endpoints in the endpoints
 *   subnet; dev uses its public endpoint. Both need Entra ID (login.microsoftonline.com, public)
 *   for the workload identity token exchange, so public 443 stays open in both.
 */
import { IntOrString, type NetworkPolicyEgressRule } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { azureSubnetLayout } from '../../src/model/cidr';

export const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;
/** The EKS Pod Identity agent's link-local address (IPv4); it serves credentials over plain HTTP. */
export const EKS_POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

const tcp = (port: number) => [{ protocol: 'TCP', port: IntOrString.fromNumber(port) }];
const publicHttps: NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...RFC1918] } }], ports: tcp(443) };

export function cloudEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  const { env } = ctx;
  if (env.cloud === 'aws') {
    return [publicHttps, { to: [{ ipBlock: { cidr: EKS_POD_IDENTITY_AGENT.cidr } }], ports: tcp(EKS_POD_IDENTITY_AGENT.port) }];
  }
  if (env.stage === 'prod') {
    return [{ to: [{ ipBlock: { cidr: azureSubnetLayout(env.network.cidr).endpoints } }], ports: tcp(443) }, publicHttps];
  }
  return [publicHttps];
}
