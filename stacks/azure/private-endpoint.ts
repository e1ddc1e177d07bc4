/**
 * The one way a private endpoint is made, in the platform stack (the registry) and in the workload
 * stacks: its three names from one stem, a fixed NIC name, an automatic service connection to one
 * sub-resource, and a DNS zone group through which Azure keeps the endpoint's A records.
 */
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import type { AzureStack } from '../constructs/platform-stack';
import { type InGroup, tagsOf } from './common';

/** The endpoint `pe-<stem>`, its NIC `nic-pe-<stem>` and its service connection `psc-<stem>` (CAF abbreviations). */
export function privateEndpointNames(stem: string) {
  return { endpoint: `pe-${stem}`, nic: `nic-pe-${stem}`, serviceConnection: `psc-${stem}` };
}

export interface PrivateEndpointProps {
  readonly inGroup: InGroup;
  /** What the names share, e.g. `<prefix>-acr` or `<prefix>-<workload>-<target>`. */
  readonly stem: string;
  readonly subnetId: string;
  readonly resourceId: string;
  readonly subresource: string;
  /** The zone group: its name, and the zones Azure keeps the endpoint's A records in. */
  readonly dnsZoneGroup: { readonly name: string; readonly zoneIds: readonly string[] };
}

export function privateEndpoint(stack: AzureStack, id: string, props: PrivateEndpointProps): PrivateEndpoint {
  const names = privateEndpointNames(props.stem);
  return new PrivateEndpoint(stack, id, {
    name: names.endpoint,
    ...props.inGroup,
    subnetId: props.subnetId,
    // A fixed NIC name instead of Azure's generated `<endpoint>.nic.<guid>`.
    customNetworkInterfaceName: names.nic,
    privateServiceConnection: {
      name: names.serviceConnection,
      privateConnectionResourceId: props.resourceId,
      subresourceNames: [props.subresource],
      isManualConnection: false,
    },
    privateDnsZoneGroup: { name: props.dnsZoneGroup.name, privateDnsZoneIds: [...props.dnsZoneGroup.zoneIds] },
    ...tagsOf(stack),
  });
}
