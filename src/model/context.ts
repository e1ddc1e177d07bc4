import { namesFor, type EnvironmentNames } from './naming';
import type { Cloud, Environment, Platform, WorkloadName } from './types';
import type { WithWorkloads } from './workloads/enabled';

/** Values only the cloud knows, from `terraform output -json` of a stack of this environment. */
export interface TerraformOutputs {
  /** The output's value; a miss is recorded and synth reports every miss instead of writing anything. */
  require(stack: string, name: string): string;
}

interface ContextOf<C extends Cloud, W extends WorkloadName> {
  readonly platform: Platform;
  readonly env: WithWorkloads<Environment<C>, W>;
  readonly names: WithWorkloads<EnvironmentNames<C>, W>;
  /** Charts read cloud-assigned values here; stacks never need them. */
  readonly outputs: TerraformOutputs;
}

/**
 * What every stack layer and chart receives: the resolved model of one environment and its names. `C`
 * narrows it to one cloud (stacks/aws reads `EnvironmentContext<'aws'>`), `W` to the workloads that are
 * switched on (a workload's stack reads `EnvironmentContext<C, 'edw'>`); by default it is either cloud,
 * discriminated by `env.cloud` and `names.cloud`.
 */
export type EnvironmentContext<C extends Cloud = Cloud, W extends WorkloadName = never> = C extends Cloud ? ContextOf<C, W> : never;

/** The context of one environment: its names derived here, so they are always of the environment's cloud. */
export function contextFor<C extends Cloud>(platform: Platform, env: Environment<C>, outputs: TerraformOutputs): EnvironmentContext<C> {
  return { platform, env, names: namesFor(platform, env), outputs } as EnvironmentContext as EnvironmentContext<C>;
}

/** The context narrowed to cloud `C`, or undefined when the environment is on another cloud. */
export function onCloud<C extends Cloud>(ctx: EnvironmentContext, cloud: C): EnvironmentContext<C> | undefined {
  return ctx.env.cloud === cloud && ctx.names.cloud === cloud ? (ctx as EnvironmentContext<C>) : undefined;
}

/** The context narrowed to an enabled workload `W`, or undefined when it is off in this environment. */
export function withWorkload<C extends Cloud, W extends WorkloadName>(ctx: EnvironmentContext<C>, workload: W): EnvironmentContext<C, W> | undefined {
  return ctx.env[workload] !== undefined && ctx.names[workload] !== undefined ? (ctx as EnvironmentContext<C, W>) : undefined;
}

/** {@link forCloud} for a whole context: calls the entry of `table` for its cloud with the context narrowed to it. */
export function byCloud<R, W extends WorkloadName = never>(
  ctx: EnvironmentContext<Cloud, W>,
  table: { readonly [C in Cloud]: (ctx: EnvironmentContext<C, W>) => R },
): R {
  return (table[ctx.env.cloud] as (ctx: EnvironmentContext<Cloud, W>) => R)(ctx);
}
