/** Behaviour of the Azure `platform` stack (network + cluster layers), asserted on the rendered Terraform JSON. */
import { allResources, azureBindingTakesTags, block, type Json, of as resources, one, ref, renderEnvironment, withEnv } from '../helpers';
import type { PlatformSpec } from '../../../src/model/types';
import { defaultPlatform, EXAMPLE_AZURE_ADMIN_GROUP, EXAMPLE_AZURE_TENANT } from '../../../src/platform';

function renderPlatform(envName: string, spec: PlatformSpec = defaultPlatform): Json {
  return renderEnvironment(envName, spec).stacks.platform;
}

const dev = renderPlatform('azure-dev');
const prod = renderPlatform('azure-prod');
const envs: [string, Json][] = [
  ['azure-dev', dev],
  ['azure-prod', prod],
];
const cluster = (json: Json) => one(json, 'azurerm_kubernetes_cluster', 'kubernetes_cluster');

describe('azure platform stack: outputs', () => {
  it.each(envs)('%s exposes the outputs a later step reads, as references', (name, json) => {
    // Prod's managed Prometheus (managed-prometheus.test.ts) adds what the remote-write values read.
    const managedPrometheus = [
      'grafana_client_id',
      'prometheus_client_id',
      'prometheus_data_collection_rule_immutable_id',
      'prometheus_metrics_ingestion_endpoint',
      'prometheus_query_endpoint',
    ];
    expect(Object.keys(json.output).sort()).toEqual(
      [
        'acr_login_server',
        'cluster_name',
        'kubelet_identity_client_id',
        'node_resource_group',
        'oidc_issuer_url',
        'resource_group_name',
        ...(name === 'azure-prod' ? managedPrometheus : []),
      ].sort(),
    );
    const aks = 'azurerm_kubernetes_cluster';
    expect(json.output.cluster_name.value).toBe(ref(aks, 'kubernetes_cluster', 'name'));
    expect(json.output.oidc_issuer_url.value).toBe(ref(aks, 'kubernetes_cluster', 'oidc_issuer_url'));
    expect(json.output.kubelet_identity_client_id.value).toBe(ref(aks, 'kubernetes_cluster', 'kubelet_identity[0].client_id'));
    expect(json.output.node_resource_group.value).toBe(ref(aks, 'kubernetes_cluster', 'node_resource_group'));
    expect(json.output.resource_group_name.value).toBe(ref('azurerm_resource_group', 'resource_group', 'name'));
    expect(json.output.acr_login_server.value).toBe(ref('azurerm_container_registry', 'container_registry', 'login_server'));
  });
});

