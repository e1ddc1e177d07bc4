/**
 * The platform's Grafana dashboards (issue 17), as plain data: one per workload the environment runs and one for the
 * platform, each panel only for components the environment runs. Not wired into a chart yet (the Grafana sidecar's
 * ConfigMaps will carry serializeDashboard's text); nothing here imports cdk8s or cdktf.
 *
 * Every metric is in METRIC_CATALOG with the component, version and file it was read from. Labels as Prometheus
 * stores them: the platform's PodMonitors and the DCGM exporter chart's ServiceMonitor keep the default
 * honorLabels: false, so an exporter's own `namespace`/`pod` label becomes `exported_namespace`/`exported_pod`
 * (and `namespace` is the exporter's pod's); kube-state-metrics is scraped with honorLabels: true by its chart.
 */
import type { Environment, WorkloadName } from '../../src/model/types';
import { usesSpot } from '../../src/model/defaults';
import { operatorsFor } from '../../src/model/operators';
import { CAPACITY_LABEL, POOL_LABEL } from '../../src/model/scheduling';
import { workloadNamespace } from '../../src/model/naming';
import { EDW_CONSUMER } from '../../src/model/workloads/edw/names';
import { MLFLOW } from '../../src/model/workloads/mlops/names';
import { KNATIVE_REVISION_POD_LABEL, seldonDeploymentName, servesOnKnative, modelsServedBy } from '../../src/model/workloads/mlops/serving';
import { MILVUS_INSTANCE, RAG_API } from '../../src/model/workloads/rag/names';
import { INFERENCE_SERVICE_LABEL, KSM_JOB, promLabel, SPOT_INTERRUPTIONS } from './alert-rules';

/**
 * Grafana 13.2.0 (the grafana subchart 12.11.1 of kube-prometheus-stack 88.5.3, Chart.yaml appVersion; not 12.x).
 * 42 is the LATEST_VERSION of Grafana's dashboard migrator (apps/dashboard/pkg/migration/schemaversion/migrations.go)
 * in the sources read; a v43 migration (formatTime → convertFieldType, a transformation these dashboards do not use)
 * exists in later sources, but could not be tied to the 13.2.0 tag. Grafana migrates an older schemaVersion on load.
 */
export const SCHEMA_VERSION = 42;

export type MetricSource =
  | 'kube-state-metrics'
  | 'dcgm-exporter'
  | 'karpenter'
  | 'keda'
  | 'cert-manager'
  | 'external-secrets'
  | 'argocd'
  | 'flux'
  | 'knative-queue-proxy'
  | 'kserve-model-server'
  | 'triton'
  | 'tensorflow-serving'
  | 'torchserve'
  | 'seldon-executor'
  | 'milvus'
  | 'spark-operator'
  | 'opencost';

