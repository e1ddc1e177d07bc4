/**
 * AWS stacks of one environment: the `platform` stack holding the network and cluster layers, and
 * one stack per workload that has cloud resources of its own (`edw`, `rag`, `mlops`, `lakehouse`). Every layer
 * creates its resources with the stack as scope, so construct ids are Terraform logical ids (no
 * path hashes).
 */
import type { App } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { PLATFORM_STACK } from '../../src/model/naming';
import type { CloudStacks } from '../cloud-stacks';
import { addOutputs, PlatformStack, type AwsStack } from '../constructs/platform-stack';
import { buildCluster, buildNodeAddons } from './cluster';
import { buildClusterAutoscaler } from './cluster-autoscaler';
import { edwStack } from './edw';
import { buildEndpoints } from './endpoints';
import { buildKeda } from './keda';
import { buildKarpenter } from './karpenter';
import { buildMetricsWorkspace, buildPrometheusRemoteWrite } from './metrics-store';
import { lakehouseStack } from './lakehouse';
import { mlopsStack } from './mlops';
import { buildNetwork } from './network';
import { buildNodeGroups } from './node-groups';
import { buildProvider } from './provider';
import { ragStack } from './rag';
import { buildBudget } from './budget';
import { buildRegistry } from './registry';

function platformStack(app: App, ctx: EnvironmentContext<'aws'>): AwsStack {
  const stack = new PlatformStack<'aws'>(app, PLATFORM_STACK, ctx);
  buildProvider(stack);
  const network = buildNetwork(stack);
  // Where observability.managedStore is on: the Amazon Managed Service for Prometheus workspace.
  const metricsWorkspace = buildMetricsWorkspace(stack);
  // Private paths to S3, STS, EKS Auth, (with RAG) Bedrock and (with the metrics workspace) its data plane for nodes and pods.
  buildEndpoints(stack, network, metricsWorkspace);
  const cluster = buildCluster(stack, network);
  const nodeGroups = buildNodeGroups(stack, network, cluster);
  buildNodeAddons(stack, cluster.cluster, nodeGroups.systemNodeGroup);
  const karpenter = buildKarpenter(stack, cluster);
  // Cluster Autoscaler's role, only where a managed node group scales.
  buildClusterAutoscaler(stack, cluster.cluster);
  // The KEDA operator's role, only when a workload scales with KEDA.
  buildKeda(stack, cluster);
  buildRegistry(stack);
  buildBudget(stack);
  // Prometheus's remote-write role, only with the workspace.
  if (metricsWorkspace) buildPrometheusRemoteWrite(stack, metricsWorkspace, cluster.cluster);

  // Read by later steps (outputs/<env>.json); names match the model's, the values are Terraform's.
  addOutputs(stack, {
    cluster_name: { value: cluster.cluster.name, description: 'EKS cluster name' },
    cluster_endpoint: { value: cluster.cluster.endpoint, description: 'EKS API server endpoint' },
    oidc_issuer_url: { value: cluster.cluster.identity.get(0).oidc.get(0).issuer, description: 'OIDC issuer URL of the cluster (IRSA)' },
    oidc_provider_arn: { value: cluster.oidcProvider.arn, description: 'IAM OIDC provider ARN (IRSA)' },
    node_role_name: { value: nodeGroups.nodeRole.name, description: 'IAM role of the managed node groups' },
    karpenter_node_role_name: { value: karpenter.nodeRole.name, description: 'IAM role of Karpenter nodes (EC2NodeClass spec.role)' },
    karpenter_interruption_queue_name: { value: karpenter.interruptionQueue.name, description: 'SQS queue of Karpenter interruption events' },
    vpc_id: { value: network.vpc.id, description: 'VPC id (AWS Load Balancer Controller --aws-vpc-id)' },
  });

  return stack;
}

/** The AWS stacks: the platform's and one per workload, each in a state of its own. */
export const AWS_STACKS: CloudStacks<'aws'> = {
  platform: platformStack,
  workloads: { edw: edwStack, rag: ragStack, mlops: mlopsStack, lakehouse: lakehouseStack },
};