describe('azure platform stack: network', () => {
  it('puts the VNet on the model CIDR with system, user and endpoint subnets from the layout, no default outbound', () => {
    expect(one(dev, 'azurerm_virtual_network', 'virtual_network').address_space).toEqual(['10.30.0.0/16']);
    const subnets = resources(dev, 'azurerm_subnet');
    expect(Object.keys(subnets).sort()).toEqual(['subnet_database', 'subnet_endpoints', 'subnet_system', 'subnet_user']);
    expect(subnets.subnet_system).toMatchObject({ name: 'snet-system', address_prefixes: ['10.30.0.0/18'] });
    expect(subnets.subnet_user).toMatchObject({ name: 'snet-user', address_prefixes: ['10.30.64.0/18'] });
    expect(subnets.subnet_endpoints).toMatchObject({ name: 'snet-endpoints', address_prefixes: ['10.30.128.0/18'] });
    // mlops is on: PostgreSQL Flexible Server's delegated subnet, from the last quarter (see mlops.test.ts).
    expect(subnets.subnet_database).toMatchObject({ name: 'snet-database', address_prefixes: ['10.30.192.0/22'] });
    for (const subnet of Object.values(subnets)) expect(subnet.default_outbound_access_enabled).toBe(false);
  });

  it('gives every subnet an NSG whose only extra rules let node and overlay pod ranges talk to each other', () => {
    const associations = Object.values(resources(prod, 'azurerm_subnet_network_security_group_association'));
    expect(associations.map((a) => a.subnet_id).sort()).toEqual(
      ['subnet_database', 'subnet_endpoints', 'subnet_system', 'subnet_user'].map((s) => ref('azurerm_subnet', s, 'id')),
    );
    for (const nsg of Object.values(resources(prod, 'azurerm_network_security_group'))) expect(nsg.security_rule).toBeUndefined();
    const rules = resources(prod, 'azurerm_network_security_rule');
    expect(Object.keys(rules).sort()).toEqual([
      'network_security_rule_system_cluster_inbound',
      'network_security_rule_system_cluster_outbound',
      'network_security_rule_user_cluster_inbound',
      'network_security_rule_user_cluster_outbound',
    ]);
    const clusterRanges = ['10.40.0.0/18', '10.40.64.0/18', '192.168.0.0/16'];
    for (const rule of Object.values(rules)) {
      expect(rule).toMatchObject({ access: 'Allow', source_address_prefixes: clusterRanges, destination_address_prefixes: clusterRanges });
      expect(rule.network_security_group_name).not.toContain('endpoints');
    }
  });

  it('egresses the system and user subnets through a Standard NAT gateway with a Standard static public IP', () => {
    expect(one(prod, 'azurerm_nat_gateway', 'nat_gateway')).toMatchObject({ name: 'ng-acme-azure-prod', sku_name: 'Standard' });
    expect(one(prod, 'azurerm_public_ip', 'nat_public_ip')).toMatchObject({
      name: 'pip-acme-azure-prod-nat',
      sku: 'Standard',
      allocation_method: 'Static',
      zones: ['1', '2', '3'],
    });
    expect(one(prod, 'azurerm_nat_gateway_public_ip_association', 'nat_gateway_public_ip_association')).toEqual({
      nat_gateway_id: ref('azurerm_nat_gateway', 'nat_gateway', 'id'),
      public_ip_address_id: ref('azurerm_public_ip', 'nat_public_ip', 'id'),
    });
    const natSubnets = Object.values(resources(prod, 'azurerm_subnet_nat_gateway_association')).map((a) => a.subnet_id);
    expect(natSubnets.sort()).toEqual([ref('azurerm_subnet', 'subnet_system', 'id'), ref('azurerm_subnet', 'subnet_user', 'id')]);
  });
});

describe('azure platform stack: monitoring', () => {
  it('keeps logs 30 days in dev and 90 in prod, Entra ID auth only', () => {
    expect(one(dev, 'azurerm_log_analytics_workspace', 'log_analytics_workspace')).toMatchObject({
      name: 'log-acme-azure-dev',
      retention_in_days: 30,
      local_authentication_enabled: false,
    });
    expect(one(prod, 'azurerm_log_analytics_workspace', 'log_analytics_workspace').retention_in_days).toBe(90);
  });

  it.each(envs)('%s sends the control-plane logs to the workspace', (_name, json) => {
    const diag = one(json, 'azurerm_monitor_diagnostic_setting', 'cluster_diagnostic_setting');
    expect(diag.target_resource_id).toBe(ref('azurerm_kubernetes_cluster', 'kubernetes_cluster', 'id'));
    expect(diag.log_analytics_workspace_id).toBe(ref('azurerm_log_analytics_workspace', 'log_analytics_workspace', 'id'));
    expect((diag.enabled_log as Json[]).map((l) => l.category).sort()).toEqual([
      'cluster-autoscaler',
      'guard',
      'kube-apiserver',
      'kube-audit-admin',
      'kube-controller-manager',
      'kube-scheduler',
    ]);
  });

  it('collects Container Insights with the MSI agent through a data collection rule associated with the cluster', () => {
    expect(block(cluster(prod).oms_agent)).toEqual({
      log_analytics_workspace_id: ref('azurerm_log_analytics_workspace', 'log_analytics_workspace', 'id'),
      msi_auth_for_monitoring_enabled: true,
    });
    const rule = one(prod, 'azurerm_monitor_data_collection_rule', 'container_insights_data_collection_rule');
    expect(block(rule.destinations).log_analytics[0].workspace_resource_id).toBe(ref('azurerm_log_analytics_workspace', 'log_analytics_workspace', 'id'));
    const extension = block(rule.data_sources).extension[0];
    expect(extension.extension_name).toBe('ContainerInsights');
    expect(JSON.parse(extension.extension_json).dataCollectionSettings.enableContainerLogV2).toBe(true);
    expect(one(prod, 'azurerm_monitor_data_collection_rule_association', 'container_insights_data_collection_rule_association')).toMatchObject({
      target_resource_id: ref('azurerm_kubernetes_cluster', 'kubernetes_cluster', 'id'),
      data_collection_rule_id: ref('azurerm_monitor_data_collection_rule', 'container_insights_data_collection_rule', 'id'),
    });
  });
});

