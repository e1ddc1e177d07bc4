/** Rules of hybrid MLOps beyond its shape. */
import { describeSize } from '../../catalog';
import { hasRegistryHost } from '../../images';
import { checkCron, isInt, isString, q, checkImage, checkQuantity, checkRange, checkWorkloadStorageAccount, DNS_LABEL, type Report } from '../../rules';
import type { Cloud, EnvironmentSpec } from '../../types';
import { environmentPrefix, keyVaultName } from '../../naming';
import { BURST_TRAINING } from './burst';
import { SAGEMAKER_JOB_NAME_MAX, SAGEMAKER_RUN_ID_LENGTH, SAGEMAKER_TRAINING_REPOSITORY } from './names';
import { BURST_DEFAULTS, SAGEMAKER_MAX_SECONDS, TRAINING_DEADLINE_DEFAULT } from './resolve';
import type { MlopsSpec, TrainingJobSpec } from './spec';

const SAGEMAKER_INSTANCE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;

/** Fields of a cluster job that a SageMaker job refuses, each with what to do instead. */
const CLUSTER_ONLY: Readonly<Partial<Record<keyof TrainingJobSpec, string>>> = {
  pool: "a SageMaker job runs on SageMaker instances (sagemaker.instanceType), not on the cluster's GPU pools",
  gpus: "a SageMaker job's instance type sets its GPUs",
  schedule: 'a SageMaker job name runs once; raise sagemaker.run to run the entry again',
  command: 'SageMaker runs `<image> train` (a TrainingJob has no command); pass arguments as sagemaker.hyperParameters',
  backoffLimit: 'SageMaker resumes an interrupted Spot job from its checkpoints by itself',
  checkpointSize: 'a SageMaker job checkpoints to S3; size its disk with sagemaker.volumeSizeGb',
};
import { ISTIO_NAMESPACE } from '../../cluster';

