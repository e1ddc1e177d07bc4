/**
 * The Spark properties of a lakehouse job, per cloud and table format: how Spark finds the catalog,
 * where tables are written and how storage clients get credentials from the pod identity (no keys).
 *
 * AWS (Iceberg + Glue): the `lakehouse` catalog is Iceberg's GlueCatalog with S3FileIO, warehouse the
 * bucket root; each Glue database carries its layer's location, and a job's layer is its default
 * namespace. S3A (for files outside tables, e.g. landing data) takes the web-identity token the IRSA
 * webhook projects: AWS SDK v1's provider with Hadoop 3.3 (Spark 3), SDK v2's with Hadoop 3.4 (Spark 4).
 * The model's URIs are `s3://` (what Glue, Athena and S3FileIO expect); Hadoop has no `s3` filesystem of its
 * own, so the scheme is bound to S3A (S3A reads its `fs.s3a.*` settings whatever the scheme).
 *
 * Azure (Delta + ADLS Gen2): Delta's session extension and catalog; tables are addressed by path
 * (`abfss://<layer>@<account>.dfs.core.windows.net/<table>`), a job's layer is its warehouse. ABFS
 * authenticates per account with Hadoop 3.4.1's WorkloadIdentityTokenProvider: the federated token
 * the workload identity webhook projects, exchanged for the Spark identity's Entra token.
 *
 * Common: fixed driver and block-manager ports (the NetworkPolicies name them) and graceful executor
 * decommissioning, so a Spot interruption migrates shuffle and cached blocks instead of losing them.
 */
import { byCloud, type EnvironmentContext } from '../../src/model/context';
import type { Cloud, LakehouseSettings, MedallionLayer } from '../../src/model/types';
import { azureClientId, type IdentityBinding } from '../lib/identity';

export type SparkJob = LakehouseSettings['jobs'][number];

/** The Spark SQL catalog of the lakehouse's Iceberg tables (AWS). */
export const ICEBERG_CATALOG = 'lakehouse';
export const SPARK_PORTS = { driver: 7078, blockManager: 7079 } as const;
/**
 * The federated token's path, as the workload identity webhook tells each pod it mutates (the env var it
 * injects next to the projected token), rather than a copy of the webhook's path. ABFS reads the token file
 * from `fs.azure.account.oauth2.token.file`; Hadoop's Configuration expands `${env.NAME}` when ABFS reads the
 * value, in each JVM (driver and executors), so the path stays the webhook's.
 */
export const AZURE_FEDERATED_TOKEN_FILE_ENV = 'AZURE_FEDERATED_TOKEN_FILE';
export const AZURE_FEDERATED_TOKEN_FILE = `\${env.${AZURE_FEDERATED_TOKEN_FILE_ENV}}`;

export const S3A_WEB_IDENTITY_PROVIDERS = {
  /** Hadoop 3.3 (Spark 3.x), AWS SDK v1. */
  sdkV1: 'com.amazonaws.auth.WebIdentityTokenCredentialsProvider',
  /** Hadoop 3.4 (Spark 4.x), AWS SDK v2. */
  sdkV2: 'software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider',
} as const;
export const ABFS_WORKLOAD_IDENTITY_PROVIDER = 'org.apache.hadoop.fs.azurebfs.oauth2.WorkloadIdentityTokenProvider';

/** Hadoop's `s3://` bound to S3A, for both the FileSystem and the FileContext API (streaming checkpoints). */
export const S3_SCHEME_AS_S3A = {
  'spark.hadoop.fs.s3.impl': 'org.apache.hadoop.fs.s3a.S3AFileSystem',
  'spark.hadoop.fs.AbstractFileSystem.s3.impl': 'org.apache.hadoop.fs.s3a.S3A',
} as const;

/** The S3A provider for the Hadoop that a Spark version bundles. */
export function s3aWebIdentityProvider(sparkVersion: string): string {
  return Number(sparkVersion.split('.')[0]) >= 4 ? S3A_WEB_IDENTITY_PROVIDERS.sdkV2 : S3A_WEB_IDENTITY_PROVIDERS.sdkV1;
}

