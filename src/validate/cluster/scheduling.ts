/**
 * Scheduling as kube-scheduler and the node autoscalers would do it for every pod of the cluster view, pool by pool
 * (a pool's nodes are alike: the same labels, taints and one of its sizes):
 * - a pod can go to a pool whose NoSchedule/NoExecute taints it tolerates and whose node labels satisfy its
 *   nodeSelector and required node affinity (k8s.io/component-helpers scheduling/corev1: tolerations, node
 *   selector requirements), and fits where its requests (after LimitRange defaulting) are within what the pool's
 *   largest node offers pods: allocatable (nodes.ts) less the DaemonSets that run there;
 * - GPUs exist on a node only where the NVIDIA device plugin runs (known when the charts are rendered);
 * - the pods that may run on Spot are the interruption-tolerant ones: Jobs, Spark executors, queue consumers that
 *   KEDA scales; everything else must have no Spot pool among its places, and every Spot pool must be tainted;
 * - a pool that must grow has something installed that grows it; the pods that only one pool can take fit in it at
 *   its maximum (their requests at their minimum replicas; a necessary condition, not a bin packing).
 */
import { OPERATORS } from '../../model/operators';
import { PRIORITY_CLASSES, taintString, type Taint } from '../../model/scheduling';
import type { Violation } from '../policy/rule';
import { scheduledRequests, type ClusterRule } from './admission';
import { allocatable, type LabelValues, type NodePool } from './nodes';
import { formatAmount } from './quantity';
import type { ClusterView, ViewPod } from './view';
import { isMap, type JsonMap as Json } from '../output';

const GPU = 'nvidia.com/gpu';
/** The chart whose DaemonSet advertises nvidia.com/gpu on a node (OPERATORS['nvidia-device-plugin']). */
const DEVICE_PLUGIN_CHART = OPERATORS['nvidia-device-plugin'].chart;

/** Whether one toleration tolerates one taint (an empty key with Exists tolerates every taint; no effect, every effect). */
function tolerates(toleration: Json, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (!toleration.key) return toleration.operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  return toleration.operator === 'Exists' || String(toleration.value ?? '') === taint.value;
}

/** Why a node label requirement cannot hold on any node of the pool, or undefined where it can on some. */
function requirementProblem(expr: Json, labels: Readonly<Record<string, LabelValues>>): string | undefined {
  const key = String(expr.key);
  const have: LabelValues | undefined = labels[key];
  const values: string[] = Array.isArray(expr.values) ? expr.values.map(String) : [];
  const shown = have === undefined ? 'no such label' : have === '*' ? `${key} set` : `${key}=${have.join('|')}`;
  const fail = (why: string) => `requires ${key} ${why} (its nodes: ${shown})`;
  switch (expr.operator) {
    case 'In':
      return have !== undefined && (have === '*' || have.some((v) => values.includes(v))) ? undefined : fail(`in [${values.join(', ')}]`);
    case 'NotIn':
      return have === undefined || have === '*' || have.some((v) => !values.includes(v)) ? undefined : fail(`not in [${values.join(', ')}]`);
    case 'Exists':
      return have !== undefined ? undefined : fail('to exist');
    case 'DoesNotExist':
      return have === undefined ? undefined : fail('not to exist');
    case 'Gt':
    case 'Lt': {
      if (have === undefined) return fail(`${expr.operator} ${values[0]}`);
      if (have === '*') return undefined;
      const bound = Number(values[0]);
      return have.some((v) => (expr.operator === 'Gt' ? Number(v) > bound : Number(v) < bound)) ? undefined : fail(`${expr.operator} ${values[0]}`);
    }
    default:
      return `node affinity operator ${String(expr.operator)} is not one the scheduler knows`;
  }
}

