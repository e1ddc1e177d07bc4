/**
 * The node pools of an environment, from its model (cluster.systemPool, gpuPools, spotPools) and the Karpenter
 * NodePools of its output: what each node is (sizes with their vCPUs and GPUs from src/model/catalog.ts), how it
 * is labelled and tainted (as stacks/aws/node-groups.ts, stacks/azure/node-pools.ts and the NodePools write it),
 * its capacity type, its bounds and who scales it.
 */
import { describeSize } from '../../model/catalog';
import { AZURE_SPOT_TAINT, CAPACITY_LABEL, GPU_TAINT, POOL_LABEL, type Taint } from '../../model/scheduling';
import type { Environment } from '../../model/types';
import { describeObject, type K8sObject } from '../output';
import { amountOf } from './quantity';

export interface NodeSize {
  readonly name: string;
  /** Undefined where the catalog does not know the size. */
  readonly vcpus?: number;
  readonly gpus?: number;
  readonly memoryGiB?: number;
}

/** The values a node label may take on a pool's nodes; `*` where any value may (a zone, a requirement that is not `In`). */
export type LabelValues = readonly string[] | '*';

export interface NodePool {
  readonly name: string;
  /** Where it is defined: the model's managed pools, or a Karpenter NodePool of the output. */
  readonly source: 'system' | 'gpu' | 'spot' | 'karpenter';
  readonly capacity: 'on-demand' | 'spot' | 'mixed';
  readonly sizes: readonly NodeSize[];
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Every label its nodes carry, with the values it may have: the pool's own labels, the well-known ones the kubelet
   * sets (os, arch, instance type, zone) and the cloud's (EKS node group and capacity type, Karpenter's NodePool,
   * capacity type and requirement keys, AKS agent pool and mode).
   */
  readonly nodeLabels: Readonly<Record<string, LabelValues>>;
  readonly taints: readonly Taint[];
  readonly min: number;
  /** Undefined where nothing bounds it (a NodePool without a node or CPU limit). */
  readonly max?: number;
  /** A Karpenter NodePool's `limits` on the sum of its nodes' CPU (millicores) and memory (bytes). */
  readonly limits?: { readonly cpu?: number; readonly memory?: number };
  /** Who adds and removes its nodes: the cloud's autoscaler setting of the pool, Karpenter, or nobody (fixed size, or nothing installed). */
  readonly scaledBy: 'karpenter' | 'aks-autoscaler' | 'node-group' | 'fixed';
  /** Where a finding about the pool goes: the NodePool manifest, or the model's pool (in the environment's Terraform). */
  readonly file: string;
  readonly resource: string;
}

const sizes = (env: Environment, names: readonly string[]): NodeSize[] =>
  names.map((name) => {
    const info = describeSize(env.cloud, name);
    return info ? { name, vcpus: info.vcpus, gpus: info.gpus, memoryGiB: info.memoryGiB } : { name };
  });

/** An EKS managed node group has a min/max but scales only with an autoscaler; AKS pools scale with their own (enable_auto_scaling). */
const managedScaler = (env: Environment, min: number, max: number): NodePool['scaledBy'] =>
  min === max ? 'fixed' : env.cloud === 'azure' ? 'aks-autoscaler' : 'node-group';

type Json = Record<string, any>;

function karpenterPool(obj: K8sObject, file: string, env: Environment): NodePool {
  const template = (obj.spec as Json | undefined)?.template ?? {};
  const requirements: Json[] = Array.isArray(template.spec?.requirements) ? template.spec.requirements : [];
  const values = (key: string): string[] => requirements.filter((r) => r.key === key && r.operator === 'In').flatMap((r) => r.values ?? []);
  const capacityTypes = values('karpenter.sh/capacity-type');
  const capacity = capacityTypes.length === 1 && capacityTypes[0] === 'on-demand' ? 'on-demand' : capacityTypes.includes('on-demand') ? 'mixed' : 'spot';
  const limits = (obj.spec as Json | undefined)?.limits ?? {};
  const poolSizes = sizes(env, values('node.kubernetes.io/instance-type'));
  const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
  // Karpenter labels each node with its NodePool, and with every requirement key (one of the `In` values; any value otherwise).
  const nodeLabels: Record<string, LabelValues> = { ...wellKnownLabels(poolSizes) };
  for (const r of requirements) if (typeof r.key === 'string') nodeLabels[r.key] = r.operator === 'In' ? values(r.key) : '*';
  Object.assign(nodeLabels, singleValued(labels), {
    'karpenter.sh/nodepool': [obj.metadata.name],
    'karpenter.sh/capacity-type': capacityTypes.length > 0 ? capacityTypes : ['on-demand'],
  });
  const cpu = amountOf('cpu', limits.cpu);
  const memory = amountOf('memory', limits.memory);
  return {
    name: obj.metadata.name,
    source: 'karpenter',
    capacity,
    sizes: poolSizes,
    labels,
    nodeLabels,
    taints: Array.isArray(template.spec?.taints) ? template.spec.taints : [],
    min: 0,
    ...(typeof limits.nodes === 'number' ? { max: limits.nodes } : {}),
    ...(cpu !== undefined || memory !== undefined ? { limits: { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) } } : {}),
    scaledBy: 'karpenter',
    file,
    resource: describeObject(obj),
  };
}

const singleValued = (labels: Readonly<Record<string, string>>): Record<string, LabelValues> =>
  Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, [v]]));

/** What the kubelet and the cloud controller label every node with: x86-64 Linux (the catalog's families), its size, its zone. */
function wellKnownLabels(poolSizes: readonly NodeSize[]): Record<string, LabelValues> {
  return {
    'kubernetes.io/os': ['linux'],
    'kubernetes.io/arch': ['amd64'],
    'node.kubernetes.io/instance-type': poolSizes.map((s) => s.name),
    'topology.kubernetes.io/zone': '*',
    'topology.kubernetes.io/region': '*',
    'kubernetes.io/hostname': '*',
  };
}

