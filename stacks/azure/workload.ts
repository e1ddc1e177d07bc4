/**
 * Building blocks the Azure workload stacks (edw, rag, mlops) share: a private endpoint in the platform's
 * endpoints subnet with its DNS zone group, a user-assigned identity federated with the AKS OIDC issuer, and
 * a role assignment to a (possibly brand-new) service principal. Logical ids and attributes are the callers'.
 */
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { DataAzurermKubernetesCluster } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { StorageAccount, type StorageAccountConfig } from '@cdktf/provider-azurerm/lib/storage-account';
import type { App } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import type { WorkloadName } from '../../src/model/types';
import { type AzureStack, PlatformStack } from '../constructs/platform-stack';
import { azureNames, platformResourceIds, tagsOf } from './common';
import { type PrivateDnsZoneKey, sharedPrivateDnsZoneId } from './private-dns';

/** Fixed by Azure: the token exchange audience of workload identity federation. */
export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

/** Where a workload's resources live: its own resource group (name and location). */
export interface InGroup {
  readonly resourceGroupName: string;
  readonly location: string;
}

/** A stack's Terraform-only names of private endpoint `target`s (see edwTerraformNames and friends). */
export interface PrivateEndpointNames<T extends string> {
  privateEndpoint(target: T): string;
  privateEndpointNic(target: T): string;
  privateServiceConnection(target: T): string;
}

export interface WorkloadPrivateEndpointProps<T extends string> {
  readonly inGroup: InGroup;
  readonly names: PrivateEndpointNames<T>;
  /** Names the endpoint, its NIC, its service connection and its DNS zone group. */
  readonly target: T;
  readonly subnetId: string;
  readonly resourceId: string;
  readonly subresource: string;
  /** Shared private DNS zones (platform stack) Azure keeps the endpoint's A records in. */
  readonly zones: readonly PrivateDnsZoneKey[];
}

/** A private endpoint in the platform's endpoints subnet, its A records kept in the shared zones. */
export function workloadPrivateEndpoint<T extends string>(stack: AzureStack, id: string, props: WorkloadPrivateEndpointProps<T>): PrivateEndpoint {
  const { names, target } = props;
  return new PrivateEndpoint(stack, id, {
    name: names.privateEndpoint(target),
    ...props.inGroup,
    subnetId: props.subnetId,
    customNetworkInterfaceName: names.privateEndpointNic(target),
    privateServiceConnection: {
      name: names.privateServiceConnection(target),
      privateConnectionResourceId: props.resourceId,
      subresourceNames: [props.subresource],
      isManualConnection: false,
    },
    privateDnsZoneGroup: { name: target, privateDnsZoneIds: props.zones.map((z) => sharedPrivateDnsZoneId(stack, z)) },
    ...tagsOf(stack),
  });
}

export interface FederatedIdentityProps {
  readonly inGroup: InGroup;
  /** Name of the identity. */
  readonly name: string;
  readonly credentialName: string;
  /** The cluster's OIDC issuer URL. */
  readonly issuer: string;
  /** The one Kubernetes service account (`system:serviceaccount:<ns>:<sa>`) the credential trusts. */
  readonly subject: string;
}

/**
 * A user-assigned identity (`<key>_identity`) with one federated credential
 * (`<key>_federated_identity_credential`) trusting exactly one service account of the cluster.
 */
export function federatedIdentity(stack: AzureStack, key: string, props: FederatedIdentityProps): UserAssignedIdentity {
  const identity = new UserAssignedIdentity(stack, `${key}_identity`, { name: props.name, ...props.inGroup, ...tagsOf(stack) });
  new FederatedIdentityCredential(stack, `${key}_federated_identity_credential`, {
    name: props.credentialName,
    resourceGroupName: props.inGroup.resourceGroupName,
    parentId: identity.id,
    audience: [WORKLOAD_IDENTITY_AUDIENCE],
    issuer: props.issuer,
    subject: props.subject,
  });
  return identity;
}

/** `roleName` for a service principal on `scope`, as `<principal>_<target>_role_assignment`. */
export function servicePrincipalRoleAssignment(
  stack: AzureStack,
  grant: { readonly principal: string; readonly target: string; readonly scope: string; readonly roleName: string; readonly principalId: string },
): RoleAssignment {
  return new RoleAssignment(stack, `${grant.principal}_${grant.target}_role_assignment`, {
    scope: grant.scope,
    roleDefinitionName: grant.roleName,
    principalId: grant.principalId,
    principalType: 'ServicePrincipal',
    // A new identity may not have replicated in Entra ID yet; the principal type is known.
    skipServicePrincipalAadCheck: true,
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
    subscriptionId: ctx.env.azure.subscriptionId,
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
    inGroup: { resourceGroupName: resourceGroup.name, location: resourceGroup.location },
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