/** Why the pod cannot be placed on the pool by taints and labels (resources aside); empty where it can. */
export function placementProblems(pod: ViewPod, pool: NodePool): string[] {
  const spec = pod.spec;
  const problems: string[] = [];
  if (pool.max === 0) problems.push('has no nodes (max 0)');
  const tolerations: Json[] = Array.isArray(spec.tolerations) ? spec.tolerations.filter(isMap) : [];
  for (const taint of pool.taints)
    if (taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint))) problems.push(`taint ${taintString(taint)} is not tolerated`);
  if (isMap(spec.nodeSelector))
    for (const [key, value] of Object.entries(spec.nodeSelector)) {
      const p = requirementProblem({ key, operator: 'In', values: [value] }, pool.nodeLabels);
      if (p) problems.push(`nodeSelector ${p}`);
    }
  const terms: Json[] = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (Array.isArray(terms) && terms.length > 0) {
    // Terms are ORed, a term's expressions ANDed.
    const termProblems = terms.map((t) =>
      (Array.isArray(t?.matchExpressions) ? t.matchExpressions : []).map((e: Json) => requirementProblem(e, pool.nodeLabels)).filter(Boolean),
    );
    if (termProblems.every((p) => p.length > 0)) problems.push(`node affinity ${termProblems.map((p) => p.join(' and ')).join('; or ')}`);
  }
  return problems;
}

interface Offer {
  readonly size: string;
  readonly cpu: number;
  readonly memory: number;
  readonly gpus: number;
}

/** What each size of the pool offers the pod: allocatable less the DaemonSets that run on its nodes. */
function offers(view: ClusterView, pool: NodePool, daemons: Readonly<Record<string, number>>): Offer[] {
  const out: Offer[] = [];
  for (const size of pool.sizes) {
    const a = view.cloud ? allocatable(view.cloud, size) : undefined;
    if (a) out.push({ size: size.name, cpu: a.cpu - (daemons.cpu ?? 0), memory: a.memory - (daemons.memory ?? 0), gpus: a.gpus });
  }
  return out;
}

const show = (k: string, v: number) => (k === 'memory' ? `${Math.round((v / 2 ** 30) * 10) / 10}Gi` : formatAmount(k, v));

/** Why no size of the pool takes the pod's requests, or undefined where one does (or the pool's sizes are unknown). */
function resourceProblem(requests: Readonly<Record<string, number>>, sizes: readonly Offer[], gpuAdvertised: boolean): string | undefined {
  if (sizes.length === 0) return undefined; // unknown sizes are the model's error, not a scheduling finding
  const gpus = requests[GPU] ?? 0;
  if (gpus > 0 && !gpuAdvertised) return `no NVIDIA device plugin runs on its nodes, so they advertise no ${GPU}`;
  const short = (o: Offer) =>
    [
      (requests.cpu ?? 0) > o.cpu ? `cpu ${show('cpu', requests.cpu)} > ${show('cpu', o.cpu)}` : undefined,
      (requests.memory ?? 0) > o.memory ? `memory ${show('memory', requests.memory)} > ${show('memory', o.memory)}` : undefined,
      gpus > o.gpus ? `${GPU} ${gpus} > ${o.gpus}` : undefined,
    ].filter(Boolean);
  if (sizes.some((o) => short(o).length === 0)) return undefined;
  const largest = [...sizes].sort((a, b) => b.memory - a.memory || b.cpu - a.cpu)[0];
  return `its largest node (${largest.size}) offers pods less than the pod requests: ${short(largest).join(', ')} (allocatable after the kubelet's reservations and DaemonSets)`;
}

const where = (p: ViewPod) => `${p.at}${p.createdBy ? ` (built by ${p.createdBy})` : ''}`;
const isDaemon = (p: ViewPod) => p.workloadKind === 'DaemonSet';

/** Priority classes of pods that must keep running: online serving and the platform's and the cluster's critical ones. */
const KEEP_RUNNING_PRIORITIES = new Set<string>([
  PRIORITY_CLASSES.online,
  PRIORITY_CLASSES.platformCritical,
  'system-cluster-critical',
  'system-node-critical',
]);

/** Why the pod must not run on Spot, or undefined for the interruption-tolerant ones (Jobs, Spark executors, KEDA-scaled consumers). */
export function mustNotRunOnSpot(pod: ViewPod): string | undefined {
  const priority = pod.spec.priorityClassName;
  if (typeof priority === 'string' && KEEP_RUNNING_PRIORITIES.has(priority)) return `priority ${priority} is for pods that must keep running`;
  if (pod.workloadKind === 'StatefulSet') return 'a StatefulSet keeps state and identity that an interruption takes away';
  if (pod.origin === 'chart') return "an operator's controller or agent";
  if (pod.createdBy?.startsWith('spark-operator ')) return pod.at === 'executor' ? undefined : 'a Spark driver: losing it fails the whole application';
  if (pod.workloadKind === 'Job' || pod.workloadKind === 'CronJob') return undefined;
  if (pod.scaledBy === 'keda') return undefined;
  return `a long-running ${pod.workloadKind}`;
}

