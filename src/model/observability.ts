/**
 * Observability: the metrics pipeline every environment runs (kube-prometheus-stack: the Prometheus Operator,
 * Prometheus, Alertmanager, kube-state-metrics, node exporter) and GPU telemetry on the GPU pools (NVIDIA's DCGM
 * exporter). Plain data; the operator releases are in ./operators.ts, their values in charts/gitops/operator-values.ts.
 */
import type { PodSecurity } from './cluster';
import type { AwsIdentityMechanism } from './naming';
import type { Cloud, Stage } from './types';

export interface ObservabilitySpec {
  /** Metrics collection, GPU telemetry and alerting. Default: true. */
  enabled?: boolean;
  /** Days Prometheus keeps samples on its volume. Default: 7 in dev, 15 in prod. */
  retentionDays?: number;
  /** Size of Prometheus's volume, GiB. Default: 50 in dev, 200 in prod. */
  volumeGi?: number;
  /**
   * Prometheus also remote-writes every sample to the cloud's managed Prometheus store (Amazon Managed Service for
   * Prometheus / an Azure Monitor workspace), through its workload identity; its own volume keeps serving alerts and
   * in-cluster dashboards. Default: true in prod, false in dev. Needs `enabled`.
   */
  managedStore?: boolean;
  /**
   * OpenCost (src/model/opencost.ts): cost allocation per namespace, workload and pod, from this Prometheus's series.
   * Default: true in prod on AWS, false in dev and on Azure (OPENCOST_NODE_PRICES says why). Needs `enabled`.
   */
  opencost?: boolean;
}

export interface Observability {
  readonly enabled: boolean;
  readonly retentionDays: number;
  readonly volumeGi: number;
  /** Remote write to the cloud's managed store; never with observability off. */
  readonly managedStore: boolean;
  /** OpenCost runs in monitoring; never with observability off. */
  readonly opencost: boolean;
}

// Prod keeps metrics past the local retention and outside the cluster (they survive losing it); dev's 7 days on the volume are enough.
const DEFAULTS: { readonly [S in Stage]: Omit<Observability, 'enabled'> } = {
  dev: { retentionDays: 7, volumeGi: 50, managedStore: false, opencost: false },
  prod: { retentionDays: 15, volumeGi: 200, managedStore: true, opencost: true },
};

/** Limits the model accepts: Prometheus's volume must hold the retention (about 1–2 GiB a day for a cluster of this size). */
export const OBSERVABILITY_LIMITS = { retentionDays: { min: 1, max: 90 }, volumeGi: { min: 10, max: 4096 } } as const;

/**
 * Where OpenCost, as the platform runs it, finds each node's own list price. AWS: the public EC2 price list, no
 * credentials. Azure: only the rate-card API, which needs credentials the platform does not create; without them it
 * prices every on-demand node at its bundled defaults from 2019, a GPU at $0.043 an hour (configs/azure.json and
 * pkg/cloud/azure/provider.go NodePricing, read at v1.112.0), so its figures would mislead unless given rate-card access.
 */
export const OPENCOST_NODE_PRICES: { readonly [C in Cloud]: boolean } = { aws: true, azure: false };

export function resolveObservability(stage: Stage, cloud: Cloud, spec: ObservabilitySpec | undefined): Observability {
  const enabled = spec?.enabled ?? true;
  return {
    enabled,
    retentionDays: spec?.retentionDays ?? DEFAULTS[stage].retentionDays,
    volumeGi: spec?.volumeGi ?? DEFAULTS[stage].volumeGi,
    // No Prometheus, nothing to write: the stage's default follows `enabled` (validate.ts refuses an explicit true with it off).
    managedStore: enabled && (spec?.managedStore ?? DEFAULTS[stage].managedStore),
    opencost: enabled && (spec?.opencost ?? (DEFAULTS[stage].opencost && OPENCOST_NODE_PRICES[cloud])),
  };
}

/** Where Prometheus, Alertmanager, the operator and kube-state-metrics run. */
export const MONITORING_NAMESPACE = 'monitoring';

/**
 * Grafana's admin login: a Secret ESO generates in the cluster (a Password generator behind an ExternalSecret that
 * creates it once), so no password is in git, a Terraform state or the model. Read it with kubectl when needed.
 */
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';
/** The label and value Grafana's dashboard sidecar loads ConfigMaps by (kube-prometheus-stack 88.5.3 grafana.sidecar.dashboards). */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;

/**
 * Where the node exporter runs: a node agent on the host's network and process namespaces, reading the host's
 * /proc and /sys, which only the privileged level admits. Its own namespace keeps the monitoring namespace restricted.
 */
export const NODE_EXPORTER_NAMESPACE = 'monitoring-node';

export const NODE_EXPORTER_POD_SECURITY: PodSecurity = {
  level: 'privileged',
  reason:
    'prometheus-node-exporter 4.56.1 (kube-prometheus-stack 88.5.3): a node agent on the host network and PID namespace, reading the host’s /proc and /sys through hostPath',
};

