/**
 * The event-driven workload's Kubernetes side, written once for both clouds: producer → queue →
 * KEDA-scaled consumers → table. The per-cloud parts are small functions in this folder:
 * identity.ts (service-account binding), scaler.ts (KEDA trigger and auth), env.ts (queue and table
 * location); Spot placement and egress are charts/lib/scheduling.ts and network.ts.
 *
 * The namespace, its default deny and DNS egress come from the platform chart.
 */
import type { App } from 'cdk8s';
import {
  IntOrString,
  KubeCronJob,
  KubeDeployment,
  KubeJob,
  KubeNetworkPolicy,
  KubePodDisruptionBudget,
  type JobSpec,
  type PodTemplateSpec,
} from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { PRIORITY_CLASSES } from '../../src/model/scheduling';
import { ScaledObject } from '../imports/keda-scaledobject-keda.sh';
import { TriggerAuthentication } from '../imports/keda-triggerauthentication-keda.sh';
import { standardLabels } from '../lib/app-chart';
import { specHash } from '../lib/spec-hash';
import { identityServiceAccount, RoleIdentityChart } from '../lib/identity';
import { COMPONENT_LABEL, NAME_LABEL } from '../lib/labels';
import { cloudServiceEgress, scrapeIngress } from '../lib/network';
import { CONSUMER_PORT_NAME } from '../../src/model/workloads/edw/flows';
import { container, podSpec, zoneSpread, type ContainerOptions, type PodScheduling } from '../lib/pod';
import { containerEnv } from './env';
import { EDW_IDENTITIES, type EdwRole } from './identity';
import { queueTrigger, scalerPodIdentity, TRIGGER_AUTHENTICATION_NAME } from './scaler';
import { spotPlacement } from '../lib/scheduling';

export const EDW_APP = 'edw';
export { COMPONENT_LABEL, NAME_LABEL };
export const CLOUD_EGRESS_POLICY = 'edw-cloud-egress';
export const CONSUMER_SCRAPE_POLICY = 'edw-consumer-scrape';

/**
 * Queue work is interruptible (it runs on Spot, a message reappears after its visibility timeout),
 * so both roles use the batch class: ahead of default pods, never preempting anything.
 */
export const EDW_PRIORITY_CLASS = PRIORITY_CLASSES.batch;

/** The producer is a short sender: fixed small resources (limits as for the consumer: 2× CPU, equal memory). */
export const PRODUCER_RESOURCES = { cpu: '100m', memory: '128Mi' } as const;
/**
 * Producer run bounds: retries, wall-clock limit, and how long a scheduled run's finished Job (and its pod logs)
 * stays. A one-off Job has no TTL: the GitOps agent would re-create it once deleted, and it would run again.
 */
export const PRODUCER_JOB = { backoffLimit: 3, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600 } as const;
/** Hex digits of the one-off producer Job's name suffix, a hash of its spec. */
export const PRODUCER_RUN_ID_LENGTH = 8;

/** The consumers a voluntary disruption (a drain, Karpenter's interruption handling, consolidation) may take at once. Rounded up. */
export const CONSUMER_MAX_UNAVAILABLE = '50%';

export class EdwChart extends RoleIdentityChart<'edw', EdwRole> {
  constructor(app: App, ctx: EnvironmentContext<Cloud, 'edw'>) {
    super(app, EDW_APP, ctx, ctx.names.edw.namespace, EDW_IDENTITIES);

    for (const role of ['consumer', 'producer'] as const) this.serviceAccount(role);
    this.consumer();
    this.scaler();
    this.producer();
    this.egress();
    this.scrapeIngress();
  }

  private get edw() {
    return this.ctx.names.edw;
  }

  private nameOf(role: EdwRole): string {
    return role === 'consumer' ? this.edw.consumer : this.edw.producer;
  }

  private selector(role: EdwRole): Record<string, string> {
    return { [NAME_LABEL]: this.nameOf(role) };
  }

  private serviceAccount(role: EdwRole): void {
    identityServiceAccount(this, `serviceaccount-${role}`, this.nameOf(role), this.bindings[role]);
  }

  /** Pod template of one role: the baseline pod and container, with the role's own container options and pod fields. */
  private podTemplate(role: EdwRole, main: Omit<ContainerOptions, 'name' | 'env'>, pod: PodScheduling = {}): PodTemplateSpec {
    const binding = this.bindings[role];
    return {
      metadata: {
        labels: { ...standardLabels(this.ctx, EDW_APP), ...this.selector(role), [COMPONENT_LABEL]: role, ...binding.podLabels },
      },
      spec: podSpec({
        serviceAccount: this.nameOf(role),
        priorityClass: EDW_PRIORITY_CLASS,
        containers: [container({ ...main, name: role, env: containerEnv(this.ctx, role) })],
        ...pod,
      }),
    };
  }

