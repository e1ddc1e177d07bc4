/**
 * Helm values of each operator release, from the model: only what differs from the chart's defaults and
 * what the rest of the platform relies on (service account names the cloud identities trust, the namespaces
 * an operator watches, the nodes it runs on).
 */
import { byCloud, withWorkload, type EnvironmentContext } from '../../src/model/context';
import { KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT } from '../../src/model/injected-containers';
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, EDW_OUTPUTS, EDW_STACK, KARPENTER_SERVICE_ACCOUNT, KEDA_SERVICE_ACCOUNT } from '../../src/model/naming';
import { OPERATORS, type OperatorName } from '../../src/model/operators';
import { CAPACITY_LABEL, POOL_LABEL, PRIORITY_CLASSES } from '../../src/model/scheduling';
import { containerSecurityContext } from '../lib/pod';
import { gpuPoolTaints, tolerate } from '../lib/scheduling';
import { FluxKustomization, GitRepository, HelmRelease, HelmRepository, type Values } from './gitops-types';
import type { Cloud, Stage } from '../../src/model/types';
import { INGRESS_GATEWAY, blockStorageClass } from '../../src/model/cluster';
import {
  GRAFANA_ADMIN_SECRET,
  GRAFANA_AWS_IDENTITY,
  MANAGED_STORE_DATASOURCE,
  MANAGED_STORE_PLUGIN,
  NODE_EXPORTER_NAMESPACE,
  OBSERVABILITY_OUTPUTS,
  PROMETHEUS_AWS_IDENTITY,
  PROMETHEUS_SERVICE_ACCOUNT,
  REMOTE_WRITE_URL,
} from '../../src/model/observability';
import { PLATFORM_STACK } from '../../src/model/naming';
import { AZURE_FEDERATED_TOKEN_FILE, azureClientId, workloadIdentity, type IdentityBinding, type IdentitySource } from '../lib/identity';
import { KNATIVE_GATEWAYS, SELDON_GATEWAY_REF } from '../serving/ingress';

/**
 * The namespaces a release writes into: its own, and the ones its values send it to (the Spark operator's
 * Roles in the namespaces whose applications it runs). The operators' AppProject must list every one.
 */
export function operatorNamespaces(ctx: EnvironmentContext, operator: OperatorName): string[] {
  return [
    OPERATORS[operator].namespace,
    ...OPERATORS[operator].otherNamespaces.map((n) => n.name),
    ...(operator === 'spark-operator' ? sparkJobNamespaces(ctx) : []),
    ...(operator === 'ack-sagemaker-controller' ? [trainingJobNamespace(ctx)] : []),
  ];
}

/** The namespaces whose SparkApplications the operator runs (its `spark.jobNamespaces`): the lakehouse's. */
function sparkJobNamespaces(ctx: EnvironmentContext): string[] {
  const lakehouse = withWorkload(ctx, 'lakehouse');
  if (!lakehouse) throw new Error(`${ctx.env.name}: the Spark operator runs the lakehouse's applications, and the lakehouse is off`);
  return [lakehouse.names.lakehouse.namespace];
}

/**
 * The one namespace whose TrainingJobs the ACK SageMaker controller runs (`installScope: namespace`): the
 * mlops app's. Its Role there (Secrets and ConfigMaps included) replaces a ClusterRole over every namespace.
 */
function trainingJobNamespace(ctx: EnvironmentContext): string {
  const mlops = withWorkload(ctx, 'mlops');
  if (!mlops) throw new Error(`${ctx.env.name}: the ACK SageMaker controller runs the mlops training jobs, and mlops is off`);
  return mlops.names.mlops.namespace;
}

/** The service account the ACK controller's Pod Identity association (mlops stack) trusts. */
function ackServiceAccount(ctx: EnvironmentContext<'aws'>): string {
  const mlops = withWorkload(ctx, 'mlops');
  if (!mlops) throw new Error(`${ctx.env.name}: the ACK SageMaker controller's identity is the mlops stack's, and mlops is off`);
  return mlops.names.mlops.aws.ackServiceAccount;
}

