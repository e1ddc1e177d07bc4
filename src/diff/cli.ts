/**
 * `npm run diff [-- --env NAME] [--config FILE] [--outputs DIR] [--dist DIR | --against REF] [--check] [--json]`
 * Synthesizes the model in memory (never writes) and reports how it differs from the committed
 * output. Exit codes: 0 compared (with --check: no drift), 1 drift with --check or synthesis
 * failed, 2 invalid model or usage.
 */
import * as path from 'path';
import {
  defaultModelOptions,
  EXIT_BAD_INPUT,
  parseCommandFlags,
  renderedFiles,
  guarded,
  recoverBeforeReading,
  reportSynthesisError,
  REPO_ROOT,
  startCommand,
  STDIO,
  synthesizeSelected,
  warnSkippedApps,
  type Io,
  type ModelOptions,
} from '../cli/toolkit';
import type { RenderedEnvironment } from '../synth/synthesize';
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
  --json         machine-readable report on stdout
  --debug        print the stack of an unexpected error`;

export function parseDiffArgs(argv: readonly string[]): DiffOptions {
  const options: DiffOptions = { ...defaultModelOptions(), dist: path.join(REPO_ROOT, 'dist'), check: false, json: false };
  return parseCommandFlags(argv, options, (flag, value) => {
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
}

const display = (dir: string) => path.relative(process.cwd(), dir).split(path.sep).join('/') || '.';

export function runDiff(argv: readonly string[], io: Io): number {
  const start = startCommand(argv, io, USAGE, parseDiffArgs);
  if (typeof start === 'number') return start;
  const { options, platform, selected } = start;

  if (options.against === undefined) {
    const failed = recoverBeforeReading(options.dist, io);
    if (failed !== undefined) return failed;
  }
  let committed: Map<string, string>;
  try {
    committed = options.against === undefined ? readDirectory(options.dist) : readGitTree(options.dist, options.against);
  } catch (err) {
    if (!(err instanceof CommittedOutputError)) throw err;
    io.err(`error: ${err.message}`);
    return EXIT_BAD_INPUT;
  }
  // With --env, only those environments' committed files take part; the rest is not compared.
  if (options.envs.length > 0) committed = new Map([...committed].filter(([file]) => options.envs.includes(file.split('/')[0])));

  let rendered: RenderedEnvironment[];
  try {
    rendered = synthesizeSelected(platform, selected, options);
  } catch (err) {
    return reportSynthesisError(err, io, { debug: options.debug });
  }
  const synthesized = renderedFiles(rendered);
  warnSkippedApps(rendered, io);

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

if (require.main === module) process.exitCode = guarded(process.argv.slice(2), (argv) => runDiff(argv, STDIO));
