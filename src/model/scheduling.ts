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
/**
 * The platform's taint on the nodes of Karpenter's Spot NodePools (AWS has no Spot taint of its own): without it
 * any pending pod, a database or an online API included, would be given a Spot node once the system nodes are full.
 * A CPU Spot pool's nodes carry it even when Karpenter falls back to on-demand: it says which pods the pool is for.
 */
export const KARPENTER_SPOT_TAINT = { key: 'platform-synth.io/spot', value: 'true', effect: 'NoSchedule' } as const;

/**
 * Pod annotations that keep a node autoscaler from evicting a running pod to consolidate or scale down (Karpenter's
 * and Cluster Autoscaler's). For pods whose work is lost when moved (Spark executors, training); a Spot
 * interruption still ends them, and Karpenter's NodePool terminationGracePeriod still bounds a node's expiry.
 */
export const DO_NOT_DISRUPT_ANNOTATIONS: Readonly<Record<string, string>> = {
  'karpenter.sh/do-not-disrupt': 'true',
  'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false',
};

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
 * `kubernetes.azure.com/scalesetpriority=spot`; Karpenter's Spot NodePools taint theirs with
 * KARPENTER_SPOT_TAINT (charts/platform/karpenter.ts) and label them with the pool (a CPU Spot pool may
 * fall back to on-demand, so no capacity label: Karpenter's `karpenter.sh/capacity-type` says what the
 * node is). Pods meant for Spot select the labels and tolerate the taints.
 */
export const SPOT_NODES: { readonly [C in Cloud]: { readonly labels: readonly NodeLabel[]; readonly taints: readonly Taint[] } } = {
  aws: { labels: [], taints: [KARPENTER_SPOT_TAINT] },
  azure: { labels: [{ key: AZURE_SPOT_TAINT.key, value: AZURE_SPOT_TAINT.value }], taints: [AZURE_SPOT_TAINT] },
};

export interface NodeLabel {
  readonly key: string;
  readonly value: string;
}

/** The pools of a cluster model that are EKS managed node groups: the system pool and the `node-group` GPU pools. */
interface ClusterPools {
  readonly systemPool: { readonly min: number; readonly max: number };
  readonly gpuPools?: readonly { readonly name: string; readonly min: number; readonly max: number; readonly provisioner?: string }[];
}

/**
 * The names of the EKS managed node groups that must grow or shrink (min < max), which only Cluster Autoscaler
 * does for them (Karpenter provisions its own NodePools, never a node group): `system` and GPU pool names.
 */
export function elasticNodeGroups(cluster: ClusterPools): string[] {
  const groups = [
    { name: 'system', ...cluster.systemPool },
    // `node-group` is the default provisioner (defaults.ts).
    ...(cluster.gpuPools ?? []).filter((p) => (p.provisioner ?? 'node-group') === 'node-group'),
  ];
  return groups.filter((g) => g.min < g.max).map((g) => g.name);
}
