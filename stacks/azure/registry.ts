/**
 * Registry layer: ACR, pulled by the kubelet identity. Prod: Premium, reachable only through a private
 * endpoint in the endpoints subnet. Dev: Standard (no private link), still Entra ID only.
 */
import { ContainerRegistry } from '@cdktf/provider-azurerm/lib/container-registry';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import type { AzureStack } from '../constructs/platform-stack';
import { azureNames, inGroupOf, regionZoneCount, tagsOf, terraformOnlyNames } from './common';
import { roleAssignment } from './identity';
import { privateEndpoint } from './private-endpoint';
import type { AzureCluster } from './cluster';
import type { AzureNetwork } from './network';

/** Fixed by Azure: the private-link DNS zone of every registry. */
export const ACR_PRIVATE_DNS_ZONE = 'privatelink.azurecr.io';

export interface AzureRegistry {
  readonly registry: ContainerRegistry;
}

export function buildRegistry(stack: AzureStack, network: AzureNetwork, cluster: AzureCluster): AzureRegistry {
  const { env } = stack.ctx;
  const names = azureNames(stack);
  const tfNames = terraformOnlyNames(stack);
  const inGroup = inGroupOf(network.resourceGroup);
  // Private endpoints and network lock-down need Premium; dev saves the cost and keeps a public endpoint.
  const premium = env.stage === 'prod';

  const registry = new ContainerRegistry(stack, 'container_registry', {
    name: names.containerRegistryName,
    ...inGroup,
    sku: premium ? 'Premium' : 'Standard',
    // Entra ID tokens only: no shared admin password, no anonymous pulls.
    adminEnabled: false,
    anonymousPullEnabled: false,
    publicNetworkAccessEnabled: !premium,
    ...(premium
      ? {
          // Images cannot be exported out of the registry (needs public access off, which it is).
          exportPolicyEnabled: false,
          zoneRedundancyEnabled: regionZoneCount(env) > 1,
        }
      : {}),
    ...tagsOf(stack),
  });

  if (premium) {
    const zone = new PrivateDnsZone(stack, 'container_registry_private_dns_zone', {
      name: ACR_PRIVATE_DNS_ZONE,
      resourceGroupName: network.resourceGroup.name,
      ...tagsOf(stack),
    });
    // Nodes resolve <registry>.azurecr.io to the endpoint's private address through this link.
    new PrivateDnsZoneVirtualNetworkLink(stack, 'container_registry_private_dns_zone_link', {
      name: tfNames.registryDnsZoneLink,
      resourceGroupName: network.resourceGroup.name,
      privateDnsZoneName: zone.name,
      virtualNetworkId: network.virtualNetwork.id,
      registrationEnabled: false,
      ...tagsOf(stack),
    });
    privateEndpoint(stack, 'container_registry_private_endpoint', {
      inGroup,
      stem: tfNames.registryPrivateEndpoint,
      subnetId: network.subnets.endpoints.id,
      resourceId: registry.id,
      subresource: 'registry',
      // Azure keeps the A records (registry and regional data endpoint) in the zone for us.
      dnsZoneGroup: { name: 'acr', zoneIds: [zone.id] },
    });
  }

  // Least privilege: nodes may pull from this registry only (not push, not other registries).
  roleAssignment(stack, 'container_registry_acr_pull_kubelet', {
    scope: registry.id,
    roleName: 'AcrPull',
    principalId: cluster.cluster.kubeletIdentity.objectId,
  });

  return { registry };
}
