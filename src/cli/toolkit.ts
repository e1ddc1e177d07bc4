/**
 * What the commands (synth, diff, validate) share: the flag parser, the model flags, loading the
 * model with its overlay, picking environments, rendering them, and the conventions for bad input:
 * every problem printed without a stack trace, exit 2.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findWarnings, loadPlatform } from '../model/load';
import { applyOverlay, decodeOverlay, parseOverlay } from '../model/overlay';
import { formatProblems, ModelError } from '../model/problems';
import { checkVersionSupport, supportCheckDate } from '../model/support';
import type { Environment, Platform, PlatformSpec } from '../model/types';
import { defaultPlatform } from '../platform';
import { DEFAULT_OUTPUTS_DIR, MissingOutputsError, type MissingOutput } from '../synth/outputs';
import { synthesizeEnvironment, type RenderedEnvironment, type SynthOptions } from '../synth/synthesize';
import { OutputError, prepareOutput } from '../synth/writer';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The exit code of every command for bad input: usage, model, environment names, missing outputs. */
export const EXIT_BAD_INPUT = 2;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const STDIO: Io = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

// ---- flags

/** A mistake in the arguments; an empty message is a request for the usage (`--help`). */
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

/** Prints a usage error (`error: …`, then the usage) or, for an empty message, just the usage; returns the exit code. */
export function reportUsage(io: Io, usage: string, message: string): number {
  if (message) io.err(`error: ${message}`);
  io.err(usage);
  return message ? EXIT_BAD_INPUT : 0;
}

/** What every command that synthesizes takes: which environments, the model overlay, the Terraform outputs. */
export interface ModelOptions {
  envs: string[];
  config?: string;
  outputs: string;
  allowMissingOutputs: boolean;
  /** --debug: print the stack of an unexpected error. */
  debug: boolean;
}

/** The defaults of ModelOptions. */
export const defaultModelOptions = (): ModelOptions => ({ envs: [], outputs: DEFAULT_OUTPUTS_DIR, allowMissingOutputs: false, debug: false });

/** Takes `flag` when it is one of ModelOptions' (--env, --config, --outputs, --allow-missing-outputs, --debug). */
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
    case '--debug':
      options.debug = true;
      return true;
    default:
      return false;
  }
}

/** Parses a command's arguments into `options`: the model flags, then the command's own through `handle`. */
export function parseCommandFlags<T extends ModelOptions>(argv: readonly string[], options: T, handle: (flag: string, value: () => string) => boolean): T {
  parseFlags(argv, (flag, value) => modelFlag(options, flag, value) || handle(flag, value));
  return options;
}

// ---- the model and its environments

/** Loads the default model, with the overlay applied when one is given. */
export function loadModel(config?: string): Platform {
  return loadPlatform(modelSpec(config));
}

