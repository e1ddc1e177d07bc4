/** The human drift report (per environment: Terraform, Kubernetes, files) and the machine one (--json). */
import { formatCostDelta } from '../cost/delta';
import type { Change, DiffReport, EntryChange, EnvironmentDiff, StackCounts, StackDiff } from './types';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const MARK: Record<Change, string> = { added: '+', removed: '-', changed: '~' };
/** Changed objects can differ in many places; the report names the first few. */
const MAX_PATHS = 5;

export interface Totals {
  /** Resources Terraform would destroy and recreate: replacedByAddress + replacedByAttribute. */
  readonly replaced: number;
  /** Resources whose address changed. */
  readonly replacedByAddress: number;
  /** Resources changed in place in an attribute that forces replacement (src/diff/force-new.ts). */
  readonly replacedByAttribute: number;
  /** Node pools whose nodes the provider recreates through temporary_name_for_rotation. */
  readonly rotated: number;
  /** Changes the provider would fail to apply (a rotation without temporary_name_for_rotation). */
  readonly blocked: number;
  /** Changed resources with no force-new list for their type at the provider version. */
  readonly unchecked: number;
  /** Removed resources of stacks that remain. */
  readonly destroyed: number;
  readonly resourcesAdded: number;
  readonly resourcesChanged: number;
  /** Data sources, outputs, providers, locals, backend: added, removed or changed. */
  readonly otherTerraform: number;
  readonly stacksAdded: number;
  readonly stacksRemoved: number;
  readonly objectsAdded: number;
  readonly objectsRemoved: number;
  readonly objectsChanged: number;
  readonly appsAdded: number;
  readonly appsRemoved: number;
  readonly files: number;
}

type Severity = 'replace' | 'blocked' | 'rotate' | 'change';

/** The loudest effect among a changed resource's forced attribute changes. */
export function severityOf(e: EntryChange): Severity {
  const effects = new Set((e.forced ?? []).map((f) => f.effect));
  return effects.has('replace') ? 'replace' : effects.has('blocked') ? 'blocked' : effects.has('rotate') ? 'rotate' : 'change';
}

const destroys = (s: StackDiff) => (s.change === 'changed' ? s.entries.filter((e) => e.kind === 'resource' && e.change === 'removed') : []);

export function totals(diffs: readonly EnvironmentDiff[]): Totals {
  const stacks = diffs.flatMap((d) => d.terraform);
  const changedStacks = stacks.filter((s) => s.change === 'changed');
  const entries = changedStacks.flatMap((s) => s.entries);
  const apps = diffs.flatMap((d) => d.kubernetes);
  const objects = apps.filter((a) => a.change === 'changed').flatMap((a) => a.objects);
  const count = <T>(items: readonly T[], test: (t: T) => boolean) => items.filter(test).length;
  const changedResources = entries.filter((e) => e.kind === 'resource' && e.change === 'changed');
  const byAddress = changedStacks.reduce((n, s) => n + s.replacements.length, 0);
  const byAttribute = count(changedResources, (e) => severityOf(e) === 'replace');
  return {
    replaced: byAddress + byAttribute,
    replacedByAddress: byAddress,
    replacedByAttribute: byAttribute,
    rotated: count(changedResources, (e) => severityOf(e) === 'rotate'),
    blocked: count(changedResources, (e) => severityOf(e) === 'blocked'),
    unchecked: count(changedResources, (e) => e.unchecked !== undefined),
    destroyed: changedStacks.reduce((n, s) => n + destroys(s).length, 0),
    resourcesAdded: count(entries, (e) => e.kind === 'resource' && e.change === 'added'),
    resourcesChanged: count(changedResources, (e) => severityOf(e) === 'change'),
    otherTerraform: count(entries, (e) => e.kind !== 'resource'),
    stacksAdded: count(stacks, (s) => s.change === 'added'),
    stacksRemoved: count(stacks, (s) => s.change === 'removed'),
    objectsAdded: count(objects, (o) => o.change === 'added'),
    objectsRemoved: count(objects, (o) => o.change === 'removed'),
    objectsChanged: count(objects, (o) => o.change === 'changed'),
    appsAdded: count(apps, (a) => a.change === 'added'),
    appsRemoved: count(apps, (a) => a.change === 'removed'),
    files: diffs.reduce((n, d) => n + d.files.length, 0),
  };
}

