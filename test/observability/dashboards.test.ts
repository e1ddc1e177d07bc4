import { alertRuleGroups } from '../../charts/observability/alert-rules';
import {
  dashboards,
  METRIC_CATALOG,
  SCHEMA_VERSION,
  serializeDashboard,
  type Dashboard,
  type MetricSource,
  type Panel,
} from '../../charts/observability/dashboards';
import { loadPlatform } from '../../src/model/load';
import { defaultPlatform } from '../../src/platform';
import type { Environment } from '../../src/model/types';
import { evaluate, metricNames, parse, series } from './promql';

const envs = loadPlatform(defaultPlatform).environments;
const byName = (name: string): Environment => envs.find((e) => e.name === name)!;
const dashboardOf = (env: Environment, uid: string): Dashboard => {
  const d = dashboards(env).find((x) => x.uid === uid);
  if (!d) throw new Error(`${env.name} has no dashboard ${uid}`);
  return d;
};
const panelOf = (d: Dashboard, title: string): Panel => {
  const p = d.json.panels.find((x) => x.title === title);
  if (!p) throw new Error(`${d.uid} has no panel ${title}`);
  return p;
};
const exprsOf = (d: Dashboard): string[] => d.json.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const sourcesOf = (d: Dashboard): Set<MetricSource> => new Set(exprsOf(d).flatMap((e) => metricNames(e).map((m) => METRIC_CATALOG[m]?.source)));
const samples = (v: ReturnType<typeof evaluate>) => {
  if (v.kind !== 'vector') throw new Error('expected a vector');
  return v.samples;
};

describe('the parser extensions', () => {
  test('on/group_left copies labels from the one side; one-to-one on() keeps the matched labels', () => {
    const data = series({ 'a{node="n1",gpu="0"}': '10', 'a{node="n1",gpu="1"}': '30', 'a{node="n2",gpu="0"}': '50', 'info{node="n1",pool="p"}': '1' });
    expect(samples(evaluate('a * on (node) group_left (pool) info', data, 0))).toEqual([
      { labels: { node: 'n1', gpu: '0', pool: 'p' }, value: 10 },
      { labels: { node: 'n1', gpu: '1', pool: 'p' }, value: 30 },
    ]);
    expect(() => evaluate('a * on (node) info', data, 0)).toThrow(/many-to-one/);
    expect(samples(evaluate('sum by (node) (a) / on (node) sum by (node) (a)', data, 0)).map((s) => s.value)).toEqual([1, 1]);
  });

  test('label_replace, clamp_min, topk, irate, and `by` after the argument', () => {
    const data = series({ 'g{pod="train-abc"}': '4', 'g{pod="other"}': '2', 'c{a="1"}': '0 10 40' });
    expect(samples(evaluate('label_replace(g, "job", "$1", "pod", "(train)-.*")', data, 0)).map((s) => s.labels.job)).toEqual(['train', undefined]);
    expect(samples(evaluate('clamp_min(g, 3)', data, 0)).map((s) => s.value)).toEqual([4, 3]);
    expect(samples(evaluate('topk(1, g)', data, 0))).toEqual([{ labels: { __name__: 'g', pod: 'train-abc' }, value: 4 }]);
    expect(samples(evaluate('irate(c[5m])', data, 120))[0].value).toBeCloseTo(0.5);
    expect(samples(evaluate('sum(g) by (pod)', data, 0))).toHaveLength(2);
    expect(metricNames('sum(rate(x_total[5m])) / on (a) group_left () max(y) + label_replace(x_total, "b", "$1", "a", "(.*)")')).toEqual(['x_total', 'y']);
  });
});