/** The values of one release; Terraform outputs it needs (Azure client ids) are required through the context. */
export function operatorValues(ctx: EnvironmentContext, operator: OperatorName): Values | undefined {
  const values = releaseValues(ctx, operator);
  const priority = PRIORITY_VALUES[operator];
  return priority ? mergeValues(values ?? {}, priority) : values;
}

const CRITICAL = PRIORITY_CLASSES.platformCritical;

const RUNTIME_DEFAULT = { type: 'RuntimeDefault' } as const;
/**
 * The platform's container baseline (charts/lib/pod.ts) for a chart's container that runs as its image's user
 * and writes where it likes: no UID of ours, so non-root is asserted on its own.
 */
const RESTRICTED_CONTAINER_SECURITY = { ...containerSecurityContext({ uid: 'image', readOnlyRoot: false }), runAsNonRoot: true };

/** The Service annotation that makes each cloud's load balancer internal (AWS: in the subnets tagged internal-elb). */
const INTERNAL_LOAD_BALANCER: { readonly [C in Cloud]: Readonly<Record<string, string>> } = {
  aws: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' },
  azure: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' },
};

/**
 * Where each chart takes its pods' priority class: operators and their webhooks (many fail closed) run at the
 * platform's critical priority, so workload pods never preempt them. Karpenter, Cluster Autoscaler and the device
 * plugin keep their charts' system-cluster-critical / system-node-critical (without them no node is added or used); the kserve-resources and knative-operator
 * charts have no such value, and milvus-operator 1.3.8's declares `priorityClassName` but no template reads
 * it; the CRD, runtime and istio-base charts run no pods.
 */
const PRIORITY_VALUES: Readonly<Record<OperatorName, Values | undefined>> = {
  'ack-sagemaker-controller': { deployment: { priorityClassName: CRITICAL } },
  'cert-manager': { global: { priorityClassName: CRITICAL } },
  'cluster-autoscaler': undefined,
  // The chart's system-node-critical: without it a full node would evict the GPU telemetry first.
  'dcgm-exporter': undefined,
  'external-secrets': { priorityClassName: CRITICAL, webhook: { priorityClassName: CRITICAL }, certController: { priorityClassName: CRITICAL } },
  'istio-base': undefined,
  'istio-ingressgateway': { priorityClassName: CRITICAL },
  istiod: { global: { priorityClassName: CRITICAL } },
  karpenter: undefined,
  keda: { priorityClassName: CRITICAL },
  'knative-operator': undefined,
  'kserve-crd': undefined,
  'kserve-resources': undefined,
  'kserve-runtime-configs': undefined,
  // Prometheus and Alertmanager too: alerts must outlive a node short of room. The node exporter, a node agent like
  // the device plugin, at system-node-critical (its chart sets none).
  'kube-prometheus-stack': {
    prometheusOperator: { priorityClassName: CRITICAL },
    prometheus: { prometheusSpec: { priorityClassName: CRITICAL } },
    alertmanager: { alertmanagerSpec: { priorityClassName: CRITICAL } },
    'kube-state-metrics': { priorityClassName: CRITICAL },
    'prometheus-node-exporter': { priorityClassName: 'system-node-critical' },
  },
  'milvus-operator': undefined,
  'nvidia-device-plugin': undefined,
  'seldon-core-operator': { manager: { priorityClassName: CRITICAL } },
  'spark-operator': { controller: { priorityClassName: CRITICAL }, webhook: { priorityClassName: CRITICAL } },
};

/**
 * cAdvisor's series named by node, not by the kubelet's `<node IP>:10250`: OpenCost maps a container's usage to its
 * node through `instance` (pkg/costmodel/costmodel.go, read at v1.112.0), and with the IP no usage matches its pod,
 * so allocation falls back to requests and the series it publishes for them find no node price. The chart's own
 * entry (metrics_path, values.yaml 88.5.3) is kept; the kubelet Service's endpoints point at their Node (the
 * Endpoints role, serviceDiscoveryRole unset), whose name the target carries.
 */
