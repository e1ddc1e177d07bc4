/**
 * The environment's monthly budget (platform stack, where the model sets `budget`): a subscription budget counting
 * the cost of resources tagged `environment: <name>` (environments may share a subscription), emailing the contacts
 * when the month's actual spend passes each threshold, or its forecast passes 100 %.
 */
import { ConsumptionBudgetSubscription } from '@cdktf/provider-azurerm/lib/consumption-budget-subscription';
import { ENVIRONMENT_TAG } from '../../src/model/defaults';
import type { AzureStack } from '../constructs/platform-stack';

export function buildBudget(stack: AzureStack): ConsumptionBudgetSubscription | undefined {
  const { env, names } = stack.ctx;
  const budget = env.budget;
  if (!budget) return undefined;
  const notify = (threshold: number, thresholdType: 'Actual' | 'Forecasted') => ({
    enabled: true,
    operator: 'GreaterThan',
    threshold,
    thresholdType,
    contactEmails: [...budget.contacts],
  });
  return new ConsumptionBudgetSubscription(stack, 'budget', {
    name: `${names.prefix}-monthly`,
    subscriptionId: `/subscriptions/${env.azure.subscriptionId}`,
    amount: budget.monthlyUsd,
    timeGrain: 'Monthly',
    // validate.ts requires the month on Azure.
    timePeriod: { startDate: `${budget.startMonth}-01T00:00:00Z` },
    filter: { tag: [{ name: ENVIRONMENT_TAG, values: [env.name] }] },
    notification: [...budget.alertPercents.map((p) => notify(p, 'Actual')), notify(100, 'Forecasted')],
  });
}
