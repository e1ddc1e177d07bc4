/** Small helpers every Azure layer shares: tags, zones and the names only Terraform uses. */
import { REGIONS } from '../../src/model/catalog';
import type { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import type { AzureNames } from '../../src/model/naming';
import type { Environment } from '../../src/model/types';
import type { AzureStack } from '../constructs/platform-stack';

/** The three subnets of an environment's VNet, in a fixed order (the order of their address ranges). */
export const SUBNET_ROLES = ['system', 'user', 'endpoints'] as const;
export type SubnetRole = (typeof SUBNET_ROLES)[number];

/**
 * The subnet delegated to PostgreSQL Flexible Server (VNet integration), in the VNet's last quarter
 * (azureSubnetLayout().database). Exists only when a workload with a Flexible Server (mlops) is enabled.
 */
export const DATABASE_SUBNET_NAME = 'snet-database';
/** Fixed by Azure: the service a Flexible Server's subnet is delegated to, and the action it needs. */
export const POSTGRES_SUBNET_DELEGATION = {
  name: 'Microsoft.DBforPostgreSQL/flexibleServers',
  actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'],
} as const;

/**
 * azurerm has no provider-level default tags, so every taggable resource spreads this in.
 * A fresh copy each time: cdktf keeps references to the objects it is given.
 */
export function tagsOf(stack: AzureStack): { tags: Record<string, string> } {
  return { tags: { ...stack.ctx.env.tags } };
}

/** Where resources live: a resource group (name and location), spread into each resource's config. */
export interface InGroup {
  readonly resourceGroupName: string;
  readonly location: string;
}

export function inGroupOf(resourceGroup: ResourceGroup): InGroup {
  return { resourceGroupName: resourceGroup.name, location: resourceGroup.location };
}

/** Names from the model; throws early (rather than rendering `undefined`) on a non-Azure context. */
export function azureNames(stack: AzureStack): AzureNames {
  const names = stack.ctx.names.azure;
  if (!names) throw new Error(`stack ${stack.stackName}: environment ${stack.ctx.env.name} has no Azure names`);
  return names;
}

/** How many availability zones the region has (1 when unknown: then nothing is pinned to a zone). */
export function regionZoneCount(env: Environment): number {
  return REGIONS.azure[env.region] ?? 1;
}

function zoneList(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(i + 1));
}

/** Zones node pools spread over: the model's count, capped by the region; undefined in a 1-zone region. */
export function nodeZones(env: Environment): string[] | undefined {
  const regionZones = regionZoneCount(env);
  if (regionZones <= 1) return undefined;
  return zoneList(Math.min(env.network.zones, regionZones));
}

/**
 * Zones of a zone-redundant Standard public IP: all of the region's (Azure stores any partial list as all
 * zones, which Terraform would then show as a forced replacement); undefined in a 1-zone region.
 */
export function zoneRedundantZones(env: Environment): string[] | undefined {
  const regionZones = regionZoneCount(env);
  return regionZones <= 1 ? undefined : zoneList(regionZones);
}

/** Names only Terraform needs (Azure CAF abbreviations), derived from the environment prefix. */
export function terraformOnlyNames(stack: AzureStack) {
  const prefix = stack.ctx.names.prefix;
  return {
    networkSecurityGroup: (role: SubnetRole | 'database') => `nsg-${prefix}-${role}`,
    containerInsightsRule: `dcr-${prefix}-aks`,
    /** Fixed name the Container Insights agent and `az aks` use for the cluster's rule association. */
    containerInsightsAssociation: 'ContainerInsightsExtension',
    clusterDiagnosticSetting: `diag-${prefix}-aks`,
    /** Stem of the registry's private endpoint names (private-endpoint.ts). */
    registryPrivateEndpoint: `${prefix}-acr`,
    registryDnsZoneLink: `pdnslink-${prefix}-acr`,
  };
}

/**
 * Ids of the platform stack's resources, computed from model names so that workload stacks can use them
 * without cdktf cross-stack references (`plan` of a workload stack then works before the platform exists).
 */
export function platformResourceIds(stack: AzureStack) {
  const azure = stack.ctx.env.azure;
  if (!azure) throw new Error(`stack ${stack.stackName}: environment ${stack.ctx.env.name} has no azure account settings`);
  const names = azureNames(stack);
  const resourceGroupId = `/subscriptions/${azure.subscriptionId}/resourceGroups/${names.resourceGroupName}`;
  const vnetId = `${resourceGroupId}/providers/Microsoft.Network/virtualNetworks/${names.vnetName}`;
  return {
    resourceGroupId,
    vnetId,
    userSubnetId: `${vnetId}/subnets/${names.subnetNames.user}`,
    endpointsSubnetId: `${vnetId}/subnets/${names.subnetNames.endpoints}`,
    /** Only when the platform stack creates it (network.ts: a workload needs a Flexible Server). */
    databaseSubnetId: `${vnetId}/subnets/${DATABASE_SUBNET_NAME}`,
    containerRegistryId: `${resourceGroupId}/providers/Microsoft.ContainerRegistry/registries/${names.containerRegistryName}`,
    /** A private DNS zone of the platform resource group (see private-dns.ts for which zones exist). */
    privateDnsZoneId: (zoneName: string) => `${resourceGroupId}/providers/Microsoft.Network/privateDnsZones/${zoneName}`,
  };
}
