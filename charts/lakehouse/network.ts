/**
 * Egress of the Spark pods beyond their own driver/executor traffic (in lakehouse.ts; DNS egress and the
 * default deny come from the platform chart). Drivers call the Kubernetes API to manage executors;
 * drivers and executors call the storage and catalog services.
 *
 * - Storage and catalog for Spark's identity (IRSA on AWS): AWS HTTPS to the VPC (the STS and Glue
 *   interface endpoints) and S3 at public addresses; Azure the storage private endpoints (prod) and
 *   public HTTPS (Entra ID, dev storage accounts).
 * - The API server where the cloud's policy engine sees it (charts/lib/network.ts `apiServerEgress`):
 *   EKS the `kubernetes` ClusterIP, AKS a private API server's endpoint in the system subnet (a public
 *   one is at a public address).
 */
import type { NetworkPolicyEgressRule } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { LAKEHOUSE_AWS_IDENTITY } from '../../src/model/workloads/lakehouse/identities';
import { apiServerEgress, cloudEgress, storageEgress } from '../lib/network';

export function sparkCloudEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  return [...apiServerEgress(ctx), ...cloudEgress(ctx, storageEgress(LAKEHOUSE_AWS_IDENTITY))];
}
