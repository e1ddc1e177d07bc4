/**
 * The MLOps platform's Kubernetes side, written once for both clouds: the MLflow tracking server
 * (Deployment, Service, PDB, its database credentials through External Secrets), the GPU
 * training jobs (Job or CronJob per model entry, with scratch and checkpoint volumes), with their NetworkPolicies, and the
 * burst's SageMaker training jobs (a TrainingJob per `runOn: sagemaker` entry, AWS). The per-cloud parts
 * are small functions in this folder: identity.ts, database.ts (secret path), training.ts (placement,
 * storage), network.ts (egress), sagemaker.ts. Serving is another app (charts/serving).
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
  KubeService,
  Quantity,
  type Container,
  type EnvVar,
  type JobSpec,
  type PodTemplateSpec,
  type Volume,
} from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { DO_NOT_DISRUPT_ANNOTATIONS, PRIORITY_CLASSES } from '../../src/model/scheduling';
import { replaceOnChangeAnnotations, standardLabels } from '../lib/app-chart';
import { sdkEnv } from '../lib/cloud';
import { identityServiceAccount, RoleIdentityChart, workloadIdentity } from '../lib/identity';
import { COMPONENT_LABEL, NAME_LABEL } from '../lib/labels';
import { scrapeIngress, tcp } from '../lib/network';
import { container, envVars, podSpec, scratchVolumes, zoneSpread } from '../lib/pod';
import { blockStorageClass } from '../../src/model/cluster';
import { MLFLOW_PORT } from '../../src/model/workloads/mlops/flows';
import { MLFLOW_AWS_IDENTITY, MLOPS_OUTPUTS, MLOPS_STACK } from '../../src/model/naming';
import { BACKEND_STORE_URI_KEY, databaseSource, DB_SECRET, externalSecretSpec, secretStoreSpec } from './database';
import {
  databaseUserJob,
  DB_CREDENTIAL_VERSION,
  DB_CREDENTIAL_VERSION_ANNOTATION,
  DB_USER_COMPONENT,
  DB_VERSION_KEY,
  WAIT_FOR_VERSION_SCRIPT,
} from './database-user';
import { ExternalSecret, SecretStore } from './external-secrets-types';
import { MLOPS_IDENTITIES, type MlopsRole } from './identity';
import { databaseUserEgress, mlflowCloudEgress, trainingCloudEgress } from './network';
import { sageMakerTrainingJobs } from './sagemaker';
import { SageMakerTrainingJob } from './sagemaker-types';
import {
  CACHE_ENV,
  CACHE_MOUNT,
  CACHE_SIZE,
  CHECKPOINT_MOUNT,
  JOB_NAME_LABEL,
  SHM_SIZE,
  trainingAffinity,
  trainingEphemeralStorage,
  trainingRequests,
  trainingTolerations,
  TRAINING_TMP_SIZE,
  type TrainingJob,
} from './training';

export const MLOPS_APP = 'mlops';
export { MLFLOW_PORT };
export const MLFLOW_HEALTH_PATH = '/health';
export const BACKEND_STORE_URI_ENV = 'MLFLOW_BACKEND_STORE_URI';
export const TRAINING_COMPONENT = 'training';
export const MLFLOW_COMPONENT = 'tracking';

export const MLFLOW_INGRESS_POLICY = 'mlflow-ingress';
/** Where MLflow's workers keep their Prometheus counters with `mlops.mlflow.metrics`: an emptyDir of its own. */
export const MLFLOW_METRICS_DIR = '/var/run/mlflow-metrics';
const MLFLOW_METRICS_VOLUME = { name: 'prometheus-metrics', mountPath: MLFLOW_METRICS_DIR, sizeLimit: '64Mi' } as const;
export const MLFLOW_EGRESS_POLICY = 'mlflow-egress';
export const TRAINING_EGRESS_POLICY = 'training-egress';
export const DB_USER_EGRESS_POLICY = 'mlflow-db-user-egress';
/** Where MLflow's init container reads the credential version of the Secret. */
const DB_VERSION_MOUNT = '/var/run/mlflow-db';

/** How long MLflow may take to answer its first health check (schema creation and migrations on a new database). */
export const MLFLOW_STARTUP_SECONDS = 300;