const COMMON_CONF: Readonly<Record<string, string>> = {
  'spark.driver.port': String(SPARK_PORTS.driver),
  'spark.driver.blockManager.port': String(SPARK_PORTS.blockManager),
  'spark.blockManager.port': String(SPARK_PORTS.blockManager),
  'spark.decommission.enabled': 'true',
  'spark.storage.decommission.enabled': 'true',
  'spark.storage.decommission.shuffleBlocks.enabled': 'true',
  'spark.storage.decommission.rddBlocks.enabled': 'true',
};

/** The entry of an enabled layer (the model resolves one per layer, and a job's layer is among them). */
export function layerValue(byLayer: Readonly<Partial<Record<MedallionLayer, string>>>, layer: MedallionLayer): string {
  const value = byLayer[layer];
  if (value === undefined) throw new Error(`layer "${layer}" is not enabled`);
  return value;
}

function awsIcebergConf({ env, names }: EnvironmentContext<'aws', 'lakehouse'>, job: SparkJob): Record<string, string> {
  const catalog = `spark.sql.catalog.${ICEBERG_CATALOG}`;
  const aws = names.lakehouse.aws;
  return {
    'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
    'spark.sql.defaultCatalog': ICEBERG_CATALOG,
    [catalog]: 'org.apache.iceberg.spark.SparkCatalog',
    [`${catalog}.catalog-impl`]: 'org.apache.iceberg.aws.glue.GlueCatalog',
    [`${catalog}.io-impl`]: 'org.apache.iceberg.aws.s3.S3FileIO',
    [`${catalog}.warehouse`]: aws.warehouse,
    [`${catalog}.glue.id`]: env.aws.accountId,
    [`${catalog}.client.region`]: env.region,
    ...(job.layer ? { [`${catalog}.default-namespace`]: layerValue(aws.glueDatabases, job.layer) } : {}),
    ...S3_SCHEME_AS_S3A,
    'spark.hadoop.fs.s3a.aws.credentials.provider': s3aWebIdentityProvider(env.lakehouse.spark.version),
    'spark.hadoop.fs.s3a.endpoint.region': env.region,
  };
}

function azureDeltaConf({ env, names }: EnvironmentContext<'azure', 'lakehouse'>, job: SparkJob, sparkClientId: string): Record<string, string> {
  const host = names.lakehouse.azure.dfsHost;
  return {
    'spark.sql.extensions': 'io.delta.sql.DeltaSparkSessionExtension',
    'spark.sql.catalog.spark_catalog': 'org.apache.spark.sql.delta.catalog.DeltaCatalog',
    ...(job.layer ? { 'spark.sql.warehouse.dir': layerValue(names.lakehouse.layerUris, job.layer) } : {}),
    [`spark.hadoop.fs.azure.account.auth.type.${host}`]: 'OAuth',
    [`spark.hadoop.fs.azure.account.oauth.provider.type.${host}`]: ABFS_WORKLOAD_IDENTITY_PROVIDER,
    [`spark.hadoop.fs.azure.account.oauth2.msi.tenant.${host}`]: env.azure.tenantId,
    [`spark.hadoop.fs.azure.account.oauth2.client.id.${host}`]: sparkClientId,
    [`spark.hadoop.fs.azure.account.oauth2.token.file.${host}`]: AZURE_FEDERATED_TOKEN_FILE,
  };
}

/**
 * Every Spark property of `job`, keys sorted. The model pairs each cloud with its table format (Iceberg +
 * Glue + S3, Delta + ADLS); ABFS's OAuth settings name the Spark identity's client id from its binding.
 */
export function sparkConf(ctx: EnvironmentContext<Cloud, 'lakehouse'>, job: SparkJob, binding: IdentityBinding): Record<string, string> {
  const format = byCloud<Record<string, string>, 'lakehouse'>(ctx, {
    aws: (ctx) => awsIcebergConf(ctx, job),
    azure: (ctx) => azureDeltaConf(ctx, job, azureClientId(binding)),
  });
  // The executor metrics Prometheus scrapes from each driver (src/model/workloads/lakehouse/flows.ts lakehouseScrapes).
  const metrics: Record<string, string> = ctx.env.observability.enabled ? { 'spark.ui.prometheus.enabled': 'true' } : {};
  const all: Record<string, string> = { ...COMMON_CONF, ...metrics, ...format };
  return Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]]),
  );
}
