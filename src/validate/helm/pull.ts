/**
 * `npm run charts -- --out DIR [--dist DIR] [--tgz] [--helm PATH] [--dry-run]`: fills a chart cache for
 * `npm run validate -- --charts DIR` with `helm pull` of exactly the releases the GitOps output pins.
 * Needs network (the validator itself never does). Exit codes: 0 done, 1 a pull failed, 2 bad arguments.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { EXIT_BAD_INPUT, parseFlags, REPO_ROOT, reportUsage, STDIO, UsageError, type Io } from '../../cli/toolkit';
import { readOutput } from '../output';
import { helmBinary } from './binary';
import { findChart } from './chart';
import { releasesOf } from './releases';

const USAGE = `usage: npm run charts -- --out DIR [--dist DIR] [--tgz] [--helm PATH] [--dry-run]
  --out DIR    the chart cache to fill: <chart>-<version>/ (or <chart>-<version>.tgz with --tgz)
  --dist DIR   the output whose pinned releases to pull (default: dist/ in the repository)
  --tgz        keep the archives instead of untarring them
  --helm PATH  the helm binary (default: $HELM, else the one bundled in node_modules)
  --dry-run    print the helm commands instead of running them`;

export interface PullStep {
  readonly chart: string;
  readonly version: string;
  /** Where it lands in the cache. */
  readonly target: string;
  /** `helm` arguments; the pull writes into `scratch`, whose one entry is then renamed to `target`. */
  readonly args: readonly string[];
  readonly scratch: string;
}

/** One pull per distinct pinned chart; charts already in the cache and ones without a repository are reported, not pulled. */
export function pullPlan(dist: string, out: string, tgz: boolean): { steps: PullStep[]; cached: string[]; unresolved: string[] } {
  const steps = new Map<string, PullStep>();
  const cached = new Set<string>();
  const unresolved = new Set<string>();
  for (const env of readOutput(dist).environments) {
    for (const r of releasesOf(env)) {
      const name = `${r.chart}-${r.version}`;
      if (steps.has(name)) continue;
      if (findChart(out, r.chart, r.version)) {
        cached.add(name);
        continue;
      }
      if (!r.repository) {
        unresolved.add(`${r.file}: ${r.resource} (chart ${r.chart} ${r.version}): no repository found`);
        continue;
      }
      const scratch = path.join(out, `.pull-${name}`);
      // https repositories take the chart by name with --repo; an OCI repository takes the chart's full reference.
      const ref = r.repository.startsWith('oci://') ? [`${r.repository.replace(/\/+$/, '')}/${r.chart}`] : [r.chart, '--repo', r.repository];
      const args = ['pull', ...ref, '--version', r.version, ...(tgz ? ['--destination', scratch] : ['--untar', '--untardir', scratch])];
      steps.set(name, { chart: r.chart, version: r.version, target: path.join(out, tgz ? `${name}.tgz` : name), args, scratch });
    }
  }
  return { steps: [...steps.values()], cached: [...cached].sort(), unresolved: [...unresolved].sort() };
}

export async function runCharts(argv: readonly string[], io: Io): Promise<number> {
  let out: string | undefined;
  let dist = path.join(REPO_ROOT, 'dist');
  let tgz = false;
  let dryRun = false;
  let helm: string | undefined;
  try {
    parseFlags(argv, (flag, value) => {
      if (flag === '--out') out = path.resolve(value());
      else if (flag === '--dist') dist = path.resolve(value());
      else if (flag === '--helm') helm = path.resolve(value());
      else if (flag === '--tgz') tgz = true;
      else if (flag === '--dry-run') dryRun = true;
      else return false;
      return true;
    });
    if (!out) throw new UsageError('--out DIR is required');
  } catch (err) {
    if (err instanceof UsageError) return reportUsage(io, USAGE, err.message);
    throw err;
  }
  if (!fs.existsSync(dist) || !fs.statSync(dist).isDirectory()) {
    io.err(`error: ${dist} is not a directory; run npm run synth first`);
    return EXIT_BAD_INPUT;
  }
  let binary = 'helm';
  if (!dryRun) {
    try {
      binary = helmBinary({ helm });
    } catch (err) {
      io.err(`error: ${(err as Error).message}`);
      return EXIT_BAD_INPUT;
    }
  } else if (helm) binary = helm;

  const plan = pullPlan(dist, out, tgz);
  for (const name of plan.cached) io.out(`cached   ${name}`);
  for (const u of plan.unresolved) io.err(`error: ${u}`);
  let failed = plan.unresolved.length;
  for (const step of plan.steps) {
    if (dryRun) {
      io.out(`${binary} ${step.args.join(' ')}`);
      io.out(`  then: the one entry of ${step.scratch} → ${step.target}`);
      continue;
    }
    try {
      fs.rmSync(step.scratch, { recursive: true, force: true });
      fs.mkdirSync(step.scratch, { recursive: true });
      await promisify(execFile)(binary, step.args, { timeout: 300_000 });
      const entries = fs.readdirSync(step.scratch);
      if (entries.length !== 1) throw new Error(`expected one chart in ${step.scratch}, found ${entries.length}`);
      // helm names the result after Chart.yaml, which may differ from the pin (e.g. a leading `v`): the cache uses the pin.
      fs.renameSync(path.join(step.scratch, entries[0]), step.target);
      io.out(`pulled   ${path.basename(step.target)}`);
    } catch (err) {
      failed++;
      io.err(`error: ${step.chart} ${step.version}: ${((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n')[0]}`);
    } finally {
      fs.rmSync(step.scratch, { recursive: true, force: true });
    }
  }
  return failed > 0 ? 1 : 0;
}

if (require.main === module) void runCharts(process.argv.slice(2), STDIO).then((code) => (process.exitCode = code));
