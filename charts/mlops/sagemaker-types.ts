/**
 * A hand-written typed interface for the ACK SageMaker controller's `TrainingJob`
 * (sagemaker.services.k8s.aws/v1alpha1, controller v1.9.1), covering only the fields this chart sets (like
 * charts/serving/serving-types.ts). Each emitted object is validated against the full CRD
 * (../shared/schemas/crds/sagemaker.services.k8s.aws_trainingjobs.yaml) in test/charts/mlops.test.ts.
 */
import { typedResource } from '../lib/typed-resource';

export const SAGEMAKER_API_VERSION = 'sagemaker.services.k8s.aws/v1alpha1';
export const TRAINING_JOB_KIND = 'TrainingJob';

/** The fields of SageMaker's CreateTrainingJob, in the CRD's camel case. */
export interface SageMakerTrainingJobSpec {
  /** Unique per account and region, for ever: a name SageMaker has run cannot be created again. */
  readonly trainingJobName: string;
  /** The execution role SageMaker assumes (the ACK controller may pass only this one). */
  readonly roleARN: string;
  /** A custom image: SageMaker runs `<trainingImage> train`. */
  readonly algorithmSpecification: { readonly trainingImage: string; readonly trainingInputMode: 'File' };
  /** Written to /opt/ml/input/config/hyperparameters.json for the image's `train` program. */
  readonly hyperParameters?: Readonly<Record<string, string>>;
  readonly environment: Readonly<Record<string, string>>;
  /** SageMaker writes the model to `<s3OutputPath>/<trainingJobName>/output/model.tar.gz`. */
  readonly outputDataConfig: { readonly s3OutputPath: string; readonly compressionType: 'GZIP' };
  /** SageMaker syncs `localPath` with `s3URI` while the job runs, and restores it when a Spot job resumes. */
  readonly checkpointConfig: { readonly s3URI: string; readonly localPath: string };
  readonly resourceConfig: { readonly instanceType: string; readonly instanceCount: number; readonly volumeSizeInGB: number };
  /** `maxWaitTimeInSeconds` (managed Spot only) bounds the runtime plus the waits for Spot capacity. */
  readonly stoppingCondition: { readonly maxRuntimeInSeconds: number; readonly maxWaitTimeInSeconds?: number };
  readonly enableManagedSpotTraining: boolean;
  /** No network for the container; SageMaker still moves data and the model through the VPC. */
  readonly enableNetworkIsolation: boolean;
  /** The private subnets and the jobs' security group: without it the container reaches the internet through SageMaker's network. */
  readonly vpcConfig: { readonly securityGroupIDs: readonly string[]; readonly subnets: readonly string[] };
  readonly tags: readonly { readonly key: string; readonly value: string }[];
}

export const SageMakerTrainingJob = typedResource<SageMakerTrainingJobSpec>(SAGEMAKER_API_VERSION, TRAINING_JOB_KIND);
