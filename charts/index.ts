/** The Kubernetes charts (one per app directory) of one environment. */
import type { App } from 'cdk8s';
import type { EnvironmentContext } from '../src/model/context';
import { EdwChart } from './edw/edw';
import { LakehouseChart } from './lakehouse/lakehouse';
import type { AppChart } from './lib/app-chart';
import { MlopsChart } from './mlops/mlops';
import { KarpenterChart } from './platform/karpenter';
import { PlatformChart } from './platform/platform';
import { RagChart } from './rag/rag';
import { ServingChart } from './serving/serving';

/** Builds one app's chart. Synth builds them one at a time, so a chart that lacks a Terraform output is left out on its own. */
export type ChartFactory = (app: App, ctx: EnvironmentContext) => AppChart;

export function chartFactories(ctx: EnvironmentContext): ChartFactory[] {
  const factories: ChartFactory[] = [(app, c) => new PlatformChart(app, c)];
  if (ctx.env.cloud === 'aws') factories.push((app, c) => new KarpenterChart(app, c));
  if (ctx.env.edw) factories.push((app, c) => new EdwChart(app, c));
  if (ctx.env.rag) factories.push((app, c) => new RagChart(app, c));
  if (ctx.env.mlops) factories.push((app, c) => new MlopsChart(app, c));
  if (ctx.env.mlops?.models.length) factories.push((app, c) => new ServingChart(app, c));
  if (ctx.env.lakehouse) factories.push((app, c) => new LakehouseChart(app, c));
  return factories;
}

export function buildCharts(app: App, ctx: EnvironmentContext): AppChart[] {
  return chartFactories(ctx).map((build) => build(app, ctx));
}
