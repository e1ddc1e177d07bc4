/**
 * Per-cloud egress of the RAG pods to cloud services (the in-namespace rules are in rag.ts; DNS
 * egress and the default deny come from the platform chart).
 *
 * API (HTTPS only, plus the AWS credential agent):
 * - AWS: the VPC CIDR on 443: the bedrock-runtime and STS interface endpoints (private DNS
 *   resolves them to ENIs in the private subnets); the EKS Pod Identity agent
 *   (169.254.170.23:80); and S3 for the documents bucket. S3 is reached through the VPC's
 *   *gateway* endpoint, which changes the route but not the addresses: the pod still connects to
 *   S3's public IPs, so the rule is 443 to 0.0.0.0/0 except RFC1918 (S3's prefix list is not
 *   expressible in a NetworkPolicy).
 * - Azure: the endpoints subnet on 443 (the Azure OpenAI private endpoint in every stage, the
 *   storage account's blob private endpoint in prod) and public 443 except RFC1918 for Entra ID's
 *   token exchange (login.microsoftonline.com; in dev also the storage account's public endpoint).
 *
 * Milvus and its dependencies: object storage only, the same per-cloud rules as every workload's
 * cloud storage for Milvus's identity: on AWS IRSA, so STS's interface endpoint in the VPC (not the Pod
 * Identity agent) and S3 at public addresses; Azure the endpoints subnet in prod plus public 443
 * (Entra ID, dev blob).
 */
import type { NetworkPolicyEgressRule } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { MILVUS_AWS_IDENTITY } from '../../src/model/workloads/rag/identities';
import { cloudEgress, storageEgress } from '../lib/network';

export function apiCloudEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  // Bedrock and Azure OpenAI sit behind private endpoints in every stage.
  return cloudEgress(ctx, { aws: { interfaceEndpoints: true, podIdentityAgent: true }, azure: { privateEndpoints: 'always' } });
}

export function milvusCloudEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  return cloudEgress(ctx, storageEgress(MILVUS_AWS_IDENTITY));
}
