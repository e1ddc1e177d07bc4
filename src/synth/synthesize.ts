/** Renders one environment in memory: Terraform JSON per stack and YAML per Kubernetes object. */
import { App as K8sApp } from 'cdk8s';
import { buildCharts } from '../../charts/index';
import { renderChart } from '../../charts/lib/render';
import { newTerraformApp } from '../../stacks/constructs/platform-stack';
import { buildStacks } from '../../stacks/index';
import type { EnvironmentContext } from '../model/context';
import { namesFor } from '../model/naming';
import type { Environment, Platform } from '../model/types';

export interface RenderedEnvironment {
  readonly environment: string;
  /** Paths relative to dist/, e.g. `aws-dev/terraform/platform/cdk.tf.json`. */
  readonly files: ReadonlyMap<string, string>;
  readonly stacks: number;
  readonly resources: number;
  readonly manifests: number;
  readonly milliseconds: number;
}

export function contextFor(platform: Platform, env: Environment): EnvironmentContext {
  return { platform, env, names: namesFor(platform, env) };
}

export function synthesizeEnvironment(platform: Platform, env: Environment): RenderedEnvironment {
  const started = performance.now();
  const ctx = contextFor(platform, env);
  const files = new Map<string, string>();

  let resources = 0;
  const stacks = buildStacks(newTerraformApp(), ctx);
  for (const stack of stacks) {
    const json = stack.render();
    for (const byName of Object.values((json.resource ?? {}) as Record<string, object>)) resources += Object.keys(byName).length;
    files.set(`${env.name}/terraform/${stack.stackName}/cdk.tf.json`, JSON.stringify(json, null, 2) + '\n');
  }

  let manifests = 0;
  // cdk8s writes nothing until synth(), which we never call: charts are rendered in memory.
  const k8sApp = new K8sApp({ outdir: 'unused' });
  for (const chart of buildCharts(k8sApp, ctx)) {
    for (const [path, content] of renderChart(chart)) {
      files.set(`${env.name}/kubernetes/${path}`, content);
      if (!path.endsWith('/kustomization.yaml')) manifests++;
    }
  }

  return {
    environment: env.name,
    files,
    stacks: stacks.length,
    resources,
    manifests,
    milliseconds: Math.round(performance.now() - started),
  };
}
