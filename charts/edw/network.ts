/**
 * Per-cloud egress of the EDW pods: HTTPS to the cloud endpoints only (charts/lib/network.ts
 * `cloudServiceEgress`). The platform chart's default deny and DNS policies already cover the
 * namespace; nothing may connect to the pods (kubelet probes are not subject to NetworkPolicy),
 * so there is no ingress rule.
 * - AWS: SQS, DynamoDB and STS are public endpoints (the VPC has no interface endpoints for SQS
 *   and DynamoDB): TCP 443 anywhere but private ranges, plus the EKS Pod Identity agent.
 * - Azure prod: the storage account is reachable only through private endpoints in the endpoints
 *   subnet; dev uses its public endpoint. Both need Entra ID for the token exchange.
 */
import type { NetworkPolicyEgressRule } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { cloudServiceEgress } from '../lib/network';

export { EKS_POD_IDENTITY_AGENT, RFC1918 } from '../lib/network';

export function cloudEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  return cloudServiceEgress(ctx);
}
