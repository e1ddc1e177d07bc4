/** Budgets: the model's monthly budget becomes each cloud's budget, filtered to the environment's tag, with its alerts. */
import { findProblems } from '../../src/model/load';
import type { EnvironmentSpec, PlatformSpec } from '../../src/model/types';
import { block, fullSchemasPresent, of, one, renderStacks, schemaFindings, withEnv } from './helpers';

const budget = { monthlyUsd: 1500, alertPercents: [50, 90], contacts: ['ml-platform@example.com'] };
const withBudget = (name: string, extra: object = {}) => withEnv(name, (e) => ({ ...e, budget: { ...budget, ...extra } }) as EnvironmentSpec);

describe('AWS budget', () => {
  const platform = renderStacks('aws-dev', withBudget('aws-dev')).platform;
  const b = one(platform, 'aws_budgets_budget', 'budget');

  it('is a monthly cost budget of the environment’s tagged resources, in the form the API returns', () => {
    expect(b).toMatchObject({ name: 'acme-aws-dev-monthly', budget_type: 'COST', limit_amount: '1500.0', limit_unit: 'USD', time_unit: 'MONTHLY' });
    expect(b.cost_filter).toEqual([{ name: 'TagKeyValue', values: ['user:environment$aws-dev'] }]);
    // AWS starts it in the month it is created (time_period_start is computed): nothing dated in git.
    expect(b.time_period_start).toBeUndefined();
  });

  it('alerts the contacts at each actual threshold and on the forecast passing 100 %', () => {
    const alerts = (b.notification as Record<string, unknown>[]).map(
      (n) => `${n.notification_type} ${n.comparison_operator} ${n.threshold} ${n.threshold_type}`,
    );
    expect(alerts).toEqual(['ACTUAL GREATER_THAN 50 PERCENTAGE', 'ACTUAL GREATER_THAN 90 PERCENTAGE', 'FORECASTED GREATER_THAN 100 PERCENTAGE']);
    for (const n of b.notification) expect(n.subscriber_email_addresses).toEqual(['ml-platform@example.com']);
  });

  (fullSchemasPresent ? it : it.skip)('passes the provider schema', () => {
    expect(schemaFindings(platform, 'platform').filter((f) => f.includes('budget'))).toEqual([]);
  });

  it('is not built without a budget in the model', () => {
    const spec = withEnv('aws-dev', ({ budget: _, ...e }) => e as EnvironmentSpec);
    expect(of(renderStacks('aws-dev', spec).platform, 'aws_budgets_budget')).toEqual({});
  });
});

describe('Azure budget', () => {
  const platform = renderStacks('azure-dev', withBudget('azure-dev', { startMonth: '2026-12' })).platform;
  const b = one(platform, 'azurerm_consumption_budget_subscription', 'budget');

  it('is a subscription budget filtered to the environment’s tag (environments share the subscription), from the model’s month', () => {
    expect(b).toMatchObject({
      name: 'acme-azure-dev-monthly',
      amount: 1500,
      time_grain: 'Monthly',
      subscription_id: '/subscriptions/00000000-0000-0000-0000-000000000001',
    });
    expect(block(b.time_period).start_date).toBe('2026-12-01T00:00:00Z');
    expect(block(block(b.filter).tag)).toEqual({ name: 'environment', values: ['azure-dev'] });
  });

  it('alerts at each actual threshold and on the forecast', () => {
    const alerts = (b.notification as Record<string, unknown>[]).map((n) => `${n.threshold_type} ${n.operator} ${n.threshold}`);
    expect(alerts).toEqual(['Actual GreaterThan 50', 'Actual GreaterThan 90', 'Forecasted GreaterThan 100']);
  });

  (fullSchemasPresent ? it : it.skip)('passes the provider schema', () => {
    expect(schemaFindings(platform, 'platform').filter((f) => f.includes('budget'))).toEqual([]);
  });
});

describe('budget rules', () => {
  const problems = (spec: PlatformSpec) => findProblems(spec).map((p) => `${p.path}: ${p.message}`);

  it('Azure needs the start month; a month and emails must be well formed; at most four thresholds', () => {
    expect(problems(withBudget('azure-dev'))).toContain(
      'environments[2].budget.startMonth: is required on Azure: the month you first apply the budget (YYYY-MM)',
    );
    expect(problems(withBudget('azure-dev', { startMonth: '2026-13' }))).toContain('environments[2].budget.startMonth: "2026-13" is not a month (YYYY-MM)');
    expect(problems(withBudget('aws-dev', { contacts: ['ops'] }))).toContain('environments[0].budget.contacts[0]: "ops" is not an email address');
    expect(problems(withBudget('aws-dev', { alertPercents: [10, 20, 30, 40, 50] }))).toContain(
      'environments[0].budget.alertPercents: at most 4 thresholds (AWS Budgets and Azure budgets take 5 notifications, one is the forecast at 100 %)',
    );
    expect(problems(withBudget('aws-dev', { monthlyUsd: 0.5 }))).toContain(
      'environments[0].budget.monthlyUsd: must be a whole number of USD, at least 1, got 0.5',
    );
    expect(problems(withBudget('aws-dev'))).toEqual([]);
  });
});