export class MlopsChart extends RoleIdentityChart<'mlops', MlopsRole> {
  constructor(app: App, ctx: EnvironmentContext<Cloud, 'mlops'>) {
    super(app, MLOPS_APP, ctx, ctx.names.mlops.namespace, MLOPS_IDENTITIES);
    const settings = ctx.env.mlops;

    identityServiceAccount(this, 'serviceaccount-mlflow', this.names.mlflowServiceAccount, this.bindings.mlflow);
    this.databaseSecret();
    this.mlflow();
    if (settings.training.length > 0) {
      identityServiceAccount(this, 'serviceaccount-training', this.names.trainingServiceAccount, this.bindings.training);
      for (const job of settings.training) this.trainingJob(job);
    }
    for (const { metadata, spec } of sageMakerTrainingJobs(ctx))
      new SageMakerTrainingJob(this, `trainingjob-${metadata.name}`, {
        metadata: { ...metadata, labels: { ...metadata.labels, [COMPONENT_LABEL]: TRAINING_COMPONENT } },
        spec,
      });
    this.networkPolicies();
  }

  private get names() {
    return this.ctx.names.mlops;
  }

  private get mlflowSelector(): Record<string, string> {
    return { [NAME_LABEL]: this.names.mlflow };
  }

  private get trainingSelector(): Record<string, string> {
    return { [COMPONENT_LABEL]: TRAINING_COMPONENT };
  }

  private databaseSecret(): void {
    const source = databaseSource(this.ctx);
    this.databaseUser(source.host);
    new SecretStore(this, 'secretstore-mlflow-db', { metadata: { name: DB_SECRET }, spec: secretStoreSpec(source) });
    new ExternalSecret(this, 'externalsecret-mlflow-db', { metadata: { name: DB_SECRET }, spec: externalSecretSpec(this.ctx, source) });
  }

  /** MLflow's own database role, created by a one-off Job as the administrator (database-user.ts). */
  private databaseUser(host: string): void {
    const ctx = this.ctx;
    const names = ctx.names.mlops;
    const binding = workloadIdentity(ctx, {
      aws: (ctx) => ({ roleName: ctx.names.mlops.aws.dbAdminRoleName, mechanism: MLFLOW_AWS_IDENTITY }),
      azure: () => ({ stack: MLOPS_STACK, output: MLOPS_OUTPUTS.dbAdminClientId }),
    });
    identityServiceAccount(this, 'serviceaccount-mlflow-db-admin', names.dbAdminServiceAccount, binding);
    const labels = { ...standardLabels(ctx, MLOPS_APP), [NAME_LABEL]: names.dbUserJob, [COMPONENT_LABEL]: DB_USER_COMPONENT, ...binding.podLabels };
    const { name, spec } = databaseUserJob(ctx, host, labels);
    // No ttlSecondsAfterFinished: a GitOps agent would re-create a deleted Job and run it again.
    new KubeJob(this, 'job-mlflow-db-user', { metadata: { name }, spec });
    new KubeNetworkPolicy(this, 'netpol-mlflow-db-user-egress', {
      metadata: { name: DB_USER_EGRESS_POLICY },
      spec: { podSelector: { matchLabels: { [NAME_LABEL]: names.dbUserJob } }, policyTypes: ['Egress'], egress: databaseUserEgress(ctx) },
    });
  }

  /** Waits for the Secret to hold this pod template's credential version, so a rotation's new pods start with the new password. */
  private waitForCredentials(): { initContainers: Container[]; volumes: Volume[]; annotations: Record<string, string> } {
    const settings = this.ctx.env.mlops.mlflow;
    const wait = container({
      name: 'wait-for-credentials',
      image: settings.image,
      cpu: '50m',
      memory: '64Mi',
      command: ['python', '-c', WAIT_FOR_VERSION_SCRIPT],
      env: envVars({ VERSION_FILE: `${DB_VERSION_MOUNT}/${DB_VERSION_KEY}`, DB_CREDENTIAL_VERSION: String(DB_CREDENTIAL_VERSION) }),
      volumeMounts: [{ name: 'db-version', mountPath: DB_VERSION_MOUNT, readOnly: true }],
    });
    return {
      initContainers: [wait],
      // Only the version key: the password stays out of the init container.
      volumes: [{ name: 'db-version', secret: { secretName: DB_SECRET, items: [{ key: DB_VERSION_KEY, path: DB_VERSION_KEY }] } }],
      annotations: { [DB_CREDENTIAL_VERSION_ANNOTATION]: String(DB_CREDENTIAL_VERSION) },
    };
  }

