/**
 * `npm run validate [-- DIR] [--json] [--config FILE.yaml] [--rules]`
 * Exit codes: 0 no errors, 1 errors found, 2 bad arguments or model.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXIT_BAD_INPUT, loadModelOrExit, REPO_ROOT, reportUsage, STDIO, type Io } from '../cli/toolkit';
import { POLICY_RULES } from './policy';
import { formatReport, reportJson } from './report';
import { countErrors, validateOutput } from './run';

const USAGE = `usage: npm run validate -- [DIR] [--json] [--config FILE.yaml] [--rules]
  DIR            output to validate (default: dist/ in the repository)
  --json         machine-readable report on stdout
  --config FILE  the model overlay the output was synthesized with (for stages and waivers)
  --rules        list the policy rules with their reasons`;

export function runValidate(argv: readonly string[], io: Io): number {
  let dir = path.join(REPO_ROOT, 'dist');
  let json = false;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--config') config = argv[++i];
    else if (arg === '--rules') {
      for (const rule of POLICY_RULES) io.out(`${rule.id.padEnd(36)} ${rule.reason}`);
      return 0;
    } else if (arg === '--help' || arg === '-h') return reportUsage(io, USAGE, '');
    else if (!arg.startsWith('-')) dir = path.resolve(arg);
    else return reportUsage(io, USAGE, `unknown argument ${JSON.stringify(arg)}`);
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    io.err(`error: ${dir} is not a directory; run npm run synth first`);
    return EXIT_BAD_INPUT;
  }
  const platform = loadModelOrExit(config, io);
  if (typeof platform === 'number') return platform;
  const report = validateOutput(dir, platform);
  io.out(json ? reportJson(report) : formatReport(report));
  return countErrors(report) > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = runValidate(process.argv.slice(2), STDIO);
