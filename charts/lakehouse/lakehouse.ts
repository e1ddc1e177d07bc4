/**
 * The lakehouse's Kubernetes side, written once for both clouds: the Spark service account bound to
 * the cloud identity, the Role the driver needs to run its executors, a SparkApplication per job (a
 * ScheduledSparkApplication where the job has a schedule) and the NetworkPolicies of the Spark pods.
 * The per-cloud parts are small functions in this folder: spark-conf.ts (catalog, warehouse,
 * credentials), identity.ts, network.ts; placement is charts/lib/scheduling.ts.
 *
 * - Drivers on on-demand nodes (losing a driver loses the run); executors on Spot with the pools'
 *   tolerations, decommissioned gracefully on interruption (spark-conf.ts).
 * - Pods run as the Spark images' non-root user with a read-only root filesystem; /tmp and the work
 *   directory are emptyDirs (Spark adds its own emptyDir local dirs).
 * - Only the driver mounts an API token (through its pod template): executors run as the same service
 *   account for the cloud identity but cannot use the driver's Role.
 * - A failed run is retried (restartPolicy OnFailure); a one-off application is not garbage collected,
 *   so a GitOps agent does not re-create and re-run it.
 *
 * The namespace, its default deny and DNS egress come from the platform chart.
 */
import type { App } from 'cdk8s';
import { KubeNetworkPolicy, KubeRole, KubeRoleBinding, type EnvVar, type PodSecurityContext, type SecurityContext } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { DO_NOT_DISRUPT_ANNOTATIONS, PRIORITY_CLASSES } from '../../src/model/scheduling';
import { AppChart, standardLabels } from '../lib/app-chart';
import { sdkEnv } from '../lib/cloud';
import { identityServiceAccount, workloadIdentity, type IdentityBinding } from '../lib/identity';
import { COMPONENT_LABEL, NAME_LABEL } from '../lib/labels';
import { scrapeIngress, tcp } from '../lib/network';
import { SPARK_UI_PORT } from '../../src/model/workloads/lakehouse/flows';
import { containerSecurityContext, cpuLimit, envVars, IMAGE_PULL_POLICY, podSecurityContext, scratchVolumes, tmpDir } from '../lib/pod';
import { onDemandPlacement, spotPlacement } from '../lib/scheduling';
import { SPARK_IDENTITY } from './identity';
import { sparkCloudEgress } from './network';
import { layerValue, SPARK_PORTS, sparkConf, type SparkJob } from './spark-conf';
import { ScheduledSparkApplication, SparkApplication, type SparkApplicationSpec, type SparkPodSpec } from './spark-types';

export const LAKEHOUSE_APP = 'lakehouse';
/** The user (and group) of the apache/spark images. */
export const SPARK_UID = 185;
export const SPARK_NAME = 'spark';
export const SPARK_INGRESS_POLICY = 'spark-ingress';
export const SPARK_DRIVER_METRICS_POLICY = 'spark-driver-metrics';
export const SPARK_EGRESS_POLICY = 'spark-egress';
/** Seconds between retries of a failed run, and of a failed submission. */
export const RETRY_INTERVALS = { run: 300, submission: 60 } as const;

/**
 * The baseline's pieces under the Spark operator's field names (its driver and executor specs are not
 * pod specs). The Spark images' own user; fsGroup: the emptyDirs are writable by it.
 */
export const SPARK_POD_SECURITY_CONTEXT: PodSecurityContext = podSecurityContext({ uid: SPARK_UID, fsGroup: true });
export const SPARK_CONTAINER_SECURITY_CONTEXT: SecurityContext = containerSecurityContext({ uid: SPARK_UID });

/** A larger /tmp than the baseline's, and the work directory, both bounded; shuffle and spills go to Spark's own local dirs. */
const SPARK_SCRATCH = scratchVolumes([tmpDir('1Gi'), { name: 'work-dir', mountPath: '/opt/spark/work-dir', sizeLimit: '2Gi' }]);

/** What the driver does to run its executors: their pods and the ConfigMaps and Services Spark creates for them. */
export const DRIVER_RULES = [
  { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'watch'] },
  { apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'watch'] },
];

export class LakehouseChart extends AppChart<'lakehouse'> {
  private readonly binding: IdentityBinding;

  constructor(app: App, ctx: EnvironmentContext<Cloud, 'lakehouse'>) {
    const names = ctx.names.lakehouse;
    super(app, LAKEHOUSE_APP, ctx, names.namespace);
    this.binding = workloadIdentity(ctx, SPARK_IDENTITY);

    // The binding mounts no API token; the driver's pod template asks for one, executors need none.
    identityServiceAccount(this, 'serviceaccount-spark', names.sparkServiceAccount, this.binding);
    new KubeRole(this, 'role-spark-driver', { metadata: { name: names.driverRole }, rules: DRIVER_RULES });
    new KubeRoleBinding(this, 'rolebinding-spark-driver', {
      metadata: { name: names.driverRole },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.driverRole },
      subjects: [{ kind: 'ServiceAccount', name: names.sparkServiceAccount, namespace: names.namespace }],
    });

