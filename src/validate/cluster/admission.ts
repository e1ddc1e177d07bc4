/**
 * Admission as the API server applies it to every pod of the cluster view, in its order:
 * 1. defaulting of the pod (core/v1 SetDefaults: a container with a limit and no request of a resource gets the
 *    limit as its request);
 * 2. the LimitRanger plugin (plugin/pkg/admission/limitranger): each LimitRange of the namespace (by name) fills in
 *    `defaultRequest` and `default` (limit) where a container sets neither, then checks min, max and
 *    maxLimitRequestRatio per container (type Container) and per pod (type Pod);
 * 3. validation of the pod: a request above its limit is rejected ("must be less than or equal to … limit") —
 *    what a defaulted limit below a container's own request ends in;
 * 4. ResourceQuota (plugin/pkg/admission/resourcequota): a pod without a request or limit a quota constrains is
 *    rejected, and the pods that will run (at their minimum replicas) must fit every quota of the namespace.
 * Pod Security for the pods the project's own rule does not see (the charts'; Spark's and Milvus's) closes the list.
 */
import { POD_SECURITY_LEVELS, type PodSecurityLevel } from '../../model/cluster';
import { ENFORCE_LABEL } from '../policy/pod-security';
import { describeViolation, podSecurityViolations, type PodContainer } from '../policy/pod-security-standards';
import type { Violation } from '../policy/rule';
import { amountOf, formatAmount } from './quantity';
import type { ClusterView, ViewPod } from './view';
import { isMap, type JsonMap as Json } from '../output';

export interface ClusterRule {
  readonly id: string;
  readonly reason: string;
  readonly check: (view: ClusterView) => Violation[];
}

/** A container's resources as numbers (millicores for CPU, bytes otherwise). */
interface Amounts {
  requests: Record<string, number>;
  limits: Record<string, number>;
}

interface LimitRangeItem {
  readonly name: string;
  readonly type: string;
  readonly default: Record<string, number>;
  readonly defaultRequest: Record<string, number>;
  readonly min: Record<string, number>;
  readonly max: Record<string, number>;
  readonly maxLimitRequestRatio: Record<string, number>;
}

const amounts = (list: unknown): Record<string, number> => {
  const out: Record<string, number> = {};
  if (isMap(list))
    for (const [k, v] of Object.entries(list)) {
      const a = amountOf(k, v);
      if (a !== undefined) out[k] = a;
    }
  return out;
};

/** The LimitRange items of each namespace, the LimitRanges in name order (the plugin lists them so; the first default wins). */
function limitRanges(view: ClusterView): Map<string, LimitRangeItem[]> {
  const out = new Map<string, LimitRangeItem[]>();
  const ranges = view.objects.filter((o) => o.obj.kind === 'LimitRange' && o.obj.apiVersion === 'v1' && o.namespace);
  ranges.sort((a, b) => a.obj.metadata.name.localeCompare(b.obj.metadata.name));
  for (const o of ranges) {
    const items = Array.isArray(o.obj.spec?.limits) ? o.obj.spec.limits : [];
    const list = out.get(o.namespace!) ?? [];
    for (const l of items as Json[])
      list.push({
        name: `${o.namespace}/${o.obj.metadata.name}`,
        type: String(l.type ?? ''),
        default: amounts(l.default),
        defaultRequest: amounts(l.defaultRequest),
        min: amounts(l.min),
        max: amounts(l.max),
        maxLimitRequestRatio: (() => {
          // A ratio is a plain number (`2`), kept as such: amountOf would turn a CPU ratio into millicores.
          const r: Record<string, number> = {};
          for (const [k, v] of Object.entries(isMap(l.maxLimitRequestRatio) ? l.maxLimitRequestRatio : {})) {
            const n = amountOf('ratio', v);
            if (n !== undefined) r[k] = n;
          }
          return r;
        })(),
      });
    out.set(o.namespace!, list);
  }
  return out;
}

/** A container after pod defaulting and LimitRange defaulting, with where each default came from. */
interface Admitted {
  readonly container: PodContainer;
  readonly amounts: Amounts;
  /** `limits.memory` → the LimitRange that filled it in. */
  readonly filled: Record<string, string>;
}

