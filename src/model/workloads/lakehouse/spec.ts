/** The lakehouse as a user writes it (LakehouseSpec) and as stacks and charts read it (LakehouseSettings). */
import type { WorkloadToggle } from '../../types';

export type MedallionLayer = 'bronze' | 'silver' | 'gold';
export const MEDALLION_LAYERS: readonly MedallionLayer[] = ['bronze', 'silver', 'gold'];
export type TableFormat = 'iceberg' | 'delta';

/**
 * The lakehouse: Spark operator jobs over a bronze/silver/gold layout in object storage. Compute is
 * stateless (drivers and executors can be destroyed at any time); tables live in the storage and
 * the catalog only.
 */
export interface LakehouseSpec extends WorkloadToggle {
  /** Medallion layers, each a prefix and Glue database (AWS) or an ADLS Gen2 filesystem (Azure). Default: all three. */
  layers?: MedallionLayer[];
  /** Default: `iceberg` on AWS (Glue catalog), `delta` on Azure (ABFS paths). Only these pairs are supported. */
  tableFormat?: TableFormat;
  /** The Spark runtime every job runs. Required when enabled. */
  spark?: SparkRuntimeSpec;
  /** Spark applications; one with a schedule becomes a ScheduledSparkApplication. Default: none. */
  jobs?: SparkJobSpec[];
  /** Days deleted or overwritten files stay recoverable (S3 noncurrent versions; ADLS soft delete, at most 365). Default: 7 (prod 30). */
  retentionDays?: number;
  /** Azure: a Microsoft Purview account catalogs the lakehouse (scans read the account). Default: prod only (standing charge; one account per tenant). */
  purview?: boolean;
}

export interface SparkRuntimeSpec {
  /**
   * Pinned by tag or digest; `repository:tag` names a repository of the environment's registry. The
   * image carries the table format's jars: Iceberg's Spark runtime and AWS bundle (AWS), or Delta
   * and hadoop-azure (Azure).
   */
  image: string;
  /** Spark version of the image (`major.minor.patch`); Azure needs 4.0 or later (Hadoop 3.4.1's ABFS workload identity). Default: 4.0.1. */
  version?: string;
}

export interface SparkJobSpec {
  /** DNS-1123 label of at most 40 characters; the SparkApplication name. */
  name: string;
  /** `local:///…` inside the image (or s3a:// / abfss:// in the lakehouse); `.py`, `.R` or `.jar`. */
  mainApplicationFile: string;
  /** Required for a `.jar`. */
  mainClass?: string;
  arguments?: string[];
  /** The layer the job writes: its tables default there (Iceberg namespace / Spark warehouse). Default: none. */
  layer?: MedallionLayer;
  /** Cron schedule (5 fields, UTC) for a ScheduledSparkApplication; without it the application runs once. */
  schedule?: string;
  /** Default: 1 core, 2g. */
  driver?: SparkPodSpec;
  /** Default: 2 cores, 4g. */
  executor?: SparkPodSpec;
  /** Fixed executor count when dynamic allocation is off. Default: 2. */
  executors?: number;
  /** Dynamic allocation bounds (shuffle tracking, no external shuffle service). Default: off. */
  dynamicAllocation?: { minExecutors: number; maxExecutors: number };
  /** Retries of a failed run. Default: 3. */
  retries?: number;
}

export interface SparkPodSpec {
  /** Whole cores. */
  cores?: number;
  /** JVM heap in Spark's notation, e.g. `2g`, `512m`. */
  memory?: string;
}

// Resolved: every default applied, read-only. Stacks and charts only ever see these.

export interface LakehouseSettings {
  readonly layers: readonly MedallionLayer[];
  readonly tableFormat: TableFormat;
  /** Image resolved against the environment's registry. */
  readonly spark: Readonly<{ image: string; version: string }>;
  readonly jobs: readonly Readonly<{
    name: string;
    mainApplicationFile: string;
    mainClass?: string;
    type: 'Python' | 'Scala' | 'R';
    arguments: readonly string[];
    layer?: MedallionLayer;
    schedule?: string;
    driver: Readonly<Required<SparkPodSpec>>;
    executor: Readonly<Required<SparkPodSpec>>;
    executors: number;
    dynamicAllocation?: Readonly<{ minExecutors: number; maxExecutors: number }>;
    retries: number;
  }>[];
  readonly retentionDays: number;
  /** Azure only; false on AWS. */
  readonly purview: boolean;
}
