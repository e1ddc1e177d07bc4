/**
 * The base of every chart: one chart is one app directory, dist/<env>/kubernetes/<appName>/.
 * Object names come from the model (never construct-path hashes) and every object carries the
 * platform's standard labels.
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import './resolve';
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

  /**
   * The chart's objects as JSON, as cdk8s renders them. cdk8s's own Chart.toJson first prepares and
   * validates the whole App, every chart built so far, on each call: an environment's charts cost
   * quadratically. Without dependencies between constructs (none of ours declare any) cdk8s orders a
   * chart's objects as the construct tree does, so this validates and renders the chart's own tree
   * only; a chart with a dependency gets cdk8s's ordering.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdk8s types it so
  override toJson(): any[] {
    return this.renderedObjects().map((o) => withDeliveryAnnotations(this.ctx, o));
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdk8s types it so
  private renderedObjects(): any[] {
    const constructs = this.node.findAll();
    if (constructs.some((c) => c.node.dependencies.length > 0)) return super.toJson();
    const errors = constructs.flatMap((c) => c.node.validate().map((error) => `[${c.node.path}] ${error}`));
    if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    return constructs.filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === this).map((o) => o.toJson());
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

/**
 * Kinds that run to completion: a running one is Progressing to Argo CD and a failed one Degraded (its built-in Job and
 * CronJob checks, resource_customizations for sparkoperator.k8s.io), and either would hold its Application's health,
 * so every later sync wave of the root (the operators and apps after it, on a first install and on every chart bump)
 * until a day-long training run ends, or for good after one failure. Their outcome is the job's, not the delivery's.
 */
const RUN_TO_COMPLETION_KINDS: ReadonlySet<string> = new Set(['Job', 'CronJob', 'SparkApplication', 'ScheduledSparkApplication']);

/** An object as the environment's GitOps agent should assess it: Argo CD leaves run-to-completion kinds out of health. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdk8s's JSON
function withDeliveryAnnotations(ctx: EnvironmentContext, obj: any): any {
  if (ctx.env.gitops?.tool !== 'argocd' || !RUN_TO_COMPLETION_KINDS.has(obj.kind)) return obj;
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata?.annotations, [ARGO_IGNORE_HEALTH_ANNOTATION]: 'true' } } };
}

/** Argo CD leaves an object with this annotation out of its Application's health (controller/health.go setApplicationHealth). */
export const ARGO_IGNORE_HEALTH_ANNOTATION = 'argocd.argoproj.io/ignore-healthcheck';

/**
 * A cluster-scoped object (ClusterRole, ClusterRoleBinding) in a chart with a namespace: cdk8s gives every object the
 * chart's, and the API has no namespace for it (`npm run validate` refuses one).
 */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