const OPENCOST_CADVISOR_RELABELINGS = [
  { action: 'replace', sourceLabels: ['__metrics_path__'], targetLabel: 'metrics_path' },
  { action: 'replace', sourceLabels: ['__meta_kubernetes_endpoint_address_target_name'], targetLabel: 'instance' },
];

/** `extra` merged into `base`, mapping by mapping (values are plain data: mappings, lists, scalars). */
function mergeValues(base: Values, extra: Values): Values {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isMapping(current) && isMapping(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

const isMapping = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

function releaseValues(ctx: EnvironmentContext, operator: OperatorName): Values | undefined {
  const { env } = ctx;
  switch (operator) {
    case 'ack-sagemaker-controller':
      return byCloud<Values, never>(ctx, {
        // The Pod Identity association (mlops stack) trusts this service account; the controller reconciles
        // only TrainingJobs (all its role may manage), only in the mlops namespace.
        aws: (aws) => ({
          aws: { region: aws.env.region },
          serviceAccount: { create: true, name: ackServiceAccount(aws) },
          installScope: 'namespace',
          watchNamespace: trainingJobNamespace(aws),
          reconcile: { resources: ['TrainingJob'] },
        }),
        azure: () => {
          throw new Error(`${env.name}: the ACK SageMaker controller is installed on AWS only`);
        },
      });
    case 'cert-manager':
      return { crds: { enabled: true } };
    case 'external-secrets':
      return { installCRDs: true };
    case 'cluster-autoscaler':
      return byCloud<Values, never>(ctx, {
        // Auto-discovery by the tags EKS puts on the node groups' Auto Scaling groups (the chart's default tags for
        // this cluster name); the Pod Identity association (platform stack) trusts this service account.
        aws: ({ env, names }) => ({
          cloudProvider: 'aws',
          awsRegion: env.region,
          autoDiscovery: { clusterName: names.aws.clusterName },
          rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
        }),
        azure: () => {
          throw new Error(`${env.name}: Cluster Autoscaler is installed on AWS only; AKS scales its own node pools`);
        },
      });
    case 'karpenter':
      return byCloud<Values, never>(ctx, {
        // The Pod Identity association (platform stack) and the interruption queue carry these names.
        aws: ({ names }) => ({
          serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
          settings: { clusterName: names.aws.clusterName, interruptionQueue: names.aws.karpenterInterruptionQueueName },
        }),
        azure: () => {
          throw new Error(`${env.name}: Karpenter is installed on AWS only`);
        },
      });
    case 'keda': {
      const serviceAccount = { operator: { create: true, name: KEDA_SERVICE_ACCOUNT } };
      // The operator's Prometheus metrics (scaler values and errors, src/model/scrapes.ts) only with observability on: the chart opens the port then.
      const prometheus = env.observability.enabled ? { prometheus: { operator: { enabled: true } } } : {};
      return byCloud<Values, never>(ctx, {
        aws: () => ({ serviceAccount, ...prometheus }),
        // The scaler identity's federated credential trusts keda/keda-operator; the chart labels the pod for the webhook.
        azure: ({ env, outputs }) => ({
          serviceAccount,
          ...prometheus,
          podIdentity: { azureWorkload: { enabled: true, clientId: outputs.require(EDW_STACK, EDW_OUTPUTS.scalerClientId), tenantId: env.azure.tenantId } },
        }),
      });
    }
    case 'istio-ingressgateway':
      return {
        // Behind an internal load balancer (private subnets), never a public one (the chart's LoadBalancer default).
        service: { type: 'LoadBalancer', annotations: INTERNAL_LOAD_BALANCER[env.cloud] },
        // The chart's pod security context with the seccomp profile restricted asks for: a given one replaces
        // the chart's, so its sysctl (the non-root proxy binds ports 80 and 443) is kept.
        securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }], seccompProfile: RUNTIME_DEFAULT },
      };
    case 'istiod':
      // The discovery container's seccomp profile (the chart sets none unless asked): restricted.
      return { seccompProfile: RUNTIME_DEFAULT };
    case 'milvus-operator':
      // The chart's pod security context (non-root 65532) with a seccomp profile; its container takes no capabilities setting (baseline, operators.ts).
      return { podSecurityContext: { runAsUser: 65532, runAsNonRoot: true, seccompProfile: RUNTIME_DEFAULT } };
    case 'kserve-resources': {
      // Standard unless an InferenceService asks for Knative (charts/serving sets the annotation per model).
      // Hostnames under the domain Knative serves too; Standard-mode Ingresses of the class Istio's controller
      // serves; Knative-mode routes through the gateways the Knative Operator creates for net-istio.
      const mlops = withWorkload(ctx, 'mlops');
      if (!mlops) throw new Error(`${env.name}: KServe serves MLOps' models, and MLOps is off`);
      return {
        kserve: {
          controller: {
            deploymentMode: 'Standard',
            gateway: {
              domain: mlops.env.mlops.servingDomain,
              ingressGateway: { className: INGRESS_GATEWAY.ingressClass, gateway: KNATIVE_GATEWAYS.ingress },
              localGateway: { gateway: KNATIVE_GATEWAYS.local, gatewayService: KNATIVE_GATEWAYS.localService },
            },
          },
          // The storage initializer's security context (the chart's lacks a seccomp profile, which restricted namespaces require).
          storage: { containerSecurityContext: KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT },
        },
      };
    }
    case 'kserve-runtime-configs':
      // The chart renders no runtime unless asked to.
      return { kserve: { servingruntime: { enabled: true } } };
    case 'nvidia-device-plugin':
      // The chart's default affinity wants node-feature-discovery labels the pools do not carry.
      return onGpuPools(ctx);
    case 'seldon-core-operator':
      // No anonymous usage reports leave the cluster; the webhook certificate comes from cert-manager, so every
      // render is the same; traffic is split by the Istio VirtualService it writes per SeldonDeployment, bound
      // to the platform's Seldon gateway (charts/serving/ingress.ts).
      // The manager's container fields come from `manager.containerSecurityContext` as they are: a securityContext
      // restricted admits (the pod runs as the chart's managerUserID 8888).
      return {
        usageMetrics: { enabled: false },
        certManager: { enabled: true },
        istio: { enabled: true, gateway: SELDON_GATEWAY_REF },
        manager: { containerSecurityContext: { securityContext: RESTRICTED_CONTAINER_SECURITY } },
      };
    case 'spark-operator': {
      // Applications run in the lakehouse namespace, whose service account and Role the lakehouse app creates.
      return {
        spark: { jobNamespaces: sparkJobNamespaces(ctx), serviceAccount: { create: false }, rbac: { create: false } },
        // The webhook applies what spark-submit has no setting for: affinity, tolerations, security contexts.
        webhook: { enable: true },
      };
    }
    case 'kube-prometheus-stack':
      return monitoringValues(ctx);
    case 'dcgm-exporter':
      return onGpuPools(ctx);
    case 'istio-base':
    case 'knative-operator':
    case 'kserve-crd':
      return undefined;
  }
}

