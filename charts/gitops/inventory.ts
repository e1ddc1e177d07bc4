/**
 * What the GitOps objects need to know about the rendered app directories: the namespaces they write to,
 * the cluster-scoped kinds they create (an Argo CD project allows exactly those), the custom resources that
 * need an operator (delivery.ts orders by them).
 */
import type { EnvironmentContext } from '../../src/model/context';
import { operatorFor, operatorNamespacePodSecurity, operatorsFor, type OperatorName } from '../../src/model/operators';
import { POD_SECURITY_REASON_ANNOTATION, podSecurityLabels } from '../platform/platform';
import type { Environment } from '../../src/model/types';

/** The context of an environment the model gives GitOps delivery. */
export type GitopsContext = EnvironmentContext & { readonly env: { readonly gitops: NonNullable<Environment['gitops']> } };

export function hasGitops(ctx: EnvironmentContext): ctx is GitopsContext {
  return ctx.env.gitops !== undefined;
}

/** The values of a map in the order of their sorted keys. */
export function valuesByKey<V>(map: ReadonlyMap<string, V>): V[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

/** A rendered Kubernetes object, as far as the GitOps layer reads it. */
export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export interface AppInventory {
  /** The directory under dist/<env>/kubernetes. */
  readonly appName: string;
  /** Namespaces it writes to or creates, sorted. */
  readonly namespaces: readonly string[];
  /** Cluster-scoped kinds it creates (`group` is '' for the core API), sorted. */
  readonly clusterKinds: readonly { readonly group: string; readonly kind: string }[];
  /** Operators whose custom resources it contains, in install order. */
  readonly operators: readonly OperatorName[];
  /** The kinds (`apiVersion Kind`) of its objects, sorted. */
  readonly kinds: readonly string[];
}

/** The app that creates namespaces, priority classes and default policies: synced before everything else. */
export const FOUNDATION_APP = 'platform';

export function inventoryOf(ctx: EnvironmentContext, appName: string, objects: readonly RenderedObject[]): AppInventory {
  const installed = operatorsFor(ctx.env);
  const namespaces = new Set<string>();
  const clusterKinds = new Map<string, { group: string; kind: string }>();
  const operators = new Set<OperatorName>();
  const kinds = new Set<string>();
  for (const o of objects) {
    kinds.add(`${o.apiVersion} ${o.kind}`);
    if (o.metadata.namespace) namespaces.add(o.metadata.namespace);
    else {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      clusterKinds.set(`${group}/${o.kind}`, { group, kind: o.kind });
    }
    if (o.kind === 'Namespace') namespaces.add(o.metadata.name);
    const operator = operatorFor(`${o.apiVersion} ${o.kind}`, installed);
    if (operator) operators.add(operator);
  }
  return {
    appName,
    namespaces: [...namespaces].sort(),
    clusterKinds: valuesByKey(clusterKinds),
    operators: installed.filter((o) => operators.has(o)),
    kinds: [...kinds].sort(),
  };
}

/** Where an app directory is in the Git repository. */
export function repoPath(ctx: GitopsContext, ...segments: string[]): string {
  return [ctx.env.gitops.basePath, ctx.env.name, ...segments].join('/');
}

/**
 * The metadata of an operator's namespace, which its release creates (Argo CD `managedNamespaceMetadata`, a
 * Namespace beside the Flux HelmRelease): the Pod Security level its releases need, with why where below
 * restricted. Undefined for a namespace every cluster has.
 */
export function operatorNamespaceMetadata(
  ctx: EnvironmentContext,
  namespace: string,
): { labels: Record<string, string>; annotations?: Record<string, string> } | undefined {
  const security = operatorNamespacePodSecurity(ctx.env).get(namespace);
  if (!security) return undefined;
  return {
    labels: { ...podSecurityLabels(security.level, ctx.env), 'platform-synth.io/tier': 'operator' },
    ...(security.reasons.length ? { annotations: { [POD_SECURITY_REASON_ANNOTATION]: security.reasons.join('; ') } } : {}),
  };
}
