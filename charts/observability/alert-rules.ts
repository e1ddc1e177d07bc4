/**
 * The platform's own alert rules (issue 17), as plain data: one group per component, only for the components the
 * environment runs. The observability app (./observability.ts) writes them as one PrometheusRule; nothing here
 * imports cdk8s.
 *
 * Every metric name and label was read from the component's source at the pinned version (the comment beside
 * each rule says where), and each comes from a scrape src/model/scrapes.ts declares (or kube-state-metrics).
 *
 * Not expressed here because no in-cluster series exists: the dead-letter queue's depth. KEDA reports only its
 * triggers' metrics, and the ScaledObject's one trigger is the main queue. The DLQ depth lives in CloudWatch
 * (ApproximateNumberOfMessagesVisible) or Azure Monitor, and only a CloudWatch/Azure Monitor exporter would
 * bring it into Prometheus (the AWS edw stack alarms on it in CloudWatch instead).
 */
import type { Cloud, Environment } from '../../src/model/types';
import { usesSpot } from '../../src/model/defaults';
import { operatorsFor } from '../../src/model/operators';
import { CAPACITY_LABEL, POOL_LABEL } from '../../src/model/scheduling';
import { INFERENCE_SERVICE_POD_LABEL, modelsServedBy, SERVED_MODEL_LABEL, servesOnKnative } from '../../src/model/workloads/mlops/serving';
import { workloadNamespace } from '../../src/model/naming';

export type Severity = 'warning' | 'critical';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration: how long the expression must hold before the alert fires. */
  readonly for: string;
  readonly labels: { readonly severity: Severity };
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** A Kubernetes label name as Prometheus writes it: `a.b/c` → `a_b_c` (kube-state-metrics prefixes `label_`; podTargetLabels do not). */
export const promLabel = (kubernetesLabel: string): string => kubernetesLabel.replace(/[^a-zA-Z0-9_]/g, '_');

/** The label a PodMonitor's podTargetLabels copies from KServe's pod label `serving.kserve.io/inferenceservice`. */
export const INFERENCE_SERVICE_LABEL = promLabel(INFERENCE_SERVICE_POD_LABEL);

/**
 * kube-state-metrics' own series: its ServiceMonitor (kube-prometheus-stack 88.5.3, jobLabel app.kubernetes.io/name)
 * sets this job, as the chart's rules select. OpenCost re-exports some `kube_*` series under the same names (its KSM v1
 * emission, pkg/metrics/kubemetrics.go), so a selector without the job would count each object twice.
 */
export const KSM_JOB = 'job="kube-state-metrics"';

/** Thresholds, named once so the tests and the descriptions agree. */
export const THRESHOLDS = {
  /** Inference: share of 5xx answers over 5 minutes. */
  inferenceErrorRatio: 0.05,
  /** Inference: p99 latency over 5 minutes, seconds. */
  inferenceP99Seconds: 1,
  /** Inference, where the server publishes no latency distribution (Triton's counters): the mean over 5 minutes, seconds. */
  inferenceMeanSeconds: 0.5,
  /** Spot interruptions in an hour (Karpenter's warnings on AWS, Spot nodes with a scheduled VM event on AKS). */
  spotInterruptionsPerHour: 3,
  /** A certificate that has this little time left (cert-manager renews at two thirds of its life). */
  certificateSecondsLeft: 14 * 24 * 3600,
  /** GPU utilization (percent) below which a GPU in use by a pod counts as idle. */
  gpuIdlePercent: 1,
} as const;

const regexOf = (values: readonly string[]): string => values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');

function rule(alert: string, expr: string, forDuration: string, severity: Severity, summary: string, description: string, runbook: string): AlertRule {
  return { alert, expr, for: forDuration, labels: { severity }, annotations: { summary, description, runbook } };
}

