/**
 * The workloads of the platform. Each is switched on per environment; where one is on, its settings
 * (`env.edw`) and names (`names.edw`) are present, and the types below let code that runs only for an
 * enabled workload say so once instead of asserting `!` at every read.
 */
import type { WorkloadName } from '../types';

/** `T` (an environment, its names or a context part) with the entries of workloads `W` present. */
export type WithWorkloads<T, W extends WorkloadName> = T extends unknown ? T & { readonly [K in W & keyof T]-?: NonNullable<T[K]> } : never;

/** True when workload `w` is on in `value` (an environment or its names): narrows it to {@link WithWorkloads}. */
export function hasWorkload<T extends { readonly [K in WorkloadName]?: unknown }, W extends WorkloadName>(value: T, w: W): value is WithWorkloads<T, W> & T {
  return value[w] !== undefined;
}