/** The workload's rules, where it is enabled: every problem reported with its path. */
export function validateMlops(env: EnvironmentSpec, base: string, platformName: string, cloud: Cloud | undefined, report: Report): void {
  const mlops = env.workloads?.mlops;
  if (!mlops || typeof mlops !== 'object' || mlops.enabled !== true) return;
  const at = `${base}.workloads.mlops`;
  if (!mlops.mlflow) report(`${at}.mlflow`, 'is required when mlops is enabled (at least the MLflow image, pinned by tag or digest)');
  checkImage(env, mlops.mlflow?.image, `${at}.mlflow.image`, cloud, report);
  checkQuantity(mlops.mlflow?.cpu, `${at}.mlflow.cpu`, report);
  checkQuantity(mlops.mlflow?.memory, `${at}.mlflow.memory`, report);
  checkRange(mlops.mlflow?.replicas, `${at}.mlflow.replicas`, 1, 20, report);

  const db = mlops.database ?? {};
  if (db.instanceClass !== undefined && cloud === 'azure') report(`${at}.database.instanceClass`, 'is the AWS RDS instance class; on Azure set sku');
  if (db.sku !== undefined && cloud === 'aws') report(`${at}.database.sku`, 'is the Azure Flexible Server SKU; on AWS set instanceClass');
  if (isString(db.instanceClass) && !/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(db.instanceClass))
    report(`${at}.database.instanceClass`, `${q(db.instanceClass)} is not an RDS instance class (e.g. db.t4g.medium)`);
  if (isString(db.sku) && !/^(B|GP|MO)_Standard_[A-Za-z0-9_]+$/.test(db.sku))
    report(`${at}.database.sku`, `${q(db.sku)} is not a Flexible Server SKU (e.g. GP_Standard_D2ds_v5)`);
  checkRange(db.storageGb, `${at}.database.storageGb`, 20, 16384, report);
  if (isString(db.version) && !['13', '14', '15', '16', '17'].includes(db.version))
    report(`${at}.database.version`, `${q(db.version)} is not a supported PostgreSQL major version (13–17)`);

  const pools = new Map((Array.isArray(env.cluster?.gpuPools) ? env.cluster.gpuPools : []).map((p) => [p.name, p]));
  const jobNames = new Set<string>();
  (Array.isArray(mlops.training) ? mlops.training : []).forEach((job, j) => {
    const jat = `${at}.training[${j}]`;
    if (isString(job.name)) {
      if (!DNS_LABEL.test(job.name) || job.name.length > 52)
        report(`${jat}.name`, `${q(job.name)} must be a DNS-1123 label of at most 52 characters (the CronJob limit)`);
      if (jobNames.has(job.name)) report(`${jat}.name`, `${q(job.name)} is used twice`);
      jobNames.add(job.name);
    }
    checkImage(env, job.image, `${jat}.image`, cloud, report);
    checkRange(job.activeDeadlineSeconds, `${jat}.activeDeadlineSeconds`, 60, 2592000, report);
    if (job.runOn === 'sagemaker') validateSageMakerJob(env, mlops, job, jat, platformName, cloud, report);
    else {
      if (job.pool === undefined)
        report(`${jat}.pool`, 'is required for a cluster job: the GPU pool (cluster.gpuPools[].name) it runs on (or set runOn: "sagemaker")');
      if (job.sagemaker !== undefined) report(`${jat}.sagemaker`, 'applies to runOn: "sagemaker" only');
      const pool = isString(job.pool) ? pools.get(job.pool) : undefined;
      if (isString(job.pool) && !pool) report(`${jat}.pool`, `${q(job.pool)} is not one of cluster.gpuPools (${[...pools.keys()].join(', ') || 'none'})`);
      checkRange(job.gpus, `${jat}.gpus`, 1, 16, report);
      if (pool && cloud && isInt(job.gpus) && Array.isArray(pool.sizes)) {
        const most = Math.max(0, ...pool.sizes.map((s) => describeSize(cloud, s)?.gpus ?? 0));
        if (most > 0 && job.gpus > most) report(`${jat}.gpus`, `${job.gpus} GPUs do not fit on one node of pool ${q(job.pool)} (at most ${most})`);
      }
      checkCron(job.schedule, `${jat}.schedule`, '0 2 * * *', report);
      checkRange(job.backoffLimit, `${jat}.backoffLimit`, 0, 100, report);
      checkQuantity(job.checkpointSize, `${jat}.checkpointSize`, report);
    }
  });

  const modelNames = new Set<string>();
  (Array.isArray(mlops.models) ? mlops.models : []).forEach((m, j) => {
    const mat = `${at}.models[${j}]`;
    if (isString(m.name)) {
      if (!DNS_LABEL.test(m.name) || m.name.length > 40) report(`${mat}.name`, `${q(m.name)} must be a DNS-1123 label of at most 40 characters`);
      if (modelNames.has(m.name)) report(`${mat}.name`, `${q(m.name)} is used twice`);
      modelNames.add(m.name);
    }
    const pathOk = (p: unknown, where: string) => {
      if (isString(p) && !/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/.test(p))
        report(where, `${q(p)} must be a relative path of lowercase segments (e.g. iris/v1)`);
    };
    pathOk(m.path, `${mat}.path`);
    checkRange(m.canaryPercent, `${mat}.canaryPercent`, 0, 100, report);
    checkRange(m.minReplicas, `${mat}.minReplicas`, 0, 100, report);
    checkRange(m.maxReplicas, `${mat}.maxReplicas`, 1, 100, report);
    if (isInt(m.minReplicas) && isInt(m.maxReplicas) && m.minReplicas > m.maxReplicas)
      report(`${mat}.minReplicas`, `${m.minReplicas} is greater than maxReplicas ${m.maxReplicas}`);
    checkQuantity(m.cpu, `${mat}.cpu`, report);
    checkQuantity(m.memory, `${mat}.memory`, report);
    if (m.abTest) {
      pathOk(m.abTest.challengerPath, `${mat}.abTest.challengerPath`);
      checkRange(m.abTest.challengerPercent, `${mat}.abTest.challengerPercent`, 1, 99, report);
      if (m.abTest.challengerPath === m.path) report(`${mat}.abTest.challengerPath`, 'is the same model as path; an A/B test needs two');
      // Seldon Core 1.18.2 serves pytorch only with Triton (a Triton model repository); KServe serves the same path
      // with TorchServe (a model store and config.properties). One path cannot be both.
      if (m.framework === 'pytorch')
        report(
          `${mat}.abTest`,
          'pytorch models cannot have an A/B test: Seldon Core 1.18.2 serves pytorch only with Triton, which needs a Triton model repository, while KServe serves the model’s path with TorchServe (a model store and config.properties); use canaryPercent for a KServe canary',
        );
    }
  });

  const served = Array.isArray(mlops.models) && mlops.models.length > 0;
  if (isString(mlops.servingDomain)) {
    const labels = mlops.servingDomain.split('.');
    if (labels.length < 2 || mlops.servingDomain.length > 200 || !labels.every((l) => DNS_LABEL.test(l) && l.length <= 63))
      report(`${at}.servingDomain`, `${q(mlops.servingDomain)} is not a DNS domain of lowercase labels (e.g. models.example.com)`);
  }
  // The models' gateway is Istio's, in its namespace; the NetworkPolicies of every workload admit the gateway's namespace.
  const gateway = env.cluster?.gatewayNamespace;
  if (served && isString(gateway) && gateway !== ISTIO_NAMESPACE)
    report(
      `${base}.cluster.gatewayNamespace`,
      `is ${q(gateway)}, but the models are served through Istio's ingress gateway, which runs in ${q(ISTIO_NAMESPACE)}: leave it unset or set ${q(ISTIO_NAMESPACE)}`,
    );

  const burst = mlops.burst;
  if (burst?.enabled) {
    if (burst.vmSize !== undefined && cloud === 'aws') report(`${at}.burst.vmSize`, 'is the Azure ML VM size; on AWS set instanceType');
    if (burst.instanceType !== undefined && cloud === 'azure') report(`${at}.burst.instanceType`, 'is the SageMaker instance type; on Azure set vmSize');
    if (isString(burst.instanceType) && !SAGEMAKER_INSTANCE.test(burst.instanceType))
      report(`${at}.burst.instanceType`, `${q(burst.instanceType)} is not a SageMaker instance type (e.g. ml.g5.xlarge)`);
    if (isString(burst.vmSize) && cloud === 'azure' && !describeSize('azure', burst.vmSize)?.gpus)
      report(`${at}.burst.vmSize`, `${q(burst.vmSize)} is not a known GPU VM size (e.g. Standard_NC4as_T4_v3)`);
    checkRange(burst.maxNodes, `${at}.burst.maxNodes`, 1, 100, report);
  }
  checkWorkloadStorageAccount(env, at, platformName, 'mlops', cloud, report);
  if (cloud === 'azure' && platformName && isString(env.name)) {
    const kv = keyVaultName(platformName, env.name, 'ml');
    if (!/^[a-z][a-z0-9-]{1,22}[a-z0-9]$/.test(kv))
      report(at, `the derived Key Vault name ${q(kv)} must be 3–24 characters; use a shorter environment or platform name`);
  }
}