/** Every metric a dashboard queries: which component exports it, and where its name and labels were read. */
export const METRIC_CATALOG: Readonly<Record<string, { readonly source: MetricSource; readonly from: string }>> = {
  kube_node_labels: {
    source: 'kube-state-metrics',
    from: 'kube-state-metrics node collector; labels per metricLabelsAllowlist (charts/gitops/operator-values.ts)',
  },
  kube_node_status_condition: {
    source: 'kube-state-metrics',
    from: 'kube-state-metrics node collector {node, condition, status}, one series per status; VMEventScheduled set by AKS’s Node Problem Detector',
  },
  kube_deployment_status_replicas_available: {
    source: 'kube-state-metrics',
    from: 'kube-state-metrics deployment collector (the chart’s KubeDeploymentReplicasMismatch)',
  },
  kube_deployment_spec_replicas: { source: 'kube-state-metrics', from: 'kube-state-metrics deployment collector' },
  kube_horizontalpodautoscaler_status_current_replicas: { source: 'kube-state-metrics', from: 'kube-prometheus-stack 88.5.3 KubeHpaMaxedOut rule' },
  kube_horizontalpodautoscaler_spec_max_replicas: { source: 'kube-state-metrics', from: 'kube-prometheus-stack 88.5.3 KubeHpaMaxedOut rule' },
  kube_job_status_active: { source: 'kube-state-metrics', from: 'kube-state-metrics job collector {namespace, job_name}' },
  kube_job_status_succeeded: { source: 'kube-state-metrics', from: 'kube-state-metrics job collector {namespace, job_name}' },
  kube_job_status_failed: { source: 'kube-state-metrics', from: 'kube-state-metrics job collector (the chart’s KubeJobFailed)' },
  DCGM_FI_DEV_GPU_UTIL: { source: 'dcgm-exporter', from: 'dcgm-exporter 4.5.3-4.8.2 etc/default-counters.csv (gauge, %)' },
  DCGM_FI_DEV_FB_USED: { source: 'dcgm-exporter', from: 'dcgm-exporter 4.5.3-4.8.2 etc/default-counters.csv (gauge, MiB)' },
  DCGM_FI_DEV_FB_FREE: { source: 'dcgm-exporter', from: 'dcgm-exporter 4.5.3-4.8.2 etc/default-counters.csv (gauge, MiB)' },
  karpenter_interruption_received_messages_total: {
    source: 'karpenter',
    from: 'karpenter-provider-aws v1.14.1 pkg/controllers/interruption/metrics.go {message_type}; kinds in messages/types.go',
  },
  keda_scaler_metrics_value: {
    source: 'keda',
    from: 'keda v2.20.2 pkg/metricscollector/prommetrics.go {namespace, metric, scaledObject, scaler, triggerIndex, type}',
  },
  certmanager_certificate_expiration_timestamp_seconds: { source: 'cert-manager', from: 'cert-manager v1.19.1 internal/collectors/certificate_collector.go' },
  externalsecret_status_condition: { source: 'external-secrets', from: 'external-secrets v2.9.0 pkg/controllers/externalsecret/esmetrics/esmetrics.go' },
  argocd_app_info: { source: 'argocd', from: 'argo-cd v3.5.1 controller/metrics/metrics.go' },
  gotk_resource_info: {
    source: 'flux',
    from: 'kube-state-metrics custom resource state per Flux’s monitoring docs (charts/gitops/operator-values.ts FLUX_RESOURCE_STATE)',
  },
  kn_serving_invocation_duration_seconds_bucket: {
    source: 'knative-queue-proxy',
    from: 'Knative Serving knative-v1.21.1 pkg/queue/request_metric.go (via alert-rules.ts)',
  },
  kn_serving_invocation_duration_seconds_count: {
    source: 'knative-queue-proxy',
    from: 'Knative Serving knative-v1.21.1 pkg/queue/request_metric.go (via alert-rules.ts)',
  },
  request_predict_seconds_bucket: { source: 'kserve-model-server', from: 'kserve v0.20.0 python/kserve/kserve/metrics.py PREDICT_HIST_TIME {model_name}' },
  request_predict_seconds_count: { source: 'kserve-model-server', from: 'kserve v0.20.0 python/kserve/kserve/metrics.py PREDICT_HIST_TIME {model_name}' },
  nv_inference_request_success: { source: 'triton', from: 'Triton core r23.05 src/metrics.cc (counter; model, version)' },
  nv_inference_request_failure: { source: 'triton', from: 'Triton core r23.05 src/metrics.cc (counter; model, version)' },
  nv_inference_request_duration_us: { source: 'triton', from: 'Triton core r23.05 src/metrics.cc (cumulative microseconds, cached requests included)' },
  ':tensorflow:serving:request_count': {
    source: 'tensorflow-serving',
    from: 'tensorflow/serving 2.6.2 servables/tensorflow/util.cc /tensorflow/serving/request_count {model_name, status}',
  },
  ':tensorflow:serving:request_latency_bucket': {
    source: 'tensorflow-serving',
    from: 'tensorflow/serving 2.6.2 servables/tensorflow/util.cc /tensorflow/serving/request_latency {model_name, API, entrypoint} (µs; successful requests)',
  },
  ts_inference_requests_total: {
    source: 'torchserve',
    from: 'TorchServe 0.9.0 ts/configs/metrics.yaml, InferenceRequestHandler.java {model_name, model_version, hostname} (counter)',
  },
  ts_inference_latency_microseconds: { source: 'torchserve', from: 'TorchServe 0.9.0 ts/configs/metrics.yaml, RestJob.java (counter, µs)' },
  Requests5XX: { source: 'torchserve', from: 'TorchServe 0.9.0 ts/configs/metrics.yaml, NettyUtils.java sendHttpResponse {Level, Hostname} (counter)' },
  seldon_api_executor_server_requests_seconds_bucket: {
    source: 'seldon-executor',
    from: 'seldon-core v1.18.2 executor/api/metric/server.go {deployment_name, predictor_name, predictor_version, service, method, code}',
  },
  seldon_api_executor_server_requests_seconds_count: { source: 'seldon-executor', from: 'seldon-core v1.18.2 executor/api/metric/server.go' },
  milvus_proxy_sq_latency_bucket: { source: 'milvus', from: 'milvus pkg/metrics/proxy_metrics.go ProxySQLatency {node_id, query_type, …} (ms buckets)' },
  milvus_proxy_req_count: { source: 'milvus', from: 'milvus pkg/metrics/proxy_metrics.go ProxyFunctionCall {node_id, function_name, status, …}' },
  spark_application_success_count: {
    source: 'spark-operator',
    from: 'spark-operator v2.5.2 pkg/common/metrics.go, internal/metrics/sparkapplication_metrics.go',
  },
  spark_application_failure_count: { source: 'spark-operator', from: 'spark-operator v2.5.2 pkg/common/metrics.go' },
  spark_application_failed_submission_count: { source: 'spark-operator', from: 'spark-operator v2.5.2 pkg/common/metrics.go' },
  spark_application_running_count: { source: 'spark-operator', from: 'spark-operator v2.5.2 pkg/common/metrics.go (gauge)' },
  spark_application_success_execution_time_seconds_sum: { source: 'spark-operator', from: 'spark-operator v2.5.2 (summary, no quantiles)' },
  spark_application_success_execution_time_seconds_count: { source: 'spark-operator', from: 'spark-operator v2.5.2 (summary, no quantiles)' },
  spark_application_failure_execution_time_seconds_sum: { source: 'spark-operator', from: 'spark-operator v2.5.2 (summary, no quantiles)' },
  spark_application_failure_execution_time_seconds_count: { source: 'spark-operator', from: 'spark-operator v2.5.2 (summary, no quantiles)' },
  spark_executor_running_count: { source: 'spark-operator', from: 'spark-operator v2.5.2 pkg/common/metrics.go (gauge)' },
  ...Object.fromEntries(
    [
      'container_cpu_allocation',
      'container_memory_allocation_bytes',
      'container_gpu_allocation',
      'node_cpu_hourly_cost',
      'node_ram_hourly_cost',
      'node_gpu_hourly_cost',
      'node_total_hourly_cost',
    ].map((name) => [name, { source: 'opencost' as const, from: 'opencost v1.112.0 pkg/costmodel/metrics.go (the newest stored; the image is 1.120.1)' }]),
  ),
};

