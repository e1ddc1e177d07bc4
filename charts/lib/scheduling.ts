/**
 * Per-cloud placement of interruptible pods (EDW consumers, Spark executors) on Spot capacity, and of
 * pods that must not be interrupted (Spark drivers) on on-demand capacity.
 *
 * Spot:
 * - AWS: required node affinity on the pool label of the model's spot pools, so Karpenter
 *   provisions from those NodePools (charts/platform/karpenter.ts labels their nodes), and a
 *   toleration of the platform's Spot taint on them.
 * - Azure: AKS labels Spot nodes `kubernetes.azure.com/scalesetpriority=spot` and taints them with
 *   AZURE_SPOT_TAINT: required affinity on the label plus the pool label (keeps the consumers off
 *   Spot GPU pools, which the GPU taint guards as well), and a toleration of the taint.
 * Without spot pools in the model the pods schedule normally.
 */
import type { Affinity, Toleration } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import type { CapacityType, Cloud } from '../../src/model/types';
import { CAPACITY_LABEL, GPU_TAINT, POOL_LABEL, SPOT_NODES, type Taint } from '../../src/model/scheduling';

/** The toleration of exactly one taint (key, value and effect). */
export function tolerate(taint: Taint): Toleration {
  return { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect };
}

export interface Placement {
  readonly affinity?: Affinity;
  readonly tolerations?: Toleration[];
}

export function spotPlacement(ctx: EnvironmentContext): Placement {
  const pools = ctx.env.cluster.spotPools.map((p) => p.name);
  if (pools.length === 0) return {};
  const { labels, taints } = SPOT_NODES[ctx.env.cloud];
  const affinity = requiredNodeAffinity([
    ...labels.map((l) => ({ key: l.key, operator: 'In', values: [l.value] })),
    { key: POOL_LABEL, operator: 'In', values: pools },
  ]);
  return taints.length > 0 ? { affinity, tolerations: taints.map(tolerate) } : { affinity };
}

/** The taints on the nodes of a GPU pool of this capacity: the GPU taint, and on Spot the cloud's Spot taints. */
export function gpuPoolTaints(cloud: Cloud, capacity: CapacityType): Taint[] {
  return [GPU_TAINT, ...(capacity === 'spot' ? SPOT_NODES[cloud].taints : [])];
}

function requiredNodeAffinity(matchExpressions: { key: string; operator: string; values: string[] }[]): Affinity {
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } };
}

/**
 * On-demand nodes: required affinity on the capacity label of the pools that are on-demand only. That selects
 * the system pool (node group on AWS, default pool on AKS) and on-demand GPU pools, whose GPU taint keeps CPU
 * pods off; Karpenter's CPU Spot NodePools carry no capacity label (their nodes may be either), and their taint
 * keeps untolerating pods off them anyway.
 */
export function onDemandPlacement(): Placement {
  return { affinity: requiredNodeAffinity([{ key: CAPACITY_LABEL, operator: 'In', values: ['on-demand'] }]) };
}
