/**
 * Training entries with `runOn: sagemaker` (AWS, burst on): a TrainingJob each, which the ACK SageMaker
 * controller (operator `ack-sagemaker-controller`, watching the mlops namespace) creates in SageMaker. No Job,
 * no PVC and no service account in the cluster: the job runs on SageMaker's instances as the execution role.
 *
 * Runs and reruns. A SageMaker job name runs once, ever (it cannot be created again, even after the job is
 * gone), and ACK updates nothing of a created job but its warm pool and profiler: any other change leaves the
 * resource Terminal ("only Warm Pool or Profiler can be updated") and the old run as it was. So the name is
 * `<prefix>-<entry>-<run id>`, the run id a hash of everything the job runs (image, instances, limits, Spot,
 * hyperparameters, role, output) and of `sagemaker.run`: a changed entry is a new TrainingJob, the GitOps agent
 * prunes the old one (the controller stops it if it is still running; a finished job stays in SageMaker's
 * history) and the new one runs. An unchanged entry never runs twice; raise `sagemaker.run` to run it again.
 * Tags are left out of the hash: ACK does not compare them, and retagging should not retrain.
 *
 * Network: every job runs in the private subnets behind the mlops stack's security group (both read from its
 * Terraform outputs), so it reaches S3 and the VPC's endpoints and nothing else; with `burst.networkIsolation`
 * (prod's default) the container has no network at all. Both are part of the run id: SageMaker cannot change them.
 *
 * Storage: the model goes to `s3://<artifacts>/sagemaker/<entry>/<job>/output/`, checkpoints to
 * `.../<entry>/<job>/checkpoints` (a new run never resumes another run's): the prefix the execution role may
 * write. Fields SageMaker would otherwise default (input mode, compression, checkpoint path) are written out,
 * so what the controller reads back equals what was asked and it never sees a change to apply.
 */
import { byCloud, type EnvironmentContext } from '../../src/model/context';
import { MLOPS_OUTPUTS, MLOPS_STACK, SAGEMAKER_CHECKPOINT_DIR, SAGEMAKER_RUN_ID_LENGTH } from '../../src/model/naming';
import { specHash } from '../lib/spec-hash';
import type { Cloud, MlopsSettings } from '../../src/model/types';
import { NAME_LABEL } from '../lib/labels';
import type { TypedResourceProps } from '../lib/typed-resource';
import type { SageMakerTrainingJobSpec } from './sagemaker-types';

export type SageMakerJob = MlopsSettings['sagemakerTraining'][number];

/** The TrainingJob resources of the environment's SageMaker entries; none off AWS (the rules refuse them there). */
export function sageMakerTrainingJobs(ctx: EnvironmentContext<Cloud, 'mlops'>): TypedResourceProps<SageMakerTrainingJobSpec>[] {
  return byCloud<TypedResourceProps<SageMakerTrainingJobSpec>[], 'mlops'>(ctx, {
    aws: (aws) => aws.env.mlops.sagemakerTraining.map((job) => trainingJob(aws, job)),
    azure: () => [],
  });
}

/** A hash of what a run is, to name it: the same definition gives the same name on every machine. */
export function runId(definition: unknown): string {
  return specHash(definition, SAGEMAKER_RUN_ID_LENGTH);
}

function trainingJob(ctx: EnvironmentContext<'aws', 'mlops'>, job: SageMakerJob): TypedResourceProps<SageMakerTrainingJobSpec> {
  const names = ctx.names.mlops.aws;
  const spot = job.capacity === 'spot';
  const definition = {
    roleARN: ctx.names.aws.roleArn(names.sagemakerExecutionRoleName),
    algorithmSpecification: { trainingImage: job.image, trainingInputMode: 'File' as const },
    ...(Object.keys(job.hyperParameters).length > 0 ? { hyperParameters: { ...job.hyperParameters } } : {}),
    // The variable cluster jobs read their checkpoint directory from, so one image trains in both places.
    environment: { CHECKPOINT_DIR: SAGEMAKER_CHECKPOINT_DIR },
    outputDataConfig: { s3OutputPath: names.sagemakerOutputUri(job.name), compressionType: 'GZIP' as const },
    resourceConfig: { instanceType: job.instanceType, instanceCount: job.instanceCount, volumeSizeInGB: job.volumeSizeGb },
    stoppingCondition: {
      maxRuntimeInSeconds: job.maxRuntimeSeconds,
      ...(job.maxWaitSeconds !== undefined ? { maxWaitTimeInSeconds: job.maxWaitSeconds } : {}),
    },
    enableManagedSpotTraining: spot,
    enableNetworkIsolation: ctx.env.mlops.burst.networkIsolation,
    vpcConfig: {
      securityGroupIDs: [ctx.outputs.require(MLOPS_STACK, MLOPS_OUTPUTS.sagemakerSecurityGroupId)],
      subnets: ctx.outputs
        .require(MLOPS_STACK, MLOPS_OUTPUTS.sagemakerSubnetIds)
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    },
  };
  const id = runId({ ...definition, run: job.run });
  const trainingJobName = names.trainingJobName(job.name, id);
  return {
    // The entry's name as the label, across its runs.
    metadata: { name: `${job.name}-${id}`, labels: { [NAME_LABEL]: job.name } },
    spec: {
      trainingJobName,
      ...definition,
      checkpointConfig: { s3URI: names.sagemakerCheckpointUri(job.name, trainingJobName), localPath: SAGEMAKER_CHECKPOINT_DIR },
      tags: Object.entries(ctx.env.tags)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({ key, value })),
    },
  };
}
