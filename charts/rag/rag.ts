/**
 * The RAG platform's Kubernetes side, written once for both clouds: the RAG API (Deployment,
 * Service, HPA, PDB) and Milvus through the milvus-operator's `Milvus` resource, with the
 * NetworkPolicies between them. The per-cloud parts are small functions in this folder:
 * identity.ts (service-account binding), storage.ts (Milvus object storage), env.ts (model ids or
 * deployments, endpoints), network.ts (egress to cloud services).
 *
 * The namespace, its default deny and DNS egress come from the platform chart. The operator
 * itself (its CRD, webhook and controller) is installed separately; it creates the Milvus pods,
 * etcd and the message queue in this namespace from the `Milvus` resource.
 *
 * Pod Security: the API pods meet `restricted`. The operator-created pods do not (the Milvus 2.5
 * image runs as root; the operator's `config` init container and the etcd / Pulsar charts' pods
 * carry no restricted security context), so this namespace needs `baseline` enforcement for Milvus
 * to start: the RAG module declares it (src/model/workloads/rag, `podSecurity`), see milvus.ts.
 */
import type { App } from 'cdk8s';
import {
  IntOrString,
  KubeDeployment,
  KubeHorizontalPodAutoscalerV2,
  KubeNetworkPolicy,
  KubePodDisruptionBudget,
  KubeService,
  type NetworkPolicyPeer,
} from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { PRIORITY_CLASSES } from '../../src/model/scheduling';
import { standardLabels } from '../lib/app-chart';
import { identityServiceAccount, RoleIdentityChart } from '../lib/identity';
import { COMPONENT_LABEL, NAME_LABEL } from '../lib/labels';
import { namespacePeer, scrapeIngress, tcp } from '../lib/network';
import { container, nodeSpread, podSpec, zoneSpread } from '../lib/pod';
import { apiEnv } from './env';
import { RAG_IDENTITIES, type RagRole } from './identity';
import { ETCD_CLIENT_PORT, MILVUS_METRICS_PORT, MILVUS_PORT, milvusSpec, PULSAR_PORT } from './milvus';
import { Milvus } from './milvus-types';
import { apiCloudEgress, milvusCloudEgress } from './network';
import { RAG_API_HEALTH_PATH } from '../../src/model/workloads/rag/names';

export const RAG_APP = 'rag';
/** Liveness and readiness endpoint of the RAG API. */
export const API_HEALTH_PATH = RAG_API_HEALTH_PATH;
/** Labels the operator puts on every Milvus pod it creates (`app.kubernetes.io/instance` = the resource's name). */
export const MILVUS_POD_LABELS = { name: 'milvus', instanceLabel: 'app.kubernetes.io/instance' } as const;
/** Where the milvus-operator runs (its Helm chart's namespace); it health-checks etcd and the queue from there. */
export const MILVUS_OPERATOR_NAMESPACE = 'milvus-operator';

export const API_INGRESS_POLICY = 'rag-api-ingress';
export const API_EGRESS_POLICY = 'rag-api-egress';
export const MILVUS_POLICY = 'milvus';

export class RagChart extends RoleIdentityChart<'rag', RagRole> {
  constructor(app: App, ctx: EnvironmentContext<Cloud, 'rag'>) {
    super(app, RAG_APP, ctx, ctx.names.rag.namespace, RAG_IDENTITIES);

    identityServiceAccount(this, 'serviceaccount-api', this.names.api, this.bindings.api);
    identityServiceAccount(this, 'serviceaccount-milvus', this.names.milvusServiceAccount, this.bindings.milvus);
    this.api();
    new Milvus(this, 'milvus', { metadata: { name: this.names.milvus }, spec: milvusSpec(ctx, this.bindings.milvus) });
    this.networkPolicies();
  }

  private get names() {
    return this.ctx.names.rag;
  }

  private get apiSelector(): Record<string, string> {
    return { [NAME_LABEL]: this.names.api };
  }

  /** Every pod the operator creates for Milvus (its components, etcd, Pulsar and their jobs): all but the API's. */
  private get backendSelector() {
    return { matchExpressions: [{ key: NAME_LABEL, operator: 'NotIn', values: [this.names.api] }] };
  }

  /** The Milvus pods (standalone or proxy) that serve the API on 19530. */
  private get milvusSelector(): Record<string, string> {
    return { [NAME_LABEL]: MILVUS_POD_LABELS.name, [MILVUS_POD_LABELS.instanceLabel]: this.names.milvus };
  }

