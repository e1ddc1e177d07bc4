import type { App } from 'cdktf';
import { TerraformOutput } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { PlatformStack } from '../constructs/platform-stack';
import { addCluster } from './cluster';
import { buildAzureEdwStack } from './edw';
import { buildAzureLakehouseStack } from './lakehouse';
import { buildAzureMlopsStack } from './mlops';
import { addClusterMonitoring, addMonitoring } from './monitoring';
import { addNetwork } from './network';
import { addNodePools } from './node-pools';
import { addPrivateDnsZones } from './private-dns';
import { addProvider } from './provider';
import { buildAzureRagStack } from './rag';
import { addRegistry } from './registry';

/** Name of the one Azure stack per environment (its state key is `<env>/platform.tfstate`). */
export const AZURE_PLATFORM_STACK = 'platform';

/**
 * Azure stacks of one environment: `platform` holds the network and cluster layers and the shared private
 * DNS zones; each enabled workload (`edw`, `rag`, `mlops`, `lakehouse`) its own resources, in a state of its own.
 */
export function buildAzureStacks(app: App, ctx: EnvironmentContext): PlatformStack[] {
  const stack = new PlatformStack(app, AZURE_PLATFORM_STACK, ctx);
  addProvider(stack);
  const network = addNetwork(stack);
  addPrivateDnsZones(stack, network);
  const monitoring = addMonitoring(stack, network);
  const cluster = addCluster(stack, network, monitoring);
  addClusterMonitoring(stack, monitoring, cluster.cluster);
  addNodePools(stack, network, cluster);
  const registry = addRegistry(stack, network, cluster);

  // Values only Azure knows, read by synth from `terraform output -json` (see DESIGN.md, "wiring").
  const outputs: Record<string, { value: string; description: string }> = {
    cluster_name: { value: cluster.cluster.name, description: 'AKS cluster name.' },
    oidc_issuer_url: { value: cluster.cluster.oidcIssuerUrl, description: 'OIDC issuer for workload identity federated credentials.' },
    kubelet_identity_client_id: {
      value: cluster.cluster.kubeletIdentity.clientId,
      description: 'Client ID of the kubelet managed identity (pulls from ACR).',
    },
    resource_group_name: { value: network.resourceGroup.name, description: 'Resource group of the platform.' },
    node_resource_group: { value: cluster.cluster.nodeResourceGroup, description: 'AKS-managed node resource group.' },
    acr_login_server: { value: registry.registry.loginServer, description: 'ACR login server (image prefix).' },
  };
  for (const [id, output] of Object.entries(outputs)) new TerraformOutput(stack, id, output);
  const stacks = [stack];
  if (ctx.env.edw) stacks.push(buildAzureEdwStack(app, ctx));
  if (ctx.env.rag) stacks.push(buildAzureRagStack(app, ctx));
  if (ctx.env.mlops) stacks.push(buildAzureMlopsStack(app, ctx));
  if (ctx.env.lakehouse) stacks.push(buildAzureLakehouseStack(app, ctx));
  return stacks;
}
