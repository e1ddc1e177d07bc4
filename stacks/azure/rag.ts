/**
 * The `rag` stack of an Azure environment: Azure OpenAI reached only over a private endpoint, the ADLS Gen2
 * document store (raw, processed, embeddings) and Milvus's object storage, a Data Factory that reads raw and
 * writes processed documents with its own managed identity, and the RAG API / Milvus identities federated
 * with the AKS OIDC issuer, each allowed exactly what it needs.
 *
 * Like the edw stack: its own resource group and state, the platform stack's subnet and shared private DNS
 * zones (private-dns.ts) addressed by ids computed from model names, the OIDC issuer from a data source,
 * and the provider kept off the storage data plane (containers are created with `storage_account_id`, i.e.
 * through Resource Manager), so prod applies with the account's public network access off.
 *
 * Prod only: the storage account's blob/dfs private endpoints, and the Data Factory's managed virtual network
 * with its own managed private endpoints to the account. Azure creates those as *pending* connections on the
 * storage account; approve them once after the first apply (`az network private-endpoint-connection approve
 * --id <connection id>`); the provider has no resource that approves them.
 */
import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import { CognitiveDeployment } from '@cdktf/provider-azurerm/lib/cognitive-deployment';
import { DataFactory } from '@cdktf/provider-azurerm/lib/data-factory';
import { DataFactoryIntegrationRuntimeAzure } from '@cdktf/provider-azurerm/lib/data-factory-integration-runtime-azure';
import { DataFactoryLinkedServiceDataLakeStorageGen2 } from '@cdktf/provider-azurerm/lib/data-factory-linked-service-data-lake-storage-gen2';
import { DataFactoryManagedPrivateEndpoint } from '@cdktf/provider-azurerm/lib/data-factory-managed-private-endpoint';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import type { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import type { App } from 'cdktf';
import { TerraformOutput } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { RAG_OUTPUTS, RAG_STACK } from '../../src/model/naming';
import type { AzureStack } from '../constructs/platform-stack';
import { tagsOf } from './common';
import { roleAssignment, serviceAccountIdentity, type ServiceAccountIdentitySpec } from './identity';
import { hardenedStorageAccount, workloadPrivateEndpoint, workloadStack } from './workload';

/** The containers of the account, in a fixed order (logical ids follow the role, names come from the model). */
export const RAG_CONTAINERS = ['raw', 'processed', 'embeddings', 'milvus'] as const;
export type RagContainer = (typeof RAG_CONTAINERS)[number];

/** Storage sub-resources reached over private endpoints in prod (blob for Milvus and the API, dfs for ADLS). */
export const RAG_STORAGE_SUBRESOURCES = ['blob', 'dfs'] as const;
type StorageSubresource = (typeof RAG_STORAGE_SUBRESOURCES)[number];
type EndpointTarget = 'openai' | StorageSubresource;

/** The pod identities, in a fixed order (ids, outputs and tests follow it). */
export const RAG_IDENTITIES = ['api', 'milvus'] as const;
export type RagIdentity = (typeof RAG_IDENTITIES)[number];

/** Least roles that work, each on one resource: the account or a single container. */
export const RAG_ROLE_ASSIGNMENTS: readonly { principal: RagIdentity | 'data_factory'; target: 'openai' | RagContainer; roleName: string }[] = [
  // Inference (chat completions, embeddings) only: cannot list keys, change deployments or the account.
  { principal: 'api', target: 'openai', roleName: 'Cognitive Services OpenAI User' },
  // The API reads processed documents (for citations) and stored embeddings; it never writes.
  { principal: 'api', target: 'processed', roleName: 'Storage Blob Data Reader' },
  { principal: 'api', target: 'embeddings', roleName: 'Storage Blob Data Reader' },
  // Milvus keeps its segments and logs in its own container only.
  { principal: 'milvus', target: 'milvus', roleName: 'Storage Blob Data Contributor' },
  // The ETL reads raw documents and writes processed ones; nothing else.
  { principal: 'data_factory', target: 'raw', roleName: 'Storage Blob Data Reader' },
  { principal: 'data_factory', target: 'processed', roleName: 'Storage Blob Data Contributor' },
];

/** Names only this stack's Terraform uses: Data Factory children (unique within the factory; letters, digits, '-' and '_'). */
const DATA_FACTORY_NAMES = {
  linkedService: 'ls_rag_documents',
  integrationRuntime: 'ir-managed-vnet',
  managedPrivateEndpoint: (sub: StorageSubresource) => `mpe-rag-documents-${sub}`,
};

/** Builds the `rag` stack (state key `<env>/rag.tfstate`) of an Azure environment with RAG enabled. */
export function ragStack(app: App, ctx: EnvironmentContext<'azure', 'rag'>): AzureStack<'rag'> {
  const { env, names } = ctx;
  const rag = names.rag.azure;
  const openai = env.rag.openai;

  const containerNames: Record<RagContainer, string> = { ...env.rag.documents, milvus: rag.milvusContainer };
  const distinct = new Set(Object.values(containerNames));
  if (distinct.size !== RAG_CONTAINERS.length) {
    throw new Error(`environment ${env.name}: rag containers must have distinct names, got ${JSON.stringify(containerNames)}`);
  }

  const tfNames = DATA_FACTORY_NAMES;
  const prod = env.stage === 'prod';
  const workload = workloadStack(app, RAG_STACK, ctx, rag.resourceGroupName);
  const { stack, inGroup } = workload;

  /** The storage endpoints' logical ids keep their `storage_` prefix. */
  const privateEndpoint = (target: EndpointTarget, resourceId: string, subresource: string) =>
    workloadPrivateEndpoint(workload, `${target === 'openai' ? 'openai' : `storage_${target}`}_private_endpoint`, {
      target,
      resourceId,
      subresource,
      zones: [target],
    });

  // ---- Azure OpenAI: private in every stage, Entra ID only.
  const openaiAccount = new CognitiveAccount(stack, 'openai_account', {
    name: rag.openaiAccountName,
    ...inGroup,
    kind: 'OpenAI',
    skuName: 'S0',
    // The endpoint https://<subdomain>.openai.azure.com/ (names.rag.azure.openaiEndpoint); required for
    // Entra ID tokens and private endpoints.
    customSubdomainName: rag.openaiAccountName,
    publicNetworkAccessEnabled: false,
    // No API keys: callers use Entra ID tokens (the API's workload identity).
    localAuthEnabled: false,
    // The account itself makes no outbound calls (no "on your data" fetching): nothing to exfiltrate to.
    outboundNetworkAccessRestricted: true,
    // Belt and braces behind public access off: deny by default, no trusted-service bypass.
    networkAcls: { defaultAction: 'Deny', bypass: 'None' },
    // Its own Entra ID identity (for a customer-managed key or a data source later); holds no roles today.
    identity: { type: 'SystemAssigned' },
    ...tagsOf(stack),
  });

  // One deployment per model; the second waits for the first (Azure rejects concurrent deployment writes
  // on one account). Versions are pinned by the model, so Azure must not upgrade them behind Terraform.
  let previous: CognitiveDeployment | undefined;
  for (const kind of ['chat', 'embedding'] as const) {
    const d = openai[kind];
    previous = new CognitiveDeployment(stack, `openai_${kind}_deployment`, {
      name: d.deployment,
      cognitiveAccountId: openaiAccount.id,
      model: { format: 'OpenAI', name: d.model, version: d.version },
      sku: { name: d.sku, capacity: d.capacity },
      versionUpgradeOption: 'NoAutoUpgrade',
      ...(previous ? { dependsOn: [previous] } : {}),
    });
  }
  privateEndpoint('openai', openaiAccount.id, 'account');

  // ---- ADLS Gen2 documents and Milvus object storage.
  const storageAccount = hardenedStorageAccount(stack, rag.storageAccountName, inGroup, {
    // Hierarchical namespace: ADLS Gen2 (directories, POSIX ACLs, the dfs endpoint Data Factory uses).
    isHnsEnabled: true,
    // Soft delete of blobs and containers (versioning is not available with a hierarchical namespace).
    blobProperties: {
      deleteRetentionPolicy: { days: 7 },
      containerDeleteRetentionPolicy: { days: 7 },
    },
  });

  const containers = {} as Record<RagContainer, StorageContainer>;
  for (const role of RAG_CONTAINERS) {
    containers[role] = new StorageContainer(stack, `${role}_container`, {
      name: containerNames[role],
      // Resource Manager API: its `id` is then the ARM id, usable as a role assignment scope.
      storageAccountId: storageAccount.id,
      containerAccessType: 'private',
    });
  }

  if (prod) for (const sub of RAG_STORAGE_SUBRESOURCES) privateEndpoint(sub, storageAccount.id, sub);

  // ---- Data Factory: ETL from raw to processed, authenticated with its own managed identity.
  const dataFactory = new DataFactory(stack, 'data_factory', {
    name: rag.dataFactoryName,
    ...inGroup,
    identity: { type: 'SystemAssigned' },
    // Dev keeps the public endpoint (authoring from ADF Studio without a private link); prod does not.
    publicNetworkEnabled: !prod,
    // Prod: pipelines run in a Data Factory-managed VNet and reach the account over managed private endpoints.
    managedVirtualNetworkEnabled: prod,
    ...tagsOf(stack),
  });

  let integrationRuntimeName: string | undefined;
  if (prod) {
    const runtime = new DataFactoryIntegrationRuntimeAzure(stack, 'data_factory_integration_runtime', {
      name: tfNames.integrationRuntime,
      dataFactoryId: dataFactory.id,
      // Pinned to the region: documents are processed where they are stored.
      location: env.region,
      virtualNetworkEnabled: true,
    });
    integrationRuntimeName = runtime.name;
    for (const sub of RAG_STORAGE_SUBRESOURCES) {
      new DataFactoryManagedPrivateEndpoint(stack, `data_factory_storage_${sub}_managed_private_endpoint`, {
        name: tfNames.managedPrivateEndpoint(sub),
        dataFactoryId: dataFactory.id,
        targetResourceId: storageAccount.id,
        subresourceName: sub,
      });
    }
  }

  new DataFactoryLinkedServiceDataLakeStorageGen2(stack, 'data_factory_linked_service_documents', {
    name: tfNames.linkedService,
    dataFactoryId: dataFactory.id,
    url: `https://${rag.storageAccountName}.dfs.core.windows.net`,
    // The factory's system-assigned identity: no account key, service principal secret or connection string.
    useManagedIdentity: true,
    ...(integrationRuntimeName ? { integrationRuntimeName } : {}),
  });

  // ---- Pod identities, each trusting exactly one service account of this cluster; synth reads their client
  // ids (values only Entra ID assigns) from `terraform output -json` (src/outputs/<env>/rag.json).
  const identitySpecs: Record<RagIdentity, ServiceAccountIdentitySpec> = {
    api: {
      name: rag.apiIdentityName,
      namespace: names.rag.namespace,
      serviceAccount: names.rag.api,
      clientIdOutput: RAG_OUTPUTS.apiClientId,
      label: 'RAG api',
    },
    milvus: {
      name: rag.milvusIdentityName,
      namespace: names.rag.namespace,
      serviceAccount: names.rag.milvusServiceAccount,
      clientIdOutput: RAG_OUTPUTS.milvusClientId,
      label: 'RAG milvus',
    },
  };
  const identities = {} as Record<RagIdentity, UserAssignedIdentity>;
  for (const identity of RAG_IDENTITIES) identities[identity] = serviceAccountIdentity(workload, identity, identitySpecs[identity]);

  const principals: Record<RagIdentity | 'data_factory', string> = {
    api: identities.api.principalId,
    milvus: identities.milvus.principalId,
    data_factory: dataFactory.identity.principalId,
  };
  const scopes: Record<'openai' | RagContainer, string> = {
    openai: openaiAccount.id,
    ...(Object.fromEntries(RAG_CONTAINERS.map((c) => [c, containers[c].id])) as Record<RagContainer, string>),
  };
  for (const { principal, target, roleName } of RAG_ROLE_ASSIGNMENTS) {
    roleAssignment(stack, `${principal}_${target}_role_assignment`, { scope: scopes[target], roleName, principalId: principals[principal] });
  }

  new TerraformOutput(stack, 'openai_endpoint', {
    value: openaiAccount.endpoint,
    description: 'Azure OpenAI endpoint (custom subdomain; private DNS in the VNet).',
  });
  new TerraformOutput(stack, 'storage_account_name', { value: storageAccount.name, description: 'ADLS Gen2 account of the RAG documents and Milvus storage.' });

  return stack;
}
