/**
 * The `edw` stack of an Azure environment: the event-driven workload's storage account with its queue and
 * table, private endpoints in prod, and the consumer / producer / KEDA-scaler identities federated with
 * the AKS OIDC issuer, each allowed exactly what it needs on the queue or the table (the consumer through a
 * custom role: no built-in queue role is exactly receive + update + delete).
 *
 * No cdktf cross-stack references: the platform stack's VNet, subnet and shared private DNS zones
 * (private-dns.ts) are addressed by ids computed from model names, and the one value that cannot be derived
 * (the OIDC issuer URL) comes from a data source looked up by the cluster's name, so `plan` of this stack
 * works before the platform stack is applied (`apply` needs the platform stack first).
 *
 * Everything goes through Azure Resource Manager (the provider's storage data plane is switched off):
 * - the queue uses `storage_account_id` (ARM) rather than the data-plane `storage_account_name`;
 * - azurerm 4.55 (bindings and pinned provider) and 4.65 (vendored schema) only offer a data-plane
 *   `azurerm_storage_table` (`storage_account_name`), which a runner outside the VNet cannot reach once
 *   public network access is off. The table is therefore an ARM template deployment of
 *   `Microsoft.Storage/storageAccounts/tableServices/tables` (in dev too, so both stages use one code path
 *   and the deployer needs no data-plane role). Switch to `azurerm_storage_table` with `storage_account_id`
 *   once the pinned provider has it.
 */
import { ResourceGroupTemplateDeployment } from '@cdktf/provider-azurerm/lib/resource-group-template-deployment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { StorageQueue } from '@cdktf/provider-azurerm/lib/storage-queue';
import type { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import type { App } from 'cdktf';
import { TerraformOutput } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { EDW_OUTPUTS, EDW_STACK } from '../../src/model/naming';
import type { AzureStack } from '../constructs/platform-stack';
import { tagsOf } from './common';
import { PRIVATE_DNS_ZONES } from './private-dns';
import { roleAssignment, serviceAccountIdentity, type ServiceAccountIdentitySpec } from './identity';
import { hardenedStorageAccount, templateOutput, workloadPrivateEndpoint, workloadStack } from './workload';

/** Private-link DNS zones (shared, in the platform stack) of the storage sub-resources the workload uses. */
export const STORAGE_PRIVATE_DNS_ZONES = {
  queue: PRIVATE_DNS_ZONES.queue,
  table: PRIVATE_DNS_ZONES.table,
} as const;
export type StorageSubresource = keyof typeof STORAGE_PRIVATE_DNS_ZONES;
const SUBRESOURCES = Object.keys(STORAGE_PRIVATE_DNS_ZONES) as StorageSubresource[];

/** API version of the table in the ARM template (a fixed string, so the template never drifts). */
const STORAGE_API_VERSION = '2023-05-01';

/** The identities of the workload, in a fixed order (ids, outputs and tests follow it). */
const ROLES = ['consumer', 'producer', 'scaler'] as const;
type Role = (typeof ROLES)[number];

/**
 * The consumer's queue rights, a custom role: receive and delete (`process/action`), peek (`read`) and update a
 * received message's visibility timeout (`write`, what Update Message needs). No built-in role has exactly these:
 * Storage Queue Data Message Processor has read and process only (no update), Storage Queue Data Contributor also
 * the control-plane queue actions (delete the queue, change its metadata).
 */
export const CONSUMER_QUEUE_DATA_ACTIONS = [
  'Microsoft.Storage/storageAccounts/queueServices/queues/messages/read',
  'Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action',
  'Microsoft.Storage/storageAccounts/queueServices/queues/messages/write',
] as const;

/** Least roles that work, each on the queue or the table only; `custom` is the consumer's queue role above. */
const ROLE_ASSIGNMENTS: readonly { role: Role; target: 'queue' | 'table'; roleName: string | 'custom' }[] = [
  // Receive, extend visibility and delete messages: the competing-consumer loop; no send.
  { role: 'consumer', target: 'queue', roleName: 'custom' },
  // Insert and update entities in this table only.
  { role: 'consumer', target: 'table', roleName: 'Storage Table Data Contributor' },
  // Add messages only: cannot read, dequeue or delete.
  { role: 'producer', target: 'queue', roleName: 'Storage Queue Data Message Sender' },
  // KEDA's azure-queue scaler reads the approximate message count (queue metadata + peek): read only.
  { role: 'scaler', target: 'queue', roleName: 'Storage Queue Data Reader' },
];

/** Names only this stack's Terraform uses, derived from the environment prefix. */
export function edwTerraformNames(prefix: string) {
  return {
    resourceGroup: `rg-${prefix}-edw`,
    tableDeployment: `deploy-${prefix}-edw-table`,
    /** Role names are unique in the tenant: one per environment. */
    consumerQueueRole: `edw-queue-consumer-${prefix}`,
  };
}

/** The ARM template of the table: one child resource of the account's (always present) table service. */
function tableTemplate(storageAccountName: string, tableName: string): string {
  const name = `${storageAccountName}/default/${tableName}`;
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [{ type: 'Microsoft.Storage/storageAccounts/tableServices/tables', apiVersion: STORAGE_API_VERSION, name }],
    outputs: {
      tableId: {
        type: 'string',
        value: `[resourceId('Microsoft.Storage/storageAccounts/tableServices/tables', '${storageAccountName}', 'default', '${tableName}')]`,
      },
    },
  });
}

