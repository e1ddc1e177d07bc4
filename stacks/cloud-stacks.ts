/** The contract each cloud's stacks fulfil (stacks/aws, stacks/azure), and how one environment's are built. */
import type { App } from 'cdktf';
import { withWorkload, type EnvironmentContext } from '../src/model/context';
import type { Cloud, WorkloadName } from '../src/model/types';
import { WORKLOAD_NAMES } from '../src/model/types';
import type { PlatformStack } from './constructs/platform-stack';

/** What a cloud supplies: its `platform` stack and one stack per workload; a new workload is a compile error until each cloud has it. */
export interface CloudStacks<C extends Cloud> {
  /** The network and cluster layers. */
  readonly platform: (app: App, ctx: EnvironmentContext<C>) => PlatformStack<C>;
  /** Built when the workload is enabled: its own state, so it plans, applies and is destroyed without touching the cluster. */
  readonly workloads: { readonly [W in WorkloadName]: (app: App, ctx: EnvironmentContext<C, W>) => PlatformStack<C, W> };
}

/** The platform stack, then the stack of every enabled workload. */
export function buildCloudStacks<C extends Cloud>(app: App, ctx: EnvironmentContext<C>, stacks: CloudStacks<C>): PlatformStack[] {
  const built: PlatformStack<C>[] = [stacks.platform(app, ctx)];
  const buildWorkload = <W extends WorkloadName>(workload: W) => {
    const workloadCtx = withWorkload(ctx, workload);
    if (workloadCtx) built.push(stacks.workloads[workload](app, workloadCtx));
  };
  WORKLOAD_NAMES.forEach(buildWorkload);
  return built as PlatformStack[];
}
