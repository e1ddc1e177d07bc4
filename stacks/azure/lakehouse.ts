/**
 * The `lakehouse` stack of an Azure environment: an ADLS Gen2 account with one filesystem per layer
 * (bronze, silver, gold) and the `landing` filesystem ingestion reads, the Spark identity federated with the AKS OIDC issuer, and a Microsoft
 * Purview account that catalogs the lakehouse. Compute (the Spark operator's pods) holds no state.
 *
 * - Storage: the platform's hardened account (Entra ID only, TLS 1.2, private-only in prod) with a
 *   hierarchical namespace. A filesystem is a container of such an account; they are created through
 *   Resource Manager (`storage_account_id`), so the provider stays off the data plane and prod applies
 *   with public network access off. Deleted files and filesystems stay recoverable for `retentionDays`
 *   (soft delete; versioning does not exist with a hierarchical namespace).
 * - Prod: blob and dfs private endpoints in the platform's endpoints subnet (shared zones).
 * - Spark identity (lakehouse/spark: drivers and executors): Storage Blob Data Contributor on this
 *   account only; ABFS exchanges the pod's federated token for it (WorkloadIdentityTokenProvider).
 * - Purview: its system identity may read the account (Storage Blob Data Reader) to scan the Delta
 *   tables. Prod: public network access off, `account` and `portal` private endpoints. Scanning a
 *   private-only account also needs a Purview managed VNet integration runtime, which azurerm cannot
 *   create: set it up once in the Purview portal (see README).
 */
import { PurviewAccount } from '@cdktf/provider-azurerm/lib/purview-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import type { App } from 'cdktf';
import { TerraformOutput } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { LAKEHOUSE_LANDING_ZONE, LAKEHOUSE_OUTPUTS, LAKEHOUSE_STACK } from '../../src/model/naming';
import type { MedallionLayer } from '../../src/model/types';
import type { AzureStack } from '../constructs/platform-stack';
import { tagsOf } from './common';
import { roleAssignment, serviceAccountIdentity } from './identity';
import { hardenedStorageAccount, workloadPrivateEndpoint, workloadStack } from './workload';

/** Storage sub-resources reached over private endpoints in prod (dfs for ABFS, blob for Purview scans and tools). */
export const LAKEHOUSE_STORAGE_SUBRESOURCES = ['blob', 'dfs'] as const;
/** Purview sub-resources reached over private endpoints in prod. */
export const PURVIEW_SUBRESOURCES = ['account', 'portal'] as const;
type EndpointTarget = (typeof LAKEHOUSE_STORAGE_SUBRESOURCES)[number] | `purview-${(typeof PURVIEW_SUBRESOURCES)[number]}`;

/** Least roles that work, both on the one storage account. */
export const LAKEHOUSE_ROLE_ASSIGNMENTS = [
  // Spark reads and writes every layer; it cannot change the account, its keys or its network rules.
  { principal: 'spark', roleName: 'Storage Blob Data Contributor' },
  // Purview scans read; they never write.
  { principal: 'purview', roleName: 'Storage Blob Data Reader' },
] as const;

/** Names only this stack's Terraform uses, derived from the environment prefix. */
export function lakehouseTerraformNames(prefix: string) {
  return {
    /** Purview's own resource group (its managed storage); Azure would otherwise name it with a random suffix. */
    purviewManagedResourceGroup: `rg-${prefix}-purview-managed`,
  };
}

