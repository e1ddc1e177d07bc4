/** Behaviour of the Azure `mlops` stack (and its platform-stack prerequisites), asserted on the rendered Terraform JSON. */
import * as fs from 'fs';
import * as path from 'path';
import {
  azurePlatformIds,
  block,
  envOf,
  fullSchemasPresent,
  type Json,
  namesOf,
  of as resources,
  one,
  providerSchema,
  ref,
  renderStacks,
  withEnv,
  devAndProd,
  expectFederatedIdentities,
  expectHardenedStorageAccount,
} from '../helpers';
import { azureSubnetLayout } from '../../../src/model/cidr';
import { MLOPS_OUTPUTS, serviceAccountSubject } from '../../../src/model/naming';
import { EXAMPLE_AZURE_TENANT } from '../../../src/platform';
import { scanEnvironment } from '../../../src/validate/secrets';
import { DB_PASSWORD_VERSION, flexibleServerStorageMb, ML_WORKSPACE_API_VERSION, MLOPS_TERRAFORM_REQUIRED_VERSION } from '../../../stacks/azure/mlops';

const ml = (envName: string) => namesOf(envName).mlops!.azure!;

const { prodStacks, dev, prod, envs, stacksOf } = devAndProd('azure', 'mlops');
const postgresZone = (envName: string) => `acme-${envName}.private.postgres.database.azure.com`;
const container = (name: string) => ref('azurerm_storage_container', `${name}_container`, 'id');

describe('azure mlops stack: stack, lookups and resource group', () => {
  it('is not built when MLOps is disabled', () => {
    const spec = withEnv('azure-dev', (e) => ({ ...e, workloads: { ...e.workloads, mlops: { enabled: false } } }));
    const stacks = renderStacks('azure-dev', spec);
    expect(Object.keys(stacks)).toEqual(['platform', 'edw', 'rag', 'lakehouse']);
    // Nor the platform prerequisites: no delegated subnet, no PostgreSQL zone.
    expect(resources(stacks.platform, 'azurerm_subnet').subnet_database).toBeUndefined();
    expect(resources(stacks.platform, 'azurerm_private_dns_zone').private_dns_zone_postgres).toBeUndefined();
  });

  it.each(envs)('%s uses its own resource group and Terraform >= 1.11 (write-only attributes)', (name, json) => {
    expect(json.terraform.required_version).toBe(MLOPS_TERRAFORM_REQUIRED_VERSION);
    expect(one(json, 'azurerm_resource_group', 'resource_group').name).toBe(ml(name).resourceGroupName);
    // Resource Manager only: nothing on a data plane.
    expect(resources(json, 'azurerm_key_vault_secret')).toEqual({});
    // No cross-stack references: the issuer comes from a data source, platform ids are computed.
    expect(json.data.azurerm_kubernetes_cluster.kubernetes_cluster).toEqual({ name: `aks-acme-${name}`, resource_group_name: `rg-acme-${name}` });
  });
});

