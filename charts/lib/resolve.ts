/**
 * cdk8s resolves every value of every object before rendering it: for each value it finds the App by walking
 * up the construct tree, copies the value's key path, makes a context object and asks each resolver in turn, a
 * fifth of the Kubernetes half of synth. With only cdk8s's own three resolvers (an App made without `resolvers`,
 * as ours are), the same walk is done here in one pass: the same checks, in the same order, with the same
 * results. cdk8s is pinned (package.json), and ApiObject.toJson reads `resolve` from this module object at
 * call time, as cdktf's internal exports are replaced in stacks/constructs/platform-stack.ts.
 */
import { App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver, type ApiObject, type IResolver } from 'cdk8s';

type Resolve = (key: string[], value: unknown, apiObject: ApiObject) => unknown;
// (require, not import: a compiled `import *` namespace is read-only.)
const cdk8sResolve = require('cdk8s/lib/resolve') as { resolve: Resolve };
export const resolveWithCdk8s: Resolve = cdk8sResolve.resolve;

const DEFAULT_RESOLVERS = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver];
const onlyDefaults = (resolvers: readonly IResolver[]) =>
  resolvers.length === DEFAULT_RESOLVERS.length && resolvers.every((r, i) => r.constructor === DEFAULT_RESOLVERS[i]);

/** What cdk8s's three resolvers and its walk make of `value`. */
export function resolveDefault(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  // LazyResolver
  if (value instanceof Lazy) return resolveDefault(value.produce());
  const v = value as { resolve?: unknown; value?: unknown; constructor?: unknown };
  // ImplicitTokenResolver
  if (typeof v.resolve === 'function') return resolveDefault((v.resolve as () => unknown).call(value));
  // NumberStringUnionResolver: a union class (IntOrString, Quantity), not a plain dictionary
  if (v.constructor !== Object && (typeof v.value === 'number' || typeof v.value === 'string')) return resolveDefault({ value: v.value });
  if (Array.isArray(value)) return value.map(resolveDefault);
  if (v.constructor === Object) {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(value)) out[k] = resolveDefault(item);
    return out;
  }
  return value;
}

cdk8sResolve.resolve = (key, value, apiObject) => (onlyDefaults(App.of(apiObject).resolvers) ? resolveDefault(value) : resolveWithCdk8s(key, value, apiObject));
