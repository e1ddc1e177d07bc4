/** The names of the MLOps platform's resources, derived once from the model. */
import { forCloud } from '../../cloud';
import { keyVaultName, workloadNamespace, workloadStorageAccountName } from '../../naming';
import type { Cloud, CloudPart, Environment } from '../../types';
import type { WithWorkloads } from '../enabled';

/** Terraform outputs of the `mlops` stack the Kubernetes side reads: values only the cloud assigns. */
export const MLOPS_STACK = 'mlops';
export const MLOPS_OUTPUTS = {
  /** AWS: RDS endpoint host and the ARN of the master-user secret RDS manages in Secrets Manager. */
  dbHost: 'mlflow_db_host',
  dbSecretArn: 'mlflow_db_secret_arn',
  /** Azure: client ids of the user-assigned identities. */
  mlflowClientId: 'mlflow_client_id',
  dbAdminClientId: 'mlflow_db_admin_client_id',
  trainingClientId: 'training_client_id',
  servingClientId: (model: string) => `serve_${model.replace(/-/g, '_')}_client_id`,
  /** AWS burst: the VpcConfig of SageMaker jobs (subnet ids comma-separated: outputs reach synth as strings). */
  sagemakerSubnetIds: 'sagemaker_subnet_ids',
  sagemakerSecurityGroupId: 'sagemaker_security_group_id',
} as const;

/** Prefixes of the AWS artifacts bucket: MLflow's artifacts, served models, SageMaker burst jobs' data and output. */
export const MLOPS_PREFIXES = { mlflow: 'mlflow', models: 'models', sagemaker: 'sagemaker' } as const;
/** The ECR repository (cluster.repositories) SageMaker's execution role may pull from: burst jobs' images live there. */
export const SAGEMAKER_TRAINING_REPOSITORY = 'training';
/** Hex characters of a SageMaker job's run id (a hash of what it runs): `<prefix>-<entry>-<run id>`, at most 63 characters. */
export const SAGEMAKER_RUN_ID_LENGTH = 8;
export const SAGEMAKER_JOB_NAME_MAX = 63;
/** Where SageMaker syncs a job's checkpoints from inside its container (CHECKPOINT_DIR of the job, like /checkpoints on the cluster). */
export const SAGEMAKER_CHECKPOINT_DIR = '/opt/ml/checkpoints';

interface MlopsNamesOf {
  readonly namespace: string;
  readonly mlflow: string;
  readonly mlflowServiceAccount: string;
  /** The tracking URI every job and server uses. */
  readonly trackingUri: string;
  readonly trainingServiceAccount: string;
  /** Service account of a served model (its KServe and Seldon objects). */
  readonly servingServiceAccount: (model: string) => string;
  /** `--default-artifact-root` of MLflow. */
  readonly artifactRoot: string;
  /**
   * Where cluster training jobs keep their checkpoints: `<this>/<entry>/<Job name>/`, under the artifact
   * root, which the training identity may already read and write (no wider grant).
   */
  readonly checkpointRoot: string;
  /** Where a served model's files are: the model path under the models/ prefix or container. */
  readonly modelUri: (path: string) => string;
  /**
   * `admin`: the server's administrator login (RDS master / Flexible Server admin; renaming it replaces the server).
   * `user`: MLflow's own role, created by the database-user Job (charts/mlops/database-user.ts).
   */
  readonly database: { readonly name: string; readonly admin: string; readonly user: string };
  /** The one-off Job that creates MLflow's database role and its password, and its service account. */
  readonly dbUserJob: string;
  readonly dbAdminServiceAccount: string;
}

export interface MlopsAwsNames {
  readonly artifactsBucket: string;
  readonly dbIdentifier: string;
  readonly mlflowRoleName: string;
  /** IRSA role of the database-user Job: reads the master secret, writes MLflow's. */
  readonly dbAdminRoleName: string;
  /** Secrets Manager secret of MLflow's own database user (JSON: username, password, version); the Job writes its value. */
  readonly dbUserSecretName: string;
  readonly trainingRoleName: string;
  readonly servingRoleName: (model: string) => string;
  readonly sagemakerExecutionRoleName: string;
  readonly ackSagemakerRoleName: string;
  readonly ackNamespace: string;
  readonly ackServiceAccount: string;
  /**
   * SageMaker training job names (unique per account and region, never reusable): `<prefix>-<entry>-<run id>`.
   * The ACK controller's role may manage exactly the jobs matching `trainingJobNamePattern`.
   */
  readonly trainingJobName: (entry: string, runId: string) => string;
  readonly trainingJobNamePattern: string;
  /**
   * Under sagemaker/, per training entry: SageMaker writes a run's model to `<this>/<job name>/output/`; its
   * checkpoints go to `<this>/<job name>/checkpoints`, so a new run never resumes from another run's.
   */
  readonly sagemakerOutputUri: (entry: string) => string;
  readonly sagemakerCheckpointUri: (entry: string, jobName: string) => string;
  readonly kmsAlias: string;
}

