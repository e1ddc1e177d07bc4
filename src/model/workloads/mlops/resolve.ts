/** Defaults of hybrid MLOps. */
import { resolveImage } from '../../images';
import type { EnvironmentSpec } from '../../types';
import { BURST_TRAINING } from './burst';
import { CLUSTER_LOCAL_DOMAIN, type MlopsSettings, type MlopsSpec, type TrainingJobSpec } from './spec';

/** Burst defaults: the rules read them too (a SageMaker job's instance count is bounded by maxNodes). */
export const BURST_DEFAULTS = { instanceType: 'ml.g5.xlarge', vmSize: 'Standard_NC4as_T4_v3', maxNodes: 4, lowPriority: true } as const;
export const TRAINING_DEADLINE_DEFAULT = 86400;
/** SageMaker's ceiling for a training job's runtime (and here for its Spot wait): 28 days. */
export const SAGEMAKER_MAX_SECONDS = 28 * 86400;
export const SAGEMAKER_DEFAULTS = { instanceCount: 1, volumeSizeGb: 50, capacity: 'spot', run: 1 } as const;

const runsOnSageMaker = (t: TrainingJobSpec) => t.runOn === 'sagemaker';

/** The workload's settings with every default applied. */
export function resolveMlops(platformName: string, spec: EnvironmentSpec, mlops: MlopsSpec): MlopsSettings {
  const prod = spec.stage === 'prod';
  const pools = spec.cluster.gpuPools ?? [];
  const burst = {
    enabled: mlops.burst?.enabled ?? false,
    instanceType: mlops.burst?.instanceType ?? BURST_DEFAULTS.instanceType,
    vmSize: mlops.burst?.vmSize ?? BURST_DEFAULTS.vmSize,
    maxNodes: mlops.burst?.maxNodes ?? BURST_DEFAULTS.maxNodes,
    lowPriority: mlops.burst?.lowPriority ?? BURST_DEFAULTS.lowPriority,
    networkIsolation: mlops.burst?.networkIsolation ?? prod,
  };
  const training = mlops.training ?? [];
  const onSageMaker = training.filter(runsOnSageMaker);
  // Validation reports these with their paths; resolving an unvalidated spec must not hide them.
  if (onSageMaker.length > 0 && (!burst.enabled || BURST_TRAINING[spec.cloud].refused))
    throw new Error(`${spec.name}: training job ${onSageMaker[0].name} runs on SageMaker, which needs AWS with burst enabled`);
  return {
    mlflow: {
      image: resolveImage(platformName, spec, mlops.mlflow!.image),
      cpu: mlops.mlflow!.cpu ?? '500m',
      memory: mlops.mlflow!.memory ?? '1Gi',
      replicas: mlops.mlflow!.replicas ?? (prod ? 2 : 1),
      metrics: mlops.mlflow!.metrics ?? false,
    },
    database: {
      instanceClass: mlops.database?.instanceClass ?? (prod ? 'db.r6g.large' : 'db.t4g.medium'),
      sku: mlops.database?.sku ?? (prod ? 'GP_Standard_D2ds_v5' : 'B_Standard_B1ms'),
      storageGb: mlops.database?.storageGb ?? (prod ? 100 : 20),
      version: mlops.database?.version ?? '16',
    },
    training: training
      .filter((t) => !runsOnSageMaker(t))
      .map((t) => {
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
          activeDeadlineSeconds: t.activeDeadlineSeconds ?? TRAINING_DEADLINE_DEFAULT,
          backoffLimit: t.backoffLimit ?? 4,
          checkpointSize: t.checkpointSize ?? '50Gi',
        };
      }),
    sagemakerTraining: onSageMaker.map((t) => {
      const sm = t.sagemaker ?? {};
      const maxRuntimeSeconds = t.activeDeadlineSeconds ?? TRAINING_DEADLINE_DEFAULT;
      const capacity = sm.capacity ?? SAGEMAKER_DEFAULTS.capacity;
      return {
        name: t.name,
        image: resolveImage(platformName, spec, t.image),
        instanceType: sm.instanceType ?? burst.instanceType,
        instanceCount: sm.instanceCount ?? SAGEMAKER_DEFAULTS.instanceCount,
        volumeSizeGb: sm.volumeSizeGb ?? SAGEMAKER_DEFAULTS.volumeSizeGb,
        capacity,
        maxRuntimeSeconds,
        // Spot waits for capacity within this bound; it must cover the runtime.
        ...(capacity === 'spot'
          ? { maxWaitSeconds: sm.maxWaitSeconds ?? Math.max(maxRuntimeSeconds, Math.min(2 * maxRuntimeSeconds, SAGEMAKER_MAX_SECONDS)) }
          : {}),
        hyperParameters: { ...(sm.hyperParameters ?? {}) },
        run: sm.run ?? SAGEMAKER_DEFAULTS.run,
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
    burst,
    servingDomain: mlops.servingDomain ?? CLUSTER_LOCAL_DOMAIN,
  };
}
