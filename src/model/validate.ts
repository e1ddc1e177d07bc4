/**
 * The rules a platform model must satisfy beyond its shape. Every rule appends problems with the
 * path of the offending value and what was expected; nothing stops at the first problem.
 * Rules read the raw spec defensively, since they also run on specs whose shape is wrong.
 */
import {
  defaultTableFormat,
  DEFAULT_BEDROCK_EMBEDDING_MODEL,
  DEFAULT_OPENAI_EMBEDDING,
  DEFAULT_POD_CIDR,
  DEFAULT_SERVICE_CIDR,
  STANDARD_TAG_KEYS,
  hasRegistryHost,
} from './defaults';
import { EKS_ADDON_VERSIONS, EMBEDDING_DIMENSIONS, KUBERNETES_VERSIONS, REGIONS, describeSize } from './catalog';
import { cidrsOverlap, formatCidr, hasHostBits, parseCidr, type Cidr } from './cidr';
import { defaultAwsStateBucket, defaultAzureStateStorageAccount, keyVaultName, workloadStorageAccountName } from './naming';
import type { Problem } from './problems';
import type { Cloud, EnvironmentSpec, NodePoolSpec, PlatformSpec, WorkloadName } from './types';
import { MEDALLION_LAYERS } from './types';

const PLATFORM_NAME = /^[a-z][a-z0-9]{1,7}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;
const ACCOUNT_ID = /^\d{12}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ECR_REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;
const AMI_ALIAS = /^(al2023|bottlerocket)@v\d+(\.\d+\.\d+)?$/;
const ENVIRONMENT_NAME_MAX = 20;

type Report = (path: string, message: string) => void;

const isString = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const q = (v: unknown) => JSON.stringify(v);

/** S3 bucket naming rules (general purpose buckets). Returns what is wrong, or undefined. */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3–63 characters';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'must be lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  if (name.startsWith('xn--') || name.startsWith('sthree-')) return 'must not start with "xn--" or "sthree-"';
  if (name.endsWith('-s3alias') || name.endsWith('--ol-s3')) return 'must not end with "-s3alias" or "--ol-s3"';
  return undefined;
}

/** Azure storage account naming rules. */
export function storageAccountNameProblem(name: string): string | undefined {
  return /^[a-z0-9]{3,24}$/.test(name) ? undefined : 'must be 3–24 lowercase letters and digits (Azure storage account rule)';
}

function checkCidrText(value: unknown, path: string, report: Report): Cidr | undefined {
  if (!isString(value)) return undefined;
  const cidr = parseCidr(value);
  if (cidr) return cidr;
  report(path, hasHostBits(value) ? `${q(value)} has host bits set; use the network address` : `${q(value)} is not an IPv4 CIDR`);
  return undefined;
}

export function validatePlatform(spec: PlatformSpec): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });

  if (isString(spec.name) && !PLATFORM_NAME.test(spec.name))
    report('name', `${q(spec.name)} must be 2–8 lowercase letters and digits, starting with a letter (it prefixes every resource name)`);

  const environments = Array.isArray(spec.environments) ? spec.environments : [];
  if (Array.isArray(spec.environments) && environments.length === 0) report('environments', 'must list at least one environment');

  const seenNames = new Map<string, number>();
  const networks: { index: number; name: string; cidr: Cidr }[] = [];
  environments.forEach((env, i) => {
    const base = `environments[${i}]`;
    if (!env || typeof env !== 'object') return;
    if (isString(env.name)) {
      const first = seenNames.get(env.name);
      if (first !== undefined) report(`${base}.name`, `${q(env.name)} is already used by environments[${first}]; names must be unique`);
      else seenNames.set(env.name, i);
    }
    validateEnvironment(env, base, isString(spec.name) ? spec.name : '', report);
    const cidr = isString(env.network?.cidr) ? parseCidr(env.network.cidr) : undefined;
    if (cidr) {
      for (const other of networks) {
        if (cidrsOverlap(cidr, other.cidr))
          report(
            `${base}.network.cidr`,
            `${q(env.network.cidr)} overlaps environments[${other.index}] (${other.name}) ${formatCidr(other.cidr)}; environments need distinct address spaces to be connected`,
          );
      }
      networks.push({ index: i, name: String(env.name), cidr });
    }
  });
  checkLakehouseCatalogs(environments, report);
  return problems;
}

function validateEnvironment(env: EnvironmentSpec, base: string, platformName: string, report: Report): void {
  const cloud: Cloud | undefined = env.cloud === 'aws' || env.cloud === 'azure' ? env.cloud : undefined;

  if (isString(env.name)) {
    if (!DNS_LABEL.test(env.name) || env.name.length > ENVIRONMENT_NAME_MAX)
      report(
        `${base}.name`,
        `${q(env.name)} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit) of at most ${ENVIRONMENT_NAME_MAX} characters`,
      );
  }

  if (cloud && isString(env.region) && !(env.region in REGIONS[cloud]))
    report(`${base}.region`, `${q(env.region)} is not a known ${cloud} region (known: ${Object.keys(REGIONS[cloud]).join(', ')})`);

  // Each cloud needs its own account block and only that one.
  if (cloud === 'aws') {
    if (!env.aws) report(`${base}.aws`, 'is required when cloud is "aws" (accountId)');
    if (env.azure) report(`${base}.azure`, 'is only for cloud "azure"; remove it');
  }
  if (cloud === 'azure') {
    if (!env.azure) report(`${base}.azure`, 'is required when cloud is "azure" (subscriptionId, tenantId)');
    if (env.aws) report(`${base}.aws`, 'is only for cloud "aws"; remove it');
  }
  if (cloud === 'aws' && env.aws) validateAws(env, base, platformName, report);
  if (cloud === 'azure' && env.azure) validateAzure(env, base, platformName, report);

  validateNetwork(env, base, cloud, report);
  validateCluster(env, base, cloud, report);
  validateTags(env, base, cloud, report);
  validateWaivers(env, base, report);
  validateGitops(env, base, report);
  validateEdw(env, base, platformName, cloud, report);
  validateRag(env, base, platformName, cloud, report);
  validateMlops(env, base, platformName, cloud, report);
  validateLakehouse(env, base, platformName, cloud, report);
}

