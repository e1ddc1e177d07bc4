/**
 * Per-cloud egress of the MLOps pods (in-namespace rules are in mlops.ts; DNS egress and the
 * default deny come from the platform chart).
 *
 * MLflow:
 * - PostgreSQL (5432): AWS the VPC CIDR (RDS in the private subnets); Azure the VNet CIDR: the
 *   subnet layout (src/model/cidr.ts azureSubnetLayout) has no database subnet yet, so the
 *   Flexible Server's delegated subnet is somewhere in the VNet. Narrow it when the layout gets one.
 * - HTTPS: AWS the VPC CIDR (the STS interface endpoint: MLflow uses IRSA, i.e.
 *   AssumeRoleWithWebIdentity) and public 443 for S3 (gateway endpoint, public addresses); no Pod
 *   Identity agent. Azure: the shared storage egress (endpoints subnet in prod, public 443 for
 *   Entra ID and dev blob).
 *
 * Training: the shared storage egress of Pod Identity (AWS S3 at public addresses + the agent;
 * Azure as above); MLflow on 5000 is an in-namespace rule.
 */
import type { NetworkPolicyEgressRule } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { MLFLOW_AWS_IDENTITY, TRAINING_AWS_IDENTITY } from '../../src/model/workloads/mlops/identities';
import { cloudEgress, storageEgress, tcp, type CloudEgressNeeds } from '../lib/network';
import { POSTGRES_PORT } from './database';

/** Where the MLflow database is reachable from pods. */
export function databaseCidr(ctx: EnvironmentContext): string {
  return ctx.env.network.cidr;
}

/** PostgreSQL, for MLflow and the database-user Job. */
const databaseEgress = (ctx: EnvironmentContext): NetworkPolicyEgressRule => ({ to: [{ ipBlock: { cidr: databaseCidr(ctx) } }], ports: tcp(POSTGRES_PORT) });

export function mlflowCloudEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  return [databaseEgress(ctx), ...cloudEgress(ctx, storageEgress(MLFLOW_AWS_IDENTITY))];
}

/**
 * The database-user Job: PostgreSQL, and its secret store. AWS: STS (IRSA) at the VPC's interface endpoint and
 * Secrets Manager at public addresses. Azure: the vault's private endpoint (every stage) and Entra ID at public addresses.
 */
export function databaseUserEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  const needs: CloudEgressNeeds = { ...storageEgress(MLFLOW_AWS_IDENTITY), azure: { privateEndpoints: 'always' } };
  return [databaseEgress(ctx), ...cloudEgress(ctx, needs)];
}

export function trainingCloudEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  return cloudEgress(ctx, storageEgress(TRAINING_AWS_IDENTITY));
}
