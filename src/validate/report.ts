/** The human report (grouped by environment, then file) and the machine one (--json). */
import type { Finding } from './findings';
import { countErrors, environmentOf, type ValidationReport } from './run';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summaryLine(report: ValidationReport): string {
  const warnings =
    report.findings.filter((f) => f.severity === 'warning').length + report.unusedWaivers.filter((w) => !w.message.startsWith('no policy rule')).length;
  return `validate: ${plural(report.environments.length, 'environment')}, ${plural(report.files, 'file')}: ${plural(countErrors(report), 'error')}, ${plural(warnings, 'warning')}, ${report.waived.length} waived (${report.milliseconds} ms)`;
}

export function formatReport(report: ValidationReport): string {
  const lines: string[] = [];
  const byEnv = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const env = environmentOf(f.file);
    byEnv.set(env, [...(byEnv.get(env) ?? []), f]);
  }
  for (const [env, findings] of byEnv) {
    lines.push(`${env}: ${plural(findings.length, 'finding')}`);
    let file = '';
    for (const f of findings) {
      if (f.file !== file) lines.push(`  ${(file = f.file)}`);
      lines.push(`    ${f.severity === 'error' ? 'error  ' : 'warning'} ${f.rule}  ${f.resource}: ${f.message}`);
    }
  }
  if (report.unusedWaivers.length > 0) {
    lines.push('waivers:');
    for (const w of report.unusedWaivers) lines.push(`  ${w.environment}  ${w.waiver.rule}  ${w.waiver.resource}: ${w.message}`);
  }
  if (report.waived.length > 0) {
    lines.push(`waived (${report.waived.length}):`);
    for (const w of report.waived) lines.push(`  ${w.finding.file}  ${w.finding.rule}  ${w.finding.resource}: ${w.reason}`);
  }
  if (report.helm) lines.push(report.helm);
  lines.push(summaryLine(report));
  return lines.join('\n');
}

export function reportJson(report: ValidationReport): string {
  return JSON.stringify(
    {
      summary: {
        environments: report.environments,
        files: report.files,
        errors: countErrors(report),
        waived: report.waived.length,
        milliseconds: report.milliseconds,
        ...(report.helm ? { helm: report.helm } : {}),
      },
      findings: report.findings,
      waived: report.waived,
      unusedWaivers: report.unusedWaivers,
    },
    null,
    2,
  );
}