/**
 * kube-prometheus-stack: Prometheus on a volume of the cloud's block class, keeping the model's retention (and
 * deleting the oldest blocks before the volume fills); every ServiceMonitor, PodMonitor and PrometheusRule in the
 * cluster selected, not only the release's own; no scrape of the control plane's components, which EKS and AKS run
 * out of the cluster's reach (nor the rules about them); Grafana with the platform's dashboards (grafanaValues).
 */
function monitoringValues(ctx: EnvironmentContext): Values {
  const { observability, cloud } = ctx.env;
  const allSelected = {
    serviceMonitorSelectorNilUsesHelmValues: false,
    podMonitorSelectorNilUsesHelmValues: false,
    ruleSelectorNilUsesHelmValues: false,
    probeSelectorNilUsesHelmValues: false,
    scrapeConfigSelectorNilUsesHelmValues: false,
  };
  const sizes = MONITORING_RESOURCES[ctx.env.stage];
  const store = observability.managedStore ? managedStoreValues(ctx) : undefined;
  return {
    grafana: grafanaValues(ctx),
    extraManifests: grafanaAdminSecret(),
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    defaultRules: { rules: { etcd: false, kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeProxy: false } },
    prometheusOperator: { admissionWebhooks: { certManager: { enabled: true } }, resources: sizes.operator },
    ...(observability.opencost ? { kubelet: { serviceMonitor: { cAdvisorRelabelings: OPENCOST_CADVISOR_RELABELINGS } } } : {}),
    alertmanager: { alertmanagerSpec: { resources: sizes.alertmanager } },
    // Its own metrics too (port `metrics`), and the pool and capacity labels on kube_node_labels: the alerts and
    // dashboards count nodes per pool and capacity type.
    'kube-state-metrics': {
      resources: sizes.kubeStateMetrics,
      selfMonitor: { enabled: true },
      metricLabelsAllowlist: [`nodes=[${POOL_LABEL},${CAPACITY_LABEL}]`],
      ...(ctx.env.gitops?.tool === 'flux' ? FLUX_RESOURCE_STATE : {}),
    },
    prometheus: {
      prometheusSpec: {
        ...allSelected,
        resources: sizes.prometheus,
        retention: `${observability.retentionDays}d`,
        // A margin under the volume's size: the TSDB's write-ahead log and compaction need room beyond the blocks.
        retentionSize: `${Math.floor(observability.volumeGi * 0.8)}GB`,
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              storageClassName: blockStorageClass(cloud),
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: `${observability.volumeGi}Gi` } },
            },
          },
        },
        ...(store
          ? {
              remoteWrite: [store.remoteWrite],
              ...(Object.keys(store.identity.podLabels).length ? { podMetadata: { labels: store.identity.podLabels } } : {}),
            }
          : {}),
      },
      ...(store ? { serviceAccount: { create: true, name: PROMETHEUS_SERVICE_ACCOUNT, annotations: store.identity.serviceAccountAnnotations } } : {}),
    },
    'prometheus-node-exporter': { namespaceOverride: NODE_EXPORTER_NAMESPACE, resources: sizes.nodeExporter },
  };
}