function edwRules(env: Environment): AlertRule[] {
  if (!env.edw) return [];
  const ns = workloadNamespace('edw');
  // KEDA creates the HPA `keda-hpa-<ScaledObject>` (keda v2.20.2 controllers/keda/hpa.go getHPAName); the
  // ScaledObject is named after the consumer Deployment (charts/edw/edw.ts).
  const scaledObject = 'edw-consumer';
  const hpa = `{${KSM_JOB},namespace="${ns}",horizontalpodautoscaler="keda-hpa-${scaledObject}"}`;
  // Scraped from KEDA's operator without honorLabels (the PodMonitor's default), so the ScaledObject's namespace is
  // stored as exported_namespace (namespace is the operator's own).
  const scaler = `keda_scaler_metrics_value{exported_namespace="${ns}",scaledObject="${scaledObject}"}`;
  // The queue half of the rule, by who runs KEDA (see below).
  const queue =
    env.edw.keda === 'helm'
      ? { expr: ` and on () max(${scaler}) > 0 and on () max(delta(${scaler}[15m])) >= 0`, what: 'the queue length KEDA reads has not fallen' }
      : {
          expr: ` and max by (namespace) (kube_horizontalpodautoscaler_status_desired_replicas${hpa}) >= max by (namespace) (kube_horizontalpodautoscaler_spec_max_replicas${hpa})`,
          what: 'the HPA still wants at least that many for the queue length',
        };
  return [
    // kube_horizontalpodautoscaler_status_current_replicas / _spec_max_replicas: kube-state-metrics (the chart's own
    // KubeHpaMaxedOut rule, kube-prometheus-stack 88.5.3 rules-1.14/kubernetes-apps.yaml). keda_scaler_metrics_value
    // {namespace, metric, scaledObject, scaler, triggerIndex, type}: keda v2.20.2 pkg/metricscollector/prommetrics.go,
    // the value the queue trigger reads (the queue length).
    // keda_scaler_metrics_value comes from the KEDA operator's PodMonitor (src/model/scrapes.ts). Where the AKS add-on
    // runs KEDA (kube-system, not scraped) the queue half is the HPA's own view of it: the replicas it wants (from the
    // queue length KEDA reports per replica) still at or above its maximum (kube_horizontalpodautoscaler_status_
    // desired_replicas, kube-state-metrics v2.20.0 internal/store/horizontalpodautoscaler.go).
    rule(
      'EdwQueueBacklogAtMaxReplicas',
      `max by (namespace) (kube_horizontalpodautoscaler_status_current_replicas${hpa}) >= max by (namespace) (kube_horizontalpodautoscaler_spec_max_replicas${hpa})` +
        queue.expr,
      '15m',
      'critical',
      'The EDW queue is not draining although its consumers run at the maximum replicas',
      `The consumers in ${ns} have run at KEDA's maxReplicas (${env.edw.scaling.maxReplicas}) for 15 minutes and ${queue.what}.`,
      'Check the consumers for errors or slow writes to the table, then raise edw.scaling.maxReplicas or the Spot pool max if they are healthy.',
    ),
  ];
}

function gpuRules(env: Environment): AlertRule[] {
  const pools = env.cluster.gpuPools;
  if (pools.length === 0) return [];
  const rules: AlertRule[] = [];
  const karpenterPools = pools.filter((p) => env.cloud === 'aws' && p.provisioner === 'karpenter');
  const nodeGroupPools = pools.filter((p) => !karpenterPools.includes(p));
  if (karpenterPools.length > 0) {
    // karpenter_nodepools_usage / _limit {nodepool, resource_type}: kubernetes-sigs/karpenter (the core Karpenter
    // 1.14.1 builds on) pkg/controllers/metrics/nodepool/controller.go; resource_type is the resource name lowercased
    // with - as _, so `nvidia.com/gpu`. The platform's GPU NodePools limit nvidia.com/gpu to max × GPUs per node
    // (charts/platform/karpenter.ts). Scraped: Karpenter's PodMonitor (src/model/scrapes.ts).
    const sel = `{nodepool=~"${regexOf(karpenterPools.map((p) => p.name))}",resource_type="nvidia.com/gpu"}`;
    rules.push(
      rule(
        'GpuNodePoolAtLimit',
        `karpenter_nodepools_usage${sel} >= karpenter_nodepools_limit${sel}`,
        '30m',
        'warning',
        'A Karpenter GPU pool has provisioned all the GPUs its limit allows',
        'NodePool {{ $labels.nodepool }} has used its whole nvidia.com/gpu limit for 30 minutes: new GPU pods stay pending.',
        'Check pending GPU pods (kubectl get pods -A --field-selector=status.phase=Pending); raise the pool max in the model if the demand is real.',
      ),
    );
  }
  if (nodeGroupPools.length > 0) {
    // kube_node_labels: kube-state-metrics, a label only when on its allowlist. kube-state-metrics'
    // metricLabelsAllowlist carries the pool label (charts/gitops/operator-values.ts). No cluster
    // autoscaler metric is used: AKS runs its autoscaler outside the cluster.
    const label = `label_${promLabel(POOL_LABEL)}`;
    const expr = nodeGroupPools.map((p) => `count by (${label}) (kube_node_labels{${KSM_JOB},${label}="${p.name}"}) >= ${p.max}`).join(' or ');
    rules.push(
      rule(
        'GpuNodeGroupAtMax',
        expr,
        '30m',
        'warning',
        'A GPU node group runs at its maximum node count',
        `GPU pool {{ $labels.${label} }} has run at its maximum node count for 30 minutes: new GPU pods stay pending.`,
        'Check pending GPU pods and the training queue; raise the pool max in the model if the demand is real.',
      ),
    );
  }
  // DCGM_FI_DEV_GPU_UTIL (gauge, percent): dcgm-exporter 4.5.3-4.8.2 etc/default-counters.csv; the pod label is set
  // only on a GPU a pod holds (the kubelet pod-resources mapping). The chart's ServiceMonitor does not honor labels,
  // so that pod is stored as exported_pod (pod is the exporter's own): `exported_pod!=""` means "allocated".
  rules.push(
    rule(
      'GpuAllocatedButIdle',
      `DCGM_FI_DEV_GPU_UTIL{exported_pod!=""} < ${THRESHOLDS.gpuIdlePercent}`,
      '1h',
      'warning',
      'A GPU held by a pod has been idle for an hour',
      'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} is held by {{ $labels.exported_namespace }}/{{ $labels.exported_pod }} and has been below 1% utilization for an hour.',
      'Ask the owner of the pod whether it is stuck (data loading, a dead worker); delete it if so, so the pool can scale down.',
    ),
  );
  return rules;
}

