/**
 * What the Azure workload stacks (edw, rag, mlops, lakehouse) share: the stack with its own resource group,
 * a private endpoint in the platform's endpoints subnet and a hardened storage account (identities:
 * identity.ts). Logical ids are the callers'.
 */
import type { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { DataAzurermKubernetesCluster } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { StorageAccount, type StorageAccountConfig } from '@cdktf/provider-azurerm/lib/storage-account';
import type { ResourceGroupTemplateDeployment } from '@cdktf/provider-azurerm/lib/resource-group-template-deployment';
import type { App } from 'cdktf';
import { Fn } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import type { WorkloadName } from '../../src/model/types';
import { type AzureStack, PlatformStack } from '../constructs/platform-stack';
import { azureNames, type InGroup, inGroupOf, platformResourceIds, tagsOf } from './common';
import { type PrivateDnsZoneKey, sharedPrivateDnsZoneId } from './private-dns';
import { privateEndpoint } from './private-endpoint';
import { providerSettings } from './provider';

export interface WorkloadPrivateEndpointProps {
  /** The endpoint's names end in it (`pe-<prefix>-<stack>-<target>`); it names the DNS zone group too. */
  readonly target: string;
  readonly resourceId: string;
  readonly subresource: string;
  /** Shared private DNS zones (platform stack) Azure keeps the endpoint's A records in. */
  readonly zones: readonly PrivateDnsZoneKey[];
}

/** A private endpoint of a workload in the platform's endpoints subnet, its A records kept in the shared zones. */
export function workloadPrivateEndpoint<W extends WorkloadName>(workload: WorkloadStack<W>, id: string, props: WorkloadPrivateEndpointProps): PrivateEndpoint {
  const { stack } = workload;
  return privateEndpoint(stack, id, {
    inGroup: workload.inGroup,
    stem: `${stack.ctx.names.prefix}-${stack.stackName}-${props.target}`,
    subnetId: workload.platformIds.endpointsSubnetId,
    resourceId: props.resourceId,
    subresource: props.subresource,
    dnsZoneGroup: { name: props.target, zoneIds: props.zones.map((z) => sharedPrivateDnsZoneId(stack, z)) },
  });
}

/** What every Azure workload stack starts from. */
export interface WorkloadStack<W extends WorkloadName> {
  readonly stack: AzureStack<W>;
  readonly platformNames: ReturnType<typeof azureNames>;
  /** The platform stack's resources, by id computed from model names (not cross-stack references). */
  readonly platformIds: ReturnType<typeof platformResourceIds>;
  /** The platform's AKS cluster, looked up by name: its OIDC issuer is assigned by Azure. */
  readonly cluster: DataAzurermKubernetesCluster;
  readonly resourceGroup: ResourceGroup;
  readonly inGroup: InGroup;
}

/**
 * A workload stack with its provider and a resource group of its own: the workload's state owns
 * its whole lifecycle, so destroying it is clean and the platform's group never holds resources
 * another state manages.
 */
/** An output of an ARM template deployment (`outputs.<key>.value` of its `output_content`), as a Terraform expression. */
export function templateOutput(deployment: ResourceGroupTemplateDeployment, key: string): string {
  return Fn.lookup(Fn.lookup(Fn.jsondecode(deployment.outputContent), key), 'value');
}

export function workloadStack<W extends WorkloadName>(
  app: App,
  stackName: string,
  ctx: EnvironmentContext<'azure', W>,
  resourceGroupName: string,
): WorkloadStack<W> {
  const stack = new PlatformStack<'azure', W>(app, stackName, ctx);
  new AzurermProvider(stack, 'azurerm', {
    // Resource Manager only: the storage data plane is unreachable from outside the VNet in prod, and a
    // data-plane resource added later should fail at plan, not half-way through an apply.
    features: [{ storage: [{ dataPlaneAvailable: false }] }],
    ...providerSettings(ctx, stackName),
    storageUseAzuread: true,
  });
  const platformNames = azureNames(stack);
  const cluster = new DataAzurermKubernetesCluster(stack, 'kubernetes_cluster', {
    name: platformNames.clusterName,
    resourceGroupName: platformNames.resourceGroupName,
  });
  const resourceGroup = new ResourceGroup(stack, 'resource_group', { name: resourceGroupName, location: ctx.env.region, ...tagsOf(stack) });
  return {
    stack,
    platformNames,
    platformIds: platformResourceIds(stack),
    cluster,
    resourceGroup,
    inGroup: inGroupOf(resourceGroup),
  };
}

/**
 * A workload's storage account with the platform's hardening: Entra ID only (no account keys, SAS
 * or local users), HTTPS and TLS 1.2, no public containers, double encryption at rest, and in prod
 * reachable only through private endpoints (dev keeps a public, still key-less, endpoint).
 * `extra` adds what the workload needs (hierarchical namespace, versioning, key types).
 */
export function hardenedStorageAccount(
  stack: AzureStack,
  name: string,
  inGroup: InGroup,
  extra: Omit<Partial<StorageAccountConfig>, 'name' | 'resourceGroupName' | 'location'> = {},
): StorageAccount {
  const prod = stack.ctx.env.stage === 'prod';
  return new StorageAccount(stack, 'storage_account', {
    name,
    ...inGroup,
    accountKind: 'StorageV2',
    accountTier: 'Standard',
    accountReplicationType: prod ? 'ZRS' : 'LRS',
    httpsTrafficOnlyEnabled: true,
    minTlsVersion: 'TLS1_2',
    sharedAccessKeyEnabled: false,
    defaultToOauthAuthentication: true,
    localUserEnabled: false,
    allowNestedItemsToBePublic: false,
    crossTenantReplicationEnabled: false,
    publicNetworkAccessEnabled: !prod,
    infrastructureEncryptionEnabled: true,
    ...extra,
    ...tagsOf(stack),
  });
}