describe('azure platform stack: AKS cluster', () => {
  it.each(envs)('%s uses Azure CNI overlay with Cilium policy, model CIDRs and NAT gateway egress', (_name, json) => {
    expect(block(cluster(json).network_profile)).toEqual({
      network_plugin: 'azure',
      network_plugin_mode: 'overlay',
      network_policy: 'cilium',
      network_data_plane: 'cilium',
      pod_cidr: '192.168.0.0/16',
      service_cidr: '172.20.0.0/16',
      dns_service_ip: '172.20.0.10',
      load_balancer_sku: 'standard',
      outbound_type: 'userAssignedNATGateway',
    });
  });

  it.each(envs)('%s enables OIDC issuer and workload identity, disables local accounts, uses Entra ID RBAC', (_name, json) => {
    const aks = cluster(json);
    expect(aks.oidc_issuer_enabled).toBe(true);
    expect(aks.workload_identity_enabled).toBe(true);
    expect(aks.local_account_disabled).toBe(true);
    expect(block(aks.azure_active_directory_role_based_access_control)).toEqual({
      azure_rbac_enabled: true,
      tenant_id: EXAMPLE_AZURE_TENANT,
      admin_group_object_ids: [EXAMPLE_AZURE_ADMIN_GROUP],
    });
    expect(aks.azure_policy_enabled).toBe(true);
    expect(aks.automatic_upgrade_channel).toBe('patch');
    expect(aks.node_os_upgrade_channel).toBe('NodeImage');
    expect(aks.kubernetes_version).toBe('1.35');
  });

  it('is a private cluster in prod, Standard tier, with no public FQDN', () => {
    const aks = cluster(prod);
    expect(aks.private_cluster_enabled).toBe(true);
    expect(aks.private_cluster_public_fqdn_enabled).toBe(false);
    expect(aks.api_server_access_profile).toBeUndefined();
    expect(aks.sku_tier).toBe('Standard');
  });

  it('has a public API in dev limited to the allowed CIDRs and the NAT egress address', () => {
    const aks = cluster(dev);
    expect(aks.private_cluster_enabled).toBeUndefined();
    expect(block(aks.api_server_access_profile).authorized_ip_ranges).toEqual([
      '203.0.113.0/24',
      `${ref('azurerm_public_ip', 'nat_public_ip', 'ip_address')}/32`,
    ]);
    expect(aks.sku_tier).toBe('Free');
  });

  it('never renders a public API open to everyone: no allowed CIDRs means private', () => {
    const spec = withEnv('azure-dev', (e) => ({ ...e, network: { ...e.network, apiAllowedCidrs: [] } }));
    const aks = cluster(renderPlatform('azure-dev', spec));
    expect(aks.private_cluster_enabled).toBe(true);
    expect(aks.api_server_access_profile).toBeUndefined();
  });

  it('runs as a user-assigned identity with Network Contributor on the VNet, granted before the cluster', () => {
    const aks = cluster(prod);
    expect(block(aks.identity)).toEqual({
      type: 'UserAssigned',
      identity_ids: [ref('azurerm_user_assigned_identity', 'cluster_identity', 'id')],
    });
    expect(one(prod, 'azurerm_user_assigned_identity', 'cluster_identity').name).toBe('id-acme-azure-prod-aks');
    expect(one(prod, 'azurerm_role_assignment', 'cluster_identity_network_contributor')).toMatchObject({
      scope: ref('azurerm_virtual_network', 'virtual_network', 'id'),
      role_definition_name: 'Network Contributor',
      principal_id: ref('azurerm_user_assigned_identity', 'cluster_identity', 'principal_id'),
    });
    expect(aks.depends_on).toEqual(
      expect.arrayContaining([
        'azurerm_role_assignment.cluster_identity_network_contributor',
        'azurerm_subnet_nat_gateway_association.subnet_nat_gateway_association_system',
        'azurerm_subnet_nat_gateway_association.subnet_nat_gateway_association_user',
      ]),
    );
  });

  it('names the cluster and node resource group from the model', () => {
    expect(cluster(prod)).toMatchObject({
      name: 'aks-acme-azure-prod',
      dns_prefix: 'acme-azure-prod',
      node_resource_group: 'rg-acme-azure-prod-aks-nodes',
    });
  });

  it('runs an untainted (on-demand, not critical-add-ons-only) autoscaling, zonal system pool in the system subnet', () => {
    const pool = block(cluster(prod).default_node_pool);
    expect(pool).toMatchObject({
      name: 'system',
      vm_size: 'Standard_D8s_v5',
      auto_scaling_enabled: true,
      min_count: 3,
      max_count: 6,
      only_critical_addons_enabled: false,
      zones: ['1', '2', '3'],
      vnet_subnet_id: ref('azurerm_subnet', 'subnet_system', 'id'),
    });
    expect(pool.temporary_name_for_rotation).toMatch(/^[a-z][a-z0-9]{0,11}$/);
    expect(block(pool.upgrade_settings).max_surge).toBeDefined();
    expect(block(cluster(dev).default_node_pool).zones).toEqual(['1', '2']);
  });

  it('pins nothing to a zone in a region without zones', () => {
    const spec = withEnv('azure-dev', (e) => ({ ...e, region: 'westus' }));
    const json = renderPlatform('azure-dev', spec);
    expect(block(cluster(json).default_node_pool).zones).toBeUndefined();
    expect(one(json, 'azurerm_public_ip', 'nat_public_ip').zones).toBeUndefined();
    for (const pool of Object.values(resources(json, 'azurerm_kubernetes_cluster_node_pool'))) expect(pool.zones).toBeUndefined();
  });
});