/** The default model, with the overlay applied when one is given. */
export function modelSpec(config?: string): unknown {
  if (!config) return defaultPlatform;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(config);
  } catch (err) {
    throw new ModelError([{ path: config, message: `cannot read overlay: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  const source = path.basename(config);
  return applyOverlay(defaultPlatform, parseOverlay(decodeOverlay(bytes, source), source), source);
}

/** loadModel for a command: an invalid model prints its problems (then `failureNote`) and gives the exit code. */
export function loadModelOrExit(config: string | undefined, io: Io, failureNote?: string): Platform | number {
  let platform: Platform;
  try {
    const spec = modelSpec(config);
    platform = loadPlatform(spec);
    for (const w of findWarnings(spec as PlatformSpec)) io.err(`warning: ${w.path}: ${w.message}`);
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    io.err(err.message);
    if (failureNote) io.err(failureNote);
    return EXIT_BAD_INPUT;
  }
  // Today's date only decides what is printed (or refused), never what is written.
  const notes = checkVersionSupport(platform, supportCheckDate());
  for (const n of notes.filter((n) => n.severity === 'warning')) io.err(`warning: ${n.path}: ${n.message}`);
  const errors = notes.filter((n) => n.severity === 'error');
  if (errors.length === 0) return platform;
  io.err(formatProblems(errors));
  if (failureNote) io.err(failureNote);
  return EXIT_BAD_INPUT;
}

export class UnknownEnvironmentError extends Error {}

/** The environments `names` picks, in the model's order; none named is all of them. */
export function selectEnvironments(platform: Platform, names: readonly string[]): readonly Environment[] {
  const known = platform.environments.map((e) => e.name);
  const unknown = names.filter((e) => !known.includes(e));
  if (unknown.length > 0)
    throw new UnknownEnvironmentError(`unknown environment${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return names.length > 0 ? platform.environments.filter((e) => names.includes(e.name)) : platform.environments;
}

/**
 * What synth and diff start with: parse the arguments (a usage error prints the usage), load the
 * model (problems printed with their paths) and select the environments named. Returns the exit
 * code when any of that fails; `failureNote` is printed after an error (synth: nothing was written).
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
    return reportUsage(io, usage, err.message);
  }
  const platform = loadModelOrExit(options.config, io, failureNote);
  if (typeof platform === 'number') return platform;
  try {
    return { options, platform, selected: selectEnvironments(platform, options.envs) };
  } catch (err) {
    if (!(err instanceof UnknownEnvironmentError)) throw err;
    io.err(`error: ${err.message}`);
    if (failureNote) io.err(failureNote);
    return EXIT_BAD_INPUT;
  }
}

// ---- synthesis

/** What rendering an environment takes of the model flags. */
export const synthOptionsOf = (options: ModelOptions): SynthOptions => ({ outputsDir: options.outputs, allowMissingOutputs: options.allowMissingOutputs });

/**
 * Renders every selected environment before failing, so that all missing Terraform outputs are
 * named at once (one MissingOutputsError). `synthesize` is a seam for tests.
 */
export function synthesizeSelected(
  platform: Platform,
  selected: readonly Environment[],
  options: ModelOptions,
  synthesize: typeof synthesizeEnvironment = synthesizeEnvironment,
  /** Called with each environment as soon as it is rendered (synth writes its files while the next renders). */
  onRendered: (env: RenderedEnvironment) => void = () => {},
): RenderedEnvironment[] {
  const rendered: RenderedEnvironment[] = [];
  const missing: MissingOutput[] = [];
  for (const env of selected) {
    try {
      const one = synthesize(platform, env, synthOptionsOf(options));
      rendered.push(one);
      onRendered(one);
    } catch (err) {
      if (!(err instanceof MissingOutputsError)) throw err;
      missing.push(...err.missing);
    }
  }
  if (missing.length > 0) throw new MissingOutputsError(missing);
  return rendered;
}

/** Every rendered file, keyed by its path under the output directory. */
export function renderedFiles(rendered: readonly RenderedEnvironment[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const r of rendered) for (const [p, c] of r.files) files.set(p, c);
  return files;
}

/** A warning per app left out for missing Terraform outputs (--allow-missing-outputs). */
export function warnSkippedApps(rendered: readonly RenderedEnvironment[], io: Io): void {
  for (const r of rendered)
    for (const skipped of r.skippedApps)
      io.err(
        `warning: ${r.environment}: left out kubernetes/${skipped.app}: missing Terraform outputs ${skipped.missing.map((m) => `${m.stack}.${m.name}`).join(', ')}`,
      );
}

/**
 * Reports an error from synthesizing: missing Terraform outputs are bad input (exit 2), anything
 * else a failure (exit 1) on one line; its stack only with `debug` (--debug). Each is followed by its
 * note when one is given.
 */
export function reportSynthesisError(err: unknown, io: Io, notes: { missingOutputs?: string; failed?: string; debug?: boolean } = {}): number {
  if (err instanceof MissingOutputsError) {
    io.err(err.message);
    if (notes.missingOutputs) io.err(notes.missingOutputs);
    return EXIT_BAD_INPUT;
  }
  io.err(`synthesis failed: ${oneLine(err)}`);
  if (notes.debug && err instanceof Error && err.stack) io.err(err.stack);
  if (notes.failed) io.err(notes.failed);
  return 1;
}

/** An error's message on one line (its first line), never a stack. */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}

/**
 * A command's entry point: whatever escapes `command` (a bug, not bad input: that is reported inside)
 * is one line and exit 1; `--debug` anywhere in the arguments adds the stack.
 */
export function guarded(argv: readonly string[], command: (argv: readonly string[]) => number): number {
  try {
    return command(argv);
  } catch (err) {
    return reportCrash(err, argv);
  }
}

/** What escaped a command (a bug): one line on stderr, the stack only with `--debug` in `argv`; exit 1. */
export function reportCrash(err: unknown, argv: readonly string[]): number {
  process.stderr.write(`error: ${oneLine(err)}${argv.includes('--debug') ? `\n${(err as Error)?.stack ?? ''}` : ' (--debug prints the stack)'}\n`);
  return 1;
}

/** The line printed once when another synth holds the output's lock. */
export const waitingFor = (io: Io, dir: string) => (lock: string) => io.err(`waiting for ${lock}: another synth is writing ${dir}`);

/**
 * What diff and validate do before reading an output directory: wait for a synth writing it, and put it
 * back in one piece if one was interrupted. Returns an exit code when that fails.
 */
export function recoverBeforeReading(dir: string, io: Io): number | undefined {
  try {
    for (const note of prepareOutput(dir, waitingFor(io, dir))) io.err(`note: ${note}`);
    return undefined;
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    io.err(`error: ${err.message}`);
    return err.exitCode;
  }
}
