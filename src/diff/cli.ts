/**
 * `npm run diff [-- --env NAME] [--config FILE] [--outputs DIR] [--dist DIR | --against REF] [--check] [--json]`
 * Synthesizes the model in memory (never writes) and reports how it differs from the committed
 * output. Exit codes: 0 compared (with --check: no drift), 1 drift with --check or synthesis
 * failed, 2 invalid model or usage.
 */
import * as path from 'path';
import { defaultModelOptions, modelFlag, parseFlags, REPO_ROOT, startCommand, type Io, type ModelOptions } from '../cli';
import { MissingOutputsError, type MissingOutput } from '../synth/outputs';
import { synthesizeEnvironment, type RenderedEnvironment } from '../synth/synthesize';
import { CommittedOutputError, readDirectory, readGitTree } from './committed';
import { compareOutputs } from './compare';
import { formatReport, reportJson } from './report';
import type { DiffReport } from './types';

export interface DiffOptions extends ModelOptions {
  dist: string;
  against?: string;
  check: boolean;
  json: boolean;
}

const USAGE = `usage: npm run diff -- [--env NAME]... [--config FILE.yaml] [--outputs DIR] [--dist DIR | --against REF] [--check] [--json]
  --env NAME     compare only this environment (repeatable)
  --config FILE  YAML overlay merged into the default model, as for synth
  --outputs DIR  terraform output -json files, <DIR>/<env>/<stack>.json (default: src/outputs)
  --allow-missing-outputs
                 leave out the Kubernetes apps whose Terraform outputs are missing, as synth does
  --dist DIR     the committed output to compare with (default: dist/ in the repository)
  --against REF  compare with that directory as committed in git revision REF instead of on disk
  --check        exit 1 on any difference (CI)
  --json         machine-readable report on stdout`;

export function parseDiffArgs(argv: readonly string[]): DiffOptions {
  const options: DiffOptions = { ...defaultModelOptions(), dist: path.join(REPO_ROOT, 'dist'), check: false, json: false };
  parseFlags(argv, (flag, value) => {
    if (modelFlag(options, flag, value)) return true;
    switch (flag) {
      case '--dist':
        options.dist = path.resolve(value());
        return true;
      case '--against':
        options.against = value();
        return true;
      case '--check':
        options.check = true;
        return true;
      case '--json':
        options.json = true;
        return true;
      default:
        return false;
    }
  });
  return options;
}

const display = (dir: string) => path.relative(process.cwd(), dir).split(path.sep).join('/') || '.';

export function runDiff(argv: readonly string[], io: Io): number {
  const start = startCommand(argv, io, USAGE, parseDiffArgs);
  if (typeof start === 'number') return start;
  const { options, platform, selected } = start;

  let committed: Map<string, string>;
  try {
    committed = options.against === undefined ? readDirectory(options.dist) : readGitTree(options.dist, options.against);
  } catch (err) {
    if (!(err instanceof CommittedOutputError)) throw err;
    io.err(`error: ${err.message}`);
    return 2;
  }
  // With --env, only those environments' committed files take part; the rest is not compared.
  if (options.envs.length > 0) committed = new Map([...committed].filter(([file]) => options.envs.includes(file.split('/')[0])));

  const synthesized = new Map<string, string>();
  const rendered: RenderedEnvironment[] = [];
  try {
    const missing: MissingOutput[] = [];
    for (const env of selected) {
      try {
        rendered.push(synthesizeEnvironment(platform, env, { outputsDir: options.outputs, allowMissingOutputs: options.allowMissingOutputs }));
      } catch (err) {
        if (!(err instanceof MissingOutputsError)) throw err;
        missing.push(...err.missing);
      }
    }
    if (missing.length > 0) throw new MissingOutputsError(missing);
  } catch (err) {
    if (err instanceof MissingOutputsError) {
      io.err(err.message);
      return 2;
    }
    io.err(`synthesis failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
  for (const r of rendered) {
    for (const [file, content] of r.files) synthesized.set(file, content);
    for (const skipped of r.skippedApps)
      io.err(
        `warning: ${r.environment}: left out kubernetes/${skipped.app}: missing Terraform outputs ${skipped.missing.map((m) => `${m.stack}.${m.name}`).join(', ')}`,
      );
  }

  const dir = display(options.dist);
  const report: DiffReport = {
    against: options.against === undefined ? `${dir}/` : `${options.against}:${path.basename(options.dist)}/`,
    environments: selected.map((e) => e.name),
    files: { committed: committed.size, synthesized: synthesized.size },
    diffs: compareOutputs(committed, synthesized),
  };
  io.out(options.json ? reportJson(report) : formatReport(report, dir));
  if (!options.check || report.diffs.length === 0) return 0;
  io.err(`${report.against} is not what the model synthesizes: run 'npm run synth' and commit the result (after reviewing the report above).`);
  return 1;
}

if (require.main === module) {
  process.exitCode = runDiff(process.argv.slice(2), { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') });
}