export type PanelType = 'timeseries' | 'stat' | 'gauge' | 'table' | 'text';

export interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat?: string;
  readonly instant?: boolean;
}

export interface Panel {
  readonly type: PanelType;
  readonly title: string;
  readonly description: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly type: 'prometheus'; readonly uid: string };
  readonly targets?: readonly Target[];
  readonly fieldConfig?: { readonly defaults: Readonly<Record<string, unknown>>; readonly overrides: readonly unknown[] };
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface DashboardJson {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly [key: string]: unknown;
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly fileName: string;
  readonly json: DashboardJson;
}

/** A panel before layout: its width (of Grafana's 24 columns) and height. */
interface PanelSpec {
  readonly type: PanelType;
  readonly title: string;
  readonly description: string;
  readonly w?: number;
  readonly h?: number;
  readonly queries?: readonly { readonly expr: string; readonly legend?: string }[];
  readonly unit?: string;
  readonly text?: string;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const UID_PREFIX = 'platform-synth';

const POOL = `label_${promLabel(POOL_LABEL)}`;
const CAPACITY = `label_${promLabel(CAPACITY_LABEL)}`;

const regexOf = (values: readonly string[]): string => values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');

/** KEDA names the HPA of a ScaledObject `keda-hpa-<name>` (keda v2.20.2 controllers/keda/hpa.go getHPAName). */
const kedaHpa = (scaledObject: string): string => `keda-hpa-${scaledObject}`;

/** Lays panels out left to right in rows of 24 columns, a row as tall as its tallest panel: the same input, the same grid. */
function layout(specs: readonly PanelSpec[]): Panel[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((s) => {
    const w = s.w ?? 12;
    const h = s.h ?? 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    if (s.type === 'text')
      return { type: 'text', title: s.title, description: s.description, gridPos, options: { mode: 'markdown', content: s.text ?? s.description } };
    const isTable = s.type === 'table';
    return {
      type: s.type,
      title: s.title,
      description: s.description,
      gridPos,
      datasource: DATASOURCE,
      targets: (s.queries ?? []).map((q, i) => ({
        refId: String.fromCharCode(65 + i),
        expr: q.expr,
        ...(q.legend ? { legendFormat: q.legend } : {}),
        ...(isTable ? { instant: true } : {}),
      })),
      fieldConfig: { defaults: s.unit ? { unit: s.unit } : {}, overrides: [] },
      options: isTable ? { showHeader: true } : s.type === 'timeseries' ? { legend: { displayMode: 'table', placement: 'bottom', showLegend: true } } : {},
    };
  });
}

function dashboard(env: Environment, name: string, title: string, specs: readonly PanelSpec[]): Dashboard {
  const uid = `${UID_PREFIX}-${name}`;
  const json: DashboardJson = {
    uid,
    title,
    tags: [UID_PREFIX, env.name],
    schemaVersion: SCHEMA_VERSION,
    editable: false,
    graphTooltip: 1,
    time: { from: 'now-6h', to: 'now' },
    timezone: 'utc',
    refresh: '1m',
    links: [],
    annotations: { list: [] },
    templating: {
      list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', regex: '', hide: 0, refresh: 1, current: {}, options: [] }],
    },
    panels: layout(specs),
  };
  return { uid, title: `${title} (${env.name})`, fileName: `${uid}.json`, json };
}

/** GPU series with the node's pool label: DCGM's `Hostname` is the node name (NODE_NAME from spec.nodeName in the chart 4.8.2 DaemonSet). */
const withPool = (metric: string, pools: readonly string[]): string =>
  `label_replace(${metric}, "node", "$1", "Hostname", "(.*)") * on (node) group_left (${POOL}) kube_node_labels{${KSM_JOB},${POOL}=~"${regexOf(pools)}"}`;

function platformPanels(env: Environment): PanelSpec[] {
  const operators = operatorsFor(env);
  const gpuPools = env.cluster.gpuPools.map((p) => p.name);
  const panels: PanelSpec[] = [
    {
      type: 'timeseries',
      title: 'Nodes by pool and capacity type',
      description: 'kube-state-metrics kube_node_labels with the pool and capacity labels on its allowlist.',
      queries: [{ expr: `count by (${POOL}, ${CAPACITY}) (kube_node_labels{${KSM_JOB}})`, legend: `{{${POOL}}} ({{${CAPACITY}}})` }],
    },
  ];
  // On AWS the signal is Karpenter's: none where no Karpenter runs.
  if (usesSpot(env) && (env.cloud !== 'aws' || operators.includes('karpenter'))) {
    const { title, description, expr, legend } = SPOT_INTERRUPTIONS[env.cloud].panel;
    panels.push({ type: 'timeseries', title, description, queries: [{ expr, legend }] });
  }
  if (operators.includes('dcgm-exporter') && gpuPools.length > 0)
    panels.push(
      {
        type: 'timeseries',
        title: 'GPU utilization per pool',
        description: 'Mean DCGM_FI_DEV_GPU_UTIL of the GPUs of each pool.',
        unit: 'percent',
        queries: [{ expr: `avg by (${POOL}) (${withPool('DCGM_FI_DEV_GPU_UTIL', gpuPools)})`, legend: `{{${POOL}}}` }],
      },
      {
        type: 'timeseries',
        title: 'GPU memory used per pool',
        description: 'Framebuffer memory used over used + free, per pool.',
        unit: 'percentunit',
        queries: [
          {
            expr: `sum by (${POOL}) (${withPool('DCGM_FI_DEV_FB_USED', gpuPools)}) / sum by (${POOL}) (${withPool('DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE', gpuPools)})`,
            legend: `{{${POOL}}}`,
          },
        ],
      },
      {
        type: 'table',
        title: 'GPU utilization per pod',
        description: 'GPUs held by a pod (DCGM sets the pod labels only there), the busiest first.',
        unit: 'percent',
        queries: [{ expr: 'topk(20, avg by (exported_namespace, exported_pod) (DCGM_FI_DEV_GPU_UTIL{exported_pod!=""}))' }],
      },
    );
  if (env.observability.opencost) panels.push(...openCostPanels());
  if (operators.includes('cert-manager'))
    panels.push({
      type: 'table',
      title: 'Certificates: days left',
      description: 'cert-manager renews at two thirds of a certificate’s life; a short time left means renewal fails.',
      unit: 'd',
      queries: [{ expr: '(certmanager_certificate_expiration_timestamp_seconds - time()) / 86400' }],
    });
  if (operators.includes('external-secrets'))
    panels.push({
      type: 'stat',
      title: 'ExternalSecrets not synced',
      description: 'ExternalSecrets whose Ready condition is False.',
      w: 6,
      queries: [{ expr: 'sum(externalsecret_status_condition{condition="Ready",status="False"})' }],
    });
  const tool = env.gitops?.tool;
  if (tool === 'argocd')
    panels.push({
      type: 'timeseries',
      title: 'Argo CD applications by sync and health',
      description: 'Argo CD’s application controller: argocd_app_info per application.',
      queries: [
        { expr: 'count by (sync_status) (argocd_app_info)', legend: '{{sync_status}}' },
        { expr: 'count by (health_status) (argocd_app_info)', legend: '{{health_status}}' },
      ],
    });
  else if (tool === 'flux')
    panels.push({
      type: 'table',
      title: 'Flux resources not ready',
      description: 'gotk_resource_info from kube-state-metrics’ custom resource state; suspended resources left out.',
      queries: [{ expr: 'gotk_resource_info{ready!="True",suspended!="true"} == 1' }],
    });
  return panels;
}

/**
 * A namespace's allocation × its nodes' hourly prices, from OpenCost's own series (pkg/costmodel/metrics.go, read at
 * v1.112.0: container_*_allocation by namespace, pod, container and node; node_*_hourly_cost by node, RAM per GiB).
 * The node series carry no pod, so the scrape adds OpenCost's pod: `max by (node)` keeps one per node through a
 * rollout.
 */
const allocatedCost = (allocation: string, price: string): string => `sum by (namespace) (${allocation} * on (node) group_left () max by (node) (${price}))`;

function openCostPanels(): PanelSpec[] {
  const cpu = allocatedCost('container_cpu_allocation', 'node_cpu_hourly_cost');
  const memory = allocatedCost('container_memory_allocation_bytes / 1073741824', 'node_ram_hourly_cost');
  // Only GPU pods have GPU series: a namespace without any counts 0 there, not nothing.
  const gpu = `(${allocatedCost('container_gpu_allocation', 'node_gpu_hourly_cost')} or ${cpu} * 0)`;
  return [
    {
      type: 'timeseries',
      title: 'Cost per namespace (OpenCost, per hour)',
      description:
        'CPU, memory and GPUs allocated (the larger of request and usage) × the nodes’ hourly list prices, as OpenCost publishes them (on AWS, Spot nodes at on-demand prices).',
      unit: 'currencyUSD',
      queries: [{ expr: `${cpu} + ${memory} + ${gpu}`, legend: '{{namespace}}' }],
    },
    {
      type: 'stat',
      title: 'Nodes’ cost per hour (OpenCost)',
      description: 'Every node’s hourly list price, idle capacity included.',
      unit: 'currencyUSD',
      w: 6,
      queries: [{ expr: 'sum(max by (node) (node_total_hourly_cost))' }],
    },
  ];
}

function edwPanels(env: Environment): PanelSpec[] {
  if (!env.edw) return [];
  const ns = workloadNamespace('edw');
  const hpa = `{${KSM_JOB},namespace="${ns}",horizontalpodautoscaler="${kedaHpa(EDW_CONSUMER)}"}`;
  // The ScaledObject's namespace is KEDA's own `namespace` label, stored as exported_namespace (see the header).
  const queue = `max(keda_scaler_metrics_value{exported_namespace="${ns}",scaledObject="${EDW_CONSUMER}"})`;
  const replicas = `max(kube_horizontalpodautoscaler_status_current_replicas${hpa})`;
  const panels: PanelSpec[] = [];
  if (operatorsFor(env).includes('keda'))
    panels.push(
      {
        type: 'timeseries',
        title: 'Queue depth vs consumer replicas',
        description: 'The queue length KEDA’s trigger reads, the consumers’ current replicas and KEDA’s maximum.',
        w: 16,
        queries: [
          { expr: queue, legend: 'queue depth' },
          { expr: replicas, legend: 'replicas' },
          { expr: `max(kube_horizontalpodautoscaler_spec_max_replicas${hpa})`, legend: 'max replicas' },
        ],
      },
      {
        type: 'stat',
        title: 'Messages per consumer',
        description: 'Queue depth over current replicas (at least one).',
        w: 8,
        queries: [{ expr: `${queue} / clamp_min(${replicas}, 1)` }],
      },
    );
  else
    panels.push(
      {
        type: 'text',
        title: 'Queue depth',
        description: 'KEDA runs as the AKS add-on (kube-system), which the platform does not scrape: no queue depth series.',
        w: 8,
      },
      {
        type: 'timeseries',
        title: 'Consumer replicas',
        description: 'The consumers’ current replicas and KEDA’s maximum (the HPA KEDA manages).',
        w: 16,
        queries: [
          { expr: replicas, legend: 'replicas' },
          { expr: `max(kube_horizontalpodautoscaler_spec_max_replicas${hpa})`, legend: 'max replicas' },
        ],
      },
    );
  return panels;
}

function mlopsPanels(env: Environment): PanelSpec[] {
  if (!env.mlops) return [];
  const ns = workloadNamespace('mlops');
  const { models, training } = env.mlops;
  const panels: PanelSpec[] = [
    {
      type: 'stat',
      title: 'MLflow available replicas',
      description: 'The tracking server’s available replicas.',
      w: 6,
      queries: [{ expr: `sum(kube_deployment_status_replicas_available{${KSM_JOB},namespace="${ns}",deployment="${MLFLOW}"})` }],
    },
  ];
  const knative = models.filter(servesOnKnative).map((m) => m.name);
  if (knative.length > 0) {
    // Scraped: queue-proxy's PodMonitor, with podTargetLabels serving.kserve.io/inferenceservice and, for the canary
    // share, serving.knative.dev/revision (knative-v1.21.1 pkg/reconciler/revision/resources/meta.go makeLabels).
    const isvc = INFERENCE_SERVICE_LABEL;
    const revision = promLabel(KNATIVE_REVISION_POD_LABEL);
    const sel = (extra: string) => `{namespace="${ns}",${isvc}=~"${regexOf(knative)}"${extra}}`;
    const rate = (extra: string, by: string) => `sum by (${by}) (rate(kn_serving_invocation_duration_seconds_count${sel(extra)}[5m]))`;
    panels.push(
      {
        type: 'timeseries',
        title: 'Inference p99 latency (Knative models)',
        description: 'Queue-proxy request duration, per model.',
        unit: 's',
        w: 18,
        queries: [
          { expr: `histogram_quantile(0.99, sum by (le, ${isvc}) (rate(kn_serving_invocation_duration_seconds_bucket${sel('')}[5m])))`, legend: `{{${isvc}}}` },
        ],
      },
      {
        type: 'timeseries',
        title: 'Inference error rate (Knative models)',
        description: 'Share of 5xx answers, per model.',
        unit: 'percentunit',
        queries: [{ expr: `${rate(',http_response_status_code=~"5.."', isvc)} / ${rate('', isvc)}`, legend: `{{${isvc}}}` }],
      },
      {
        type: 'timeseries',
        title: 'Inference throughput (Knative models)',
        description: 'Requests per second, per model.',
        unit: 'reqps',
        queries: [{ expr: rate('', isvc), legend: `{{${isvc}}}` }],
      },
      {
        type: 'timeseries',
        title: 'Canary traffic share',
        description: 'Share of each model’s requests per Knative revision (the canary is the latest).',
        unit: 'percentunit',
        queries: [{ expr: `${rate('', `${isvc}, ${revision}`)} / on (${isvc}) group_left () ${rate('', isvc)}`, legend: `{{${isvc}}} {{${revision}}}` }],
      },
    );
  }
  // The models whose model server is scraped (src/model/workloads/mlops/flows.ts mlopsScrapes): Standard mode only.
  const python = modelsServedBy(models, 'kserve');
  if (python.length > 0) {
    // model_name is the InferenceService's name (the runtimes' --model_name={{.Name}}). It counts failed predictions
    // too and has no status label: no error rate from the model server. Scraped: the predictors' PodMonitors on 8080 (Standard mode only).
    const sel = `{namespace="${ns}",model_name=~"${regexOf(python)}"}`;
    panels.push(
      {
        type: 'timeseries',
        title: 'Model server predict p99 latency',
        description: 'KServe model server request_predict_seconds, per Standard-mode model.',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.99, sum by (le, model_name) (rate(request_predict_seconds_bucket${sel}[5m])))`, legend: '{{model_name}}' }],
      },
      {
        type: 'timeseries',
        title: 'Model server predictions per second',
        description: 'Predict calls per second, per model.',
        unit: 'reqps',
        queries: [{ expr: `sum by (model_name) (rate(request_predict_seconds_count${sel}[5m]))`, legend: '{{model_name}}' }],
      },
    );
  }
  const triton = modelsServedBy(models, 'triton');
  if (triton.length > 0) {
    // Triton's `model` is its own model name: panels go by the InferenceService label the predictor's PodMonitor copies.
    const sel = `{namespace="${ns}",${INFERENCE_SERVICE_LABEL}=~"${regexOf(triton)}"}`;
    const rate = (metric: string) => `sum by (${INFERENCE_SERVICE_LABEL}) (rate(${metric}${sel}[5m]))`;
    const requests = `(${rate('nv_inference_request_success')} + ${rate('nv_inference_request_failure')})`;
    const legend = `{{${INFERENCE_SERVICE_LABEL}}}`;
    panels.push(
      {
        type: 'timeseries',
        title: 'Triton requests per second',
        description: 'Inference requests per second per Triton-served (onnx) model, succeeded and failed.',
        unit: 'reqps',
        queries: [{ expr: requests, legend }],
      },
      {
        type: 'timeseries',
        title: 'Triton failed share',
        description: 'Share of each Triton-served model’s requests that failed.',
        unit: 'percentunit',
        queries: [{ expr: `${rate('nv_inference_request_failure')} / ${requests}`, legend }],
      },
      {
        type: 'timeseries',
        title: 'Triton mean request time',
        // Triton adds to nv_inference_request_duration_us for successful requests only (core r23.05 src/infer_stats.cc
        // UpdateSuccess; UpdateFailure counts the failure alone): over all requests, failures would dilute the mean.
        description: 'Mean duration of the successful inference requests per Triton-served model.',
        unit: 's',
        queries: [{ expr: `${rate('nv_inference_request_duration_us')} / ${rate('nv_inference_request_success')} / 1e6`, legend }],
      },
    );
  }
  const tfServing = modelsServedBy(models, 'tensorflow-serving');
  if (tfServing.length > 0) {
    const sel = (extra: string) => `{namespace="${ns}",${INFERENCE_SERVICE_LABEL}=~"${regexOf(tfServing)}"${extra}}`;
    const rate = (metric: string, extra = '', by: string = INFERENCE_SERVICE_LABEL) => `sum by (${by}) (rate(${metric}${sel(extra)}[5m]))`;
    const legend = `{{${INFERENCE_SERVICE_LABEL}}}`;
    panels.push(
      {
        type: 'timeseries',
        title: 'TensorFlow Serving requests per second',
        description: 'Requests per second per TensorFlow Serving (tensorflow) model, every status.',
        unit: 'reqps',
        queries: [{ expr: rate(':tensorflow:serving:request_count'), legend }],
      },
      {
        type: 'timeseries',
        title: 'TensorFlow Serving failed share',
        description: 'Share of each TensorFlow Serving model’s requests that did not end OK.',
        unit: 'percentunit',
        queries: [{ expr: `${rate(':tensorflow:serving:request_count', ',status!="OK"')} / ${rate(':tensorflow:serving:request_count')}`, legend }],
      },
      {
        type: 'timeseries',
        title: 'TensorFlow Serving p99 latency',
        // The histogram is in microseconds and times successful requests only (util.cc RecordRequestLatency).
        description: 'p99 time of the successful requests per TensorFlow Serving model.',
        unit: 's',
        queries: [
          {
            expr: `histogram_quantile(0.99, ${rate(':tensorflow:serving:request_latency_bucket', '', `le, ${INFERENCE_SERVICE_LABEL}`)}) / 1e6`,
            legend,
          },
        ],
      },
    );
  }
  const torchServe = modelsServedBy(models, 'torchserve');
  if (torchServe.length > 0) {
    // TorchServe's model_name is its own (the model's config.properties): by the InferenceService label, like Triton.
    const sel = `{namespace="${ns}",${INFERENCE_SERVICE_LABEL}=~"${regexOf(torchServe)}"}`;
    const rate = (metric: string) => `sum by (${INFERENCE_SERVICE_LABEL}) (rate(${metric}${sel}[5m]))`;
    const legend = `{{${INFERENCE_SERVICE_LABEL}}}`;
    panels.push(
      {
        type: 'timeseries',
        title: 'TorchServe requests per second',
        description: 'Inference requests per second per TorchServe (pytorch) model.',
        unit: 'reqps',
        queries: [{ expr: rate('ts_inference_requests_total'), legend }],
      },
      {
        type: 'timeseries',
        title: 'TorchServe 5xx share',
        description: 'Share of each TorchServe model’s inference requests answered with a 5xx.',
        unit: 'percentunit',
        queries: [{ expr: `${rate('Requests5XX')} / ${rate('ts_inference_requests_total')}`, legend }],
      },
      {
        type: 'timeseries',
        title: 'TorchServe mean request time',
        description: 'Mean time of the inference requests per TorchServe model (TorchServe counts microseconds; no histogram).',
        unit: 's',
        queries: [{ expr: `${rate('ts_inference_latency_microseconds')} / ${rate('ts_inference_requests_total')} / 1e6`, legend }],
      },
    );
  }
  const ab = models.filter((m) => m.abTest).map((m) => seldonDeploymentName(m.name));
  if (ab.length > 0) {
    // The executor's HTTP server on 8000, path /prometheus (the operator's --prometheus_path): its PodMonitor.
    const sel = (extra: string) => `{namespace="${ns}",deployment_name=~"${regexOf(ab)}",service="predictions"${extra}}`;
    const rate = (extra: string, by: string) => `sum by (${by}) (rate(seldon_api_executor_server_requests_seconds_count${sel(extra)}[5m]))`;
    panels.push(
      {
        type: 'timeseries',
        title: 'A/B tests: p99 latency per predictor',
        description: 'Seldon executor server request duration.',
        unit: 's',
        queries: [
          {
            expr: `histogram_quantile(0.99, sum by (le, deployment_name, predictor_name) (rate(seldon_api_executor_server_requests_seconds_bucket${sel('')}[5m])))`,
            legend: '{{deployment_name}} {{predictor_name}}',
          },
        ],
      },
      {
        type: 'timeseries',
        title: 'A/B tests: error rate per predictor',
        description: 'Share of 5xx answers.',
        unit: 'percentunit',
        queries: [
          {
            expr: `${rate(',code=~"5.."', 'deployment_name, predictor_name')} / ${rate('', 'deployment_name, predictor_name')}`,
            legend: '{{deployment_name}} {{predictor_name}}',
          },
        ],
      },
      {
        type: 'timeseries',
        title: 'A/B tests: traffic share',
        description: 'Share of each SeldonDeployment’s requests per predictor (main, challenger).',
        unit: 'percentunit',
        queries: [
          {
            expr: `${rate('', 'deployment_name, predictor_name')} / on (deployment_name) group_left () ${rate('', 'deployment_name')}`,
            legend: '{{deployment_name}} {{predictor_name}}',
          },
        ],
      },
    );
  }
  if (training.length > 0) {
    // A Job is named after its entry; a CronJob's Jobs are `<entry>-<scheduled time>`.
    const jobs = `job_name=~"(${regexOf(training.map((t) => t.name))})(-[0-9]+)?"`;
    panels.push({
      type: 'table',
      title: 'Training jobs',
      description: 'Active, succeeded and failed pods of the training Jobs.',
      queries: [
        { expr: `sum by (job_name) (kube_job_status_active{${KSM_JOB},namespace="${ns}",${jobs}})`, legend: 'active' },
        { expr: `sum by (job_name) (kube_job_status_succeeded{${KSM_JOB},namespace="${ns}",${jobs}})`, legend: 'succeeded' },
        { expr: `sum by (job_name) (kube_job_status_failed{${KSM_JOB},namespace="${ns}",${jobs}})`, legend: 'failed' },
      ],
    });
    if (operatorsFor(env).includes('dcgm-exporter'))
      panels.push({
        type: 'timeseries',
        title: 'GPU utilization per training job',
        description: 'Mean utilization of the GPUs each training entry’s pods hold.',
        unit: 'percent',
        queries: [
          {
            expr: `avg by (entry) (label_replace(DCGM_FI_DEV_GPU_UTIL{exported_namespace="${ns}"}, "entry", "$1", "exported_pod", "(${regexOf(training.map((t) => t.name))})-.*"))`,
            legend: '{{entry}}',
          },
        ],
      });
  }
  return panels;
}

function ragPanels(env: Environment): PanelSpec[] {
  if (!env.rag) return [];
  const ns = workloadNamespace('rag');
  return [
    {
      type: 'timeseries',
      title: 'Milvus search/query p99 latency',
      description: 'Proxy latency of successful searches and queries (milvus_proxy_sq_latency, milliseconds).',
      unit: 'ms',
      queries: [
        { expr: `histogram_quantile(0.99, sum by (le, query_type) (rate(milvus_proxy_sq_latency_bucket{namespace="${ns}"}[5m])))`, legend: '{{query_type}}' },
      ],
    },
    {
      type: 'timeseries',
      title: 'Milvus requests by outcome',
      description: 'Proxy requests per second, by function and status.',
      unit: 'reqps',
      queries: [{ expr: `sum by (function_name, status) (rate(milvus_proxy_req_count{namespace="${ns}"}[5m]))`, legend: '{{function_name}} {{status}}' }],
    },
    {
      type: 'table',
      title: 'Milvus components available',
      description: 'Available replicas of each Milvus component Deployment and of the RAG API.',
      queries: [
        { expr: `kube_deployment_status_replicas_available{${KSM_JOB},namespace="${ns}",deployment=~"${MILVUS_INSTANCE}-milvus-.+"}` },
        { expr: `kube_deployment_status_replicas_available{${KSM_JOB},namespace="${ns}",deployment="${RAG_API}"}` },
      ],
    },
  ];
}

function lakehousePanels(env: Environment): PanelSpec[] {
  if (!env.lakehouse) return [];
  // The operator's metrics carry only its --metrics-labels (the chart's default app_type): no per-application series.
  const mean = (outcome: string) =>
    `sum(rate(spark_application_${outcome}_execution_time_seconds_sum[1h])) / sum(rate(spark_application_${outcome}_execution_time_seconds_count[1h]))`;
  return [
    {
      type: 'timeseries',
      title: 'Spark applications finished (per hour)',
      description: 'Completed, failed and failed-to-submit SparkApplications.',
      queries: [
        { expr: 'sum(increase(spark_application_success_count[1h]))', legend: 'completed' },
        { expr: 'sum(increase(spark_application_failure_count[1h]))', legend: 'failed' },
        { expr: 'sum(increase(spark_application_failed_submission_count[1h]))', legend: 'failed submission' },
      ],
    },
    {
      type: 'timeseries',
      title: 'Spark application mean duration',
      description: 'Mean execution time of the runs that ended in the last hour, by outcome.',
      unit: 's',
      queries: [
        { expr: mean('success'), legend: 'completed' },
        { expr: mean('failure'), legend: 'failed' },
      ],
    },
    {
      type: 'stat',
      title: 'Running applications and executors',
      description: 'SparkApplications running now and their executors.',
      queries: [
        { expr: 'sum(spark_application_running_count)', legend: 'applications' },
        { expr: 'sum(spark_executor_running_count)', legend: 'executors' },
      ],
    },
  ];
}

const WORKLOAD_DASHBOARDS: { readonly [W in WorkloadName]: { readonly title: string; readonly panels: (env: Environment) => PanelSpec[] } } = {
  edw: { title: 'Event-driven workload', panels: edwPanels },
  rag: { title: 'RAG', panels: ragPanels },
  mlops: { title: 'MLOps', panels: mlopsPanels },
  lakehouse: { title: 'Lakehouse', panels: lakehousePanels },
};

/** The environment's dashboards: the platform's, then one per workload it runs (in WorkloadName order); none where observability is off. */
export function dashboards(env: Environment): Dashboard[] {
  if (!env.observability.enabled) return [];
  const out = [dashboard(env, 'platform', 'Platform', platformPanels(env))];
  for (const [name, d] of Object.entries(WORKLOAD_DASHBOARDS) as [WorkloadName, (typeof WORKLOAD_DASHBOARDS)[WorkloadName]][]) {
    const panels = d.panels(env);
    if (panels.length > 0) out.push(dashboard(env, name, d.title, panels));
  }
  return out;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** The dashboard's JSON text as committed: keys sorted at every level, 2-space indent, a trailing newline. */
export function serializeDashboard(d: Dashboard): string {
  return `${JSON.stringify(sortKeys(d.json), null, 2)}\n`;
}
