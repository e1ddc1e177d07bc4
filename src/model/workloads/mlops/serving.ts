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
 * etc., metrics.py). Not scraped yet: TensorFlow Serving exposes Prometheus only with a monitoring config file,
 * and Triton (onnx, pytorch) on 8002, which this table would name once verified with those runtimes' pods.
 */
export const MODEL_SERVER_METRICS: Readonly<Record<ModelFramework, { readonly port: number; readonly path: string } | undefined>> = {
  sklearn: { port: 8080, path: '/metrics' },
  xgboost: { port: 8080, path: '/metrics' },
  lightgbm: { port: 8080, path: '/metrics' },
  tensorflow: undefined,
  pytorch: undefined,
  onnx: undefined,
};

/** The SeldonDeployment of a model with an A/B test (its executor's `deployment_name` metric label too). */
export function seldonDeploymentName(model: string): string {
  return `${model}-ab`;
}
