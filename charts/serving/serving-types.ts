/**
 * Small hand-written typed interfaces for the two serving custom resources, covering only the
 * fields this chart sets (like charts/rag/milvus-types.ts):
 * - KServe `InferenceService` (serving.kserve.io/v1beta1, KServe v0.20.0);
 * - Seldon Core v1 `SeldonDeployment` (machinelearning.seldon.io/v1, Seldon Core v1.18.2).
 * The full CRDs (../shared/schemas/crds/) are thousands of lines; every emitted object is validated
 * against them in test/charts/serving.test.ts, so a field added here that a CRD does not know
 * fails there.
 */
import { typedResource } from '../lib/typed-resource';
import type { SecurityContext } from 'cdk8s-plus-28/lib/imports/k8s';
import type { ContainerValues, PodSpecValues, ResourceValues } from '../lib/pod';

export const KSERVE_API_VERSION = 'serving.kserve.io/v1beta1';
export const INFERENCE_SERVICE_KIND = 'InferenceService';
export const SELDON_API_VERSION = 'machinelearning.seldon.io/v1';
export const SELDON_DEPLOYMENT_KIND = 'SeldonDeployment';

// ---------------------------------------------------------------- KServe

/** `spec.predictor.model`: the model container, run by the serving runtime that supports the format. */
export interface KServeModelSpec {
  /** The framework (sklearn, xgboost, …): KServe picks the ClusterServingRuntime that supports it. */
  readonly modelFormat: { readonly name: string };
  /** Where the storage initializer downloads the model from (s3:// or https://<account>.blob…). */
  readonly storageUri: string;
  readonly resources: ResourceValues;
  /** The core API's container security context (the CRD takes it as is). */
  readonly securityContext: SecurityContext;
}

export interface KServePredictorSpec {
  readonly model: KServeModelSpec;
  readonly serviceAccountName: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Knative only: percent of traffic to the latest ready revision. */
  readonly canaryTrafficPercent?: number;
  /** Labels of the predictor pods. */
  readonly labels: Readonly<Record<string, string>>;
  /** Standard only (Knative rejects it unless its priority-class flag is on). */
  readonly priorityClassName?: string;
}

export const InferenceService = typedResource<{ readonly predictor: KServePredictorSpec }>(KSERVE_API_VERSION, INFERENCE_SERVICE_KIND);

// ---------------------------------------------------------------- Seldon Core v1

/** Seldon Core v1 prepackaged model servers. */
export type SeldonImplementation = 'SKLEARN_SERVER' | 'XGBOOST_SERVER' | 'MLFLOW_SERVER' | 'TENSORFLOW_SERVER' | 'TRITON_SERVER';

/** A graph with a single MODEL node, served by a prepackaged server. */
export interface SeldonModelNode {
  /** Also the name of the container in componentSpecs that the operator completes (image, ports). */
  readonly name: string;
  readonly type: 'MODEL';
  readonly implementation: SeldonImplementation;
  readonly modelUri: string;
  /** The init container that downloads modelUri; replaces Seldon's rclone default, which needs a Secret. */
  readonly storageInitializerImage: string;
  readonly serviceAccountName: string;
  readonly children: readonly [];
}

/** A pod of a predictor: labels, and a core pod spec whose containers the operator completes (image, ports). */
export interface SeldonComponentSpec {
  /** Labels of the pods (copied onto the pod template). */
  readonly metadata: { readonly labels: Readonly<Record<string, string>> };
  readonly spec: PodSpecValues<ContainerValues>;
}

export interface SeldonPredictor {
  readonly name: string;
  /** Percent of the deployment's traffic; the predictors' shares sum to 100. */
  readonly traffic: number;
  readonly replicas: number;
  readonly graph: SeldonModelNode;
  readonly componentSpecs: readonly SeldonComponentSpec[];
}

export const SeldonDeployment = typedResource<{
  /** The API the executor speaks and the prepackaged servers' image set (the chart's predictor_servers); unset is `seldon`. */
  readonly protocol?: 'v2';
  readonly predictors: readonly SeldonPredictor[];
}>(SELDON_API_VERSION, SELDON_DEPLOYMENT_KIND);

// ---------------------------------------------------------------- Routing (charts/serving/ingress.ts)

/** An Istio `Gateway` (networking.istio.io/v1, Istio 1.27): which gateway pods listen for which hosts. */
export interface IstioGatewaySpec {
  /** Labels of the gateway pods (in any namespace) that serve it. */
  readonly selector: Readonly<Record<string, string>>;
  readonly servers: readonly {
    /** The gateway Service's port. */
    readonly port: { readonly number: number; readonly name: string; readonly protocol: 'HTTP' };
    readonly hosts: readonly string[];
  }[];
}

export const IstioGateway = typedResource<IstioGatewaySpec>('networking.istio.io/v1', 'Gateway');

/** The Knative Operator's `KnativeServing` (operator.knative.dev/v1beta1, Knative Operator v1.21): which Serving release, with which networking layer. */
export interface KnativeServingSpec {
  readonly version: string;
  readonly ingress: { readonly istio: { readonly enabled: true } };
  /** Entries of Serving's ConfigMaps, by ConfigMap (`domain` for config-domain, …). */
  readonly config?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly 'high-availability': { readonly replicas: number };
}

export const KnativeServing = typedResource<KnativeServingSpec>('operator.knative.dev/v1beta1', 'KnativeServing');
