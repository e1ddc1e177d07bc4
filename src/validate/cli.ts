/**
 * `npm run validate [-- DIR] [--json] [--config FILE.yaml] [--rules] [--charts DIR [--helm PATH]]`
 * Exit codes: 0 no errors, 1 errors found, 2 bad arguments or model.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXIT_BAD_INPUT, loadModelOrExit, recoverBeforeReading, reportCrash, REPO_ROOT, reportUsage, STDIO, type Io } from '../cli/toolkit';
import { CLUSTER_RULES } from './cluster';
import { HELM_RULES, HELM_SKIPPED } from './helm';
import { helmBinary } from './helm/binary';
import { POLICY_RULES } from './policy';
import { formatReport, reportJson } from './report';
import { countErrors, validateOutput, validateOutputWithHelm } from './run';

const USAGE = `usage: npm run validate -- [DIR] [--json] [--config FILE.yaml] [--rules] [--charts DIR [--helm PATH]]
  DIR            output to validate (default: dist/ in the repository)
  --json         machine-readable report on stdout
  --config FILE  the model overlay the output was synthesized with (for stages and waivers)
  --rules        list the policy rules with their reasons
  --debug        print the stack of an unexpected error
  --charts DIR   render every pinned chart release with helm from this chart cache (<chart>-<version>/ or .tgz)
  --helm PATH    the helm binary (default: $HELM, else the one bundled in node_modules)`;

export async function runValidate(argv: readonly string[], io: Io): Promise<number> {
  let dir = path.join(REPO_ROOT, 'dist');
  let json = false;
  let config: string | undefined;
  let charts: string | undefined;
  let helm: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--debug')
      continue; // read by the entry point
    else if (arg === '--config') config = argv[++i];
    else if (arg === '--charts' || arg === '--helm') {
      const value = argv[++i];
      if (value === undefined || value === '') return reportUsage(io, USAGE, `${arg} needs a value`);
      if (arg === '--charts') charts = path.resolve(value);
      else helm = path.resolve(value);
    } else if (arg === '--rules') {
      for (const rule of [...POLICY_RULES, ...CLUSTER_RULES, ...HELM_RULES]) io.out(`${rule.id.padEnd(36)} ${rule.reason}`);
      return 0;
    } else if (arg === '--help' || arg === '-h') return reportUsage(io, USAGE, '');
    else if (!arg.startsWith('-')) dir = path.resolve(arg);
    else return reportUsage(io, USAGE, `unknown argument ${JSON.stringify(arg)}`);
  }
  const failed = recoverBeforeReading(dir, io);
  if (failed !== undefined) return failed;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    io.err(`error: ${dir} is not a directory; run npm run synth first`);
    return EXIT_BAD_INPUT;
  }
  if (charts !== undefined && !(fs.existsSync(charts) && fs.statSync(charts).isDirectory())) {
    io.err(`error: --charts ${charts} is not a directory; fill one with npm run charts -- --out DIR`);
    return EXIT_BAD_INPUT;
  }
  const platform = loadModelOrExit(config, io);
  if (typeof platform === 'number') return platform;
  let report;
  if (charts === undefined) report = { ...validateOutput(dir, platform), helm: HELM_SKIPPED };
  else {
    let binary: string;
    try {
      binary = helmBinary({ helm });
    } catch (err) {
      io.err(`error: ${(err as Error).message}`);
      return EXIT_BAD_INPUT;
    }
    report = await validateOutputWithHelm(dir, platform, { charts, helm: binary });
  }
  io.out(json ? reportJson(report) : formatReport(report));
  return countErrors(report) > 0 ? 1 : 0;
}

if (require.main === module)
  void runValidate(process.argv.slice(2), STDIO).then(
    (code) => (process.exitCode = code),
    (err: unknown) => (process.exitCode = reportCrash(err, process.argv.slice(2))),
  );
