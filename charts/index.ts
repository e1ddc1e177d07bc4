/** The Kubernetes charts (one per app directory) of one environment. */
import type { App } from 'cdk8s';
import { byCloud, withWorkload, type EnvironmentContext } from '../src/model/context';
import type { Cloud, WorkloadName } from '../src/model/types';
import { WORKLOAD_NAMES } from '../src/model/types';
import { EdwChart } from './edw/edw';
import { LakehouseChart } from './lakehouse/lakehouse';
import type { AppChart } from './lib/app-chart';
import { MlopsChart } from './mlops/mlops';
import { ObservabilityChart } from './observability/observability';
import { KarpenterChart } from './platform/karpenter';
import { PlatformChart } from './platform/platform';
import { RagChart } from './rag/rag';
import { ServingIngressChart } from './serving/ingress';
import { ServingChart } from './serving/serving';

/** Builds one app's chart (its context bound when the table picked it). Synth builds them one at a time, so a chart that lacks a Terraform output is left out on its own. */
export type ChartFactory = (app: App) => AppChart;

/** The platform's charts on each cloud: namespaces and policies everywhere, Karpenter's node classes and pools on AWS. */
const PLATFORM_CHARTS: { readonly [C in Cloud]: (ctx: EnvironmentContext<C>) => readonly ChartFactory[] } = {
  aws: (ctx) => [(app) => new PlatformChart(app, ctx), (app) => new KarpenterChart(app, ctx)],
  azure: (ctx) => [(app) => new PlatformChart(app, ctx)],
};

/** The charts of each workload where it is enabled; model serving and its routing are MLOps' second and third apps, present when models are served. */
const WORKLOAD_CHARTS: { readonly [W in WorkloadName]: (ctx: EnvironmentContext<Cloud, W>) => readonly ChartFactory[] } = {
  edw: (ctx) => [(app) => new EdwChart(app, ctx)],
  rag: (ctx) => [(app) => new RagChart(app, ctx)],
  mlops: (ctx) => [
    (app) => new MlopsChart(app, ctx),
    ...(ctx.env.mlops.models.length > 0 ? [(app: App) => new ServingChart(app, ctx), (app: App) => new ServingIngressChart(app, ctx)] : []),
  ],
  lakehouse: (ctx) => [(app) => new LakehouseChart(app, ctx)],
};

/** The apps of a workload in this environment: none where it is off. */
function workloadCharts<W extends WorkloadName>(ctx: EnvironmentContext, workload: W): readonly ChartFactory[] {
  const on = withWorkload(ctx, workload);
  return on ? WORKLOAD_CHARTS[workload](on) : [];
}

/** The observability app, where observability is on. */
const observabilityCharts = (ctx: EnvironmentContext): readonly ChartFactory[] =>
  ctx.env.observability.enabled ? [(app) => new ObservabilityChart(app, ctx)] : [];

export function chartFactories(ctx: EnvironmentContext): ChartFactory[] {
  return [...byCloud(ctx, PLATFORM_CHARTS), ...WORKLOAD_NAMES.flatMap((w) => workloadCharts(ctx, w)), ...observabilityCharts(ctx)];
}

export function buildCharts(app: App, ctx: EnvironmentContext): AppChart[] {
  return chartFactories(ctx).map((build) => build(app));
}