/** Azure Monitor's cloud, as prometheus-operator's `azureAd.cloud` names it (the platform runs in Azure's public cloud). */
const AZURE_AD_CLOUD = 'AzurePublic';

/**
 * Remote write into the cloud's managed store (observability.managedStore; stacks/aws/metrics-store.ts,
 * stacks/azure/monitoring.ts buildManagedPrometheus), authenticated by Prometheus's own workload identity, no key:
 * - AWS: SigV4 in the workspace's region; the Pod Identity association (platform stack) gives the service account its
 *   role, so the annotation only names it. The workspace endpoint is a Terraform output.
 * - Azure: Entra Workload ID (prometheus-operator 0.93's `azureAd.workloadIdentity`, Prometheus >= 3.7.0); the pod
 *   label opts Prometheus into the webhook's projected token, which the identity's federated credential trusts. The
 *   ingestion endpoint, the rule's immutable id and the client id are Terraform outputs.
 * The service account keeps the chart's name (PROMETHEUS_SERVICE_ACCOUNT): the trust is for exactly that one.
 */
interface ManagedStoreValues {
  readonly remoteWrite: Values;
  readonly identity: IdentityBinding;
}

/** Prometheus's identity, bound like every workload's (charts/lib/identity.ts): its role on AWS, its client id on Azure. */
const PROMETHEUS_IDENTITY: IdentitySource<never> = {
  aws: ({ names }) => ({ roleName: names.aws.prometheusRoleName, mechanism: PROMETHEUS_AWS_IDENTITY }),
  azure: () => ({ stack: PLATFORM_STACK, output: OBSERVABILITY_OUTPUTS.azureClientId }),
};