  private consumer(): void {
    const settings = this.ctx.env.edw;
    const { port, healthPath, cpu, memory } = settings.consumer;
    const template = this.podTemplate(
      'consumer',
      { image: settings.images.consumer, cpu, memory, http: { port, portName: CONSUMER_PORT_NAME, healthPath } },
      {
        ...spotPlacement(this.ctx),
        // ScheduleAnyway: a zone short of Spot capacity must not keep consumers pending.
        topologySpreadConstraints: [zoneSpread(this.selector('consumer'))],
      },
    );
    new KubeDeployment(this, 'deployment-consumer', {
      metadata: { name: this.edw.consumer },
      // No replicas: KEDA (through its HPA) owns the count; a value here would fight it on every sync.
      spec: {
        selector: { matchLabels: this.selector('consumer') },
        revisionHistoryLimit: 3,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: IntOrString.fromNumber(1), maxUnavailable: IntOrString.fromNumber(0) } },
        template,
      },
    });
    // maxUnavailable (not minAvailable) keeps node drains possible at any replica count, zero included. Half, not one:
    // a Spot node holds many consumers, and one at a time (each waiting for its replacement, which waits for a new
    // node) would outlast the interruption notice, so most would be killed mid-message instead of drained.
    new KubePodDisruptionBudget(this, 'pdb-consumer', {
      metadata: { name: this.edw.consumer },
      spec: {
        maxUnavailable: IntOrString.fromString(CONSUMER_MAX_UNAVAILABLE),
        selector: { matchLabels: this.selector('consumer') },
        // A crash-looping consumer must not block a Spot node's drain.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }

  private scaler(): void {
    const scaling = this.ctx.env.edw.scaling;
    new TriggerAuthentication(this, 'triggerauthentication', {
      metadata: { name: TRIGGER_AUTHENTICATION_NAME },
      spec: { podIdentity: scalerPodIdentity(this.ctx) },
    });
    new ScaledObject(this, 'scaledobject-consumer', {
      metadata: { name: this.edw.consumer },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.edw.consumer },
        minReplicaCount: scaling.scaleToZero ? 0 : scaling.minReplicas,
        maxReplicaCount: scaling.maxReplicas,
        pollingInterval: scaling.pollingIntervalSeconds,
        cooldownPeriod: scaling.cooldownSeconds,
        triggers: [queueTrigger(this.ctx)],
      },
    });
  }

  private producer(): void {
    const settings = this.ctx.env.edw;
    const jobSpec: JobSpec = {
      backoffLimit: PRODUCER_JOB.backoffLimit,
      activeDeadlineSeconds: PRODUCER_JOB.activeDeadlineSeconds,
      template: this.podTemplate(
        'producer',
        { image: settings.images.producer, ...PRODUCER_RESOURCES },
        // Never: each retry is a new pod, so a failed attempt's logs stay with its Job.
        { restartPolicy: 'Never' },
      ),
    };
    const metadata = { name: this.edw.producer };
    if (settings.producer.schedule) {
      new KubeCronJob(this, 'cronjob-producer', {
        metadata,
        spec: {
          schedule: settings.producer.schedule,
          timeZone: 'Etc/UTC',
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { spec: { ...jobSpec, ttlSecondsAfterFinished: PRODUCER_JOB.ttlSecondsAfterFinished } },
        },
      });
    } else {
      // One-off: it runs once per spec. The name carries a hash of the spec, so a changed producer is a new Job (a
      // Job's pod template is immutable) and the agent prunes the old one; an unchanged one is never run again.
      new KubeJob(this, 'job-producer', { metadata: { name: `${this.edw.producer}-${specHash(jobSpec, PRODUCER_RUN_ID_LENGTH)}` }, spec: jobSpec });
    }
  }

  /** Prometheus to the consumer's metrics, where the model names their path (src/model/workloads/edw/flows.ts edwScrapes). */
  private scrapeIngress(): void {
    const { port, metricsPath } = this.ctx.env.edw.consumer;
    const ingress = scrapeIngress(this.ctx, metricsPath ? [port] : []);
    if (ingress.length === 0) return;
    new KubeNetworkPolicy(this, 'netpol-consumer-scrape', {
      metadata: { name: CONSUMER_SCRAPE_POLICY },
      spec: { podSelector: { matchLabels: this.selector('consumer') }, policyTypes: ['Ingress'], ingress },
    });
  }

  /**
   * HTTPS to the cloud endpoints only. The platform chart's default deny and DNS policies already
   * cover the namespace; nothing but Prometheus (scrapeIngress) may connect to the pods (kubelet probes
   * are not subject to NetworkPolicy), so there is no other ingress rule.
   * - AWS: SQS, DynamoDB and STS are public endpoints (the VPC has no interface endpoints for SQS
   *   and DynamoDB): TCP 443 anywhere but private ranges, plus the EKS Pod Identity agent.
   * - Azure prod: the storage account is reachable only through private endpoints in the endpoints
   *   subnet; dev uses its public endpoint. Both need Entra ID for the token exchange.
   */
  private egress(): void {
    new KubeNetworkPolicy(this, 'netpol-cloud-egress', {
      metadata: { name: CLOUD_EGRESS_POLICY },
      spec: {
        podSelector: { matchExpressions: [{ key: NAME_LABEL, operator: 'In', values: [this.edw.consumer, this.edw.producer] }] },
        policyTypes: ['Egress'],
        egress: cloudServiceEgress(this.ctx),
      },
    });
  }
}
