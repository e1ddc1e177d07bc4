/** Defaults of the lakehouse. */
import { resolveImage } from '../../images';
import type { Cloud, EnvironmentSpec, TableFormat } from '../../types';
import { MEDALLION_LAYERS } from '../../types';
import type { LakehouseSettings, LakehouseSpec } from './spec';

/** Spark 4.0 bundles Hadoop 3.4.1, whose ABFS driver takes workload identity tokens (Azure). */
export const DEFAULT_SPARK_VERSION = '4.0.1';
export const DEFAULT_SPARK_DRIVER = { cores: 1, memory: '2g' } as const;
export const DEFAULT_SPARK_EXECUTOR = { cores: 2, memory: '4g' } as const;

/** The table format each cloud's catalog serves: Iceberg in Glue, Delta by path on ADLS Gen2. */
export function defaultTableFormat(cloud: Cloud): TableFormat {
  return TABLE_FORMAT[cloud];
}

const TABLE_FORMAT: Readonly<Record<Cloud, TableFormat>> = { aws: 'iceberg', azure: 'delta' };

/** Microsoft Purview catalogs the lakehouse on Azure; AWS's catalog is Glue, part of the stack itself. */
export const HAS_PURVIEW: Readonly<Record<Cloud, boolean>> = { aws: false, azure: true };

/** Purview has a standing charge and one account per tenant is the default limit: on in prod only, unless the model says. */
export function defaultPurview(spec: Pick<EnvironmentSpec, 'stage'>): boolean {
  return spec.stage === 'prod';
}

/** `.py` → Python, `.R` → R, anything else (a `.jar`) → Scala (the JVM type the operator runs with mainClass). */
export function sparkApplicationType(file: string): 'Python' | 'Scala' | 'R' {
  if (file.endsWith('.py')) return 'Python';
  if (file.endsWith('.R')) return 'R';
  return 'Scala';
}

/** The workload's settings with every default applied. */
export function resolveLakehouse(platformName: string, spec: EnvironmentSpec, lakehouse: LakehouseSpec): LakehouseSettings {
  const prod = spec.stage === 'prod';
  // Layers in medallion order, whatever order the model lists them in.
  const layers = MEDALLION_LAYERS.filter((l) => (lakehouse.layers ?? MEDALLION_LAYERS).includes(l));
  return {
    layers,
    tableFormat: lakehouse.tableFormat ?? defaultTableFormat(spec.cloud),
    spark: { image: resolveImage(platformName, spec, lakehouse.spark!.image), version: lakehouse.spark!.version ?? DEFAULT_SPARK_VERSION },
    jobs: (lakehouse.jobs ?? []).map((j) => ({
      name: j.name,
      mainApplicationFile: j.mainApplicationFile,
      ...(j.mainClass ? { mainClass: j.mainClass } : {}),
      type: sparkApplicationType(j.mainApplicationFile),
      arguments: [...(j.arguments ?? [])],
      ...(j.layer ? { layer: j.layer } : {}),
      ...(j.schedule ? { schedule: j.schedule } : {}),
      driver: { ...DEFAULT_SPARK_DRIVER, ...(j.driver ?? {}) },
      executor: { ...DEFAULT_SPARK_EXECUTOR, ...(j.executor ?? {}) },
      executors: j.executors ?? 2,
      ...(j.dynamicAllocation ? { dynamicAllocation: { ...j.dynamicAllocation } } : {}),
      retries: j.retries ?? 3,
    })),
    retentionDays: lakehouse.retentionDays ?? (prod ? 30 : 7),
    purview: HAS_PURVIEW[spec.cloud] && (lakehouse.purview ?? defaultPurview(spec)),
  };
}
