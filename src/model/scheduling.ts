/**
 * Scheduling contracts that the stacks (which label and taint node pools), the platform charts
 * (which create priority classes and NodePools) and the workload charts (which select and tolerate
 * them) must agree on. Written once, here.
 */
import type { Cloud } from './types';

/** PriorityClass names, created by PlatformChart. */
export const PRIORITY_CLASSES = {
  /** Platform operators and controllers (External Secrets, KEDA, GitOps agents, …). */
  platformCritical: 'platform-critical',
  /** Latency-sensitive online serving (inference endpoints, APIs). */
  online: 'online-serving',
  /** Batch jobs and training: queued ahead of default pods but never preempt anything. */
  batch: 'batch',
} as const;

/** Label set on every node of a named pool (Karpenter NodePool template label). */
export const POOL_LABEL = 'platform-synth.io/pool';
/** `spot` or `on-demand`: the capacity class a pool is meant for. */
export const CAPACITY_LABEL = 'platform-synth.io/capacity';

/** Taint on every GPU node; GPU pods tolerate it, nothing else lands on GPU nodes. */
export const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' } as const;
/** AKS taints every Spot node with this; pods meant for Spot tolerate it. */
export const AZURE_SPOT_TAINT = { key: 'kubernetes.azure.com/scalesetpriority', value: 'spot', effect: 'NoSchedule' } as const;

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** `key=value:Effect`, the form AKS node pools and kubectl take. */
export function taintString(taint: Taint): string {
  return `${taint.key}=${taint.value}:${taint.effect}`;
}

/** The extended resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/**
 * How each cloud marks its Spot nodes beyond the pool label: AKS labels and taints them
 * `kubernetes.azure.com/scalesetpriority=spot`; Karpenter's Spot nodes carry neither (their NodePools
 * label them with the pool, charts/platform/karpenter.ts). Pods meant for Spot select the labels and
 * tolerate the taints.
 */
export const SPOT_NODES: { readonly [C in Cloud]: { readonly labels: readonly NodeLabel[]; readonly taints: readonly Taint[] } } = {
  aws: { labels: [], taints: [] },
  azure: { labels: [{ key: AZURE_SPOT_TAINT.key, value: AZURE_SPOT_TAINT.value }], taints: [AZURE_SPOT_TAINT] },
};

export interface NodeLabel {
  readonly key: string;
  readonly value: string;
}
