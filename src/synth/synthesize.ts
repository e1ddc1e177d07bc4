/** Renders one environment in memory: Terraform JSON per stack and YAML per Kubernetes object. */
import { App as K8sApp } from 'cdk8s';
import { gitopsCharts, type RenderedApp } from '../../charts/gitops/index';
import { chartFactories } from '../../charts/index';
import type { AppChart } from '../../charts/lib/app-chart';
import { renderChart } from '../../charts/lib/render';
import { newTerraformApp } from '../../stacks/constructs/platform-stack';
import { buildStacks } from '../../stacks/index';
import { contextFor } from '../model/context';
import type { Environment, Platform } from '../model/types';
import { estimateEnvironment, type TerraformDocument } from '../cost/estimate';
import { environmentPage } from './environment-page';
import { COST_FILE, ENVIRONMENT_PAGE } from './layout';
import { MissingOutputsError, OutputsFile, type MissingOutput } from './outputs';

export interface SynthOptions {
  /** Where `terraform output -json` files live: <dir>/<env>/<stack>.json. */
  readonly outputsDir: string;
  /**
   * Leave out the apps whose Terraform outputs are missing (reported in `skippedApps`) instead of
   * failing: how a new environment bootstraps, before its stacks are applied.
   */
  readonly allowMissingOutputs?: boolean;
}

export interface RenderedEnvironment {
  readonly environment: string;
  /** Apps left out because Terraform outputs they need are missing (only with allowMissingOutputs). */
  readonly skippedApps: readonly { app: string; missing: readonly MissingOutput[] }[];
  /** Paths relative to dist/, e.g. `aws-dev/terraform/platform/cdk.tf.json`. */
  readonly files: ReadonlyMap<string, string>;
  readonly stacks: number;
  readonly resources: number;
  readonly manifests: number;
  readonly milliseconds: number;
}

export function synthesizeEnvironment(platform: Platform, env: Environment, options: SynthOptions): RenderedEnvironment {
  const started = performance.now();
  const outputs = new OutputsFile(options.outputsDir, env.name);
  const ctx = contextFor(platform, env, outputs);
  const files = new Map<string, string>();

  let resources = 0;
  const stacks = buildStacks(newTerraformApp(), ctx);
  const documents = new Map<string, TerraformDocument>();
  for (const stack of stacks) {
    const json = stack.render();
    documents.set(stack.stackName, json as TerraformDocument);
    for (const byName of Object.values((json.resource ?? {}) as Record<string, object>)) resources += Object.keys(byName).length;
    files.set(`${env.name}/terraform/${stack.stackName}/cdk.tf.json`, JSON.stringify(json, null, 2) + '\n');
  }

  let manifests = 0;
  const skippedApps: { app: string; missing: MissingOutput[] }[] = [];
  const allMissing: MissingOutput[] = [];
  // cdk8s writes nothing until synth(), which we never call: charts are rendered in memory.
  const k8sApp = new K8sApp({ outdir: 'unused' });
  const write = (chart: AppChart, objects?: Record<string, unknown>[]) => {
    for (const [path, content] of renderChart(chart, objects)) {
      files.set(`${env.name}/${chart.root}/${path}`, content);
      if (!path.endsWith('/kustomization.yaml')) manifests++;
    }
  };
  const rendered: RenderedApp[] = [];
  for (const build of chartFactories(ctx)) {
    const before = outputs.missing.length;
    const chart = build(k8sApp);
    const missing = outputs.missing.slice(before);
    if (missing.length > 0) {
      allMissing.push(...missing);
      skippedApps.push({ app: chart.appName, missing });
      continue;
    }
    const objects = chart.toJson();
    write(chart, objects);
    rendered.push({ appName: chart.appName, objects });
  }
  // The GitOps objects deliver the apps just rendered (a skipped app gets no Application / Kustomization).
  const before = outputs.missing.length;
  const delivery = gitopsCharts(k8sApp, ctx, rendered);
  const missing = outputs.missing.slice(before);
  if (missing.length > 0) {
    allMissing.push(...missing);
    skippedApps.push({ app: 'gitops', missing });
  } else for (const chart of delivery) write(chart);
  if (allMissing.length > 0 && !options.allowMissingOutputs) throw new MissingOutputsError(allMissing);
  const estimate = estimateEnvironment(env, documents);
  files.set(`${env.name}/${COST_FILE}`, JSON.stringify(estimate, null, 2) + '\n');
  files.set(`${env.name}/${ENVIRONMENT_PAGE}`, environmentPage(env, documents, estimate));

  return {
    environment: env.name,
    skippedApps,
    files,
    stacks: stacks.length,
    resources,
    manifests,
    milliseconds: Math.round(performance.now() - started),
  };
}
