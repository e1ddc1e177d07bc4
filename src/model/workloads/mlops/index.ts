/** Hybrid MLOps: GPU training, MLflow on private Postgres, KServe and Seldon serving, managed burst. */
import type { Workload } from '../workload';
import { mlopsNames } from './names';
import { resolveMlops } from './resolve';
import { validateMlops } from './rules';
import { MLOPS_SHAPE } from './shape';

export const MLOPS: Workload<'mlops'> = {
  shape: MLOPS_SHAPE,
  validate: validateMlops,
  resolve: resolveMlops,
  podSecurity: { level: 'restricted' },
  names: mlopsNames,
  // MLflow's database: RDS in the private subnets on AWS, a Flexible Server on a delegated subnet on Azure.
  platformNeeds: () => ({ awsInterfaceEndpoints: [], postgres: true }),
  // MLflow's database URI comes through External Secrets; KServe serves every model, Seldon the A/B tests.
  operators: ({ mlops }) => [
    'external-secrets',
    ...(mlops.models.length > 0 ? (['kserve-runtime-configs'] as const) : []),
    ...(mlops.models.some((m) => m.abTest) ? (['seldon-core-operator'] as const) : []),
  ],
};