function managedStoreValues(ctx: EnvironmentContext): ManagedStoreValues {
  const identity = workloadIdentity(ctx, PROMETHEUS_IDENTITY);
  const remoteWrite = byCloud<Values>(ctx, {
    aws: ({ env, outputs }) => ({
      url: REMOTE_WRITE_URL.aws(outputs.require(PLATFORM_STACK, OBSERVABILITY_OUTPUTS.awsWorkspaceEndpoint)),
      sigv4: { region: env.region },
    }),
    azure: ({ env, outputs }) => ({
      url: REMOTE_WRITE_URL.azure(
        outputs.require(PLATFORM_STACK, OBSERVABILITY_OUTPUTS.azureIngestionEndpoint),
        outputs.require(PLATFORM_STACK, OBSERVABILITY_OUTPUTS.azureRuleImmutableId),
      ),
      azureAd: { cloud: AZURE_AD_CLOUD, workloadIdentity: { clientId: azureClientId(identity), tenantId: env.azure.tenantId } },
    }),
  });
  return { remoteWrite, identity };
}

/**
 * Grafana 13.2 (the chart's grafana 12.11.1 subchart): the dashboards of the observability app's ConfigMaps
 * (GRAFANA_DASHBOARD_LABEL, every namespace: the chart's sidecar default) and the chart's own Kubernetes dashboards,
 * Prometheus as its data source; the admin login from GRAFANA_ADMIN_SECRET, so the chart generates no password (its
 * random one would differ at every render); no helm test pod; no update checks or usage reports (its plugin installs from grafana.com stay: src/model/scrapes.ts GRAFANA_PLUGIN_HOST). No Ingress: reach it with
 * `kubectl port-forward -n monitoring svc/kube-prometheus-stack-grafana 3000:80`.
 */
function grafanaValues(ctx: EnvironmentContext): Values {
  const sizes = MONITORING_RESOURCES[ctx.env.stage];
  const store = ctx.env.observability.managedStore ? managedStoreDataSource(ctx) : undefined;
  return {
    enabled: true,
    admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' },
    testFramework: { enabled: false },
    priorityClassName: CRITICAL,
    resources: sizes.grafana,
    sidecar: { resources: sizes.grafanaSidecar },
    'grafana.ini': mergeIni({ analytics: { check_for_updates: false, reporting_enabled: false } }, store?.ini ?? {}),
    ...(store
      ? {
          plugins: [store.plugin],
          additionalDataSources: [store.dataSource],
          serviceAccount: { annotations: store.identity.serviceAccountAnnotations },
          ...(Object.keys(store.identity.podLabels).length ? { podLabels: store.identity.podLabels } : {}),
        }
      : {}),
  };
}

const mergeIni = (a: Record<string, Values>, b: Record<string, Values>): Values =>
  Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].sort().map((k) => [k, { ...(a[k] ?? {}), ...(b[k] ?? {}) }]));

/** Grafana's identity for the managed store, bound like Prometheus's: its query role on AWS, its client id on Azure. */
const GRAFANA_IDENTITY: IdentitySource<never> = {
  aws: ({ names }) => ({ roleName: names.aws.grafanaRoleName, mechanism: GRAFANA_AWS_IDENTITY }),
  azure: () => ({ stack: PLATFORM_STACK, output: OBSERVABILITY_OUTPUTS.azureGrafanaClientId }),
};

