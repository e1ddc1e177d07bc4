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
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

export function standardLabels(ctx: EnvironmentContext, appName: string): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY,
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

/**
 * One app directory's chart; a workload's chart is an `AppChart<W>`, its context narrowed to the workload
 * being on, and a chart of one cloud's an `AppChart<never, C>`.
 */
export class AppChart<W extends WorkloadName = never, C extends Cloud = Cloud> extends Chart {
  /** The directory under dist/<env>/<root>; keep it stable, GitOps objects point at it. */
  readonly appName: string;
  readonly root: OutputRoot;
  readonly kustomizeBases: readonly string[];
  readonly ctx: EnvironmentContext<C, W>;

  constructor(scope: Construct, appName: string, ctx: EnvironmentContext<C, W>, namespace?: string, options: AppChartOptions = {}) {
    const root = options.root ?? 'kubernetes';
    // A nested directory (gitops/operators/<operator>) is labelled with its parent's name: label values have no `/`.
    const label = appName.split('/')[0];
    super(scope, root === 'kubernetes' ? appName : `${root}-${appName}`, { labels: standardLabels(ctx, label), namespace, disableResourceNameHashes: true });
    this.appName = appName;
    this.root = root;
    this.kustomizeBases = options.kustomizeBases ?? [];
    this.ctx = ctx;
  }
}

/** The standard labels on pods an operator creates from a chart's custom resource, but not `managed-by`: the operator manages them, not synth. */
export function operatorPodLabels(ctx: EnvironmentContext, appName: string): Record<string, string> {
  const { [MANAGED_BY_LABEL]: _managedBy, ...rest } = standardLabels(ctx, appName);
  return rest;
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
