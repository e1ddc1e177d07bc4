/** Defaults of hybrid MLOps. */
import { resolveImage } from '../../images';
import type { EnvironmentSpec } from '../../types';
import { CLUSTER_LOCAL_DOMAIN, type MlopsSettings, type MlopsSpec } from './spec';

/** The workload's settings with every default applied. */
export function resolveMlops(platformName: string, spec: EnvironmentSpec, mlops: MlopsSpec): MlopsSettings {
  const prod = spec.stage === 'prod';
  const pools = spec.cluster.gpuPools ?? [];
  return {
    mlflow: {
      image: resolveImage(platformName, spec, mlops.mlflow!.image),
      cpu: mlops.mlflow!.cpu ?? '500m',
      memory: mlops.mlflow!.memory ?? '1Gi',
      replicas: mlops.mlflow!.replicas ?? (prod ? 2 : 1),
    },
    database: {
      instanceClass: mlops.database?.instanceClass ?? (prod ? 'db.r6g.large' : 'db.t4g.medium'),
      sku: mlops.database?.sku ?? (prod ? 'GP_Standard_D2ds_v5' : 'B_Standard_B1ms'),
      storageGb: mlops.database?.storageGb ?? (prod ? 100 : 20),
      version: mlops.database?.version ?? '16',
    },
    training: (mlops.training ?? []).map((t) => {
      const pool = pools.find((p) => p.name === t.pool);
      // Validation reports this with its path; resolving an unvalidated spec must not hide it.
      if (!pool) throw new Error(`${spec.name}: training job ${t.name} names GPU pool ${t.pool}, which the cluster does not have`);
      return {
        name: t.name,
        image: resolveImage(platformName, spec, t.image),
        pool: { ...pool, sizes: [...pool.sizes], provisioner: pool.provisioner ?? 'node-group' },
        gpus: t.gpus ?? 1,
        ...(t.schedule ? { schedule: t.schedule } : {}),
        command: [...(t.command ?? [])],
        activeDeadlineSeconds: t.activeDeadlineSeconds ?? 86400,
        backoffLimit: t.backoffLimit ?? 4,
        checkpointSize: t.checkpointSize ?? '50Gi',
      };
    }),
    models: (mlops.models ?? []).map((m) => ({
      name: m.name,
      framework: m.framework,
      path: m.path,
      ...(m.canaryPercent !== undefined ? { canaryPercent: m.canaryPercent } : {}),
      minReplicas: m.minReplicas ?? (prod ? 2 : 1),
      maxReplicas: m.maxReplicas ?? (prod ? 6 : 3),
      cpu: m.cpu ?? '500m',
      memory: m.memory ?? '1Gi',
      ...(m.abTest ? { abTest: { ...m.abTest } } : {}),
    })),
    burst: {
      enabled: mlops.burst?.enabled ?? false,
      instanceType: mlops.burst?.instanceType ?? 'ml.g5.xlarge',
      vmSize: mlops.burst?.vmSize ?? 'Standard_NC4as_T4_v3',
      maxNodes: mlops.burst?.maxNodes ?? 4,
      lowPriority: mlops.burst?.lowPriority ?? true,
    },
    servingDomain: mlops.servingDomain ?? CLUSTER_LOCAL_DOMAIN,
  };
}
