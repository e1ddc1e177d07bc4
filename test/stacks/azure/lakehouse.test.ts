/** Behaviour of the Azure `lakehouse` stack (ADLS Gen2, Spark identity, Purview), asserted on the rendered Terraform JSON. */
import * as fs from 'fs';
import * as path from 'path';
import {
  allResources,
  azurePlatformIds,
  azureTagCoverage,
  block,
  envOf,
  fullSchemasPresent,
  type Json,
  namesOf,
  of as resources,
  one,
  providerSchema,
  ref,
  renderEnvironment,
  renderStacks,
  schemaFindings,
  withEnv,
  devAndProd,
  expectAddresses,
  expectFederatedIdentities,
  expectHardenedStorageAccount,
} from '../helpers';
import { resolvePlatform } from '../../../src/model/defaults';
import { LAKEHOUSE_OUTPUTS, serviceAccountSubject, workloadStorageAccountName } from '../../../src/model/naming';
import type { LakehouseSpec, PlatformSpec } from '../../../src/model/types';
import { defaultPlatform } from '../../../src/platform';

const lh = (envName: string) => namesOf(envName).lakehouse!.azure!;
const stageOf = (envName: string) => envName.replace('azure-', '');

const { prodStacks, dev, prod, envs, stacksOf } = devAndProd('azure', 'lakehouse');

/** Purview is off outside prod by default; dev with it on needs a tenant of its own (one account per tenant). */
const OTHER_TENANT = '00000000-0000-0000-0000-0000000000bb';
const devWithPurview = withEnv(
  'azure-dev',
  (e) =>
    ({
      ...e,
      azure: { ...e.azure!, tenantId: OTHER_TENANT },
      workloads: { ...e.workloads, lakehouse: { ...e.workloads!.lakehouse!, purview: true } as LakehouseSpec },
    }) as typeof e,
);
const devPurview = renderStacks('azure-dev', devWithPurview).lakehouse;
const purviewEnvs: [string, Json][] = [
  ['azure-dev', devPurview],
  ['azure-prod', prod],
];

const ZONES = {
  blob: 'privatelink.blob.core.windows.net',
  dfs: 'privatelink.dfs.core.windows.net',
  purview: 'privatelink.purview.azure.com',
  purviewportal: 'privatelink.purviewstudio.azure.com',
};
const STORAGE_ID = ref('azurerm_storage_account', 'storage_account', 'id');
const PURVIEW_ID = ref('azurerm_purview_account', 'purview_account', 'id');

/** The lakehouse of one environment of the default model, changed. */
const withLakehouse = (envName: string, change: (l: LakehouseSpec) => LakehouseSpec): PlatformSpec =>
  withEnv(envName, (e) => ({ ...e, workloads: { ...e.workloads, lakehouse: change(e.workloads!.lakehouse!) } }));

describe('azure lakehouse stack: stack, lookups and resource group', () => {
  it.each(['azure-dev', 'azure-prod'])('%s: is not built when the lakehouse is disabled, and the default model is left alone', (name) => {
    const spec = withEnv(name, (e) => ({ ...e, workloads: { ...e.workloads, lakehouse: { enabled: false } } }));
    expect(renderEnvironment(name, spec).stackNames).toEqual(['platform', 'edw', 'rag', 'mlops']);
    expect(resolvePlatform(spec).environments.find((e) => e.name === name)!.lakehouse).toBeUndefined();
    // withEnv worked on a copy.
    expect(defaultPlatform.environments.find((e) => e.name === name)!.workloads!.lakehouse!.enabled).toBe(true);
    expect(renderEnvironment(name).stackNames).toContain('lakehouse');
  });

  it.each(envs)('%s looks up only the AKS cluster and has its own resource group', (name, json) => {
    expect(Object.keys(json.data)).toEqual(['azurerm_kubernetes_cluster']);
    expect(json.data.azurerm_kubernetes_cluster.kubernetes_cluster).toEqual({ name: `aks-acme-${name}`, resource_group_name: `rg-acme-${name}` });
    expect(Object.keys(resources(json, 'azurerm_resource_group'))).toEqual(['resource_group']);
    const group = one(json, 'azurerm_resource_group', 'resource_group');
    expect(group.name).toBe(`rg-acme-azure-${stageOf(name)}-lakehouse`);
    expect(group.name).toBe(lh(name).resourceGroupName);
    expect(group.location).toBe(envOf(name).region);
    // Everything else lives in that group.
    for (const { type, id, body } of allResources(json)) {
      if (body.resource_group_name === undefined || type === 'azurerm_resource_group') continue;
      expect(`${type}.${id}: ${body.resource_group_name}`).toBe(`${type}.${id}: ${ref('azurerm_resource_group', 'resource_group', 'name')}`);
    }
  });
});

