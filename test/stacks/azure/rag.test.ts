/** Behaviour of the Azure `rag` stack and the shared private DNS zones, asserted on the rendered Terraform JSON. */
import type { RagSettings } from '../../../src/model/types';
import {
  azurePlatformIds,
  block,
  envOf,
  type Json,
  namesOf,
  of as resources,
  one,
  ref,
  renderStacks,
  devAndProd,
  expectAddresses,
  expectFederatedIdentities,
  expectHardenedStorageAccount,
  withEnv,
} from '../helpers';
import { RAG_OUTPUTS, serviceAccountSubject } from '../../../src/model/naming';

const { devStacks, prodStacks, dev, prod, envs } = devAndProd('azure', 'rag');
const ZONES = {
  openai: 'privatelink.openai.azure.com',
  blob: 'privatelink.blob.core.windows.net',
  dfs: 'privatelink.dfs.core.windows.net',
  file: 'privatelink.file.core.windows.net',
  queue: 'privatelink.queue.core.windows.net',
  table: 'privatelink.table.core.windows.net',
  vault: 'privatelink.vaultcore.azure.net',
  amlapi: 'privatelink.api.azureml.ms',
  amlnotebooks: 'privatelink.notebooks.azure.net',
  purview: 'privatelink.purview.azure.com',
  purviewportal: 'privatelink.purviewstudio.azure.com',
};
const container = (role: string) => ref('azurerm_storage_container', `${role}_container`, 'id');

describe('azure rag stack: stack, lookups and resource group', () => {
  it('is not built, and no OpenAI zone is created in dev, when RAG is disabled', () => {
    const spec = withEnv('azure-dev', (e) => ({ ...e, workloads: { ...e.workloads, rag: { enabled: false } } }));
    const stacks = renderStacks('azure-dev', spec);
    expect(Object.keys(stacks)).toEqual(['platform', 'edw', 'mlops', 'lakehouse']);
    // Only the mlops stack's zones are left in dev: its Flexible Server's and its Key Vault's.
    expect(Object.keys(resources(stacks.platform, 'azurerm_private_dns_zone'))).toEqual(['private_dns_zone_postgres', 'private_dns_zone_vault']);
  });

  it.each(envs)('%s looks up only the AKS cluster and has its own resource group', (name, json) => {
    expect(Object.keys(json.data)).toEqual(['azurerm_kubernetes_cluster']);
    expect(json.data.azurerm_kubernetes_cluster.kubernetes_cluster).toEqual({ name: `aks-acme-${name}`, resource_group_name: `rg-acme-${name}` });
    expect(one(json, 'azurerm_resource_group', 'resource_group').name).toBe(namesOf(name).rag!.azure!.resourceGroupName);
    expect(namesOf(name).rag!.azure!.resourceGroupName).toBe(`rg-acme-${name}-rag`);
  });
});

