/**
 * A monthly budget per environment: the cloud's budget service alerts its contacts when the month's spend (actual, or
 * forecast) passes each threshold. It counts the resources tagged `environment: <name>`, the tag every resource of the
 * environment carries. Plain data; the stacks build it (stacks/aws/budget.ts, stacks/azure/budget.ts).
 */
import type { Cloud } from './types';

export interface BudgetSpec {
  /** The month's budget in whole USD. */
  monthlyUsd: number;
  /** Percentages of the budget whose actual spend alerts the contacts; forecast spend alerts at 100. Default: 80 and 100. */
  alertPercents?: number[];
  /** Email addresses alerted (a team list, not a person). */
  contacts: string[];
  /**
   * Azure: the budget's first month, `YYYY-MM`. Azure requires a start date, the first of a month, and refuses a
   * month before the current one when the budget is created: set the month you first apply it. AWS starts the
   * budget in the month it is created.
   */
  startMonth?: string;
}

export interface Budget {
  readonly monthlyUsd: number;
  readonly alertPercents: readonly number[];
  readonly contacts: readonly string[];
  readonly startMonth?: string;
}

export function resolveBudget(spec: BudgetSpec | undefined): Budget | undefined {
  if (!spec) return undefined;
  return {
    monthlyUsd: spec.monthlyUsd,
    alertPercents: [...new Set(spec.alertPercents ?? [80, 100])].sort((a, b) => a - b),
    contacts: [...spec.contacts].sort(),
    ...(spec.startMonth ? { startMonth: spec.startMonth } : {}),
  };
}

/** Where each cloud needs a start month. */
export const BUDGET_NEEDS_START_MONTH: Readonly<Record<Cloud, boolean>> = { aws: false, azure: true };

const MAX_ACTUAL_ALERTS = 4;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The problems of a budget spec, as [path under `budget`, message]. */
export function budgetProblems(spec: BudgetSpec, cloud: Cloud | undefined): [string, string][] {
  const out: [string, string][] = [];
  if (typeof spec.monthlyUsd === 'number' && (!Number.isInteger(spec.monthlyUsd) || spec.monthlyUsd < 1))
    out.push(['monthlyUsd', `must be a whole number of USD, at least 1, got ${spec.monthlyUsd}`]);
  // Both services take five notifications a budget: these and the forecast one.
  if (Array.isArray(spec.alertPercents) && new Set(spec.alertPercents).size > MAX_ACTUAL_ALERTS)
    out.push(['alertPercents', `at most ${MAX_ACTUAL_ALERTS} thresholds (AWS Budgets and Azure budgets take 5 notifications, one is the forecast at 100 %)`]);
  (Array.isArray(spec.alertPercents) ? spec.alertPercents : []).forEach((p, i) => {
    // Both services take thresholds up to 1000 % (Azure's notification threshold limit).
    if (typeof p === 'number' && (p <= 0 || p > 1000)) out.push([`alertPercents[${i}]`, `must be more than 0 and at most 1000, got ${p}`]);
  });
  if (Array.isArray(spec.contacts)) {
    if (spec.contacts.length === 0) out.push(['contacts', 'needs at least one email address']);
    spec.contacts.forEach((c, i) => {
      if (typeof c === 'string' && !EMAIL.test(c)) out.push([`contacts[${i}]`, `${JSON.stringify(c)} is not an email address`]);
    });
  }
  if (typeof spec.startMonth === 'string') {
    const m = MONTH.exec(spec.startMonth);
    if (!m) out.push(['startMonth', `${JSON.stringify(spec.startMonth)} is not a month (YYYY-MM)`]);
    else if (spec.startMonth < '2017-06') out.push(['startMonth', 'must be 2017-06 or later (Azure budgets start no earlier)']);
  } else if (cloud && BUDGET_NEEDS_START_MONTH[cloud]) out.push(['startMonth', 'is required on Azure: the month you first apply the budget (YYYY-MM)']);
  return out;
}