/**
 * Prometheus's service account: kube-prometheus-stack 88.5.3 names it `<fullname>-prometheus`
 * (templates/_helpers.tpl `kube-prometheus-stack.prometheus.serviceAccountName`), and the fullname of release
 * `kube-prometheus-stack` is the release name (it contains the chart name). The remote-write identity trusts exactly it.
 */
export const PROMETHEUS_SERVICE_ACCOUNT = 'kube-prometheus-stack-prometheus';

/** The Service in front of Prometheus that kube-prometheus-stack 88.5.3 renders (`http-web`, 9090 to the pods' 9090). */
export const PROMETHEUS_SERVICE = { name: 'kube-prometheus-stack-prometheus', port: 9090 } as const;
/** Prometheus's query API inside the cluster, through that Service. */
export const PROMETHEUS_URL = `http://${PROMETHEUS_SERVICE.name}.${MONITORING_NAMESPACE}.svc:${PROMETHEUS_SERVICE.port}`;

/**
 * Pod Identity: Prometheus 3.14.0 (the image kube-prometheus-stack 88.5.3 pins) signs remote write with
 * prometheus/sigv4 v0.4.1, which loads credentials with aws-sdk-go-v2's config.LoadDefaultConfig (config v1.32.31 in
 * Prometheus's go.mod), whose container provider reads AWS_CONTAINER_CREDENTIALS_FULL_URI and the token file.
 */
export const PROMETHEUS_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';

/**
 * Grafana's service account: the grafana subchart names it after its fullname, `kube-prometheus-stack-grafana` for this
 * release (helm template of kube-prometheus-stack 88.5.3). The managed store's query identity trusts exactly it.
 */
export const GRAFANA_SERVICE_ACCOUNT = 'kube-prometheus-stack-grafana';

/**
 * Pod Identity for Grafana's Amazon Managed Service for Prometheus data source: grafana-amazonprometheus-datasource
 * 3.2.0 signs with grafana-aws-sdk v1.5.1 over aws-sdk-go-v2 (config v1.32.30), whose `default` provider reads the
 * container credentials the Pod Identity webhook injects, once Grafana forwards its environment to the plugin.
 */
export const GRAFANA_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';

/**
 * The data source plugin Grafana 13 reads each cloud's managed store with (SigV4 and Azure auth left the core
 * Prometheus data source for these), pinned to the newest tag that says it supports Grafana 13 (plugin.json
 * grafanaDependency `>=12.2.5-0`): grafana/grafana-amazonprometheus-datasource v3.2.0, grafana/azure-prometheus-datasource v1.0.3.
 */
export const MANAGED_STORE_PLUGIN = {
  aws: { id: 'grafana-amazonprometheus-datasource', version: '3.2.0' },
  azure: { id: 'grafana-azureprometheus-datasource', version: '1.0.3' },
} as const;
/** The managed store's data source in Grafana: by this uid, beside the in-cluster Prometheus the dashboards default to. */
export const MANAGED_STORE_DATASOURCE = { uid: 'managed-prometheus', name: 'Managed Prometheus (long-term)' } as const;

/** The stream of a data collection rule that takes Prometheus remote write (Azure Monitor managed Prometheus). */
export const PROMETHEUS_METRICS_STREAM = 'Microsoft-PrometheusMetrics';
/** The ingestion API version of Azure Monitor's Prometheus remote-write endpoint. */
export const AZURE_REMOTE_WRITE_API_VERSION = '2023-04-24';

/** Platform-stack outputs the Prometheus values read (values only the cloud assigns). */
export const OBSERVABILITY_OUTPUTS = {
  /** AWS: the workspace's `prometheus_endpoint` (ends with `/`). */
  awsWorkspaceEndpoint: 'prometheus_workspace_endpoint',
  /** Azure: the data collection endpoint's metrics ingestion endpoint, the rule's immutable id, the identity's client id. */
  azureIngestionEndpoint: 'prometheus_metrics_ingestion_endpoint',
  azureRuleImmutableId: 'prometheus_data_collection_rule_immutable_id',
  azureClientId: 'prometheus_client_id',
  /** Azure: the Azure Monitor workspace's Prometheus query endpoint and Grafana's query identity's client id. */
  azureQueryEndpoint: 'prometheus_query_endpoint',
  azureGrafanaClientId: 'grafana_client_id',
} as const;

/** Where Prometheus remote-writes, per cloud, from the outputs above. */
export const REMOTE_WRITE_URL = {
  aws: (workspaceEndpoint: string) => `${workspaceEndpoint.replace(/\/?$/, '/')}api/v1/remote_write`,
  azure: (ingestionEndpoint: string, ruleImmutableId: string) =>
    `${ingestionEndpoint.replace(/\/$/, '')}/dataCollectionRules/${ruleImmutableId}/streams/${PROMETHEUS_METRICS_STREAM}/api/v1/write?api-version=${AZURE_REMOTE_WRITE_API_VERSION}`,
} as const;