describe('azure rag stack: Azure OpenAI', () => {
  it.each(envs)('%s is an OpenAI account with the custom subdomain from names, public access and keys off', (name, json) => {
    const rag = namesOf(name).rag!.azure!;
    expect(one(json, 'azurerm_cognitive_account', 'openai_account')).toMatchObject({
      name: rag.openaiAccountName,
      kind: 'OpenAI',
      sku_name: 'S0',
      custom_subdomain_name: rag.openaiAccountName,
      public_network_access_enabled: false,
      local_auth_enabled: false,
      resource_group_name: ref('azurerm_resource_group', 'resource_group', 'name'),
    });
    expect(block(one(json, 'azurerm_cognitive_account', 'openai_account').network_acls)).toEqual({ default_action: 'Deny', bypass: 'None' });
    // The endpoint the chart uses is the one the subdomain gives.
    expect(rag.openaiEndpoint).toBe(`https://${rag.openaiAccountName}.openai.azure.com/`);
  });

  it.each(envs)('%s deploys the chat and embedding models of the model, pinned', (name, json) => {
    const openai = (envOf(name).rag as RagSettings<'azure'>).openai;
    for (const kind of ['chat', 'embedding'] as const) {
      const d = one(json, 'azurerm_cognitive_deployment', `openai_${kind}_deployment`);
      expect(d).toMatchObject({
        name: openai[kind].deployment,
        cognitive_account_id: ref('azurerm_cognitive_account', 'openai_account', 'id'),
        version_upgrade_option: 'NoAutoUpgrade',
      });
      expect(block(d.model)).toEqual({ format: 'OpenAI', name: openai[kind].model, version: openai[kind].version });
      expect(block(d.sku)).toEqual({ name: openai[kind].sku, capacity: openai[kind].capacity });
    }
    expect(Object.keys(resources(json, 'azurerm_cognitive_deployment'))).toHaveLength(2);
  });

  it('follows a changed model (deployment name, model, version, capacity)', () => {
    const spec = withEnv('azure-dev', (e) => ({
      ...e,
      workloads: {
        ...e.workloads,
        rag: { ...e.workloads!.rag!, openai: { chat: { deployment: 'gpt4o-mini', model: 'gpt-4o-mini', version: '2024-07-18', capacity: 30 } } },
      },
    }));
    const d = one(renderStacks('azure-dev', spec).rag, 'azurerm_cognitive_deployment', 'openai_chat_deployment');
    expect(d.name).toBe('gpt4o-mini');
    expect(block(d.model)).toMatchObject({ name: 'gpt-4o-mini', version: '2024-07-18' });
    expect(block(d.sku).capacity).toBe(30);
  });

  it.each(envs)('%s reaches the account through a private endpoint in the endpoints subnet, on the shared openai zone', (name, json) => {
    const ids = azurePlatformIds(name);
    const endpoint = one(json, 'azurerm_private_endpoint', 'openai_private_endpoint');
    expect(endpoint.subnet_id).toBe(ids.endpoints);
    expect(block(endpoint.private_service_connection)).toMatchObject({
      private_connection_resource_id: ref('azurerm_cognitive_account', 'openai_account', 'id'),
      subresource_names: ['account'],
      is_manual_connection: false,
    });
    expect(block(endpoint.private_dns_zone_group)).toEqual({ name: 'openai', private_dns_zone_ids: [ids.zone(ZONES.openai)] });
  });
});