    for (const job of ctx.env.lakehouse.jobs) this.application(job);
    this.networkPolicies();
  }

  private get names() {
    return this.ctx.names.lakehouse;
  }

  private get sparkSelector(): Record<string, string> {
    return { [NAME_LABEL]: SPARK_NAME };
  }

  private podLabels(role: 'driver' | 'executor', job: SparkJob): Record<string, string> {
    return {
      ...standardLabels(this.ctx, LAKEHOUSE_APP),
      ...this.sparkSelector,
      [COMPONENT_LABEL]: role,
      'platform-synth.io/spark-job': job.name,
      ...this.binding.podLabels,
    };
  }

  private env(): EnvVar[] {
    const vars: Record<string, string> = { ...sdkEnv(this.ctx) };
    for (const layer of this.ctx.env.lakehouse.layers) vars[`LAKEHOUSE_${layer.toUpperCase()}_URI`] = layerValue(this.names.layerUris, layer);
    // Where `--source landing` is: the raw files ingestion reads.
    vars.LAKEHOUSE_LANDING_URI = this.names.landingUri;
    return envVars(vars);
  }

  private pod(role: 'driver' | 'executor', job: SparkJob): SparkPodSpec {
    const size = job[role];
    const placement = role === 'driver' ? onDemandPlacement() : spotPlacement(this.ctx);
    return {
      cores: size.cores,
      coreLimit: cpuLimit(String(size.cores)),
      memory: size.memory,
      serviceAccount: this.names.sparkServiceAccount,
      labels: this.podLabels(role, job),
      // Consolidation and scale-down must not move a running driver (its loss ends the run) or executor (its
      // tasks and shuffle files are redone): Spot interruptions are the only evictions these pods take.
      annotations: { ...DO_NOT_DISRUPT_ANNOTATIONS },
      priorityClassName: PRIORITY_CLASSES.batch,
      ...(placement.affinity ? { affinity: placement.affinity } : {}),
      ...(placement.tolerations ? { tolerations: placement.tolerations } : {}),
      podSecurityContext: SPARK_POD_SECURITY_CONTEXT,
      securityContext: SPARK_CONTAINER_SECURITY_CONTEXT,
      volumeMounts: SPARK_SCRATCH.volumeMounts,
      env: this.env(),
    };
  }

  private spec(job: SparkJob): SparkApplicationSpec {
    const { spark } = this.ctx.env.lakehouse;
    const dyn = job.dynamicAllocation;
    return {
      type: job.type,
      ...(job.type === 'Python' ? { pythonVersion: '3' as const } : {}),
      mode: 'cluster',
      sparkVersion: spark.version,
      image: spark.image,
      imagePullPolicy: IMAGE_PULL_POLICY,
      mainApplicationFile: job.mainApplicationFile,
      ...(job.mainClass ? { mainClass: job.mainClass } : {}),
      ...(job.arguments.length ? { arguments: [...job.arguments] } : {}),
      sparkConf: sparkConf(this.ctx, job, this.binding),
      restartPolicy:
        job.retries > 0
          ? {
              type: 'OnFailure',
              onFailureRetries: job.retries,
              onFailureRetryInterval: RETRY_INTERVALS.run,
              onSubmissionFailureRetries: job.retries,
              onSubmissionFailureRetryInterval: RETRY_INTERVALS.submission,
            }
          : { type: 'Never' },
      ...(dyn
        ? {
            dynamicAllocation: {
              enabled: true,
              initialExecutors: Math.max(1, dyn.minExecutors),
              minExecutors: dyn.minExecutors,
              maxExecutors: dyn.maxExecutors,
              shuffleTrackingEnabled: true,
            },
          }
        : {}),
      volumes: SPARK_SCRATCH.volumes,
      // The one pod that mounts an API token: the driver creates and watches its executors (DRIVER_RULES).
      driver: { ...this.pod('driver', job), template: { spec: { automountServiceAccountToken: true } } },
      executor: {
        ...this.pod('executor', job),
        ...(dyn ? {} : { instances: job.executors }),
        deleteOnTermination: true,
      },
    };
  }

  private application(job: SparkJob): void {
    const spec = this.spec(job);
    if (!job.schedule) {
      new SparkApplication(this, `sparkapplication-${job.name}`, { metadata: { name: job.name }, spec });
      return;
    }
    new ScheduledSparkApplication(this, `scheduledsparkapplication-${job.name}`, {
      metadata: { name: job.name },
      spec: {
        schedule: job.schedule,
        timeZone: 'Etc/UTC',
        // One run at a time: a slow run is not overtaken by the next one writing the same tables.
        concurrencyPolicy: 'Forbid',
        successfulRunHistoryLimit: 3,
        failedRunHistoryLimit: 3,
        template: spec,
      },
    });
  }

  private networkPolicies(): void {
    const sparkPorts = [...tcp(SPARK_PORTS.driver), ...tcp(SPARK_PORTS.blockManager)];
    const peers = [{ podSelector: { matchLabels: this.sparkSelector } }];
    new KubeNetworkPolicy(this, 'netpol-spark-ingress', {
      metadata: { name: SPARK_INGRESS_POLICY },
      // Executors to the driver, and executors to each other (shuffle fetches), on Spark's fixed ports only.
      spec: { podSelector: { matchLabels: this.sparkSelector }, policyTypes: ['Ingress'], ingress: [{ from: peers, ports: sparkPorts }] },
    });
    const scrapes = scrapeIngress(this.ctx, [SPARK_UI_PORT]);
    if (scrapes.length > 0)
      new KubeNetworkPolicy(this, 'netpol-spark-driver-metrics', {
        metadata: { name: SPARK_DRIVER_METRICS_POLICY },
        // Prometheus to the drivers' UI port, for their executor metrics; the executors serve none.
        spec: { podSelector: { matchLabels: { ...this.sparkSelector, [COMPONENT_LABEL]: 'driver' } }, policyTypes: ['Ingress'], ingress: scrapes },
      });
    new KubeNetworkPolicy(this, 'netpol-spark-egress', {
      metadata: { name: SPARK_EGRESS_POLICY },
      spec: {
        podSelector: { matchLabels: this.sparkSelector },
        policyTypes: ['Egress'],
        egress: [{ to: peers, ports: sparkPorts }, ...sparkCloudEgress(this.ctx)],
      },
    });
  }
}
