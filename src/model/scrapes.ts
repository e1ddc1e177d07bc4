/**
 * What Prometheus scrapes beyond kube-prometheus-stack's own ServiceMonitors (itself, Alertmanager, the
 * Prometheus Operator, kube-state-metrics, the node exporter, the kubelet and cAdvisor, the API server,
 * CoreDNS) and the DCGM exporter chart's: the operators' metrics ports, as the pinned charts render their pods
 * with the platform's values (ports and pod selector labels read from `helm template` of each chart at its
 * version). Each target becomes a PodMonitor in the observability app and a flow from Prometheus, which
 * `npm run validate` proves against the NetworkPolicies; `monitoring-scrape-coverage` finds a metrics port no
 * monitor scrapes.
 */
import { cloudFlows, podFlow, tcpPorts, type Flow, type FlowPort, type PodRef } from './flows';
import { PLATFORM_STACK } from './naming';
import { GRAFANA_AWS_IDENTITY, MONITORING_NAMESPACE, PROMETHEUS_AWS_IDENTITY } from './observability';
import { OPENCOST_PODS, OPENCOST_PORT } from './opencost';
import { OPERATORS, operatorsFor, type OperatorName } from './operators';
import type { Environment } from './types';
import { workloadScrapes } from './workloads';

export interface ScrapeTarget {
  /** Unique per environment, DNS-1123: the PodMonitor's name. */
  readonly name: string;
  /** The pods, selected by labels every replica carries (the Deployment's selector). */
  readonly pods: PodRef;
  /** The container port: by name where the pod names it, else by number. */
  readonly port: FlowPort;
  /** Default `/metrics`. */
  readonly path?: string;
  /**
   * A container that serves metrics without declaring the port (KServe's runtimes declare none): Prometheus finds a
   * target per declared port only, so the monitor keeps this container's portless target and dials `port.port` on it.
   */
  readonly container?: string;
  /** Pod labels copied onto every series (as `a_b_c` for `a.b/c`): the model or job a series belongs to. */
  readonly podTargetLabels?: readonly string[];
  /**
   * Pods the platform does not deploy (so not in the cluster view) and whose NetworkPolicy it does not write: why the
   * scrape is allowed there. Their flow is declared (Prometheus's egress needs it) with the pods marked outside the
   * output, which network-flow-endpoints does not look for.
   */
  readonly outsideOutput?: string;
  /**
   * Keep the series' own labels where they clash with the target's (`namespace`, `pod`, `container`): for an exporter
   * whose series describe other pods (OpenCost's allocation series), not itself.
   */
  readonly honorLabels?: boolean;
}

/** The pods Prometheus runs as (the Prometheus Operator labels every Prometheus pod with the `app.kubernetes.io/name` it manages). */
export const PROMETHEUS_PODS: PodRef = { name: 'prometheus', namespace: MONITORING_NAMESPACE, labels: { 'app.kubernetes.io/name': 'prometheus' } };

const inMonitoring = (name: string, nameLabel: string): PodRef => ({ name, namespace: MONITORING_NAMESPACE, labels: { 'app.kubernetes.io/name': nameLabel } });

/**
 * kube-prometheus-stack 88.5.3's own pods in monitoring, by the `app.kubernetes.io/name` each carries: the charts'
 * pod templates (`helm template` with the platform's values) and, for Alertmanager, prometheus-operator's
 * makeSelectorLabels (pkg/alertmanager/operator.go, read at v0.93.0).
 */
export const MONITORING_PODS = {
  prometheus: PROMETHEUS_PODS,
  alertmanager: inMonitoring('alertmanager', 'alertmanager'),
  grafana: inMonitoring('grafana', 'grafana'),
  kubeStateMetrics: inMonitoring('kube-state-metrics', 'kube-state-metrics'),
  operator: inMonitoring('prometheus-operator', 'kube-prometheus-stack-prometheus-operator'),
} as const satisfies Record<string, PodRef>;

