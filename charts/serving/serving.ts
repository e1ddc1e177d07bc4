/**
 * Model serving, written once for both clouds: per served model of `mlops.models`,
 * - a ServiceAccount bound to the model's cloud identity (identity.ts);
 * - a KServe InferenceService `<model>` serving `modelUri(path)` from the environment's artifact
 *   store;
 * - for models with an A/B test, a Seldon Core v1 SeldonDeployment `<model>-ab` with two predictors,
 *   `main` (the model's path) and `challenger` (the challenger path), splitting traffic;
 * - a NetworkPolicy per serving object: ingress on its serving ports from the namespace, the
 *   ingress gateway's namespace (and Knative's, in Knative mode), egress to the artifact store.
 *
 * Deployment mode of the InferenceService, in KServe 0.20's names (`Standard`, `Knative`): its defaulting
 * webhook rewrites the deprecated `RawDeployment` / `Serverless` on every object, which Argo CD would show
 * as drift forever. Standard (plain Deployment, Service and HPA; no
 * Knative or Istio needed) unless the model asks for a canary. `canaryTrafficPercent` works only
 * in Knative mode (Knative revisions); Standard ignores it silently, and KServe 0.20's
 * Standard canary (`spec.canary`) needs a second, named predictor with its own model, which
 * the model does not describe (its canary is "the next revision of the same service"). So a model
 * with `canaryPercent` runs in Knative mode (servesOnKnative): Knative Serving and its Istio networking
 * layer come from the `serving-ingress` app (ingress.ts) and the operators it needs. Knative accepts a narrower pod spec:
 * the priority class only with its `kubernetes.podspec-priorityclassname` feature, which the KnativeServing turns on.
 *
 * No Secret: the storage initializers authenticate with the pod identity. KServe injects its own
 * initializer and reads the S3 settings from the service account (AWS). Seldon's default
 * initializer (rclone) wants credentials in a Secret (`envSecretRefName`); the graph sets
 * `storageInitializerImage` to KServe's initializer (SELDON_STORAGE_INITIALIZER), pinned to the
 * KServe release of the CRD: the same downloader KServe runs, taking the `<uri> <dir>` arguments
 * Seldon calls an initializer with, and reading credentials from the pod identity (the IRSA
 * web-identity token through boto3's default chain; on Azure the workload identity environment
 * the webhook injects; check the pinned release's Azure credential support when upgrading).
 *
 * Security: the model containers run with the restricted profile's container settings (non-root
 * UID, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp). The root
 * filesystem stays writable: the prepackaged servers write caches in their working directories. The containers the operators
 * add are data per operator version (src/model/injected-containers.ts), and validate checks each pod
 * with them against its namespace's level: KServe's storage initializer takes the security context
 * the kserve-resources values give its ClusterStorageContainer, Knative's queue-proxy is restricted
 * as it is, and Seldon 1.18.2's executor and model initializer cannot be hardened, so the Seldon pods
 * carry the restricted pod-level context (their seccomp profile and runAsNonRoot) and the namespace
 * enforces baseline where an A/B test runs (src/model/pod-security.ts).
 */
import type { App } from 'cdk8s';
import { KubeConfigMap, KubeNetworkPolicy, type NetworkPolicyIngressRule, type NetworkPolicyPeer } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud, MlopsSettings, ModelFramework } from '../../src/model/types';
import { PRIORITY_CLASSES } from '../../src/model/scheduling';
import { OPERATORS } from '../../src/model/operators';
import { seldonDeploymentName, TF_SERVING_MONITORING, TORCHSERVE_METRICS_ENV } from '../../src/model/workloads/mlops/serving';
import { AppChart, operatorPodLabels } from '../lib/app-chart';
import { identityServiceAccount, type IdentityBinding } from '../lib/identity';
import { COMPONENT_LABEL } from '../lib/labels';
import { namespacePeer, scrapeIngress, tcp } from '../lib/network';
import { mlopsScrapes } from '../../src/model/workloads/mlops/flows';
import { SERVED_MODEL_LABEL } from '../../src/model/workloads/mlops/serving';
import { containerValues, podSpecValues, type ContainerValues } from '../lib/pod';
import { servingIdentity } from './identity';
import { KNATIVE_NAMESPACE } from './ingress';
import { servingCloudEgress } from './network';
import { InferenceService, SeldonDeployment, type SeldonImplementation, type SeldonPredictor } from './serving-types';

export const SERVING_APP = 'serving';

export { SERVED_MODEL_LABEL };
/** COMPONENT_LABEL values of the two kinds of serving pods. */
export const SERVER_COMPONENT = { kserve: 'kserve-predictor', seldon: 'seldon-predictor' } as const;

export const DEPLOYMENT_MODE_ANNOTATION = 'serving.kserve.io/deploymentMode';
export type DeploymentMode = 'Standard' | 'Knative';

