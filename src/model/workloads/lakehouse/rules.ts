/** Rules of the lakehouse beyond its shape. */
import { checkCron, isInt, isString, q, checkImage, checkRange, checkWorkloadStorageAccount, DNS_LABEL, type Report } from '../../rules';
import type { Cloud, EnvironmentSpec } from '../../types';
import { MEDALLION_LAYERS } from '../../types';
import { defaultPurview, defaultTableFormat, HAS_PURVIEW } from './resolve';

const SPARK_MEMORY = /^\d+[kmgt]$/;
const SPARK_VERSION = /^(\d+)\.\d+\.\d+$/;
const JAVA_CLASS = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** The workload's rules, where it is enabled: every problem reported with its path. */
export function validateLakehouse(env: EnvironmentSpec, base: string, platformName: string, cloud: Cloud | undefined, report: Report): void {
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
    checkCron(job.schedule, `${jat}.schedule`, '0 3 * * *', report);
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
  if (lakehouse.purview !== undefined && cloud && !HAS_PURVIEW[cloud]) report(`${at}.purview`, 'is for Azure; on AWS the catalog is Glue');
  checkWorkloadStorageAccount(env, at, platformName, 'lakehouse', cloud, report);
}

/** Across environments: one catalog per account (AWS) or tenant (Azure). */
export function checkLakehouseCatalogs(environments: EnvironmentSpec[], report: Report): void {
  checkGlueDatabases(environments, report);
  checkPurviewAccounts(environments, report);
}

/**
 * Microsoft Purview allows one account per Entra tenant by default (a quota raised only on request), and each
 * account is billed whether it scans or not: two environments of one tenant with Purview on cannot both apply.
 */
function checkPurviewAccounts(environments: EnvironmentSpec[], report: Report): void {
  const seen = new Map<string, number>();
  environments.forEach((env, i) => {
    if (!env || env.cloud !== 'azure' || env.workloads?.lakehouse?.enabled !== true || !isString(env.azure?.tenantId)) return;
    if (!(env.workloads.lakehouse.purview ?? defaultPurview(env))) return;
    const first = seen.get(env.azure.tenantId);
    if (first === undefined) seen.set(env.azure.tenantId, i);
    else
      report(
        `environments[${i}].workloads.lakehouse.purview`,
        `environments[${first}] already has a Purview account in tenant ${env.azure.tenantId}: Purview allows one account per tenant; set purview: false here`,
      );
  });
}

/** Glue databases are named after the layers, so two AWS lakehouses must not share an account and region. */
function checkGlueDatabases(environments: EnvironmentSpec[], report: Report): void {
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