/**
 * The ports those pods serve each other on (helm template of kube-prometheus-stack 88.5.3 with the platform's values:
 * the Services' target ports; the config reloaders' `reloader-web`; kube-state-metrics' `http` and self-`metrics`).
 */
export const MONITORING_PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  configReloader: 8080,
  grafana: 3000,
  kubeStateMetrics: 8080,
  kubeStateMetricsSelf: 8081,
  operator: 10250,
} as const;

/**
 * What kube-prometheus-stack 88.5.3's ServiceMonitors scrape outside monitoring (helm template with the platform's
 * values): the kubelets (`https-metrics`: metrics, cAdvisor, probes) and the node exporter (host network,
 * `http-metrics`) on every node's address; CoreDNS, the cloud's add-on, by the label the chart's coredns Service
 * selects (`k8s-app: kube-dns`, `http-metrics` 9153); the API server at its Endpoints (`https`).
 */
export const NODE_PORTS = { kubelet: 10250, nodeExporter: 9100 } as const;
export const COREDNS_PODS: PodRef = {
  name: 'coredns',
  namespace: 'kube-system',
  labels: { 'k8s-app': 'kube-dns' },
  outsideOutput: 'CoreDNS is the cluster add-on of EKS and AKS',
};
export const COREDNS_METRICS: FlowPort = { port: 9153, protocol: 'TCP' };
/** The DCGM exporter's pods and port (dcgm-exporter 4.8.2: its DaemonSet's selector and container port `metrics`, which its chart's ServiceMonitor scrapes). */
export const DCGM_EXPORTER_PODS: PodRef = {
  name: 'dcgm-exporter',
  namespace: OPERATORS['dcgm-exporter'].namespace,
  labels: { 'app.kubernetes.io/name': 'dcgm-exporter', 'app.kubernetes.io/instance': 'dcgm-exporter' },
};
export const DCGM_EXPORTER_METRICS: FlowPort = { port: 9400, protocol: 'TCP', name: 'metrics' };

/** Where OpenCost downloads its cloud's list prices (OpenCost v1.112.0 pkg/cloud/aws/provider.go getRegionPricing; azure/provider.go getRetailPrice, for Spot nodes). */
const PRICE_LIST_HOST = { aws: 'pricing.us-east-1.amazonaws.com', azure: 'prices.azure.com' } as const;

/**
 * Where Grafana 13 installs and updates the plugins it preinstalls, the Prometheus data source among them
 * (pkg/setting/setting_plugins.go defaultPreinstallPlugins): blocked, it could start without one.
 */
export const GRAFANA_PLUGIN_HOST = 'grafana.com';

/**
 * The monitoring stack's own flows: Prometheus scraping the targets of kube-prometheus-stack's ServiceMonitors (each
 * Service's target ports, helm template at 88.5.3), the nodes, CoreDNS, the API server and the DCGM exporter, sending
 * alerts, discovering all of it through the API server and (with the managed store) remote-writing with its identity;
 * Grafana querying its two data sources (the chart's datasource ConfigMap: Prometheus on 9090, Alertmanager on 9093),
 * its sidecars watching the API server, and its plugin installs; kube-state-metrics and the Prometheus Operator
 * watching the API server; OpenCost where it runs.
 */