describe('azure lakehouse stack: ADLS Gen2 storage', () => {
  it.each(envs)('%s hardens an hns-enabled account: key-less, TLS 1.2, https only, double encryption, private in prod', (name, json) => {
    const account = expectHardenedStorageAccount(json, name, `stacmeazure${stageOf(name)}lake`, { is_hns_enabled: true });
    expect(account.name).toBe(lh(name).storageAccountName);
    expect(account.name).toBe(workloadStorageAccountName('acme', name, 'lakehouse'));
    expect(account.name.length).toBeLessThanOrEqual(24);
  });

  it.each(envs)('%s keeps deleted files and filesystems for retentionDays (7 dev, 30 prod)', (name, json) => {
    const days = name === 'azure-prod' ? 30 : 7;
    expect(envOf(name).lakehouse!.retentionDays).toBe(days);
    const props = block(one(json, 'azurerm_storage_account', 'storage_account').blob_properties);
    expect(block(props.delete_retention_policy)).toEqual({ days });
    expect(block(props.container_delete_retention_policy)).toEqual({ days });
    // Versioning does not exist with a hierarchical namespace.
    expect(props.versioning_enabled).toBeUndefined();
  });

  it.each(['azure-dev', 'azure-prod'])('%s follows a changed retentionDays on both policies', (name) => {
    const props = block(
      one(
        renderStacks(
          name,
          withLakehouse(name, (l) => ({ ...l, retentionDays: 60 })),
        ).lakehouse,
        'azurerm_storage_account',
        'storage_account',
      ).blob_properties,
    );
    expect(block(props.delete_retention_policy)).toEqual({ days: 60 });
    expect(block(props.container_delete_retention_policy)).toEqual({ days: 60 });
  });

  it.each(envs)('%s creates one private filesystem per layer, and the landing zone, through Resource Manager', (name, json) => {
    expect(Object.keys(resources(json, 'azurerm_storage_container')).sort()).toEqual([
      'bronze_filesystem',
      'gold_filesystem',
      'landing_filesystem',
      'silver_filesystem',
    ]);
    // `--source landing` reads here, as from the AWS bucket's landing/ prefix.
    expect(one(json, 'azurerm_storage_container', 'landing_filesystem')).toEqual({
      name: 'landing',
      storage_account_id: STORAGE_ID,
      container_access_type: 'private',
    });
    expect(namesOf(name).lakehouse!.landingUri).toBe(`abfss://landing@${lh(name).storageAccountName}.dfs.core.windows.net/`);
    for (const layer of ['bronze', 'silver', 'gold'] as const) {
      const fsys = one(json, 'azurerm_storage_container', `${layer}_filesystem`);
      expect(fsys).toEqual({ name: layer, storage_account_id: STORAGE_ID, container_access_type: 'private' });
      // The data plane form (storage_account_name) would need the account's public endpoint.
      expect(fsys.storage_account_name).toBeUndefined();
      expect(lh(name).filesystems[layer]).toBe(layer);
      expect(namesOf(name).lakehouse!.layerUris[layer]).toBe(`abfss://${layer}@${lh(name).storageAccountName}.dfs.core.windows.net/`);
    }
    for (const type of ['azurerm_storage_data_lake_gen2_filesystem', 'azurerm_storage_data_lake_gen2_path', 'azurerm_storage_blob'])
      expect(resources(json, type)).toEqual({});
  });

  it.each(['azure-dev', 'azure-prod'])('%s creates only the layers the model lists', (name) => {
    const json = renderStacks(
      name,
      withLakehouse(name, (l) => ({ ...l, layers: ['silver'] })),
    ).lakehouse;
    expect(Object.keys(resources(json, 'azurerm_storage_container')).sort()).toEqual(['landing_filesystem', 'silver_filesystem']);
    expect(one(json, 'azurerm_storage_container', 'silver_filesystem').name).toBe('silver');
  });
});

