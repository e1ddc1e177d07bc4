/**
 * `npm run validate`: schema checks (each environment's Kubernetes version + CRDs, provider schemas), the policy pack
 * and the secret scan over a synthesized output directory, with the model's waivers applied.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Cloud, Platform, Stage, WaiverSpec } from '../model/types';
import { sortFindings, type Finding } from './findings';
import { buildClusterView, checkClusterView, CLUSTER_RULES, type RenderedRelease } from './cluster';
import { checkHelm, type HelmOptions } from './helm';
import { bundledKubernetesVersions, loadEnvironmentBundle, loadKubernetesBundle, validateKubernetesDir, type KubernetesBundle } from './kubernetes';
import { readOutput, type EnvironmentOutput } from './output';
import { POLICY_RULES } from './policy';
import type { PolicyContext } from './policy/rule';
import { scanOutput } from './secrets';
import { validateTerraformDir } from './terraform';

export interface WaivedFinding {
  readonly finding: Finding;
  readonly reason: string;
}

export interface UnusedWaiver {
  readonly environment: string;
  readonly waiver: WaiverSpec;
  readonly message: string;
}

export interface ValidationReport {
  readonly environments: readonly string[];
  readonly files: number;
  readonly findings: readonly Finding[];
  readonly waived: readonly WaivedFinding[];
  readonly unusedWaivers: readonly UnusedWaiver[];
  readonly milliseconds: number;
  /** What the helm checks rendered, or that they were skipped (validateOutputWithHelm only). */
  readonly helm?: string;
}

/** The environment a finding belongs to: the first segment of its file path. */
export function environmentOf(file: string): string {
  return file.split('/')[0];
}

function inferCloud(env: EnvironmentOutput): Cloud | undefined {
  const providers = env.terraform.flatMap((t) => Object.keys(t.json.provider ?? {}));
  if (providers.includes('aws')) return 'aws';
  if (providers.includes('azurerm')) return 'azure';
  return undefined;
}

export function policyContext(env: EnvironmentOutput, platform?: Platform): PolicyContext {
  const modelled = platform?.environments.find((e) => e.name === env.name);
  // An environment the model does not know is held to the stricter prod rules.
  const stage: Stage = modelled?.stage ?? 'prod';
  return { env, cloud: modelled?.cloud ?? inferCloud(env), stage, zones: modelled?.network.zones, environment: modelled };
}

export function runPolicy(env: EnvironmentOutput, platform?: Platform): Finding[] {
  const ctx = policyContext(env, platform);
  return POLICY_RULES.flatMap((rule) => rule.check(ctx).map((v) => ({ ...v, rule: rule.id, severity: v.severity ?? ('error' as const) })));
}

/**
 * The schemas an environment's manifests are checked against: its cluster version's core kinds with the CRDs.
 * An environment the model does not know, or a version without a bundle, falls back to 1.28 (kubernetes.json).
 */
export function manifestBundle(environment: string, platform?: Platform): KubernetesBundle {
  const version = platform?.environments.find((e) => e.name === environment)?.cluster.kubernetesVersion;
  return version && bundledKubernetesVersions().includes(version) ? loadEnvironmentBundle(version) : loadKubernetesBundle();
}

/** The ids the model's waivers may name: the policy rules and the cluster view's rules. */
const WAIVABLE = new Set([...POLICY_RULES.map((r) => r.id), ...CLUSTER_RULES.map((r) => r.id)]);

/**
 * Schemas, policy, secrets and the cluster view's checks. `rendered` holds the helm checks' renders per
 * environment (validateOutputWithHelm): with them the view holds the charts' objects and pods too.
 */
export function validateOutput(dir: string, platform?: Platform, rendered?: ReadonlyMap<string, readonly RenderedRelease[]>): ValidationReport {
  const started = performance.now();
  const output = readOutput(dir);
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  const findings: Finding[] = [
    ...output.unreadable.map((u) => ({ file: u.file, resource: '(file)', rule: 'parse', severity: 'error' as const, message: u.message })),
    ...validateKubernetesDir(dir, (file) => manifestBundle(environmentOf(file), platform)),
    ...validateTerraformDir(dir),
    ...output.environments.flatMap((env) => runPolicy(env, platform)),
    ...scanOutput(output, read),
    ...output.environments.flatMap((env) => checkClusterView(buildClusterView(env, platform, rendered ? (rendered.get(env.name) ?? []) : undefined))),
  ];

  // Waivers apply to policy and cluster rules only, each to the one resource it names in its own environment.
  const policyIds = WAIVABLE;
  const waivers = new Map<string, { env: string; waiver: WaiverSpec; used: boolean }>();
  for (const env of platform?.environments ?? []) {
    for (const waiver of env.waivers) waivers.set(`${env.name}\u0000${waiver.rule}\u0000${waiver.resource}`, { env: env.name, waiver, used: false });
  }
  const kept: Finding[] = [];
  const waived: WaivedFinding[] = [];
  for (const f of findings) {
    const w = policyIds.has(f.rule) ? waivers.get(`${environmentOf(f.file)}\u0000${f.rule}\u0000${f.resource}`) : undefined;
    if (w) {
      w.used = true;
      waived.push({ finding: f, reason: w.waiver.reason });
    } else kept.push(f);
  }
  const validated = new Set(output.environments.map((e) => e.name));
  const unusedWaivers: UnusedWaiver[] = [...waivers.values()]
    .filter((w) => !w.used && validated.has(w.env))
    .map((w) => ({
      environment: w.env,
      waiver: w.waiver,
      message: policyIds.has(w.waiver.rule) ? 'matches no finding: remove it' : `no policy rule is called ${JSON.stringify(w.waiver.rule)}`,
    }));

  return {
    environments: output.environments.map((e) => e.name),
    files: output.environments.reduce((n, e) => n + e.files.length, 0),
    findings: sortFindings(kept),
    waived: waived.sort((a, b) => (sortFindings([a.finding, b.finding])[0] === a.finding ? -1 : 1)),
    unusedWaivers,
    milliseconds: Math.round(performance.now() - started),
  };
}

/**
 * validateOutput plus the helm checks (async: helm runs as child processes, a few at a time). Helm
 * findings are not policy findings, so waivers do not apply to them: fix the chart pin or the values.
 */
export async function validateOutputWithHelm(dir: string, platform: Platform | undefined, helm: HelmOptions): Promise<ValidationReport> {
  const started = performance.now();
  // Helm first: the cluster view takes the charts' objects from its renders (nothing is rendered twice).
  const result = await checkHelm(readOutput(dir), platform, helm);
  const report = validateOutput(dir, platform, result.rendered);
  return {
    ...report,
    findings: sortFindings([...report.findings, ...result.findings]),
    helm: result.summary,
    milliseconds: Math.round(performance.now() - started),
  };
}

export function countErrors(report: ValidationReport): number {
  return report.findings.filter((f) => f.severity === 'error').length + report.unusedWaivers.filter((w) => w.message.startsWith('no policy rule')).length;
}