/**
 * How each cloud tells the cluster that Spot capacity is being taken back: the expression that counts the
 * interruptions of the last hour, and what it counts.
 * - AWS: karpenter_interruption_received_messages_total{message_type}: karpenter-provider-aws v1.14.1
 *   pkg/controllers/interruption/metrics.go; message_type "spot_interrupted" from messages/types.go. Scraped:
 *   Karpenter's PodMonitor; its interruption queue is settings.interruptionQueue.
 * - Azure: AKS's Node Problem Detector (on every Linux node by default) sets the node condition VMEventScheduled
 *   while a scheduled event is pending for the VM, and a Spot VM's eviction is one (Preempt, at least 30 s ahead;
 *   learn.microsoft.com/azure/aks/node-problem-detector and node-auto-drain). kube-state-metrics exports every
 *   condition a node has as kube_node_status_condition{node, condition, status="true"|"false"|"unknown"} (v2.20.0,
 *   the chart's, internal/store/node.go and utils.go addConditionMetrics). The evicted node's series end when AKS deletes the node,
 *   so the hour's maximum still counts it, and the capacity label (on kube-state-metrics' allowlist) keeps the Spot
 *   nodes. A Freeze, Reboot or Redeploy event on a Spot node counts too: the condition does not carry the event type.
 */
export interface SpotInterruptionSignal {
  /** The interruptions of the last hour, one number. */
  readonly lastHour: string;
  /** What it counts, as the alert's description says it. */
  readonly what: string;
  readonly runbook: string;
  /** The platform dashboard's panel of it. */
  readonly panel: { readonly title: string; readonly description: string; readonly expr: string; readonly legend: string };
}

const AKS_SPOT_NODES_WITH_EVENT =
  `count(max by (node) (max_over_time(kube_node_status_condition{${KSM_JOB},condition="VMEventScheduled",status="true"}[1h])) == 1` +
  ` and on (node) max by (node) (max_over_time(kube_node_labels{${KSM_JOB},label_${promLabel(CAPACITY_LABEL)}="spot"}[1h])))`;

export const SPOT_INTERRUPTIONS: Readonly<Record<Cloud, SpotInterruptionSignal>> = {
  aws: {
    lastHour: 'sum(increase(karpenter_interruption_received_messages_total{message_type="spot_interrupted"}[1h]))',
    what: 'Spot interruption warnings reached Karpenter',
    runbook: 'Widen the Spot pools’ instance types or zones in the model so Karpenter can pick deeper Spot pools, or move the affected work to on-demand.',
    panel: {
      title: 'Spot interruption warnings (per hour)',
      description: 'Messages Karpenter read from its interruption queue, by kind.',
      expr: 'sum by (message_type) (increase(karpenter_interruption_received_messages_total[1h]))',
      legend: '{{message_type}}',
    },
  },
  azure: {
    lastHour: AKS_SPOT_NODES_WITH_EVENT,
    what: 'Spot nodes had a scheduled VM event (the eviction notice, as AKS’s Node Problem Detector reports it)',
    runbook:
      'Give the Spot pools another VM size in the model (AKS Spot pools pay up to the on-demand price, so Azure evicts them only when it needs the capacity of that size back), or move the affected work to on-demand.',
    panel: {
      title: 'Spot nodes given an eviction notice (last hour)',
      description:
        'Spot nodes whose Node Problem Detector set VMEventScheduled (a scheduled VM event: the eviction notice) in the hour, including the nodes AKS has since deleted.',
      expr: AKS_SPOT_NODES_WITH_EVENT,
      legend: 'Spot nodes',
    },
  },
};

