/**
 * What MLflow, the training jobs and the model servers must reach. Predictor pods are created by KServe
 * (0.20) and Seldon (1.18) with the labels the serving chart sets; Knative's activator and autoscaler
 * carry Knative Serving's `app` labels.
 */
import { cloudFlows, podFlow, tcpPorts, type Flow, type PodRef, HTTP_PORT_NAME } from '../../flows';
import type { Environment } from '../../types';
import type { WithWorkloads } from '../enabled';
import { MLFLOW_AWS_IDENTITY, SERVING_AWS_IDENTITY, TRAINING_AWS_IDENTITY } from './identities';
import type { ScrapeTarget } from '../../scrapes';
import { INFERENCE_SERVICE_POD_LABEL, KNATIVE_REVISION_POD_LABEL, MODEL_SERVER_METRICS, SERVED_MODEL_LABEL, servesOnKnative } from './serving';

const NS = 'mlops';
const MLFLOW: PodRef = { name: 'mlflow', namespace: NS, labels: { 'app.kubernetes.io/name': 'mlflow' } };
const DB_USER_JOB: PodRef = { name: 'mlflow-db-user', namespace: NS, labels: { 'app.kubernetes.io/name': 'mlflow-db-user' } };
const TRAINING: PodRef = { name: 'training', namespace: NS, labels: { 'app.kubernetes.io/component': 'training' } };
/** MLflow's HTTP port (its API, UI, health and, with `metrics`, /metrics). */
export const MLFLOW_PORT = 5000;
const knative = (app: string): PodRef => ({ name: `knative ${app}`, namespace: 'knative-serving', labels: { app } });
const predictor = (model: string, component: string): PodRef => ({
  name: `${model} predictor`,
  namespace: NS,
  labels: { 'app.kubernetes.io/component': component, [SERVED_MODEL_LABEL]: model },
});

export function mlopsFlows(env: WithWorkloads<Environment, 'mlops'>): Flow[] {
  const gateway: PodRef = {
    name: 'ingress gateway',
    namespace: env.cluster.gatewayNamespace,
    labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
  };
  const servers = env.mlops.models.flatMap((model): Flow[] => {
    const kserve = predictor(model.name, 'kserve-predictor');
    const storage = (pods: PodRef) => cloudFlows(env, 'mlops', pods, { identity: SERVING_AWS_IDENTITY, services: ['s3'] }, { services: ['blob'] });
    const kserveFlows = servesOnKnative(model)
      ? [
          // Knative mode: the gateway reaches queue-proxy directly or through the activator (scale from zero).
          podFlow(gateway, kserve, tcpPorts(8012), 'routes inference requests'),
          podFlow(knative('activator'), kserve, tcpPorts(8012), 'forwards requests it buffered while the predictor scaled up'),
          podFlow(knative('autoscaler'), kserve, tcpPorts(9090), "scrapes queue-proxy's concurrency metrics"),
        ]
      : [podFlow(gateway, kserve, tcpPorts(8080), 'routes inference requests')];
    const seldon = predictor(model.name, 'seldon-predictor');
    return [
      ...storage(kserve),
      ...kserveFlows,
      ...(model.abTest
        ? [...storage(seldon), podFlow(gateway, seldon, tcpPorts(8000, 5001), 'routes A/B inference requests (Seldon routes HTTP and gRPC)')]
        : []),
    ];
  });
  return [
    ...cloudFlows(env, 'mlops', MLFLOW, { identity: MLFLOW_AWS_IDENTITY, services: ['s3'] }, { services: ['blob'] }),
    { from: MLFLOW, to: { kind: 'postgres' }, why: 'keeps runs and the model registry in PostgreSQL' },
    // The Job that creates MLflow's database role as the administrator (charts/mlops/database-user.ts).
    ...cloudFlows(env, 'mlops', DB_USER_JOB, { identity: MLFLOW_AWS_IDENTITY, services: ['secretsmanager'] }, { services: ['key-vault'] }),
    { from: DB_USER_JOB, to: { kind: 'postgres' }, why: "creates MLflow's role as the administrator" },
    ...(env.mlops.training.length > 0
      ? [
          ...cloudFlows(env, 'mlops', TRAINING, { identity: TRAINING_AWS_IDENTITY, services: ['s3'] }, { services: ['blob'] }),
          podFlow(TRAINING, MLFLOW, tcpPorts(MLFLOW_PORT), 'logs runs and artifacts to MLflow'),
        ]
      : []),
    ...servers,
  ];
}