  private mlflow(): void {
    const settings = this.ctx.env.mlops.mlflow;
    const name = this.names.mlflow;
    const binding = this.bindings.mlflow;
    const env: EnvVar[] = [
      { name: BACKEND_STORE_URI_ENV, valueFrom: { secretKeyRef: { name: DB_SECRET, key: BACKEND_STORE_URI_KEY } } },
      ...envVars(sdkEnv(this.ctx)),
    ];
    const wait = this.waitForCredentials();
    // Its own emptyDir, there before any gunicorn worker starts: each worker creates the folder when missing, and two
    // creating it at once would fail one's boot (mlflow/server/__init__.py: exists, then makedirs).
    const metrics = settings.metrics ? [MLFLOW_METRICS_VOLUME] : [];
    const pod = podSpec({
      serviceAccount: this.names.mlflowServiceAccount,
      priorityClass: PRIORITY_CLASSES.online,
      topologySpreadConstraints: [zoneSpread(this.mlflowSelector)],
      scratch: metrics,
      volumes: wait.volumes,
      containers: [
        container({
          name: 'mlflow',
          image: settings.image,
          cpu: settings.cpu,
          memory: settings.memory,
          command: ['mlflow'],
          // No --backend-store-uri: mlflow server reads MLFLOW_BACKEND_STORE_URI itself, so the password is in no process's arguments.
          args: [
            'server',
            '--host',
            '0.0.0.0',
            '--port',
            String(MLFLOW_PORT),
            '--default-artifact-root',
            this.names.artifactRoot,
            // Its gunicorn workers share their counters through files there (prometheus_client's multiprocess mode).
            ...(settings.metrics ? ['--expose-prometheus', MLFLOW_METRICS_DIR] : []),
          ],
          env,
          ...(metrics.length > 0 ? { volumeMounts: scratchVolumes(metrics).volumeMounts } : {}),
          // MLflow opens its database before it answers, and on a first start creates the schema and runs every migration
          // against the managed server (in prod both replicas at once: the loser exits and restarts). Liveness waits
          // for the first answer, up to MLFLOW_STARTUP_SECONDS, so a slow first migration is not killed half-way.
          http: { port: MLFLOW_PORT, healthPath: MLFLOW_HEALTH_PATH, startupSeconds: MLFLOW_STARTUP_SECONDS },
        }),
      ],
    });

    new KubeDeployment(this, 'deployment-mlflow', {
      metadata: { name },
      spec: {
        replicas: settings.replicas,
        selector: { matchLabels: this.mlflowSelector },
        revisionHistoryLimit: 3,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: IntOrString.fromNumber(1), maxUnavailable: IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels: { ...standardLabels(this.ctx, MLOPS_APP), ...this.mlflowSelector, [COMPONENT_LABEL]: MLFLOW_COMPONENT, ...binding.podLabels },
            ...(Object.keys(wait.annotations).length ? { annotations: wait.annotations } : {}),
          },
          spec: wait.initContainers.length ? { ...pod, initContainers: wait.initContainers } : pod,
        },
      },
    });

    new KubeService(this, 'service-mlflow', {
      metadata: { name },
      spec: {
        type: 'ClusterIP',
        selector: this.mlflowSelector,
        ports: [{ name: 'http', port: MLFLOW_PORT, targetPort: IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    // maxUnavailable 1: a drain proceeds at any replica count (dev runs one).
    new KubePodDisruptionBudget(this, 'pdb-mlflow', {
      metadata: { name },
      spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: this.mlflowSelector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
  }

  private trainingJob(job: TrainingJob): void {
    const binding = this.bindings.training;
    const requests = trainingRequests(job);
    const base = container({
      name: 'train',
      image: job.image,
      ...requests,
      gpus: job.gpus,
      command: job.command,
      env: [
        // First: CHECKPOINT_URI refers to it, and only variables defined before are expanded.
        { name: 'JOB_NAME', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JOB_NAME_LABEL}']` } } },
        ...envVars({
          // The AWS SDKs' region: the Pod Identity webhook injects credentials only, and the checkpoints go to S3.
          ...sdkEnv(this.ctx),
          ...CACHE_ENV,
          MLFLOW_TRACKING_URI: this.names.trackingUri,
          MLFLOW_EXPERIMENT_NAME: job.name,
          CHECKPOINT_DIR: CHECKPOINT_MOUNT,
          CHECKPOINT_URI: `${this.names.checkpointRoot}/${job.name}/$(JOB_NAME)`,
        }),
      ],
      volumeMounts: [
        { name: 'cache', mountPath: CACHE_MOUNT },
        { name: 'checkpoints', mountPath: CHECKPOINT_MOUNT },
        { name: 'dshm', mountPath: '/dev/shm' },
      ],
    });
    // The emptyDirs' total and logs, requested and limited: placed on a node with the disk, evicted only beyond it.
    const ephemeral = Quantity.fromString(trainingEphemeralStorage());
    const train: Container = {
      ...base,
      resources: {
        requests: { ...base.resources?.requests, 'ephemeral-storage': ephemeral },
        limits: { ...base.resources?.limits, 'ephemeral-storage': ephemeral },
      },
    };
    const template: PodTemplateSpec = {
      metadata: {
        labels: { ...standardLabels(this.ctx, MLOPS_APP), [NAME_LABEL]: job.name, ...this.trainingSelector, ...binding.podLabels },
        // Consolidation and scale-down must not stop a run to save a node: only Spot interruptions do (and resume from the checkpoint).
        annotations: { ...DO_NOT_DISRUPT_ANNOTATIONS },
      },
      spec: podSpec({
        serviceAccount: this.names.trainingServiceAccount,
        priorityClass: PRIORITY_CLASSES.batch,
        // Never: a retry is a new pod (possibly on another node after a Spot interruption), counted by the Job.
        restartPolicy: 'Never',
        // fsGroup: the checkpoint volume is writable by the non-root user.
        fsGroup: true,
        fsGroupChangePolicy: 'OnRootMismatch',
        affinity: trainingAffinity(job),
        tolerations: trainingTolerations(this.ctx, job),
        tmp: TRAINING_TMP_SIZE,
        volumes: [
          { name: 'cache', emptyDir: { sizeLimit: Quantity.fromString(CACHE_SIZE) } },
          // Per pod, in its zone (WaitForFirstConsumer), deleted with it: no zone pin; see training.ts.
          {
            name: 'checkpoints',
            ephemeral: {
              volumeClaimTemplate: {
                metadata: { labels: { [NAME_LABEL]: job.name, ...this.trainingSelector } },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  storageClassName: blockStorageClass(this.ctx.env.cloud),
                  resources: { requests: { storage: Quantity.fromString(job.checkpointSize) } },
                },
              },
            },
          },
          { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: Quantity.fromString(SHM_SIZE) } },
        ],
        containers: [train],
      }),
    };
    const spec: JobSpec = {
      backoffLimit: job.backoffLimit,
      activeDeadlineSeconds: job.activeDeadlineSeconds,
      // A pod evicted by a Spot interruption or a drain is retried without using up backoffLimit;
      // activeDeadlineSeconds still bounds the job.
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
      template,
    };
    if (job.schedule) {
      new KubeCronJob(this, `cronjob-${job.name}`, {
        metadata: { name: job.name },
        spec: {
          schedule: job.schedule,
          timeZone: 'Etc/UTC',
          // One run at a time: a late run must not compete with the previous one for the pool's GPUs.
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { spec: { ...spec, ttlSecondsAfterFinished: 7 * 86400 } },
        },
      });
    } else {
      // No ttlSecondsAfterFinished: a GitOps agent would re-create a deleted Job and train again.
      // A changed job is a new Job (its pod template is immutable): the GitOps agent replaces it.
      new KubeJob(this, `job-${job.name}`, { metadata: { name: job.name, annotations: replaceOnChangeAnnotations(this.ctx) }, spec });
    }
  }

  private networkPolicies(): void {
    new KubeNetworkPolicy(this, 'netpol-mlflow-ingress', {
      metadata: { name: MLFLOW_INGRESS_POLICY },
      spec: {
        podSelector: { matchLabels: this.mlflowSelector },
        policyTypes: ['Ingress'],
        // Pods of this namespace only (training, model servers); kubelet probes are not subject to NetworkPolicy.
        ingress: [{ from: [{ podSelector: {} }], ports: tcp(MLFLOW_PORT) }, ...scrapeIngress(this.ctx, this.ctx.env.mlops.mlflow.metrics ? [MLFLOW_PORT] : [])],
      },
    });
    new KubeNetworkPolicy(this, 'netpol-mlflow-egress', {
      metadata: { name: MLFLOW_EGRESS_POLICY },
      spec: { podSelector: { matchLabels: this.mlflowSelector }, policyTypes: ['Egress'], egress: mlflowCloudEgress(this.ctx) },
    });
    if (this.ctx.env.mlops.training.length === 0) return;
    new KubeNetworkPolicy(this, 'netpol-training-egress', {
      metadata: { name: TRAINING_EGRESS_POLICY },
      spec: {
        podSelector: { matchLabels: this.trainingSelector },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: this.mlflowSelector } }], ports: tcp(MLFLOW_PORT) }, ...trainingCloudEgress(this.ctx)],
      },
    });
  }
}