function spotRules(env: Environment): AlertRule[] {
  if (!usesSpot(env)) return [];
  const signal = SPOT_INTERRUPTIONS[env.cloud];
  return [
    rule(
      'SpotInterruptionRateHigh',
      `${signal.lastHour} > ${THRESHOLDS.spotInterruptionsPerHour}`,
      '5m',
      'warning',
      'Many Spot interruptions in the last hour',
      `More than ${THRESHOLDS.spotInterruptionsPerHour} ${signal.what} in the last hour: consumers and training jobs restart often.`,
      signal.runbook,
    ),
  ];
}

function mlopsRules(env: Environment): AlertRule[] {
  if (!env.mlops) return [];
  const ns = workloadNamespace('mlops');
  const rules: AlertRule[] = [
    // kube_job_status_failed{namespace, job_name}: kube-state-metrics (the chart's KubeJobFailed rule uses it).
    rule(
      'MlopsJobFailed',
      `kube_job_status_failed{${KSM_JOB},namespace="${ns}"} > 0`,
      '5m',
      'warning',
      'A training (or MLflow database-user) Job failed',
      'Job {{ $labels.job_name }} in ' + ns + ' has failed pods beyond its backoff limit.',
      'Read the failed pod’s logs (kubectl logs -n mlops job/<name>), fix the cause, and rerun the Job by changing its run in the model.',
    ),
    // kube_deployment_status_replicas_available: kube-state-metrics (the chart's KubeDeploymentReplicasMismatch).
    rule(
      'MlflowDown',
      `kube_deployment_status_replicas_available{${KSM_JOB},namespace="${ns}",deployment="mlflow"} == 0`,
      '5m',
      'critical',
      'MLflow has no available replica',
      'The MLflow tracking server in ' + ns + ' has had no available replica for 5 minutes: training runs cannot log and models cannot be registered.',
      'Check the mlflow pods’ events and logs; a failing database login usually means the ExternalSecret for the database did not sync.',
    ),
  ];
  const knative = env.mlops.models.filter(servesOnKnative).map((m) => m.name);
  if (knative.length > 0) {
    // kn_serving_invocation_duration_seconds (histogram, attribute http.response.status_code): the queue-proxy of
    // Knative Serving knative-v1.21.1 pkg/queue/request_metric.go ("kn.serving.invocation.duration", unit s,
    // through the OpenTelemetry Prometheus exporter: revision_request_count and revision_request_latencies are gone
    // since Knative moved to OpenTelemetry). Only Knative-mode (canary) models have a queue-proxy.
    // Scraped: the queue-proxy's PodMonitor, with podTargetLabels [serving.kserve.io/inferenceservice]
    // (src/model/workloads/mlops/flows.ts mlopsScrapes).
    const by = `namespace, ${INFERENCE_SERVICE_LABEL}`;
    const sel = (extra: string) => `{namespace="${ns}",${INFERENCE_SERVICE_LABEL}=~"${regexOf(knative)}"${extra}}`;
    rules.push(
      rule(
        'InferenceErrorRateHigh',
        `sum by (${by}) (rate(kn_serving_invocation_duration_seconds_count${sel(',http_response_status_code=~"5.."')}[5m]))` +
          ` / sum by (${by}) (rate(kn_serving_invocation_duration_seconds_count${sel('')}[5m])) > ${THRESHOLDS.inferenceErrorRatio}`,
        '10m',
        'critical',
        'A model answers with server errors',
        `More than ${THRESHOLDS.inferenceErrorRatio * 100}% of the requests to model {{ $labels.${INFERENCE_SERVICE_LABEL} }} failed with a 5xx for 10 minutes.`,
        'If a canary is rolling out, roll it back (canaryPercent: 0); otherwise read the predictor’s logs for the failing requests.',
      ),
      rule(
        'InferenceLatencyP99High',
        `histogram_quantile(0.99, sum by (le, ${by}) (rate(kn_serving_invocation_duration_seconds_bucket${sel('')}[5m]))) > ${THRESHOLDS.inferenceP99Seconds}`,
        '10m',
        'warning',
        'A model’s p99 latency is high',
        `The p99 latency of model {{ $labels.${INFERENCE_SERVICE_LABEL} }} has been above ${THRESHOLDS.inferenceP99Seconds}s for 10 minutes.`,
        'Check the predictor’s CPU and replicas against maxReplicas; raise the model’s maxReplicas or resources in the model if it is saturated.',
      ),
    );
  }
  const standard = modelsServedBy(env.mlops.models, 'kserve');
  if (standard.length > 0) {
    // request_predict_seconds (histogram, label model_name): KServe v0.20.0 python/kserve/kserve/metrics.py, served by
    // the Python runtimes of Standard-mode predictors (mlopsScrapes). It times predict() only: no status codes, so no
    // error-rate rule for these models (their 5xx show in the ingress gateway's Envoy statistics).
    const by = `namespace, ${INFERENCE_SERVICE_LABEL}`;
    rules.push(
      rule(
        'ModelServerLatencyP99High',
        `histogram_quantile(0.99, sum by (le, ${by}) (rate(request_predict_seconds_bucket{namespace="${ns}",${INFERENCE_SERVICE_LABEL}=~"${regexOf(standard)}"}[5m]))) > ${THRESHOLDS.inferenceP99Seconds}`,
        '10m',
        'warning',
        'A model’s p99 prediction time is high',
        `The p99 prediction time of model {{ $labels.${INFERENCE_SERVICE_LABEL} }} has been above ${THRESHOLDS.inferenceP99Seconds}s for 10 minutes.`,
        'Check the predictor’s CPU and replicas against maxReplicas; raise the model’s maxReplicas or resources in the model if it is saturated.',
      ),
    );
  }
  const triton = modelsServedBy(env.mlops.models, 'triton');
  if (triton.length > 0) {
    // nv_inference_request_success / _failure (counters; labels model, version): Triton core r23.05 src/metrics.cc, the
    // server of KServe's kserve-tritonserver 23.05 runtime (onnx). Its `model` is Triton's own model name, so the rule
    // groups by the InferenceService label the predictor's PodMonitor copies onto every series (mlopsScrapes).
    const by = `namespace, ${INFERENCE_SERVICE_LABEL}`;
    const sel = `{namespace="${ns}",${INFERENCE_SERVICE_LABEL}=~"${regexOf(triton)}"}`;
    rules.push(
      rule(
        'TritonInferenceFailureRateHigh',
        `sum by (${by}) (rate(nv_inference_request_failure${sel}[5m]))` +
          ` / (sum by (${by}) (rate(nv_inference_request_success${sel}[5m])) + sum by (${by}) (rate(nv_inference_request_failure${sel}[5m])))` +
          ` > ${THRESHOLDS.inferenceErrorRatio}`,
        '10m',
        'critical',
        'A Triton-served model fails its requests',
        `More than ${THRESHOLDS.inferenceErrorRatio * 100}% of the inference requests to model {{ $labels.${INFERENCE_SERVICE_LABEL} }} failed in Triton for 10 minutes.`,
        'Read the predictor’s kserve-container logs for the failing requests (a shape or type mismatch, or the model not loaded).',
      ),
      // nv_inference_request_duration_us grows with successful requests only (core r23.05 src/infer_stats.cc
      // UpdateSuccess), so it is divided by those. Triton 23.05 has no latency histogram (its summaries are opt-in and
      // per pod): a mean, with a lower threshold than the other models' p99.
      rule(
        'TritonInferenceLatencyHigh',
        `sum by (${by}) (rate(nv_inference_request_duration_us${sel}[5m])) / sum by (${by}) (rate(nv_inference_request_success${sel}[5m])) / 1e6` +
          ` > ${THRESHOLDS.inferenceMeanSeconds}`,
        '10m',
        'warning',
        'A Triton-served model is slow',
        `The mean time of the successful inference requests to model {{ $labels.${INFERENCE_SERVICE_LABEL} }} has been above ${THRESHOLDS.inferenceMeanSeconds}s for 10 minutes.`,
        'Check the predictor’s CPU and replicas against maxReplicas, and Triton’s queue time (nv_inference_queue_duration_us); raise the model’s maxReplicas or resources in the model if it is saturated.',
      ),
    );
  }
  const tfServing = modelsServedBy(env.mlops.models, 'tensorflow-serving');
  if (tfServing.length > 0) {
    // :tensorflow:serving:request_count (counter; model_name, status: "OK" or the error's code) and
    // :tensorflow:serving:request_latency (histogram in microseconds; model_name, API, entrypoint, successful REST and
    // gRPC requests only): tensorflow/serving 2.6.2 servables/tensorflow/util.cc, named for Prometheus by
    // util/prometheus_exporter.cc (every character outside [a-zA-Z0-9_] becomes ':'). Grouped by the InferenceService
    // label the predictor's PodMonitor copies, like the other model servers.
    const by = `namespace, ${INFERENCE_SERVICE_LABEL}`;
    const sel = (extra: string) => `{namespace="${ns}",${INFERENCE_SERVICE_LABEL}=~"${regexOf(tfServing)}"${extra}}`;
    rules.push(
      rule(
        'TfServingRequestErrorRateHigh',
        `sum by (${by}) (rate(:tensorflow:serving:request_count${sel(',status!="OK"')}[5m])) / sum by (${by}) (rate(:tensorflow:serving:request_count${sel('')}[5m]))` +
          ` > ${THRESHOLDS.inferenceErrorRatio}`,
        '10m',
        'critical',
        'A TensorFlow Serving model fails its requests',
        `More than ${THRESHOLDS.inferenceErrorRatio * 100}% of the requests to model {{ $labels.${INFERENCE_SERVICE_LABEL} }} failed in TensorFlow Serving for 10 minutes.`,
        'Read the predictor’s kserve-container logs for the failing requests (a signature or input mismatch, or the model version not loaded).',
      ),
      rule(
        'TfServingLatencyP99High',
        `histogram_quantile(0.99, sum by (le, ${by}) (rate(:tensorflow:serving:request_latency_bucket${sel('')}[5m]))) / 1e6 > ${THRESHOLDS.inferenceP99Seconds}`,
        '10m',
        'warning',
        'A TensorFlow Serving model’s p99 latency is high',
        `The p99 time of the successful requests to model {{ $labels.${INFERENCE_SERVICE_LABEL} }} has been above ${THRESHOLDS.inferenceP99Seconds}s for 10 minutes.`,
        'Check the predictor’s CPU and replicas against maxReplicas; raise the model’s maxReplicas or resources in the model if it is saturated.',
      ),
    );
  }
  const torchServe = modelsServedBy(env.mlops.models, 'torchserve');
  if (torchServe.length > 0) {
    // TorchServe 0.9.0 frontend counters in prometheus mode (ts/configs/metrics.yaml; names exported as written,
    // simpleclient 0.9.0): ts_inference_requests_total and ts_inference_latency_microseconds {model_name, model_version,
    // hostname}, counted per inference request (InferenceRequestHandler, RestJob); Requests5XX {Level, Hostname}, every
    // 5xx answer of the pod's TorchServe (NettyUtils.sendHttpResponse), whose only client is KServe's wrapper in the same
    // container. No latency histogram: a mean, like Triton's. Grouped by the InferenceService label the PodMonitor copies.
    const by = `namespace, ${INFERENCE_SERVICE_LABEL}`;
    const sel = `{namespace="${ns}",${INFERENCE_SERVICE_LABEL}=~"${regexOf(torchServe)}"}`;
    const requests = `sum by (${by}) (rate(ts_inference_requests_total${sel}[5m]))`;
    rules.push(
      rule(
        'TorchServeInferenceErrorRateHigh',
        `sum by (${by}) (rate(Requests5XX${sel}[5m])) / ${requests} > ${THRESHOLDS.inferenceErrorRatio}`,
        '10m',
        'critical',
        'A TorchServe model fails its requests',
        `More than ${THRESHOLDS.inferenceErrorRatio * 100}% of the inference requests to model {{ $labels.${INFERENCE_SERVICE_LABEL} }} got a 5xx from TorchServe for 10 minutes.`,
        'Read the predictor’s kserve-container logs (TorchServe’s handler errors, a worker that died or ran out of memory).',
      ),
      rule(
        'TorchServeInferenceLatencyHigh',
        `sum by (${by}) (rate(ts_inference_latency_microseconds${sel}[5m])) / ${requests} / 1e6 > ${THRESHOLDS.inferenceMeanSeconds}`,
        '10m',
        'warning',
        'A TorchServe model is slow',
        `The mean time of the inference requests to model {{ $labels.${INFERENCE_SERVICE_LABEL} }} has been above ${THRESHOLDS.inferenceMeanSeconds}s for 10 minutes.`,
        'Check the predictor’s CPU and replicas against maxReplicas, and TorchServe’s queue time (ts_queue_latency_microseconds); raise the model’s maxReplicas or resources in the model if it is saturated.',
      ),
    );
  }
  const abTests = env.mlops.models.filter((m) => m.abTest).map((m) => m.name);
  if (abTests.length > 0) {
    // seldon_api_executor_server_requests_seconds (histogram; deployment_name, predictor_name, predictor_version,
    // service, method, code): Seldon Core v1.18.2 executor/api/metric/server.go, from the executor's PodMonitor
    // (mlopsScrapes), which adds the served-model label. service="predictions": the inference calls, not health probes.
    const model = promLabel(SERVED_MODEL_LABEL);
    const by = `namespace, ${model}, predictor_name`;
    const sel = (extra: string) => `{namespace="${ns}",${model}=~"${regexOf(abTests)}",service="predictions"${extra}}`;
    rules.push(
      rule(
        'AbTestErrorRateHigh',
        `sum by (${by}) (rate(seldon_api_executor_server_requests_seconds_count${sel(',code=~"5.."')}[5m]))` +
          ` / sum by (${by}) (rate(seldon_api_executor_server_requests_seconds_count${sel('')}[5m])) > ${THRESHOLDS.inferenceErrorRatio}`,
        '10m',
        'critical',
        'An A/B-tested model answers with server errors',
        `More than ${THRESHOLDS.inferenceErrorRatio * 100}% of the requests to the {{ $labels.predictor_name }} side of model {{ $labels.${model} }}'s A/B test failed with a 5xx for 10 minutes.`,
        'If the challenger is failing, set its challengerPercent to 0 in the model; otherwise read the model container’s logs in the failing predictor’s pods.',
      ),
      rule(
        'AbTestLatencyP99High',
        `histogram_quantile(0.99, sum by (le, ${by}) (rate(seldon_api_executor_server_requests_seconds_bucket${sel('')}[5m]))) > ${THRESHOLDS.inferenceP99Seconds}`,
        '10m',
        'warning',
        'An A/B-tested model’s p99 latency is high',
        `The p99 latency of the {{ $labels.predictor_name }} side of model {{ $labels.${model} }}'s A/B test has been above ${THRESHOLDS.inferenceP99Seconds}s for 10 minutes.`,
        'Compare the two predictors: a slow challenger is a reason to stop the test; a slow main side needs more replicas or resources in the model.',
      ),
    );
  }
  return rules;
}