interface Placed {
  readonly pod: ViewPod;
  readonly requests: Readonly<Record<string, number>>;
  /** Pools it may be placed on by taints and labels, with why each of the others is not. */
  readonly placeable: readonly NodePool[];
  readonly excluded: ReadonlyMap<NodePool, string[]>;
  /** Placeable pools that also have a size for its requests. */
  readonly fitting: readonly NodePool[];
  readonly tooSmall: ReadonlyMap<NodePool, string>;
}

const analyses = new WeakMap<ClusterView, { placed: Placed[]; daemons: Map<NodePool, Record<string, number>> }>();

function analyse(view: ClusterView) {
  const cached = analyses.get(view);
  if (cached) return cached;
  const requestsOf = new Map(view.pods.map((p) => [p, scheduledRequests(view, p)] as const));
  const daemons = new Map<NodePool, Record<string, number>>();
  const advertised = new Set<NodePool>();
  for (const pool of view.nodePools) {
    const sum: Record<string, number> = {};
    for (const d of view.pods.filter(isDaemon)) {
      if (placementProblems(d, pool).length > 0) continue;
      for (const [k, v] of Object.entries(requestsOf.get(d)!)) sum[k] = (sum[k] ?? 0) + v;
      if (d.createdBy?.startsWith(`${DEVICE_PLUGIN_CHART} `)) advertised.add(pool);
    }
    daemons.set(pool, sum);
  }
  const placed: Placed[] = view.pods.map((pod) => {
    const requests = requestsOf.get(pod)!;
    const excluded = new Map<NodePool, string[]>();
    const placeable: NodePool[] = [];
    for (const pool of view.nodePools) {
      const problems = placementProblems(pod, pool);
      if (problems.length > 0) excluded.set(pool, problems);
      else placeable.push(pool);
    }
    const tooSmall = new Map<NodePool, string>();
    const fitting: NodePool[] = [];
    for (const pool of placeable) {
      // A DaemonSet's own requests are in the pool's DaemonSet sum: it must fit beside the others.
      const others = isDaemon(pod) ? subtract(daemons.get(pool)!, requests) : daemons.get(pool)!;
      // Without the charts the device plugin is not in the view: GPUs are taken as advertised.
      const problem = resourceProblem(requests, offers(view, pool, others), !view.charts || advertised.has(pool));
      if (problem) tooSmall.set(pool, problem);
      else fitting.push(pool);
    }
    return { pod, requests, placeable, excluded, fitting, tooSmall };
  });
  const result = { placed, daemons };
  analyses.set(view, result);
  return result;
}

function subtract(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) - v;
  return out;
}

const isSpot = (pool: NodePool) => pool.capacity !== 'on-demand';