/** Builds the `edw` stack (state key `<env>/edw.tfstate`) of an Azure environment with EDW enabled. */
export function edwStack(app: App, ctx: EnvironmentContext<'azure', 'edw'>): AzureStack<'edw'> {
  const { env, names } = ctx;
  const edw = names.edw.azure;

  const tfNames = edwTerraformNames(names.prefix);
  const prod = env.stage === 'prod';
  const workload = workloadStack(app, EDW_STACK, ctx, tfNames.resourceGroup);
  const { stack, resourceGroup, inGroup } = workload;

  const storageAccount = hardenedStorageAccount(stack, edw.storageAccountName, inGroup, {
    // Queues and tables use the account-scoped key, so infrastructure encryption covers them too.
    queueEncryptionKeyType: 'Account',
    tableEncryptionKeyType: 'Account',
  });

  const queue = new StorageQueue(stack, 'storage_queue', {
    name: edw.queueName,
    // Resource Manager API (its `id` is then the ARM id); `storage_account_name` would use the data plane.
    storageAccountId: storageAccount.id,
  });

  const tableDeployment = new ResourceGroupTemplateDeployment(stack, 'storage_table', {
    name: tfNames.tableDeployment,
    resourceGroupName: resourceGroup.name,
    deploymentMode: 'Incremental',
    templateContent: tableTemplate(edw.storageAccountName, edw.tableName),
    ...tagsOf(stack),
    dependsOn: [storageAccount],
  });
  const targets = {
    queue: queue.id,
    table: templateOutput(tableDeployment, 'tableId'),
  };

  if (prod) {
    for (const sub of SUBRESOURCES) {
      // The platform stack's shared zone, linked to the VNet; Azure keeps the endpoint's A record in it.
      workloadPrivateEndpoint(workload, `storage_${sub}_private_endpoint`, { target: sub, resourceId: storageAccount.id, subresource: sub, zones: [sub] });
    }
  }

  // One identity per role, trusting exactly one service account of this cluster; synth reads the client
  // ids (values only Entra ID assigns) from `terraform output -json` (src/outputs/<env>/edw.json).
  const identitySpecs: Record<Role, ServiceAccountIdentitySpec> = {
    consumer: {
      name: edw.consumerIdentityName,
      namespace: names.edw.namespace,
      serviceAccount: names.edw.consumer,
      clientIdOutput: EDW_OUTPUTS.consumerClientId,
      label: 'EDW consumer',
    },
    producer: {
      name: edw.producerIdentityName,
      namespace: names.edw.namespace,
      serviceAccount: names.edw.producer,
      clientIdOutput: EDW_OUTPUTS.producerClientId,
      label: 'EDW producer',
    },
    // The KEDA operator's own service account: kube-system for the AKS add-on, keda for the Helm chart.
    scaler: {
      name: edw.scalerIdentityName,
      namespace: names.edw.keda.namespace,
      serviceAccount: names.edw.keda.serviceAccount,
      clientIdOutput: EDW_OUTPUTS.scalerClientId,
      label: 'EDW scaler',
    },
  };
  const identities = {} as Record<Role, UserAssignedIdentity>;
  for (const role of ROLES) identities[role] = serviceAccountIdentity(workload, role, identitySpecs[role]);

  // Defined on this stack's resource group, assignable only there: it cannot be granted anywhere else.
  const consumerQueueRole = new RoleDefinition(stack, 'consumer_queue_role', {
    name: tfNames.consumerQueueRole,
    scope: resourceGroup.id,
    description: 'EDW consumer: receive, peek, update visibility and delete queue messages.',
    permissions: [{ actions: [], dataActions: [...CONSUMER_QUEUE_DATA_ACTIONS] }],
    assignableScopes: [resourceGroup.id],
  });

  for (const { role, target, roleName } of ROLE_ASSIGNMENTS) {
    const principalId = identities[role].principalId;
    const grant =
      roleName === 'custom'
        ? { scope: targets[target], roleDefinitionId: consumerQueueRole.roleDefinitionResourceId, principalId }
        : { scope: targets[target], roleName, principalId };
    roleAssignment(stack, `${role}_${target}_role_assignment`, grant);
  }

  new TerraformOutput(stack, 'storage_account_name', { value: storageAccount.name, description: 'Storage account of the EDW queue and table.' });

  return stack;
}
