/**
 * The environment's monthly budget (platform stack, where the model sets `budget`): AWS Budgets counts the cost of
 * resources tagged `environment: <name>` and emails the contacts when the month's actual spend passes each threshold,
 * or its forecast passes 100 %. The tag must be active as a cost allocation tag in the payer account's Billing
 * console (a one-time step AWS does not allow from a member account) for the filter to see any cost.
 */
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { ENVIRONMENT_TAG } from '../../src/model/defaults';
import type { AwsStack } from '../constructs/platform-stack';

export function buildBudget(stack: AwsStack): BudgetsBudget | undefined {
  const { env, names } = stack.ctx;
  const budget = env.budget;
  if (!budget) return undefined;
  const notify = (threshold: number, notificationType: 'ACTUAL' | 'FORECASTED') => ({
    comparisonOperator: 'GREATER_THAN',
    notificationType,
    threshold,
    thresholdType: 'PERCENTAGE',
    subscriberEmailAddresses: [...budget.contacts],
  });
  return new BudgetsBudget(stack, 'budget', {
    name: `${names.prefix}-monthly`,
    budgetType: 'COST',
    // As the Budgets API returns it ("1500.0"). The provider compares the two as decimals anyway
    // (suppressEquivalentBudgetLimitAmount on limit_amount), so a plan after apply shows no change.
    limitAmount: `${budget.monthlyUsd}.0`,
    limitUnit: 'USD',
    timeUnit: 'MONTHLY',
    costFilter: [{ name: 'TagKeyValue', values: [`user:${ENVIRONMENT_TAG}$${env.name}`] }],
    notification: [...budget.alertPercents.map((p) => notify(p, 'ACTUAL')), notify(100, 'FORECASTED')],
    tags: { Name: `${names.prefix}-monthly` },
  });
}