function admitContainer(c: PodContainer, items: readonly LimitRangeItem[]): Admitted {
  const requests = amounts(c.resources?.requests);
  const limits = amounts(c.resources?.limits);
  // SetDefaults_Pod: a limit without a request makes the request.
  for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
  const filled: Record<string, string> = {};
  for (const item of items.filter((i) => i.type === 'Container')) {
    for (const [k, v] of Object.entries(item.default))
      if (limits[k] === undefined) {
        limits[k] = v;
        filled[`limits.${k}`] = item.name;
      }
    for (const [k, v] of Object.entries(item.defaultRequest))
      if (requests[k] === undefined) {
        requests[k] = v;
        filled[`requests.${k}`] = item.name;
      }
  }
  return { container: c, amounts: { requests, limits }, filled };
}

const admittable = (p: ViewPod) => p.containers.filter((c) => c.field !== 'ephemeralContainers');
const show = (k: string, v: number) => formatAmount(k, v);

/** What LimitRanger and pod validation reject in one pod, one message per problem. */
export function limitRangeProblems(pod: ViewPod, items: readonly LimitRangeItem[]): string[] {
  const problems: string[] = [];
  const admitted = admittable(pod).map((c) => admitContainer(c, items));
  for (const { container: c, amounts: a, filled } of admitted) {
    const who = `${c.field === 'initContainers' ? 'init container' : 'container'} ${c.name}`;
    for (const [k, req] of Object.entries(a.requests)) {
      const lim = a.limits[k];
      if (lim !== undefined && req > lim) {
        const source = filled[`limits.${k}`] ? ` that LimitRange ${filled[`limits.${k}`]} fills in (its default)` : '';
        const reqSource = filled[`requests.${k}`] ? ` (LimitRange ${filled[`requests.${k}`]}'s defaultRequest)` : '';
        problems.push(
          `${who} requests ${k} ${show(k, req)}${reqSource}, above its ${k} limit ${show(k, lim)}${source}: the API server rejects the pod (a request must not exceed its limit)`,
        );
      }
    }
    for (const item of items.filter((i) => i.type === 'Container')) {
      for (const [k, min] of Object.entries(item.min)) {
        const req = a.requests[k];
        if (req === undefined || req < min)
          problems.push(`${who}: ${k} request ${req === undefined ? 'unset' : show(k, req)} is below the minimum ${show(k, min)} of LimitRange ${item.name}`);
        const lim = a.limits[k];
        if (lim !== undefined && lim < min) problems.push(`${who}: ${k} limit ${show(k, lim)} is below the minimum ${show(k, min)} of LimitRange ${item.name}`);
      }
      for (const [k, max] of Object.entries(item.max)) {
        const lim = a.limits[k];
        if (lim === undefined) problems.push(`${who}: no ${k} limit, and LimitRange ${item.name} has a maximum (${show(k, max)}) and no default`);
        else if (lim > max) problems.push(`${who}: ${k} limit ${show(k, lim)} is above the maximum ${show(k, max)} of LimitRange ${item.name}`);
        const req = a.requests[k];
        if (req !== undefined && req > max)
          problems.push(`${who}: ${k} request ${show(k, req)} is above the maximum ${show(k, max)} of LimitRange ${item.name}`);
      }
      for (const [k, ratio] of Object.entries(item.maxLimitRequestRatio)) {
        const req = a.requests[k];
        const lim = a.limits[k];
        if (lim === undefined) problems.push(`${who}: no ${k} limit, and LimitRange ${item.name} bounds its limit/request ratio (${ratio})`);
        else if (req === undefined || req === 0)
          problems.push(`${who}: no ${k} request, and LimitRange ${item.name} bounds its limit/request ratio (${ratio})`);
        else if (lim / req > ratio)
          problems.push(
            `${who}: ${k} limit/request ratio ${Math.round((lim / req) * 100) / 100} (${show(k, lim)} / ${show(k, req)}) is above ${ratio} (LimitRange ${item.name})`,
          );
      }
    }
  }
  // type Pod: the pod's totals (the sum of its containers') against min and max.
  const total = podTotals(admitted);
  for (const item of items.filter((i) => i.type === 'Pod')) {
    for (const [k, max] of Object.entries(item.max)) {
      const lim = total.limits[k];
      if (lim === undefined || lim > max)
        problems.push(`pod ${k} limit ${lim === undefined ? 'unset' : show(k, lim)} exceeds the pod maximum ${show(k, max)} of LimitRange ${item.name}`);
    }
    for (const [k, min] of Object.entries(item.min)) {
      const req = total.requests[k];
      if (req === undefined || req < min)
        problems.push(`pod ${k} request ${req === undefined ? 'unset' : show(k, req)} is below the pod minimum ${show(k, min)} of LimitRange ${item.name}`);
    }
  }
  return problems;
}

