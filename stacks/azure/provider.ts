/** The azurerm provider of an Azure stack. */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { AzureStack } from '../constructs/platform-stack';

export function buildProvider(stack: AzureStack): AzurermProvider {
  const azure = stack.ctx.env.azure;
  if (!azure) throw new Error(`stack ${stack.stackName}: environment ${stack.ctx.env.name} has no azure account settings`);
  return new AzurermProvider(stack, 'azurerm', {
    features: [{}],
    // Pinned, so a stray `az account set` never applies this environment to another subscription.
    subscriptionId: azure.subscriptionId,
    // Storage data-plane calls use Entra ID, never shared keys (which may be disabled on the accounts).
    storageUseAzuread: true,
  });
}
