/**
 * Monitoring layer: the Log Analytics workspace, the Container Insights data collection rule, and (once the
 * cluster exists) the rule association and the control-plane diagnostic setting; where `observability.managedStore`
 * is on, the Azure Monitor workspace the in-cluster Prometheus remote-writes to (buildManagedPrometheus).
 */
import type { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorDataCollectionRule } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule';
import { MonitorDataCollectionRuleAssociation } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association';
import { MonitorDataCollectionEndpoint } from '@cdktf/provider-azurerm/lib/monitor-data-collection-endpoint';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { MonitorWorkspace } from '@cdktf/provider-azurerm/lib/monitor-workspace';
import {
  GRAFANA_SERVICE_ACCOUNT,
  MONITORING_NAMESPACE,
  OBSERVABILITY_OUTPUTS,
  PROMETHEUS_METRICS_STREAM,
  PROMETHEUS_SERVICE_ACCOUNT,
} from '../../src/model/observability';
import { addOutputs, type AzureStack } from '../constructs/platform-stack';
import { azureNames, inGroupOf, tagsOf, terraformOnlyNames } from './common';
import { roleAssignment, serviceAccountIdentity } from './identity';
import type { AzureNetwork } from './network';

export interface AzureMonitoring {
  readonly workspace: LogAnalyticsWorkspace;
  readonly containerInsightsRule: MonitorDataCollectionRule;
}

/** Control-plane log categories sent to the workspace (kube-audit-admin: audit without get/list noise). */
export const CONTROL_PLANE_LOG_CATEGORIES = [
  'kube-apiserver',
  'kube-audit-admin',
  'kube-controller-manager',
  'kube-scheduler',
  'cluster-autoscaler',
  'guard',
] as const;

export const LOG_RETENTION_DAYS = { dev: 30, prod: 90 } as const;

/**
 * How every Log Analytics workspace and Application Insights component of an environment is reached (this
 * stack's and the mlops stack's): Entra ID only, never a workspace key or instrumentation key. Ingestion and
 * query stay on public endpoints: private ones need an Azure Monitor Private Link Scope, which the platform
 * does not create, and without one the agents' data would be dropped.
 */
export const MONITORING_ACCESS = { internetIngestionEnabled: true, internetQueryEnabled: true } as const;
export const WORKSPACE_ACCESS = { ...MONITORING_ACCESS, localAuthenticationEnabled: false } as const;
export const APPLICATION_INSIGHTS_ACCESS = { ...MONITORING_ACCESS, localAuthenticationDisabled: true } as const;

const CONTAINER_INSIGHTS_STREAMS = ['Microsoft-ContainerInsights-Group-Default'];
const WORKSPACE_DESTINATION = 'workspace';

export function buildMonitoring(stack: AzureStack, network: AzureNetwork): AzureMonitoring {
  const { env } = stack.ctx;
  const names = azureNames(stack);
  const tfNames = terraformOnlyNames(stack);
  const inGroup = inGroupOf(network.resourceGroup);

  const workspace = new LogAnalyticsWorkspace(stack, 'log_analytics_workspace', {
    name: names.logAnalyticsName,
    ...inGroup,
    sku: 'PerGB2018',
    retentionInDays: LOG_RETENTION_DAYS[env.stage],
    // Entra ID only: the monitoring agent authenticates with its managed identity (msi_auth), never a key.
    ...WORKSPACE_ACCESS,
    ...tagsOf(stack),
  });

  // The oms_agent add-on in MSI mode reads what to collect from this rule; azurerm (unlike `az aks`)
  // does not create it, and without it the agent runs but sends nothing.
  const containerInsightsRule = new MonitorDataCollectionRule(stack, 'container_insights_data_collection_rule', {
    name: tfNames.containerInsightsRule,
    ...inGroup,
    kind: 'Linux',
    description: `Container Insights for ${names.clusterName}`,
    destinations: { logAnalytics: [{ name: WORKSPACE_DESTINATION, workspaceResourceId: workspace.id }] },
    dataFlow: [{ streams: CONTAINER_INSIGHTS_STREAMS, destinations: [WORKSPACE_DESTINATION] }],
    dataSources: {
      extension: [
        {
          name: 'ContainerInsightsExtension',
          extensionName: 'ContainerInsights',
          streams: CONTAINER_INSIGHTS_STREAMS,
          // Key order fixed here, so the JSON string is byte-identical on every synth.
          extensionJson: JSON.stringify({
            dataCollectionSettings: { interval: '1m', namespaceFilteringMode: 'Off', enableContainerLogV2: true },
          }),
        },
      ],
    },
    ...tagsOf(stack),
  });

  return { workspace, containerInsightsRule };
}

/** What can only be wired once the cluster exists: the rule association and the diagnostic setting. */
export function buildClusterMonitoring(stack: AzureStack, monitoring: AzureMonitoring, cluster: KubernetesCluster): void {
  const tfNames = terraformOnlyNames(stack);
  new MonitorDataCollectionRuleAssociation(stack, 'container_insights_data_collection_rule_association', {
    name: tfNames.containerInsightsAssociation,
    targetResourceId: cluster.id,
    dataCollectionRuleId: monitoring.containerInsightsRule.id,
    description: 'Container Insights rule of this cluster; deleting it stops container log collection.',
  });

  new MonitorDiagnosticSetting(stack, 'cluster_diagnostic_setting', {
    name: tfNames.clusterDiagnosticSetting,
    targetResourceId: cluster.id,
    logAnalyticsWorkspaceId: monitoring.workspace.id,
    // Resource-specific tables (AKSAudit, AKSControlPlane …) rather than the shared AzureDiagnostics table.
    logAnalyticsDestinationType: 'Dedicated',
    enabledLog: CONTROL_PLANE_LOG_CATEGORIES.map((category) => ({ category })),
  });
}