describe('azure platform stack: user node pools', () => {
  const pools = resources(prod, 'azurerm_kubernetes_cluster_node_pool');
  const spotTaint = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';
  const gpuTaint = 'nvidia.com/gpu=true:NoSchedule';

  it('creates one pool per model pool, named after it', () => {
    expect(Object.keys(pools).sort()).toEqual(['node_pool_gpu', 'node_pool_gpuspot', 'node_pool_spot']);
    expect(Object.keys(resources(dev, 'azurerm_kubernetes_cluster_node_pool')).sort()).toEqual(['node_pool_gpu', 'node_pool_spot']);
    for (const pool of Object.values(pools)) {
      expect(pool.kubernetes_cluster_id).toBe(ref('azurerm_kubernetes_cluster', 'kubernetes_cluster', 'id'));
      expect(pool.vnet_subnet_id).toBe(ref('azurerm_subnet', 'subnet_user', 'id'));
      expect(pool.mode).toBe('User');
      expect(pool.auto_scaling_enabled).toBe(true);
    }
  });

  it('runs Spot pools as Spot with Delete eviction, no price cap, the Spot taint and labels, from 0', () => {
    expect(pools.node_pool_spot).toMatchObject({
      name: 'spot',
      vm_size: 'Standard_D8s_v5',
      priority: 'Spot',
      eviction_policy: 'Delete',
      spot_max_price: -1,
      min_count: 0,
      max_count: 20,
      node_taints: [spotTaint],
      node_labels: { 'platform-synth.io/pool': 'spot', 'platform-synth.io/capacity': 'spot' },
      zones: ['1', '2', '3'],
    });
    // AKS rejects max surge on Spot pools.
    expect(pools.node_pool_spot.upgrade_settings).toBeUndefined();
  });

  // node_labels is the pool's whole label set: without AKS's own Spot label every plan removes it, and an apply strips it.
  it.each(envs)('%s declares the AKS-managed Spot label on every Spot pool, and only there', (_name, json) => {
    for (const pool of Object.values(resources(json, 'azurerm_kubernetes_cluster_node_pool'))) {
      const label = pool.node_labels['kubernetes.azure.com/scalesetpriority'];
      expect(label).toBe(pool.priority === 'Spot' ? 'spot' : undefined);
      if (pool.priority === 'Spot') expect(pool.node_taints).toContain(spotTaint);
    }
  });

  // azurerm 4.x cycles vm_size/zones changes through a temporary pool and refuses them without its name.
  it.each(envs)('%s names a temporary rotation pool for every user pool: a valid pool name, distinct from every pool', (_name, json) => {
    const userPools = Object.values(resources(json, 'azurerm_kubernetes_cluster_node_pool'));
    const names = new Set([...userPools.map((p) => p.name), block(one(json, 'azurerm_kubernetes_cluster', 'kubernetes_cluster').default_node_pool).name]);
    for (const pool of userPools) {
      expect(pool.temporary_name_for_rotation).toBe(`${pool.name}tmp`);
      expect(pool.temporary_name_for_rotation).toMatch(/^[a-z][a-z0-9]{0,11}$/);
      expect(names.has(pool.temporary_name_for_rotation)).toBe(false);
    }
  });

  it('taints GPU pools for GPUs and scales them from 0; a spot GPU pool is also Spot', () => {
    expect(pools.node_pool_gpu).toMatchObject({
      name: 'gpu',
      vm_size: 'Standard_NC24ads_A100_v4',
      priority: 'Regular',
      min_count: 0,
      max_count: 2,
      node_taints: [gpuTaint],
      node_labels: { 'platform-synth.io/pool': 'gpu', 'platform-synth.io/capacity': 'on-demand' },
    });
    expect(pools.node_pool_gpu.eviction_policy).toBeUndefined();
    expect(pools.node_pool_gpuspot).toMatchObject({
      priority: 'Spot',
      eviction_policy: 'Delete',
      spot_max_price: -1,
      min_count: 0,
      max_count: 4,
      node_labels: { 'platform-synth.io/pool': 'gpuspot', 'platform-synth.io/capacity': 'spot' },
    });
    expect(pools.node_pool_gpuspot.node_taints).toEqual([gpuTaint, spotTaint]);
    expect(pools.node_pool_gpuspot.upgrade_settings).toBeUndefined();
  });
});

