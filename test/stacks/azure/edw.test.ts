/** Behaviour of the Azure `edw` stack (event-driven workload), asserted on the rendered Terraform JSON. */
import {
  azurePlatformIds,
  block,
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
import { EDW_OUTPUTS, serviceAccountSubject } from '../../../src/model/naming';
import { defaultPlatform } from '../../../src/platform';

const { devStacks, prodStacks, dev, prod, envs } = devAndProd('azure', 'edw');

describe('azure edw stack: stack and lookups', () => {
  it('is not built when EDW is disabled', () => {
    const spec = withEnv('azure-prod', (e) => ({ ...e, workloads: { ...e.workloads, edw: { enabled: false } } }));
    const stacks = renderStacks('azure-prod', spec);
    expect(Object.keys(stacks)).toEqual(['platform', 'rag', 'mlops', 'lakehouse']);
    expect(block(one(stacks.platform, 'azurerm_kubernetes_cluster', 'kubernetes_cluster').workload_autoscaler_profile)).toBeUndefined();
    // The default model itself is untouched.
    expect(defaultPlatform.environments.find((e) => e.name === 'azure-prod')!.workloads!.edw!.enabled).toBe(true);
  });

  it.each(envs)('%s looks up only the AKS cluster: platform ids are computed from names', (_name, json) => {
    expect(Object.keys(json.data)).toEqual(['azurerm_kubernetes_cluster']);
  });

  it.each(envs)('%s looks the AKS cluster up by name and resource group', (name, json) => {
    expect(json.data.azurerm_kubernetes_cluster.kubernetes_cluster).toEqual({ name: `aks-acme-${name}`, resource_group_name: `rg-acme-${name}` });
  });
});

describe('azure edw stack: storage', () => {
  it.each(envs)('%s hardens the storage account: key-less, TLS 1.2, https only, no public blobs, double encryption', (name, json) => {
    expectHardenedStorageAccount(json, name, namesOf(name).edw!.azure!.storageAccountName, {
      queue_encryption_key_type: 'Account',
      table_encryption_key_type: 'Account',
    });
    expect(one(json, 'azurerm_resource_group', 'resource_group').name).toBe(`rg-acme-${name}-edw`);
  });

  it('turns public network access off in prod only', () => {
    expect(one(prod, 'azurerm_storage_account', 'storage_account').public_network_access_enabled).toBe(false);
    expect(one(dev, 'azurerm_storage_account', 'storage_account').public_network_access_enabled).toBe(true);
  });

  it.each(envs)('%s creates the queue through Resource Manager (storage_account_id)', (name, json) => {
    const queue = one(json, 'azurerm_storage_queue', 'storage_queue');
    expect(queue).toEqual({ name: namesOf(name).edw!.azure!.queueName, storage_account_id: ref('azurerm_storage_account', 'storage_account', 'id') });
  });

  it.each(envs)('%s creates the table through an ARM deployment (azurerm 4.55 has only a data-plane table)', (name, json) => {
    const edw = namesOf(name).edw!.azure!;
    const deployment = one(json, 'azurerm_resource_group_template_deployment', 'storage_table');
    expect(deployment).toMatchObject({ deployment_mode: 'Incremental', depends_on: ['azurerm_storage_account.storage_account'] });
    const template = JSON.parse(deployment.template_content);
    expect(template.resources).toEqual([
      { type: 'Microsoft.Storage/storageAccounts/tableServices/tables', apiVersion: '2023-05-01', name: `${edw.storageAccountName}/default/${edw.tableName}` },
    ]);
    expect(template.outputs.tableId.value).toContain(`'${edw.storageAccountName}', 'default', '${edw.tableName}'`);
  });
});

describe('azure edw stack: private endpoints', () => {
  it('puts queue and table endpoints in the endpoints subnet in prod, on the shared zones linked to the VNet', () => {
    const ids = azurePlatformIds('azure-prod');
    const platform = prodStacks.platform;
    for (const sub of ['queue', 'table']) {
      const zoneName = `privatelink.${sub}.core.windows.net`;
      const endpoint = one(prod, 'azurerm_private_endpoint', `storage_${sub}_private_endpoint`);
      expect(endpoint.subnet_id).toBe(ids.endpoints);
      expect(block(endpoint.private_service_connection)).toMatchObject({
        private_connection_resource_id: ref('azurerm_storage_account', 'storage_account', 'id'),
        subresource_names: [sub],
        is_manual_connection: false,
      });
      // The zone group points at the platform stack's zone, by an id computed from names.
      expect(block(endpoint.private_dns_zone_group)).toEqual({ name: sub, private_dns_zone_ids: [ids.zone(zoneName)] });
      // ...and that zone exists in the platform stack, in the platform resource group, linked to the cluster's VNet.
      expect(one(platform, 'azurerm_private_dns_zone', `private_dns_zone_${sub}`)).toMatchObject({
        name: zoneName,
        resource_group_name: ref('azurerm_resource_group', 'resource_group', 'name'),
      });
      expect(one(platform, 'azurerm_resource_group', 'resource_group').name).toBe('rg-acme-azure-prod');
      expect(one(platform, 'azurerm_private_dns_zone_virtual_network_link', `private_dns_zone_virtual_network_link_${sub}`)).toMatchObject({
        private_dns_zone_name: ref('azurerm_private_dns_zone', `private_dns_zone_${sub}`, 'name'),
        virtual_network_id: ref('azurerm_virtual_network', 'virtual_network', 'id'),
        registration_enabled: false,
      });
      expect(one(platform, 'azurerm_virtual_network', 'virtual_network').name).toBe('vnet-acme-azure-prod');
    }
    expect(Object.keys(resources(prod, 'azurerm_private_endpoint'))).toHaveLength(2);
  });

  it('owns no DNS zones or links itself: one zone per name per VNet, in the platform stack', () => {
    for (const json of [dev, prod]) {
      expect(resources(json, 'azurerm_private_dns_zone')).toEqual({});
      expect(resources(json, 'azurerm_private_dns_zone_virtual_network_link')).toEqual({});
    }
    const zoneNames = Object.values(resources(prodStacks.platform, 'azurerm_private_dns_zone')).map((z) => z.name);
    expect(new Set(zoneNames).size).toBe(zoneNames.length);
  });

  it('has none in dev', () => {
    expect(resources(dev, 'azurerm_private_endpoint')).toEqual({});
    expect(resources(dev, 'azurerm_private_dns_zone')).toEqual({});
    expect(resources(dev, 'azurerm_private_dns_zone_virtual_network_link')).toEqual({});
  });
});

describe('azure edw stack: identities', () => {
  it.each(envs)('%s federates each identity with exactly one service account from names.edw', (name, json) => {
    const edw = namesOf(name).edw!;
    const expected = {
      consumer: serviceAccountSubject(edw.namespace, edw.consumer),
      producer: serviceAccountSubject(edw.namespace, edw.producer),
      scaler: serviceAccountSubject(edw.keda.namespace, edw.keda.serviceAccount),
    };
    expectFederatedIdentities(json, {
      consumer: { name: edw.azure!.consumerIdentityName, subject: expected.consumer },
      producer: { name: edw.azure!.producerIdentityName, subject: expected.producer },
      scaler: { name: edw.azure!.scalerIdentityName, subject: expected.scaler },
    });
    expect(expected.consumer).toBe('system:serviceaccount:edw:edw-consumer');
    expect(expected.producer).toBe('system:serviceaccount:edw:edw-producer');
  });

  it('trusts KEDA in kube-system in azure-prod (AKS add-on) and in keda in azure-dev (Helm)', () => {
    const scaler = (json: Json) => one(json, 'azurerm_federated_identity_credential', 'scaler_federated_identity_credential').subject;
    expect(scaler(prod)).toBe('system:serviceaccount:kube-system:keda-operator');
    expect(scaler(dev)).toBe('system:serviceaccount:keda:keda-operator');
  });

  it.each(envs)('%s grants the least roles, each on the queue or the table only', (_name, json) => {
    const assignments = Object.entries(resources(json, 'azurerm_role_assignment')).map(([id, r]) => ({
      id,
      role: r.role_definition_name ?? r.role_definition_id,
      scope: r.scope,
      principal: r.principal_id,
    }));
    const queue = ref('azurerm_storage_queue', 'storage_queue', 'id');
    const table = '${jsondecode(azurerm_resource_group_template_deployment.storage_table.output_content).tableId.value}';
    const principal = (role: string) => ref('azurerm_user_assigned_identity', `${role}_identity`, 'principal_id');
    expect(assignments.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      {
        id: 'consumer_queue_role_assignment',
        role: ref('azurerm_role_definition', 'consumer_queue_role', 'role_definition_resource_id'),
        scope: queue,
        principal: principal('consumer'),
      },
      { id: 'consumer_table_role_assignment', role: 'Storage Table Data Contributor', scope: table, principal: principal('consumer') },
      { id: 'producer_queue_role_assignment', role: 'Storage Queue Data Message Sender', scope: queue, principal: principal('producer') },
      { id: 'scaler_queue_role_assignment', role: 'Storage Queue Data Reader', scope: queue, principal: principal('scaler') },
    ]);
    for (const r of Object.values(resources(json, 'azurerm_role_assignment'))) expect(r.principal_type).toBe('ServicePrincipal');
  });

  it.each(envs)('%s gives the consumer a custom queue role that can update messages, assignable only in its resource group', (_name, json) => {
    const role = one(json, 'azurerm_role_definition', 'consumer_queue_role');
    const group = ref('azurerm_resource_group', 'resource_group', 'id');
    expect(role).toMatchObject({ scope: group, assignable_scopes: [group] });
    const permissions = block(role.permissions);
    expect(permissions.actions).toEqual([]);
    // Receive/delete (process), peek (read) and Update Message's visibility timeout (write), which Message Processor lacks.
    expect([...permissions.data_actions].sort()).toEqual([
      'Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action',
      'Microsoft.Storage/storageAccounts/queueServices/queues/messages/read',
      'Microsoft.Storage/storageAccounts/queueServices/queues/messages/write',
    ]);
  });

  it.each(envs)('%s outputs the client ids under the EDW_OUTPUTS names, plus the storage account name', (_name, json) => {
    expect(Object.keys(json.output).sort()).toEqual([...Object.values(EDW_OUTPUTS), 'storage_account_name'].sort());
    expect(json.output[EDW_OUTPUTS.consumerClientId].value).toBe(ref('azurerm_user_assigned_identity', 'consumer_identity', 'client_id'));
    expect(json.output[EDW_OUTPUTS.producerClientId].value).toBe(ref('azurerm_user_assigned_identity', 'producer_identity', 'client_id'));
    expect(json.output[EDW_OUTPUTS.scalerClientId].value).toBe(ref('azurerm_user_assigned_identity', 'scaler_identity', 'client_id'));
    expect(json.output.storage_account_name.value).toBe(ref('azurerm_storage_account', 'storage_account', 'name'));
  });
});