describe('the dashboard set', () => {
  test('the four default environments have the dashboards of what they run', () => {
    const uids = Object.fromEntries(envs.map((e) => [e.name, dashboards(e).map((d) => d.uid)]));
    for (const e of envs) {
      const expected = ['platform', ...(['edw', 'rag', 'mlops', 'lakehouse'] as const).filter((w) => e[w] !== undefined)].map((n) => `platform-synth-${n}`);
      expect(uids[e.name]).toEqual(expected);
    }
    expect(uids['aws-prod']).toEqual([
      'platform-synth-platform',
      'platform-synth-edw',
      'platform-synth-rag',
      'platform-synth-mlops',
      'platform-synth-lakehouse',
    ]);
    expect(dashboards({ ...byName('aws-prod'), observability: { ...byName('aws-prod').observability, enabled: false } } as Environment)).toEqual([]);
  });

  test.each(envs.map((e) => [e.name, e] as const))('%s: uids, panels, queries, metrics', (_, env) => {
    const ds = dashboards(env);
    expect(new Set(ds.map((d) => d.uid)).size).toBe(ds.length);
    for (const d of ds) {
      expect(d.uid).toMatch(/^platform-synth-[a-z]+$/);
      expect(d.uid.length).toBeLessThanOrEqual(40);
      expect(d.json.uid).toBe(d.uid);
      expect(d.fileName).toBe(`${d.uid}.json`);
      expect(d.json.schemaVersion).toBe(SCHEMA_VERSION);
      expect(d.json).not.toHaveProperty('id');
      expect(JSON.stringify(d.json)).not.toMatch(/\d{4}-\d{2}-\d{2}T|"id":/);
      expect(d.json.templating).toEqual({ list: [expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })] });
      expect(d.json.panels.length).toBeGreaterThan(0);
      const cells = new Set<string>();
      for (const p of d.json.panels) {
        expect(['timeseries', 'stat', 'gauge', 'table', 'text']).toContain(p.type);
        const { x, y, w, h } = p.gridPos;
        expect(x + w).toBeLessThanOrEqual(24);
        // No two panels overlap.
        for (let i = x; i < x + w; i++)
          for (let j = y; j < y + h; j++) {
            expect(cells.has(`${i},${j}`)).toBe(false);
            cells.add(`${i},${j}`);
          }
        if (p.type === 'text') continue;
        expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(p.targets!.length).toBeGreaterThan(0);
        for (const t of p.targets!) {
          expect(() => parse(t.expr)).not.toThrow();
          for (const m of metricNames(t.expr)) expect([m, METRIC_CATALOG[m]?.source]).toEqual([m, expect.any(String)]);
        }
      }
    }
  });

  test('every kube-state-metrics series is selected by its job: OpenCost re-exports some under the same names', () => {
    let checked = 0;
    for (const env of envs) {
      const exprs = [...dashboards(env).flatMap(exprsOf), ...alertRuleGroups(env).flatMap((g) => g.rules.map((r) => r.expr))];
      for (const expr of exprs)
        for (const m of expr.matchAll(/\bkube_[a-z_]+(\{[^}]*\})?/g)) {
          expect({ expr, selector: m[0], job: m[1]?.includes('job="kube-state-metrics"') ?? false }).toEqual({ expr, selector: m[0], job: true });
          checked++;
        }
    }
    expect(checked).toBeGreaterThan(20);
  });

  test('only metrics of components the environment runs', () => {
    const aws = byName('aws-prod');
    const azure = byName('azure-prod');
    const platformAws = sourcesOf(dashboardOf(aws, 'platform-synth-platform'));
    const platformAzure = sourcesOf(dashboardOf(azure, 'platform-synth-platform'));
    expect([...platformAws]).toEqual(expect.arrayContaining(['karpenter', 'dcgm-exporter', 'argocd']));
    expect(platformAws.has('flux')).toBe(false);
    expect(platformAzure.has('karpenter')).toBe(false);
    expect(platformAzure.has('argocd')).toBe(false);
    expect(platformAzure.has('flux')).toBe(true);
    expect(panelOf(dashboardOf(azure, 'platform-synth-platform'), 'Spot nodes given an eviction notice (last hour)').type).toBe('timeseries');

    const bare = {
      ...aws,
      cluster: { ...aws.cluster, gpuPools: [], spotPools: [] },
      edw: undefined,
      rag: undefined,
      mlops: undefined,
      lakehouse: undefined,
      gitops: undefined,
    };
    const only = dashboards(bare as unknown as Environment);
    expect(only.map((d) => d.uid)).toEqual(['platform-synth-platform']);
    expect([...sourcesOf(only[0])].filter((s) => ['dcgm-exporter', 'karpenter', 'argocd', 'flux'].includes(s))).toEqual([]);
    // A workload's dashboard reads only the workload's components and kube-state-metrics.
    const allowed: Record<string, MetricSource[]> = {
      'platform-synth-edw': ['keda', 'kube-state-metrics'],
      'platform-synth-rag': ['milvus', 'kube-state-metrics'],
      'platform-synth-mlops': [
        'knative-queue-proxy',
        'kserve-model-server',
        'triton',
        'tensorflow-serving',
        'torchserve',
        'seldon-executor',
        'dcgm-exporter',
        'kube-state-metrics',
      ],
      'platform-synth-lakehouse': ['spark-operator'],
    };
    for (const e of envs)
      for (const d of dashboards(e).slice(1)) expect([d.uid, [...sourcesOf(d)].filter((s) => !allowed[d.uid].includes(s))]).toEqual([d.uid, []]);
  });

  test('MLOps panels follow the models: Knative, Python model servers, Seldon A/B tests', () => {
    const aws = byName('aws-prod');
    const mlops = dashboardOf(aws, 'platform-synth-mlops');
    const exprs = exprsOf(mlops).join('\n');
    // iris has a canary (Knative) and an A/B test (Seldon iris-ab); churn is Standard; both are Python servers.
    expect(exprs).toMatch(/serving_kserve_io_inferenceservice=~"iris"/);
    expect(exprs).toMatch(/deployment_name=~"iris-ab"/);
    // Only Standard-mode predictors' model servers are scraped: churn, not the Knative-mode iris.
    expect(exprs).toMatch(/model_name=~"churn"/);
    const noCanary = { ...aws, mlops: { ...aws.mlops!, models: aws.mlops!.models.map((m) => ({ ...m, canaryPercent: undefined, abTest: undefined })) } };
    const sources = sourcesOf(dashboardOf(noCanary as Environment, 'platform-synth-mlops'));
    expect(sources.has('knative-queue-proxy')).toBe(false);
    expect(sources.has('seldon-executor')).toBe(false);
    expect(sources.has('triton')).toBe(false);
    // An onnx model is Triton's: its own panels, by InferenceService, and not KServe's request_predict_seconds.
    const onnx = {
      ...aws,
      mlops: {
        ...aws.mlops!,
        models: [{ ...aws.mlops!.models[1], name: 'detector', framework: 'onnx' as const, canaryPercent: undefined, abTest: undefined }],
      },
    };
    const tritonBoard = dashboardOf(onnx as Environment, 'platform-synth-mlops');
    expect([...sourcesOf(tritonBoard)].filter((s) => s === 'triton' || s === 'kserve-model-server')).toEqual(['triton']);
    expect(exprsOf(tritonBoard).join('\n')).toMatch(/nv_inference_request_failure\{namespace="mlops",serving_kserve_io_inferenceservice=~"detector"\}/);
    // 100 successes a minute, 0.5 s each, and 25 failures: 125 / 60 requests a second, a fifth failed, 0.5 s mean. As
    // Triton counts it, the duration counter grows by the successes' time only (100 × 0.5 s a minute).
    const base = 'namespace="mlops",serving_kserve_io_inferenceservice="detector",model="detector",version="1"';
    const data = series({
      [`nv_inference_request_success{${base}}`]: '0+100x30',
      [`nv_inference_request_failure{${base}}`]: '0+25x30',
      [`nv_inference_request_duration_us{${base}}`]: '0+50000000x30',
    });
    const value = (title: string) => samples(evaluate(panelOf(tritonBoard, title).targets![0].expr, data, 30 * 60))[0].value;
    expect(value('Triton requests per second')).toBeCloseTo(125 / 60);
    expect(value('Triton failed share')).toBeCloseTo(0.2);
    expect(value('Triton mean request time')).toBeCloseTo(0.5);

    // A tensorflow model is TensorFlow Serving's: its request counter by status and its latency histogram in µs.
    const tf = { ...onnx, mlops: { ...onnx.mlops, models: [{ ...onnx.mlops.models[0], name: 'ranker', framework: 'tensorflow' as const }] } };
    const tfBoard = dashboardOf(tf as Environment, 'platform-synth-mlops');
    expect([...sourcesOf(tfBoard)].filter((s) => ['triton', 'kserve-model-server', 'tensorflow-serving'].includes(s))).toEqual(['tensorflow-serving']);
    const tfBase = 'namespace="mlops",serving_kserve_io_inferenceservice="ranker",model_name="ranker"';
    const tfData = series({
      [`:tensorflow:serving:request_count{${tfBase},status="OK"}`]: '0+90x30',
      [`:tensorflow:serving:request_count{${tfBase},status="NOT_FOUND"}`]: '0+30x30',
      [`:tensorflow:serving:request_latency_bucket{${tfBase},API="predict",entrypoint="REST",le="250000"}`]: '0+90x30',
      [`:tensorflow:serving:request_latency_bucket{${tfBase},API="predict",entrypoint="REST",le="+Inf"}`]: '0+90x30',
    });
    const tfValue = (title: string) => samples(evaluate(panelOf(tfBoard, title).targets![0].expr, tfData, 30 * 60))[0].value;
    expect(tfValue('TensorFlow Serving requests per second')).toBeCloseTo(2);
    expect(tfValue('TensorFlow Serving failed share')).toBeCloseTo(0.25);
    expect(tfValue('TensorFlow Serving p99 latency')).toBeLessThanOrEqual(0.25);
    expect(tfValue('TensorFlow Serving p99 latency')).toBeGreaterThan(0.2);

    // A pytorch model is TorchServe's: its frontend counters, by InferenceService. 120 requests a minute, 6 answered 5xx,
    // 0.25 s each (the latency counter in µs).
    const pt = { ...onnx, mlops: { ...onnx.mlops, models: [{ ...onnx.mlops.models[0], name: 'classifier', framework: 'pytorch' as const }] } };
    const ptBoard = dashboardOf(pt as Environment, 'platform-synth-mlops');
    expect([...sourcesOf(ptBoard)].filter((s) => ['triton', 'kserve-model-server', 'tensorflow-serving', 'torchserve'].includes(s))).toEqual(['torchserve']);
    const ptBase = 'namespace="mlops",serving_kserve_io_inferenceservice="classifier"';
    const ptData = series({
      [`ts_inference_requests_total{${ptBase},model_name="resnet",model_version="default",hostname="h"}`]: '0+120x30',
      [`ts_inference_latency_microseconds{${ptBase},model_name="resnet",model_version="default",hostname="h"}`]: '0+30000000x30',
      [`Requests5XX{${ptBase},Level="Host",Hostname="h"}`]: '0+6x30',
    });
    const ptValue = (title: string) => samples(evaluate(panelOf(ptBoard, title).targets![0].expr, ptData, 30 * 60))[0].value;
    expect(ptValue('TorchServe requests per second')).toBeCloseTo(2);
    expect(ptValue('TorchServe 5xx share')).toBeCloseTo(0.05);
    expect(ptValue('TorchServe mean request time')).toBeCloseTo(0.25);
  });
});

