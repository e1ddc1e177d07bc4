/**
 * Network layer: resource group, VNet with system / user / private-endpoint subnets, one NSG per subnet,
 * and a NAT gateway that is the nodes' only way out to the internet. When a workload runs a PostgreSQL
 * Flexible Server (mlops), also the subnet delegated to it (VNet integration), in the VNet's last quarter.
 */
import { platformNeeds } from '../../src/model/workloads';
import { NatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway';
import { NatGatewayPublicIpAssociation } from '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNatGatewayAssociation } from '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import type { ITerraformDependable } from 'cdktf';
import { azureSubnetLayout } from '../../src/model/cidr';
import type { AzureStack } from '../constructs/platform-stack';
import {
  azureNames,
  DATABASE_SUBNET_NAME,
  inGroupOf,
  POSTGRES_SUBNET_DELEGATION,
  SUBNET_ROLES,
  type SubnetRole,
  tagsOf,
  terraformOnlyNames,
  zoneRedundantZones,
} from './common';

export interface AzureNetwork {
  readonly resourceGroup: ResourceGroup;
  readonly virtualNetwork: VirtualNetwork;
  readonly subnets: Readonly<Record<SubnetRole, Subnet>>;
  /** Delegated to PostgreSQL Flexible Server; only when a workload needs one (see needsDatabaseSubnet). */
  readonly databaseSubnet?: Subnet;
  readonly natPublicIp: PublicIp;
  /** What must exist before AKS validates its subnets (NAT egress, NSGs). */
  readonly clusterPrerequisites: readonly ITerraformDependable[];
}

/** Node subnets egress through the NAT gateway; the endpoint subnet only receives private traffic. */
const NODE_SUBNETS: readonly SubnetRole[] = ['system', 'user'];

/** Whether a workload runs a PostgreSQL Flexible Server in the VNet (today: MLflow's, in mlops). */
export function needsDatabaseSubnet(stack: AzureStack): boolean {
  return platformNeeds(stack.ctx.env).postgres;
}

export function buildNetwork(stack: AzureStack): AzureNetwork {
  const { env } = stack.ctx;
  const names = azureNames(stack);
  const tfNames = terraformOnlyNames(stack);
  const layout = azureSubnetLayout(env.network.cidr);

  const resourceGroup = new ResourceGroup(stack, 'resource_group', {
    name: names.resourceGroupName,
    location: env.region,
    ...tagsOf(stack),
  });
  const inGroup = inGroupOf(resourceGroup);

  const virtualNetwork = new VirtualNetwork(stack, 'virtual_network', {
    name: names.vnetName,
    ...inGroup,
    addressSpace: [env.network.cidr],
    ...tagsOf(stack),
  });

  const subnets = {} as Record<SubnetRole, Subnet>;
  const clusterPrerequisites: ITerraformDependable[] = [];
  for (const role of SUBNET_ROLES) {
    const subnet = new Subnet(stack, `subnet_${role}`, {
      name: names.subnetNames[role],
      resourceGroupName: resourceGroup.name,
      virtualNetworkName: virtualNetwork.name,
      addressPrefixes: [layout[role]],
      // Private subnet: no implicit internet egress; nodes get out only through the NAT gateway.
      defaultOutboundAccessEnabled: false,
      // Let the NSG apply to private endpoints too (Azure skips NSGs on endpoints unless enabled).
      ...(role === 'endpoints' ? { privateEndpointNetworkPolicies: 'Enabled' } : {}),
    });
    subnets[role] = subnet;

    // Azure's default rules allow VNet and load-balancer probe traffic and deny the internet inbound, so a
    // public LoadBalancer Service stays unreachable until someone adds a rule on purpose.
    const nsg = new NetworkSecurityGroup(stack, `network_security_group_${role}`, {
      name: tfNames.networkSecurityGroup(role),
      ...inGroup,
      ...tagsOf(stack),
    });
    if (NODE_SUBNETS.includes(role)) {
      // Overlay pod-to-pod traffic is not encapsulated, so subnet NSGs see pod addresses, which are outside
      // the VNet: allow node and pod ranges to each other explicitly, as AKS documents for custom NSGs.
      const clusterRanges = [...NODE_SUBNETS.map((r) => layout[r]), env.network.podCidr];
      for (const direction of ['Inbound', 'Outbound'] as const) {
        const rule = new NetworkSecurityRule(stack, `network_security_rule_${role}_cluster_${direction.toLowerCase()}`, {
          name: `allow-cluster-${direction.toLowerCase()}`,
          resourceGroupName: resourceGroup.name,
          networkSecurityGroupName: nsg.name,
          priority: 100,
          direction,
          access: 'Allow',
          protocol: '*',
          sourcePortRange: '*',
          destinationPortRange: '*',
          sourceAddressPrefixes: clusterRanges,
          destinationAddressPrefixes: clusterRanges,
        });
        clusterPrerequisites.push(rule);
      }
    }
    const nsgAssociation = new SubnetNetworkSecurityGroupAssociation(stack, `subnet_network_security_group_association_${role}`, {
      subnetId: subnet.id,
      networkSecurityGroupId: nsg.id,
    });
    if (NODE_SUBNETS.includes(role)) clusterPrerequisites.push(nsgAssociation);
  }

  const natPublicIp = new PublicIp(stack, 'nat_public_ip', {
    name: names.natPublicIpName,
    ...inGroup,
    sku: 'Standard',
    allocationMethod: 'Static',
    // Zone-redundant address; the (non-zonal) NAT gateway accepts it and the egress IP never changes.
    zones: zoneRedundantZones(env),
    ...tagsOf(stack),
  });
  const natGateway = new NatGateway(stack, 'nat_gateway', {
    name: names.natGatewayName,
    ...inGroup,
    skuName: 'Standard',
    ...tagsOf(stack),
  });
  clusterPrerequisites.push(
    new NatGatewayPublicIpAssociation(stack, 'nat_gateway_public_ip_association', {
      natGatewayId: natGateway.id,
      publicIpAddressId: natPublicIp.id,
    }),
  );
  for (const role of NODE_SUBNETS) {
    clusterPrerequisites.push(
      new SubnetNatGatewayAssociation(stack, `subnet_nat_gateway_association_${role}`, {
        subnetId: subnets[role].id,
        natGatewayId: natGateway.id,
      }),
    );
  }

  // PostgreSQL Flexible Server with VNet integration: a subnet delegated to it alone (no other resource may
  // use it), no NAT association (the server needs no internet egress), an NSG of its own with Azure's
  // default rules (VNet traffic in, internet in denied).
  let databaseSubnet: Subnet | undefined;
  if (needsDatabaseSubnet(stack)) {
    databaseSubnet = new Subnet(stack, 'subnet_database', {
      name: DATABASE_SUBNET_NAME,
      resourceGroupName: resourceGroup.name,
      virtualNetworkName: virtualNetwork.name,
      addressPrefixes: [layout.database],
      defaultOutboundAccessEnabled: false,
      delegation: [
        {
          name: 'postgresql-flexible-server',
          serviceDelegation: { name: POSTGRES_SUBNET_DELEGATION.name, actions: [...POSTGRES_SUBNET_DELEGATION.actions] },
        },
      ],
    });
    const nsg = new NetworkSecurityGroup(stack, 'network_security_group_database', {
      name: tfNames.networkSecurityGroup('database'),
      ...inGroup,
      ...tagsOf(stack),
    });
    new SubnetNetworkSecurityGroupAssociation(stack, 'subnet_network_security_group_association_database', {
      subnetId: databaseSubnet.id,
      networkSecurityGroupId: nsg.id,
    });
  }

  return { resourceGroup, virtualNetwork, subnets, databaseSubnet, natPublicIp, clusterPrerequisites };
}
