/**
 * The Pod Security `enforce` level of each workload's namespace: the level its module declares, lowered only by
 * the containers the operators it uses add to its pods, as src/model/injected-containers.ts records them for the
 * pinned versions. Every level below restricted comes with its reasons, which the platform writes on the
 * Namespace; audit and warn stay restricted.
 */
import { lowerLevel, type PodSecurity, type PodSecurityLevel } from './cluster';
import { OPERATOR_INJECTORS, pinnedInjectorRelease, type Injector } from './injected-containers';
import { OPERATORS, type OperatorName } from './operators';
import type { Environment, WorkloadName } from './types';
import { WORKLOADS, hasWorkload } from './workloads';

export interface NamespacePodSecurity {
  readonly level: PodSecurityLevel;
  /** Why the level is below restricted, one entry per cause; empty at restricted. */
  readonly reasons: readonly string[];
}

/** The injectors of the operators workload `w` needs here, with the releases those depend on (KServe's runtimes need its controller). */
export function workloadInjectors(env: Environment, w: WorkloadName): Injector[] {
  if (!hasWorkload(env, w)) return [];
  const operators = new Set<OperatorName>();
  const visit = (name: OperatorName) => {
    if (operators.has(name)) return;
    operators.add(name);
    OPERATORS[name].dependsOn.forEach(visit);
  };
  WORKLOADS[w].operators(env as never).forEach(visit);
  return [...new Set([...operators].sort().flatMap((o) => OPERATOR_INJECTORS[o] ?? []))];
}

/** The level of workload `w`'s namespace in `env`, and why it is below restricted. */
export function workloadPodSecurity(env: Environment, w: WorkloadName): NamespacePodSecurity {
  const claims: PodSecurity[] = [WORKLOADS[w].podSecurity, ...workloadInjectors(env, w).map((i) => pinnedInjectorRelease(i).security)];
  const level = claims.reduce<PodSecurityLevel>((l, c) => lowerLevel(l, c.level), 'restricted');
  const reasons = [...new Set(claims.flatMap((c) => (c.level === 'restricted' ? [] : [c.reason])))];
  return { level, reasons };
}
