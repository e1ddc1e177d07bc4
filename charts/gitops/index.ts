/** The GitOps objects of one environment (dist/<env>/gitops/), for the tool the model names. */
import type { App } from 'cdk8s';
import type { EnvironmentContext } from '../../src/model/context';
import type { AppChart } from '../lib/app-chart';
import { argoCdCharts } from './argocd';
import { fluxCharts } from './flux';
import { hasGitops, inventoryOf, type RenderedObject } from './inventory';

export interface RenderedApp {
  readonly appName: string;
  readonly objects: readonly RenderedObject[];
}

/** None without `gitops` in the model. */
export function gitopsCharts(app: App, ctx: EnvironmentContext, apps: readonly RenderedApp[]): AppChart[] {
  if (!hasGitops(ctx)) return [];
  const inventories = apps.map((a) => inventoryOf(ctx, a.appName, a.objects));
  return ctx.env.gitops.tool === 'argocd' ? argoCdCharts(app, ctx, inventories) : fluxCharts(app, ctx, inventories);
}