/**
 * Ports the serving pods accept traffic on: the ones the declared flows use (src/model/workloads/mlops/flows.ts).
 * The models are served over HTTP (KServe's V1/V2 REST): the runtimes' gRPC ports (KServe 8081, Knative's h2c 8013)
 * stay closed until a model can ask for gRPC.
 */
export const SERVING_PORTS = {
  /** Standard: the KServe runtime's HTTP port. */
  raw: [8080],
  /** Knative: Knative's queue-proxy (HTTP/1) in front of the runtime. */
  serverless: [8012],
  /** Knative: queue-proxy's autoscaling metrics, scraped by Knative's autoscaler. */
  knativeMetrics: 9090,
  /** Seldon Core v1: the executor (service orchestrator) in each pod, HTTP and gRPC (Seldon's VirtualService routes both). */
  seldon: [8000, 5001],
} as const;

/** KServe's storage initializer, of the KServe release the platform installs (its one pin, OPERATORS['kserve-resources']). */
export const SELDON_STORAGE_INITIALIZER = `kserve/storage-initializer:${OPERATORS['kserve-resources'].version}`;

/** Seldon Core v1 prepackaged server per framework. LightGBM has none: the MLflow server loads it from its MLmodel. */
export const SELDON_SERVERS: Readonly<Record<Exclude<ModelFramework, 'pytorch'>, SeldonImplementation>> = {
  sklearn: 'SKLEARN_SERVER',
  xgboost: 'XGBOOST_SERVER',
  lightgbm: 'MLFLOW_SERVER',
  tensorflow: 'TENSORFLOW_SERVER',
  // pytorch has none: Seldon's Triton wants a Triton repository, KServe's TorchServe a model store (the model rules refuse it).
  onnx: 'TRITON_SERVER',
};

/**
 * Servers the seldon-core-operator 1.18.2 chart gives an image only under the `v2` protocol (values.yaml predictor_servers:
 * TRITON_SERVER lists no `seldon` entry). Under the default protocol the operator finds no image for the model container
 * (operator/apis/machinelearning.seldon.io/v1/prepack.go PrepackImageName returns ""), and its pods cannot be created.
 * The executor serves `/v2/models/<name>/infer` then, counted as `service="predictions"` like v1 calls
 * (executor/api/rest/server.go).
 */
export const SELDON_V2_SERVERS: readonly SeldonImplementation[] = ['TRITON_SERVER'];

/**
 * The UID of the Seldon model containers: the prepackaged servers' image user and the chart's defaultUserID (8888), which
 * the operator applies only to pods without a security context. MLFLOW_SERVER installs the model's conda environment at
 * start, pip-installing the seldon-core tree in /microservice (owned by 8888) in place (servers/mlflowserver before-run,
 * requirements.txt at v1.18.2): as another UID it fails and the container restarts forever.
 */
export const SELDON_SERVER_UID = 8888;

function seldonServer(framework: ModelFramework): SeldonImplementation {
  if (framework === 'pytorch') throw new Error('pytorch A/B tests are refused by the model rules');
  return SELDON_SERVERS[framework];
}

/**
 * The inference protocol a KServe predictor asks for where the default (v1) finds no runtime. KServe v0.20.0 keeps only the
 * runtimes that list the predictor's protocol (pkg/apis/serving/v1beta1/predictor_model.go GetSupportingRuntimes;
 * protocolVersion unset is v1, and its webhook defaults v2 only for the triton and vllm formats). onnx's one runtime,
 * kserve-tritonserver, lists only v2 and grpc-v2 (kserve-runtime-configs files/runtimes/resources.yaml).
 */
export const KSERVE_PROTOCOL: Readonly<Partial<Record<ModelFramework, 'v2'>>> = { onnx: 'v2' };

/** Name of the MODEL node in a Seldon graph, and of the container in componentSpecs the operator completes. */
export const SELDON_MODEL_NODE = 'model';

type ServedModel = MlopsSettings['models'][number];
type AbTest = NonNullable<ServedModel['abTest']>;

/**
 * The model container of both servers: the baseline with a writable root (see above), and so without
 * /tmp. Plain values: the CRDs take int-or-string quantities.
 */
function modelContainer(model: ServedModel, name?: string, uid?: number): ContainerValues {
  return containerValues({ name, cpu: model.cpu, memory: model.memory, readOnlyRoot: false, uid });
}

