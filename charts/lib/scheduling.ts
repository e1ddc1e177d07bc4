/**
 * Per-cloud placement of interruptible pods (EDW consumers, Spark executors) on Spot capacity, and of
 * pods that must not be interrupted (Spark drivers) on on-demand capacity.
 *
 * Spot:
 * - AWS: required node affinity on the pool label of the model's spot pools, so Karpenter
 *   provisions from those NodePools (charts/platform/karpenter.ts labels their nodes).
 * - Azure: AKS labels Spot nodes `kubernetes.azure.com/scalesetpriority=spot` and taints them with
 *   AZURE_SPOT_TAINT: required affinity on the label plus the pool label (keeps the consumers off
 *   Spot GPU pools, which the GPU taint guards as well), and a toleration of the taint.
 * Without spot pools in the model the pods schedule normally.
 */
import type { Affinity, Toleration } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { AZURE_SPOT_TAINT, CAPACITY_LABEL, POOL_LABEL, type Taint } from '../../src/model/scheduling';

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
  const poolExpression = { key: POOL_LABEL, operator: 'In', values: pools };
  if (ctx.env.cloud === 'aws') return { affinity: requiredNodeAffinity([poolExpression]) };
  return {
    affinity: requiredNodeAffinity([{ key: AZURE_SPOT_TAINT.key, operator: 'In', values: [AZURE_SPOT_TAINT.value] }, poolExpression]),
    tolerations: [tolerate(AZURE_SPOT_TAINT)],
  };
}

function requiredNodeAffinity(matchExpressions: { key: string; operator: string; values: string[] }[]): Affinity {
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } };
}

/**
 * On-demand nodes: required affinity on the capacity label every pool carries. That selects the system
 * pool (node group on AWS, default pool on AKS) and on-demand GPU pools, whose GPU taint keeps CPU pods
 * off; Karpenter's Spot NodePools label their nodes `spot` even when they fall back to on-demand.
 */
export function onDemandPlacement(): Placement {
  return { affinity: requiredNodeAffinity([{ key: CAPACITY_LABEL, operator: 'In', values: ['on-demand'] }]) };
}
