/**
 * OpenCost: in-cluster cost allocation per namespace, workload and pod, computed from what the platform's Prometheus
 * already collects (kube-state-metrics, cAdvisor) and OpenCost's own price series, which Prometheus scrapes from it.
 * Plain data; charts/observability/opencost.ts writes its objects.
 *
 * The platform writes OpenCost's few objects itself rather than installing its Helm chart: the chart is not in the
 * offline chart cache, so `helm template` could not render it, nor `npm run validate` admit it. The facts below are
 * those of chart opencost 2.5.17 (appVersion 1.120.1, read in opencost/opencost-helm-chart at tag opencost-2.5.17:
 * values.yaml, templates/deployment.yaml, clusterrole.yaml, servicemonitor.yaml). Only the exporter runs: its HTTP
 * API answers allocation queries (`kubectl port-forward`); the UI and the MCP server are left out.
 */
import type { FlowPort, PodRef } from './flows';
import { HTTP_PORT_NAME } from './flows';
import { MONITORING_NAMESPACE } from './observability';

/** The exporter image the chart pins at 2.5.17 (values.yaml opencost.exporter.image), by tag and digest. */
export const OPENCOST_IMAGE = 'ghcr.io/opencost/opencost:1.120.1@sha256:b0701f9b54e43c9abee98f5784792a5b469ca8951e87da32b161c1fa539ab0e1';
export const OPENCOST_VERSION = '1.120.1';

/** Its Deployment, service account and cluster role (cluster-wide reads need a ClusterRole). */
export const OPENCOST_NAME = 'opencost';

/** The pods, by the label the chart selects them with. */
export const OPENCOST_PODS: PodRef = { name: 'opencost', namespace: MONITORING_NAMESPACE, labels: { 'app.kubernetes.io/name': OPENCOST_NAME } };

/** API and metrics on one port (the chart's API_PORT 9003, container port `http`; its ServiceMonitor scrapes `/metrics` there). */
export const OPENCOST_PORT: FlowPort = { port: 9003, protocol: 'TCP', name: HTTP_PORT_NAME };
/** What answers 200 once it runs (the chart's probes). */
export const OPENCOST_HEALTH_PATH = '/healthz';

/**
 * Where it writes its own files (metrics and cluster configuration): /var/configs when CONFIG_PATH is unset
 * (pkg/env/costmodelenv.go DefaultConfigMountPath, read at opencost v1.112.0, the newest tag in the stored source).
 * The root filesystem is read-only here, so this is an emptyDir; what it holds is rebuilt on start. CONFIG_PATH stays
 * unset, as the chart leaves it: it would also move where the price files are read, from the image's /models
 * (pkg/cloud/provider/providerconfig.go configPathFor) to the empty folder.
 */
export const OPENCOST_CONFIG_DIR = '/var/configs';

/**
 * What it reads, from the chart's ClusterRole at 2.5.17: get/list/watch only, nothing written. Secrets are not among
 * them.
 */
export const OPENCOST_READS: readonly { readonly apiGroups: readonly string[]; readonly resources: readonly string[]; readonly verbs: readonly string[] }[] = [
  {
    apiGroups: [''],
    resources: [
      'configmaps',
      'deployments',
      'nodes',
      'pods',
      'services',
      'resourcequotas',
      'replicationcontrollers',
      'limitranges',
      'persistentvolumeclaims',
      'persistentvolumes',
      'namespaces',
      'endpoints',
    ],
    verbs: ['get', 'list', 'watch'],
  },
  { apiGroups: ['extensions'], resources: ['daemonsets', 'deployments', 'replicasets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['statefulsets', 'deployments', 'daemonsets', 'replicasets'], verbs: ['list', 'watch'] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
];

/**
 * Settings the chart renders with its defaults at 2.5.17 (templates/deployment.yaml), kept as it sets them; the MCP
 * server off (`opencost.mcp.enabled: false` renders MCP_SERVER_ENABLED "false"), and no cloud billing integration
 * (CLOUD_COST_ENABLED "false": that needs billing-export credentials).
 */
export const OPENCOST_SETTINGS: Readonly<Record<string, string>> = {
  LOG_LEVEL: 'info',
  CUSTOM_COST_ENABLED: 'false',
  PROMETHEUS_QUERY_RESOLUTION_SECONDS: '300',
  RESOLUTION_1D_RETENTION: '15',
  RESOLUTION_1H_RETENTION: '49',
  CLOUD_COST_ENABLED: 'false',
  INSECURE_SKIP_VERIFY: 'false',
  MCP_SERVER_ENABLED: 'false',
};
