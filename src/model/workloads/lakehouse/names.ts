/** The names of the lakehouse's resources, derived once from the model. */
import { forCloud } from '../../cloud';
import { workloadNamespace, workloadStorageAccountName } from '../../naming';
import type { Cloud, CloudPart, Environment, MedallionLayer } from '../../types';
import type { WithWorkloads } from '../enabled';

/** Terraform outputs of the `lakehouse` stack the Kubernetes side reads (Azure: the Spark identity's client id). */
export const LAKEHOUSE_STACK = 'lakehouse';
export const LAKEHOUSE_OUTPUTS = { sparkClientId: 'lakehouse_spark_client_id' } as const;
/**
 * Where raw files arrive for ingestion (a job's `--source landing`): a prefix of the lakehouse bucket (AWS) or a
 * filesystem of its account (Azure), named so on both clouds. Spark reads it; whoever delivers the files needs
 * its own write grant.
 */
export const LAKEHOUSE_LANDING_ZONE = 'landing';

interface LakehouseNamesOf {
  readonly namespace: string;
  /** Drivers and executors run as this service account (the one bound to the cloud identity). */
  readonly sparkServiceAccount: string;
  /** Role and RoleBinding that let the driver manage its executors. */
  readonly driverRole: string;
  /** Where each enabled layer's data lives: `s3://<bucket>/<layer>/` or `abfss://<layer>@<account>.dfs.core.windows.net/`. */
  readonly layerUris: Readonly<Partial<Record<MedallionLayer, string>>>;
  /** The landing zone: `s3://<bucket>/landing/` or `abfss://landing@<account>.dfs.core.windows.net/`. */
  readonly landingUri: string;
}

export interface LakehouseAwsNames {
  readonly bucket: string;
  /** The Iceberg catalog's warehouse: the bucket's root (each database has its layer's location). */
  readonly warehouse: string;
  /** Glue database per layer: named as the layer. */
  readonly glueDatabases: Readonly<Partial<Record<MedallionLayer, string>>>;
  readonly sparkRoleName: string;
  readonly kmsAlias: string;
}

export interface LakehouseAzureNames {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  /** `<account>.dfs.core.windows.net`: the ABFS host, and the suffix of its per-account Hadoop keys. */
  readonly dfsHost: string;
  /** ADLS Gen2 filesystem (container) per layer: named as the layer. */
  readonly filesystems: Readonly<Partial<Record<MedallionLayer, string>>>;
  readonly sparkIdentityName: string;
  readonly purviewAccountName: string;
}

export type LakehouseNames<C extends Cloud = Cloud> = LakehouseNamesOf & CloudPart<C, { aws: LakehouseAwsNames; azure: LakehouseAzureNames }>;

/** The lakehouse bucket: one per environment, a prefix per layer. */
export function lakehouseBucketName(prefix: string, accountId: string): string {
  return `${prefix}-lakehouse-${accountId}`;
}

/** The names of the workload's resources on the environment's cloud. */
export function lakehouseNames(platformName: string, env: WithWorkloads<Environment, 'lakehouse'>, prefix: string): LakehouseNames {
  const { layers } = env.lakehouse;
  const byLayer = (value: (layer: MedallionLayer) => string) => Object.fromEntries(layers.map((l) => [l, value(l)])) as Partial<Record<MedallionLayer, string>>;
  const base = { namespace: workloadNamespace('lakehouse'), sparkServiceAccount: 'spark', driverRole: 'spark-driver' };
  const part = forCloud<
    typeof env,
    CloudPart<Cloud, { aws: LakehouseAwsNames; azure: LakehouseAzureNames }> & Pick<LakehouseNamesOf, 'layerUris' | 'landingUri'>
  >(env, {
    aws: (env) => {
      const bucket = lakehouseBucketName(prefix, env.aws.accountId);
      return {
        layerUris: byLayer((l) => `s3://${bucket}/${l}/`),
        landingUri: `s3://${bucket}/${LAKEHOUSE_LANDING_ZONE}/`,
        aws: {
          bucket,
          warehouse: `s3://${bucket}/`,
          glueDatabases: byLayer((l) => l),
          sparkRoleName: `${prefix}-lakehouse-spark`,
          kmsAlias: `alias/${prefix}-lakehouse`,
        },
      };
    },
    azure: (env) => {
      const storageAccountName = workloadStorageAccountName(platformName, env.name, 'lakehouse');
      const dfsHost = `${storageAccountName}.dfs.core.windows.net`;
      return {
        layerUris: byLayer((l) => `abfss://${l}@${dfsHost}/`),
        landingUri: `abfss://${LAKEHOUSE_LANDING_ZONE}@${dfsHost}/`,
        azure: {
          resourceGroupName: `rg-${prefix}-lakehouse`,
          storageAccountName,
          dfsHost,
          filesystems: byLayer((l) => l),
          sparkIdentityName: `id-${prefix}-lakehouse-spark`,
          purviewAccountName: `pview-${prefix}`,
        },
      };
    },
  });
  return { ...base, ...part };
}
