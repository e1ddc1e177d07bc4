import type { App } from 'cdk8s';
import { IntOrString, KubeLimitRange, KubeNamespace, KubeNetworkPolicy, KubePriorityClass, KubeStorageClass, Quantity } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { workloadNamespace } from '../../src/model/naming';
import type { Environment, WorkloadName } from '../../src/model/types';
import { WORKLOAD_NAMES } from '../../src/model/types';
import { AppChart } from '../lib/app-chart';
import { CLUSTER_STORAGE, PLATFORM_POD_SECURITY, type PodSecurity, type PodSecurityLevel } from '../../src/model/cluster';
import { OPERATORS, operatorsFor } from '../../src/model/operators';
import { workloadPodSecurity } from '../../src/model/pod-security';
import { PRIORITY_CLASSES } from '../../src/model/scheduling';

/** Why a namespace enforces less than restricted (src/model/pod-security.ts). */
export const POD_SECURITY_REASON_ANNOTATION = 'platform-synth.io/pod-security-reason';

/** Pod Security Admission labels; `enforce-version` is pinned so a cluster upgrade never tightens policy unreviewed. */
export function podSecurityLabels(enforce: PodSecurityLevel, env: Environment): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': enforce,
    'pod-security.kubernetes.io/enforce-version': `v${env.cluster.kubernetesVersion}`,
    // audit and warn follow `latest` so upcoming tightening shows up as warnings before it is enforced.
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'latest',
  };
}

/** The annotation that makes a StorageClass the one claims without a class get. */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** The platform's priority classes. Values stay far below system-cluster-critical (2e9) and within the 1e9 user maximum. */
const PRIORITY_CLASS_SETTINGS = [
  {
    id: 'priority-platform-critical',
    name: PRIORITY_CLASSES.platformCritical,
    value: 1_000_000,
    preemptionPolicy: 'PreemptLowerPriority',
    description: 'Platform operators and controllers (secrets, autoscaling, GitOps). Preempts workloads.',
  },
  {
    id: 'priority-online-serving',
    name: PRIORITY_CLASSES.online,
    value: 100_000,
    preemptionPolicy: 'PreemptLowerPriority',
    description: 'Latency-sensitive online serving. May preempt batch and training pods.',
  },
  {
    id: 'priority-batch',
    name: PRIORITY_CLASSES.batch,
    value: 1_000,
    // Never: a queued training job must wait for capacity (Karpenter adds it), not evict running work.
    preemptionPolicy: 'Never',
    description: 'Batch jobs and training. Scheduled ahead of default pods, never preempts; serving may preempt it.',
  },
] as const;

/**
 * Namespaces, priority classes, the storage classes the cluster lacks (src/model/cluster.ts) and
 * per-namespace guard rails of the platform.
 *
 * Workload namespaces get default-deny network policies (plus DNS egress) and a LimitRange; each
 * workload chart opens exactly the traffic it needs. platform-system gets no default deny: its
 * operators serve admission webhooks and the external metrics API to the API server and call the
 * API server and cloud APIs, none of which a namespace or pod selector can express, so each
 * operator chart owns its own policies there.
 */
export class PlatformChart extends AppChart {
  constructor(app: App, ctx: EnvironmentContext) {
    super(app, 'platform', ctx);

    for (const namespace of ctx.names.namespaces) {
      const workload = WORKLOAD_NAMES.find((w) => workloadNamespace(w) === namespace);
      this.addNamespace(namespace, workload);
      if (workload) this.addGuardRails(namespace);
    }
    for (const { name, podSecurity } of operatorsFor(ctx.env).flatMap((o) => OPERATORS[o].otherNamespaces)) this.addOperatorNamespace(name, podSecurity);
    this.addPriorityClasses();
    this.addStorageClasses();
  }

  /** A namespace an operator release sends pods to besides its own, which no GitOps agent creates (src/model/operators.ts). */
  private addOperatorNamespace(name: string, security: PodSecurity): void {
    new KubeNamespace(this, `namespace-${name}`, {
      metadata: {
        name,
        labels: { ...podSecurityLabels(security.level, this.ctx.env), 'platform-synth.io/tier': 'operator' },
        ...(security.level !== 'restricted' ? { annotations: { [POD_SECURITY_REASON_ANNOTATION]: security.reason } } : {}),
      },
    });
  }

  /**
   * Here, not in a workload's app: every workload's claims (and the operators' claims) need them, and
   * the platform app syncs before any workload. WaitForFirstConsumer: a zonal disk is created in the
   * zone of the first pod that mounts it, never in a zone the pod cannot be scheduled to.
   */
  private addStorageClasses(): void {
    for (const sc of CLUSTER_STORAGE[this.ctx.env.cloud].created) {
      new KubeStorageClass(this, `storageclass-${sc.name}`, {
        metadata: { name: sc.name, ...(sc.isDefault ? { annotations: { [DEFAULT_STORAGE_CLASS_ANNOTATION]: 'true' } } : {}) },
        provisioner: sc.provisioner,
        parameters: { ...sc.parameters },
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Delete',
        allowVolumeExpansion: true,
      });
    }
  }

  private addNamespace(name: string, workload: WorkloadName | undefined): void {
    const security = workload ? workloadPodSecurity(this.ctx.env, workload) : { level: PLATFORM_POD_SECURITY, reasons: [] };
    new KubeNamespace(this, `namespace-${name}`, {
      metadata: {
        name,
        labels: {
          ...podSecurityLabels(security.level, this.ctx.env),
          'platform-synth.io/tier': workload ? 'workload' : 'platform',
          ...(workload ? { 'platform-synth.io/workload': workload } : {}),
        },
        // A level below restricted says why on the namespace, where a reviewer (and `kubectl describe`) sees it.
        ...(security.reasons.length > 0 ? { annotations: { [POD_SECURITY_REASON_ANNOTATION]: security.reasons.join('; ') } } : {}),
      },
    });
  }

  private addPriorityClasses(): void {
    for (const pc of PRIORITY_CLASS_SETTINGS) {
      new KubePriorityClass(this, pc.id, {
        metadata: { name: pc.name },
        value: pc.value,
        globalDefault: false,
        preemptionPolicy: pc.preemptionPolicy,
        description: pc.description,
      });
    }
  }

  private addGuardRails(namespace: string): void {
    new KubeNetworkPolicy(this, `netpol-${namespace}-default-deny`, {
      // Object names carry the namespace: one app directory holds every namespace's objects and
      // files are named <kind>-<name>.yaml.
      metadata: { name: `${namespace}-default-deny`, namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new KubeNetworkPolicy(this, `netpol-${namespace}-allow-dns`, {
      metadata: { name: `${namespace}-allow-dns`, namespace },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: IntOrString.fromNumber(53) },
              { protocol: 'TCP', port: IntOrString.fromNumber(53) },
            ],
          },
        ],
      },
    });
    new KubeLimitRange(this, `limits-${namespace}`, {
      metadata: { name: `${namespace}-defaults`, namespace },
      spec: {
        limits: [
          {
            type: 'Container',
            // Containers without requests still get scheduled fairly and count against capacity.
            defaultRequest: { cpu: Quantity.fromString('100m'), memory: Quantity.fromString('128Mi') },
            // A memory limit bounds a runaway container to its own OOM kill. No default CPU limit:
            // it would throttle bursty serving and Spark work. A container that sets a memory
            // request above 512Mi must set its own limit too, or the default limit rejects it.
            default: { memory: Quantity.fromString('512Mi') },
          },
        ],
      },
    });
  }
}