describe('azure lakehouse stack: private endpoints', () => {
  it('has blob and dfs private endpoints on the shared zones in prod, in the platform endpoints subnet', () => {
    const ids = azurePlatformIds('azure-prod');
    for (const sub of ['blob', 'dfs'] as const) {
      const endpoint = one(prod, 'azurerm_private_endpoint', `storage_${sub}_private_endpoint`);
      expect(endpoint).toMatchObject({
        name: `pe-acme-azure-prod-lakehouse-${sub}`,
        subnet_id: ids.endpoints,
        resource_group_name: ref('azurerm_resource_group', 'resource_group', 'name'),
      });
      expect(block(endpoint.private_service_connection)).toMatchObject({
        private_connection_resource_id: STORAGE_ID,
        subresource_names: [sub],
        is_manual_connection: false,
      });
      expect(block(endpoint.private_dns_zone_group)).toEqual({ name: sub, private_dns_zone_ids: [ids.zone(ZONES[sub])] });
    }
  });

  it('has Purview account and portal private endpoints on their zones in prod', () => {
    const ids = azurePlatformIds('azure-prod');
    for (const [sub, zone] of [
      ['account', ZONES.purview],
      ['portal', ZONES.purviewportal],
    ] as const) {
      const endpoint = one(prod, 'azurerm_private_endpoint', `purview_${sub}_private_endpoint`);
      expect(endpoint.subnet_id).toBe(ids.endpoints);
      expect(block(endpoint.private_service_connection)).toMatchObject({
        private_connection_resource_id: PURVIEW_ID,
        subresource_names: [sub],
        is_manual_connection: false,
      });
      expect(block(endpoint.private_dns_zone_group)).toEqual({ name: `purview-${sub}`, private_dns_zone_ids: [ids.zone(zone)] });
    }
  });

  it('has exactly these four endpoints in prod and none in dev', () => {
    expect(Object.keys(resources(prod, 'azurerm_private_endpoint')).sort()).toEqual([
      'purview_account_private_endpoint',
      'purview_portal_private_endpoint',
      'storage_blob_private_endpoint',
      'storage_dfs_private_endpoint',
    ]);
    expect(resources(dev, 'azurerm_private_endpoint')).toEqual({});
  });

  it.each(['azure-dev', 'azure-prod'])('%s: every zone group points at a zone the platform stack of the env creates; the stack owns no zone', (name) => {
    const created = Object.values(resources(stacksOf[name].platform, 'azurerm_private_dns_zone')).map((z) => azurePlatformIds(name).zone(z.name));
    const json = stacksOf[name].lakehouse;
    for (const endpoint of Object.values(resources(json, 'azurerm_private_endpoint'))) {
      for (const id of block(endpoint.private_dns_zone_group).private_dns_zone_ids) expect(created).toContain(id);
    }
    expect(resources(json, 'azurerm_private_dns_zone')).toEqual({});
    expect(resources(json, 'azurerm_private_dns_zone_virtual_network_link')).toEqual({});
    if (name === 'azure-prod') for (const zone of Object.values(ZONES)) expect(created).toContain(azurePlatformIds(name).zone(zone));
  });

  it('the platform endpoints subnet and VNet have the names the computed ids use (prod)', () => {
    const platform = prodStacks.platform;
    expect(one(platform, 'azurerm_resource_group', 'resource_group').name).toBe('rg-acme-azure-prod');
    expect(one(platform, 'azurerm_virtual_network', 'virtual_network').name).toBe('vnet-acme-azure-prod');
    expect(one(platform, 'azurerm_subnet', 'subnet_endpoints').name).toBe('snet-endpoints');
  });
});

