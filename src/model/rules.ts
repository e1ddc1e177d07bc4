/**
 * What the model's rules share: how a problem is reported, and the checks every workload's rules use
 * (pinned images, ranges, quantities, cron schedules, derived storage account names). Rules read the
 * raw spec defensively, since they also run on specs whose shape is wrong.
 */
import { hasRegistryHost } from './images';
import { workloadStorageAccountName } from './naming';
import { quote } from './problems';
import type { Cloud, EnvironmentSpec, WorkloadName } from './types';

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type Report = (path: string, message: string) => void;

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
/** A value quoted in a problem message (long values cut; see problems.ts). */
export const q = quote;

/** Azure storage account naming rules. */
export function storageAccountNameProblem(name: string): string | undefined {
  return /^[a-z0-9]{3,24}$/.test(name) ? undefined : 'must be 3–24 lowercase letters and digits (Azure storage account rule)';
}

/** The macros a Kubernetes CronJob takes in place of the five fields. */
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The five fields of a cron schedule: their ranges and the names that stand for numbers (month 1–12, weekday 0–7 with 0 and 7 Sunday). */
const CRON_FIELDS: readonly {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly first?: number;
}[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, first: 1 },
  { name: 'day of week', min: 0, max: 7, names: WEEKDAY_NAMES, first: 0 },
];

/** What is wrong with a CronJob schedule (five fields: `*`, numbers, names, lists, ranges and steps; or a macro such as @daily), or undefined. */
export function cronProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text.startsWith('@')) return CRON_MACROS.includes(text) ? undefined : `is not a cron macro (${CRON_MACROS.join(', ')})`;
  const fields = text.split(/\s+/);
  if (fields.length !== 5)
    return `has ${fields.length} field${fields.length === 1 ? '' : 's'}; a cron schedule has 5 (minute hour day-of-month month day-of-week)`;
  for (const [i, field] of fields.entries()) {
    const problem = cronFieldProblem(field, CRON_FIELDS[i]);
    if (problem) return `${CRON_FIELDS[i].name} ${q(field)} ${problem}`;
  }
  return undefined;
}

/** A schedule of the model (a CronJob's or a ScheduledSparkApplication's): reported with its path when it is not a cron schedule. */
export function checkCron(schedule: unknown, path: string, example: string, report: Report): void {
  if (!isString(schedule)) return;
  const problem = cronProblem(schedule);
  if (problem) report(path, `${q(schedule)} is not a 5-field cron schedule (e.g. ${q(example)}): ${problem}`);
}

function cronFieldProblem(field: string, spec: (typeof CRON_FIELDS)[number]): string | undefined {
  const value = (text: string): number | undefined => {
    if (/^\d+$/.test(text)) return Number(text);
    const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
    return named >= 0 ? named + (spec.first ?? 0) : undefined;
  };
  const range = `must be from ${spec.min} to ${spec.max}${spec.names ? ` or a name (${spec.names.join(', ')})` : ''}`;
  for (const part of field.split(',')) {
    const m = /^([^/-]+)(?:-([^/-]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return 'is not `*`, a number, a range (a-b) or a step (*/n), or a list of them';
    const [, start, end, step] = m;
    if (step !== undefined && Number(step) < 1) return 'has a step of 0';
    if (start === '*') {
      if (end !== undefined) return 'cannot start a range with *';
      continue;
    }
    const from = value(start);
    const to = end === undefined ? from : value(end);
    if (from === undefined || to === undefined || from < spec.min || from > spec.max || to < spec.min || to > spec.max) return range;
    if (from > to) return `has a range ${part} that runs backwards`;
  }
  return undefined;
}
const QUANTITY = /^(\d+(\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/** What is wrong with an image reference's pinning (tag or digest, not latest), or undefined. */
export function imagePinProblem(image: string): string | undefined {
  const [reference, digest] = image.split('@');
  if (digest !== undefined) return /^sha256:[0-9a-f]{64}$/.test(digest) ? undefined : 'has a malformed digest';
  const last = reference.split('/').pop() ?? '';
  if (!last.includes(':')) return 'is not pinned: add a tag or a digest';
  const tag = last.slice(last.indexOf(':') + 1);
  if (tag === 'latest') return 'uses the latest tag: pin a version or a digest';
  return /^[\w][\w.-]{0,127}$/.test(tag) ? undefined : `has an invalid tag ${q(tag)}`;
}

/** ECR holds only the repositories the model creates; ACR takes any repository name on push. */
const SHORT_IMAGES_NAME_A_REPOSITORY: Readonly<Record<Cloud, boolean>> = { aws: true, azure: false };

/** Whether each cloud gives a workload its own storage account (whose derived name must fit 24 characters); AWS uses buckets. */
const WORKLOAD_STORAGE_ACCOUNTS: Readonly<Record<Cloud, boolean>> = { aws: false, azure: true };

/** An image a workload runs: pinned, and on AWS a short reference must name one of the environment's ECR repositories. */
export function checkImage(env: EnvironmentSpec, image: unknown, path: string, cloud: Cloud | undefined, report: Report): void {
  if (!isString(image)) return;
  const problem = imagePinProblem(image);
  if (problem) report(path, `${q(image)} ${problem}`);
  const repository = image.split(/[:@]/)[0];
  if (cloud && SHORT_IMAGES_NAME_A_REPOSITORY[cloud] && !hasRegistryHost(image) && !(env.cluster?.repositories ?? []).includes(repository))
    report(path, `${q(image)} names repository ${q(repository)}, which is not in cluster.repositories (add it, or give a full reference with a registry host)`);
}

/** A storage account name derived for a workload must fit Azure's 24 characters. */
export function checkWorkloadStorageAccount(
  env: EnvironmentSpec,
  at: string,
  platformName: string,
  workload: WorkloadName,
  cloud: Cloud | undefined,
  report: Report,
): void {
  if (!cloud || !WORKLOAD_STORAGE_ACCOUNTS[cloud] || !platformName || !isString(env.name)) return;
  const account = workloadStorageAccountName(platformName, env.name, workload);
  const problem = storageAccountNameProblem(account);
  if (problem) report(at, `the derived storage account name ${q(account)} ${problem}; use a shorter environment or platform name`);
}

/**
 * A path a workload serves Prometheus metrics on, on the port of its health endpoint: absolute, and not that endpoint
 * (a scrape there would read the health answer as metrics).
 */
export function checkMetricsPath(value: unknown, healthPath: string, path: string, report: Report): void {
  if (!isString(value)) return;
  if (!value.startsWith('/')) report(path, `${q(value)} must start with /`);
  else if (value === healthPath) report(path, `${q(value)} is the health endpoint's path; metrics need their own`);
}

export function checkRange(value: unknown, path: string, min: number, max: number, report: Report): void {
  if (isInt(value) && (value < min || value > max)) report(path, `${value} must be from ${min} to ${max}`);
}

export function checkQuantity(value: unknown, path: string, report: Report): void {
  if (isString(value) && !QUANTITY.test(value)) report(path, `${q(value)} is not a Kubernetes quantity (e.g. 250m, 512Mi)`);
}

export const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