describe('azure platform stack: KEDA add-on', () => {
  const aks = (stacks: Record<string, Json>) => one(stacks.platform, 'azurerm_kubernetes_cluster', 'kubernetes_cluster');

  it('is enabled on the AKS cluster in azure-prod (keda: aks-addon)', () => {
    expect(block(aks(prodStacks).workload_autoscaler_profile)).toEqual({ keda_enabled: true });
  });

  it('is absent in azure-dev (keda: helm)', () => {
    expect(aks(devStacks).workload_autoscaler_profile).toBeUndefined();
  });
});

describe('azure edw stack: addresses', () => {
  it('keeps stable addresses', () => {
    const common = [
      'azurerm_federated_identity_credential.consumer_federated_identity_credential',
      'azurerm_federated_identity_credential.producer_federated_identity_credential',
      'azurerm_federated_identity_credential.scaler_federated_identity_credential',
      'azurerm_resource_group.resource_group',
      'azurerm_resource_group_template_deployment.storage_table',
      'azurerm_role_assignment.consumer_queue_role_assignment',
      'azurerm_role_assignment.consumer_table_role_assignment',
      'azurerm_role_assignment.producer_queue_role_assignment',
      'azurerm_role_assignment.scaler_queue_role_assignment',
      'azurerm_role_definition.consumer_queue_role',
      'azurerm_storage_account.storage_account',
      'azurerm_storage_queue.storage_queue',
      'azurerm_user_assigned_identity.consumer_identity',
      'azurerm_user_assigned_identity.producer_identity',
      'azurerm_user_assigned_identity.scaler_identity',
    ];
    expectAddresses(dev, prod, common, ['azurerm_private_endpoint.storage_queue_private_endpoint', 'azurerm_private_endpoint.storage_table_private_endpoint']);
  });
});
