/**
 * `npm run synth [-- --env NAME] [--config FILE] [--out DIR]`
 * Exit codes: 0 written, 1 synthesis failed, 2 invalid model or usage. On any failure the output
 * directory is left exactly as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  defaultModelOptions,
  parseCommandFlags,
  renderedFiles,
  reportSynthesisError,
  REPO_ROOT,
  startCommand,
  STDIO,
  synthesizeSelected,
  warnSkippedApps,
  type Io,
  type ModelOptions,
} from './cli/toolkit';
import { formatSummary } from './synth/summary';
import { synthesizeEnvironment, type RenderedEnvironment } from './synth/synthesize';
import { writeOutput } from './synth/writer';

export interface CliOptions extends ModelOptions {
  out: string;
  quiet: boolean;
}

const USAGE = `usage: npm run synth -- [--env NAME]... [--config FILE.yaml] [--out DIR] [--quiet]
  --env NAME     synthesize only this environment (repeatable); others in the output are kept
  --config FILE  YAML overlay merged into the default model (same shape as src/platform.ts)
  --out DIR      output directory (default: dist/ in the repository)
  --outputs DIR  terraform output -json files, <DIR>/<env>/<stack>.json (default: src/outputs)
  --allow-missing-outputs
                 leave out the Kubernetes apps whose Terraform outputs are missing (bootstrap)
  --quiet        print nothing on success`;

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
}

export function run(argv: readonly string[], io: Io = STDIO, steps: Steps = { synthesizeEnvironment }): number {
  const start = startCommand(argv, io, USAGE, parseArgs, 'Nothing was written.');
  if (typeof start === 'number') return start;
  const { options, platform, selected } = start;

  const started = performance.now();
  let rendered: RenderedEnvironment[];
  try {
    rendered = synthesizeSelected(platform, selected, options, steps.synthesizeEnvironment);
    // A partial synth keeps the other environments' committed output; a full one replaces everything.
    const keep = options.envs.length > 0 && fs.existsSync(options.out) ? fs.readdirSync(options.out).filter((entry) => !options.envs.includes(entry)) : [];
    writeOutput(options.out, renderedFiles(rendered), { keep });
  } catch (err) {
    return reportSynthesisError(err, io, {
      missingOutputs: 'Nothing was written. (--allow-missing-outputs writes everything else, leaving those apps out.)',
      failed: 'Nothing was written.',
    });
  }
  warnSkippedApps(rendered, io);
  if (!options.quiet) io.out(formatSummary(rendered, performance.now() - started, path.relative(process.cwd(), options.out) || '.'));
  return 0;
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