export const SCHEDULING_RULES: readonly ClusterRule[] = [
  {
    id: 'scheduling-fits-pool',
    reason:
      'A pod stays Pending unless some node pool tolerates-and-matches it (taints, nodeSelector, required node affinity) and has a size whose allocatable CPU, memory and GPUs, after the kubelet and the DaemonSets, cover its requests',
    check: (view) =>
      view.nodePools.length === 0
        ? []
        : analyse(view).placed.flatMap(({ pod, excluded, tooSmall, fitting, placeable }): Violation[] => {
            // A DaemonSet runs on the pools it matches and none is an answer; on those it matches, it must fit.
            if (isDaemon(pod))
              return [...tooSmall].map(([pool, why]) => ({
                file: pod.file,
                resource: pod.resource,
                message: `${where(pod)}: runs on every node of pool ${pool.name} but does not fit there: ${why}`,
              }));
            if (fitting.length > 0) return [];
            const reasons = [...view.nodePools].map((pool) => `${pool.name}: ${excluded.get(pool)?.join(', ') ?? tooSmall.get(pool)}`);
            return [
              {
                file: pod.file,
                resource: pod.resource,
                message: `${where(pod)}: fits no node pool, so it stays Pending (${placeable.length === 0 ? 'none takes it' : 'none is large enough'}): ${reasons.join('; ')}`,
              },
            ];
          }),
  },
  {
    id: 'scheduling-not-on-spot',
    reason:
      'Spot capacity is taken back with two minutes notice: only interruption-tolerant pods (Jobs, Spark executors, queue consumers) may be placed there, and a Spot pool is tainted so that nothing else lands on it when the other pools are full',
    check: (view) => {
      const out: Violation[] = [];
      for (const pool of view.nodePools.filter(isSpot))
        if (!pool.taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'))
          out.push({
            file: pool.file,
            resource: pool.resource,
            message: `pool ${pool.name} has ${pool.capacity === 'spot' ? 'Spot' : 'Spot (with on-demand fallback)'} nodes and no NoSchedule taint: any pending pod may be given one`,
          });
      for (const { pod, placeable } of analyse(view).placed) {
        if (isDaemon(pod)) continue;
        const why = mustNotRunOnSpot(pod);
        const spot = placeable.filter(isSpot);
        if (why && spot.length > 0)
          out.push({
            file: pod.file,
            resource: pod.resource,
            message: `${where(pod)} may be placed on Spot pool${spot.length === 1 ? '' : 's'} ${spot.map((p) => p.name).join(', ')} (it tolerates ${spot.length === 1 ? 'its taints' : 'their taints'} and matches their labels), but must not run on Spot: ${why}`,
          });
      }
      return out;
    },
  },
  {
    id: 'scheduling-pool-scaled',
    reason:
      'A pool whose size may change (min below max, or min 0) grows only if something installed scales it: Karpenter for its NodePools, Cluster Autoscaler for EKS managed node groups, the AKS autoscaler for AKS pools; otherwise its pods wait for nodes that never come',
    check: (view) =>
      view.nodePools.flatMap((pool): Violation[] => {
        if (pool.max !== undefined && pool.min >= pool.max) return [];
        const scaler = pool.scaledBy === 'karpenter' ? 'karpenter' : pool.scaledBy === 'node-group' ? 'cluster-autoscaler' : undefined;
        if (!scaler || view.installed.has(scaler)) return [];
        return [
          {
            file: pool.file,
            resource: pool.resource,
            message: `pool ${pool.name} (min ${pool.min}${pool.max !== undefined ? `, max ${pool.max}` : ''}) is scaled by ${scaler}, which the GitOps output does not install: it stays at ${pool.min} node${pool.min === 1 ? '' : 's'}`,
          },
        ];
      }),
  },
  {
    id: 'scheduling-pool-capacity',
    reason:
      'The pods that only one pool can take must fit in it at its maximum size: their requests at their minimum replicas, plus its DaemonSets on every node, within its largest nodes (or its Karpenter limits)',
    check: (view) => {
      const { placed, daemons } = analyse(view);
      const out: Violation[] = [];
      for (const pool of view.nodePools) {
        const only = placed.filter((p) => !isDaemon(p.pod) && p.fitting.length === 1 && p.fitting[0] === pool && p.pod.minReplicas > 0);
        if (only.length === 0) continue;
        const need: Record<string, number> = {};
        for (const p of only) for (const k of ['cpu', 'memory']) need[k] = (need[k] ?? 0) + (p.requests[k] ?? 0) * p.pod.minReplicas;
        const largest = offers(view, pool, daemons.get(pool)!).sort((a, b) => b.memory - a.memory || b.cpu - a.cpu)[0];
        const bounds: { what: string; cpu?: number; memory?: number }[] = [];
        if (largest && pool.max !== undefined)
          bounds.push({ what: `${pool.max} × ${largest.size}`, cpu: pool.max * largest.cpu, memory: pool.max * largest.memory });
        if (pool.limits) bounds.push({ what: 'its NodePool limits', ...pool.limits });
        for (const b of bounds) {
          const over = (['cpu', 'memory'] as const).filter((k) => b[k] !== undefined && need[k] > b[k]!);
          if (over.length === 0) continue;
          const biggest = [...only]
            .sort((x, y) => (y.requests.memory ?? 0) * y.pod.minReplicas - (x.requests.memory ?? 0) * x.pod.minReplicas)
            .slice(0, 4)
            .map((p) => `${p.pod.resource} ${p.pod.at} ×${p.pod.minReplicas}`);
          out.push({
            file: pool.file,
            resource: pool.resource,
            message: `pool ${pool.name} is the only place for ${only.length} pod template${only.length === 1 ? '' : 's'}, which request ${over.map((k) => `${k} ${show(k, need[k])}`).join(', ')} at their minimum replicas: more than ${b.what} offers (${over.map((k) => show(k, b[k]!)).join(', ')}): raise the pool's maximum or size (largest: ${biggest.join(', ')})`,
          });
        }
      }
      return out;
    },
  },
];