/** Builds the `lakehouse` stack (state key `<env>/lakehouse.tfstate`) of an Azure environment with the lakehouse enabled. */
export function lakehouseStack(app: App, ctx: EnvironmentContext<'azure', 'lakehouse'>): AzureStack<'lakehouse'> {
  const { env, names } = ctx;
  const lakehouse = names.lakehouse.azure;
  const settings = env.lakehouse;

  const tfNames = lakehouseTerraformNames(names.prefix);
  const prod = env.stage === 'prod';
  const workload = workloadStack(app, LAKEHOUSE_STACK, ctx, lakehouse.resourceGroupName);
  const { stack, inGroup } = workload;

  const privateEndpoint = (id: string, target: EndpointTarget, resourceId: string, subresource: string, zone: 'blob' | 'dfs' | 'purview' | 'purviewportal') =>
    workloadPrivateEndpoint(workload, id, { target, resourceId, subresource, zones: [zone] });

  // ---- ADLS Gen2: one filesystem per layer.
  const storageAccount = hardenedStorageAccount(stack, lakehouse.storageAccountName, inGroup, {
    isHnsEnabled: true,
    blobProperties: {
      deleteRetentionPolicy: { days: settings.retentionDays },
      containerDeleteRetentionPolicy: { days: settings.retentionDays },
    },
  });
  const filesystems: Partial<Record<MedallionLayer, StorageContainer>> = {};
  for (const layer of settings.layers) {
    filesystems[layer] = new StorageContainer(stack, `${layer}_filesystem`, {
      name: lakehouse.filesystems[layer]!,
      storageAccountId: storageAccount.id,
      containerAccessType: 'private',
    });
  }
  // The landing zone ingestion reads (`--source landing`), as the AWS bucket's `landing/` prefix.
  new StorageContainer(stack, 'landing_filesystem', { name: LAKEHOUSE_LANDING_ZONE, storageAccountId: storageAccount.id, containerAccessType: 'private' });
  if (prod) for (const sub of LAKEHOUSE_STORAGE_SUBRESOURCES) privateEndpoint(`storage_${sub}_private_endpoint`, sub, storageAccount.id, sub, sub);

  // ---- The Spark identity, trusting exactly lakehouse/spark of this cluster.
  const spark = serviceAccountIdentity(workload, 'spark', {
    name: lakehouse.sparkIdentityName,
    namespace: names.lakehouse.namespace,
    serviceAccount: names.lakehouse.sparkServiceAccount,
    // Read by synth from `terraform output -json` (src/outputs/<env>/lakehouse.json).
    clientIdOutput: LAKEHOUSE_OUTPUTS.sparkClientId,
    label: 'lakehouse Spark',
    readBy: 'workload identity annotation, ABFS OAuth',
  });
  const principals: Record<string, string> = { spark: spark.principalId };

  // ---- Microsoft Purview: the catalog.
  let purview: PurviewAccount | undefined;
  if (settings.purview) {
    purview = new PurviewAccount(stack, 'purview_account', {
      name: lakehouse.purviewAccountName,
      ...inGroup,
      identity: { type: 'SystemAssigned' },
      publicNetworkEnabled: !prod,
      // No Kafka notifications: nothing consumes Atlas events, so no Event Hubs namespace to secure.
      managedEventHubEnabled: false,
      managedResourceGroupName: tfNames.purviewManagedResourceGroup,
      ...tagsOf(stack),
    });
    principals.purview = purview.identity.principalId;
    if (prod) {
      privateEndpoint('purview_account_private_endpoint', 'purview-account', purview.id, 'account', 'purview');
      privateEndpoint('purview_portal_private_endpoint', 'purview-portal', purview.id, 'portal', 'purviewportal');
    }
  }

  for (const { principal, roleName } of LAKEHOUSE_ROLE_ASSIGNMENTS) {
    if (!principals[principal]) continue;
    roleAssignment(stack, `${principal}_storage_role_assignment`, { scope: storageAccount.id, roleName, principalId: principals[principal] });
  }

  new TerraformOutput(stack, 'storage_account_name', {
    value: storageAccount.name,
    description: 'ADLS Gen2 account of the lakehouse (a filesystem per layer).',
  });
  if (purview)
    new TerraformOutput(stack, 'purview_catalog_endpoint', { value: purview.catalogEndpoint, description: 'Catalog endpoint of the Purview account.' });
  return stack;
}