describe('azure lakehouse stack: Spark identity and roles', () => {
  it.each(envs)('%s federates the Spark identity with exactly lakehouse/spark of the cluster', (name, json) => {
    const identityName = `id-acme-azure-${stageOf(name)}-lakehouse-spark`;
    expect(lh(name).sparkIdentityName).toBe(identityName);
    expectFederatedIdentities(json, { spark: { name: identityName, subject: 'system:serviceaccount:lakehouse:spark' } });
    const lakehouse = namesOf(name).lakehouse!;
    expect(serviceAccountSubject(lakehouse.namespace, lakehouse.sparkServiceAccount)).toBe('system:serviceaccount:lakehouse:spark');
  });

  it.each(purviewEnvs)('%s grants exactly Spark Contributor and Purview Reader, both on the storage account', (_name, json) => {
    const assignments = Object.entries(resources(json, 'azurerm_role_assignment'))
      .map(([id, r]) => ({ id, role: r.role_definition_name, scope: r.scope, principal: r.principal_id }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(assignments).toEqual([
      {
        id: 'purview_storage_role_assignment',
        role: 'Storage Blob Data Reader',
        scope: STORAGE_ID,
        principal: '${azurerm_purview_account.purview_account.identity[0].principal_id}',
      },
      {
        id: 'spark_storage_role_assignment',
        role: 'Storage Blob Data Contributor',
        scope: STORAGE_ID,
        principal: ref('azurerm_user_assigned_identity', 'spark_identity', 'principal_id'),
      },
    ]);
    for (const r of Object.values(resources(json, 'azurerm_role_assignment'))) {
      expect(r).toMatchObject({ principal_type: 'ServicePrincipal', skip_service_principal_aad_check: true });
      expect(r.role_definition_id).toBeUndefined();
    }
  });
});

describe('azure lakehouse stack: Purview', () => {
  it.each(purviewEnvs)('%s has a Purview account with a system identity, no managed Event Hub, a named managed group; private in prod', (name, json) => {
    const stage = stageOf(name);
    expect(Object.keys(resources(json, 'azurerm_purview_account'))).toEqual(['purview_account']);
    const purview = one(json, 'azurerm_purview_account', 'purview_account');
    expect(purview).toMatchObject({
      name: `pview-acme-azure-${stage}`,
      public_network_enabled: name !== 'azure-prod',
      managed_event_hub_enabled: false,
      managed_resource_group_name: `rg-acme-azure-${stage}-purview-managed`,
      resource_group_name: ref('azurerm_resource_group', 'resource_group', 'name'),
    });
    expect(purview.name).toBe(lh(name).purviewAccountName);
    expect(block(purview.identity)).toEqual({ type: 'SystemAssigned' });
    // Purview's own group is not the lakehouse's (Azure creates and owns it).
    expect(purview.managed_resource_group_name).not.toBe(lh(name).resourceGroupName);
  });

  it.each(['azure-dev', 'azure-prod'])('%s without Purview: no account, no Purview endpoints, only the Spark role assignment', (name) => {
    const spec = withLakehouse(name, (l) => ({ ...l, purview: false }));
    expect(resolvePlatform(spec).environments.find((e) => e.name === name)!.lakehouse!.purview).toBe(false);
    const json = renderStacks(name, spec).lakehouse;
    expect(resources(json, 'azurerm_purview_account')).toEqual({});
    expect(Object.keys(resources(json, 'azurerm_role_assignment'))).toEqual(['spark_storage_role_assignment']);
    expect(one(json, 'azurerm_role_assignment', 'spark_storage_role_assignment')).toMatchObject({
      role_definition_name: 'Storage Blob Data Contributor',
      scope: STORAGE_ID,
    });
    expect(Object.keys(resources(json, 'azurerm_private_endpoint')).sort()).toEqual(
      name === 'azure-prod' ? ['storage_blob_private_endpoint', 'storage_dfs_private_endpoint'] : [],
    );
    expect(JSON.stringify(json)).not.toContain('purview');
    expect(Object.keys(json.output).sort()).toEqual([LAKEHOUSE_OUTPUTS.sparkClientId, 'storage_account_name'].sort());
  });
});

describe('azure lakehouse stack: outputs', () => {
  it.each(purviewEnvs)('%s outputs the Spark client id under the name the chart reads, the account name and the catalog endpoint', (_name, json) => {
    expect(LAKEHOUSE_OUTPUTS.sparkClientId).toBe('lakehouse_spark_client_id');
    expect(Object.fromEntries(Object.entries(json.output as Record<string, Json>).map(([k, v]) => [k, v.value]))).toEqual({
      lakehouse_spark_client_id: ref('azurerm_user_assigned_identity', 'spark_identity', 'client_id'),
      storage_account_name: ref('azurerm_storage_account', 'storage_account', 'name'),
      purview_catalog_endpoint: ref('azurerm_purview_account', 'purview_account', 'catalog_endpoint'),
    });
    for (const output of Object.values(json.output as Record<string, Json>)) expect(output.sensitive).toBeFalsy();
  });

  it.each(['azure-dev', 'azure-prod'])('%s: the example outputs file has a GUID Spark client id, and only outputs the stack has', (name) => {
    const example = JSON.parse(fs.readFileSync(path.join(__dirname, `../../../src/outputs/${name}/lakehouse.json`), 'utf8'));
    expect(example[LAKEHOUSE_OUTPUTS.sparkClientId].value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    for (const key of Object.keys(example)) expect(stacksOf[name].lakehouse.output).toHaveProperty(key);
  });
});

describe('azure lakehouse stack: addresses', () => {
  it('has no Purview account (nor its role or output) in dev by default: a standing charge, one account per tenant', () => {
    expect(resources(dev, 'azurerm_purview_account')).toEqual({});
    expect(resources(dev, 'azurerm_role_assignment').purview_storage_role_assignment).toBeUndefined();
    expect(dev.output.purview_catalog_endpoint).toBeUndefined();
    expect(Object.keys(resources(prod, 'azurerm_purview_account'))).toEqual(['purview_account']);
  });

  it('registers Microsoft.Purview exactly where a Purview account is made', () => {
    expect(block(prod.provider.azurerm)).toMatchObject({ resource_provider_registrations: 'core', resource_providers_to_register: ['Microsoft.Purview'] });
    expect(block(dev.provider.azurerm).resource_providers_to_register).toBeUndefined();
  });

  it('keeps stable addresses', () => {
    const common = [
      'azurerm_federated_identity_credential.spark_federated_identity_credential',
      'azurerm_purview_account.purview_account',
      'azurerm_resource_group.resource_group',
      'azurerm_role_assignment.purview_storage_role_assignment',
      'azurerm_role_assignment.spark_storage_role_assignment',
      'azurerm_storage_account.storage_account',
      'azurerm_storage_container.bronze_filesystem',
      'azurerm_storage_container.gold_filesystem',
      'azurerm_storage_container.landing_filesystem',
      'azurerm_storage_container.silver_filesystem',
      'azurerm_user_assigned_identity.spark_identity',
    ];
    expectAddresses(devPurview, prod, common, [
      'azurerm_private_endpoint.purview_account_private_endpoint',
      'azurerm_private_endpoint.purview_portal_private_endpoint',
      'azurerm_private_endpoint.storage_blob_private_endpoint',
      'azurerm_private_endpoint.storage_dfs_private_endpoint',
    ]);
  });
});

(fullSchemasPresent ? describe : describe.skip)('azure lakehouse stack against the azurerm provider schema', () => {
  const provider = fullSchemasPresent ? providerSchema('azurerm') : {};

  // The default renderings are checked in contract.test.ts; these are the lakehouse's variants.
  const cases: [string, Json][] = [
    [
      'azure-prod without purview',
      renderStacks(
        'azure-prod',
        withLakehouse('azure-prod', (l) => ({ ...l, purview: false })),
      ).lakehouse,
    ],
    [
      'azure-dev silver only',
      renderStacks(
        'azure-dev',
        withLakehouse('azure-dev', (l) => ({ ...l, layers: ['silver'] })),
      ).lakehouse,
    ],
  ];

  it.each(cases)('%s: every resource, data source, attribute and block is valid for the schema', (_name, json) => {
    expect(schemaFindings(json, 'lakehouse')).toEqual([]);
  });

  it.each(purviewEnvs)('%s: the resource group, account, identity and Purview take tags (and the four endpoints in prod)', (name, json) => {
    expect(azureTagCoverage(json, provider, envOf(name).tags).tagged).toBe(name === 'azure-prod' ? 8 : 4);
  });
});

describe('azure lakehouse stack snapshot', () => {
  it('matches the reviewed azure-prod rendering', () => {
    expect(prod).toMatchSnapshot();
  });
});
