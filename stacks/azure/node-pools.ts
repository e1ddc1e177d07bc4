/** User node pools: Spot CPU pools and GPU pools, all in the user subnet, all scaling from their minimum. */
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import type { CapacityType, NodePoolSpec } from '../../src/model/types';
import type { AzureStack } from '../constructs/platform-stack';
import { nodeZones, tagsOf } from './common';
import { AZURE_SPOT_TAINT, CAPACITY_LABEL, GPU_TAINT, POOL_LABEL, SPOT_NODES, taintString } from '../../src/model/scheduling';
import type { AzureCluster } from './cluster';
import type { AzureNetwork } from './network';

/** AKS puts this taint on every Spot node; declaring it keeps Terraform from showing it as drift. */
export const SPOT_TAINT = taintString(AZURE_SPOT_TAINT);
export const GPU_TAINT_STRING = taintString(GPU_TAINT);
/**
 * The label AKS puts on every Spot pool. node_labels is the pool's whole label set (AKS replaces it on update),
 * so it must be declared: left out, every plan shows its removal and an apply strips it from the nodes.
 */
export const SPOT_NODE_LABELS: Readonly<Record<string, string>> = Object.fromEntries(SPOT_NODES.azure.labels.map((l) => [l.key, l.value]));

/**
 * The pool azurerm creates while it cycles a pool (vm_size, zones, … change in place; azurerm 4.x refuses
 * without one): ≤ 12 lowercase letters and digits, like any pool name.
 */
export function rotationPoolName(pool: string): string {
  return `${pool.slice(0, 9)}tmp`;
}

interface PoolShape {
  readonly name: string;
  readonly spec: NodePoolSpec;
  readonly capacity: CapacityType;
  readonly gpu: boolean;
}

export function buildNodePools(stack: AzureStack, network: AzureNetwork, cluster: AzureCluster): KubernetesClusterNodePool[] {
  const { env } = stack.ctx;
  const shapes: PoolShape[] = [
    ...env.cluster.spotPools.map((p) => ({ name: p.name, spec: p, capacity: 'spot' as const, gpu: false })),
    ...env.cluster.gpuPools.map((p) => ({ name: p.name, spec: p, capacity: p.capacity, gpu: true })),
  ];
  return shapes.map((pool) => buildPool(stack, network, cluster, pool));
}

function buildPool(stack: AzureStack, network: AzureNetwork, cluster: AzureCluster, pool: PoolShape): KubernetesClusterNodePool {
  const spot = pool.capacity === 'spot';
  const taints = [...(pool.gpu ? [GPU_TAINT_STRING] : []), ...(spot ? [SPOT_TAINT] : [])];
  return new KubernetesClusterNodePool(stack, `node_pool_${pool.name}`, {
    name: pool.name,
    kubernetesClusterId: cluster.cluster.id,
    mode: 'User',
    osType: 'Linux',
    // MAJOR.MINOR, as the cluster's: a minor upgrade in the model upgrades the pool after the control plane.
    orchestratorVersion: stack.ctx.env.cluster.kubernetesVersion,
    vmSize: pool.spec.sizes[0],
    vnetSubnetId: network.subnets.user.id,
    autoScalingEnabled: true,
    minCount: pool.spec.min,
    maxCount: pool.spec.max,
    // GPU sizes are often offered in only some zones of a region: leave placement to Azure so scale-up
    // is not blocked by a zone without capacity. CPU Spot pools spread over the model's zones.
    zones: pool.gpu ? undefined : nodeZones(stack.ctx.env),
    temporaryNameForRotation: rotationPoolName(pool.name),
    nodeLabels: { [POOL_LABEL]: pool.name, [CAPACITY_LABEL]: pool.capacity, ...(spot ? SPOT_NODE_LABELS : {}) },
    nodeTaints: taints.length > 0 ? taints : undefined,
    ...(spot
      ? {
          priority: 'Spot',
          evictionPolicy: 'Delete',
          // -1: pay up to the on-demand price, so nodes are evicted for capacity, never for price.
          spotMaxPrice: -1,
          // No upgrade_settings: AKS rejects max surge on Spot pools.
        }
      : {
          priority: 'Regular',
          // One extra node at a time (only on-demand GPU pools get here): GPU quota rarely allows more.
          upgradeSettings: { maxSurge: '1', drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 0 },
        }),
    ...tagsOf(stack),
  });
}
