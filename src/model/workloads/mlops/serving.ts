/** What model serving needs from the platform, decided by the model alone. */
import type { MlopsSettings, ModelFramework } from './spec';

type ServedModel = MlopsSettings['models'][number];

/** Pod label naming the served model (on KServe and Seldon pods); the NetworkPolicies, flows and scrapes select on it. */
export const SERVED_MODEL_LABEL = 'platform-synth.io/served-model';
/** KServe's label on every predictor pod: the InferenceService's name. */
export const INFERENCE_SERVICE_POD_LABEL = 'serving.kserve.io/inferenceservice';
/** Knative's label on every revision's pods (knative-v1.21.1 pkg/reconciler/revision/resources/meta.go makeLabels): the revision's name. */
export const KNATIVE_REVISION_POD_LABEL = 'serving.knative.dev/revision';

/**
 * A model with a canary runs in KServe's Knative mode: KServe 0.20's `canaryTrafficPercent` splits traffic
 * between Knative revisions, and Standard mode ignores it.
 */
export const servesOnKnative = (model: ServedModel): boolean => model.canaryPercent !== undefined;

/**
 * Where a Standard-mode predictor's model server serves Prometheus metrics, per framework: the runtime KServe v0.20.0
 * picks for the V1 protocol (kserve-runtime-configs files/runtimes/resources.yaml, highest autoSelect priority), whose
 * `prometheus.kserve.io/port` / `path` annotations say where. sklearn, xgboost and lightgbm get KServe's Python servers,
 * which serve `/metrics` on their HTTP port (python/kserve/kserve/protocol/rest/server.py; request_predict_seconds
 * etc., metrics.py). onnx gets Triton (kserve-tritonserver, image 23.05 = Triton v2.34.0), which serves `/metrics` on
 * 8002 on every address unless told not to (src/command_line_parser.h: allow_metrics_ true, metrics_port_ 8002, the
 * address the HTTP endpoint's 0.0.0.0; src/http_server.h: `/metrics/?`); the runtime's args leave all three alone.
 * tensorflow gets TensorFlow Serving 2.6.2 (kserve-tensorflow-serving), which serves Prometheus on its REST port 8080
 * only when its monitoring config says so (TF_SERVING_MONITORING: the platform gives it one).
 * pytorch gets TorchServe 0.9.0 (kserve-torchserve, pytorch/torchserve-kfs:0.9.0), whose runtime annotates 8082 /metrics:
 * TorchServe's metrics API, which listens on 127.0.0.1 and serves Prometheus only in `prometheus` mode unless the model's
 * own config.properties (`--ts-config=/mnt/models/config/config.properties`) says otherwise (TORCHSERVE_METRICS_ENV).
 */
export const MODEL_SERVER_METRICS: Readonly<Record<ModelFramework, ModelServerMetrics>> = {
  sklearn: { server: 'kserve', port: 8080, path: '/metrics' },
  xgboost: { server: 'kserve', port: 8080, path: '/metrics' },
  lightgbm: { server: 'kserve', port: 8080, path: '/metrics' },
  tensorflow: { server: 'tensorflow-serving', port: 8080, path: '/monitoring/prometheus/metrics' },
  pytorch: { server: 'torchserve', port: 8082, path: '/metrics' },
  onnx: { server: 'triton', port: 8002, path: '/metrics' },
};

/**
 * Where a model server serves its metrics, and which server it is: its series are named by it (KServe's Python servers
 * `request_predict_seconds`, which the alerts and dashboards read; Triton its own `nv_inference_*`, scraped only).
 */
export interface ModelServerMetrics {
  readonly server: 'kserve' | 'triton' | 'tensorflow-serving' | 'torchserve';
  readonly port: number;
  readonly path: string;
}

/**
 * TensorFlow Serving 2.6.2 exports Prometheus only with `--monitoring_config_file` naming a MonitoringConfig text proto
 * whose prometheus_config is enabled (tensorflow/serving 2.6.2 model_servers/main.cc, server.cc ParseProtoTextFile,
 * config/monitoring_config.proto); http_server.cc then serves it on the REST port at the config's path, by default
 * PrometheusExporter::kPrometheusPath `/monitoring/prometheus/metrics` (util/prometheus_exporter.cc). The file comes
 * from a ConfigMap in the serving namespace; the flag is appended to the runtime's (KServe v0.20.0
 * MergeRuntimeContainers concatenates the runtime's and the InferenceService's args).
 */
export const TF_SERVING_MONITORING = {
  configMap: 'tf-serving-monitoring',
  file: 'monitoring.config',
  mountPath: '/etc/tf-serving',
  config: 'prometheus_config {\n  enable: true\n}\n',
} as const;

/**
 * What opens TorchServe 0.9.0's metrics API to Prometheus: its address on every interface and the `prometheus` mode
 * (the defaults are http://127.0.0.1:8082 and `log`; frontend ConfigManager.java, docs/metrics.md). TorchServe reads
 * `TS_<PROPERTY>` variables over its config file only when that file sets `enable_envvars_config=true` (ConfigManager
 * setSystemVars; docs/configuration.md), as TorchServe's KServe sample config.properties does; a model whose file
 * does not must set `metrics_address` and `metrics_mode` itself, or its target shows down. The file is the model's
 * (KServe's wrapper in the image reads it at that fixed path too), so the platform can only set the variables.
 */
export const TORCHSERVE_METRICS_ENV = [
  { name: 'TS_METRICS_ADDRESS', value: `http://0.0.0.0:${MODEL_SERVER_METRICS.pytorch.port}` },
  { name: 'TS_METRICS_MODE', value: 'prometheus' },
] as const;

/** The model server whose own metrics Prometheus scrapes for a Standard-mode model (none in Knative mode: queue-proxy's instead). */
export const standardModelServer = (model: ServedModel): ModelServerMetrics['server'] | undefined =>
  servesOnKnative(model) ? undefined : MODEL_SERVER_METRICS[model.framework].server;

/**
 * The names of the Standard-mode models whose own server is `server`: the series the alerts and dashboards read for them
 * are that server's (KServe's Python servers `request_predict_seconds`, Triton `nv_inference_*`).
 */
export const modelsServedBy = (models: readonly ServedModel[], server: ModelServerMetrics['server']): string[] =>
  models.filter((m) => standardModelServer(m) === server).map((m) => m.name);

/** The SeldonDeployment of a model with an A/B test (its executor's `deployment_name` metric label too). */
export function seldonDeploymentName(model: string): string {
  return `${model}-ab`;
}
