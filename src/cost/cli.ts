/**
 * `npm run cost [-- --env NAME] [--config FILE] [--compare] [--json]`
 * The estimated monthly cost of each environment: synthesizes the model in memory (never writes), prices its
 * Terraform resources, node pools and `usage` figures from the committed catalog (src/cost/prices), and prints
 * every line with its arithmetic. `--compare` also writes each environment for the other cloud (./equivalents.ts),
 * prices that, and prints both side by side. Exit codes: 0 printed, 1 synthesis failed, 2 invalid model or usage.
 */
import * as path from 'path';
import {
  defaultModelOptions,
  guarded,
  parseCommandFlags,
  modelSpec,
  EXIT_BAD_INPUT,
  REPO_ROOT,
  reportSynthesisError,
  startCommand,
  STDIO,
  synthesizeSelected,
  type Io,
  type ModelOptions,
} from '../cli/toolkit';
import { loadPlatform } from '../model/load';
import type { Environment, PlatformSpec } from '../model/types';
import { synthesizeEnvironment, type RenderedEnvironment } from '../synth/synthesize';
import { formatComparison, translateEnvironment, TranslationError, type Comparison } from './compare';
import { estimateEnvironment, type Estimate, type TerraformDocument } from './estimate';
import { formatEstimate } from './format';

export interface CostOptions extends ModelOptions {
  json: boolean;
  compare: boolean;
}

const USAGE = `usage: npm run cost -- [--env NAME]... [--config FILE.yaml] [--json]
  --env NAME     price only this environment (repeatable)
  --config FILE  YAML overlay merged into the default model, as for synth (its usage section sets the figures)
  --compare      also price the same workloads on the other cloud, side by side (src/cost/equivalents.ts)
  --json         the estimates (and comparisons) as JSON on stdout
  --debug        print the stack of an unexpected error`;

export function parseCostArgs(argv: readonly string[]): CostOptions {
  // Only the Terraform documents are priced: the Kubernetes apps that need Terraform outputs may be left out.
  const options: CostOptions = { ...defaultModelOptions(), allowMissingOutputs: true, json: false, compare: false };
  return parseCommandFlags(argv, options, (flag) => {
    if (flag === '--json') options.json = true;
    else if (flag === '--compare') options.compare = true;
    else return false;
    return true;
  });
}

/** The Terraform documents of one rendered environment, by stack name. */
export function terraformDocuments(rendered: RenderedEnvironment): Map<string, TerraformDocument> {
  const out = new Map<string, TerraformDocument>();
  for (const [file, content] of rendered.files) {
    const m = /^[^/]+\/terraform\/([^/]+)\/cdk\.tf\.json$/.exec(file);
    if (m) out.set(m[1], JSON.parse(content) as TerraformDocument);
  }
  return out;
}

export function estimates(selected: readonly Environment[], rendered: readonly RenderedEnvironment[]): Estimate[] {
  return rendered.map((r) =>
    estimateEnvironment(
      selected.find((e) => e.name === r.environment)!,
      terraformDocuments(r),
    ),
  );
}

export function runCost(argv: readonly string[], io: Io): number {
  const start = startCommand(argv, io, USAGE, parseCostArgs);
  if (typeof start === 'number') return start;
  const { options, platform, selected } = start;
  let rendered: RenderedEnvironment[];
  try {
    rendered = synthesizeSelected(platform, selected, options);
  } catch (err) {
    return reportSynthesisError(err, io, { debug: options.debug });
  }
  const all = estimates(selected, rendered);
  if (!options.compare) {
    if (options.json) io.out(JSON.stringify(all, null, 2));
    else io.out(all.map((e) => formatEstimate(e).join('\n')).join('\n\n'));
    return 0;
  }
  let comparisons: Comparison[];
  try {
    comparisons = compareAll(modelSpec(options.config) as PlatformSpec, all);
  } catch (err) {
    if (!(err instanceof TranslationError)) throw err;
    io.err(`error: ${err.message}`);
    return EXIT_BAD_INPUT;
  }
  if (options.json) io.out(JSON.stringify({ estimates: all, comparisons }, null, 2));
  else io.out(comparisons.map((c) => formatComparison(c).join('\n')).join('\n\n'));
  return 0;
}

/** Where the other cloud's copy of an environment looks for Terraform outputs: nowhere (its Kubernetes apps are not priced). */
const NO_OUTPUTS = path.join(REPO_ROOT, 'src', 'cost', 'no-outputs');

/** Each estimate next to the estimate of its environment written for the other cloud. */
export function compareAll(spec: PlatformSpec, all: readonly Estimate[]): Comparison[] {
  return all.map((estimate) => {
    const own = spec.environments.find((e) => e.name === estimate.environment)!;
    const { spec: translated, assumptions } = translateEnvironment(spec, own);
    const platform = loadPlatform({ name: spec.name, environments: [translated] });
    const env = platform.environments[0];
    const rendered = synthesizeEnvironment(platform, env, { outputsDir: NO_OUTPUTS, allowMissingOutputs: true });
    return { environment: estimate.environment, estimates: [estimate, estimateEnvironment(env, terraformDocuments(rendered))], assumptions };
  });
}

if (require.main === module) process.exitCode = guarded(process.argv.slice(2), (argv) => runCost(argv, STDIO));
