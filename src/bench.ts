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

/** A model of `count` environments cycling through the default ones, each with its own name and network. */
export function generatedPlatform(count: number): PlatformSpec {
  const environments: EnvironmentSpec[] = [];
  for (let i = 0; i < count; i++) {
    const template = structuredClone(defaultPlatform.environments[i % defaultPlatform.environments.length]);
    template.name = `${template.name}-${String(i).padStart(2, '0')}`;
    template.network.cidr = `10.${100 + i}.0.0/16`;
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

function worker(count: number): void {
  const spec = count === 0 ? defaultPlatform : generatedPlatform(count);
  const synthStart = performance.now();
  const platform = loadPlatform(spec);
  const files = new Map<string, string>();
  for (const env of platform.environments) for (const [p, c] of synthesizeEnvironment(platform, env, { outputsDir: DEFAULT_OUTPUTS_DIR }).files) files.set(p, c);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-bench-'));
  writeOutput(path.join(outDir, 'dist'), files);
  const end = performance.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  const result: Measurement = {
    environments: platform.environments.length,
    totalMs: Math.round(end),
    synthMs: Math.round(end - synthStart),
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
  for (const [label, count] of [['default model', 0], ['10 environments', 10], ['50 environments', 50]] as const) {
    // Best of three: the machine is shared, the minimum is the least noisy estimate.
    const samples = Array.from({ length: runs }, () => measure(count));
    const best = samples.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
    rows.push([label, { ...best, peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)) }]);
  }
  console.log(`platform-synth benchmark (best of ${runs}, fresh process each; node ${process.version}, ${os.cpus().length} cores)`);
  console.log('model            envs   total ms   synth ms   peak RSS MB');
  for (const [label, m] of rows)
    console.log(`${label.padEnd(16)} ${String(m.environments).padStart(4)} ${String(m.totalMs).padStart(10)} ${String(m.synthMs).padStart(10)} ${String(m.peakRssMb).padStart(13)}`);
  const ten = rows[1][1];
  const fifty = rows[2][1];
  console.log(`per extra environment: ${((fifty.synthMs - ten.synthMs) / (fifty.environments - ten.environments)).toFixed(1)} ms`);
  console.log('targets: default model < 2000 ms and < 400 MB; each extra environment < 150 ms');
}

if (process.argv[2] === '--worker') worker(Number(process.argv[3]));
else if (require.main === module) main();
