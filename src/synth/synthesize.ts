/** Renders one environment in memory: Terraform JSON per stack and YAML per Kubernetes object (kubernetes.ts). */
import { newTerraformApp } from '../../stacks/constructs/platform-stack';
import { buildStacks } from '../../stacks/index';
import { contextFor } from '../model/context';
import type { TerraformOutputs } from '../model/context';
import type { Environment, Platform } from '../model/types';
import { estimateEnvironment, type TerraformDocument } from '../cost/estimate';
import { environmentPage } from './environment-page';
import { COST_FILE, ENVIRONMENT_PAGE } from './layout';
import type { KubernetesRender } from './kubernetes';
import { renderKubernetes } from './kubernetes-worker';
import { MissingOutputsError, type MissingOutput } from './outputs';

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

/** What the stacks get for Terraform outputs: they are what the stacks produce, so none can be read yet. */
const NO_OUTPUTS: TerraformOutputs = {
  require: (stack, name) => {
    throw new Error(`a stack read the Terraform output ${stack}.${name}: only charts may (stacks are rendered before they are applied)`);
  },
};

/**
 * Renders one environment: its stacks here, its Kubernetes half from `kubernetes` (rendered here unless another
 * thread has it), then its cost estimate and page, which read the stacks.
 */
export function synthesizeEnvironment(
  platform: Platform,
  env: Environment,
  options: SynthOptions,
  kubernetes: (env: Environment) => KubernetesRender = (e) => renderKubernetes(platform, e, options),
): RenderedEnvironment {
  const started = performance.now();
  const ctx = contextFor(platform, env, NO_OUTPUTS);
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

  const k8s = kubernetes(env);
  for (const [path, content] of k8s.files) files.set(path, content);
  if (k8s.missing.length > 0 && !options.allowMissingOutputs) throw new MissingOutputsError(k8s.missing);
  const estimate = estimateEnvironment(env, documents);
  files.set(`${env.name}/${COST_FILE}`, JSON.stringify(estimate, null, 2) + '\n');
  files.set(`${env.name}/${ENVIRONMENT_PAGE}`, environmentPage(env, documents, estimate));

  return {
    environment: env.name,
    skippedApps: k8s.skippedApps,
    files,
    stacks: stacks.length,
    resources,
    manifests: k8s.manifests,
    milliseconds: Math.round(performance.now() - started),
  };
}
