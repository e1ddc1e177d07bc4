import { alertRuleGroups, THRESHOLDS, type AlertRule } from '../../charts/observability/alert-rules';
import { loadPlatform } from '../../src/model/load';
import { defaultPlatform } from '../../src/platform';
import type { Environment, ServedModelSpec } from '../../src/model/types';
import { evaluate, firingAlerts, parse, series } from './promql';

const envs = loadPlatform(defaultPlatform).environments;
const byName = (name: string): Environment => envs.find((e) => e.name === name)!;
const rulesOf = (env: Environment): AlertRule[] => alertRuleGroups(env).flatMap((g) => g.rules);
const ruleOf = (env: Environment, alert: string): AlertRule => {
  const r = rulesOf(env).find((x) => x.alert === alert);
  if (!r) throw new Error(`${env.name} has no rule ${alert}`);
  return r;
};
const names = (alerts: { labels: Record<string, string> }[]) => alerts.map((a) => a.labels);
/** aws-prod of the default model serving only `models`. */
const awsProdServing = (models: ServedModelSpec[]): Environment =>
  loadPlatform({
    ...defaultPlatform,
    environments: defaultPlatform.environments.map((e) =>
      e.name !== 'aws-prod' ? e : { ...e, workloads: { ...e.workloads, mlops: { ...e.workloads!.mlops!, models } } },
    ),
  }).environments.find((e) => e.name === 'aws-prod')!;

describe('the evaluator', () => {
  test('rate extrapolates like Prometheus; aggregation, comparison and and/or/unless', () => {
    const data = series({ 'c{a="1"}': '0+60x10', 'c{a="2"}': '0+120x10', 'g{a="1"}': '5x10' });
    const rate = evaluate('sum by (a) (rate(c[5m]))', data, 600);
    expect(rate).toEqual({ kind: 'vector', samples: [{ labels: { a: '1' }, value: 1 }, expect.objectContaining({ labels: { a: '2' } })] });
    expect((rate as any).samples[1].value).toBeCloseTo(2);
    expect(evaluate('c > 700', data, 600)).toEqual({ kind: 'vector', samples: [{ labels: { __name__: 'c', a: '2' }, value: 1200 }] });
    expect((evaluate('c and g', data, 600) as any).samples.map((s: any) => s.labels.a)).toEqual(['1']);
    expect((evaluate('c unless g', data, 600) as any).samples.map((s: any) => s.labels.a)).toEqual(['2']);
    expect((evaluate('g or c', data, 600) as any).samples).toHaveLength(2);
    expect(evaluate('time() - 100', data, 600)).toEqual({ kind: 'scalar', v: 500 });
  });

  test('histogram_quantile interpolates within the bucket', () => {
    const data = series({ 'h_bucket{le="0.5"}': '50', 'h_bucket{le="1"}': '90', 'h_bucket{le="+Inf"}': '100' });
    expect((evaluate('histogram_quantile(0.7, h_bucket)', data, 0) as any).samples[0].value).toBeCloseTo(0.75);
  });

  test('every rule of every environment parses', () => {
    for (const env of envs) for (const r of rulesOf(env)) expect(() => parse(r.expr)).not.toThrow();
  });
});