export function monitoringFlows(env: Environment): Flow[] {
  if (!env.observability.enabled) return [];
  const { prometheus, alertmanager, grafana, kubeStateMetrics, operator } = MONITORING_PODS;
  const port = MONITORING_PORTS;
  const apiServer = (from: PodRef, why: string): Flow => ({ from, to: { kind: 'api-server' }, why });
  return [
    apiServer(prometheus, 'discovers its targets and Alertmanager (Kubernetes service discovery)'),
    { from: prometheus, to: { kind: 'api-server-endpoints' }, why: 'scrapes the API server (kube-prometheus-stack’s apiserver ServiceMonitor)' },
    {
      from: prometheus,
      to: { kind: 'nodes', ports: tcpPorts(NODE_PORTS.kubelet, NODE_PORTS.nodeExporter) },
      why: 'scrapes the kubelets (metrics, cAdvisor, probes) and the node exporter on the host network',
    },
    podFlow(prometheus, COREDNS_PODS, [COREDNS_METRICS], 'scrapes CoreDNS (kube-prometheus-stack’s coredns ServiceMonitor)'),
    ...(operatorsFor(env).includes('dcgm-exporter')
      ? [podFlow(prometheus, DCGM_EXPORTER_PODS, [DCGM_EXPORTER_METRICS], 'scrapes the GPU telemetry (the DCGM exporter chart’s ServiceMonitor)')]
      : []),
    ...(env.observability.managedStore
      ? cloudFlows(env, PLATFORM_STACK, prometheus, { identity: PROMETHEUS_AWS_IDENTITY, services: ['aps-workspaces'] }, { services: ['monitor-ingestion'] })
      : []),
    { from: grafana, to: { kind: 'dns' }, why: 'resolves its data sources’ Service names' },
    apiServer(grafana, 'loads dashboards and data sources: its sidecars watch ConfigMaps and Secrets'),
    {
      from: grafana,
      to: { kind: 'public', host: GRAFANA_PLUGIN_HOST },
      why: 'installs and updates its preinstalled plugins, the Prometheus data source among them',
    },
    // Its managed-store data source (charts/gitops/operator-values.ts managedStoreDataSource), with its own identity.
    ...(env.observability.managedStore
      ? cloudFlows(env, PLATFORM_STACK, grafana, { identity: GRAFANA_AWS_IDENTITY, services: ['aps-workspaces'] }, { services: ['monitor-query'] }).filter(
          (f) => f.to.kind !== 'dns',
        )
      : []),
    apiServer(kubeStateMetrics, 'lists and watches the objects it describes'),
    apiServer(operator, 'reconciles Prometheus, Alertmanager and their monitors'),
    podFlow(prometheus, prometheus, tcpPorts(port.prometheus, port.configReloader), 'Prometheus scrapes itself (web) and its config reloader (reloader-web)'),
    podFlow(prometheus, alertmanager, tcpPorts(port.alertmanager), 'Prometheus sends alerts to Alertmanager and scrapes it'),
    podFlow(prometheus, alertmanager, tcpPorts(port.configReloader), 'Prometheus scrapes Alertmanager’s config reloader (reloader-web)'),
    podFlow(prometheus, grafana, tcpPorts(port.grafana), 'Prometheus scrapes Grafana'),
    podFlow(
      prometheus,
      kubeStateMetrics,
      tcpPorts(port.kubeStateMetrics, port.kubeStateMetricsSelf),
      'Prometheus scrapes kube-state-metrics: the objects’ series (http) and its own (metrics)',
    ),
    podFlow(prometheus, operator, tcpPorts(port.operator), 'Prometheus scrapes the Prometheus Operator (https)'),
    podFlow(grafana, prometheus, tcpPorts(port.prometheus), 'Grafana queries Prometheus, its default data source'),
    podFlow(grafana, alertmanager, tcpPorts(port.alertmanager), 'Grafana reads alerts from its Alertmanager data source'),
    ...(env.observability.opencost
      ? [
          podFlow(OPENCOST_PODS, prometheus, tcpPorts(port.prometheus), 'OpenCost queries Prometheus for usage, requests and its own price series'),
          { from: OPENCOST_PODS, to: { kind: 'api-server' as const }, why: 'OpenCost watches nodes, pods, volumes and controllers' },
          { from: OPENCOST_PODS, to: { kind: 'dns' as const }, why: 'resolves Prometheus’s Service name and its price list’s host' },
          { from: OPENCOST_PODS, to: { kind: 'public' as const, host: PRICE_LIST_HOST[env.cloud] }, why: 'downloads its cloud’s list prices' },
        ]
      : []),
  ];
}

const named = (name: string, port: number): FlowPort => ({ port, protocol: 'TCP', name });

