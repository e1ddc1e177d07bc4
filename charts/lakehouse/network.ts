/**
 * Egress of the Spark pods beyond their own driver/executor traffic (in lakehouse.ts; DNS egress and the
 * default deny come from the platform chart). Drivers call the Kubernetes API to manage executors;
 * drivers and executors call the storage and catalog services.
 *
 * - HTTPS within the VPC / VNet: the API server's private endpoint, AWS's STS and Glue interface
 *   endpoints, Azure's storage private endpoints (prod).
 * - HTTPS to public addresses: S3 (gateway endpoint, public addresses), Entra ID (workload identity
 *   token exchange), dev storage accounts and dev API servers' public endpoints.
 */
import type { NetworkPolicyEgressRule } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { httpsTo, PUBLIC_HTTPS } from '../lib/network';

export function sparkCloudEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  return [httpsTo(ctx.env.network.cidr), PUBLIC_HTTPS];
}