describe('azure platform stack: shared private DNS zones', () => {
  const platformOf = (name: string) => (name === 'azure-prod' ? prodStacks : devStacks).platform;

  it.each(['azure-dev', 'azure-prod'])('%s links the openai zone to the cluster VNet, in the platform resource group', (name) => {
    const platform = platformOf(name);
    expect(one(platform, 'azurerm_private_dns_zone', 'private_dns_zone_openai')).toMatchObject({
      name: ZONES.openai,
      resource_group_name: ref('azurerm_resource_group', 'resource_group', 'name'),
    });
    expect(one(platform, 'azurerm_private_dns_zone_virtual_network_link', 'private_dns_zone_virtual_network_link_openai')).toMatchObject({
      name: `pdnslink-acme-${name}-openai`,
      private_dns_zone_name: ref('azurerm_private_dns_zone', 'private_dns_zone_openai', 'name'),
      virtual_network_id: ref('azurerm_virtual_network', 'virtual_network', 'id'),
      registration_enabled: false,
    });
    // The ids workload stacks compute point at exactly these resources.
    expect(one(platform, 'azurerm_resource_group', 'resource_group').name).toBe(`rg-acme-${name}`);
    expect(one(platform, 'azurerm_virtual_network', 'virtual_network').name).toBe(`vnet-acme-${name}`);
    expect(one(platform, 'azurerm_subnet', 'subnet_endpoints').name).toBe('snet-endpoints');
  });

  it('has every storage, openai, vault and Azure ML zone (and the PostgreSQL zone) in prod, each once and linked to the VNet; only openai and PostgreSQL in dev', () => {
    const zonesOf = (json: Json) =>
      Object.entries(resources(json, 'azurerm_private_dns_zone'))
        .filter(([id]) => id.startsWith('private_dns_zone_'))
        .map(([id, z]) => [id.replace('private_dns_zone_', ''), z.name]);
    const postgres = (envName: string) => `acme-${envName}.private.postgres.database.azure.com`;
    expect(Object.fromEntries(zonesOf(prodStacks.platform))).toEqual({ ...ZONES, postgres: postgres('azure-prod') });
    expect(Object.fromEntries(zonesOf(devStacks.platform))).toEqual({ openai: ZONES.openai, postgres: postgres('azure-dev'), vault: ZONES.vault });
    for (const key of [...Object.keys(ZONES), 'postgres']) {
      expect(one(prodStacks.platform, 'azurerm_private_dns_zone_virtual_network_link', `private_dns_zone_virtual_network_link_${key}`).virtual_network_id).toBe(
        ref('azurerm_virtual_network', 'virtual_network', 'id'),
      );
    }
    const all = Object.values(resources(prodStacks.platform, 'azurerm_private_dns_zone')).map((z) => z.name);
    expect(new Set(all).size).toBe(all.length);
    // The registry keeps its own zone; the workload stacks own none.
    expect(all).toContain('privatelink.azurecr.io');
    for (const stacks of [devStacks, prodStacks]) {
      for (const workload of ['edw', 'rag', 'mlops']) expect(resources(stacks[workload], 'azurerm_private_dns_zone')).toEqual({});
    }
  });

  it('keeps the ACR private endpoint on its zone in the endpoints subnet (prod)', () => {
    const endpoint = one(prodStacks.platform, 'azurerm_private_endpoint', 'container_registry_private_endpoint');
    expect(endpoint.subnet_id).toBe(ref('azurerm_subnet', 'subnet_endpoints', 'id'));
    expect(block(endpoint.private_dns_zone_group).private_dns_zone_ids).toEqual([ref('azurerm_private_dns_zone', 'container_registry_private_dns_zone', 'id')]);
  });

  it('every workload endpoint zone group points at a zone the platform stack of its env creates', () => {
    for (const [name, stacks] of [
      ['azure-dev', devStacks],
      ['azure-prod', prodStacks],
    ] as const) {
      const created = Object.values(resources(stacks.platform, 'azurerm_private_dns_zone')).map((z) => azurePlatformIds(name).zone(z.name));
      for (const workload of ['edw', 'rag', 'mlops']) {
        for (const endpoint of Object.values(resources(stacks[workload], 'azurerm_private_endpoint'))) {
          expect(endpoint.subnet_id).toBe(azurePlatformIds(name).endpoints);
          for (const id of block(endpoint.private_dns_zone_group).private_dns_zone_ids) expect(created).toContain(id);
        }
      }
    }
  });
});

describe('azure rag stack: ADLS Gen2 storage', () => {
  it.each(envs)('%s hardens an hns-enabled account: key-less, TLS 1.2, https only, no public blobs, double encryption', (name, json) => {
    expectHardenedStorageAccount(json, name, namesOf(name).rag!.azure!.storageAccountName, { is_hns_enabled: true });
  });

  it.each(envs)('%s creates raw, processed, embeddings and milvus containers through Resource Manager', (name, json) => {
    const env = envOf(name);
    const expected = {
      raw: env.rag!.documents.raw,
      processed: env.rag!.documents.processed,
      embeddings: env.rag!.documents.embeddings,
      milvus: namesOf(name).rag!.azure!.milvusContainer,
    };
    expect(Object.keys(resources(json, 'azurerm_storage_container')).sort()).toEqual([
      'embeddings_container',
      'milvus_container',
      'processed_container',
      'raw_container',
    ]);
    for (const [role, containerName] of Object.entries(expected)) {
      expect(one(json, 'azurerm_storage_container', `${role}_container`)).toEqual({
        name: containerName,
        storage_account_id: ref('azurerm_storage_account', 'storage_account', 'id'),
        container_access_type: 'private',
      });
    }
  });

  it('has blob and dfs private endpoints on the shared zones in prod only', () => {
    const ids = azurePlatformIds('azure-prod');
    for (const sub of ['blob', 'dfs'] as const) {
      const endpoint = one(prod, 'azurerm_private_endpoint', `storage_${sub}_private_endpoint`);
      expect(endpoint.subnet_id).toBe(ids.endpoints);
      expect(block(endpoint.private_service_connection)).toMatchObject({
        private_connection_resource_id: ref('azurerm_storage_account', 'storage_account', 'id'),
        subresource_names: [sub],
      });
      expect(block(endpoint.private_dns_zone_group)).toEqual({ name: sub, private_dns_zone_ids: [ids.zone(ZONES[sub])] });
    }
    expect(Object.keys(resources(prod, 'azurerm_private_endpoint')).sort()).toEqual([
      'openai_private_endpoint',
      'storage_blob_private_endpoint',
      'storage_dfs_private_endpoint',
    ]);
    expect(Object.keys(resources(dev, 'azurerm_private_endpoint'))).toEqual(['openai_private_endpoint']);
  });
});