/** One operator pod group's metrics endpoint. */
function target(operator: OperatorName, component: string, labels: Record<string, string>, port: FlowPort, path?: string): ScrapeTarget {
  const { namespace } = OPERATORS[operator];
  return {
    name: `${operator}-${component}`.replace(/-+$/, ''),
    pods: { name: `${operator} ${component}`.trim(), namespace, labels },
    port,
    ...(path ? { path } : {}),
  };
}

/**
 * Each operator's metrics endpoints, from its chart at the pinned version with the platform's values. Not here:
 * the NVIDIA device plugin (no metrics), kube-prometheus-stack and the DCGM exporter (their charts' own
 * ServiceMonitors), the KEDA metrics service (`metricsservice` 9666 is gRPC for the metrics API server, not
 * Prometheus). The KServe controller serves metrics only on 127.0.0.1 behind kube-rbac-proxy (https 8443,
 * a bearer token authorised for /metrics), which a PodMonitor cannot present yet: listed, not scraped.
 */
const OPERATOR_SCRAPES: { readonly [O in OperatorName]: readonly ScrapeTarget[] } = {
  'ack-sagemaker-controller': [
    target(
      'ack-sagemaker-controller',
      'controller',
      { 'app.kubernetes.io/name': 'sagemaker-chart', 'app.kubernetes.io/instance': 'ack-sagemaker-controller' },
      named('http', 8080),
    ),
  ],
  'cert-manager': [
    target(
      'cert-manager',
      'controller',
      { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
      named('http-metrics', 9402),
    ),
    target('cert-manager', 'cainjector', { 'app.kubernetes.io/name': 'cainjector', 'app.kubernetes.io/component': 'cainjector' }, named('http-metrics', 9402)),
    target('cert-manager', 'webhook', { 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/component': 'webhook' }, named('http-metrics', 9402)),
  ],
  // Its container port has no name (chart 9.51.0 / 9.59.0): selected by number.
  'cluster-autoscaler': [
    target(
      'cluster-autoscaler',
      '',
      { 'app.kubernetes.io/name': 'aws-cluster-autoscaler', 'app.kubernetes.io/instance': 'cluster-autoscaler' },
      { port: 8085, protocol: 'TCP' },
    ),
  ],
  'dcgm-exporter': [],
  'external-secrets': [
    target(
      'external-secrets',
      'controller',
      { 'app.kubernetes.io/name': 'external-secrets', 'app.kubernetes.io/instance': 'external-secrets' },
      named('metrics', 8080),
    ),
    target(
      'external-secrets',
      'webhook',
      { 'app.kubernetes.io/name': 'external-secrets-webhook', 'app.kubernetes.io/instance': 'external-secrets' },
      named('metrics', 8080),
    ),
    target(
      'external-secrets',
      'cert-controller',
      { 'app.kubernetes.io/name': 'external-secrets-cert-controller', 'app.kubernetes.io/instance': 'external-secrets' },
      named('metrics', 8080),
    ),
  ],
  'istio-base': [],
  // Envoy's own statistics, merged by the agent: /stats/prometheus on 15090.
  'istio-ingressgateway': [target('istio-ingressgateway', '', { istio: 'ingressgateway' }, named('http-envoy-prom', 15090), '/stats/prometheus')],
  istiod: [target('istiod', '', { istio: 'pilot' }, named('http-monitoring', 15014))],
  karpenter: [target('karpenter', '', { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': 'karpenter' }, named('http-metrics', 8080))],
  // The operator's port exists only with `prometheus.operator.enabled` (charts/gitops/operator-values.ts sets it).
  keda: [
    target('keda', 'operator', { app: 'keda-operator' }, named('metrics', 8080)),
    target('keda', 'metrics-apiserver', { app: 'keda-operator-metrics-apiserver' }, named('metrics', 8080)),
  ],
  'knative-operator': [
    target('knative-operator', 'operator', { name: 'knative-operator' }, named('metrics', 9090)),
    target('knative-operator', 'webhook', { app: 'operator-webhook', role: 'operator-webhook' }, named('metrics', 9090)),
  ],
  'kserve-crd': [],
  'kserve-resources': [],
  'kserve-runtime-configs': [],
  'kube-prometheus-stack': [],
  'milvus-operator': [
    target('milvus-operator', '', { 'app.kubernetes.io/name': 'milvus-operator', 'app.kubernetes.io/instance': 'milvus-operator' }, named('metrics', 8080)),
  ],
  'nvidia-device-plugin': [],
  'seldon-core-operator': [target('seldon-core-operator', '', { 'control-plane': 'seldon-controller-manager' }, named('metrics', 8080))],
  'spark-operator': [
    target('spark-operator', 'controller', { 'app.kubernetes.io/name': 'spark-operator', 'app.kubernetes.io/component': 'controller' }, named('metrics', 8080)),
    target('spark-operator', 'webhook', { 'app.kubernetes.io/name': 'spark-operator', 'app.kubernetes.io/component': 'webhook' }, named('metrics', 8080)),
  ],
};

/**
 * Metrics endpoints the platform knowingly leaves unscraped, by `<namespace>/<container port name>` of the pods
 * that declare them, with why (`monitoring-scrape-coverage` takes these as covered).
 */
export const UNSCRAPED_METRICS_PORTS: Readonly<Record<string, string>> = {
  'kserve/metrics':
    'kserve-resources v0.20.0: the controller binds its metrics to 127.0.0.1:8080 (kube-rbac-proxy serves them on https 8443 to an authorised bearer token)',
};

/**
 * Argo CD's application controller (argocd_app_info, for the GitOps alerts), as Argo CD v3.5.1's install manifests
 * deploy it into `argocd` (charts/gitops/argocd.ts ARGOCD_NAMESPACE): its container port 8082 has no name, and the
 * manifests' own NetworkPolicy admits 8082 from every namespace. Flux's state comes from kube-state-metrics instead.
 */
const ARGOCD_CONTROLLER: ScrapeTarget = {
  name: 'argocd-application-controller',
  pods: { name: 'argocd application-controller', namespace: 'argocd', labels: { 'app.kubernetes.io/name': 'argocd-application-controller' } },
  port: { port: 8082, protocol: 'TCP' },
  outsideOutput:
    'Argo CD is installed before the platform (README, GitOps); its v3.5.1 manifests admit 8082 from every namespace (argocd-application-controller-network-policy)',
};

/** The platform's scrape targets in this environment: none with observability off. */
export function scrapeTargets(env: Environment): ScrapeTarget[] {
  if (!env.observability.enabled) return [];
  return [
    ...operatorsFor(env).flatMap((o) => OPERATOR_SCRAPES[o]),
    ...(env.gitops?.tool === 'argocd' ? [ARGOCD_CONTROLLER] : []),
    ...(env.observability.opencost ? [OPENCOST_SCRAPE] : []),
    ...workloadScrapes(env),
  ];
}

/**
 * OpenCost's price and allocation series, which its own queries read back from Prometheus: scraped with their labels
 * kept (chart opencost 2.5.17's ServiceMonitor sets honorLabels), or `namespace` and `pod` would name OpenCost's pod.
 */
const OPENCOST_SCRAPE: ScrapeTarget = { name: 'opencost', pods: OPENCOST_PODS, port: OPENCOST_PORT, honorLabels: true };

/** Prometheus to each target's port: a flow the NetworkPolicies must allow and whose pods must exist (network-flow-endpoints). */
export function scrapeFlows(env: Environment): Flow[] {
  return scrapeTargets(env).map((t) =>
    podFlow(
      PROMETHEUS_PODS,
      t.outsideOutput ? { ...t.pods, outsideOutput: t.outsideOutput } : t.pods,
      [t.port],
      `Prometheus scrapes the ${t.pods.name} metrics`,
    ),
  );
}
