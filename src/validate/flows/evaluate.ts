/**
 * NetworkPolicy (networking.k8s.io/v1) semantics over declared pods, as the API documents them:
 * a pod is isolated for a direction when any policy selecting it lists that policyType (policyTypes absent:
 * Ingress, plus Egress when the policy has egress rules); traffic is allowed when the pod is not isolated, or
 * when any rule of any selecting policy matches both peer and port. A peer's podSelector alone means the
 * policy's namespace, a namespaceSelector (namespaces by their labels, kubernetes.io/metadata.name included)
 * any namespace it selects, both together the pods in those namespaces; ipBlock matches addresses only
 * (never pods: on AKS's Cilium it cannot select pod IPs, and elsewhere it is implementation-defined).
 */
import type { FlowPort, PodRef } from '../../model/flows';
import type { Manifest } from '../output';
import { covers, ipBlockSet, union, type AddressSet } from './ranges';

export type Direction = 'Ingress' | 'Egress';

export interface Policy {
  readonly manifest: Manifest;
  readonly name: string;
  readonly namespace: string;
  readonly spec: Record<string, any>;
  readonly types: readonly Direction[];
}

export interface Selector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: string[] }[];
}

export function matches(selector: Selector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  const exact = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    exact &&
    (selector.matchExpressions ?? []).every((e) => {
      const has = Object.prototype.hasOwnProperty.call(labels, e.key);
      switch (e.operator) {
        case 'In':
          return has && (e.values ?? []).includes(labels[e.key]);
        case 'NotIn':
          return !has || !(e.values ?? []).includes(labels[e.key]);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        default:
          return false;
      }
    })
  );
}

export function policiesOf(manifests: readonly Manifest[]): Policy[] {
  return manifests
    .filter((m) => m.obj.kind === 'NetworkPolicy' && m.obj.apiVersion === 'networking.k8s.io/v1')
    .map((m) => {
      const spec = (m.obj.spec ?? {}) as Record<string, any>;
      const types: Direction[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : ['Ingress', ...(Array.isArray(spec.egress) ? (['Egress'] as const) : [])];
      return { manifest: m, name: m.obj.metadata.name, namespace: m.obj.metadata.namespace ?? 'default', spec, types };
    });
}

/** Namespace labels: the Namespace objects' own, plus the name label the API server sets on every namespace. */
export function namespaceLabels(manifests: readonly Manifest[]): (namespace: string) => Readonly<Record<string, string>> {
  const labels = new Map<string, Record<string, string>>();
  for (const m of manifests) if (m.obj.kind === 'Namespace') labels.set(m.obj.metadata.name, m.obj.metadata.labels ?? {});
  return (ns) => ({ ...(labels.get(ns) ?? {}), 'kubernetes.io/metadata.name': ns });
}

export const selecting = (policies: readonly Policy[], pods: PodRef): Policy[] =>
  policies.filter((p) => p.namespace === pods.namespace && matches(p.spec.podSelector ?? {}, pods.labels));

/** A peer of a rule of `policy`, against pods. */
export function peerMatchesPods(peer: Record<string, any>, policy: Policy, pods: PodRef, nsLabels: (ns: string) => Readonly<Record<string, string>>): boolean {
  if (peer.ipBlock) return false;
  const inNamespace = peer.namespaceSelector ? matches(peer.namespaceSelector, nsLabels(pods.namespace)) : pods.namespace === policy.namespace;
  return inNamespace && matches(peer.podSelector, pods.labels);
}

/** The addresses a peer allows (ipBlock only; selectors select pods, not external addresses). */
export const peerAddresses = (peer: Record<string, any>): AddressSet => (peer.ipBlock ? ipBlockSet(peer.ipBlock) : []);

/** A rule's port entry against a flow port: protocol (default TCP), number or name, endPort ranges; no port means every port. */
export function portMatches(entry: Record<string, any>, port: FlowPort): boolean {
  if ((entry.protocol ?? 'TCP') !== port.protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'string' && !/^\d+$/.test(entry.port)) return entry.port === port.name;
  const from = Number(entry.port);
  return port.port >= from && port.port <= (entry.endPort ?? from);
}

export const rulePortsMatch = (rule: Record<string, any>, port: FlowPort): boolean =>
  !Array.isArray(rule.ports) || rule.ports.length === 0 || rule.ports.some((e: Record<string, any>) => portMatches(e, port));

export const rulePeers = (rule: Record<string, any>, direction: Direction): Record<string, any>[] | undefined => {
  const peers = rule[direction === 'Egress' ? 'to' : 'from'];
  return Array.isArray(peers) && peers.length > 0 ? peers : undefined;
};

/** The rules of `policy` for `direction`; none when the policy does not isolate that direction. */
export function rulesOf(policy: Policy, direction: Direction): Record<string, any>[] {
  const rules = policy.spec[direction === 'Egress' ? 'egress' : 'ingress'];
  return policy.types.includes(direction) && Array.isArray(rules) ? rules : [];
}

export type Verdict = { readonly allowed: true; readonly by: string } | { readonly allowed: false; readonly policies: readonly Policy[] };

/**
 * Whether `pods` may send to (Egress) or receive from (Ingress) `peer` on `port`. `peer` is pods, or an address
 * set that every address of must be allowed (the destination may be any of them); with `ipBlocks` false no ipBlock
 * selects those addresses, and only a rule without peers allows them.
 */
export function verdict(
  policies: readonly Policy[],
  nsLabels: (ns: string) => Readonly<Record<string, string>>,
  pods: PodRef,
  direction: Direction,
  peer: PodRef | AddressSet,
  port: FlowPort,
  ipBlocks = true,
): Verdict {
  const isolating = selecting(policies, pods).filter((p) => p.types.includes(direction));
  if (isolating.length === 0) return { allowed: true, by: `${pods.name} is not isolated for ${direction.toLowerCase()}` };
  let allowedAddresses: AddressSet = [];
  for (const policy of isolating) {
    for (const rule of rulesOf(policy, direction)) {
      if (!rulePortsMatch(rule, port)) continue;
      const peers = rulePeers(rule, direction);
      if (!peers) return { allowed: true, by: policy.name };
      if (Array.isArray(peer)) {
        if (ipBlocks) allowedAddresses = union(allowedAddresses, ...peers.map(peerAddresses));
      } else if (peers.some((p) => peerMatchesPods(p, policy, peer as PodRef, nsLabels))) return { allowed: true, by: policy.name };
    }
  }
  if (Array.isArray(peer) && ipBlocks && covers(allowedAddresses, peer as AddressSet)) return { allowed: true, by: 'ipBlock rules' };
  return { allowed: false, policies: isolating };
}