  private api(): void {
    const settings = this.ctx.env.rag;
    const { port, cpu, memory, minReplicas, maxReplicas, targetCpuUtilization } = settings.api;
    const name = this.names.api;
    const binding = this.bindings.api;

    new KubeDeployment(this, 'deployment-api', {
      metadata: { name },
      // No replicas: the HPA owns the count; a value here would fight it on every sync.
      spec: {
        selector: { matchLabels: this.apiSelector },
        revisionHistoryLimit: 3,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: IntOrString.fromNumber(1), maxUnavailable: IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels: { ...standardLabels(this.ctx, RAG_APP), ...this.apiSelector, [COMPONENT_LABEL]: 'api', ...binding.podLabels } },
          spec: podSpec({
            serviceAccount: name,
            priorityClass: PRIORITY_CLASSES.online,
            topologySpreadConstraints: [zoneSpread(this.apiSelector), nodeSpread(this.apiSelector)],
            containers: [container({ name: 'api', image: settings.apiImage, cpu, memory, env: apiEnv(this.ctx), http: { port, healthPath: API_HEALTH_PATH } })],
          }),
        },
      },
    });

    new KubeService(this, 'service-api', {
      metadata: { name },
      spec: { type: 'ClusterIP', selector: this.apiSelector, ports: [{ name: 'http', port, targetPort: IntOrString.fromString('http'), protocol: 'TCP' }] },
    });

    new KubeHorizontalPodAutoscalerV2(this, 'hpa-api', {
      metadata: { name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas,
        maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: targetCpuUtilization } } }],
      },
    });

    // maxUnavailable 1: drains proceed one pod at a time; the HPA keeps at least minReplicas (≥ 2) running.
    new KubePodDisruptionBudget(this, 'pdb-api', {
      metadata: { name },
      spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: this.apiSelector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
  }

  private networkPolicies(): void {
    const port = this.ctx.env.rag.api.port;
    const apiPods: NetworkPolicyPeer = { podSelector: { matchLabels: this.apiSelector } };
    const backendPods: NetworkPolicyPeer = { podSelector: this.backendSelector };

    new KubeNetworkPolicy(this, 'netpol-api-ingress', {
      metadata: { name: API_INGRESS_POLICY },
      spec: {
        podSelector: { matchLabels: this.apiSelector },
        policyTypes: ['Ingress'],
        // Only the gateway's namespace; kubelet probes are not subject to NetworkPolicy.
        ingress: [
          { from: [namespacePeer(this.ctx.env.cluster.gatewayNamespace)], ports: tcp(port) },
          ...scrapeIngress(this.ctx, this.ctx.env.rag.api.metricsPath ? [port] : []),
        ],
      },
    });

    new KubeNetworkPolicy(this, 'netpol-api-egress', {
      metadata: { name: API_EGRESS_POLICY },
      spec: {
        podSelector: { matchLabels: this.apiSelector },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: this.milvusSelector } }], ports: tcp(MILVUS_PORT) }, ...apiCloudEgress(this.ctx)],
      },
    });

    // Milvus, etcd and the queue talk to each other on many ports (gRPC between components, etcd
    // peers, ZooKeeper / BookKeeper / broker): open within that set, closed to everything else.
    new KubeNetworkPolicy(this, 'netpol-milvus', {
      metadata: { name: MILVUS_POLICY },
      spec: {
        podSelector: this.backendSelector,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [apiPods], ports: tcp(MILVUS_PORT) },
          { from: [backendPods] },
          // The operator's health checks: etcd, Pulsar (cluster mode only: standalone embeds rocksmq), Milvus's health endpoint.
          {
            from: [namespacePeer(MILVUS_OPERATOR_NAMESPACE)],
            ports: [ETCD_CLIENT_PORT, ...(this.ctx.env.rag.milvus.mode !== 'standalone' ? [PULSAR_PORT] : []), MILVUS_METRICS_PORT].flatMap(tcp),
          },
          // Prometheus scrapes every Milvus component's metrics.
          ...scrapeIngress(this.ctx, [MILVUS_METRICS_PORT]),
        ],
        egress: [{ to: [backendPods] }, ...milvusCloudEgress(this.ctx)],
      },
    });
  }
}