/**
 * What a KServe runtime needs on the predictor's container and pod beyond the platform's baseline, per framework:
 * - pytorch (TorchServe 0.9.0, pytorch/torchserve-kfs:0.9.0): the UID of its `model-server` user (1000, the runtime's
 *   own runAsUser), the only one that may write where TorchServe writes: TEMP=/home/model-server/tmp, which it passes
 *   as java.io.tmpdir and where it unpacks model archives and opens its workers' sockets (ZipUtils, Connector), and its
 *   logs and snapshots under /home/model-server/logs (docker/Dockerfile, ts/model_server.py at v0.9.0); as UID 10001 no
 *   worker would start. And the variables that open its metrics API (TORCHSERVE_METRICS_ENV), merged by name with the
 *   runtime's env (KServe v0.20.0 MergeRuntimeContainers).
 * - tensorflow (TensorFlow Serving 2.6.2): its monitoring config (TF_SERVING_MONITORING), mounted read-only and named by
 *   the flag that turns on its Prometheus export (appended to the runtime's args, which KServe concatenates).
 */
interface KServeRuntimeNeeds {
  readonly uid?: number;
  readonly container?: Partial<Pick<ContainerValues, 'env' | 'volumeMounts'>> & { readonly args?: readonly string[] };
  readonly volumes?: readonly { readonly name: string; readonly configMap: { readonly name: string } }[];
}

const TF_SERVING_VOLUME = { name: 'tf-serving-monitoring', configMap: { name: TF_SERVING_MONITORING.configMap } };

export const KSERVE_RUNTIME_NEEDS: Readonly<Partial<Record<ModelFramework, KServeRuntimeNeeds>>> = {
  pytorch: { uid: 1000, container: { env: TORCHSERVE_METRICS_ENV.map((e) => ({ ...e })) } },
  tensorflow: {
    container: {
      args: [`--monitoring_config_file=${TF_SERVING_MONITORING.mountPath}/${TF_SERVING_MONITORING.file}`],
      volumeMounts: [{ name: TF_SERVING_VOLUME.name, mountPath: TF_SERVING_MONITORING.mountPath, readOnly: true }],
    },
    volumes: [TF_SERVING_VOLUME],
  },
};

export function deploymentMode(model: ServedModel): DeploymentMode {
  return model.canaryPercent === undefined ? 'Standard' : 'Knative';
}

export { seldonDeploymentName };

/** The metrics ports Prometheus scrapes on a model's KServe and Seldon pods (none with observability off: scrapeIngress). */
function scrapeTargetsOf(ctx: EnvironmentContext<Cloud, 'mlops'>, model: string): { kserve: number[]; seldon: number[] } {
  const targets = mlopsScrapes(ctx.env).filter((t) => t.pods.labels[SERVED_MODEL_LABEL] === model);
  const ports = (component: string) => targets.filter((t) => t.pods.labels[COMPONENT_LABEL] === component).map((t) => t.port.port);
  return { kserve: ports(SERVER_COMPONENT.kserve), seldon: ports(SERVER_COMPONENT.seldon) };
}

export class ServingChart extends AppChart<'mlops'> {
  constructor(app: App, ctx: EnvironmentContext<Cloud, 'mlops'>) {
    const names = ctx.names.mlops;
    super(app, SERVING_APP, ctx, names.namespace);
    for (const model of ctx.env.mlops.models) {
      const binding = servingIdentity(ctx, model.name);
      identityServiceAccount(this, `serviceaccount-${model.name}`, names.servingServiceAccount(model.name), binding);
      this.inferenceService(model, binding);
      if (model.abTest) this.seldonDeployment(model, model.abTest, binding);
      this.networkPolicies(model);
    }
    if (ctx.env.mlops.models.some((m) => m.framework === 'tensorflow')) {
      new KubeConfigMap(this, 'configmap-tf-serving-monitoring', {
        metadata: { name: TF_SERVING_MONITORING.configMap },
        data: { [TF_SERVING_MONITORING.file]: TF_SERVING_MONITORING.config },
      });
    }
  }

  /** Labels of a serving pod: the platform's (the operators manage the pods), the model, the server, the identity's. */
  private podLabels(model: ServedModel, component: string, binding: IdentityBinding): Record<string, string> {
    return { ...operatorPodLabels(this.ctx, SERVING_APP), [SERVED_MODEL_LABEL]: model.name, [COMPONENT_LABEL]: component, ...binding.podLabels };
  }

  private selector(model: ServedModel, component: string): Record<string, string> {
    return { [SERVED_MODEL_LABEL]: model.name, [COMPONENT_LABEL]: component };
  }

