/**
 * Per-cloud tables: where the clouds differ, the model, the stacks and the charts keep one entry per
 * cloud (`{ [C in Cloud]: … }`), never an if/else whose `else` means "the other cloud", so adding a
 * member to `Cloud` makes the compiler list every table that lacks it.
 */
import type { Cloud } from './types';

/** The function of each cloud, taking `T` (an environment, a spec, a context part…) narrowed to that cloud. */
export type ByCloud<T extends { readonly cloud: Cloud }, R> = { readonly [C in Cloud]: (value: Extract<T, { readonly cloud: C }>) => R };

/**
 * Calls the entry of `table` for the value's cloud with the value narrowed to it: the one place where
 * a value of either cloud meets per-cloud code (TypeScript cannot correlate the index and the argument
 * of a union by itself).
 */
export function forCloud<T extends { readonly cloud: Cloud }, R>(value: T, table: ByCloud<T, R>): R {
  return (table[value.cloud] as (value: T) => R)(value);
}

/** Every cloud, in a stable order; `Record<Cloud, true>` makes a new cloud a compile error here. */
export const CLOUD_SET: Readonly<Record<Cloud, true>> = { aws: true, azure: true };
export const CLOUDS: readonly Cloud[] = Object.keys(CLOUD_SET) as Cloud[];