describe('the rule set', () => {
  test.each(envs.map((e) => [e.name, e] as const))('%s: every rule complete, names unique', (_, env) => {
    const rules = rulesOf(env);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(r.for).toMatch(/^\d+[smh]$/);
      for (const a of [r.annotations.summary, r.annotations.description, r.annotations.runbook]) expect(a.length).toBeGreaterThan(10);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  test('filtered by the environment', () => {
    const alerts = (e: Environment) => rulesOf(e).map((r) => r.alert);
    const aws = byName('aws-prod');
    const azure = byName('azure-prod');
    expect(alerts(aws)).toEqual(expect.arrayContaining(['ArgoCdAppOutOfSync', 'SpotInterruptionRateHigh', 'GpuNodePoolAtLimit', 'GpuNodeGroupAtMax']));
    expect(alerts(aws)).not.toContain('FluxResourceNotReady');
    expect(alerts(azure)).toContain('FluxResourceNotReady');
    expect(alerts(azure)).not.toEqual(expect.arrayContaining(['ArgoCdAppOutOfSync']));
    expect(alerts(azure)).toContain('SpotInterruptionRateHigh');
    expect(alerts(azure)).not.toContain('GpuNodePoolAtLimit');
    expect(alerts(byName('aws-dev'))).not.toContain('GpuNodeGroupAtMax');

    const bare = {
      ...aws,
      cluster: { ...aws.cluster, gpuPools: [], spotPools: [] },
      workloads: {},
      edw: undefined,
      rag: undefined,
      mlops: undefined,
      lakehouse: undefined,
      gitops: undefined,
    } as unknown as Environment;
    expect(alerts(bare).filter((a) => /Gpu|Spot|Edw|Mlops|Mlflow|Milvus|Inference|ArgoCd|Flux/.test(a))).toEqual([]);
    expect(alertRuleGroups({ ...aws, observability: { ...aws.observability, enabled: false } } as Environment)).toEqual([]);
  });
});

describe('each rule fires on its failure and not otherwise (promtool-style)', () => {
  const aws = byName('aws-prod');
  const azure = byName('azure-prod');
  const HPA = 'horizontalpodautoscaler="keda-hpa-edw-consumer",namespace="edw"';
  // As Prometheus stores it: scraped from the operator's pod without honorLabels, the ScaledObject's namespace becomes
  // exported_namespace and namespace/pod are the operator's.
  const KEDA =
    'keda_scaler_metrics_value{namespace="keda",pod="keda-operator-0",exported_namespace="edw",scaledObject="edw-consumer",scaler="awsSqsQueueScaler",metric="s0-aws-sqs-queue",triggerIndex="0",type="scaledobject"}';
  const KEDA_ELSEWHERE = KEDA.replace('exported_namespace="edw"', 'exported_namespace="other"');

  test('EdwQueueBacklogAtMaxReplicas', () => {
    const r = ruleOf(aws, 'EdwQueueBacklogAtMaxReplicas');
    const hpa = (current: string) => ({
      [`kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics",${HPA}}`]: current,
      [`kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics",${HPA}}`]: '20x40',
    });
    expect(names(firingAlerts(r, series({ ...hpa('20x40'), [KEDA]: '500+10x40' }), 40 * 60))).toEqual([
      { alertname: r.alert, namespace: 'edw', severity: 'critical' },
    ]);
    // Draining at max: no alert; growing below max: no alert.
    expect(firingAlerts(r, series({ ...hpa('20x40'), [KEDA]: '900-20x40' }), 40 * 60)).toEqual([]);
    expect(firingAlerts(r, series({ ...hpa('12x40'), [KEDA]: '500+10x40' }), 40 * 60)).toEqual([]);
    // Another namespace's ScaledObject of the same name is not the EDW queue.
    expect(firingAlerts(r, series({ ...hpa('20x40'), [KEDA_ELSEWHERE]: '500+10x40' }), 40 * 60)).toEqual([]);
  });

  test('EdwQueueBacklogAtMaxReplicas where the AKS add-on runs KEDA (not scraped): the HPA still wanting its maximum', () => {
    expect(azure.edw!.keda).toBe('aks-addon');
    const r = ruleOf(azure, 'EdwQueueBacklogAtMaxReplicas');
    // No KEDA series at all on this cluster: the rule must not need one.
    expect(r.expr).not.toContain('keda_scaler_metrics_value');
    const max = azure.edw!.scaling.maxReplicas;
    const hpa = (current: string, desired: string) =>
      series({
        [`kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics",${HPA}}`]: current,
        [`kube_horizontalpodautoscaler_status_desired_replicas{job="kube-state-metrics",${HPA}}`]: desired,
        [`kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics",${HPA}}`]: `${max}x40`,
      });
    expect(names(firingAlerts(r, hpa(`${max}x40`, `${max}x40`), 40 * 60))).toEqual([{ alertname: r.alert, namespace: 'edw', severity: 'critical' }]);
    // At max but wanting fewer (the queue drains): no alert; below max: no alert.
    expect(firingAlerts(r, hpa(`${max}x40`, `${max - 3}x40`), 40 * 60)).toEqual([]);
    expect(firingAlerts(r, hpa(`${max - 2}x40`, `${max - 2}x40`), 40 * 60)).toEqual([]);
    // Where KEDA is the platform's own Helm install, the queue length KEDA reads stays the signal.
    expect(ruleOf(aws, 'EdwQueueBacklogAtMaxReplicas').expr).toContain('keda_scaler_metrics_value');
  });

  test('GpuNodePoolAtLimit (Karpenter) and GpuNodeGroupAtMax (kube-state-metrics node labels)', () => {
    const r = ruleOf(aws, 'GpuNodePoolAtLimit');
    const kp = (usage: string) =>
      series({
        'karpenter_nodepools_usage{nodepool="gpuspot",resource_type="nvidia.com/gpu"}': usage,
        'karpenter_nodepools_limit{nodepool="gpuspot",resource_type="nvidia.com/gpu"}': '8x60',
      });
    expect(names(firingAlerts(r, kp('8x60'), 3600))).toEqual([expect.objectContaining({ nodepool: 'gpuspot', severity: 'warning' })]);
    expect(firingAlerts(r, kp('7x60'), 3600)).toEqual([]);

    const g = ruleOf(azure, 'GpuNodeGroupAtMax');
    const nodes = (n: number) =>
      series(
        Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`kube_node_labels{job="kube-state-metrics",node="n${i}",label_platform_synth_io_pool="gpuspot"}`, '1x60']),
        ),
      );
    expect(names(firingAlerts(g, nodes(4), 3600))).toEqual([{ alertname: g.alert, label_platform_synth_io_pool: 'gpuspot', severity: 'warning' }]);
    expect(firingAlerts(g, nodes(3), 3600)).toEqual([]);
    // OpenCost re-exports kube_node_labels (job="opencost"): two nodes stay two, not four.
    const twice = series(
      Object.fromEntries(
        ['kube-state-metrics', 'opencost'].flatMap((job) =>
          [0, 1].map((i) => [`kube_node_labels{job="${job}",node="n${i}",label_platform_synth_io_pool="gpuspot"}`, '1x60']),
        ),
      ),
    );
    expect(firingAlerts(g, twice, 3600)).toEqual([]);
  });

  test('GpuAllocatedButIdle', () => {
    const r = ruleOf(aws, 'GpuAllocatedButIdle');
    // As stored: the chart's ServiceMonitor does not honor labels, so the GPU's pod is exported_pod and pod is the exporter's.
    const exporter = 'namespace="dcgm-exporter",pod="dcgm-exporter-x1"';
    const gpu = (util: string, pod = 'train-0') =>
      series({ [`DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="ip-10-0-1-2",${exporter},exported_namespace="mlops",exported_pod="${pod}"}`]: util });
    expect(firingAlerts(r, gpu('0x70'), 65 * 60)).toHaveLength(1);
    // Busy within the hour, or idle for less than an hour: no alert.
    expect(firingAlerts(r, gpu('0x30 80 0x30'), 65 * 60)).toEqual([]);
    expect(firingAlerts(r, gpu('0x70'), 50 * 60)).toEqual([]);
    // A GPU no pod holds carries only the exporter's pod: no alert.
    expect(firingAlerts(r, series({ [`DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="h",${exporter}}`]: '0x70' }), 65 * 60)).toEqual([]);
  });

  test('SpotInterruptionRateHigh', () => {
    const r = ruleOf(aws, 'SpotInterruptionRateHigh');
    const m = (v: string) =>
      series({
        'karpenter_interruption_received_messages_total{message_type="spot_interrupted"}': v,
        'karpenter_interruption_received_messages_total{message_type="rebalance_recommendation"}': '0+1x70',
      });
    expect(firingAlerts(r, m('0+0.1x70'), 70 * 60)).toHaveLength(1);
    expect(firingAlerts(r, m('0+0.02x70'), 70 * 60)).toEqual([]);
    expect(THRESHOLDS.spotInterruptionsPerHour).toBe(3);
  });

  test('SpotInterruptionRateHigh on AKS: Spot nodes with a scheduled VM event in the hour, gone or not', () => {
    const r = ruleOf(azure, 'SpotInterruptionRateHigh');
    const ksm = 'job="kube-state-metrics"';
    // Node i: its capacity label and its VMEventScheduled condition; `alive` ends both series where AKS deletes the node.
    const node = (i: number, capacity: string, condition: string, alive = '1x70') => ({
      [`kube_node_labels{${ksm},node="n${i}",label_platform_synth_io_capacity="${capacity}"}`]: alive,
      [`kube_node_status_condition{${ksm},node="n${i}",condition="VMEventScheduled",status="true"}`]: condition,
      [`kube_node_status_condition{${ksm},node="n${i}",condition="VMEventScheduled",status="false"}`]: '1x70',
    });
    const nodes = (n: number, capacity: string, condition: string, alive?: string) =>
      series(Object.assign({}, ...Array.from({ length: n }, (_, i) => node(i, capacity, condition, alive))));
    // Four evicted Spot nodes: the condition turned true, then the node (and its series) went away.
    const evicted = '0x20 1 1 _x48';
    expect(firingAlerts(r, nodes(4, 'spot', evicted, '1x21 _x48'), 70 * 60)).toHaveLength(1);
    // Three are within the threshold; on-demand nodes' maintenance events do not count; a condition never true does not.
    expect(firingAlerts(r, nodes(3, 'spot', evicted, '1x21 _x48'), 70 * 60)).toEqual([]);
    expect(firingAlerts(r, nodes(4, 'on-demand', evicted, '1x21 _x48'), 70 * 60)).toEqual([]);
    expect(firingAlerts(r, nodes(4, 'spot', '0x70'), 70 * 60)).toEqual([]);
    // Evictions more than an hour ago have left the window.
    expect(firingAlerts(r, nodes(4, 'spot', '1 1 _x68', '1x2 _x68'), 70 * 60)).toEqual([]);
  });

  test('MlopsJobFailed, MlflowDown', () => {
    const j = ruleOf(aws, 'MlopsJobFailed');
    expect(
      names(firingAlerts(j, series({ 'kube_job_status_failed{job="kube-state-metrics",namespace="mlops",job_name="finetune"}': '0x5 1x10' }), 15 * 60)),
    ).toEqual([{ alertname: j.alert, job: 'kube-state-metrics', namespace: 'mlops', job_name: 'finetune', severity: 'warning' }]);
    expect(
      firingAlerts(
        j,
        series({
          'kube_job_status_failed{job="kube-state-metrics",namespace="mlops",job_name="finetune"}': '0x15',
          'kube_job_status_failed{job="kube-state-metrics",namespace="edw",job_name="x"}': '1x15',
        }),
        15 * 60,
      ),
    ).toEqual([]);

    const m = ruleOf(aws, 'MlflowDown');
    expect(
      firingAlerts(
        m,
        series({ 'kube_deployment_status_replicas_available{job="kube-state-metrics",namespace="mlops",deployment="mlflow"}': '1x5 0x10' }),
        15 * 60,
      ),
    ).toHaveLength(1);
    expect(
      firingAlerts(
        m,
        series({ 'kube_deployment_status_replicas_available{job="kube-state-metrics",namespace="mlops",deployment="mlflow"}': '1x5 0x2 1x5' }),
        12 * 60,
      ),
    ).toEqual([]);
  });

  test('InferenceErrorRateHigh and InferenceLatencyP99High, per Knative model', () => {
    const e = ruleOf(aws, 'InferenceErrorRateHigh');
    const base = 'namespace="mlops",serving_kserve_io_inferenceservice="iris"';
    const counts = (errorsPerMin: number) =>
      series({
        [`kn_serving_invocation_duration_seconds_count{${base},http_response_status_code="200"}`]: '0+100x30',
        [`kn_serving_invocation_duration_seconds_count{${base},http_response_status_code="503"}`]: `0+${errorsPerMin}x30`,
      });
    expect(names(firingAlerts(e, counts(20), 30 * 60))).toEqual([
      { alertname: e.alert, namespace: 'mlops', serving_kserve_io_inferenceservice: 'iris', severity: 'critical' },
    ]);
    expect(firingAlerts(e, counts(1), 30 * 60)).toEqual([]);

    const l = ruleOf(aws, 'InferenceLatencyP99High');
    const buckets = (slowPerMin: number) =>
      series({
        [`kn_serving_invocation_duration_seconds_bucket{${base},http_response_status_code="200",le="0.5"}`]: `0+${100 - slowPerMin}x30`,
        [`kn_serving_invocation_duration_seconds_bucket{${base},http_response_status_code="200",le="1"}`]: `0+${100 - slowPerMin}x30`,
        [`kn_serving_invocation_duration_seconds_bucket{${base},http_response_status_code="200",le="5"}`]: '0+100x30',
        [`kn_serving_invocation_duration_seconds_bucket{${base},http_response_status_code="200",le="+Inf"}`]: '0+100x30',
      });
    expect(firingAlerts(l, buckets(5), 30 * 60)).toHaveLength(1);
    expect(firingAlerts(l, buckets(0), 30 * 60)).toEqual([]);
    // Standard-mode models (no canary) have no queue-proxy: not selected.
    expect(e.expr).toContain('=~"iris"');
  });

  test('ModelServerLatencyP99High: Standard-mode models served by a KServe Python runtime, from request_predict_seconds', () => {
    const r = ruleOf(aws, 'ModelServerLatencyP99High');
    // churn (xgboost, no canary) is Standard; iris (a canary) has queue-proxy's rule instead.
    expect(r.expr).toContain('serving_kserve_io_inferenceservice=~"churn"');
    const base = 'namespace="mlops",serving_kserve_io_inferenceservice="churn",model_name="churn"';
    const buckets = (slowPerMin: number) =>
      series({
        [`request_predict_seconds_bucket{${base},le="0.5"}`]: `0+${100 - slowPerMin}x30`,
        [`request_predict_seconds_bucket{${base},le="1"}`]: `0+${100 - slowPerMin}x30`,
        [`request_predict_seconds_bucket{${base},le="2.5"}`]: '0+100x30',
        [`request_predict_seconds_bucket{${base},le="+Inf"}`]: '0+100x30',
      });
    expect(names(firingAlerts(r, buckets(5), 30 * 60))).toEqual([
      { alertname: r.alert, namespace: 'mlops', serving_kserve_io_inferenceservice: 'churn', severity: 'warning' },
    ]);
    expect(firingAlerts(r, buckets(0), 30 * 60)).toEqual([]);
  });

  test('TritonInferenceFailureRateHigh: Standard-mode onnx models served by Triton, from its request counters', () => {
    const withOnnx = awsProdServing([{ name: 'detector', path: 'models/detector', framework: 'onnx' as const }]);
    const r = ruleOf(withOnnx, 'TritonInferenceFailureRateHigh');
    expect(() => ruleOf(aws, 'TritonInferenceFailureRateHigh')).toThrow(/no rule/);
    // Triton's own labels (model, version) and the ones the PodMonitor copies from the predictor pod.
    const base = 'namespace="mlops",serving_kserve_io_inferenceservice="detector",platform_synth_io_served_model="detector",model="detector",version="1"';
    const counts = (failuresPerMin: number) =>
      series({ [`nv_inference_request_success{${base}}`]: '0+100x30', [`nv_inference_request_failure{${base}}`]: `0+${failuresPerMin}x30` });
    expect(names(firingAlerts(r, counts(20), 30 * 60))).toEqual([
      { alertname: r.alert, namespace: 'mlops', serving_kserve_io_inferenceservice: 'detector', severity: 'critical' },
    ]);
    expect(firingAlerts(r, counts(1), 30 * 60)).toEqual([]);
    expect(rulesOf(withOnnx).map((x) => x.alert)).not.toContain('ModelServerLatencyP99High');

    // The mean time of the successful requests: 100 a minute at `seconds` each, with 400 fast failures a minute that
    // Triton does not time (a mean over all requests would be a fifth of it and never fire).
    const l = ruleOf(withOnnx, 'TritonInferenceLatencyHigh');
    expect(() => ruleOf(aws, 'TritonInferenceLatencyHigh')).toThrow(/no rule/);
    const timed = (seconds: number) =>
      series({
        [`nv_inference_request_success{${base}}`]: '0+100x30',
        [`nv_inference_request_failure{${base}}`]: '0+400x30',
        [`nv_inference_request_duration_us{${base}}`]: `0+${100 * seconds * 1e6}x30`,
      });
    expect(names(firingAlerts(l, timed(0.8), 30 * 60))).toEqual([
      { alertname: l.alert, namespace: 'mlops', serving_kserve_io_inferenceservice: 'detector', severity: 'warning' },
    ]);
    expect(firingAlerts(l, timed(0.2), 30 * 60)).toEqual([]);
    expect(l.annotations.description).toContain(`${THRESHOLDS.inferenceMeanSeconds}s`);
  });

  test('TfServing alerts: Standard-mode tensorflow models, from TensorFlow Serving’s request counter and latency histogram (µs)', () => {
    const withTf = awsProdServing([{ name: 'ranker', path: 'models/ranker', framework: 'tensorflow' as const }]);
    expect(() => ruleOf(aws, 'TfServingRequestErrorRateHigh')).toThrow(/no rule/);
    const base = 'namespace="mlops",serving_kserve_io_inferenceservice="ranker",platform_synth_io_served_model="ranker",model_name="ranker"';
    const e = ruleOf(withTf, 'TfServingRequestErrorRateHigh');
    const counts = (failedPerMin: number) =>
      series({
        [`:tensorflow:serving:request_count{${base},status="OK"}`]: '0+100x30',
        [`:tensorflow:serving:request_count{${base},status="INVALID_ARGUMENT"}`]: `0+${failedPerMin}x30`,
      });
    expect(names(firingAlerts(e, counts(20), 30 * 60))).toEqual([
      { alertname: e.alert, namespace: 'mlops', serving_kserve_io_inferenceservice: 'ranker', severity: 'critical' },
    ]);
    expect(firingAlerts(e, counts(1), 30 * 60)).toEqual([]);
    // The histogram counts microseconds: every request in the bucket up to `us`.
    const l = ruleOf(withTf, 'TfServingLatencyP99High');
    const timed = (us: number) =>
      series({
        [`:tensorflow:serving:request_latency_bucket{${base},API="predict",entrypoint="REST",le="${us}"}`]: '0+100x30',
        [`:tensorflow:serving:request_latency_bucket{${base},API="predict",entrypoint="REST",le="+Inf"}`]: '0+100x30',
      });
    expect(names(firingAlerts(l, timed(5e6), 30 * 60))).toEqual([
      { alertname: l.alert, namespace: 'mlops', serving_kserve_io_inferenceservice: 'ranker', severity: 'warning' },
    ]);
    expect(firingAlerts(l, timed(2e5), 30 * 60)).toEqual([]);
    // Not the Python servers' rule: TensorFlow Serving exports no request_predict_seconds.
    expect(rulesOf(withTf).map((x) => x.alert)).not.toContain('ModelServerLatencyP99High');
  });

  test('TorchServe alerts: Standard-mode pytorch models, from TorchServe’s frontend counters (5xx answers, µs)', () => {
    const withPt = awsProdServing([{ name: 'classifier', path: 'models/classifier', framework: 'pytorch' as const }]);
    expect(() => ruleOf(aws, 'TorchServeInferenceErrorRateHigh')).toThrow(/no rule/);
    // TorchServe's model_name is the one in the model's config.properties, not the InferenceService's.
    const base = 'namespace="mlops",serving_kserve_io_inferenceservice="classifier",platform_synth_io_served_model="classifier"';
    const requests = { [`ts_inference_requests_total{${base},model_name="resnet",model_version="default",hostname="h"}`]: '0+100x30' };
    const e = ruleOf(withPt, 'TorchServeInferenceErrorRateHigh');
    const failing = (perMin: number) => series({ ...requests, [`Requests5XX{${base},Level="Host",Hostname="h"}`]: `0+${perMin}x30` });
    expect(names(firingAlerts(e, failing(20), 30 * 60))).toEqual([
      { alertname: e.alert, namespace: 'mlops', serving_kserve_io_inferenceservice: 'classifier', severity: 'critical' },
    ]);
    expect(firingAlerts(e, failing(1), 30 * 60)).toEqual([]);
    const l = ruleOf(withPt, 'TorchServeInferenceLatencyHigh');
    const timed = (seconds: number) =>
      series({
        ...requests,
        [`ts_inference_latency_microseconds{${base},model_name="resnet",model_version="default",hostname="h"}`]: `0+${100 * seconds * 1e6}x30`,
      });
    expect(names(firingAlerts(l, timed(0.8), 30 * 60))).toEqual([
      { alertname: l.alert, namespace: 'mlops', serving_kserve_io_inferenceservice: 'classifier', severity: 'warning' },
    ]);
    expect(firingAlerts(l, timed(0.2), 30 * 60)).toEqual([]);
    expect(rulesOf(withPt).map((x) => x.alert)).not.toContain('ModelServerLatencyP99High');
  });

  test('AbTestErrorRateHigh and AbTestLatencyP99High: per side of a Seldon A/B test, prediction calls only', () => {
    const e = ruleOf(aws, 'AbTestErrorRateHigh');
    const side = (predictor: string) =>
      `namespace="mlops",platform_synth_io_served_model="iris",deployment_name="iris-ab",predictor_name="${predictor}",method="POST"`;
    const counts = (challengerErrorsPerMin: number, probeErrorsPerMin = 0) =>
      series({
        [`seldon_api_executor_server_requests_seconds_count{${side('main')},service="predictions",code="200"}`]: '0+90x30',
        [`seldon_api_executor_server_requests_seconds_count{${side('challenger')},service="predictions",code="200"}`]: '0+10x30',
        [`seldon_api_executor_server_requests_seconds_count{${side('challenger')},service="predictions",code="500"}`]: `0+${challengerErrorsPerMin}x30`,
        [`seldon_api_executor_server_requests_seconds_count{${side('main')},service="status",code="503"}`]: `0+${probeErrorsPerMin}x30`,
      });
    expect(names(firingAlerts(e, counts(5), 30 * 60))).toEqual([
      { alertname: e.alert, namespace: 'mlops', platform_synth_io_served_model: 'iris', predictor_name: 'challenger', severity: 'critical' },
    ]);
    expect(firingAlerts(e, counts(0), 30 * 60)).toEqual([]);
    // Failing health probes are not inference errors.
    expect(firingAlerts(e, counts(0, 50), 30 * 60)).toEqual([]);

    const l = ruleOf(aws, 'AbTestLatencyP99High');
    const buckets = (slowPerMin: number) =>
      series({
        [`seldon_api_executor_server_requests_seconds_bucket{${side('main')},service="predictions",code="200",le="0.5"}`]: `0+${100 - slowPerMin}x30`,
        [`seldon_api_executor_server_requests_seconds_bucket{${side('main')},service="predictions",code="200",le="1"}`]: `0+${100 - slowPerMin}x30`,
        [`seldon_api_executor_server_requests_seconds_bucket{${side('main')},service="predictions",code="200",le="2.5"}`]: '0+100x30',
        [`seldon_api_executor_server_requests_seconds_bucket{${side('main')},service="predictions",code="200",le="+Inf"}`]: '0+100x30',
      });
    expect(names(firingAlerts(l, buckets(5), 30 * 60))).toEqual([
      { alertname: l.alert, namespace: 'mlops', platform_synth_io_served_model: 'iris', predictor_name: 'main', severity: 'warning' },
    ]);
    expect(firingAlerts(l, buckets(0), 30 * 60)).toEqual([]);
  });

  test('MilvusDown', () => {
    const r = ruleOf(aws, 'MilvusDown');
    const d = (avail: string) =>
      series({
        'kube_deployment_status_replicas_available{job="kube-state-metrics",namespace="rag",deployment="milvus-milvus-proxy"}': avail,
        'kube_deployment_spec_replicas{job="kube-state-metrics",namespace="rag",deployment="milvus-milvus-proxy"}': '2x20',
      });
    expect(names(firingAlerts(r, d('2x5 0x15'), 20 * 60))).toEqual([expect.objectContaining({ deployment: 'milvus-milvus-proxy', severity: 'critical' })]);
    expect(firingAlerts(r, d('2x20'), 20 * 60)).toEqual([]);
  });

  test('CertificateExpiringSoon', () => {
    const r = ruleOf(aws, 'CertificateExpiringSoon');
    const cert = (expiresAt: number) =>
      series({ [`certmanager_certificate_expiration_timestamp_seconds{name="webhook",namespace="monitoring",issuer_name="selfsigned"}`]: `${expiresAt}x120` });
    expect(firingAlerts(r, cert(10 * 86400), 90 * 60)).toHaveLength(1);
    expect(firingAlerts(r, cert(60 * 86400), 90 * 60)).toEqual([]);
  });

  test('ExternalSecretNotSynced', () => {
    const r = ruleOf(aws, 'ExternalSecretNotSynced');
    const es = (falseValues: string) =>
      series({
        'externalsecret_status_condition{name="mlflow-db",namespace="mlops",condition="Ready",status="False"}': falseValues,
        'externalsecret_status_condition{name="mlflow-db",namespace="mlops",condition="Ready",status="True"}': '1x20',
      });
    expect(names(firingAlerts(r, es('1x20'), 20 * 60))).toEqual([expect.objectContaining({ name: 'mlflow-db', namespace: 'mlops' })]);
    expect(firingAlerts(r, es('0x20'), 20 * 60)).toEqual([]);
  });

  test('ArgoCdAppOutOfSync, ArgoCdAppDegraded', () => {
    const s = ruleOf(aws, 'ArgoCdAppOutOfSync');
    const d = ruleOf(aws, 'ArgoCdAppDegraded');
    const app = (sync: string, health: string) =>
      series({ [`argocd_app_info{name="mlops",namespace="argocd",project="acme",sync_status="${sync}",health_status="${health}"}`]: '1x40' });
    expect(firingAlerts(s, app('OutOfSync', 'Healthy'), 40 * 60)).toHaveLength(1);
    expect(firingAlerts(d, app('OutOfSync', 'Healthy'), 40 * 60)).toEqual([]);
    expect(firingAlerts(d, app('Synced', 'Degraded'), 40 * 60)).toHaveLength(1);
    expect(firingAlerts(s, app('Synced', 'Degraded'), 40 * 60)).toEqual([]);
  });

  test('FluxResourceNotReady', () => {
    const r = ruleOf(azure, 'FluxResourceNotReady');
    const res = (ready: string, suspended?: string) =>
      series({
        [`gotk_resource_info{customresource_kind="Kustomization",name="mlops",exported_namespace="flux-system",ready="${ready}"${suspended === undefined ? '' : `,suspended="${suspended}"`}}`]:
          '1x30',
      });
    expect(firingAlerts(r, res('False'), 30 * 60)).toHaveLength(1);
    expect(firingAlerts(r, res('False', 'false'), 30 * 60)).toHaveLength(1);
    // A health check that times out reports Unknown while it runs: still not ready.
    expect(firingAlerts(r, res('Unknown'), 30 * 60)).toHaveLength(1);
    expect(firingAlerts(r, res('True'), 30 * 60)).toEqual([]);
    expect(firingAlerts(r, res('False', 'true'), 30 * 60)).toEqual([]);
  });
});
