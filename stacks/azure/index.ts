import type { App } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { PLATFORM_STACK } from '../../src/model/naming';
import type { CloudStacks } from '../cloud-stacks';
import { addOutputs, PlatformStack, type AzureStack } from '../constructs/platform-stack';
import { buildCluster } from './cluster';
import { edwStack } from './edw';
import { lakehouseStack } from './lakehouse';
import { mlopsStack } from './mlops';
import { buildClusterMonitoring, buildManagedPrometheus, buildMonitoring } from './monitoring';
import { buildNetwork } from './network';
import { buildNodePools } from './node-pools';
import { buildPrivateDnsZones } from './private-dns';
import { buildProvider } from './provider';
import { ragStack } from './rag';
import { buildBudget } from './budget';
import { buildRegistry } from './registry';

/**
 * Azure stacks of one environment: `platform` holds the network and cluster layers and the shared private
 * DNS zones; each enabled workload (`edw`, `rag`, `mlops`, `lakehouse`) its own resources, in a state of its own.
 */
function platformStack(app: App, ctx: EnvironmentContext<'azure'>): AzureStack {
  const stack = new PlatformStack<'azure'>(app, PLATFORM_STACK, ctx);
  buildProvider(stack);
  const network = buildNetwork(stack);
  buildPrivateDnsZones(stack, network);
  const monitoring = buildMonitoring(stack, network);
  const cluster = buildCluster(stack, network, monitoring);
  buildClusterMonitoring(stack, monitoring, cluster.cluster);
  // Where observability.managedStore is on: the Azure Monitor workspace Prometheus remote-writes to.
  buildManagedPrometheus(stack, network, cluster.cluster);
  buildNodePools(stack, network, cluster);
  const registry = buildRegistry(stack, network, cluster);
  buildBudget(stack);

  // Values only Azure knows, read by synth from `terraform output -json` (see DESIGN.md, "wiring").
  addOutputs(stack, {
    cluster_name: { value: cluster.cluster.name, description: 'AKS cluster name.' },
    oidc_issuer_url: { value: cluster.cluster.oidcIssuerUrl, description: 'OIDC issuer for workload identity federated credentials.' },
    kubelet_identity_client_id: {
      value: cluster.cluster.kubeletIdentity.clientId,
      description: 'Client ID of the kubelet managed identity (pulls from ACR).',
    },
    resource_group_name: { value: network.resourceGroup.name, description: 'Resource group of the platform.' },
    node_resource_group: { value: cluster.cluster.nodeResourceGroup, description: 'AKS-managed node resource group.' },
    acr_login_server: { value: registry.registry.loginServer, description: 'ACR login server (image prefix).' },
  });
  return stack;
}

/** The Azure stacks: the platform's and one per workload, each in a state of its own. */
export const AZURE_STACKS: CloudStacks<'azure'> = {
  platform: platformStack,
  workloads: { edw: edwStack, rag: ragStack, mlops: mlopsStack, lakehouse: lakehouseStack },
};
