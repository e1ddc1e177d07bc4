/**
 * `npm run synth [-- --env NAME] [--config FILE] [--out DIR]`
 * Exit codes: 0 written, 1 synthesis failed, 2 invalid model or usage. On any failure the output
 * directory is left exactly as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadPlatform } from './model/load';
import { applyOverlay, parseOverlay } from './model/overlay';
import { ModelError } from './model/problems';
import type { Environment, Platform } from './model/types';
import { defaultPlatform } from './platform';
import { synthesizeEnvironment, type RenderedEnvironment } from './synth/synthesize';
import { DEFAULT_OUTPUTS_DIR, MissingOutputsError, type MissingOutput } from './synth/outputs';
import { formatSummary } from './synth/summary';
import { writeOutput } from './synth/writer';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** What every command that synthesizes takes: which environments, the model overlay, the Terraform outputs. */
export interface ModelOptions {
  envs: string[];
  config?: string;
  outputs: string;
  allowMissingOutputs: boolean;
}

export interface CliOptions extends ModelOptions {
  out: string;
  quiet: boolean;
}

/** The defaults of ModelOptions. */
export const defaultModelOptions = (): ModelOptions => ({ envs: [], outputs: DEFAULT_OUTPUTS_DIR, allowMissingOutputs: false });

/** Takes `flag` when it is one of ModelOptions' (--env, --config, --outputs, --allow-missing-outputs). */
export function modelFlag(options: ModelOptions, flag: string, value: () => string): boolean {
  switch (flag) {
    case '--env':
      options.envs.push(...value().split(',').filter(Boolean));
      return true;
    case '--config':
      options.config = value();
      return true;
    case '--outputs':
      options.outputs = path.resolve(value());
      return true;
    case '--allow-missing-outputs':
      options.allowMissingOutputs = true;
      return true;
    default:
      return false;
  }
}

const USAGE = `usage: npm run synth -- [--env NAME]... [--config FILE.yaml] [--out DIR] [--quiet]
  --env NAME     synthesize only this environment (repeatable); others in the output are kept
  --config FILE  YAML overlay merged into the default model (same shape as src/platform.ts)
  --out DIR      output directory (default: dist/ in the repository)
  --outputs DIR  terraform output -json files, <DIR>/<env>/<stack>.json (default: src/outputs)
  --allow-missing-outputs
                 leave out the Kubernetes apps whose Terraform outputs are missing (bootstrap)
  --quiet        print nothing on success`;

export class UsageError extends Error {}

/**
 * Walks `--flag value`, `--flag=value` and bare flags, handing each to `handle` with a reader of its
 * value; `handle` returns false for a flag it does not know. `--help` / `-h` end with an empty UsageError.
 */
export function parseFlags(argv: readonly string[], handle: (flag: string, value: () => string) => boolean): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') throw new UsageError('');
    if (!handle(flag, value)) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
  }
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { ...defaultModelOptions(), out: path.join(REPO_ROOT, 'dist'), quiet: false };
  parseFlags(argv, (flag, value) => {
    if (modelFlag(options, flag, value)) return true;
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
  return options;
}

/**
 * What every command starts with: parse its arguments (a usage error prints the usage), load the model
 * (problems printed with their paths) and select the environments it names. Returns the exit code when
 * any of that fails; `failureNote` is printed after an error (synth: nothing was written).
 */
export function startCommand<T extends { readonly envs: readonly string[]; readonly config?: string }>(
  argv: readonly string[],
  io: Io,
  usage: string,
  parse: (argv: readonly string[]) => T,
  failureNote?: string,
): { options: T; platform: Platform; selected: readonly Environment[] } | number {
  let options: T;
  try {
    options = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) io.err(`error: ${err.message}`);
    io.err(usage);
    return err.message ? 2 : 0;
  }
  let platform: Platform;
  try {
    platform = loadModel(options.config);
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    io.err(err.message);
    if (failureNote) io.err(failureNote);
    return 2;
  }
  const known = platform.environments.map((e) => e.name);
  const unknown = options.envs.filter((e) => !known.includes(e));
  if (unknown.length > 0) {
    io.err(`error: unknown environment${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`);
    if (failureNote) io.err(failureNote);
    return 2;
  }
  const selected = options.envs.length > 0 ? platform.environments.filter((e) => options.envs.includes(e.name)) : platform.environments;
  return { options, platform, selected };
}

/** Loads the default model, with the overlay applied when one is given. */
export function loadModel(config?: string): Platform {
  if (!config) return loadPlatform(defaultPlatform);
  let text: string;
  try {
    text = fs.readFileSync(config, 'utf8');
  } catch (err) {
    throw new ModelError([{ path: config, message: `cannot read overlay: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  const source = path.basename(config);
  return loadPlatform(applyOverlay(defaultPlatform, parseOverlay(text, source), source));
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const STDIO: Io = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

/** Seams for tests (a synth that fails part-way); production uses the real functions. */
export interface Steps {
  synthesizeEnvironment: typeof synthesizeEnvironment;
}

export function run(argv: readonly string[], io: Io = STDIO, steps: Steps = { synthesizeEnvironment }): number {
  const start = startCommand(argv, io, USAGE, parseArgs, 'Nothing was written.');
  if (typeof start === 'number') return start;
  const { options, platform, selected } = start;

  const started = performance.now();
  const rendered: RenderedEnvironment[] = [];
  try {
    // Every environment is rendered before failing, so all missing outputs are named at once.
    const missing: MissingOutput[] = [];
    for (const env of selected) {
      try {
        rendered.push(steps.synthesizeEnvironment(platform, env, { outputsDir: options.outputs, allowMissingOutputs: options.allowMissingOutputs }));
      } catch (err) {
        if (!(err instanceof MissingOutputsError)) throw err;
        missing.push(...err.missing);
      }
    }
    if (missing.length > 0) throw new MissingOutputsError(missing);
    const files = new Map<string, string>();
    for (const r of rendered) for (const [p, c] of r.files) files.set(p, c);
    // A partial synth keeps the other environments' committed output; a full one replaces everything.
    const keep = options.envs.length > 0 && fs.existsSync(options.out) ? fs.readdirSync(options.out).filter((entry) => !options.envs.includes(entry)) : [];
    writeOutput(options.out, files, { keep });
  } catch (err) {
    if (err instanceof MissingOutputsError) {
      io.err(err.message);
      io.err('Nothing was written. (--allow-missing-outputs writes everything else, leaving those apps out.)');
      return 2;
    }
    io.err(`synthesis failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    io.err('Nothing was written.');
    return 1;
  }
  for (const r of rendered)
    for (const skipped of r.skippedApps)
      io.err(
        `warning: ${r.environment}: left out kubernetes/${skipped.app}: missing Terraform outputs ${skipped.missing.map((m) => `${m.stack}.${m.name}`).join(', ')}`,
      );
  if (!options.quiet) io.out(formatSummary(rendered, performance.now() - started, path.relative(process.cwd(), options.out) || '.'));
  return 0;
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