/**
 * The model servers' metrics, per served model:
 * - Knative mode: queue-proxy's request metrics (`http-usermetric` 9091, Knative Serving knative-v1.21.1
 *   pkg/reconciler/revision/resources/queue.go), served once the KnativeServing sets `request-metrics-protocol:
 *   prometheus` (charts/serving/ingress.ts; the default is none);
 * - Standard mode: the model server itself, where its runtime serves Prometheus (MODEL_SERVER_METRICS);
 * - an A/B test: Seldon 1.18.2's executor, `metrics` on its HTTP port 8000 at `/prometheus`
 *   (operator/controllers/seldondeployment_engine.go; the chart's executor.prometheus.path).
 * Each series carries the model's name (the served-model label; KServe's also the InferenceService's).
 */
export function mlopsScrapes(env: WithWorkloads<Environment, 'mlops'>): ScrapeTarget[] {
  // MLflow 2.x serves /metrics on its own port with `--expose-prometheus` (mlflow/server/prometheus_exporter.py).
  const mlflow: ScrapeTarget[] = env.mlops.mlflow.metrics
    ? [{ name: 'mlops-mlflow', pods: MLFLOW, port: { port: MLFLOW_PORT, protocol: 'TCP', name: HTTP_PORT_NAME }, path: '/metrics' }]
    : [];
  return [...mlflow, ...knativeScrapes(env), ...modelScrapes(env)];
}

/**
 * Knative Serving's own components where Knative-mode models run: each serves Prometheus on `metrics` 9090 at /metrics once
 * the KnativeServing sets `metrics-protocol: prometheus` (charts/serving/ingress.ts; knative-v1.21.1
 * vendor/knative.dev/pkg/observability/metrics: the default protocol is none, the port 9090; config/core/deployments:
 * the pods' `app` labels and their `metrics` ports).
 */
function knativeScrapes(env: WithWorkloads<Environment, 'mlops'>): ScrapeTarget[] {
  if (!env.mlops.models.some(servesOnKnative)) return [];
  return KNATIVE_COMPONENTS.map((app) => ({
    name: `knative-serving-${app}`,
    pods: knative(app),
    port: { port: 9090, protocol: 'TCP', name: 'metrics' },
    outsideOutput:
      "Knative Serving's pods are the Knative Operator's, from the KnativeServing; neither the platform nor Knative writes a NetworkPolicy in knative-serving",
  }));
}

/**
 * What the Knative Operator knative-v1.21.1 installs for Serving 1.21.1: every file of cmd/operator/kodata/knative-serving/1.21.1
 * (pkg/reconciler/common/releases.go reads the whole folder), so the core deployments (config/core/deployments at
 * knative-v1.21.1) and autoscaler-hpa (3-serving-hpa.yaml); and, as the KnativeServing enables Istio, net-istio's
 * (knative-extensions/net-istio knative-v1.21.0–.3 config/500-controller.yaml, 500-webhook-deployment.yaml). Each declares
 * `metrics` 9090 and sets up its observability from the same config-observability.
 */
const KNATIVE_COMPONENTS = ['activator', 'autoscaler', 'autoscaler-hpa', 'controller', 'webhook', 'net-istio-controller', 'net-istio-webhook'] as const;

function modelScrapes(env: WithWorkloads<Environment, 'mlops'>): ScrapeTarget[] {
  return env.mlops.models.flatMap((model): ScrapeTarget[] => {
    const kserve = predictor(model.name, 'kserve-predictor');
    const kserveLabels = [INFERENCE_SERVICE_POD_LABEL, SERVED_MODEL_LABEL];
    const server = MODEL_SERVER_METRICS[model.framework];
    const kserveTargets: ScrapeTarget[] = servesOnKnative(model)
      ? [
          {
            name: `mlops-${model.name}-queue-proxy`,
            pods: kserve,
            port: { port: 9091, protocol: 'TCP', name: 'http-usermetric' },
            // The revision, for the canary's share of the traffic (Knative labels every revision's pods with it).
            podTargetLabels: [...kserveLabels, KNATIVE_REVISION_POD_LABEL],
          },
        ]
      : [
          {
            name: `mlops-${model.name}-predictor`,
            pods: kserve,
            port: { port: server.port, protocol: 'TCP' },
            path: server.path,
            container: 'kserve-container',
            podTargetLabels: kserveLabels,
          },
        ];
    const seldonTargets: ScrapeTarget[] = model.abTest
      ? [
          {
            name: `mlops-${model.name}-ab-executor`,
            pods: predictor(model.name, 'seldon-predictor'),
            port: { port: 8000, protocol: 'TCP', name: 'metrics' },
            path: '/prometheus',
            podTargetLabels: [SERVED_MODEL_LABEL],
          },
        ]
      : [];
    return [...kserveTargets, ...seldonTargets];
  });
}
