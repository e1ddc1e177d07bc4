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
 * other stages only the zones of services that are private in every stage (Azure OpenAI, when RAG is on).
 *
 * The registry's `privatelink.azurecr.io` zone stays with the registry layer (registry.ts): only the
 * registry uses it, so it cannot clash.
 *
 * Moving from an applied edw state that still owns its queue/table zones (a VNet refuses a second link to a
 * zone of the same name): destroy the edw links first (`terraform apply -destroy -target=` the two
 * `azurerm_private_dns_zone_virtual_network_link`s of the edw state), apply platform, then apply edw (its zone
 * groups move to the shared zones and its old zones are destroyed). Queue/table name resolution from the
 * cluster is interrupted between the first and last step.
 */
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import type { Environment } from '../../src/model/types';
import type { PlatformStack } from '../constructs/platform-stack';
import { platformResourceIds, tagsOf } from './common';
import type { NetworkLayer } from './network';

/** Fixed by Azure: the private-link DNS zone of each sub-resource a workload reaches privately. */
export const PRIVATE_DNS_ZONES = {
  blob: 'privatelink.blob.core.windows.net',
  dfs: 'privatelink.dfs.core.windows.net',
  queue: 'privatelink.queue.core.windows.net',
  table: 'privatelink.table.core.windows.net',
  openai: 'privatelink.openai.azure.com',
} as const;
export type PrivateDnsZoneKey = keyof typeof PRIVATE_DNS_ZONES;
const ALL_KEYS = Object.keys(PRIVATE_DNS_ZONES) as PrivateDnsZoneKey[];

/** The zones an environment's platform stack creates, in a fixed order. */
export function privateDnsZoneKeys(env: Environment): PrivateDnsZoneKey[] {
  if (env.stage === 'prod') return [...ALL_KEYS];
  // Azure OpenAI has public network access off in every stage, so its endpoint (and zone) exist in dev too.
  return ALL_KEYS.filter((key) => key === 'openai' && env.workloads.rag);
}

export type PrivateDnsLayer = Readonly<Partial<Record<PrivateDnsZoneKey, PrivateDnsZone>>>;

/** Adds the shared zones and their VNet links to the platform stack. */
export function addPrivateDnsZones(stack: PlatformStack, network: NetworkLayer): PrivateDnsLayer {
  const prefix = stack.ctx.names.prefix;
  const zones: Partial<Record<PrivateDnsZoneKey, PrivateDnsZone>> = {};
  for (const key of privateDnsZoneKeys(stack.ctx.env)) {
    const zone = new PrivateDnsZone(stack, `private_dns_zone_${key}`, {
      name: PRIVATE_DNS_ZONES[key],
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
export function sharedPrivateDnsZoneId(stack: PlatformStack, key: PrivateDnsZoneKey): string {
  if (!privateDnsZoneKeys(stack.ctx.env).includes(key)) {
    throw new Error(`stack ${stack.stackName}: environment ${stack.ctx.env.name} has no shared private DNS zone ${PRIVATE_DNS_ZONES[key]} (see stacks/azure/private-dns.ts)`);
  }
  return platformResourceIds(stack).privateDnsZoneId(PRIVATE_DNS_ZONES[key]);
}
