/**
 * Shared private-link DNS zones, owned by the platform stack and linked to the environment's VNet.
 *
 * A VNet can be linked to only one zone of a given name, so a zone such as `privatelink.blob.core.windows.net`
 * must exist once per environment, not once per workload: every workload stack (edw, rag, later lakehouse)
 * puts its private endpoints' DNS zone groups on these zones, addressed by ids computed from names
 * (`sharedPrivateDnsZoneId`), never by cdktf cross-stack references. Azure writes each endpoint's A record
 * into the zone through the zone group, so the workload states never touch the zones themselves.
 *
 * Which zones exist (`privateDnsZoneKeys`): all of them in prod, where every data service is private; in
 * other stages only the zones of services that are private in every stage (Azure OpenAI when RAG is on, Key
 * Vault when MLOps is on).
 *
 * The registry's `privatelink.azurecr.io` zone stays with the registry layer (registry.ts): only the
 * registry uses it, so it cannot clash.
 *
 * PostgreSQL Flexible Server with VNet integration (mlops) is not a private endpoint: the server lives in a
 * delegated subnet (network.ts) and needs a private zone ending in `.postgres.database.azure.com`, linked to
 * the VNet, in which Azure keeps the server's A record. It is created here too, in every stage (the server
 * is private in every stage), named after the environment (`<prefix>.private.postgres.database.azure.com`,
 * Azure's own naming), addressed by `postgresPrivateDnsZoneId`.
 *
 * Moving from an applied edw state that still owns its queue/table zones (a VNet refuses a second link to a
 * zone of the same name): destroy the edw links first (`terraform apply -destroy -target=` the two
 * `azurerm_private_dns_zone_virtual_network_link`s of the edw state), apply platform, then apply edw (its zone
 * groups move to the shared zones and its old zones are destroyed). Queue/table name resolution from the
 * cluster is interrupted between the first and last step.
 */
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import type { Environment, WorkloadName } from '../../src/model/types';
import type { AzureStack } from '../constructs/platform-stack';
import { platformResourceIds, tagsOf } from './common';
import { needsDatabaseSubnet, type AzureNetwork } from './network';

/** The private zone of an environment's VNet-integrated PostgreSQL Flexible Servers. */
export function postgresPrivateDnsZoneName(prefix: string): string {
  return `${prefix}.private.postgres.database.azure.com`;
}

/** Fixed by Azure: the private-link DNS zone of each sub-resource a workload reaches privately. */
export const PRIVATE_DNS_ZONES = {
  blob: 'privatelink.blob.core.windows.net',
  dfs: 'privatelink.dfs.core.windows.net',
  /** Azure Files: the ML workspace's file store (workspacefilestore) on its storage account. */
  file: 'privatelink.file.core.windows.net',
  queue: 'privatelink.queue.core.windows.net',
  table: 'privatelink.table.core.windows.net',
  openai: 'privatelink.openai.azure.com',
  /** Key Vault (`vault` sub-resource). */
  vault: 'privatelink.vaultcore.azure.net',
  /** Azure ML workspace (`amlworkspace` sub-resource): its API and its notebooks endpoints. */
  amlapi: 'privatelink.api.azureml.ms',
  amlnotebooks: 'privatelink.notebooks.azure.net',
  /** Microsoft Purview (lakehouse catalog): its account API (`account`) and its portal (`portal`). */
  purview: 'privatelink.purview.azure.com',
  purviewportal: 'privatelink.purviewstudio.azure.com',
} as const;
export type PrivateDnsZoneKey = keyof typeof PRIVATE_DNS_ZONES;
const ALL_KEYS = Object.keys(PRIVATE_DNS_ZONES) as PrivateDnsZoneKey[];

/**
 * Zones private in every stage, by the workload whose endpoint needs them: their endpoints (and zones) exist in
 * dev too. Azure OpenAI (public network access off) and MLOps's Key Vault (its firewall lets only trusted services through).
 */
const PRIVATE_IN_EVERY_STAGE: Partial<Record<PrivateDnsZoneKey, WorkloadName>> = { openai: 'rag', vault: 'mlops' };

/** The zones an environment's platform stack creates, in a fixed order. */
export function privateDnsZoneKeys(env: Environment): PrivateDnsZoneKey[] {
  if (env.stage === 'prod') return [...ALL_KEYS];
  return ALL_KEYS.filter((key) => {
    const workload = PRIVATE_IN_EVERY_STAGE[key];
    return workload !== undefined && Boolean(env.workloads[workload]);
  });
}

export type AzurePrivateDns = Readonly<Partial<Record<PrivateDnsZoneKey | 'postgres', PrivateDnsZone>>>;

/** Adds the shared zones and their VNet links to the platform stack. */
export function buildPrivateDnsZones(stack: AzureStack, network: AzureNetwork): AzurePrivateDns {
  const prefix = stack.ctx.names.prefix;
  const zones: Partial<Record<PrivateDnsZoneKey | 'postgres', PrivateDnsZone>> = {};
  const wanted: [PrivateDnsZoneKey | 'postgres', string][] = privateDnsZoneKeys(stack.ctx.env).map((key) => [key, PRIVATE_DNS_ZONES[key]]);
  if (needsDatabaseSubnet(stack)) wanted.push(['postgres', postgresPrivateDnsZoneName(prefix)]);
  for (const [key, zoneName] of wanted) {
    const zone = new PrivateDnsZone(stack, `private_dns_zone_${key}`, {
      name: zoneName,
      resourceGroupName: network.resourceGroup.name,
      ...tagsOf(stack),
    });
    // Pods and nodes resolve <resource>.<service domain> to the endpoint's private address through this link.
    new PrivateDnsZoneVirtualNetworkLink(stack, `private_dns_zone_virtual_network_link_${key}`, {
      name: `pdnslink-${prefix}-${key}`,
      resourceGroupName: network.resourceGroup.name,
      privateDnsZoneName: zone.name,
      virtualNetworkId: network.virtualNetwork.id,
      registrationEnabled: false,
      ...tagsOf(stack),
    });
    zones[key] = zone;
  }
  return zones;
}

/**
 * Id of a shared zone, for a workload stack's DNS zone group. Throws at synth when the platform stack of
 * this environment does not create the zone, so a workload can never point at a zone that will not exist.
 */
export function sharedPrivateDnsZoneId(stack: AzureStack, key: PrivateDnsZoneKey): string {
  if (!privateDnsZoneKeys(stack.ctx.env).includes(key)) {
    throw new Error(
      `stack ${stack.stackName}: environment ${stack.ctx.env.name} has no shared private DNS zone ${PRIVATE_DNS_ZONES[key]} (see stacks/azure/private-dns.ts)`,
    );
  }
  return platformResourceIds(stack).privateDnsZoneId(PRIVATE_DNS_ZONES[key]);
}

/** Id of the environment's PostgreSQL Flexible Server zone (platform stack), for `private_dns_zone_id`. */
export function postgresPrivateDnsZoneId(stack: AzureStack): string {
  if (!needsDatabaseSubnet(stack))
    throw new Error(`stack ${stack.stackName}: environment ${stack.ctx.env.name} has no PostgreSQL private DNS zone (see stacks/azure/private-dns.ts)`);
  return platformResourceIds(stack).privateDnsZoneId(postgresPrivateDnsZoneName(stack.ctx.names.prefix));
}