/** The only role the remote-write identity has, on the data collection rule only: it may send samples through that rule. */
export const METRICS_PUBLISHER_ROLE = 'Monitoring Metrics Publisher';
/** The only role Grafana's query identity has, on the Azure Monitor workspace only: it may read its metrics (the plugin's configure docs). */
export const METRICS_READER_ROLE = 'Monitoring Data Reader';

const MONITOR_WORKSPACE_DESTINATION = 'monitor-workspace';

export interface AzureManagedPrometheus {
  readonly workspace: MonitorWorkspace;
  readonly collectionEndpoint: MonitorDataCollectionEndpoint;
  readonly collectionRule: MonitorDataCollectionRule;
}

/**
 * Azure Monitor managed Prometheus as the store behind the in-cluster Prometheus: the Azure Monitor workspace, a data
 * collection endpoint and a rule that routes the Microsoft-PrometheusMetrics stream into the workspace, and a
 * user-assigned identity federated with Prometheus's service account, allowed to publish through that rule only, and
 * one federated with Grafana's, allowed to read the workspace only (its managed-store data source).
 * Like the Log Analytics workspace (MONITORING_ACCESS), ingestion and query stay on public endpoints behind Entra ID:
 * a private path needs an Azure Monitor Private Link Scope, which the platform does not create. Undefined where the
 * model keeps metrics in the cluster only.
 */
export function buildManagedPrometheus(stack: AzureStack, network: AzureNetwork, cluster: KubernetesCluster): AzureManagedPrometheus | undefined {
  if (!stack.ctx.env.observability.managedStore) return undefined;
  const names = azureNames(stack);
  const inGroup = inGroupOf(network.resourceGroup);

  const workspace = new MonitorWorkspace(stack, 'monitor_workspace', {
    name: names.monitorWorkspaceName,
    ...inGroup,
    publicNetworkAccessEnabled: true,
    ...tagsOf(stack),
  });
  const collectionEndpoint = new MonitorDataCollectionEndpoint(stack, 'prometheus_data_collection_endpoint', {
    name: names.prometheusCollectionEndpointName,
    ...inGroup,
    kind: 'Linux',
    description: `Prometheus remote write of ${names.clusterName}`,
    publicNetworkAccessEnabled: true,
    ...tagsOf(stack),
  });
  const collectionRule = new MonitorDataCollectionRule(stack, 'prometheus_data_collection_rule', {
    name: names.prometheusCollectionRuleName,
    ...inGroup,
    kind: 'Linux',
    description: `Prometheus remote write of ${names.clusterName} into ${names.monitorWorkspaceName}`,
    dataCollectionEndpointId: collectionEndpoint.id,
    destinations: { monitorAccount: [{ name: MONITOR_WORKSPACE_DESTINATION, monitorAccountId: workspace.id }] },
    dataFlow: [{ streams: [PROMETHEUS_METRICS_STREAM], destinations: [MONITOR_WORKSPACE_DESTINATION] }],
    dataSources: { prometheusForwarder: [{ name: 'PrometheusDataSource', streams: [PROMETHEUS_METRICS_STREAM] }] },
    ...tagsOf(stack),
  });

  const identity = serviceAccountIdentity({ stack, inGroup, cluster }, 'prometheus', {
    name: names.prometheusIdentityName,
    namespace: MONITORING_NAMESPACE,
    serviceAccount: PROMETHEUS_SERVICE_ACCOUNT,
    clientIdOutput: OBSERVABILITY_OUTPUTS.azureClientId,
    label: 'Prometheus remote write',
    readBy: 'remoteWrite azureAd.workloadIdentity and the service account annotation',
  });
  roleAssignment(stack, 'prometheus_metrics_publisher', { scope: collectionRule.id, principalId: identity.principalId, roleName: METRICS_PUBLISHER_ROLE });

  // Grafana's managed-store data source: its own identity, federated with Grafana's service account, reading the workspace.
  const grafana = serviceAccountIdentity({ stack, inGroup, cluster }, 'grafana', {
    name: names.grafanaIdentityName,
    namespace: MONITORING_NAMESPACE,
    serviceAccount: GRAFANA_SERVICE_ACCOUNT,
    clientIdOutput: OBSERVABILITY_OUTPUTS.azureGrafanaClientId,
    label: 'Grafana managed-store queries',
    readBy: 'Grafana’s [azure] workload identity settings and the service account annotation',
  });
  roleAssignment(stack, 'grafana_metrics_reader', { scope: workspace.id, principalId: grafana.principalId, roleName: METRICS_READER_ROLE });

  addOutputs(stack, {
    [OBSERVABILITY_OUTPUTS.azureIngestionEndpoint]: {
      value: collectionEndpoint.metricsIngestionEndpoint,
      description: 'Metrics ingestion endpoint of the Prometheus data collection endpoint (remote write).',
    },
    [OBSERVABILITY_OUTPUTS.azureQueryEndpoint]: {
      value: workspace.queryEndpoint,
      description: 'Prometheus query endpoint of the Azure Monitor workspace (Grafana’s managed-store data source).',
    },
    [OBSERVABILITY_OUTPUTS.azureRuleImmutableId]: {
      value: collectionRule.immutableId,
      description: 'Immutable id of the Prometheus data collection rule (in the remote-write URL).',
    },
  });
  return { workspace, collectionEndpoint, collectionRule };
}