describe('azure rag stack: Data Factory', () => {
  it.each(envs)('%s has a system-assigned identity; public network access off in prod (on in dev)', (name, json) => {
    const factory = one(json, 'azurerm_data_factory', 'data_factory');
    expect(factory).toMatchObject({ name: namesOf(name).rag!.azure!.dataFactoryName, public_network_enabled: name !== 'azure-prod' });
    expect(block(factory.identity)).toEqual({ type: 'SystemAssigned' });
  });

  it.each(envs)('%s links the account with the factory identity: no keys, secrets or connection strings', (name, json) => {
    const linked = one(json, 'azurerm_data_factory_linked_service_data_lake_storage_gen2', 'data_factory_linked_service_documents');
    expect(linked).toMatchObject({
      data_factory_id: ref('azurerm_data_factory', 'data_factory', 'id'),
      url: `https://${namesOf(name).rag!.azure!.storageAccountName}.dfs.core.windows.net`,
      use_managed_identity: true,
    });
    for (const secret of ['storage_account_key', 'service_principal_key', 'service_principal_id', 'tenant', 'connection_string'])
      expect(linked[secret]).toBeUndefined();
  });

  it('runs prod pipelines in a managed VNet that reaches the account over managed private endpoints', () => {
    expect(one(prod, 'azurerm_data_factory', 'data_factory').managed_virtual_network_enabled).toBe(true);
    expect(one(prod, 'azurerm_data_factory_integration_runtime_azure', 'data_factory_integration_runtime')).toMatchObject({
      virtual_network_enabled: true,
      data_factory_id: ref('azurerm_data_factory', 'data_factory', 'id'),
    });
    expect(one(prod, 'azurerm_data_factory_linked_service_data_lake_storage_gen2', 'data_factory_linked_service_documents').integration_runtime_name).toBe(
      ref('azurerm_data_factory_integration_runtime_azure', 'data_factory_integration_runtime', 'name'),
    );
    for (const sub of ['blob', 'dfs']) {
      expect(one(prod, 'azurerm_data_factory_managed_private_endpoint', `data_factory_storage_${sub}_managed_private_endpoint`)).toMatchObject({
        target_resource_id: ref('azurerm_storage_account', 'storage_account', 'id'),
        subresource_name: sub,
      });
    }
    expect(resources(dev, 'azurerm_data_factory_managed_private_endpoint')).toEqual({});
    expect(resources(dev, 'azurerm_data_factory_integration_runtime_azure')).toEqual({});
    expect(one(dev, 'azurerm_data_factory', 'data_factory').managed_virtual_network_enabled).toBe(false);
  });
});

