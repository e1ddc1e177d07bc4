/** Hybrid MLOps: GPU training, MLflow on private Postgres, KServe and Seldon serving, managed burst. */
import type { Workload } from '../workload';
import { mlopsFlows, mlopsScrapes } from './flows';
import { BURST_TRAINING } from './burst';
import { mlopsNames } from './names';
import { resolveMlops } from './resolve';
import { validateMlops } from './rules';
import { servesOnKnative } from './serving';
import { MLOPS_SHAPE } from './shape';

export const MLOPS: Workload<'mlops'> = {
  shape: MLOPS_SHAPE,
  validate: validateMlops,
  resolve: resolveMlops,
  podSecurity: { level: 'restricted' },
  names: mlopsNames,
  // MLflow's database: RDS in the private subnets on AWS, a Flexible Server on a delegated subnet on Azure.
  platformNeeds: () => ({ awsInterfaceEndpoints: [], postgres: true }),
  // MLflow's database URI comes through External Secrets; KServe serves every model behind Istio's gateway,
  // Knative Serving the canaries, Seldon the A/B tests; where burst is on, what runs training entries on the
  // managed service (AWS: the ACK SageMaker controller).
  flows: mlopsFlows,
  // The model servers. MLflow 2.17 serves metrics only with --expose-prometheus and prometheus_flask_exporter in its image: not scraped.
  scrapes: mlopsScrapes,
  // Each cluster training job's checkpoint volume: a generic ephemeral volume of its one pod (charts/mlops/training.ts).
  // MLflow keeps its runs in the managed database and its artifacts in the object store.
  volumes: ({ mlops }) =>
    mlops.training.map((job) => ({
      name: `checkpoints-${job.name}`,
      stack: 'mlops',
      label: `training job ${job.name} checkpoints`,
      size: job.checkpointSize,
      count: 1,
      lifetime: 'training' as const,
    })),
  operators: ({ cloud, mlops }) => [
    'external-secrets',
    ...(mlops.models.length > 0 ? (['kserve-runtime-configs', 'istio-ingressgateway'] as const) : []),
    ...(mlops.models.some(servesOnKnative) ? (['knative-operator'] as const) : []),
    ...(mlops.models.some((m) => m.abTest) ? (['seldon-core-operator'] as const) : []),
    ...(mlops.burst.enabled ? BURST_TRAINING[cloud].operators : []),
  ],
};