describe('azure platform stack: container registry', () => {
  it.each(envs)('%s disables the admin user and anonymous pull, and lets only the kubelet identity pull', (name, json) => {
    expect(one(json, 'azurerm_container_registry', 'container_registry')).toMatchObject({
      name: name === 'azure-prod' ? 'acracmeazureprod' : 'acracmeazuredev',
      admin_enabled: false,
      anonymous_pull_enabled: false,
    });
    const pulls = Object.values(resources(json, 'azurerm_role_assignment')).filter((r) => r.role_definition_name === 'AcrPull');
    expect(pulls).toEqual([
      expect.objectContaining({
        scope: ref('azurerm_container_registry', 'container_registry', 'id'),
        principal_id: ref('azurerm_kubernetes_cluster', 'kubernetes_cluster', 'kubelet_identity[0].object_id'),
        principal_type: 'ServicePrincipal',
      }),
    ]);
  });

  it('is Premium and private in prod: public access off, private endpoint, privatelink DNS zone linked to the VNet', () => {
    expect(one(prod, 'azurerm_container_registry', 'container_registry')).toMatchObject({
      sku: 'Premium',
      public_network_access_enabled: false,
    });
    const endpoint = one(prod, 'azurerm_private_endpoint', 'container_registry_private_endpoint');
    expect(endpoint.subnet_id).toBe(ref('azurerm_subnet', 'subnet_endpoints', 'id'));
    expect(block(endpoint.private_service_connection)).toMatchObject({
      private_connection_resource_id: ref('azurerm_container_registry', 'container_registry', 'id'),
      subresource_names: ['registry'],
      is_manual_connection: false,
    });
    expect(block(endpoint.private_dns_zone_group).private_dns_zone_ids).toEqual([ref('azurerm_private_dns_zone', 'container_registry_private_dns_zone', 'id')]);
    expect(one(prod, 'azurerm_private_dns_zone', 'container_registry_private_dns_zone').name).toBe('privatelink.azurecr.io');
    expect(one(prod, 'azurerm_private_dns_zone_virtual_network_link', 'container_registry_private_dns_zone_link')).toMatchObject({
      private_dns_zone_name: ref('azurerm_private_dns_zone', 'container_registry_private_dns_zone', 'name'),
      virtual_network_id: ref('azurerm_virtual_network', 'virtual_network', 'id'),
      registration_enabled: false,
    });
  });

  it('is Standard in dev without private endpoint or DNS zone (dev has only the shared openai and vault zones, for RAG and MLOps)', () => {
    expect(one(dev, 'azurerm_container_registry', 'container_registry').sku).toBe('Standard');
    expect(resources(dev, 'azurerm_private_endpoint')).toEqual({});
    // The PostgreSQL zone is mlops's (VNet integration, private in every stage), not the registry's.
    expect(Object.keys(resources(dev, 'azurerm_private_dns_zone'))).toEqual(['private_dns_zone_openai', 'private_dns_zone_postgres', 'private_dns_zone_vault']);
    expect(Object.keys(resources(dev, 'azurerm_private_dns_zone_virtual_network_link'))).toEqual([
      'private_dns_zone_virtual_network_link_openai',
      'private_dns_zone_virtual_network_link_postgres',
      'private_dns_zone_virtual_network_link_vault',
    ]);
  });
});