/** A training entry with `runOn: sagemaker`: a TrainingJob the ACK SageMaker controller creates (AWS, burst on). */
function validateSageMakerJob(
  env: EnvironmentSpec,
  mlops: MlopsSpec,
  job: TrainingJobSpec,
  jat: string,
  platformName: string,
  cloud: Cloud | undefined,
  report: Report,
): void {
  const refused = cloud ? BURST_TRAINING[cloud].refused : undefined;
  if (refused) report(`${jat}.runOn`, `"sagemaker" ${refused}`);
  else if (cloud && mlops.burst?.enabled !== true)
    report(`${jat}.runOn`, '"sagemaker" needs burst.enabled: true (the SageMaker execution role and the ACK controller come with it)');
  for (const [field, instead] of Object.entries(CLUSTER_ONLY))
    if (job[field as keyof TrainingJobSpec] !== undefined) report(`${jat}.${field}`, `applies to cluster jobs only: ${instead}`);

  if (isString(job.image) && (hasRegistryHost(job.image) || job.image.split(/[:@]/)[0] !== SAGEMAKER_TRAINING_REPOSITORY))
    report(
      `${jat}.image`,
      `${q(job.image)}: a SageMaker job's image must be in the environment's ${q(SAGEMAKER_TRAINING_REPOSITORY)} repository (${SAGEMAKER_TRAINING_REPOSITORY}:<tag>), the only one its execution role may pull`,
    );
  if (isString(job.name) && isString(platformName) && isString(env.name)) {
    const most = SAGEMAKER_JOB_NAME_MAX - environmentPrefix(platformName, env.name).length - SAGEMAKER_RUN_ID_LENGTH - 2;
    if (job.name.length > most)
      report(
        `${jat}.name`,
        `${q(job.name)} is too long for a SageMaker job name (<prefix>-<name>-<run id>, ${SAGEMAKER_JOB_NAME_MAX} characters): at most ${most} here`,
      );
  }
  if (isInt(job.activeDeadlineSeconds) && job.activeDeadlineSeconds > SAGEMAKER_MAX_SECONDS)
    report(`${jat}.activeDeadlineSeconds`, `${job.activeDeadlineSeconds} is longer than SageMaker lets a training job run (${SAGEMAKER_MAX_SECONDS}, 28 days)`);

  const sm = job.sagemaker;
  if (!sm) return;
  const sat = `${jat}.sagemaker`;
  if (isString(sm.instanceType) && !SAGEMAKER_INSTANCE.test(sm.instanceType))
    report(`${sat}.instanceType`, `${q(sm.instanceType)} is not a SageMaker instance type (e.g. ml.g5.xlarge)`);
  const maxNodes = isInt(mlops.burst?.maxNodes) ? mlops.burst.maxNodes : BURST_DEFAULTS.maxNodes;
  if (isInt(sm.instanceCount) && (sm.instanceCount < 1 || sm.instanceCount > maxNodes))
    report(`${sat}.instanceCount`, `${sm.instanceCount} must be from 1 to burst.maxNodes (${maxNodes})`);
  checkRange(sm.volumeSizeGb, `${sat}.volumeSizeGb`, 1, 16384, report);
  if (sm.maxWaitSeconds !== undefined && sm.capacity === 'on-demand') report(`${sat}.maxWaitSeconds`, 'applies to capacity: "spot" only');
  const runtime = isInt(job.activeDeadlineSeconds) ? job.activeDeadlineSeconds : TRAINING_DEADLINE_DEFAULT;
  if (isInt(sm.maxWaitSeconds) && (sm.maxWaitSeconds < runtime || sm.maxWaitSeconds > SAGEMAKER_MAX_SECONDS))
    report(
      `${sat}.maxWaitSeconds`,
      `${sm.maxWaitSeconds} must be from the job's runtime (activeDeadlineSeconds, ${runtime}) to ${SAGEMAKER_MAX_SECONDS} (28 days)`,
    );
  const params = sm.hyperParameters && typeof sm.hyperParameters === 'object' ? Object.entries(sm.hyperParameters) : [];
  if (params.length > 100) report(`${sat}.hyperParameters`, `has ${params.length} entries; SageMaker takes at most 100`);
  for (const [key, value] of params)
    if (key.length > 256 || (isString(value) && value.length > 256)) report(`${sat}.hyperParameters.${key}`, 'keys and values are at most 256 characters');
  checkRange(sm.run, `${sat}.run`, 1, 1000000, report);
}