describe('key queries give the right numbers', () => {
  const aws = byName('aws-prod');

  test('queue depth vs replicas', () => {
    const edw = dashboardOf(aws, 'platform-synth-edw');
    const HPA = 'horizontalpodautoscaler="keda-hpa-edw-consumer",namespace="edw"';
    const data = series({
      // As Prometheus stores KEDA's series: its `namespace` label renamed by the PodMonitor (honorLabels false).
      'keda_scaler_metrics_value{namespace="keda",exported_namespace="edw",scaledObject="edw-consumer",scaler="awsSqsQueueScaler",metric="s0-aws-sqs-queue",triggerIndex="0",type="scaledobject"}':
        '600',
      [`kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics",${HPA}}`]: '4',
      [`kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics",${HPA}}`]: '20',
    });
    const [queue, replicas, max] = panelOf(edw, 'Queue depth vs consumer replicas').targets!.map((t) => samples(evaluate(t.expr, data, 0))[0].value);
    expect([queue, replicas, max]).toEqual([600, 4, 20]);
    expect(samples(evaluate(panelOf(edw, 'Messages per consumer').targets![0].expr, data, 0))[0].value).toBe(150);
    // With no consumer running the ratio is the whole queue, not infinity.
    const zero = series({
      'keda_scaler_metrics_value{exported_namespace="edw",scaledObject="edw-consumer"}': '600',
      [`kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics",${HPA}}`]: '0',
    });
    expect(samples(evaluate(panelOf(edw, 'Messages per consumer').targets![0].expr, zero, 0))[0].value).toBe(600);
  });

  test('cost per namespace: allocation × the node’s hourly prices from OpenCost, one price per node through a rollout, GPU where there is one', () => {
    const board = dashboardOf(aws, 'platform-synth-platform');
    const [cost] = panelOf(board, 'Cost per namespace (OpenCost, per hour)').targets!;
    // OpenCost's node series carry no pod: the scrape adds OpenCost's, so a rollout shows two of each for a while.
    const price = (metric: string, node: string, value: number) =>
      [0, 1].map((i) => [`${metric}{node="${node}",instance="${node}",namespace="monitoring",pod="opencost-${i}"}`, String(value)]);
    const alloc = (metric: string, ns: string, node: string, value: number) => [
      `${metric}{namespace="${ns}",pod="${ns}-0",container="main",instance="${node}",node="${node}"}`,
      String(value),
    ];
    const GiB = 1073741824;
    const data = series(
      Object.fromEntries([
        ...price('node_cpu_hourly_cost', 'n1', 0.04),
        ...price('node_ram_hourly_cost', 'n1', 0.005),
        ...price('node_cpu_hourly_cost', 'n2', 0.1),
        ...price('node_ram_hourly_cost', 'n2', 0.01),
        ...price('node_gpu_hourly_cost', 'n2', 1.2),
        alloc('container_cpu_allocation', 'rag', 'n1', 2),
        alloc('container_memory_allocation_bytes', 'rag', 'n1', 4 * GiB),
        alloc('container_cpu_allocation', 'mlops', 'n2', 1),
        alloc('container_memory_allocation_bytes', 'mlops', 'n2', 8 * GiB),
        alloc('container_gpu_allocation', 'mlops', 'n2', 1),
      ]),
    );
    const byNamespace = Object.fromEntries(samples(evaluate(cost.expr, data, 0)).map((s) => [s.labels.namespace, s.value]));
    expect(byNamespace.rag).toBeCloseTo(2 * 0.04 + 4 * 0.005);
    expect(byNamespace.mlops).toBeCloseTo(1 * 0.1 + 8 * 0.01 + 1.2);
    expect(Object.keys(byNamespace).sort()).toEqual(['mlops', 'rag']);
    const [total] = panelOf(board, 'Nodes’ cost per hour (OpenCost)').targets!;
    const nodes = series(Object.fromEntries([...price('node_total_hourly_cost', 'n1', 0.2), ...price('node_total_hourly_cost', 'n2', 2)]));
    expect(samples(evaluate(total.expr, nodes, 0))[0].value).toBeCloseTo(2.2);
    // Only where OpenCost runs.
    expect(() => panelOf(dashboardOf(byName('aws-dev'), 'platform-synth-platform'), 'Cost per namespace (OpenCost, per hour)')).toThrow(/no panel/);
  });

  test('GPU utilization per pool joins DCGM to the node’s pool label', () => {
    const platform = dashboardOf(aws, 'platform-synth-platform');
    const gpu = (host: string, i: number, util: number) => [
      `DCGM_FI_DEV_GPU_UTIL{gpu="${i}",Hostname="${host}",namespace="dcgm-exporter",pod="dcgm-exporter-x"}`,
      String(util),
    ];
    const node = (n: string, pool: string) => [
      `kube_node_labels{job="kube-state-metrics",node="${n}",label_platform_synth_io_pool="${pool}",label_platform_synth_io_capacity="spot"}`,
      '1',
    ];
    const data = series(
      Object.fromEntries([
        gpu('n1', 0, 90),
        gpu('n1', 1, 70),
        gpu('n2', 0, 20),
        gpu('n3', 0, 99),
        node('n1', 'gpuspot'),
        node('n2', 'gpu'),
        node('n3', 'system'),
      ]),
    );
    const result = samples(evaluate(panelOf(platform, 'GPU utilization per pool').targets![0].expr, data, 0));
    // n3 is not a GPU pool's node: left out.
    expect(result.map((s) => [s.labels.label_platform_synth_io_pool, s.value]).sort()).toEqual([
      ['gpu', 20],
      ['gpuspot', 80],
    ]);
  });

  test('error rate per model (Knative and Seldon)', () => {
    const mlops = dashboardOf(aws, 'platform-synth-mlops');
    const kn = (code: string, perMinute: number) => [
      `kn_serving_invocation_duration_seconds_count{namespace="mlops",serving_kserve_io_inferenceservice="iris",http_response_status_code="${code}"}`,
      `0+${perMinute}x10`,
    ];
    const data = series(Object.fromEntries([kn('200', 57), kn('503', 3)]));
    const errors = samples(evaluate(panelOf(mlops, 'Inference error rate (Knative models)').targets![0].expr, data, 600));
    expect(errors).toHaveLength(1);
    expect(errors[0].labels).toEqual({ serving_kserve_io_inferenceservice: 'iris' });
    expect(errors[0].value).toBeCloseTo(0.05);

    const sd = (predictor: string, code: string, perMinute: number) => [
      `seldon_api_executor_server_requests_seconds_count{namespace="mlops",deployment_name="iris-ab",predictor_name="${predictor}",service="predictions",method="post",code="${code}"}`,
      `0+${perMinute}x10`,
    ];
    const ab = series(Object.fromEntries([sd('main', '200', 80), sd('challenger', '200', 18), sd('challenger', '500', 2)]));
    const rate = samples(evaluate(panelOf(mlops, 'A/B tests: error rate per predictor').targets![0].expr, ab, 600));
    expect(rate.map((s) => [s.labels.predictor_name, s.value])).toEqual([['challenger', expect.closeTo(0.1)]]);
    const share = samples(evaluate(panelOf(mlops, 'A/B tests: traffic share').targets![0].expr, ab, 600));
    expect(Object.fromEntries(share.map((s) => [s.labels.predictor_name, s.value]))).toEqual({ main: expect.closeTo(0.8), challenger: expect.closeTo(0.2) });
  });
});

describe('serialization', () => {
  test('stable bytes, sorted keys, 2-space indent, trailing newline', () => {
    for (const e of envs)
      for (const d of dashboards(e)) {
        const text = serializeDashboard(d);
        expect(serializeDashboard(dashboards(e).find((x) => x.uid === d.uid)!)).toBe(text);
        expect(text.endsWith('}\n')).toBe(true);
        expect(text.startsWith('{\n  "annotations"')).toBe(true);
        const keysInOrder = (v: unknown): void => {
          if (Array.isArray(v)) v.forEach(keysInOrder);
          else if (v && typeof v === 'object') {
            const keys = Object.keys(v);
            expect(keys).toEqual([...keys].sort());
            Object.values(v).forEach(keysInOrder);
          }
        };
        keysInOrder(JSON.parse(text));
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(d.json)));
      }
  });
});
