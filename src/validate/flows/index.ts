/**
 * The network-flow rules: every flow the environment's workloads declare (src/model/workloads/<name>/flows.ts)
 * is evaluated against the environment's NetworkPolicies (./evaluate.ts) at the cloud's addresses
 * (./addressing.ts), at the source's egress and, for a pod destination, at its ingress; and every allow rule
 * (peer × port) no declared flow uses is reported. Both need the model: an output without one is not checked.
 */
import type { Flow, FlowPort, PodRef } from '../../model/flows';
import type { Environment } from '../../model/types';
import { platformFlows } from '../../model/platform-flows';
import { describeObject, type EnvironmentOutput } from '../output';
import type { PolicyRule, Violation } from '../policy/rule';
import { resolveTarget, type Destination } from './addressing';
import {
  namespaceLabels,
  peerAddresses,
  peerMatchesPods,
  policiesOf,
  portMatches,
  rulePeers,
  rulesOf,
  selecting,
  verdict,
  type Direction,
  type Policy,
} from './evaluate';
import { formatSet, intersects } from './ranges';

interface Resolved {
  readonly flow: Flow;
  readonly to: Destination;
}

const podText = (p: PodRef) => `${p.namespace}/${p.name}`;
const portText = (p: FlowPort) => `${p.protocol}/${p.port}`;
const targetText = (d: Destination) => (d.kind === 'pods' ? podText(d.pods) : d.label);

function resolveAll(env: Environment, out: EnvironmentOutput): { resolved: Resolved[]; unresolved: { flow: Flow; why: string }[] } {
  const resolved: Resolved[] = [];
  const unresolved: { flow: Flow; why: string }[] = [];
  for (const flow of platformFlows(env)) {
    const to = resolveTarget(env, out, flow.to);
    if (typeof to === 'string') unresolved.push({ flow, why: to });
    else resolved.push({ flow, to });
  }
  return { resolved, unresolved };
}

export function blockedFlows(env: Environment, out: EnvironmentOutput): Violation[] {
  const policies = policiesOf(out.manifests);
  const nsLabels = namespaceLabels(out.manifests);
  const { resolved, unresolved } = resolveAll(env, out);
  const violations: Violation[] = unresolved.map(({ flow, why }) => ({
    file: `${out.name}/kubernetes`,
    resource: `flow ${podText(flow.from)} -> ${flow.to.kind}`,
    message: `cannot place the flow (${flow.why}): ${why}`,
  }));
  for (const { flow, to } of resolved) {
    for (const port of to.ports) {
      const sides: { side: string; v: ReturnType<typeof verdict> }[] = [
        {
          side: `egress of ${podText(flow.from)}`,
          v: verdict(policies, nsLabels, flow.from, 'Egress', to.kind === 'pods' ? to.pods : to.addresses, port, to.kind === 'pods' || to.ipBlocks !== false),
        },
        ...(to.kind === 'pods' ? [{ side: `ingress of ${podText(to.pods)}`, v: verdict(policies, nsLabels, to.pods, 'Ingress', flow.from, port) }] : []),
      ];
      for (const { side, v } of sides) {
        if (v.allowed) continue;
        const names = v.policies.map((p) => p.name).join(', ');
        const where = to.kind === 'addresses' ? `${to.where}: ${formatSet(to.addresses)}` : podText(to.pods);
        violations.push({
          file: v.policies[0].manifest.file,
          resource: `flow ${podText(flow.from)} -> ${targetText(to)} ${portText(port)}`,
          message: `blocked at the ${side}: no rule of ${names} allows ${where} on ${portText(port)}, which it needs because it ${flow.why}`,
        });
      }
    }
  }
  return violations;
}

function peerText(peer: Record<string, any> | undefined): string {
  if (!peer) return 'any peer';
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
  return JSON.stringify({ namespaceSelector: peer.namespaceSelector, podSelector: peer.podSelector });
}

const entryText = (e: Record<string, any> | undefined) => (e ? `${e.protocol ?? 'TCP'}/${e.port ?? 'any'}${e.endPort ? `-${e.endPort}` : ''}` : 'any port');

/** Whether a resolved flow uses `peer` × `entry` of `policy`'s rule in `direction`. */
function uses(
  r: Resolved,
  policy: Policy,
  direction: Direction,
  peer: Record<string, any> | undefined,
  entry: Record<string, any> | undefined,
  nsLabels: (ns: string) => Readonly<Record<string, string>>,
): boolean {
  const portOk = r.to.ports.some((p) => !entry || portMatches(entry, p));
  if (!portOk) return false;
  if (direction === 'Egress') {
    if (!selecting([policy], r.flow.from).length) return false;
    if (!peer) return true;
    return r.to.kind === 'pods'
      ? peerMatchesPods(peer, policy, r.to.pods, nsLabels)
      : r.to.ipBlocks !== false && intersects(peerAddresses(peer), r.to.addresses);
  }
  if (r.to.kind !== 'pods' || !selecting([policy], r.to.pods).length) return false;
  return !peer || peerMatchesPods(peer, policy, r.flow.from, nsLabels);
}

export function unusedRules(env: Environment, out: EnvironmentOutput): Violation[] {
  const policies = policiesOf(out.manifests);
  const nsLabels = namespaceLabels(out.manifests);
  const { resolved } = resolveAll(env, out);
  const violations: Violation[] = [];
  for (const policy of policies) {
    for (const direction of ['Ingress', 'Egress'] as const) {
      rulesOf(policy, direction).forEach((rule, i) => {
        const peers = rulePeers(rule, direction) ?? [undefined];
        const entries: (Record<string, any> | undefined)[] = Array.isArray(rule.ports) && rule.ports.length > 0 ? rule.ports : [undefined];
        peers.forEach((peer, j) =>
          entries.forEach((entry) => {
            if (resolved.some((r) => uses(r, policy, direction, peer, entry, nsLabels))) return;
            const at = `spec.${direction.toLowerCase()}[${i}]${peer ? `.${direction === 'Egress' ? 'to' : 'from'}[${j}]` : ''}`;
            violations.push({
              file: policy.manifest.file,
              resource: describeObject(policy.manifest.obj),
              message: `${at} (${peerText(peer)}, ${entryText(entry)}): no declared flow uses it; remove it or declare the flow that needs it`,
              severity: 'warning',
            });
          }),
        );
      });
    }
  }
  return violations;
}

export const flowRules: readonly PolicyRule[] = [
  {
    id: 'network-flow-blocked',
    reason:
      "A flow a workload declares (DNS, API server, cloud endpoints, database, peers) must pass the NetworkPolicies at both ends, at the cloud's real addresses.",
    check: (ctx) => (ctx.environment ? blockedFlows(ctx.environment, ctx.env) : []),
  },
  {
    id: 'network-policy-unused-allow',
    reason: 'An allow rule no declared flow uses is an opening nobody needs, or a flow nobody declared (a warning).',
    check: (ctx) => (ctx.environment ? unusedRules(ctx.environment, ctx.env) : []),
  },
];