/** The labels each cloud's managed pools put on their nodes: EKS node group and capacity type, AKS agent pool and mode. */
const MANAGED_LABELS: { readonly [C in Environment['cloud']]: (name: string, spot: boolean, system: boolean) => Record<string, LabelValues> } = {
  aws: (name, spot) => ({ 'eks.amazonaws.com/nodegroup': [name], 'eks.amazonaws.com/capacityType': [spot ? 'SPOT' : 'ON_DEMAND'] }),
  azure: (name, _spot, system) => ({ 'kubernetes.azure.com/agentpool': [name], 'kubernetes.azure.com/mode': [system ? 'system' : 'user'] }),
};

/** A pool of the model, with the labels its nodes carry. */
function managedPool(env: Environment, pool: Omit<NodePool, 'nodeLabels' | 'file' | 'resource'>, at: string): NodePool {
  return {
    ...pool,
    nodeLabels: {
      ...wellKnownLabels(pool.sizes),
      ...MANAGED_LABELS[env.cloud](pool.name, pool.capacity === 'spot', pool.source === 'system'),
      ...singleValued(pool.labels),
    },
    file: `${env.name}/terraform`,
    resource: `node pool ${pool.name} (${at})`,
  };
}

/**
 * The kubelet's reservations, which a pod's requests never get:
 * - EKS (AL2023 nodeadm, and Karpenter's own computation): kube-reserved memory 11 MiB × max pods + 255 MiB, CPU 6% of
 *   the first core, 1% of the second, 0.5% of the next two, 0.25% of the rest; eviction at 100 MiB. Max pods is the
 *   VPC CNI's ENI limit, taken here by vCPU count from the m5 family's (a size with more ENIs reserves a little more).
 * - AKS 1.29+: kube-reserved memory the lesser of 20 MB × max pods + 50 MB and 25% of memory (max pods 250, Azure CNI
 *   overlay's default), eviction at 100 MiB; CPU by cores from AKS's table (learn.microsoft.com/azure/aks/node-resource-reservations).
 */
const RESERVED: { readonly [C in Environment['cloud']]: (vcpus: number, memoryMiB: number) => { cpu: number; memoryMiB: number } } = {
  aws: (vcpus, memoryMiB) => {
    const maxPods = vcpus <= 2 ? 29 : vcpus <= 8 ? 58 : vcpus <= 48 ? 234 : 737;
    const cpu = 60 + (vcpus > 1 ? 10 : 0) + Math.min(Math.max(vcpus - 2, 0), 2) * 5 + Math.max(vcpus - 4, 0) * 2.5;
    return { cpu, memoryMiB: Math.min(11 * maxPods + 255, memoryMiB) + 100 };
  },
  azure: (vcpus, memoryMiB) => {
    const table: readonly [number, number][] = [
      [1, 60],
      [2, 100],
      [4, 140],
      [8, 180],
      [16, 260],
      [32, 420],
      [64, 740],
    ];
    // Between the table's core counts, the next one up (the larger reservation).
    const cpu = (table.find(([cores]) => cores >= vcpus) ?? table[table.length - 1])[1];
    return { cpu, memoryMiB: Math.min(20 * 250 + 50, 0.25 * memoryMiB) + 100 };
  },
};

/** What a node of this size offers pods: CPU in millicores, memory in bytes, GPUs; undefined for a size the catalog does not know. */
export function allocatable(cloud: Environment['cloud'], size: NodeSize): { cpu: number; memory: number; gpus: number } | undefined {
  if (size.vcpus === undefined || size.memoryGiB === undefined) return undefined;
  const memoryMiB = size.memoryGiB * 1024;
  const reserved = RESERVED[cloud](size.vcpus, memoryMiB);
  return { cpu: Math.floor(size.vcpus * 1000 - reserved.cpu), memory: Math.floor(memoryMiB - reserved.memoryMiB) * 2 ** 20, gpus: size.gpus ?? 0 };
}

export function nodePoolsOf(env: Environment, objects: readonly { readonly obj: K8sObject; readonly file: string }[]): NodePool[] {
  const c = env.cluster;
  const pools: NodePool[] = [
    managedPool(
      env,
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
      'cluster.systemPool',
    ),
  ];
  c.gpuPools.forEach((p, i) => {
    if (p.provisioner === 'karpenter') return; // its NodePool is in the output
    pools.push(
      managedPool(
        env,
        {
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
        },
        `cluster.gpuPools[${i}]`,
      ),
    );
  });
  // AWS Spot pools are Karpenter NodePools (charts/platform/karpenter.ts); Azure's are AKS Spot pools.
  if (env.cloud === 'azure')
    c.spotPools.forEach((p, i) =>
      pools.push(
        managedPool(
          env,
          {
            name: p.name,
            source: 'spot',
            capacity: 'spot',
            sizes: sizes(env, p.sizes),
            labels: { [POOL_LABEL]: p.name, [CAPACITY_LABEL]: 'spot', [AZURE_SPOT_TAINT.key]: 'spot' },
            taints: [AZURE_SPOT_TAINT],
            min: p.min,
            max: p.max,
            scaledBy: managedScaler(env, p.min, p.max),
          },
          `cluster.spotPools[${i}]`,
        ),
      ),
    );
  for (const { obj, file } of objects) if (obj.kind === 'NodePool' && obj.apiVersion?.startsWith('karpenter.sh/')) pools.push(karpenterPool(obj, file, env));
  return pools;
}
