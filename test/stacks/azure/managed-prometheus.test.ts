/** Managed metrics storage on Azure (platform stack): the Azure Monitor workspace, its collection endpoint and rule, Prometheus's identity. */
import { type Json, of, one, ref, renderEnvironment, withEnv } from '../helpers';
import type { PlatformSpec } from '../../../src/model/types';

const platformOf = (envName: string, spec?: PlatformSpec): Json => renderEnvironment(envName, spec).stacks.platform;
const withManagedStore = (envName: string, managedStore: boolean) => withEnv(envName, (e) => ({ ...e, observability: { ...e.observability, managedStore } }));
const RULE_ID = ref('azurerm_monitor_data_collection_rule', 'prometheus_data_collection_rule', 'id');

describe('azure managed Prometheus (platform stack)', () => {
  const prod = platformOf('azure-prod');
  const dev = platformOf('azure-dev');

  it('exists where the model says: in prod by default, not in dev, and in dev when asked', () => {
    expect(Object.keys(of(prod, 'azurerm_monitor_workspace'))).toEqual(['monitor_workspace']);
    expect(of(dev, 'azurerm_monitor_workspace')).toEqual({});
    expect(of(dev, 'azurerm_monitor_data_collection_endpoint')).toEqual({});
    expect(of(dev, 'azurerm_user_assigned_identity').prometheus_identity).toBeUndefined();
    expect(of(dev, 'azurerm_monitor_data_collection_rule').prometheus_data_collection_rule).toBeUndefined();
    expect(dev.output.prometheus_client_id).toBeUndefined();
    expect(Object.keys(of(platformOf('azure-dev', withManagedStore('azure-dev', true)), 'azurerm_monitor_workspace'))).toEqual(['monitor_workspace']);
    expect(of(platformOf('azure-prod', withManagedStore('azure-prod', false)), 'azurerm_monitor_workspace')).toEqual({});
  });

  it('routes the Microsoft-PrometheusMetrics stream through its own endpoint into the workspace', () => {
    const workspace = one(prod, 'azurerm_monitor_workspace', 'monitor_workspace');
    expect(workspace).toMatchObject({ name: 'amw-acme-azure-prod', resource_group_name: ref('azurerm_resource_group', 'resource_group', 'name') });
    const dce = one(prod, 'azurerm_monitor_data_collection_endpoint', 'prometheus_data_collection_endpoint');
    expect(dce).toMatchObject({ name: 'dce-acme-azure-prod-prometheus', kind: 'Linux' });
    const rule = one(prod, 'azurerm_monitor_data_collection_rule', 'prometheus_data_collection_rule');
    expect(rule.name).toBe('dcr-acme-azure-prod-prometheus');
    expect(rule.data_collection_endpoint_id).toBe(ref('azurerm_monitor_data_collection_endpoint', 'prometheus_data_collection_endpoint', 'id'));
    expect(rule.destinations).toEqual({
      monitor_account: [{ name: 'monitor-workspace', monitor_account_id: ref('azurerm_monitor_workspace', 'monitor_workspace', 'id') }],
    });
    expect(rule.data_flow).toEqual([{ streams: ['Microsoft-PrometheusMetrics'], destinations: ['monitor-workspace'] }]);
    expect(rule.data_sources.prometheus_forwarder).toEqual([{ name: 'PrometheusDataSource', streams: ['Microsoft-PrometheusMetrics'] }]);
  });

  it('federates an identity with exactly the Prometheus service account in monitoring', () => {
    const identity = one(prod, 'azurerm_user_assigned_identity', 'prometheus_identity');
    expect(identity.name).toBe('id-acme-azure-prod-prometheus');
    const credential = one(prod, 'azurerm_federated_identity_credential', 'prometheus_federated_identity_credential');
    expect(credential).toMatchObject({
      parent_id: ref('azurerm_user_assigned_identity', 'prometheus_identity', 'id'),
      audience: ['api://AzureADTokenExchange'],
      issuer: ref('azurerm_kubernetes_cluster', 'kubernetes_cluster', 'oidc_issuer_url'),
      subject: 'system:serviceaccount:monitoring:kube-prometheus-stack-prometheus',
    });
  });

  it('grants it Monitoring Metrics Publisher on the data collection rule only, and nothing else', () => {
    const principal = ref('azurerm_user_assigned_identity', 'prometheus_identity', 'principal_id');
    const grants = Object.values(of(prod, 'azurerm_role_assignment')).filter((a: Json) => a.principal_id === principal);
    expect(grants).toEqual([
      {
        scope: RULE_ID,
        role_definition_name: 'Monitoring Metrics Publisher',
        principal_id: principal,
        principal_type: 'ServicePrincipal',
        skip_service_principal_aad_check: true,
      },
    ]);
  });

  it('outputs what the remote-write URL and the workload identity need', () => {
    expect(prod.output.prometheus_metrics_ingestion_endpoint.value).toBe(
      ref('azurerm_monitor_data_collection_endpoint', 'prometheus_data_collection_endpoint', 'metrics_ingestion_endpoint'),
    );
    expect(prod.output.prometheus_data_collection_rule_immutable_id.value).toBe(
      ref('azurerm_monitor_data_collection_rule', 'prometheus_data_collection_rule', 'immutable_id'),
    );
    expect(prod.output.prometheus_client_id.value).toBe(ref('azurerm_user_assigned_identity', 'prometheus_identity', 'client_id'));
  });

  it('gives Grafana its own identity, federated with exactly its service account, reading the workspace and nothing else', () => {
    const identity = one(prod, 'azurerm_user_assigned_identity', 'grafana_identity');
    expect(identity.name).toBe('id-acme-azure-prod-grafana');
    expect(one(prod, 'azurerm_federated_identity_credential', 'grafana_federated_identity_credential')).toMatchObject({
      parent_id: ref('azurerm_user_assigned_identity', 'grafana_identity', 'id'),
      issuer: ref('azurerm_kubernetes_cluster', 'kubernetes_cluster', 'oidc_issuer_url'),
      subject: 'system:serviceaccount:monitoring:kube-prometheus-stack-grafana',
    });
    const principal = ref('azurerm_user_assigned_identity', 'grafana_identity', 'principal_id');
    expect(Object.values(of(prod, 'azurerm_role_assignment')).filter((a: Json) => a.principal_id === principal)).toEqual([
      {
        scope: ref('azurerm_monitor_workspace', 'monitor_workspace', 'id'),
        role_definition_name: 'Monitoring Data Reader',
        principal_id: principal,
        principal_type: 'ServicePrincipal',
        skip_service_principal_aad_check: true,
      },
    ]);
    expect(prod.output.prometheus_query_endpoint.value).toBe(ref('azurerm_monitor_workspace', 'monitor_workspace', 'query_endpoint'));
    expect(prod.output.grafana_client_id.value).toBe(ref('azurerm_user_assigned_identity', 'grafana_identity', 'client_id'));
    expect(of(dev, 'azurerm_user_assigned_identity').grafana_identity).toBeUndefined();
  });
});
