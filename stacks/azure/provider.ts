/** The azurerm provider of an Azure stack, and the resource providers each stack registers. */
import { AzurermProvider, type AzurermProviderConfig } from '@cdktf/provider-azurerm/lib/provider';
import type { EnvironmentContext } from '../../src/model/context';
import { ownEntry } from '../../src/model/lookup';
import type { WorkloadName } from '../../src/model/types';
import { PLATFORM_STACK } from '../../src/model/naming';
import type { AzureStack } from '../constructs/platform-stack';

/**
 * azurerm registers one fixed set of resource providers at init when nothing is said ("legacy": ~70 namespaces,
 * not Microsoft.Purview). Instead each stack asks for azurerm's minimal `core` set (Authorization, Compute,
 * CostManagement, ManagedIdentity, MarketplaceOrdering, Network, Resources, Storage) plus exactly the namespaces
 * its resources live in; the names are case-sensitive, as azurerm lists them.
 */
export const RESOURCE_PROVIDER_SET = 'core';

type StackName = typeof PLATFORM_STACK | WorkloadName;

/** The namespaces each stack's resources live in beyond the core set; the compiler holds it to one entry per stack. */
const STACK_RESOURCE_PROVIDERS: { readonly [S in StackName]: (env: EnvironmentContext<'azure'>['env']) => string[] } = {
  // AKS, ACR, Log Analytics, data collection rules and diagnostic settings, the Azure Policy add-on.
  platform: () => [
    'Microsoft.ContainerService',
    'Microsoft.ContainerRegistry',
    'Microsoft.OperationalInsights',
    'microsoft.insights',
    'Microsoft.PolicyInsights',
  ],
  rag: () => ['Microsoft.CognitiveServices', 'Microsoft.DataFactory'],
  mlops: (env) => [
    'Microsoft.KeyVault',
    'Microsoft.DBforPostgreSQL',
    ...(env.mlops?.burst.enabled ? ['Microsoft.MachineLearningServices', 'Microsoft.OperationalInsights', 'microsoft.insights'] : []),
  ],
  lakehouse: (env) => (env.lakehouse?.purview ? ['Microsoft.Purview'] : []),
  // Storage, identities and role assignments only, all in the core set.
  edw: () => [],
};

export function resourceProvidersToRegister(ctx: EnvironmentContext<'azure'>, stackName: string): string[] {
  const providers = ownEntry(STACK_RESOURCE_PROVIDERS, stackName);
  if (!providers) throw new Error(`stack ${stackName}: no resource providers listed for it (STACK_RESOURCE_PROVIDERS)`);
  return providers(ctx.env);
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