/**
 * A pod's effective requests and limits (resourcehelper.PodRequests / PodLimits): the sum over its containers,
 * or the largest init container where that is more. A resource some container leaves unset stays unset in the
 * limits (the pod is unbounded there), but sums where set for the requests.
 */
function podTotals(admitted: readonly Admitted[]): Amounts & { unsetLimits: Set<string>; unsetRequests: Set<string> } {
  const sum = (which: 'requests' | 'limits', field: PodContainer['field']) => {
    const out: Record<string, number> = {};
    for (const a of admitted.filter((x) => x.container.field === field)) for (const [k, v] of Object.entries(a.amounts[which])) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const maxOf = (which: 'requests' | 'limits') => {
    const out: Record<string, number> = {};
    for (const a of admitted.filter((x) => x.container.field === 'initContainers'))
      for (const [k, v] of Object.entries(a.amounts[which])) out[k] = Math.max(out[k] ?? 0, v);
    return out;
  };
  const combine = (which: 'requests' | 'limits') => {
    const s = sum(which, 'containers');
    for (const [k, v] of Object.entries(maxOf(which))) s[k] = Math.max(s[k] ?? 0, v);
    return s;
  };
  const unset = (which: 'requests' | 'limits') => {
    const keys = new Set(admitted.flatMap((a) => Object.keys(a.amounts[which])));
    return new Set([...keys, 'cpu', 'memory'].filter((k) => admitted.some((a) => a.amounts[which][k] === undefined)));
  };
  return { requests: combine('requests'), limits: combine('limits'), unsetRequests: unset('requests'), unsetLimits: unset('limits') };
}

/** The quota resource a key constrains: `requests.cpu` / `cpu` → requests of cpu; `limits.memory` → limits of memory. */
function quotaTarget(key: string): { which: 'requests' | 'limits'; resource: string } | undefined {
  if (key === 'cpu' || key === 'memory' || key === 'ephemeral-storage') return { which: 'requests', resource: key };
  const m = /^(requests|limits)\.(.+)$/.exec(key);
  return m ? { which: m[1] as 'requests' | 'limits', resource: m[2] } : undefined;
}

const where = (p: ViewPod) => `${p.at}${p.createdBy ? ` (built by ${p.createdBy})` : ''}`;

export const ADMISSION_RULES: readonly ClusterRule[] = [
  {
    id: 'admission-limit-range',
    reason:
      'LimitRange fills in the default request and limit of every container that sets none, then enforces min, max and the limit/request ratio: a pod an operator or chart builds with a request above the defaulted limit is rejected, though every schema passes',
    check: (view) => {
      const ranges = limitRanges(view);
      return view.pods.flatMap((pod) => {
        const items = pod.namespace === undefined ? undefined : ranges.get(pod.namespace);
        if (!items || items.length === 0) return [];
        const problems = limitRangeProblems(pod, items);
        return problems.length > 0
          ? [{ file: pod.file, resource: pod.resource, message: `${where(pod)} in namespace ${pod.namespace}: ${problems.join('; ')}` }]
          : [];
      });
    },
  },
  {
    id: 'admission-resource-quota',
    reason:
      'ResourceQuota rejects a pod that leaves unset a request or limit the quota constrains, and every pod past the quota: the pods that will run (at their minimum replicas, after LimitRange defaulting) must fit each quota of their namespace',
    check: (view) => {
      const ranges = limitRanges(view);
      const out: Violation[] = [];
      const quotas = view.objects.filter((o) => o.obj.kind === 'ResourceQuota' && o.obj.apiVersion === 'v1' && o.namespace);
      for (const q of quotas) {
        const spec = (q.obj.spec ?? {}) as Json;
        const name = `${q.namespace}/${q.obj.metadata.name}`;
        if ((Array.isArray(spec.scopes) && spec.scopes.length > 0) || isMap(spec.scopeSelector)) {
          out.push({
            file: q.file,
            resource: q.resource,
            message: `ResourceQuota ${name} has scopes, which this check does not model: its usage is not checked`,
          });
          continue;
        }
        const hard = isMap(spec.hard) ? spec.hard : {};
        const pods = view.pods.filter((p) => p.namespace === q.namespace);
        const used: Record<string, number> = {};
        let count = 0;
        for (const pod of pods) {
          const admitted = admittable(pod).map((c) => admitContainer(c, ranges.get(q.namespace!) ?? []));
          const totals = podTotals(admitted);
          const missing = Object.keys(hard)
            .map((key) => ({ key, target: quotaTarget(key) }))
            .filter(
              ({ target }) =>
                target &&
                (target.which === 'requests' ? totals.unsetRequests : totals.unsetLimits).has(target.resource) &&
                ['cpu', 'memory'].includes(target.resource),
            );
          if (missing.length > 0)
            out.push({
              file: pod.file,
              resource: pod.resource,
              message: `${where(pod)}: ResourceQuota ${name} constrains ${missing.map((m) => m.key).join(', ')}, and a container sets none (nor does a LimitRange default it): the API server rejects the pod`,
            });
          count += pod.minReplicas;
          for (const key of Object.keys(hard)) {
            const target = quotaTarget(key);
            const v = target ? totals[target.which][target.resource] : undefined;
            if (v !== undefined) used[key] = (used[key] ?? 0) + v * pod.minReplicas;
          }
        }
        for (const [key, limit] of Object.entries(hard)) {
          const resource = quotaTarget(key)?.resource ?? key;
          const max = key === 'pods' ? Number(limit) : amountOf(resource, limit);
          const have = key === 'pods' ? count : used[key];
          if (max === undefined || have === undefined || have <= max) continue;
          const largest = [...pods]
            .sort((a, b) => b.minReplicas - a.minReplicas)
            .slice(0, 3)
            .map((p) => `${p.resource} ${p.at} ×${p.minReplicas}`);
          out.push({
            file: q.file,
            resource: q.resource,
            message: `ResourceQuota ${name}: the pods that will run need ${key} ${key === 'pods' ? have : show(resource, have)}, above its hard ${key === 'pods' ? max : show(resource, max)} (${pods.length} pod template${pods.length === 1 ? '' : 's'}, e.g. ${largest.join(', ')}): the pods past it are rejected`,
          });
        }
      }
      return out;
    },
  },
  {
    id: 'admission-pod-security',
    reason:
      "Pod Security admits the pods charts and operators create by the enforce level of their namespace as well: a chart's pod below that level never starts (k8s-pod-security checks the project's pod templates and predictors)",
    check: (view) => {
      const levels = new Map<string, PodSecurityLevel>();
      for (const [name, ns] of view.namespaces) {
        const label = ns.metadata.labels?.[ENFORCE_LABEL];
        if (POD_SECURITY_LEVELS.includes(label as PodSecurityLevel)) levels.set(name, label as PodSecurityLevel);
      }
      // The chart pods, and the operators' pods whose security contexts operator-pods.ts records (Spark's from the
      // resource; Milvus's and its dependency charts' from the operator and chart defaults under the resource's values;
      // Prometheus's and Alertmanager's from the resource and the Prometheus Operator's fixed container contexts).
      // The predictors are k8s-pod-security's.
      const recorded = ['spark-operator ', 'milvus-operator ', 'kube-prometheus-stack '];
      const judged = view.pods.filter((p) => p.origin === 'chart' || (p.origin === 'operator' && recorded.some((r) => p.createdBy?.startsWith(r))));
      return judged.flatMap((pod) => {
        const level = pod.namespace === undefined ? undefined : levels.get(pod.namespace);
        if (!level || level === 'privileged') return [];
        const violations = podSecurityViolations({ spec: pod.spec, containers: pod.containers }, level);
        return violations.length > 0
          ? [
              {
                file: pod.file,
                resource: pod.resource,
                message: `${where(pod)}: namespace ${pod.namespace} enforces Pod Security "${level}", which rejects the pod: ${violations.map(describeViolation).join('; ')}`,
              },
            ]
          : [];
      });
    },
  },
];

/** The view's own gaps, reported under the rule that needs the missing data. */
export function unmodelledFindings(view: ClusterView): Violation[] {
  return view.unmodelled.map((u) => ({ file: u.file, resource: u.resource, message: `cluster view: ${u.message}` }));
}

const rangesByView = new WeakMap<ClusterView, Map<string, LimitRangeItem[]>>();

/** A pod's requests as the scheduler counts them: after LimitRange defaulting, containers summed, the largest init container where more. */
export function scheduledRequests(view: ClusterView, pod: ViewPod): Record<string, number> {
  let ranges = rangesByView.get(view);
  if (!ranges) rangesByView.set(view, (ranges = limitRanges(view)));
  const items = (pod.namespace === undefined ? undefined : ranges.get(pod.namespace)) ?? [];
  return podTotals(admittable(pod).map((c) => admitContainer(c, items))).requests;
}