/**
 * The managed store as a second Grafana data source (MANAGED_STORE_DATASOURCE), for the history past the in-cluster
 * retention, read with Grafana's own workload identity (stacks/aws/metrics-store.ts, stacks/azure/monitoring.ts):
 * - AWS: grafana-amazonprometheus-datasource, SigV4 with the SDK's `default` provider (the Pod Identity credentials),
 *   at the workspace endpoint in its region; Grafana forwards its environment to that plugin only
 *   (`plugins.forward_host_env_vars`), since plugins get none of it by default (pkg/plugins/envvars).
 * - Azure: grafana-azureprometheus-datasource with `workloadidentity`, which needs `auth.azure_auth_enabled` and
 *   `azure.workload_identity_enabled`; the client, tenant and token file named. The file must be: Grafana forwards the
 *   plugin its [azure] settings but none of its environment, so the plugin (grafana-azure-sdk-go v2.4.0, whose
 *   workload identity credential falls back to AZURE_FEDERATED_TOKEN_FILE) would find no token without it.
 * The plugin installs at start-up from grafana.com (the chart's `plugins` → GF_PLUGINS_PREINSTALL_SYNC), pinned.
 */
function managedStoreDataSource(ctx: EnvironmentContext): { plugin: string; dataSource: Values; ini: Record<string, Values>; identity: IdentityBinding } {
  const identity = workloadIdentity(ctx, GRAFANA_IDENTITY);
  const plugin = MANAGED_STORE_PLUGIN[ctx.env.cloud];
  const base = { name: MANAGED_STORE_DATASOURCE.name, uid: MANAGED_STORE_DATASOURCE.uid, type: plugin.id, access: 'proxy', editable: false };
  const { dataSource, ini } = byCloud<{ dataSource: Values; ini: Record<string, Values> }>(ctx, {
    aws: ({ env, outputs }) => ({
      dataSource: {
        ...base,
        url: outputs.require(PLATFORM_STACK, OBSERVABILITY_OUTPUTS.awsWorkspaceEndpoint).replace(/\/$/, ''),
        jsonData: { httpMethod: 'POST', sigV4Auth: true, sigV4AuthType: 'default', sigV4Region: env.region },
      },
      ini: { plugins: { forward_host_env_vars: plugin.id } },
    }),
    azure: ({ env, outputs }) => ({
      dataSource: {
        ...base,
        url: outputs.require(PLATFORM_STACK, OBSERVABILITY_OUTPUTS.azureQueryEndpoint),
        jsonData: { httpMethod: 'POST', azureCredentials: { authType: 'workloadidentity' } },
      },
      ini: {
        auth: { azure_auth_enabled: true },
        azure: {
          workload_identity_enabled: true,
          workload_identity_client_id: azureClientId(identity),
          workload_identity_tenant_id: env.azure.tenantId,
          workload_identity_token_file: AZURE_FEDERATED_TOKEN_FILE,
        },
      },
    }),
  });
  return { plugin: `${plugin.id}@${plugin.version}`, dataSource, ini, identity };
}

/**
 * The Secret Grafana logs its admin in with, made in the release (so before Grafana's pod needs it, with no other
 * unit to order): ESO's Password generator (external-secrets 2.9.0, generators.external-secrets.io/v1alpha1) behind an
 * ExternalSecret that creates the Secret once and never rotates it under a running Grafana.
 */
function grafanaAdminSecret(): Values[] {
  const generator = { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', metadata: { name: GRAFANA_ADMIN_SECRET } };
  return [
    { ...generator, spec: { length: 32, digits: 6, symbols: 0, noUpper: false, allowRepeat: true, secretKeys: ['admin-password'] } },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: GRAFANA_ADMIN_SECRET },
      spec: {
        refreshPolicy: 'CreatedOnce',
        target: { name: GRAFANA_ADMIN_SECRET, template: { engineVersion: 'v2', mergePolicy: 'Merge', data: { 'admin-user': 'admin' } } },
        dataFrom: [{ sourceRef: { generatorRef: { apiVersion: generator.apiVersion, kind: generator.kind, name: GRAFANA_ADMIN_SECRET } } }],
      },
    },
  ];
}

/** The Flux kinds the platform delivers with (charts/gitops/flux.ts), by API group and version, as their classes write them. */
const FLUX_KINDS = [
  { type: FluxKustomization, resource: 'kustomizations' },
  { type: HelmRelease, resource: 'helmreleases' },
  { type: GitRepository, resource: 'gitrepositories' },
  { type: HelmRepository, resource: 'helmrepositories' },
].map(({ type, resource }) => {
  const [group, version] = type.gvk.apiVersion.split('/');
  return { group, version, kind: type.gvk.kind, resource };
});