function isCron(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const QUANTITY = /^(\d+(\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/** What is wrong with an image reference's pinning (tag or digest, not latest), or undefined. */
export function imagePinProblem(image: string): string | undefined {
  const [reference, digest] = image.split('@');
  if (digest !== undefined) return /^sha256:[0-9a-f]{64}$/.test(digest) ? undefined : 'has a malformed digest';
  const last = reference.split('/').pop() ?? '';
  if (!last.includes(':')) return 'is not pinned: add a tag or a digest';
  const tag = last.slice(last.indexOf(':') + 1);
  if (tag === 'latest') return 'uses the latest tag: pin a version or a digest';
  return /^[\w][\w.-]{0,127}$/.test(tag) ? undefined : `has an invalid tag ${q(tag)}`;
}

/** An image a workload runs: pinned, and on AWS a short reference must name one of the environment's ECR repositories. */
function checkImage(env: EnvironmentSpec, image: unknown, path: string, cloud: Cloud | undefined, report: Report): void {
  if (!isString(image)) return;
  const problem = imagePinProblem(image);
  if (problem) report(path, `${q(image)} ${problem}`);
  const repository = image.split(/[:@]/)[0];
  if (cloud === 'aws' && !hasRegistryHost(image) && !(env.cluster?.repositories ?? []).includes(repository))
    report(path, `${q(image)} names repository ${q(repository)}, which is not in cluster.repositories (add it, or give a full reference with a registry host)`);
}

/** A storage account name derived for a workload must fit Azure's 24 characters. */
function checkWorkloadStorageAccount(
  env: EnvironmentSpec,
  at: string,
  platformName: string,
  workload: WorkloadName,
  cloud: Cloud | undefined,
  report: Report,
): void {
  if (cloud !== 'azure' || !platformName || !isString(env.name)) return;
  const account = workloadStorageAccountName(platformName, env.name, workload);
  const problem = storageAccountNameProblem(account);
  if (problem) report(at, `the derived storage account name ${q(account)} ${problem}; use a shorter environment or platform name`);
}

function checkRange(value: unknown, path: string, min: number, max: number, report: Report): void {
  if (isInt(value) && (value < min || value > max)) report(path, `${value} must be from ${min} to ${max}`);
}

function checkQuantity(value: unknown, path: string, report: Report): void {
  if (isString(value) && !QUANTITY.test(value)) report(path, `${q(value)} is not a Kubernetes quantity (e.g. 250m, 512Mi)`);
}

const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

function validateRag(env: EnvironmentSpec, base: string, platformName: string, cloud: Cloud | undefined, report: Report): void {
  const rag = env.workloads?.rag;
  if (!rag || typeof rag !== 'object' || rag.enabled !== true) return;
  const at = `${base}.workloads.rag`;
  if (!rag.api) report(`${at}.api`, 'is required when rag is enabled (at least the RAG API image, pinned by tag or digest)');
  const api = rag.api ?? ({} as Partial<NonNullable<typeof rag.api>>);
  checkImage(env, api.image, `${at}.api.image`, cloud, report);
  checkRange(api.minReplicas, `${at}.api.minReplicas`, 1, 1000, report);
  checkRange(api.maxReplicas, `${at}.api.maxReplicas`, 1, 1000, report);
  if (isInt(api.minReplicas) && isInt(api.maxReplicas) && api.minReplicas > api.maxReplicas)
    report(`${at}.api.minReplicas`, `${api.minReplicas} is greater than maxReplicas ${api.maxReplicas}`);
  checkRange(api.targetCpuUtilization, `${at}.api.targetCpuUtilization`, 1, 100, report);
  checkRange(api.port, `${at}.api.port`, 1024, 65535, report);
  checkQuantity(api.cpu, `${at}.api.cpu`, report);
  checkQuantity(api.memory, `${at}.api.memory`, report);

  if (rag.bedrock && cloud === 'azure') report(`${at}.bedrock`, 'is for AWS; on Azure set openai');
  if (rag.openai && cloud === 'aws') report(`${at}.openai`, 'is for Azure; on AWS set bedrock');
  for (const key of ['chatModelId', 'embeddingModelId'] as const) {
    const id = rag.bedrock?.[key];
    if (isString(id) && !/^[a-z0-9-]+\.[a-z0-9-.:]+$/.test(id))
      report(`${at}.bedrock.${key}`, `${q(id)} is not a Bedrock model id (e.g. amazon.titan-embed-text-v2:0)`);
  }
  for (const kind of ['chat', 'embedding'] as const) {
    const d = rag.openai?.[kind];
    if (!d) continue;
    if (isString(d.deployment) && !/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/.test(d.deployment))
      report(`${at}.openai.${kind}.deployment`, `${q(d.deployment)} must be 2–64 letters, digits, '.', '_' or '-'`);
    checkRange(d.capacity, `${at}.openai.${kind}.capacity`, 1, 10000, report);
  }
  const embeddingModel =
    cloud === 'aws' ? (rag.bedrock?.embeddingModelId ?? DEFAULT_BEDROCK_EMBEDDING_MODEL) : (rag.openai?.embedding?.model ?? DEFAULT_OPENAI_EMBEDDING.model);
  const dimension = rag.embeddingDimension ?? (cloud === 'aws' ? 1024 : 1536);
  const supported = EMBEDDING_DIMENSIONS[embeddingModel];
  if (isInt(dimension) && supported && !supported.includes(dimension))
    report(`${at}.embeddingDimension`, `${dimension} is not a size ${embeddingModel} produces (${supported.join(', ')})`);
  checkRange(rag.embeddingDimension, `${at}.embeddingDimension`, 2, 32768, report);

  const milvus = rag.milvus ?? {};
  if (isString(milvus.version) && !/^v\d+\.\d+\.\d+$/.test(milvus.version))
    report(`${at}.milvus.version`, `${q(milvus.version)} must be a pinned release such as v2.5.4`);
  checkQuantity(milvus.storageSize, `${at}.milvus.storageSize`, report);
  checkQuantity(milvus.cpu, `${at}.milvus.cpu`, report);
  checkQuantity(milvus.memory, `${at}.milvus.memory`, report);
  const seen = new Set<string>();
  for (const key of ['raw', 'processed', 'embeddings'] as const) {
    const v = rag.documents?.[key];
    if (!isString(v)) continue;
    if (!CONTAINER_NAME.test(v))
      report(`${at}.documents.${key}`, `${q(v)} must be 3–63 lowercase letters, digits and single hyphens (an S3 prefix and an ADLS container name)`);
    if (seen.has(v)) report(`${at}.documents.${key}`, `${q(v)} is used twice`);
    seen.add(v);
  }
  if (isString(rag.gatewayNamespace) && !DNS_LABEL.test(rag.gatewayNamespace))
    report(`${at}.gatewayNamespace`, `${q(rag.gatewayNamespace)} is not a DNS-1123 label`);
  checkWorkloadStorageAccount(env, at, platformName, 'rag', cloud, report);
}

function validateMlops(env: EnvironmentSpec, base: string, platformName: string, cloud: Cloud | undefined, report: Report): void {
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
    const pool = isString(job.pool) ? pools.get(job.pool) : undefined;
    if (isString(job.pool) && !pool) report(`${jat}.pool`, `${q(job.pool)} is not one of cluster.gpuPools (${[...pools.keys()].join(', ') || 'none'})`);
    checkRange(job.gpus, `${jat}.gpus`, 1, 16, report);
    if (pool && cloud && isInt(job.gpus) && Array.isArray(pool.sizes)) {
      const most = Math.max(0, ...pool.sizes.map((s) => describeSize(cloud, s)?.gpus ?? 0));
      if (most > 0 && job.gpus > most) report(`${jat}.gpus`, `${job.gpus} GPUs do not fit on one node of pool ${q(job.pool)} (at most ${most})`);
    }
    if (isString(job.schedule) && !isCron(job.schedule)) report(`${jat}.schedule`, `${q(job.schedule)} is not a 5-field cron schedule (e.g. "0 2 * * *")`);
    checkRange(job.activeDeadlineSeconds, `${jat}.activeDeadlineSeconds`, 60, 2592000, report);
    checkRange(job.backoffLimit, `${jat}.backoffLimit`, 0, 100, report);
    checkQuantity(job.checkpointSize, `${jat}.checkpointSize`, report);
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
    checkRange(m.canaryPercent, `${mat}.canaryPercent`, 1, 99, report);
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
    }
  });

  const burst = mlops.burst;
  if (burst?.enabled) {
    if (burst.vmSize !== undefined && cloud === 'aws') report(`${at}.burst.vmSize`, 'is the Azure ML VM size; on AWS set instanceType');
    if (burst.instanceType !== undefined && cloud === 'azure') report(`${at}.burst.instanceType`, 'is the SageMaker instance type; on Azure set vmSize');
    if (isString(burst.instanceType) && !/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(burst.instanceType))
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

const SPARK_MEMORY = /^\d+[kmgt]$/;
const SPARK_VERSION = /^(\d+)\.\d+\.\d+$/;
const JAVA_CLASS = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

function validateLakehouse(env: EnvironmentSpec, base: string, platformName: string, cloud: Cloud | undefined, report: Report): void {
  const lakehouse = env.workloads?.lakehouse;
  if (!lakehouse || typeof lakehouse !== 'object' || lakehouse.enabled !== true) return;
  const at = `${base}.workloads.lakehouse`;

  if (!lakehouse.spark) report(`${at}.spark`, 'is required when lakehouse is enabled (at least the Spark image, pinned by tag or digest)');
  checkImage(env, lakehouse.spark?.image, `${at}.spark.image`, cloud, report);
  const version = lakehouse.spark?.version;
  if (isString(version)) {
    const m = SPARK_VERSION.exec(version);
    if (!m) report(`${at}.spark.version`, `${q(version)} is not a Spark version (major.minor.patch, e.g. 4.0.1)`);
    else if (cloud === 'azure' && Number(m[1]) < 4)
      report(
        `${at}.spark.version`,
        `${q(version)}: on Azure Spark must be 4.0 or later (its Hadoop 3.4.1 ABFS driver is the first to take workload identity tokens)`,
      );
  }

  if (isString(lakehouse.tableFormat) && cloud && lakehouse.tableFormat !== defaultTableFormat(cloud)) {
    const why =
      cloud === 'aws'
        ? 'on AWS the catalog is Glue, which serves Iceberg tables to open-source Spark; Delta would need a Hive metastore'
        : 'on Azure tables are Delta by path on ADLS Gen2; Iceberg would need a catalog service the platform does not run';
    report(`${at}.tableFormat`, `${q(lakehouse.tableFormat)} is not supported: ${why}`);
  }

  const layers = Array.isArray(lakehouse.layers) ? lakehouse.layers : [...MEDALLION_LAYERS];
  if (Array.isArray(lakehouse.layers)) {
    if (lakehouse.layers.length === 0) report(`${at}.layers`, 'must list at least one layer (bronze, silver, gold)');
    lakehouse.layers.forEach((l, i) => {
      if (lakehouse.layers!.indexOf(l) !== i) report(`${at}.layers[${i}]`, `${q(l)} is listed twice`);
    });
  }

  const names = new Set<string>();
  (Array.isArray(lakehouse.jobs) ? lakehouse.jobs : []).forEach((job, j) => {
    const jat = `${at}.jobs[${j}]`;
    if (!job || typeof job !== 'object') return;
    if (isString(job.name)) {
      // The operator names the driver pod `<name>-driver` and its UI service `<name>-ui-svc`; a scheduled run adds a timestamp.
      if (!DNS_LABEL.test(job.name) || job.name.length > 40) report(`${jat}.name`, `${q(job.name)} must be a DNS-1123 label of at most 40 characters`);
      if (names.has(job.name)) report(`${jat}.name`, `${q(job.name)} is used twice`);
      names.add(job.name);
    }
    const file = job.mainApplicationFile;
    if (isString(file)) {
      const schemes = ['local://', ...(cloud === 'aws' ? ['s3a://'] : cloud === 'azure' ? ['abfss://'] : [])];
      if (!schemes.some((s) => file.startsWith(s) && file.length > s.length))
        report(
          `${jat}.mainApplicationFile`,
          `${q(file)} must start with ${schemes.join(' or ')} (a file in the image${cloud ? ' or in the lakehouse storage' : ''})`,
        );
      const jar = file.endsWith('.jar');
      if (!jar && !file.endsWith('.py') && !file.endsWith('.R')) report(`${jat}.mainApplicationFile`, `${q(file)} must be a .py, .R or .jar file`);
      if (jar && !job.mainClass) report(`${jat}.mainClass`, 'is required for a .jar application');
      if (!jar && job.mainClass !== undefined) report(`${jat}.mainClass`, 'is only for a .jar application; remove it');
    }
    if (isString(job.mainClass) && !JAVA_CLASS.test(job.mainClass)) report(`${jat}.mainClass`, `${q(job.mainClass)} is not a Java class name`);
    if (isString(job.layer) && !layers.includes(job.layer)) report(`${jat}.layer`, `${q(job.layer)} is not one of layers (${layers.join(', ')})`);
    if (isString(job.schedule) && !isCron(job.schedule)) report(`${jat}.schedule`, `${q(job.schedule)} is not a 5-field cron schedule (e.g. "0 3 * * *")`);
    for (const role of ['driver', 'executor'] as const) {
      const pod = job[role];
      if (!pod || typeof pod !== 'object') continue;
      checkRange(pod.cores, `${jat}.${role}.cores`, 1, 64, report);
      if (isString(pod.memory) && !SPARK_MEMORY.test(pod.memory))
        report(`${jat}.${role}.memory`, `${q(pod.memory)} is not a Spark memory size (e.g. 512m, 4g)`);
    }
    checkRange(job.executors, `${jat}.executors`, 1, 1000, report);
    const dyn = job.dynamicAllocation;
    if (dyn && typeof dyn === 'object') {
      if (job.executors !== undefined)
        report(`${jat}.executors`, 'is the fixed executor count; with dynamicAllocation set minExecutors and maxExecutors instead');
      checkRange(dyn.minExecutors, `${jat}.dynamicAllocation.minExecutors`, 0, 1000, report);
      checkRange(dyn.maxExecutors, `${jat}.dynamicAllocation.maxExecutors`, 1, 1000, report);
      if (isInt(dyn.minExecutors) && isInt(dyn.maxExecutors) && dyn.minExecutors > dyn.maxExecutors)
        report(`${jat}.dynamicAllocation.minExecutors`, `${dyn.minExecutors} is greater than maxExecutors ${dyn.maxExecutors}`);
    }
    checkRange(job.retries, `${jat}.retries`, 0, 20, report);
  });

  checkRange(lakehouse.retentionDays, `${at}.retentionDays`, 1, 365, report);
  if (lakehouse.purview !== undefined && cloud === 'aws') report(`${at}.purview`, 'is for Azure; on AWS the catalog is Glue');
  checkWorkloadStorageAccount(env, at, platformName, 'lakehouse', cloud, report);
}

/** Glue databases are named after the layers, so two AWS lakehouses must not share an account and region. */
function checkLakehouseCatalogs(environments: EnvironmentSpec[], report: Report): void {
  const seen = new Map<string, number>();
  environments.forEach((env, i) => {
    if (!env || env.cloud !== 'aws' || env.workloads?.lakehouse?.enabled !== true || !isString(env.aws?.accountId)) return;
    const key = `${env.aws.accountId} ${env.region}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      report(
        `environments[${i}].workloads.lakehouse`,
        `environments[${first}] already has a lakehouse in account ${env.aws.accountId}, ${env.region}: the Glue databases (bronze, silver, gold) would clash; use another account or region`,
      );
  });
}

function validateEdw(env: EnvironmentSpec, base: string, platformName: string, cloud: Cloud | undefined, report: Report): void {
  const edw = env.workloads?.edw;
  if (!edw || typeof edw !== 'object' || edw.enabled !== true) return;
  const at = `${base}.workloads.edw`;
  if (!edw.images) report(`${at}.images`, 'is required when edw is enabled (consumer and producer images, pinned by tag or digest)');
  for (const role of ['consumer', 'producer'] as const) checkImage(env, edw.images?.[role], `${at}.images.${role}`, cloud, report);
  const queue = edw.queue ?? {};
  const range = (value: unknown, path: string, min: number, max: number) => checkRange(value, path, min, max, report);
  range(queue.messageRetentionSeconds, `${at}.queue.messageRetentionSeconds`, 60, 1209600);
  range(queue.visibilityTimeoutSeconds, `${at}.queue.visibilityTimeoutSeconds`, 0, 43200);
  range(queue.maxReceiveCount, `${at}.queue.maxReceiveCount`, 1, 1000);
  if (queue.fifo === true && cloud === 'azure') report(`${at}.queue.fifo`, 'Azure Queue Storage has no FIFO queues; remove it');

  const scaling = edw.scaling ?? {};
  range(scaling.maxReplicas, `${at}.scaling.maxReplicas`, 1, 1000);
  range(scaling.minReplicas, `${at}.scaling.minReplicas`, 0, 1000);
  range(scaling.messagesPerReplica, `${at}.scaling.messagesPerReplica`, 1, 100000);
  range(scaling.activationMessages, `${at}.scaling.activationMessages`, 0, 100000);
  range(scaling.pollingIntervalSeconds, `${at}.scaling.pollingIntervalSeconds`, 1, 3600);
  range(scaling.cooldownSeconds, `${at}.scaling.cooldownSeconds`, 0, 86400);
  if (isInt(scaling.minReplicas) && isInt(scaling.maxReplicas) && scaling.minReplicas > scaling.maxReplicas)
    report(`${at}.scaling.minReplicas`, `${scaling.minReplicas} is greater than maxReplicas ${scaling.maxReplicas}`);
  if ((scaling.scaleToZero ?? true) && isInt(scaling.minReplicas) && scaling.minReplicas > 0)
    report(`${at}.scaling.minReplicas`, `${scaling.minReplicas} contradicts scaleToZero (the default); set scaleToZero: false to keep replicas`);

  const producer = edw.producer ?? {};
  range(producer.messages, `${at}.producer.messages`, 1, 1000000);
  if (isString(producer.schedule)) {
    if (!isCron(producer.schedule)) report(`${at}.producer.schedule`, `${q(producer.schedule)} is not a 5-field cron schedule (e.g. "*/10 * * * *")`);
  }
  const consumer = edw.consumer ?? {};
  range(consumer.port, `${at}.consumer.port`, 1024, 65535);
  if (isString(consumer.healthPath) && !consumer.healthPath.startsWith('/')) report(`${at}.consumer.healthPath`, `${q(consumer.healthPath)} must start with /`);
  for (const key of ['cpu', 'memory'] as const) checkQuantity(consumer[key], `${at}.consumer.${key}`, report);
  if (edw.keda === 'aks-addon' && cloud === 'aws') report(`${at}.keda`, '"aks-addon" is the AKS KEDA add-on; on AWS KEDA is installed with Helm');

  checkWorkloadStorageAccount(env, at, platformName, 'edw', cloud, report);
}

const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const GIT_URL = /^(https:\/\/[^\s/]+\/\S+|ssh:\/\/\S+|[\w.-]+@[\w.-]+:\S+)$/;
const REPO_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[\w.-]+(\/[\w.-]+)*\/?$/;

function validateGitops(env: EnvironmentSpec, base: string, report: Report): void {
  const gitops = env.gitops;
  if (!gitops || typeof gitops !== 'object') return;
  const at = `${base}.gitops`;
  if (isString(gitops.repoUrl) && !GIT_URL.test(gitops.repoUrl))
    report(`${at}.repoUrl`, `${q(gitops.repoUrl)} is not a Git URL (https://host/org/repo.git, ssh://… or git@host:org/repo.git)`);
  if (isString(gitops.repoUrl) && gitops.repoUrl.startsWith('http://')) report(`${at}.repoUrl`, 'must use https or ssh, not http');
  if (isString(gitops.branch) && !/^(?!-)(?!.*\.\.)[\w./-]+$/.test(gitops.branch)) report(`${at}.branch`, `${q(gitops.branch)} is not a branch name`);
  if (isString(gitops.basePath) && !REPO_PATH.test(gitops.basePath))
    report(`${at}.basePath`, `${q(gitops.basePath)} must be a path inside the repository (relative, no "." or ".." segments), e.g. dist`);
  if (gitops.selfHeal === false && gitops.tool === 'flux')
    report(`${at}.selfHeal`, 'Flux always corrects drift on each reconciliation; selfHeal is for Argo CD');
}

function validateWaivers(env: EnvironmentSpec, base: string, report: Report): void {
  const seen = new Set<string>();
  (Array.isArray(env.waivers) ? env.waivers : []).forEach((w, j) => {
    if (!w || typeof w !== 'object') return;
    const at = `${base}.waivers[${j}]`;
    if (isString(w.rule) && !RULE_ID.test(w.rule)) report(`${at}.rule`, `${q(w.rule)} is not a rule id (kebab-case, e.g. k8s-read-only-root-filesystem)`);
    if (isString(w.resource) && (w.resource.includes('*') || w.resource.trim() === ''))
      report(`${at}.resource`, `${q(w.resource)} must name exactly one resource (no wildcards)`);
    if (isString(w.reason) && w.reason.trim().length < 20) report(`${at}.reason`, 'must say why in at least 20 characters; it is kept in the validate report');
    const key = `${w.rule}\u0000${w.resource}`;
    if (seen.has(key)) report(at, `waives ${q(w.rule)} for ${q(w.resource)} twice`);
    seen.add(key);
  });
}

function validateAws(env: EnvironmentSpec, base: string, platformName: string, report: Report): void {
  const aws = env.aws!;
  const accountOk = isString(aws.accountId) && ACCOUNT_ID.test(aws.accountId);
  if (isString(aws.accountId) && !accountOk) report(`${base}.aws.accountId`, `${q(aws.accountId)} is not a 12-digit AWS account id`);
  (Array.isArray(aws.clusterAdminArns) ? aws.clusterAdminArns : []).forEach((arn, j) => {
    if (!isString(arn)) return;
    const m = /^arn:aws:iam::(\d{12}):(role|user)\/[\w+=,.@/-]+$/.exec(arn);
    if (!m) report(`${base}.aws.clusterAdminArns[${j}]`, `${q(arn)} is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)`);
    else if (accountOk && m[1] !== aws.accountId)
      report(`${base}.aws.clusterAdminArns[${j}]`, `${q(arn)} is in account ${m[1]}, not this environment's account ${aws.accountId}`);
  });
  if (isString(aws.stateBucket)) {
    const problem = s3BucketNameProblem(aws.stateBucket);
    if (problem) report(`${base}.aws.stateBucket`, `${q(aws.stateBucket)} is not a valid S3 bucket name: ${problem}`);
  } else if (accountOk && isString(env.region) && platformName) {
    const derived = defaultAwsStateBucket(platformName, aws.accountId, env.region);
    const problem = s3BucketNameProblem(derived);
    if (problem) report(`${base}.aws.stateBucket`, `the derived name ${q(derived)} is not a valid S3 bucket name (${problem}); set stateBucket`);
  }
}

function validateAzure(env: EnvironmentSpec, base: string, platformName: string, report: Report): void {
  const azure = env.azure!;
  for (const key of ['subscriptionId', 'tenantId'] as const) {
    const v = azure[key];
    if (isString(v) && !GUID.test(v)) report(`${base}.azure.${key}`, `${q(v)} is not a GUID (lowercase xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
  }
  (Array.isArray(azure.adminGroupObjectIds) ? azure.adminGroupObjectIds : []).forEach((id, j) => {
    if (isString(id) && !GUID.test(id)) report(`${base}.azure.adminGroupObjectIds[${j}]`, `${q(id)} is not a GUID`);
  });
  const state = azure.state ?? {};
  if (isString(state.storageAccount)) {
    const problem = storageAccountNameProblem(state.storageAccount);
    if (problem) report(`${base}.azure.state.storageAccount`, `${q(state.storageAccount)} ${problem}`);
  } else if (platformName && (env.stage === 'dev' || env.stage === 'prod')) {
    const derived = defaultAzureStateStorageAccount(platformName, env.stage);
    const problem = storageAccountNameProblem(derived);
    if (problem) report(`${base}.azure.state.storageAccount`, `the derived name ${q(derived)} ${problem}; set it explicitly`);
  }
  if (isString(state.container) && !/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(state.container))
    report(
      `${base}.azure.state.container`,
      `${q(state.container)} must be 3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit`,
    );
  if (isString(state.resourceGroup) && !/^[-\w.()]{1,89}[-\w()]$/.test(state.resourceGroup))
    report(`${base}.azure.state.resourceGroup`, `${q(state.resourceGroup)} must be 1–90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'`);
}

function validateNetwork(env: EnvironmentSpec, base: string, cloud: Cloud | undefined, report: Report): void {
  const net = env.network;
  if (!net || typeof net !== 'object') return;
  const path = `${base}.network`;
  const cidr = checkCidrText(net.cidr, `${path}.cidr`, report);
  if (cidr && (cidr.prefix < 16 || cidr.prefix > 22))
    report(`${path}.cidr`, `${q(net.cidr)} must be between /16 and /22 (subnets per zone are carved from it)`);

  if (isInt(net.zones) && cloud) {
    const min = cloud === 'aws' ? 2 : 1;
    const regionZones = isString(env.region) ? REGIONS[cloud][env.region] : undefined;
    const max = Math.min(3, regionZones ?? 3);
    if (net.zones < min || net.zones > max)
      report(
        `${path}.zones`,
        `${net.zones} must be from ${min} to ${max}${cloud === 'aws' ? ' (EKS needs subnets in at least two zones)' : ''}${regionZones !== undefined && regionZones < 3 ? ` (${env.region} has ${regionZones})` : ''}`,
      );
  }

  const service = checkCidrText(net.serviceCidr ?? DEFAULT_SERVICE_CIDR, `${path}.serviceCidr`, report);
  const pod = cloud === 'azure' ? checkCidrText(net.podCidr ?? DEFAULT_POD_CIDR, `${path}.podCidr`, report) : undefined;
  if (net.podCidr !== undefined && cloud === 'aws') report(`${path}.podCidr`, 'is only used on Azure (CNI overlay); on AWS pods take VPC addresses');
  if (cidr && service && cidrsOverlap(cidr, service)) report(`${path}.serviceCidr`, `${formatCidr(service)} overlaps the network ${formatCidr(cidr)}`);
  if (cidr && pod && cidrsOverlap(cidr, pod)) report(`${path}.podCidr`, `${formatCidr(pod)} overlaps the network ${formatCidr(cidr)}`);
  if (service && pod && cidrsOverlap(service, pod)) report(`${path}.podCidr`, `${formatCidr(pod)} overlaps the service CIDR ${formatCidr(service)}`);

  const allowed = Array.isArray(net.apiAllowedCidrs) ? net.apiAllowedCidrs : [];
  allowed.forEach((c, j) => {
    const parsed = checkCidrText(c, `${path}.apiAllowedCidrs[${j}]`, report);
    if (parsed && parsed.prefix === 0) report(`${path}.apiAllowedCidrs[${j}]`, `${q(c)} would open the API server to the whole internet`);
  });
  const privateApi = env.cluster?.privateApi ?? env.stage === 'prod';
  if (privateApi && allowed.length > 0)
    report(`${path}.apiAllowedCidrs`, 'is set but the API server is private in this environment; remove it or set cluster.privateApi to false (dev only)');
  if (!privateApi && allowed.length === 0)
    report(`${path}.apiAllowedCidrs`, 'must list who may reach the public API server (dev); an empty list would leave it open to everyone');
}

function validatePool(pool: NodePoolSpec, path: string, cloud: Cloud | undefined, kind: 'cpu' | 'gpu', report: Report): void {
  if (isInt(pool.min) && pool.min < 0) report(`${path}.min`, `${pool.min} must be 0 or more`);
  if (isInt(pool.max) && pool.max < 1) report(`${path}.max`, `${pool.max} must be at least 1`);
  if (isInt(pool.min) && isInt(pool.max) && pool.min > pool.max) report(`${path}.min`, `${pool.min} is greater than max ${pool.max}`);
  if (!Array.isArray(pool.sizes)) return;
  if (pool.sizes.length === 0) report(`${path}.sizes`, 'must list at least one size');
  if (cloud === 'azure' && pool.sizes.length > 1) report(`${path}.sizes`, `an AKS node pool takes exactly one VM size, got ${pool.sizes.length}`);
  const seen = new Set<string>();
  pool.sizes.forEach((size, j) => {
    if (!isString(size) || !cloud) return;
    if (seen.has(size)) report(`${path}.sizes[${j}]`, `${q(size)} is listed twice`);
    seen.add(size);
    const info = describeSize(cloud, size);
    const families =
      cloud === 'aws' ? 'e.g. m6i.large, c7i.xlarge, g5.xlarge, g6.2xlarge, p5.48xlarge' : 'e.g. Standard_D4s_v5, Standard_NC4as_T4_v3, Standard_ND96asr_v4';
    if (!info) report(`${path}.sizes[${j}]`, `${q(size)} is not a known ${cloud === 'aws' ? 'instance type' : 'VM size'} (${families})`);
    else if (kind === 'gpu' && info.gpus === 0)
      report(`${path}.sizes[${j}]`, `${q(size)} has no GPU; GPU pools need a GPU family (${cloud === 'aws' ? 'g5, g6, g6e, p4d, p5…' : 'NC, ND, NV…'})`);
    else if (kind === 'cpu' && info.gpus > 0) report(`${path}.sizes[${j}]`, `${q(size)} is a GPU size; put it in a gpuPools entry`);
  });
}

function validateCluster(env: EnvironmentSpec, base: string, cloud: Cloud | undefined, report: Report): void {
  const cluster = env.cluster;
  if (!cluster || typeof cluster !== 'object') return;
  const path = `${base}.cluster`;

  if (cloud && isString(cluster.kubernetesVersion) && !KUBERNETES_VERSIONS[cloud].includes(cluster.kubernetesVersion))
    report(
      `${path}.kubernetesVersion`,
      `${q(cluster.kubernetesVersion)} is not a supported ${cloud === 'aws' ? 'EKS' : 'AKS'} version (${KUBERNETES_VERSIONS[cloud].join(', ')})`,
    );
  if (cluster.privateApi === false && env.stage === 'prod')
    report(`${path}.privateApi`, 'must stay true in prod: a prod API server is reachable only from the private network');

  if (cluster.systemPool && typeof cluster.systemPool === 'object') {
    validatePool(cluster.systemPool, `${path}.systemPool`, cloud, 'cpu', report);
    if (isInt(cluster.systemPool.min) && cluster.systemPool.min < 1)
      report(`${path}.systemPool.min`, `${cluster.systemPool.min} must be at least 1: the system pool runs CoreDNS and the operators`);
  }

  const poolNames = new Map<string, string>([['system', `${path}.systemPool`]]);
  const checkName = (name: unknown, at: string) => {
    if (!isString(name)) return;
    if (!POOL_NAME.test(name))
      report(`${at}.name`, `${q(name)} must be 1–12 lowercase letters and digits, starting with a letter (AKS node pool rule, used on both clouds)`);
    const first = poolNames.get(name);
    if (first) report(`${at}.name`, `${q(name)} is already used by ${first}`);
    else poolNames.set(name, at);
  };

  (Array.isArray(cluster.gpuPools) ? cluster.gpuPools : []).forEach((pool, j) => {
    if (!pool || typeof pool !== 'object') return;
    const at = `${path}.gpuPools[${j}]`;
    checkName(pool.name, at);
    validatePool(pool, at, cloud, 'gpu', report);
    if (pool.provisioner === 'karpenter' && cloud === 'azure') report(`${at}.provisioner`, '"karpenter" is AWS only; AKS GPU pools are node pools');
    if (pool.provisioner === 'karpenter' && isInt(pool.min) && pool.min > 0)
      report(`${at}.min`, `${pool.min}: a Karpenter NodePool keeps no minimum of nodes; set min to 0 or use provisioner "node-group"`);
  });
  (Array.isArray(cluster.spotPools) ? cluster.spotPools : []).forEach((pool, j) => {
    if (!pool || typeof pool !== 'object') return;
    const at = `${path}.spotPools[${j}]`;
    checkName(pool.name, at);
    validatePool(pool, at, cloud, 'cpu', report);
    if (cloud === 'aws' && isInt(pool.min) && pool.min > 0)
      report(`${at}.min`, `${pool.min}: AWS Spot pools are Karpenter NodePools, which keep no minimum of nodes; set min to 0`);
  });

  const seenRepos = new Set<string>();
  (Array.isArray(cluster.repositories) ? cluster.repositories : []).forEach((repo, j) => {
    if (!isString(repo)) return;
    if (!ECR_REPOSITORY.test(repo) || repo.length > 64)
      report(`${path}.repositories[${j}]`, `${q(repo)} must be lowercase letters and digits separated by single '.', '_' or '-', at most 64 characters`);
    if (seenRepos.has(repo)) report(`${path}.repositories[${j}]`, `${q(repo)} is listed twice`);
    seenRepos.add(repo);
  });

  if (cluster.addons && typeof cluster.addons === 'object') {
    if (cloud === 'azure') report(`${path}.addons`, 'pins EKS add-ons and is AWS only; AKS manages its add-ons');
    for (const [name, version] of Object.entries(cluster.addons)) {
      if (isString(version) && !ADDON_VERSION.test(version))
        report(`${path}.addons.${name}`, `${q(version)} is not an EKS add-on version (v<major>.<minor>.<patch>-eksbuild.<n>)`);
    }
  }
  if (
    cloud === 'aws' &&
    isString(cluster.kubernetesVersion) &&
    KUBERNETES_VERSIONS.aws.includes(cluster.kubernetesVersion) &&
    !EKS_ADDON_VERSIONS[cluster.kubernetesVersion]
  )
    report(`${path}.kubernetesVersion`, `no pinned EKS add-on versions for ${cluster.kubernetesVersion}; set cluster.addons`);

  if (cluster.karpenter && typeof cluster.karpenter === 'object') {
    if (cloud === 'azure') report(`${path}.karpenter`, 'is AWS only; AKS Spot capacity comes from spotPools');
    const alias = cluster.karpenter.amiAlias;
    if (isString(alias)) {
      if (alias.endsWith('@latest'))
        report(
          `${path}.karpenter.amiAlias`,
          `${q(alias)} is not pinned: @latest rolls every node to a new AMI without review; pin a release such as al2023@v20250807`,
        );
      else if (!AMI_ALIAS.test(alias)) report(`${path}.karpenter.amiAlias`, `${q(alias)} is not an AMI alias (al2023@v<YYYYMMDD> or bottlerocket@v<x.y.z>)`);
    }
  }
}

function validateTags(env: EnvironmentSpec, base: string, cloud: Cloud | undefined, report: Report): void {
  if (!env.tags || typeof env.tags !== 'object' || Array.isArray(env.tags)) return;
  for (const [key, value] of Object.entries(env.tags)) {
    const at = `${base}.tags.${key}`;
    if ((STANDARD_TAG_KEYS as readonly string[]).includes(key)) report(at, 'is set by the platform on every resource and cannot be overridden');
    if (key.length < 1 || key.length > 128) report(at, 'tag keys must be 1–128 characters');
    if (cloud === 'aws' && key.toLowerCase().startsWith('aws:')) report(at, 'tag keys starting with "aws:" are reserved by AWS');
    if (cloud === 'azure' && /[<>%&\\?/]/.test(key)) report(at, 'Azure tag names cannot contain < > % & \\ ? /');
    if (isString(value) && value.length > 256) report(at, `tag values must be at most 256 characters (got ${value.length})`);
  }
}
