/**
 * Egress of the model-serving pods: the artifact store (their storage initializers download the
 * model). The servers call nothing else, but Seldon's MLFLOW_SERVER (lightgbm A/B tests): it builds
 * the model's conda environment at every start from the conda channels and PyPI, over the public 443
 * both clouds' rules below already allow. DNS and the default deny come from the platform chart.
 *
 * - AWS (IRSA): the VPC CIDR on 443 for the STS interface endpoint (AssumeRoleWithWebIdentity;
 *   private DNS resolves sts.<region>.amazonaws.com to its ENIs) and S3 at its public addresses
 *   (the gateway endpoint routes but keeps them): 443 anywhere but private ranges. IRSA does not
 *   use the Pod Identity agent, so 169.254.170.23 stays closed.
 * - Azure: the shared storage rules (charts/lib/network.ts): the endpoints subnet in prod, public
 *   443 for Entra ID's token exchange (and the dev storage account).
 */
import type { NetworkPolicyEgressRule } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { SERVING_AWS_IDENTITY } from '../../src/model/workloads/mlops/identities';
import { cloudEgress, storageEgress } from '../lib/network';

export function servingCloudEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  return cloudEgress(ctx, storageEgress(SERVING_AWS_IDENTITY));
}