  private inferenceService(model: ServedModel, binding: IdentityBinding): void {
    const names = this.ctx.names.mlops;
    const mode = deploymentMode(model);
    const needs = KSERVE_RUNTIME_NEEDS[model.framework];
    new InferenceService(this, `inferenceservice-${model.name}`, {
      metadata: { name: model.name, annotations: { [DEPLOYMENT_MODE_ANNOTATION]: mode } },
      spec: {
        predictor: {
          model: {
            modelFormat: { name: model.framework },
            ...(KSERVE_PROTOCOL[model.framework] ? { protocolVersion: KSERVE_PROTOCOL[model.framework] } : {}),
            storageUri: names.modelUri(model.path),
            ...modelContainer(model, undefined, needs?.uid),
            ...needs?.container,
          },
          ...(needs?.volumes ? { volumes: needs.volumes } : {}),
          // Not the pod baseline: a Knative-mode predictor is a Knative Service, which admits a pod security
          // context only behind a feature flag (the priority class behind one the KnativeServing enables). The
          // service account mounts no token, so leaving the pod's setting out mounts none either.
          serviceAccountName: names.servingServiceAccount(model.name),
          minReplicas: model.minReplicas,
          maxReplicas: model.maxReplicas,
          priorityClassName: PRIORITY_CLASSES.online,
          ...(mode === 'Knative' ? { canaryTrafficPercent: model.canaryPercent } : {}),
          labels: this.podLabels(model, SERVER_COMPONENT.kserve, binding),
        },
      },
    });
  }

  private seldonDeployment(model: ServedModel, ab: AbTest, binding: IdentityBinding): void {
    const names = this.ctx.names.mlops;
    const serviceAccountName = names.servingServiceAccount(model.name);
    const predictor = (name: 'main' | 'challenger', path: string, traffic: number): SeldonPredictor => ({
      name,
      traffic,
      replicas: model.minReplicas,
      graph: {
        name: SELDON_MODEL_NODE,
        type: 'MODEL',
        implementation: seldonServer(model.framework),
        modelUri: names.modelUri(path),
        storageInitializerImage: SELDON_STORAGE_INITIALIZER,
        serviceAccountName,
        children: [],
      },
      componentSpecs: [
        {
          metadata: { labels: this.podLabels(model, SERVER_COMPONENT.seldon, binding) },
          spec: podSpecValues({
            serviceAccount: serviceAccountName,
            priorityClass: PRIORITY_CLASSES.online,
            // The model container keeps a writable root (see above), so the pod has no /tmp volume.
            tmp: false,
            // Service links stay at the Kubernetes default, as these pods have always had them: turning
            // them off is a behaviour change to make (and test against Seldon's executor) on its own.
            serviceLinks: true,
            containers: [modelContainer(model, SELDON_MODEL_NODE, SELDON_SERVER_UID)],
          }),
        },
      ],
    });
    new SeldonDeployment(this, `seldondeployment-${model.name}`, {
      metadata: { name: seldonDeploymentName(model.name) },
      spec: {
        ...(SELDON_V2_SERVERS.includes(seldonServer(model.framework)) ? { protocol: 'v2' as const } : {}),
        predictors: [predictor('main', model.path, 100 - ab.challengerPercent), predictor('challenger', ab.challengerPath, ab.challengerPercent)],
      },
    });
  }

  private networkPolicies(model: ServedModel): void {
    // Only the ingress gateway calls the models (no pod of the namespace is a declared client).
    const callers: NetworkPolicyPeer[] = [namespacePeer(this.ctx.env.cluster.gatewayNamespace)];
    const egress = servingCloudEgress(this.ctx);

    const kservePorts = deploymentMode(model) === 'Knative' ? SERVING_PORTS.serverless : SERVING_PORTS.raw;
    const kserveIngress: NetworkPolicyIngressRule[] = [{ from: callers, ports: kservePorts.flatMap(tcp) }];
    if (deploymentMode(model) === 'Knative') {
      kserveIngress.push({ from: [namespacePeer(KNATIVE_NAMESPACE)], ports: [...SERVING_PORTS.serverless, SERVING_PORTS.knativeMetrics].flatMap(tcp) });
    }
    // Prometheus to the model's metrics (src/model/workloads/mlops/flows.ts mlopsScrapes).
    const scrapes = scrapeTargetsOf(this.ctx, model.name);
    kserveIngress.push(...scrapeIngress(this.ctx, scrapes.kserve));
    new KubeNetworkPolicy(this, `netpol-${model.name}`, {
      metadata: { name: model.name },
      spec: {
        podSelector: { matchLabels: this.selector(model, SERVER_COMPONENT.kserve) },
        policyTypes: ['Ingress', 'Egress'],
        ingress: kserveIngress,
        egress,
      },
    });

    if (!model.abTest) return;
    const name = seldonDeploymentName(model.name);
    new KubeNetworkPolicy(this, `netpol-${name}`, {
      metadata: { name },
      spec: {
        podSelector: { matchLabels: this.selector(model, SERVER_COMPONENT.seldon) },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: callers, ports: SERVING_PORTS.seldon.flatMap(tcp) }, ...scrapeIngress(this.ctx, scrapes.seldon)],
        egress,
      },
    });
  }
}
