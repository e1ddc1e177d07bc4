/**
 * network-flow-endpoints: the pods a declared flow names must exist. A PodRef is matched by its labels against
 * the cluster view's pods in its namespace (the project's templates, the charts', and the pods operators build,
 * with the labels operator-pods.ts records); a pod destination's ports against the container ports of the pods
 * it selects, or the target ports of a Service selecting them. Without it a renamed label or a removed pod turns
 * network-flow-blocked into a check of nothing.
 */
import type { FlowPort, PodRef } from '../../model/flows';
import { releasesOf } from '../helm/releases';
import type { EnvironmentOutput, Manifest } from '../output';
import type { ClusterRule } from '../cluster/admission';
import { LABELLED_OPERATOR_PODS } from '../cluster/operator-pods';
import type { ClusterView, ViewPod } from '../cluster/view';
import type { Violation } from '../policy/rule';
import { matches } from './evaluate';
import { isMap, type JsonMap as Json } from '../output';

/** A pod the rule can match: a view pod, or one an operator creates whose labels alone are recorded. */
interface Candidate {
  readonly at: string;
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly pod?: ViewPod;
}

const labelText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
const portText = (p: FlowPort) => `${p.protocol}/${p.port}${p.name ? ` (${p.name})` : ''}`;

function candidates(view: ClusterView): Candidate[] {
  // Operators' pods by what they are (`milvus proxy`); templates by their object.
  const out: Candidate[] = view.pods.map((pod) => ({
    at: pod.origin === 'operator' && pod.createdBy ? pod.at : pod.resource,
    namespace: pod.namespace,
    labels: pod.labels,
    pod,
  }));
  for (const o of view.objects) {
    const pods = LABELLED_OPERATOR_PODS[o.obj.kind];
    if (pods) for (const p of pods(o.obj)) out.push({ at: p.component, namespace: p.namespace, labels: p.labels });
  }
  return out;
}

/** The ports a pod serves, as far as known: its containers' ports and the target ports of the Services selecting it. */
function servedPorts(view: ClusterView, pod: ViewPod): { number: number; name?: string; protocol: string }[] {
  const own = pod.containers.flatMap((c) =>
    (c.ports ?? []).map((p) => ({ number: Number(p.containerPort), name: p.name as string | undefined, protocol: String(p.protocol ?? 'TCP') })),
  );
  const byName = new Map(own.filter((p) => p.name).map((p) => [p.name, p.number]));
  const viaServices = view.objects
    .filter((o) => o.obj.kind === 'Service' && o.namespace === pod.namespace && isMap(o.obj.spec?.selector))
    .filter((o) => matches({ matchLabels: o.obj.spec.selector }, pod.labels))
    .flatMap((o) => (Array.isArray(o.obj.spec.ports) ? o.obj.spec.ports : []))
    .map((p: Json) => {
      const target = p.targetPort ?? p.port;
      const number = typeof target === 'string' && !/^\d+$/.test(target) ? byName.get(target) : Number(target);
      return { number: number ?? NaN, protocol: String(p.protocol ?? 'TCP') };
    });
  return [...own, ...viaServices];
}

/** The namespaces the output's chart releases install into (read from the view's manifests, the GitOps objects among them). */
function releaseNamespaces(view: ClusterView): string[] {
  const manifests: Manifest[] = view.objects.filter((o) => o.origin === 'manifest').map((o) => ({ file: o.file, app: '', obj: o.obj }));
  const env: EnvironmentOutput = { name: view.environment, manifests, terraform: [], files: [] };
  return releasesOf(env).map((r) => r.namespace);
}

export function flowEndpointProblems(view: ClusterView): Violation[] {
  if (view.flows.length === 0) return [];
  const all = candidates(view);
  // Without --charts the charts' pods are not in the view: a ref into a release's namespace is not judged then.
  const chartNamespaces = new Set(view.charts ? [] : releaseNamespaces(view));
  const out: Violation[] = [];
  const seen = new Set<string>();
  const report = (key: string, v: Violation) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push(v);
  };
  const flowText = (from: PodRef, to: string) => `flow ${from.namespace}/${from.name} -> ${to}`;
  for (const flow of view.flows) {
    const to = flow.to.kind === 'pods' ? flow.to.pods : undefined;
    const refs: { ref: PodRef; side: string }[] = [{ ref: flow.from, side: 'source' }, ...(to ? [{ ref: to, side: 'destination' }] : [])];
    const resource = flowText(flow.from, to ? `${to.namespace}/${to.name}` : flow.to.kind);
    for (const { ref, side } of refs) {
      if (ref.outsideOutput) continue;
      const selected = all.filter((c) => c.namespace === ref.namespace && matches({ matchLabels: ref.labels }, c.labels));
      if (selected.length > 0) continue;
      if (chartNamespaces.has(ref.namespace)) continue;
      const near = all.filter((c) => c.namespace === ref.namespace).map((c) => c.at);
      report(`${resource} ${side}`, {
        file: `${view.environment}/kubernetes`,
        resource,
        message: `its ${side} ${ref.name} selects no pod: nothing in namespace ${ref.namespace} carries ${labelText(ref.labels)}${near.length > 0 ? ` (its pods: ${[...new Set(near)].slice(0, 6).join('; ')})` : ' (no pods there)'}, so the flow "${flow.why}" is checked against nothing`,
      });
    }
    if (!to || flow.to.kind !== 'pods') continue;
    const pods = all.filter((c) => c.namespace === to.namespace && matches({ matchLabels: to.labels }, c.labels)).map((c) => c.pod);
    // Ports are judged only where every selected pod's ports are known.
    if (pods.length === 0 || pods.some((p) => !p || !p.portsKnown)) continue;
    const served = pods.flatMap((p) => servedPorts(view, p!));
    for (const port of flow.to.ports) {
      const ok = served.some((s) => s.number === port.port && s.protocol === port.protocol && (!port.name || !s.name || s.name === port.name));
      if (ok) continue;
      const declared = [...new Set(served.map((s) => `${s.protocol}/${s.number}${s.name ? ` (${s.name})` : ''}`))];
      report(`${resource} ${portText(port)}`, {
        file: `${view.environment}/kubernetes`,
        resource,
        message: `its destination ${to.name} does not serve ${portText(port)}: the pods it selects (${[...new Set(pods.map((p) => p!.at))].slice(0, 6).join('; ')}) declare ${declared.length > 0 ? declared.join(', ') : 'no ports'}, and no Service selecting them targets it`,
      });
    }
  }
  return out;
}

export const FLOW_ENDPOINT_RULES: readonly ClusterRule[] = [
  {
    id: 'network-flow-endpoints',
    reason:
      'A declared flow must name pods that exist: each source and pod destination selects at least one pod of the cluster view by its labels, and a destination serves the ports the flow names; otherwise network-flow-blocked judges a flow no pod makes.',
    check: flowEndpointProblems,
  },
];
