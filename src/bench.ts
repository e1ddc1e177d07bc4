/**
 * `npm run bench`: synth time and peak memory for the default model and for generated models of
 * 10 and 50 environments. Each measurement runs in a fresh process, so module loading counts,
 * as it does for a user running `npm run synth`. A benchmark, not a test: it prints, never fails.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPlatform } from './model/load';
import type { EnvironmentSpec, PlatformSpec } from './model/types';
import { defaultPlatform } from './platform';
import { DEFAULT_OUTPUTS_DIR } from './synth/outputs';
import { synthesizeEnvironment } from './synth/synthesize';
import { writeOutput } from './synth/writer';

/** A model of `count` environments cycling through the default ones, each with its own name, network and (AWS) account or (Azure) tenant. */
export function generatedPlatform(count: number): PlatformSpec {
  const environments: EnvironmentSpec[] = [];
  for (let i = 0; i < count; i++) {
    const template = structuredClone(defaultPlatform.environments[i % defaultPlatform.environments.length]);
    template.name = `${template.name}-${String(i).padStart(2, '0')}`;
    template.network.cidr = `10.${100 + i}.0.0/16`;
    // An account per AWS environment (as AWS recommends, and as Glue's per-account catalog needs for the lakehouse).
    if (template.aws) {
      const account = String(100000000000 + i);
      template.aws.clusterAdminArns = template.aws.clusterAdminArns?.map((a) => a.replace(template.aws!.accountId, account));
      template.aws.accountId = account;
    }
    // A tenant per Azure environment: a tenant has one Purview account (the lakehouse's catalog in prod).
    if (template.azure) template.azure.tenantId = `00000000-0000-0000-0000-${String(0xb0000 + i).padStart(12, '0')}`;
    environments.push(template);
  }
  return { name: defaultPlatform.name, environments };
}

interface Measurement {
  environments: number;
  /** From process start (module loading included) to files written. */
  totalMs: number;
  synthMs: number;
  peakRssMb: number;
}

/**
 * Terraform outputs for a generated model: each generated environment gets the example outputs of
 * the default environment it copies, in a temporary folder. Returns that folder.
 */
export function generatedOutputs(count: number, dir: string): string {
  for (let i = 0; i < count; i++) {
    const template = defaultPlatform.environments[i % defaultPlatform.environments.length].name;
    const from = path.join(DEFAULT_OUTPUTS_DIR, template);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, `${template}-${String(i).padStart(2, '0')}`), { recursive: true });
  }
  return dir;
}

/** One synth of the default model (count 0) or of a generated one, written to a temporary folder. */
export function benchmarkSynth(count: number): { environments: number; synthMs: number } {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-bench-'));
  try {
    const spec = count === 0 ? defaultPlatform : generatedPlatform(count);
    const outputsDir = count === 0 ? DEFAULT_OUTPUTS_DIR : generatedOutputs(count, path.join(workDir, 'outputs'));
    const started = performance.now();
    const platform = loadPlatform(spec);
    const files = new Map<string, string>();
    for (const env of platform.environments) for (const [p, c] of synthesizeEnvironment(platform, env, { outputsDir }).files) files.set(p, c);
    writeOutput(path.join(workDir, 'dist'), files);
    return { environments: platform.environments.length, synthMs: Math.round(performance.now() - started) };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function worker(count: number): void {
  const { environments, synthMs } = benchmarkSynth(count);
  const result: Measurement = {
    environments,
    totalMs: Math.round(performance.now()),
    synthMs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function measure(count: number): Measurement {
  const register = path.join(__dirname, '..', 'ts-register.js');
  const result = spawnSync(process.execPath, ['-r', register, __filename, '--worker', String(count)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`benchmark worker failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Measurement;
}

function main(): void {
  const runs = 3;
  const rows: Array<[string, Measurement]> = [];
  for (const [label, count] of [
    ['default model', 0],
    ['10 environments', 10],
    ['50 environments', 50],
  ] as const) {
    // Best of three: the machine is shared, the minimum is the least noisy estimate.
    const samples = Array.from({ length: runs }, () => measure(count));
    const best = samples.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
    rows.push([label, { ...best, peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)) }]);
  }
  console.log(`platform-synth benchmark (best of ${runs}, fresh process each; node ${process.version}, ${os.cpus().length} cores)`);
  console.log('model            envs   total ms   synth ms   peak RSS MB');
  for (const [label, m] of rows)
    console.log(
      `${label.padEnd(16)} ${String(m.environments).padStart(4)} ${String(m.totalMs).padStart(10)} ${String(m.synthMs).padStart(10)} ${String(m.peakRssMb).padStart(13)}`,
    );
  const ten = rows[1][1];
  const fifty = rows[2][1];
  console.log(`per extra environment: ${((fifty.synthMs - ten.synthMs) / (fifty.environments - ten.environments)).toFixed(1)} ms`);
  console.log('targets: default model < 2000 ms and < 400 MB; each extra environment < 150 ms');
}

if (process.argv[2] === '--worker') worker(Number(process.argv[3]));
else if (require.main === module) main();