function ragRules(env: Environment): AlertRule[] {
  if (!env.rag) return [];
  const ns = workloadNamespace('rag');
  // milvus-operator names each component's Deployment `<instance>-milvus-<component>` (MilvusComponent
  // GetDeploymentName); the instance is `milvus` (charts/rag/milvus.ts). kube-state-metrics series.
  const sel = `{${KSM_JOB},namespace="${ns}",deployment=~"milvus-milvus-.+"}`;
  return [
    rule(
      'MilvusDown',
      `kube_deployment_status_replicas_available${sel} == 0 and kube_deployment_spec_replicas${sel} > 0`,
      '5m',
      'critical',
      'A Milvus component has no available replica',
      'Milvus component {{ $labels.deployment }} in ' + ns + ' has had no available replica for 5 minutes: the RAG API cannot search.',
      'Check the Milvus resource’s status and the component’s pods (kubectl get milvus -n rag; kubectl describe pod); etcd, the queue and object storage are its usual causes.',
    ),
  ];
}

function platformRules(env: Environment): AlertRule[] {
  const operators = operatorsFor(env);
  const rules: AlertRule[] = [];
  if (operators.includes('cert-manager')) {
    // certmanager_certificate_expiration_timestamp_seconds{name, namespace, issuer_name, issuer_kind, issuer_group}:
    // cert-manager v1.19.1 internal/collectors/certificate_collector.go. Scraped: cert-manager's PodMonitors (without
    // honorLabels: the Certificate's namespace is stored as exported_namespace)
    // (src/model/scrapes.ts).
    rules.push(
      rule(
        'CertificateExpiringSoon',
        `certmanager_certificate_expiration_timestamp_seconds - time() < ${THRESHOLDS.certificateSecondsLeft}`,
        '1h',
        'warning',
        'A certificate expires in less than 14 days',
        'Certificate {{ $labels.exported_namespace }}/{{ $labels.name }} (issuer {{ $labels.issuer_name }}) expires in less than 14 days: cert-manager has not renewed it.',
        'Read the Certificate’s and its CertificateRequest’s events (kubectl describe certificate -n <ns> <name>) and fix the issuer.',
      ),
    );
  }
  if (operators.includes('external-secrets')) {
    // externalsecret_status_condition{name, namespace, condition, status}: external-secrets v2.9.0
    // pkg/controllers/externalsecret/esmetrics/esmetrics.go (1 for the current status, 0 for the other; its namespace
    // stored as exported_namespace, as above). Scraped: the
    // controller's PodMonitor (src/model/scrapes.ts).
    rules.push(
      rule(
        'ExternalSecretNotSynced',
        'externalsecret_status_condition{condition="Ready",status="False"} == 1',
        '10m',
        'warning',
        'An ExternalSecret fails to sync',
        'ExternalSecret {{ $labels.exported_namespace }}/{{ $labels.name }} has not been Ready for 10 minutes: its Secret is missing or stale.',
        'Read the ExternalSecret’s status message (kubectl describe externalsecret); usually the workload identity lacks access to the secret.',
      ),
    );
  }
  const tool = env.gitops?.tool;
  if (tool === 'argocd') {
    // argocd_app_info{namespace, name, project, autosync_enabled, repo, dest_server, dest_namespace, sync_status,
    // health_status, operation}: argo-cd v3.5.1 controller/metrics/metrics.go. Scraped: the application controller's
    // PodMonitor (src/model/scrapes.ts ARGOCD_CONTROLLER).
    rules.push(
      rule(
        'ArgoCdAppOutOfSync',
        'argocd_app_info{sync_status!="Synced"} == 1',
        '30m',
        'warning',
        'An Argo CD application has been out of sync for 30 minutes',
        'Application {{ $labels.name }} is {{ $labels.sync_status }}: the cluster does not run what dist/ says.',
        'Open the application in Argo CD and read the sync error (argocd app get <name>); fix the manifest or the failing hook.',
      ),
      rule(
        'ArgoCdAppDegraded',
        'argocd_app_info{health_status=~"Degraded|Missing"} == 1',
        '15m',
        'critical',
        'An Argo CD application is degraded',
        'Application {{ $labels.name }} has been {{ $labels.health_status }} for 15 minutes.',
        'Find the unhealthy resource in the application tree (argocd app get <name>) and follow its own alert or events.',
      ),
    );
  } else if (tool === 'flux') {
    // gotk_resource_info{customresource_kind, name, exported_namespace, ready, suspended, ...}: the kube-state-metrics
    // custom resource state metrics Flux documents since v2.1 (fluxcd.io/flux/monitoring/custom-metrics,
    // fluxcd/flux2-monitoring-example); the controllers' own gotk_reconcile_condition was removed. The platform's
    // kube-state-metrics is configured to produce it (charts/gitops/operator-values.ts FLUX_RESOURCE_STATE).
    // Not Ready is False or Unknown (a health check that times out flips between the two, which `ready="False"`
    // alone would reset every time); `suspended` is absent where spec.suspend is.
    rules.push(
      rule(
        'FluxResourceNotReady',
        'gotk_resource_info{ready!="True",suspended!="true"} == 1',
        '15m',
        'warning',
        'A Flux resource has not been ready for 15 minutes',
        '{{ $labels.customresource_kind }} {{ $labels.exported_namespace }}/{{ $labels.name }} is not Ready: the cluster does not run what dist/ says.',
        'Read the resource’s Ready condition (flux get all -A --status-selector ready=false) and fix the source, manifest or chart it names.',
      ),
    );
  }
  return rules;
}

/** The alert rule groups of the environment: none where observability is off. */
export function alertRuleGroups(env: Environment): RuleGroup[] {
  if (!env.observability.enabled) return [];
  const groups: RuleGroup[] = [
    { name: 'platform', rules: platformRules(env) },
    { name: 'gpu', rules: gpuRules(env) },
    { name: 'spot', rules: spotRules(env) },
    { name: 'edw', rules: edwRules(env) },
    { name: 'mlops', rules: mlopsRules(env) },
    { name: 'rag', rules: ragRules(env) },
  ];
  return groups.filter((g) => g.rules.length > 0);
}