export interface MlopsAzureNames {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly postgresServerName: string;
  /** Derivable: `<server>.postgres.database.azure.com`. */
  readonly postgresHost: string;
  readonly keyVaultName: string;
  readonly keyVaultUrl: string;
  /** Key Vault secret of MLflow's own database user (JSON: username, password, version); the Job writes its versions. */
  readonly dbUserSecret: string;
  readonly mlWorkspaceName: string;
  readonly mlflowIdentityName: string;
  /** Identity of the database-user Job: reads the administrator's secret, writes MLflow's. */
  readonly dbAdminIdentityName: string;
  readonly trainingIdentityName: string;
  readonly servingIdentityName: (model: string) => string;
}

export type MlopsNames<C extends Cloud = Cloud> = MlopsNamesOf & CloudPart<C, { aws: MlopsAwsNames; azure: MlopsAzureNames }>;

/** The MLflow tracking server's Deployment and Service. */
export const MLFLOW = 'mlflow';

/** The names of the workload's resources on the environment's cloud. */
export function mlopsNames(platformName: string, env: WithWorkloads<Environment, 'mlops'>, prefix: string): MlopsNames {
  const namespace = workloadNamespace('mlops');
  const base = {
    namespace,
    mlflow: MLFLOW,
    mlflowServiceAccount: 'mlflow',
    trackingUri: `http://mlflow.${namespace}.svc.cluster.local:5000`,
    trainingServiceAccount: 'training',
    servingServiceAccount: (model: string) => `serve-${model}`,
    database: { name: 'mlflow', admin: 'mlflow', user: 'mlflow_server' },
    dbUserJob: 'mlflow-db-user',
    dbAdminServiceAccount: 'mlflow-db-admin',
  };
  const part = forCloud<
    typeof env,
    CloudPart<Cloud, { aws: MlopsAwsNames; azure: MlopsAzureNames }> & Pick<MlopsNamesOf, 'artifactRoot' | 'checkpointRoot' | 'modelUri'>
  >(env, {
    aws: (env) => {
      const artifactsBucket = `${prefix}-mlops-artifacts-${env.aws.accountId}`;
      const sagemaker = `s3://${artifactsBucket}/${MLOPS_PREFIXES.sagemaker}`;
      return {
        artifactRoot: `s3://${artifactsBucket}/${MLOPS_PREFIXES.mlflow}`,
        checkpointRoot: `s3://${artifactsBucket}/${MLOPS_PREFIXES.mlflow}/checkpoints`,
        modelUri: (path: string) => `s3://${artifactsBucket}/${MLOPS_PREFIXES.models}/${path}`,
        aws: {
          artifactsBucket,
          dbIdentifier: `${prefix}-mlflow`,
          mlflowRoleName: `${prefix}-mlflow`,
          dbAdminRoleName: `${prefix}-mlflow-db-admin`,
          dbUserSecretName: `${prefix}/mlops/mlflow-db-user`,
          trainingRoleName: `${prefix}-mlops-training`,
          servingRoleName: (model: string) => `${prefix}-serve-${model}`,
          sagemakerExecutionRoleName: `${prefix}-sagemaker-execution`,
          ackSagemakerRoleName: `${prefix}-ack-sagemaker`,
          ackNamespace: 'ack-system',
          ackServiceAccount: 'ack-sagemaker-controller',
          trainingJobName: (entry: string, runId: string) => `${prefix}-${entry}-${runId}`,
          trainingJobNamePattern: `${prefix}-*`,
          sagemakerOutputUri: (entry: string) => `${sagemaker}/${entry}`,
          sagemakerCheckpointUri: (entry: string, jobName: string) => `${sagemaker}/${entry}/${jobName}/checkpoints`,
          kmsAlias: `alias/${prefix}-mlops`,
        },
      };
    },
    azure: (env) => {
      const storageAccountName = workloadStorageAccountName(platformName, env.name, 'mlops');
      const postgresServerName = `psql-${prefix}-mlflow`;
      const kv = keyVaultName(platformName, env.name, 'ml');
      return {
        artifactRoot: `wasbs://mlflow@${storageAccountName}.blob.core.windows.net/`,
        checkpointRoot: `wasbs://mlflow@${storageAccountName}.blob.core.windows.net/checkpoints`,
        modelUri: (path: string) => `https://${storageAccountName}.blob.core.windows.net/models/${path}`,
        azure: {
          resourceGroupName: `rg-${prefix}-mlops`,
          storageAccountName,
          postgresServerName,
          postgresHost: `${postgresServerName}.postgres.database.azure.com`,
          keyVaultName: kv,
          keyVaultUrl: `https://${kv}.vault.azure.net/`,
          dbUserSecret: 'mlflow-db-user',
          mlWorkspaceName: `mlw-${prefix}`,
          mlflowIdentityName: `id-${prefix}-mlflow`,
          dbAdminIdentityName: `id-${prefix}-mlflow-db-admin`,
          trainingIdentityName: `id-${prefix}-mlops-training`,
          servingIdentityName: (model: string) => `id-${prefix}-serve-${model}`,
        },
      };
    },
  });
  return { ...base, ...part };
}