describe('azure platform stack: tags and addresses', () => {
  // Every resource carrying exactly the standard tags is in contract.test.ts; these are the platform's own.
  it.each(envs)('%s has more than ten resources that take tags, and tags the system node pool (a block) too', (name, json) => {
    const expected = { 'cost-center': 'ml-platform', environment: name, 'managed-by': 'platform-synth', project: 'acme' };
    expect(allResources(json).filter((r) => azureBindingTakesTags(r.type)).length).toBeGreaterThan(10);
    expect(block(cluster(json).default_node_pool).tags).toEqual(expected);
  });

  it('keeps the same logical IDs for the same model (stable addresses)', () => {
    const addresses = allResources(prod)
      .map((r) => `${r.type}.${r.id}`)
      .sort();
    expect(addresses).toEqual([
      'azurerm_consumption_budget_subscription.budget',
      'azurerm_container_registry.container_registry',
      'azurerm_federated_identity_credential.grafana_federated_identity_credential',
      'azurerm_federated_identity_credential.prometheus_federated_identity_credential',
      'azurerm_kubernetes_cluster.kubernetes_cluster',
      'azurerm_kubernetes_cluster_node_pool.node_pool_gpu',
      'azurerm_kubernetes_cluster_node_pool.node_pool_gpuspot',
      'azurerm_kubernetes_cluster_node_pool.node_pool_spot',
      'azurerm_log_analytics_workspace.log_analytics_workspace',
      'azurerm_monitor_data_collection_endpoint.prometheus_data_collection_endpoint',
      'azurerm_monitor_data_collection_rule.container_insights_data_collection_rule',
      'azurerm_monitor_data_collection_rule.prometheus_data_collection_rule',
      'azurerm_monitor_data_collection_rule_association.container_insights_data_collection_rule_association',
      'azurerm_monitor_diagnostic_setting.cluster_diagnostic_setting',
      'azurerm_monitor_workspace.monitor_workspace',
      'azurerm_nat_gateway.nat_gateway',
      'azurerm_nat_gateway_public_ip_association.nat_gateway_public_ip_association',
      'azurerm_network_security_group.network_security_group_database',
      'azurerm_network_security_group.network_security_group_endpoints',
      'azurerm_network_security_group.network_security_group_system',
      'azurerm_network_security_group.network_security_group_user',
      'azurerm_network_security_rule.network_security_rule_system_cluster_inbound',
      'azurerm_network_security_rule.network_security_rule_system_cluster_outbound',
      'azurerm_network_security_rule.network_security_rule_user_cluster_inbound',
      'azurerm_network_security_rule.network_security_rule_user_cluster_outbound',
      'azurerm_private_dns_zone.container_registry_private_dns_zone',
      'azurerm_private_dns_zone.private_dns_zone_amlapi',
      'azurerm_private_dns_zone.private_dns_zone_amlnotebooks',
      'azurerm_private_dns_zone.private_dns_zone_blob',
      'azurerm_private_dns_zone.private_dns_zone_dfs',
      'azurerm_private_dns_zone.private_dns_zone_file',
      'azurerm_private_dns_zone.private_dns_zone_openai',
      'azurerm_private_dns_zone.private_dns_zone_postgres',
      'azurerm_private_dns_zone.private_dns_zone_purview',
      'azurerm_private_dns_zone.private_dns_zone_purviewportal',
      'azurerm_private_dns_zone.private_dns_zone_queue',
      'azurerm_private_dns_zone.private_dns_zone_table',
      'azurerm_private_dns_zone.private_dns_zone_vault',
      'azurerm_private_dns_zone_virtual_network_link.container_registry_private_dns_zone_link',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_amlapi',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_amlnotebooks',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_blob',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_dfs',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_file',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_openai',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_postgres',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_purview',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_purviewportal',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_queue',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_table',
      'azurerm_private_dns_zone_virtual_network_link.private_dns_zone_virtual_network_link_vault',
      'azurerm_private_endpoint.container_registry_private_endpoint',
      'azurerm_public_ip.nat_public_ip',
      'azurerm_resource_group.resource_group',
      'azurerm_role_assignment.cluster_identity_network_contributor',
      'azurerm_role_assignment.container_registry_acr_pull_kubelet',
      'azurerm_role_assignment.grafana_metrics_reader',
      'azurerm_role_assignment.prometheus_metrics_publisher',
      'azurerm_subnet.subnet_database',
      'azurerm_subnet.subnet_endpoints',
      'azurerm_subnet.subnet_system',
      'azurerm_subnet.subnet_user',
      'azurerm_subnet_nat_gateway_association.subnet_nat_gateway_association_system',
      'azurerm_subnet_nat_gateway_association.subnet_nat_gateway_association_user',
      'azurerm_subnet_network_security_group_association.subnet_network_security_group_association_database',
      'azurerm_subnet_network_security_group_association.subnet_network_security_group_association_endpoints',
      'azurerm_subnet_network_security_group_association.subnet_network_security_group_association_system',
      'azurerm_subnet_network_security_group_association.subnet_network_security_group_association_user',
      'azurerm_user_assigned_identity.cluster_identity',
      'azurerm_user_assigned_identity.grafana_identity',
      'azurerm_user_assigned_identity.prometheus_identity',
      'azurerm_virtual_network.virtual_network',
    ]);
    // mlops adds the database subnet, its NSG and association, and the PostgreSQL and Key Vault zones and links in dev too, and the budget.
    expect(allResources(dev)).toHaveLength(41);
  });
});