describe('azure rag stack: identities and roles', () => {
  it.each(envs)('%s federates the API and Milvus identities with rag/rag-api and rag/milvus', (name, json) => {
    const rag = namesOf(name).rag!;
    expect(serviceAccountSubject(rag.namespace, rag.api)).toBe('system:serviceaccount:rag:rag-api');
    expect(serviceAccountSubject(rag.namespace, rag.milvusServiceAccount)).toBe('system:serviceaccount:rag:milvus');
    expectFederatedIdentities(json, {
      api: { name: rag.azure!.apiIdentityName, subject: 'system:serviceaccount:rag:rag-api' },
      milvus: { name: rag.azure!.milvusIdentityName, subject: 'system:serviceaccount:rag:milvus' },
    });
  });

  it.each(envs)('%s grants exactly the least roles, each on the account or one container', (_name, json) => {
    const assignments = Object.entries(resources(json, 'azurerm_role_assignment'))
      .map(([id, r]) => ({ id, role: r.role_definition_name, scope: r.scope, principal: r.principal_id }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const identity = (role: string) => ref('azurerm_user_assigned_identity', `${role}_identity`, 'principal_id');
    const factory = '${azurerm_data_factory.data_factory.identity[0].principal_id}';
    expect(assignments).toEqual([
      { id: 'api_embeddings_role_assignment', role: 'Storage Blob Data Reader', scope: container('embeddings'), principal: identity('api') },
      {
        id: 'api_openai_role_assignment',
        role: 'Cognitive Services OpenAI User',
        scope: ref('azurerm_cognitive_account', 'openai_account', 'id'),
        principal: identity('api'),
      },
      { id: 'api_processed_role_assignment', role: 'Storage Blob Data Reader', scope: container('processed'), principal: identity('api') },
      { id: 'data_factory_processed_role_assignment', role: 'Storage Blob Data Contributor', scope: container('processed'), principal: factory },
      { id: 'data_factory_raw_role_assignment', role: 'Storage Blob Data Reader', scope: container('raw'), principal: factory },
      { id: 'milvus_milvus_role_assignment', role: 'Storage Blob Data Contributor', scope: container('milvus'), principal: identity('milvus') },
    ]);
    for (const r of Object.values(resources(json, 'azurerm_role_assignment'))) expect(r.principal_type).toBe('ServicePrincipal');
  });

  it.each(envs)('%s outputs the client ids under the RAG_OUTPUTS names, the OpenAI endpoint and the storage account name', (_name, json) => {
    expect(Object.keys(json.output).sort()).toEqual([...Object.values(RAG_OUTPUTS), 'openai_endpoint', 'storage_account_name'].sort());
    expect(json.output[RAG_OUTPUTS.apiClientId].value).toBe(ref('azurerm_user_assigned_identity', 'api_identity', 'client_id'));
    expect(json.output[RAG_OUTPUTS.milvusClientId].value).toBe(ref('azurerm_user_assigned_identity', 'milvus_identity', 'client_id'));
    expect(json.output.openai_endpoint.value).toBe(ref('azurerm_cognitive_account', 'openai_account', 'endpoint'));
    expect(json.output.storage_account_name.value).toBe(ref('azurerm_storage_account', 'storage_account', 'name'));
  });
});

describe('azure rag stack: addresses', () => {
  it('keeps stable addresses', () => {
    const common = [
      'azurerm_cognitive_account.openai_account',
      'azurerm_cognitive_deployment.openai_chat_deployment',
      'azurerm_cognitive_deployment.openai_embedding_deployment',
      'azurerm_data_factory.data_factory',
      'azurerm_data_factory_linked_service_data_lake_storage_gen2.data_factory_linked_service_documents',
      'azurerm_federated_identity_credential.api_federated_identity_credential',
      'azurerm_federated_identity_credential.milvus_federated_identity_credential',
      'azurerm_private_endpoint.openai_private_endpoint',
      'azurerm_resource_group.resource_group',
      'azurerm_role_assignment.api_embeddings_role_assignment',
      'azurerm_role_assignment.api_openai_role_assignment',
      'azurerm_role_assignment.api_processed_role_assignment',
      'azurerm_role_assignment.data_factory_processed_role_assignment',
      'azurerm_role_assignment.data_factory_raw_role_assignment',
      'azurerm_role_assignment.milvus_milvus_role_assignment',
      'azurerm_storage_account.storage_account',
      'azurerm_storage_container.embeddings_container',
      'azurerm_storage_container.milvus_container',
      'azurerm_storage_container.processed_container',
      'azurerm_storage_container.raw_container',
      'azurerm_user_assigned_identity.api_identity',
      'azurerm_user_assigned_identity.milvus_identity',
    ];
    expectAddresses(dev, prod, common, [
      'azurerm_data_factory_integration_runtime_azure.data_factory_integration_runtime',
      'azurerm_data_factory_managed_private_endpoint.data_factory_storage_blob_managed_private_endpoint',
      'azurerm_data_factory_managed_private_endpoint.data_factory_storage_dfs_managed_private_endpoint',
      'azurerm_private_endpoint.storage_blob_private_endpoint',
      'azurerm_private_endpoint.storage_dfs_private_endpoint',
    ]);
  });
});
