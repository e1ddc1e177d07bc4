/**
 * The order an environment is delivered in, the same for Argo CD and Flux: one unit per app directory and
 * one per operator release, each after exactly the units it needs, so a failing operator holds back only
 * what depends on it.
 * - the foundation app (namespaces, priority classes, default policies) needs nothing;
 * - an operator needs the foundation (its pods take the platform's priority class), the releases it names
 *   in `dependsOn`, and every app holding a custom resource its `after` lists (e.g. KServe's controller
 *   starts only once Knative Serving's CRDs exist, which the KnativeServing of an app makes the Knative
 *   Operator install);
 * - any other app needs the foundation and the operators serving its custom resources.
 * Flux turns each unit into a Kustomization with these `dependsOn`; Argo CD into an Application whose sync
 * wave is one more than the highest wave it needs (the root app syncs the waves in order).
 */
import { OPERATORS, operatorsFor, type OperatorName } from '../../src/model/operators';
import { FOUNDATION_APP, type AppInventory, type GitopsContext } from './inventory';

export type DeliveryUnit =
  { readonly kind: 'app'; readonly name: string; readonly inventory: AppInventory } | { readonly kind: 'operator'; readonly name: OperatorName };

export interface PlannedUnit {
  readonly unit: DeliveryUnit;
  /** The units it needs, foundation first, then operators and apps in plan order. */
  readonly needs: readonly DeliveryUnit[];
  /** 0 for the foundation; one more than the highest wave of what it needs. */
  readonly wave: number;
}

export const unitKey = (u: DeliveryUnit): string => `${u.kind}:${u.name}`;

/** Every unit of the environment with what it needs; units in wave order (then foundation, operators, apps, by name). */
export function deliveryPlan(ctx: GitopsContext, apps: readonly AppInventory[]): PlannedUnit[] {
  const operators = operatorsFor(ctx.env);
  const foundation = apps.find((a) => a.appName === FOUNDATION_APP);
  const units: DeliveryUnit[] = [
    ...apps.map((inventory): DeliveryUnit => ({ kind: 'app', name: inventory.appName, inventory })),
    ...operators.map((name): DeliveryUnit => ({ kind: 'operator', name })),
  ];
  const byKey = new Map(units.map((u) => [unitKey(u), u]));
  const appsHolding = (kinds: readonly string[]) => apps.filter((a) => a.kinds.some((k) => kinds.includes(k)));

  const needsOf = (u: DeliveryUnit): DeliveryUnit[] => {
    if (u.kind === 'app' && u.name === FOUNDATION_APP) return [];
    const keys = new Set<string>(foundation ? [`app:${FOUNDATION_APP}`] : []);
    if (u.kind === 'operator') {
      for (const dep of OPERATORS[u.name].dependsOn) keys.add(`operator:${dep}`);
      for (const a of appsHolding(OPERATORS[u.name].after)) keys.add(`app:${a.appName}`);
    } else for (const o of u.inventory.operators) keys.add(`operator:${o}`);
    return [...keys].map((k) => {
      const dep = byKey.get(k);
      if (!dep) throw new Error(`${ctx.env.name}: ${unitKey(u)} needs ${k}, which the environment does not deliver`);
      return dep;
    });
  };

  const waves = new Map<string, number>();
  const visiting = new Set<string>();
  const waveOf = (u: DeliveryUnit): number => {
    const key = unitKey(u);
    const known = waves.get(key);
    if (known !== undefined) return known;
    if (visiting.has(key)) throw new Error(`${ctx.env.name}: delivery order has a cycle through ${key}`);
    visiting.add(key);
    const wave = 1 + Math.max(-1, ...needsOf(u).map(waveOf));
    visiting.delete(key);
    waves.set(key, wave);
    return wave;
  };

  const rank = (u: DeliveryUnit) => (u.kind === 'app' && u.name === FOUNDATION_APP ? 0 : u.kind === 'operator' ? 1 : 2);
  const ordered = [...units].sort((a, b) => waveOf(a) - waveOf(b) || rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const position = new Map(ordered.map((u, i) => [unitKey(u), i]));
  return ordered.map((unit) => ({
    unit,
    needs: needsOf(unit).sort((a, b) => position.get(unitKey(a))! - position.get(unitKey(b))!),
    wave: waveOf(unit),
  }));
}
