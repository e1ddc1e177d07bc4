/** The azurerm provider of an Azure stack, and the resource providers each stack registers. */
import { AzurermProvider, type AzurermProviderConfig } from '@cdktf/provider-azurerm/lib/provider';
import type { EnvironmentContext } from '../../src/model/context';
import { PLATFORM_STACK } from '../../src/model/naming';
import type { AzureStack } from '../constructs/platform-stack';

/**
 * azurerm registers one fixed set of resource providers at init when nothing is said ("legacy": ~70 namespaces,
 * not Microsoft.Purview). Instead each stack asks for azurerm's minimal `core` set (Authorization, Compute,
 * CostManagement, ManagedIdentity, MarketplaceOrdering, Network, Resources, Storage) plus exactly the namespaces
 * its resources live in; the names are case-sensitive, as azurerm lists them.
 */
export const RESOURCE_PROVIDER_SET = 'core';

export function resourceProvidersToRegister(ctx: EnvironmentContext<'azure'>, stackName: string): string[] {
  const { env } = ctx;
  switch (stackName) {
    case PLATFORM_STACK:
      // AKS, ACR, Log Analytics, data collection rules and diagnostic settings, the Azure Policy add-on.
      return ['Microsoft.ContainerService', 'Microsoft.ContainerRegistry', 'Microsoft.OperationalInsights', 'microsoft.insights', 'Microsoft.PolicyInsights'];
    case 'rag':
      return ['Microsoft.CognitiveServices', 'Microsoft.DataFactory'];
    case 'mlops':
      return [
        'Microsoft.KeyVault',
        'Microsoft.DBforPostgreSQL',
        ...(env.mlops?.burst.enabled ? ['Microsoft.MachineLearningServices', 'Microsoft.OperationalInsights', 'microsoft.insights'] : []),
      ];
    case 'lakehouse':
      return env.lakehouse?.purview ? ['Microsoft.Purview'] : [];
    default:
      // edw: storage, identities and role assignments only, all in the core set.
      return [];
  }
}

/** What every Azure stack's provider block shares: the subscription and the registrations. */
export function providerSettings(
  ctx: EnvironmentContext<'azure'>,
  stackName: string,
): Pick<AzurermProviderConfig, 'subscriptionId' | 'resourceProviderRegistrations' | 'resourceProvidersToRegister'> {
  const toRegister = resourceProvidersToRegister(ctx, stackName);
  return {
    // Pinned, so a stray `az account set` never applies this environment to another subscription.
    subscriptionId: ctx.env.azure.subscriptionId,
    resourceProviderRegistrations: RESOURCE_PROVIDER_SET,
    ...(toRegister.length > 0 ? { resourceProvidersToRegister: toRegister } : {}),
  };
}

export function buildProvider(stack: AzureStack): AzurermProvider {
  const azure = stack.ctx.env.azure;
  if (!azure) throw new Error(`stack ${stack.stackName}: environment ${stack.ctx.env.name} has no azure account settings`);
  return new AzurermProvider(stack, 'azurerm', {
    features: [{}],
    ...providerSettings(stack.ctx, stack.stackName),
    // Storage data-plane calls use Entra ID, never shared keys (which may be disabled on the accounts).
    storageUseAzuread: true,
  });
}