function describeCounts(c: StackCounts): string {
  return [plural(c.resources, 'resource'), plural(c.dataSources, 'data source'), plural(c.outputs, 'output')].join(', ');
}

const HEAD: Record<Exclude<Severity, 'change'>, string> = { replace: 'REPLACE', blocked: 'BLOCKED', rotate: 'ROTATE' };

function entryLine(e: EntryChange): string {
  if (e.kind === 'resource' && e.change === 'removed') return `DESTROY ${e.address}`;
  const attributes = e.attributes && e.attributes.length > 0 ? ` (${e.attributes.join(', ')})` : '';
  const severity = severityOf(e);
  if (severity !== 'change') return `${HEAD[severity]} ${e.address}${attributes}: ${e.forced!.map((f) => f.reason).join('; ')}`;
  return `${MARK[e.change]} ${e.address}${attributes}${e.unchecked ? ` [replacement not checked: ${e.unchecked}]` : ''}`;
}

/** Loud entries first: what would be destroyed or replaced matters more than what would be added. */
const entryRank = (e: EntryChange) => {
  if (e.kind === 'resource' && e.change === 'removed') return 0;
  const severity = severityOf(e);
  if (severity === 'replace' || severity === 'blocked') return 0;
  return e.change === 'changed' ? 1 : e.change === 'added' ? 2 : 3;
};

function stackLines(s: StackDiff, env: string, dir: string): string[] {
  const head = `  terraform/${s.stack}`;
  if (s.change === 'added') return [`${head}: stack added (${describeCounts(s.counts)})`];
  if (s.change === 'removed') return [`${head}: STACK REMOVED (${describeCounts(s.counts)}): no longer managed; destroy them first or they stay in the cloud`];
  const lines = [head];
  for (const r of s.replacements) {
    lines.push(`    REPLACE ${r.from} → ${r.to}`);
    lines.push(`            address changed: would be destroyed and recreated; use a \`moved\` block or`);
    lines.push(`            terraform -chdir=${dir}/${env}/terraform/${s.stack} state mv ${r.from} ${r.to}`);
    if (r.differs.length > 0) lines.push(`            (${r.differs.join(', ')} differ too: a new name may still force replacement)`);
  }
  const entries = [...s.entries].sort((a, b) => entryRank(a) - entryRank(b) || (a.address < b.address ? -1 : 1));
  for (const e of entries) lines.push(`    ${entryLine(e)}`);
  return lines;
}

function environmentLines(d: EnvironmentDiff, dir: string): string[] {
  const status = d.change === 'added' ? ' (environment added)' : d.change === 'removed' ? ' (ENVIRONMENT REMOVED)' : '';
  const lines = [`${d.environment === '.' ? `${dir}/` : d.environment}${status}`];
  for (const s of d.terraform) lines.push(...stackLines(s, d.environment, dir));
  if (d.kubernetes.length > 0) {
    lines.push('  kubernetes');
    for (const a of d.kubernetes) {
      if (a.change !== 'changed') {
        lines.push(`    ${MARK[a.change]} app ${a.app} (${plural(a.objects.length, 'object')})`);
        continue;
      }
      for (const o of a.objects) {
        const paths = o.paths ?? [];
        const shown = paths.length > MAX_PATHS ? [...paths.slice(0, MAX_PATHS), `… ${paths.length - MAX_PATHS} more`] : paths;
        lines.push(`    ${MARK[o.change]} ${o.id}${shown.length > 0 ? ` (${shown.join(', ')})` : ''}`);
      }
    }
  }
  if (d.files.length > 0) {
    lines.push('  files');
    for (const f of d.files) lines.push(`    ${MARK[f.change]} ${f.file}${f.note ? ` (${f.note})` : ''}`);
  }
  if (d.cost) lines.push(...formatCostDelta(d.cost));
  return lines;
}