describe('azure mlops stack: platform prerequisites', () => {
  it.each(['azure-dev', 'azure-prod'])('%s: the platform stack has a subnet delegated to PostgreSQL Flexible Server in the last quarter', (name) => {
    const subnet = one(stacksOf[name].platform, 'azurerm_subnet', 'subnet_database');
    expect(subnet).toMatchObject({
      name: 'snet-database',
      address_prefixes: [azureSubnetLayout(envOf(name).network.cidr).database],
      default_outbound_access_enabled: false,
    });
    expect(subnet.delegation).toEqual([
      {
        name: 'postgresql-flexible-server',
        service_delegation: { name: 'Microsoft.DBforPostgreSQL/flexibleServers', actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'] },
      },
    ]);
    // Its own NSG; no NAT (the server needs no internet egress).
    expect(
      one(stacksOf[name].platform, 'azurerm_subnet_network_security_group_association', 'subnet_network_security_group_association_database').subnet_id,
    ).toBe(ref('azurerm_subnet', 'subnet_database', 'id'));
    expect(resources(stacksOf[name].platform, 'azurerm_subnet_nat_gateway_association').subnet_nat_gateway_association_database).toBeUndefined();
  });

  it.each(['azure-dev', 'azure-prod'])('%s: the PostgreSQL private DNS zone exists in the platform stack and is linked to the VNet', (name) => {
    const platform = stacksOf[name].platform;
    expect(one(platform, 'azurerm_private_dns_zone', 'private_dns_zone_postgres').name).toBe(postgresZone(name));
    expect(one(platform, 'azurerm_private_dns_zone_virtual_network_link', 'private_dns_zone_virtual_network_link_postgres')).toMatchObject({
      private_dns_zone_name: ref('azurerm_private_dns_zone', 'private_dns_zone_postgres', 'name'),
      virtual_network_id: ref('azurerm_virtual_network', 'virtual_network', 'id'),
      registration_enabled: false,
    });
  });

  it('every mlops endpoint sits in the endpoints subnet with zone groups on zones the platform stack creates', () => {
    const platform = prodStacks.platform;
    const created = Object.values(resources(platform, 'azurerm_private_dns_zone')).map((z) => azurePlatformIds('azure-prod').zone(z.name));
    const endpoints = resources(prod, 'azurerm_private_endpoint');
    expect(Object.keys(endpoints).sort()).toEqual([
      'amlworkspace_private_endpoint',
      'blob_private_endpoint',
      'file_private_endpoint',
      'vault_private_endpoint',
    ]);
    for (const endpoint of Object.values(endpoints)) {
      expect(endpoint.subnet_id).toBe(azurePlatformIds('azure-prod').subnet('snet-endpoints'));
      for (const id of block(endpoint.private_dns_zone_group).private_dns_zone_ids) expect(created).toContain(id);
    }
    expect(created).toContain(azurePlatformIds('azure-prod').zone('privatelink.vaultcore.azure.net'));
  });
});

describe('azure mlops stack: PostgreSQL Flexible Server', () => {
  it.each(envs)('%s is private: delegated subnet, private DNS zone, public access off', (name, json) => {
    const server = one(json, 'azurerm_postgresql_flexible_server', 'postgresql_flexible_server');
    const db = envOf(name).mlops!.database;
    expect(server).toMatchObject({
      name: ml(name).postgresServerName,
      version: db.version,
      sku_name: db.sku,
      storage_mb: flexibleServerStorageMb(db.storageGb),
      delegated_subnet_id: azurePlatformIds(name).subnet('snet-database'),
      private_dns_zone_id: azurePlatformIds(name).zone(postgresZone(name)),
      public_network_access_enabled: false,
      backup_retention_days: name === 'azure-prod' ? 14 : 7,
      geo_redundant_backup_enabled: name === 'azure-prod',
      administrator_login: namesOf(name).mlops!.database.admin,
    });
    expect(block(server.authentication)).toEqual({ password_auth_enabled: true, active_directory_auth_enabled: true, tenant_id: EXAMPLE_AZURE_TENANT });
    expect(one(json, 'azurerm_postgresql_flexible_server_database', 'mlflow_database')).toMatchObject({
      name: 'mlflow',
      server_id: ref('azurerm_postgresql_flexible_server', 'postgresql_flexible_server', 'id'),
    });
  });

  it('is zone-redundant in prod (General Purpose SKU), not in dev (Burstable)', () => {
    expect(block(one(prod, 'azurerm_postgresql_flexible_server', 'postgresql_flexible_server').high_availability)).toEqual({
      mode: 'ZoneRedundant',
      standby_availability_zone: '2',
    });
    expect(one(dev, 'azurerm_postgresql_flexible_server', 'postgresql_flexible_server').high_availability).toBeUndefined();
  });

  it('rounds the model storage up to a size Flexible Server accepts', () => {
    expect(flexibleServerStorageMb(20)).toBe(32768);
    expect(flexibleServerStorageMb(32)).toBe(32768);
    expect(flexibleServerStorageMb(100)).toBe(131072);
  });
});

describe('azure mlops stack: database password', () => {
  it.each(envs)("%s: the password administrator's password is uuid() at apply, write-only on the server: in no resource's state", (_name, json) => {
    const server = one(json, 'azurerm_postgresql_flexible_server', 'postgresql_flexible_server');
    // A function call, not a reference: a value read from another resource would sit in that resource's state.
    expect(server.administrator_password_wo).toBe('${uuid()}');
    expect(server.administrator_password_wo_version).toBe(DB_PASSWORD_VERSION);
    // 3: the value of versions 1 and 2 was in the states of terraform_data and the secret's template deployment.
    expect(DB_PASSWORD_VERSION).toBe(3);
    expect(server.administrator_password).toBeUndefined();
    expect(json.locals).toBeUndefined();
    expect(json.resource.terraform_data).toBeUndefined();
    // No template deployment takes parameters but the ML workspace's ids: no password passes through one.
    for (const [key, d] of Object.entries(resources(json, 'azurerm_resource_group_template_deployment'))) {
      if (key === 'machine_learning_workspace') expect(d.parameters_content).not.toMatch(/uuid|password/i);
      else expect(d.parameters_content).toBeUndefined();
    }
  });

  it.each(envs)("%s: the database-user Job's identity is the server's Entra ID administrator (password auth stays on for MLflow)", (name, json) => {
    const server = one(json, 'azurerm_postgresql_flexible_server', 'postgresql_flexible_server');
    expect(block(server.authentication)).toEqual({ password_auth_enabled: true, active_directory_auth_enabled: true, tenant_id: EXAMPLE_AZURE_TENANT });
    expect(resources(json, 'azurerm_postgresql_flexible_server_active_directory_administrator')).toEqual({
      mlflow_db_admin_entra_administrator: {
        server_name: ref('azurerm_postgresql_flexible_server', 'postgresql_flexible_server', 'name'),
        resource_group_name: ref('azurerm_resource_group', 'resource_group', 'name'),
        tenant_id: EXAMPLE_AZURE_TENANT,
        object_id: ref('azurerm_user_assigned_identity', 'mlflow_db_admin_identity', 'principal_id'),
        // The login the Job signs in with: its identity's name.
        principal_name: ref('azurerm_user_assigned_identity', 'mlflow_db_admin_identity', 'name'),
        principal_type: 'ServicePrincipal',
      },
    });
    expect(ml(name).dbAdminIdentityName).toBe(`id-${namesOf(name).prefix}-mlflow-db-admin`);
  });

  it.each(envs)("%s: MLflow's user secret is created once with `{}` (no password), never re-deployed over the Job's versions", (name, json) => {
    const deployment = one(json, 'azurerm_resource_group_template_deployment', 'db_user_secret');
    const template = JSON.parse(deployment.template_content);
    expect(template.parameters).toEqual({});
    expect(template.resources).toEqual([
      expect.objectContaining({
        type: 'Microsoft.KeyVault/vaults/secrets',
        name: `${ml(name).keyVaultName}/${ml(name).dbUserSecret}`,
        properties: { value: '{}', contentType: 'application/json' },
      }),
    ]);
    expect(deployment.parameters_content).toBeUndefined();
    // Even a tag change re-PUTs the template: a `{}` version over MLflow's password.
    expect(deployment.lifecycle).toEqual({ ignore_changes: 'all' });
    expect(deployment.depends_on).toEqual(['azurerm_key_vault.key_vault']);
  });

  it.each(envs)('%s passes the validator secret scan', (name, json) => {
    const file = `${name}/terraform/mlops/cdk.tf.json`;
    const findings = scanEnvironment({ name, terraform: [{ file, stack: 'mlops', json }], manifests: [], files: [file] }, () => JSON.stringify(json));
    expect(findings).toEqual([]);
  });
});

describe('azure mlops stack: Key Vault', () => {
  it.each(envs)('%s is RBAC-only with soft delete, deny-by-default ACLs, private and purge-protected in prod', (name, json) => {
    const isProd = name === 'azure-prod';
    const vault = one(json, 'azurerm_key_vault', 'key_vault');
    expect(vault).toMatchObject({
      name: ml(name).keyVaultName,
      tenant_id: EXAMPLE_AZURE_TENANT,
      sku_name: 'standard',
      rbac_authorization_enabled: true,
      purge_protection_enabled: isProd,
      soft_delete_retention_days: isProd ? 90 : 7,
      public_network_access_enabled: !isProd,
    });
    expect(vault.access_policy).toBeUndefined();
    expect(vault.enable_rbac_authorization).toBeUndefined();
    expect(block(vault.network_acls)).toEqual({ default_action: 'Deny', bypass: 'AzureServices' });
  });

  // The firewall denies all but trusted services in every stage: External Secrets in the cluster gets in through the endpoint.
  it.each(envs)('%s has a vault private endpoint on the shared vaultcore zone', (name, json) => {
    const endpoint = one(json, 'azurerm_private_endpoint', 'vault_private_endpoint');
    expect(block(endpoint.private_service_connection)).toMatchObject({
      private_connection_resource_id: ref('azurerm_key_vault', 'key_vault', 'id'),
      subresource_names: ['vault'],
      is_manual_connection: false,
    });
    expect(block(endpoint.private_dns_zone_group).private_dns_zone_ids).toEqual([azurePlatformIds(name).zone('privatelink.vaultcore.azure.net')]);
  });
});

describe('azure mlops stack: artifact store', () => {
  it.each(envs)('%s hardens the account and creates the mlflow and models containers through Resource Manager', (name, json) => {
    expectHardenedStorageAccount(json, name, ml(name).storageAccountName);
    for (const c of ['mlflow', 'models']) {
      expect(one(json, 'azurerm_storage_container', `${c}_container`)).toEqual({
        name: c,
        storage_account_id: ref('azurerm_storage_account', 'storage_account', 'id'),
        container_access_type: 'private',
      });
    }
    // The containers the model's URIs point at.
    expect(namesOf(name).mlops!.artifactRoot).toBe(`wasbs://mlflow@${ml(name).storageAccountName}.blob.core.windows.net/`);
    expect(namesOf(name).mlops!.modelUri('iris/v1')).toContain('/models/');
  });

  it('has a blob private endpoint on the shared blob zone in prod', () => {
    const endpoint = one(prod, 'azurerm_private_endpoint', 'blob_private_endpoint');
    expect(block(endpoint.private_service_connection).subresource_names).toEqual(['blob']);
    expect(block(endpoint.private_dns_zone_group).private_dns_zone_ids).toEqual([azurePlatformIds('azure-prod').zone('privatelink.blob.core.windows.net')]);
  });
});

describe('azure mlops stack: identities', () => {
  const identities = (name: string) => [
    { key: 'mlflow', name: ml(name).mlflowIdentityName, sa: 'mlflow', output: MLOPS_OUTPUTS.mlflowClientId },
    { key: 'mlflow_db_admin', name: ml(name).dbAdminIdentityName, sa: 'mlflow-db-admin', output: MLOPS_OUTPUTS.dbAdminClientId },
    { key: 'training', name: ml(name).trainingIdentityName, sa: 'training', output: MLOPS_OUTPUTS.trainingClientId },
    { key: 'serve_iris', name: ml(name).servingIdentityName('iris'), sa: 'serve-iris', output: MLOPS_OUTPUTS.servingClientId('iris') },
    { key: 'serve_churn', name: ml(name).servingIdentityName('churn'), sa: 'serve-churn', output: MLOPS_OUTPUTS.servingClientId('churn') },
  ];

  it.each(envs)('%s federates each pod identity with exactly its service account', (name, json) => {
    const mlops = namesOf(name).mlops!;
    // The image-build identity (burst only) belongs to an Azure ML cluster, not a pod: no federation.
    const { image_build_identity: _imageBuild, ...podIdentities } = resources(json, 'azurerm_user_assigned_identity');
    expectFederatedIdentities(
      { ...json, resource: { ...json.resource, azurerm_user_assigned_identity: podIdentities } },
      Object.fromEntries(identities(name).map((i) => [i.key, { name: i.name, subject: serviceAccountSubject(mlops.namespace, i.sa) }])),
    );
    expect(serviceAccountSubject(mlops.namespace, mlops.mlflowServiceAccount)).toBe('system:serviceaccount:mlops:mlflow');
    expect(mlops.servingServiceAccount('iris')).toBe('serve-iris');
  });

  it.each(envs)('%s grants each role on one resource only', (_name, json) => {
    // The compute identities' burst grants: 'Azure ML burst' below.
    const grants = Object.entries(resources(json, 'azurerm_role_assignment'))
      .filter(([key]) => !/^(training|image_build)_(container_registry|ml_blobstore)_role_assignment$/.test(key))
      .map(([, r]) => r)
      .map((r) => [r.principal_id, r.role_definition_name, r.scope])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const principal = (key: string) => ref('azurerm_user_assigned_identity', `${key}_identity`, 'principal_id');
    const secret = (id: string) => `\${jsondecode(azurerm_resource_group_template_deployment.${id}.output_content).secretId.value}`;
    expect(grants).toEqual(
      [
        // MLflow reads only its own user's secret; the database-user Job writes its versions.
        [principal('mlflow'), 'Key Vault Secrets User', secret('db_user_secret')],
        [principal('mlflow_db_admin'), 'Key Vault Secrets Officer', secret('db_user_secret')],
        [principal('mlflow'), 'Storage Blob Data Contributor', container('mlflow')],
        [principal('training'), 'Storage Blob Data Contributor', container('mlflow')],
        [principal('serve_iris'), 'Storage Blob Data Reader', container('models')],
        [principal('serve_churn'), 'Storage Blob Data Reader', container('models')],
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    for (const r of Object.values(resources(json, 'azurerm_role_assignment')))
      expect(r).toMatchObject({ principal_type: 'ServicePrincipal', skip_service_principal_aad_check: true });
  });

  it.each(envs)('%s outputs the client ids under the names the chart reads, the host and the vault URL', (name, json) => {
    const expected: Record<string, string> = {
      key_vault_url: ref('azurerm_key_vault', 'key_vault', 'vault_uri'),
      postgres_host: ref('azurerm_postgresql_flexible_server', 'postgresql_flexible_server', 'fqdn'),
    };
    for (const i of identities(name)) expected[i.output] = ref('azurerm_user_assigned_identity', `${i.key}_identity`, 'client_id');
    expect(Object.fromEntries(Object.entries(json.output as Record<string, Json>).map(([k, v]) => [k, v.value]))).toEqual(expected);
    // The example outputs file synth reads has the same names.
    const example = JSON.parse(fs.readFileSync(path.join(__dirname, `../../../src/outputs/${name}/mlops.json`), 'utf8'));
    for (const key of Object.keys(example)) expect(expected).toHaveProperty(key);
  });
});

describe('azure mlops stack: Azure ML burst', () => {
  it('has no workspace in dev (burst off in the model)', () => {
    expect(envOf('azure-dev').mlops!.burst.enabled).toBe(false);
    expect(resources(dev, 'azurerm_resource_group_template_deployment').machine_learning_workspace).toBeUndefined();
    for (const type of ['azurerm_machine_learning_compute_cluster', 'azurerm_application_insights', 'azurerm_log_analytics_workspace']) {
      expect(resources(dev, type)).toEqual({});
    }
  });

  // The platform's monitoring settings (stacks/azure/monitoring.ts): Entra ID only; public ingestion and query, as there is no private link scope.
  it('takes logs and telemetry with Entra ID only, like the platform workspace', () => {
    expect(one(prod, 'azurerm_log_analytics_workspace', 'log_analytics_workspace')).toMatchObject({
      local_authentication_enabled: false,
      internet_ingestion_enabled: true,
      internet_query_enabled: true,
    });
    expect(one(prod, 'azurerm_application_insights', 'application_insights')).toMatchObject({
      local_authentication_disabled: true,
      internet_ingestion_enabled: true,
      internet_query_enabled: true,
    });
    expect(one(prodStacks.platform, 'azurerm_log_analytics_workspace', 'log_analytics_workspace')).toMatchObject({ local_authentication_enabled: false });
  });

  it('registers Key Vault and PostgreSQL, and Azure ML and monitoring only with burst', () => {
    expect(block(prod.provider.azurerm).resource_providers_to_register).toEqual([
      'Microsoft.KeyVault',
      'Microsoft.DBforPostgreSQL',
      'Microsoft.MachineLearningServices',
      'Microsoft.OperationalInsights',
      'microsoft.insights',
    ]);
    expect(block(dev.provider.azurerm).resource_providers_to_register).toEqual(['Microsoft.KeyVault', 'Microsoft.DBforPostgreSQL']);
  });

  const workspaceDeployment = () => one(prod, 'azurerm_resource_group_template_deployment', 'machine_learning_workspace');
  const workspaceOutput = (key: string) => `\${jsondecode(azurerm_resource_group_template_deployment.machine_learning_workspace.output_content).${key}.value}`;
  const blobstore = `${ref('azurerm_storage_account', 'storage_account', 'id')}/blobServices/default/containers/azureml-blobstore-${workspaceOutput('workspaceGuid')}`;

  it('deploys the workspace by ARM template with identity-based system datastores (azurerm cannot set them)', () => {
    expect(resources(prod, 'azurerm_machine_learning_workspace')).toEqual({});
    const deployment = workspaceDeployment();
    expect(deployment.deployment_mode).toBe('Incremental');
    const template = JSON.parse(deployment.template_content);
    expect(template.resources).toHaveLength(1);
    const [workspace] = template.resources;
    expect(workspace).toMatchObject({
      type: 'Microsoft.MachineLearningServices/workspaces',
      apiVersion: ML_WORKSPACE_API_VERSION,
      name: ml('azure-prod').mlWorkspaceName,
      identity: { type: 'SystemAssigned' },
      properties: {
        storageAccount: "[parameters('storageAccountId')]",
        keyVault: "[parameters('keyVaultId')]",
        applicationInsights: "[parameters('applicationInsightsId')]",
        containerRegistry: "[parameters('containerRegistryId')]",
        publicNetworkAccess: 'Disabled',
        v1LegacyMode: false,
        systemDatastoresAuthMode: 'identity',
        imageBuildCompute: one(prod, 'azurerm_machine_learning_compute_cluster', 'image_build_compute_cluster').name,
      },
    });
    // The dependent resources' ids are parameters (Terraform values), never literal in the template.
    for (const expected of [
      'storageAccountId" = {"value" = azurerm_storage_account.storage_account.id}',
      'keyVaultId" = {"value" = azurerm_key_vault.key_vault.id}',
      'applicationInsightsId" = {"value" = azurerm_application_insights.application_insights.id}',
      `containerRegistryId" = {"value" = "${azurePlatformIds('azure-prod').acr}"}`,
    ])
      expect(deployment.parameters_content).toContain(expected);
    expect(Object.keys(template.outputs).sort()).toEqual(['workspaceGuid', 'workspaceId']);
    expect(one(prod, 'azurerm_application_insights', 'application_insights')).toMatchObject({
      application_type: 'web',
      workspace_id: ref('azurerm_log_analytics_workspace', 'log_analytics_workspace', 'id'),
    });
  });

  it('keeps the workspace public in dev when burst is turned on there', () => {
    const spec = withEnv('azure-dev', (e) => ({ ...e, workloads: { ...e.workloads, mlops: { ...e.workloads!.mlops!, burst: { enabled: true } } } }));
    const json = renderStacks('azure-dev', spec).mlops;
    const template = JSON.parse(one(json, 'azurerm_resource_group_template_deployment', 'machine_learning_workspace').template_content);
    expect(template.resources[0].properties).toMatchObject({ publicNetworkAccess: 'Enabled', systemDatastoresAuthMode: 'identity' });
    // Only the vault's endpoint (every stage): no workspace or file endpoint outside prod.
    expect(Object.keys(resources(json, 'azurerm_private_endpoint'))).toEqual(['vault_private_endpoint']);
  });

  it('reaches the workspace and the storage account file endpoint privately in prod', () => {
    const endpoint = one(prod, 'azurerm_private_endpoint', 'amlworkspace_private_endpoint');
    expect(endpoint.private_service_connection).toMatchObject({ private_connection_resource_id: workspaceOutput('workspaceId') });
    expect(block(endpoint.private_service_connection).subresource_names).toEqual(['amlworkspace']);
    expect(block(endpoint.private_dns_zone_group).private_dns_zone_ids).toEqual([
      azurePlatformIds('azure-prod').zone('privatelink.api.azureml.ms'),
      azurePlatformIds('azure-prod').zone('privatelink.notebooks.azure.net'),
    ]);
    const file = one(prod, 'azurerm_private_endpoint', 'file_private_endpoint');
    expect(block(file.private_service_connection)).toMatchObject({
      private_connection_resource_id: ref('azurerm_storage_account', 'storage_account', 'id'),
      subresource_names: ['file'],
    });
    expect(block(file.private_dns_zone_group).private_dns_zone_ids).toEqual([azurePlatformIds('azure-prod').zone('privatelink.file.core.windows.net')]);
    // The shared zone exists in the platform stack, linked to the VNet.
    expect(one(prodStacks.platform, 'azurerm_private_dns_zone', 'private_dns_zone_file').name).toBe('privatelink.file.core.windows.net');
  });

  it('has a low-priority GPU cluster scaling from 0 in the user subnet, without public IPs, as the training identity', () => {
    const burst = envOf('azure-prod').mlops!.burst;
    const cluster = one(prod, 'azurerm_machine_learning_compute_cluster', 'machine_learning_compute_cluster');
    expect(cluster).toMatchObject({
      machine_learning_workspace_id: workspaceOutput('workspaceId'),
      vm_size: burst.vmSize,
      vm_priority: 'LowPriority',
      subnet_resource_id: azurePlatformIds('azure-prod').subnet('snet-user'),
      node_public_ip_enabled: false,
      ssh_public_access_enabled: false,
      local_auth_enabled: false,
    });
    expect(block(cluster.scale_settings)).toMatchObject({ min_node_count: 0, max_node_count: burst.maxNodes });
    expect(block(cluster.identity)).toEqual({ type: 'UserAssigned', identity_ids: [ref('azurerm_user_assigned_identity', 'training_identity', 'id')] });
  });

  it('builds images on a dedicated CPU cluster of one node from 0, as its own identity', () => {
    const cluster = one(prod, 'azurerm_machine_learning_compute_cluster', 'image_build_compute_cluster');
    expect(cluster).toMatchObject({
      machine_learning_workspace_id: workspaceOutput('workspaceId'),
      vm_priority: 'Dedicated',
      subnet_resource_id: azurePlatformIds('azure-prod').subnet('snet-user'),
      node_public_ip_enabled: false,
      local_auth_enabled: false,
    });
    expect(cluster.vm_size).not.toMatch(/_N[CDV]/);
    expect(block(cluster.scale_settings)).toMatchObject({ min_node_count: 0, max_node_count: 1 });
    expect(block(cluster.identity)).toEqual({ type: 'UserAssigned', identity_ids: [ref('azurerm_user_assigned_identity', 'image_build_identity', 'id')] });
  });

  it('grants the compute identities exactly their registry and blob store roles, before the clusters exist', () => {
    const acr = azurePlatformIds('azure-prod').acr;
    const grantsOf = (identity: string) =>
      Object.values(resources(prod, 'azurerm_role_assignment'))
        .filter((g: Json) => g.principal_id === ref('azurerm_user_assigned_identity', identity, 'principal_id'))
        .map((g: Json) => [g.role_definition_name, g.scope])
        .sort();
    expect(grantsOf('training_identity')).toEqual(
      [
        ['AcrPull', acr],
        ['Storage Blob Data Contributor', blobstore],
        ['Storage Blob Data Contributor', container('mlflow')],
      ].sort(),
    );
    // Pushing is the build's alone: training jobs cannot replace images the AKS nodes pull.
    expect(grantsOf('image_build_identity')).toEqual(
      [
        ['AcrPush', acr],
        ['Storage Blob Data Reader', blobstore],
      ].sort(),
    );
    // No Key Vault role for either: the vault's secrets are MLflow's database credentials.
    for (const id of ['machine_learning_compute_cluster', 'image_build_compute_cluster'])
      expect(one(prod, 'azurerm_machine_learning_compute_cluster', id).depends_on).toEqual(
        expect.arrayContaining([
          'azurerm_role_assignment.training_container_registry_role_assignment',
          'azurerm_role_assignment.training_ml_blobstore_role_assignment',
          'azurerm_role_assignment.image_build_container_registry_role_assignment',
          'azurerm_role_assignment.image_build_ml_blobstore_role_assignment',
        ]),
      );
  });

  it('uses dedicated VMs when the model turns low priority off', () => {
    const spec = withEnv('azure-prod', (e) => ({
      ...e,
      workloads: { ...e.workloads, mlops: { ...e.workloads!.mlops!, burst: { enabled: true, lowPriority: false } } },
    }));
    expect(one(renderStacks('azure-prod', spec).mlops, 'azurerm_machine_learning_compute_cluster', 'machine_learning_compute_cluster').vm_priority).toBe(
      'Dedicated',
    );
  });
});

(fullSchemasPresent ? describe : describe.skip)('azure mlops stack against the azurerm provider schema', () => {
  const provider = fullSchemasPresent ? providerSchema('azurerm') : {};

  it.each(envs)('%s: the password attributes used are write-only in the schema', (_name) => {
    expect((provider.resource_schemas.azurerm_postgresql_flexible_server.block.attributes.administrator_password_wo as Json).write_only).toBe(true);
  });
});
