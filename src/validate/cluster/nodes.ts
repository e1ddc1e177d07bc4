/**
 * The node pools of an environment, from its model (cluster.systemPool, gpuPools, spotPools) and the Karpenter
 * NodePools of its output: what each node is (sizes with their vCPUs and GPUs from src/model/catalog.ts), how it
 * is labelled and tainted (as stacks/aws/node-groups.ts, stacks/azure/node-pools.ts and the NodePools write it),
 * its capacity type, its bounds and who scales it.
 */
import { describeSize } from '../../model/catalog';
import { AZURE_SPOT_TAINT, CAPACITY_LABEL, GPU_TAINT, POOL_LABEL, type Taint } from '../../model/scheduling';
import type { Environment } from '../../model/types';
import type { K8sObject } from '../output';

export interface NodeSize {
  readonly name: string;
  /** Undefined where the catalog does not know the size. */
  readonly vcpus?: number;
  readonly gpus?: number;
}

export interface NodePool {
  readonly name: string;
  /** Where it is defined: the model's managed pools, or a Karpenter NodePool of the output. */
  readonly source: 'system' | 'gpu' | 'spot' | 'karpenter';
  readonly capacity: 'on-demand' | 'spot' | 'mixed';
  readonly sizes: readonly NodeSize[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly min: number;
  /** Undefined where nothing bounds it (a NodePool without a node or CPU limit). */
  readonly max?: number;
  /** Who adds and removes its nodes: the cloud's autoscaler setting of the pool, Karpenter, or nobody (fixed size, or nothing installed). */
  readonly scaledBy: 'karpenter' | 'aks-autoscaler' | 'node-group' | 'fixed';
}

const sizes = (env: Environment, names: readonly string[]): NodeSize[] =>
  names.map((name) => {
    const info = describeSize(env.cloud, name);
    return info ? { name, vcpus: info.vcpus, gpus: info.gpus } : { name };
  });

/** An EKS managed node group has a min/max but scales only with an autoscaler; AKS pools scale with their own (enable_auto_scaling). */
const managedScaler = (env: Environment, min: number, max: number): NodePool['scaledBy'] =>
  min === max ? 'fixed' : env.cloud === 'azure' ? 'aks-autoscaler' : 'node-group';

type Json = Record<string, any>;

function karpenterPool(obj: K8sObject, env: Environment): NodePool {
  const template = (obj.spec as Json | undefined)?.template ?? {};
  const requirements: Json[] = Array.isArray(template.spec?.requirements) ? template.spec.requirements : [];
  const values = (key: string): string[] => requirements.filter((r) => r.key === key && r.operator === 'In').flatMap((r) => r.values ?? []);
  const capacityTypes = values('karpenter.sh/capacity-type');
  const capacity = capacityTypes.length === 1 && capacityTypes[0] === 'on-demand' ? 'on-demand' : capacityTypes.includes('on-demand') ? 'mixed' : 'spot';
  const limits = (obj.spec as Json | undefined)?.limits ?? {};
  return {
    name: obj.metadata.name,
    source: 'karpenter',
    capacity,
    sizes: sizes(env, values('node.kubernetes.io/instance-type')),
    labels: { ...(template.metadata?.labels ?? {}) },
    taints: Array.isArray(template.spec?.taints) ? template.spec.taints : [],
    min: 0,
    ...(typeof limits.nodes === 'number' ? { max: limits.nodes } : {}),
    scaledBy: 'karpenter',
  };
}

export function nodePoolsOf(env: Environment, objects: readonly K8sObject[]): NodePool[] {
  const c = env.cluster;
  const pools: NodePool[] = [
    {
      name: 'system',
      source: 'system',
      capacity: 'on-demand',
      sizes: sizes(env, c.systemPool.sizes),
      labels: { [POOL_LABEL]: 'system', [CAPACITY_LABEL]: 'on-demand' },
      taints: [],
      min: c.systemPool.min,
      max: c.systemPool.max,
      scaledBy: managedScaler(env, c.systemPool.min, c.systemPool.max),
    },
  ];
  for (const p of c.gpuPools) {
    if (p.provisioner === 'karpenter') continue; // its NodePool is in the output
    pools.push({
      name: p.name,
      source: 'gpu',
      capacity: p.capacity === 'spot' ? 'spot' : 'on-demand',
      sizes: sizes(env, p.sizes),
      labels: {
        [POOL_LABEL]: p.name,
        [CAPACITY_LABEL]: p.capacity,
        ...(env.cloud === 'azure' && p.capacity === 'spot' ? { [AZURE_SPOT_TAINT.key]: 'spot' } : {}),
      },
      taints: [GPU_TAINT, ...(env.cloud === 'azure' && p.capacity === 'spot' ? [AZURE_SPOT_TAINT] : [])],
      min: p.min,
      max: p.max,
      scaledBy: managedScaler(env, p.min, p.max),
    });
  }
  // AWS Spot pools are Karpenter NodePools (charts/platform/karpenter.ts); Azure's are AKS Spot pools.
  if (env.cloud === 'azure')
    for (const p of c.spotPools)
      pools.push({
        name: p.name,
        source: 'spot',
        capacity: 'spot',
        sizes: sizes(env, p.sizes),
        labels: { [POOL_LABEL]: p.name, [CAPACITY_LABEL]: 'spot', [AZURE_SPOT_TAINT.key]: 'spot' },
        taints: [AZURE_SPOT_TAINT],
        min: p.min,
        max: p.max,
        scaledBy: managedScaler(env, p.min, p.max),
      });
  for (const obj of objects) if (obj.kind === 'NodePool' && obj.apiVersion?.startsWith('karpenter.sh/')) pools.push(karpenterPool(obj, env));
  return pools;
}