export function summaryLine(report: DiffReport): string {
  const t = totals(report.diffs);
  if (report.diffs.length === 0)
    return `no drift: a fresh synth of ${plural(report.environments.length, 'environment')} matches ${report.against} (${plural(report.files.committed, 'file')})`;
  const parts = [
    t.replaced && `${t.replaced} REPLACE`,
    t.blocked && `${t.blocked} BLOCKED`,
    t.rotated && `${t.rotated} ROTATE`,
    t.destroyed && `${t.destroyed} DESTROY`,
    t.stacksRemoved && `${plural(t.stacksRemoved, 'stack')} REMOVED`,
    t.stacksAdded && `${plural(t.stacksAdded, 'stack')} added`,
    t.resourcesAdded && `${plural(t.resourcesAdded, 'resource')} added`,
    t.resourcesChanged && `${plural(t.resourcesChanged, 'resource')} changed`,
    t.otherTerraform && plural(t.otherTerraform, 'other Terraform change'),
    t.appsAdded && `${plural(t.appsAdded, 'app')} added`,
    t.appsRemoved && `${plural(t.appsRemoved, 'app')} removed`,
    t.objectsAdded && `${plural(t.objectsAdded, 'object')} added`,
    t.objectsRemoved && `${plural(t.objectsRemoved, 'object')} removed`,
    t.objectsChanged && `${plural(t.objectsChanged, 'object')} changed`,
    t.files && plural(t.files, 'other file change'),
  ].filter(Boolean);
  const envs = report.diffs.map((d) => (d.environment === '.' ? '(top level)' : d.environment)).join(', ');
  return `drift: a fresh synth differs from ${report.against} in ${envs}: ${parts.join(', ')}`;
}

/** `dir` is how the output directory is shown in commands (`dist`). */
export function formatReport(report: DiffReport, dir: string): string {
  if (report.diffs.length === 0) return summaryLine(report);
  const lines: string[] = [];
  for (const d of report.diffs) lines.push(...environmentLines(d, dir), '');
  const t = totals(report.diffs);
  if (t.replacedByAddress > 0)
    lines.push(
      `REPLACE: ${plural(t.replacedByAddress, 'Terraform resource')} would be destroyed and recreated because the address changed; add a \`moved\` block or run terraform state mv before applying`,
    );
  if (t.replacedByAttribute > 0)
    lines.push(
      `REPLACE: ${plural(t.replacedByAttribute, 'Terraform resource')} would be destroyed and recreated because an attribute that forces replacement changed in place`,
    );
  if (t.blocked > 0)
    lines.push(
      `BLOCKED: ${plural(t.blocked, 'Terraform resource')} would fail to apply: the change needs a node pool rotation and temporary_name_for_rotation is unset`,
    );
  if (t.rotated > 0) lines.push(`ROTATE: ${plural(t.rotated, 'node pool')} would have its nodes recreated through temporary_name_for_rotation`);
  if (t.unchecked > 0)
    lines.push(
      `NOT CHECKED: ${plural(t.unchecked, 'changed resource')} with no force-new list for its type and provider version; replacement is not ruled out`,
    );
  if (t.destroyed > 0) lines.push(`DESTROY: ${plural(t.destroyed, 'Terraform resource')} would be destroyed`);
  if (t.stacksRemoved > 0) lines.push(`STACK REMOVED: ${plural(t.stacksRemoved, 'Terraform stack')} would leave the output with resources still in the cloud`);
  lines.push(summaryLine(report));
  return lines.join('\n');
}

export function reportJson(report: DiffReport): string {
  const { diffs, ...rest } = report;
  return JSON.stringify({ drift: diffs.length > 0, ...rest, summary: totals(diffs), diffs }, null, 2);
}
