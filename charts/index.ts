/** Builds the Kubernetes charts (one per app directory) of one environment. */
import type { App } from 'cdk8s';
import type { EnvironmentContext } from '../src/model/context';
import type { AppChart } from './lib/app-chart';
import { KarpenterChart } from './platform/karpenter';
import { PlatformChart } from './platform/platform';

export function buildCharts(app: App, ctx: EnvironmentContext): AppChart[] {
  const charts: AppChart[] = [new PlatformChart(app, ctx)];
  if (ctx.env.cloud === 'aws') charts.push(new KarpenterChart(app, ctx));
  return charts;
}
