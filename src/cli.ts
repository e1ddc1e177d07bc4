/**
 * `npm run synth [-- --env NAME] [--config FILE] [--out DIR]`
 * Exit codes: 0 written, 1 synthesis failed, 2 invalid model or usage. On any failure the output
 * directory is left exactly as it was.
 */
import * as path from 'path';
import {
  defaultModelOptions,
  parseCommandFlags,
  renderedFiles,
  guarded,
  reportSynthesisError,
  REPO_ROOT,
  startCommand,
  STDIO,
  synthesizeSelected,
  synthOptionsOf,
  warnSkippedApps,
  waitingFor,
  type Io,
  type ModelOptions,
} from './cli/toolkit';
import { takeKubernetesWorker, type KubernetesWorker } from './synth/kubernetes-worker';
import { formatSummary } from './synth/summary';
import { synthesizeEnvironment, type RenderedEnvironment } from './synth/synthesize';
import { OutputError, writeOutputWhile, type WriterFs, type WriteStep, type WriteSummary } from './synth/writer';

export interface CliOptions extends ModelOptions {
  out: string;
  quiet: boolean;
}

/**
 * Fault injection for the crash tests: `PLATFORM_SYNTH_KILL_AT=<step>` kills this process (SIGKILL: no
 * cleanup, the lock left behind) right after that step of the write.
 */
function killAt(): ((step: WriteStep) => void) | undefined {
  const step = process.env.PLATFORM_SYNTH_KILL_AT;
  return step ? (at) => void (at === step && process.kill(process.pid, 'SIGKILL')) : undefined;
}

const USAGE = `usage: npm run synth -- [--env NAME]... [--config FILE.yaml] [--out DIR] [--quiet]
  --env NAME     synthesize only this environment (repeatable); others in the output are kept
  --config FILE  YAML overlay merged into the default model (same shape as src/platform.ts)
  --out DIR      output directory (default: dist/ in the repository)
  --outputs DIR  terraform output -json files, <DIR>/<env>/<stack>.json (default: src/outputs)
  --allow-missing-outputs
                 leave out the Kubernetes apps whose Terraform outputs are missing (bootstrap)
  --quiet        print nothing on success
  --debug        print the stack of an unexpected error`;

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { ...defaultModelOptions(), out: path.join(REPO_ROOT, 'dist'), quiet: false };
  return parseCommandFlags(argv, options, (flag, value) => {
    switch (flag) {
      case '--out':
        options.out = path.resolve(value());
        return true;
      case '--quiet':
        options.quiet = true;
        return true;

      default:
        return false;
    }
  });
}

/** Seams for tests (a synth that fails part-way); production uses the real functions. */
export interface Steps {
  synthesizeEnvironment: typeof synthesizeEnvironment;
  /** File-system faults for the writer (read-only, disk full, …). */
  writerFs?: Partial<WriterFs>;
  /** The second thread for the Kubernetes halves; default: the one ts-register.js started, if any. */
  kubernetesWorker?: () => KubernetesWorker | undefined;
}

export function run(argv: readonly string[], io: Io = STDIO, steps: Steps = { synthesizeEnvironment }): number {
  // Taken first: it has been loading since before this module did.
  const worker = (steps.kubernetesWorker ?? takeKubernetesWorker)();
  try {
    return synth(argv, io, steps, worker);
  } finally {
    worker?.close();
  }
}

function synth(argv: readonly string[], io: Io, steps: Steps, worker: KubernetesWorker | undefined): number {
  const start = startCommand(argv, io, USAGE, parseArgs, 'Nothing was written.');
  if (typeof start === 'number') return start;
  const { options, platform, selected } = start;
  worker?.assign(platform, selected, synthOptionsOf(options));

  const started = performance.now();
  let rendered: RenderedEnvironment[] = [];
  let summary: WriteSummary;
  try {
    // A partial synth keeps the other environments' output (decided under the writer's lock); a full one replaces everything.
    const keep = options.envs.length > 0 ? (entry: string) => !options.envs.includes(entry) : undefined;
    // Rendered under the output's lock, each environment's files written while the next renders.
    summary = writeOutputWhile(
      options.out,
      (stage, refresh) => {
        // Waiting for the second thread's half keeps the lock, as writing does.
        const synthesize: typeof synthesizeEnvironment = worker
          ? (p, env, o) => steps.synthesizeEnvironment(p, env, o, (e) => worker.take(e, refresh))
          : steps.synthesizeEnvironment;
        rendered = synthesizeSelected(platform, selected, options, synthesize, (env) => stage(env.files));
        return renderedFiles(rendered);
      },
      { keep, at: killAt(), fs: steps.writerFs, onWait: waitingFor(io, options.out) },
    );
    for (const note of summary.recovered) io.err(`note: ${note}`);
  } catch (err) {
    if (err instanceof OutputError) {
      io.err(`error: ${err.message}`);
      io.err('Nothing was replaced.');
      return err.exitCode;
    }
    return reportSynthesisError(err, io, {
      missingOutputs: 'Nothing was written. (--allow-missing-outputs writes everything else, leaving those apps out.)',
      failed: 'Nothing was written.',
      debug: options.debug,
    });
  }
  warnSkippedApps(rendered, io);
  if (!options.quiet) io.out(formatSummary(rendered, performance.now() - started, path.relative(process.cwd(), options.out) || '.', summary));
  return 0;
}

if (require.main === module) process.exitCode = guarded(process.argv.slice(2), run);