/**
 * Flux's resource state as `gotk_resource_info{customresource_kind, name, exported_namespace, ready, suspended}`
 * (Flux's documented metric since its controllers stopped exporting conditions): kube-state-metrics 2.20.0's custom
 * resource state (docs/metrics/extend/customresourcestate-metrics.md: `metricNamePrefix`, an Info metric, the
 * `[type=Ready]` path into the conditions), with read access to those kinds.
 */
const FLUX_RESOURCE_STATE: Values = {
  customResourceState: {
    enabled: true,
    config: {
      kind: 'CustomResourceStateMetrics',
      spec: {
        resources: FLUX_KINDS.map(({ group, version, kind }) => ({
          groupVersionKind: { group, version, kind },
          metricNamePrefix: 'gotk',
          metrics: [
            {
              name: 'resource_info',
              help: `The current state of a Flux ${kind}.`,
              each: { type: 'Info', info: { labelsFromPath: { name: ['metadata', 'name'] } } },
              labelsFromPath: {
                exported_namespace: ['metadata', 'namespace'],
                ready: ['status', 'conditions', '[type=Ready]', 'status'],
                suspended: ['spec', 'suspend'],
              },
            },
          ],
        })),
      },
    },
  },
  rbac: {
    extraRules: [...new Set(FLUX_KINDS.map((k) => k.group))].map((group) => ({
      apiGroups: [group],
      resources: FLUX_KINDS.filter((k) => k.group === group).map((k) => k.resource),
      verbs: ['list', 'watch'],
    })),
  },
};

const resources = (cpu: string, memory: string, memoryLimit: string) => ({ requests: { cpu, memory }, limits: { memory: memoryLimit } });

/**
 * Requests and memory limits of the monitoring pods per stage (the chart sets none). Prometheus's memory grows with the
 * active series (about 8 KiB each with its index): some 150k in dev, 400k in prod for these clusters. No CPU limits,
 * as everywhere on the platform: throttling a scrape loop only delays it.
 */
const MONITORING_RESOURCES: {
  readonly [S in Stage]: Readonly<
    Record<'prometheus' | 'alertmanager' | 'operator' | 'kubeStateMetrics' | 'nodeExporter' | 'grafana' | 'grafanaSidecar', Values>
  >;
} = {
  dev: {
    prometheus: resources('250m', '1536Mi', '3Gi'),
    alertmanager: resources('10m', '64Mi', '256Mi'),
    operator: resources('50m', '128Mi', '512Mi'),
    kubeStateMetrics: resources('50m', '128Mi', '512Mi'),
    nodeExporter: resources('50m', '64Mi', '256Mi'),
    grafana: resources('50m', '192Mi', '512Mi'),
    grafanaSidecar: resources('10m', '64Mi', '128Mi'),
  },
  prod: {
    prometheus: resources('500m', '4Gi', '8Gi'),
    alertmanager: resources('20m', '128Mi', '512Mi'),
    operator: resources('100m', '256Mi', '1Gi'),
    kubeStateMetrics: resources('100m', '256Mi', '1Gi'),
    nodeExporter: resources('50m', '64Mi', '256Mi'),
    grafana: resources('100m', '256Mi', '1Gi'),
    grafanaSidecar: resources('10m', '64Mi', '128Mi'),
  },
};

/** A node agent's placement on the GPU pools only, tolerating their taints (GPU, and Spot where a pool is Spot). */
function onGpuPools({ env }: EnvironmentContext): Values {
  const pools = env.cluster.gpuPools.map((p) => p.name);
  const anySpot = env.cluster.gpuPools.some((p) => p.capacity === 'spot');
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: pools }] }] },
      },
    },
    tolerations: gpuPoolTaints(env.cloud, anySpot ? 'spot' : 'on-demand').map(tolerate),
  };
}
