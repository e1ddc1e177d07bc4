/**
 * The base of every chart: one chart is one app directory, dist/<env>/kubernetes/<appName>/.
 * Object names come from the model (never construct-path hashes) and every object carries the
 * platform's standard labels.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud, WorkloadName } from '../../src/model/types';

export const MANAGED_BY = 'platform-synth';

export function standardLabels(ctx: EnvironmentContext, appName: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/part-of': ctx.platform.name,
    'platform-synth.io/app': appName,
    'platform-synth.io/environment': ctx.env.name,
  };
}

/** Where an app directory lives under dist/<env>/: the workloads' manifests, or the GitOps objects that apply them. */
export type OutputRoot = 'kubernetes' | 'gitops';

export interface AppChartOptions {
  /** Default: `kubernetes`. */
  readonly root?: OutputRoot;
  /** Other directories (relative paths) its kustomization.yaml includes, e.g. `../bootstrap`. Default: none. */
  readonly kustomizeBases?: readonly string[];
}

/** One app directory's chart; a workload's chart is an `AppChart<W>`, its context narrowed to the workload being on. */
export class AppChart<W extends WorkloadName = never> extends Chart {
  /** The directory under dist/<env>/<root>; keep it stable, GitOps objects point at it. */
  readonly appName: string;
  readonly root: OutputRoot;
  readonly kustomizeBases: readonly string[];
  readonly ctx: EnvironmentContext<Cloud, W>;

  constructor(scope: Construct, appName: string, ctx: EnvironmentContext<Cloud, W>, namespace?: string, options: AppChartOptions = {}) {
    const root = options.root ?? 'kubernetes';
    super(scope, root === 'kubernetes' ? appName : `${root}-${appName}`, { labels: standardLabels(ctx, appName), namespace, disableResourceNameHashes: true });
    this.appName = appName;
    this.root = root;
    this.kustomizeBases = options.kustomizeBases ?? [];
    this.ctx = ctx;
  }
}

/** Workloads that have a chart of their own (names and settings both in the context). */
export type ChartWorkload = 'edw' | 'rag' | 'mlops' | 'lakehouse';

/** The names of a workload a chart needs enabled; throws, naming the chart, where it is off. */
export function enabledWorkloadNames<W extends ChartWorkload>(
  ctx: EnvironmentContext,
  workload: W,
  chart: string = workload,
): NonNullable<EnvironmentContext['names'][W]> {
  const names = ctx.names[workload];
  if (!ctx.env[workload] || !names) throw new Error(`${ctx.env.name}: the ${chart} chart needs the ${workload} workload enabled`);
  return names as NonNullable<EnvironmentContext['names'][W]>;
}

/**
 * Annotations that let the environment's GitOps agent replace an object Kubernetes will not update in place
 * (a Job's pod template is immutable): Argo CD's Force and Replace sync options, Flux's per-object force. None without GitOps.
 */
export function replaceOnChangeAnnotations(ctx: EnvironmentContext): Record<string, string> {
  const tool = ctx.env.gitops?.tool;
  // Replace alone is an update (refused for a changed pod template); with Force it deletes and re-creates.
  if (tool === 'argocd') return { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' };
  if (tool === 'flux') return { 'kustomize.toolkit.fluxcd.io/force': 'enabled' };
  return {};
}
