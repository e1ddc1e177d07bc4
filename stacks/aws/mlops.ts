/**
 * The MLOps platform's own stack (`mlops`, state `<env>/mlops.tfstate`): the artifact store, MLflow's
 * PostgreSQL, and the identities of MLflow, training jobs, model servers and the SageMaker burst.
 *
 * - One KMS key (rotating) encrypts the artifacts bucket, the database and its RDS-managed secret.
 * - Artifacts bucket (hardened like rag's): `mlflow/` (MLflow artifacts), `models/` (served models),
 *   `sagemaker/` (burst jobs' data and output); noncurrent versions expire.
 * - RDS PostgreSQL in the platform VPC's private subnets (looked up by the network layer's tags), a
 *   security group admitting 5432 from the VPC CIDR only, master password managed by RDS in Secrets
 *   Manager (no password in Terraform or its state). Prod: deletion protection, 7 days of backups,
 *   a final snapshot, Multi-AZ, Performance Insights.
 * - MLflow (MLFLOW_AWS_IDENTITY, IRSA: External Secrets authenticates with its service account's
 *   token): its own database user's secret (written by the database-user Job, whose role alone reads
 *   the master secret) and `mlflow/`. Training (TRAINING_AWS_IDENTITY, Pod Identity):
 *   `mlflow/`. One role per served model (SERVING_AWS_IDENTITY, IRSA): read of its model paths
 *   (champion and challenger).
 * - Burst: a SageMaker execution role (`sagemaker/`, read of `models/`, pull of the training
 *   repository, its logs and metrics, the network interfaces of VPC mode) and the ACK SageMaker
 *   controller's role (Pod Identity), which may pass only that role, to SageMaker only. Jobs run in
 *   the private subnets behind their own security group: HTTPS to S3 (gateway endpoint) and the VPC's
 *   interface endpoints, anything between the job's own instances, nothing to the internet.
 *
 * ECR repositories are the platform stack's (registry.ts). No cdktf cross-stack references: the
 * cluster, VPC and subnets are found by the names and tags the platform stack gives them.
 */
import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { DataAwsPrefixList } from '@cdktf/provider-aws/lib/data-aws-prefix-list';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, type App } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import {
  MLFLOW_AWS_IDENTITY,
  MLOPS_OUTPUTS,
  MLOPS_PREFIXES,
  MLOPS_STACK,
  SAGEMAKER_TRAINING_REPOSITORY,
  SERVING_AWS_IDENTITY,
  TRAINING_AWS_IDENTITY,
} from '../../src/model/naming';
import type { AwsStack } from '../constructs/platform-stack';
import { directoryKeys, PARTITION, policyDocument, serviceTrustPolicy, snake, type PolicyStatement } from './iam';
import { mechanismLabel, serviceAccountRole } from './identity';
import { allObjectsRule, hardenedBucket, workloadKmsKey, workloadParts, workloadStack } from './workload';
import { awsServiceName } from './endpoints';

/** Noncurrent versions of artifacts (days): long enough to roll a model back. */
export const ARTIFACTS_NONCURRENT_EXPIRE_AFTER = 90;
export const POSTGRES_PORT = 5432;
/** Backups (days): prod keeps a week, dev the minimum. */
export const DB_BACKUP_RETENTION = { prod: 7, dev: 1 } as const;

export interface AwsMlops {
  readonly key: KmsKey;
  readonly artifactsBucket: S3Bucket;
  readonly database: DbInstance;
  /** MLflow's own database user: the database-user Job writes its value (never Terraform). */
  readonly dbUserSecret: SecretsmanagerSecret;
  readonly mlflowRole: IamRole;
  readonly dbAdminRole: IamRole;
  readonly trainingRole: IamRole;
  readonly servingRoles: Readonly<Record<string, IamRole>>;
  /** With burst only. */
  readonly sagemakerExecutionRole?: IamRole;
  readonly ackSagemakerRole?: IamRole;
  readonly sagemakerSecurityGroup?: SecurityGroup;
  /** The private subnets (platform network), where the database and burst jobs run. */
  readonly privateSubnets: DataAwsSubnets;
}

/** The `mlops` stack of an AWS environment with the MLOps platform enabled. */
export function mlopsStack(app: App, ctx: EnvironmentContext<'aws', 'mlops'>): AwsStack<'mlops'> {
  // The first two are read by the chart (MLOPS_OUTPUTS); the rest by operators.
  return workloadStack(app, MLOPS_STACK, ctx, buildMlops, (mlops) => ({
    [MLOPS_OUTPUTS.dbHost]: { value: mlops.database.address, description: 'Host of MLflow PostgreSQL (RDS)' },
    [MLOPS_OUTPUTS.dbSecretArn]: {
      value: mlops.database.masterUserSecret.get(0).secretArn,
      description: 'ARN of the Secrets Manager secret RDS manages for the master user (read by the database-user Job only)',
    },
    artifacts_bucket: { value: mlops.artifactsBucket.bucket, description: 'S3 bucket of MLflow artifacts, served models and burst jobs' },
    mlflow_role_arn: { value: mlops.mlflowRole.arn, description: `IAM role of the MLflow service account (${mechanismLabel(MLFLOW_AWS_IDENTITY)})` },
    ...(mlops.sagemakerExecutionRole
      ? { sagemaker_execution_role_arn: { value: mlops.sagemakerExecutionRole.arn, description: 'Execution role of SageMaker training jobs (burst)' } }
      : {}),
    // Read by the chart (TrainingJob vpcConfig); a string, as synth reads outputs.
    ...(mlops.sagemakerSecurityGroup
      ? {
          [MLOPS_OUTPUTS.sagemakerSubnetIds]: {
            value: Fn.join(',', mlops.privateSubnets.ids),
            description: 'Private subnets of SageMaker training jobs (comma-separated)',
          },
          [MLOPS_OUTPUTS.sagemakerSecurityGroupId]: { value: mlops.sagemakerSecurityGroup.id, description: 'Security group of SageMaker training jobs' },
        }
      : {}),
  }));
}

/** The MLOps resources, in stack scope (construct ids are the Terraform logical ids). */
export function buildMlops(stack: AwsStack<'mlops'>): AwsMlops {
  const { env, settings, workloadNames: mlopsNames, names, platformNames: awsNames, prefix, arn } = workloadParts(stack, 'mlops');
  const { namespace } = mlopsNames;

  const key = workloadKmsKey(stack, 'mlops', names.kmsAlias, `MLOps platform: artifacts bucket, MLflow database and its secret`);

  const artifactsBucket = hardenedBucket(stack, 'artifacts', names.artifactsBucket, key, [allObjectsRule(ARTIFACTS_NONCURRENT_EXPIRE_AFTER)]);

  // The platform stack's VPC and private subnets, by the Name and role tags network.ts sets.
  const vpc = new DataAwsVpc(stack, 'platform_vpc', { tags: { Name: awsNames.vpcName } });
  const privateSubnets = new DataAwsSubnets(stack, 'private_subnets', {
    filter: [{ name: 'vpc-id', values: [vpc.id] }],
    tags: { 'kubernetes.io/role/internal-elb': '1', 'karpenter.sh/discovery': awsNames.clusterName },
  });
  const database = buildDatabase(stack, key, vpc, privateSubnets);
  const masterSecretArn = database.masterUserSecret.get(0).secretArn;
  // No secret version here: the database-user Job generates the password and puts it (nothing in state).
  const dbUserSecret = new SecretsmanagerSecret(stack, 'mlflow_db_user_secret', {
    name: names.dbUserSecretName,
    description: `MLflow's database user on ${names.dbIdentifier} (written by the ${mlopsNames.dbUserJob} Job)`,
    kmsKeyId: key.arn,
    recoveryWindowInDays: env.stage === 'prod' ? 30 : 7,
  });

  // Roles use the key only through S3 (and MLflow through Secrets Manager), never directly.
  const via = (service: string) => ({ StringEquals: { 'kms:ViaService': `${service}.${env.region}.amazonaws.com` } });
  const objects = (p: string) => `${artifactsBucket.arn}/${p}/*`;
  const listPrefixes = (...ps: string[]) => ({ StringLike: { 's3:prefix': ps.map((p) => `${p}/*`) } });
  const useBucketKey = (sid = 'UseBucketKey'): PolicyStatement => ({
    Sid: sid,
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: key.arn,
    Condition: via('s3'),
  });
  const { mlflow, models, sagemaker } = MLOPS_PREFIXES;

  const mlflowRole = serviceAccountRole(stack, {
    mechanism: MLFLOW_AWS_IDENTITY,
    id: 'mlflow',
    roleName: names.mlflowRoleName,
    namespace,
    serviceAccount: mlopsNames.mlflowServiceAccount,
    label: 'MLflow tracking server',
    policyName: 'mlops-mlflow',
    statements: [
      // External Secrets (SecretStore, jwt auth as this service account) reads MLflow's own user secret, never the master's.
      {
        Sid: 'ReadDatabaseSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: dbUserSecret.arn,
      },
      { Sid: 'DecryptDatabaseSecret', Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.arn, Condition: via('secretsmanager') },
      { Sid: 'ReadWriteArtifacts', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: objects(mlflow) },
      { Sid: 'ListArtifacts', Effect: 'Allow', Action: 's3:ListBucket', Resource: artifactsBucket.arn, Condition: listPrefixes(mlflow) },
      useBucketKey(),
    ],
  });

  // The database-user Job connects as the master user (its password read fresh at each run, so RDS's rotation never
  // leaves it stale) and writes MLflow's user secret.
  const dbAdminRole = serviceAccountRole(stack, {
    mechanism: MLFLOW_AWS_IDENTITY,
    id: 'mlflow_db_admin',
    roleName: names.dbAdminRoleName,
    namespace,
    serviceAccount: mlopsNames.dbAdminServiceAccount,
    label: 'MLflow database-user Job',
    policyName: 'mlops-mlflow-db-admin',
    statements: [
      { Sid: 'ReadMasterSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: masterSecretArn },
      {
        Sid: 'WriteUserSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        Resource: dbUserSecret.arn,
      },
      {
        Sid: 'UseSecretsKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: key.arn,
        Condition: via('secretsmanager'),
      },
    ],
  });

  // MLflow clients in training jobs log artifacts straight to the store.
  const trainingRole = serviceAccountRole(stack, {
    mechanism: TRAINING_AWS_IDENTITY,
    id: 'training',
    roleName: names.trainingRoleName,
    namespace,
    serviceAccount: mlopsNames.trainingServiceAccount,
    label: 'MLOps training jobs',
    policyName: 'mlops-training',
    statements: [
      { Sid: 'ReadWriteArtifacts', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: objects(mlflow) },
      { Sid: 'ListArtifacts', Effect: 'Allow', Action: 's3:ListBucket', Resource: artifactsBucket.arn, Condition: listPrefixes(mlflow) },
      useBucketKey(),
    ],
  });

  // One role per served model: its own paths only (champion and, with an A/B test, challenger).
  const servingRoles: Record<string, IamRole> = {};
  for (const model of settings.models) {
    const paths = [model.path, ...(model.abTest ? [model.abTest.challengerPath] : [])].map((p) => `${models}/${p}`);
    servingRoles[model.name] = serviceAccountRole(stack, {
      mechanism: SERVING_AWS_IDENTITY,
      id: `serve_${snake(model.name)}`,
      roleName: names.servingRoleName(model.name),
      namespace,
      serviceAccount: mlopsNames.servingServiceAccount(model.name),
      label: `Model server ${model.name}`,
      policyName: `mlops-serve-${model.name}`,
      statements: [
        { Sid: 'ReadModel', Effect: 'Allow', Action: 's3:GetObject', Resource: paths.map((p) => `${artifactsBucket.arn}/${p}/*`) },
        // Storage initializers list with the bare path as prefix, and below it.
        {
          Sid: 'ListModel',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: artifactsBucket.arn,
          Condition: { StringLike: { 's3:prefix': paths.flatMap(directoryKeys) } },
        },
        { Sid: 'DecryptModel', Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.arn, Condition: via('s3') },
      ],
    });
  }

  if (!settings.burst.enabled) return { key, artifactsBucket, database, dbUserSecret, mlflowRole, dbAdminRole, trainingRole, servingRoles, privateSubnets };

  const sagemakerSecurityGroup = buildSagemakerNetwork(stack, vpc);

  // Burst: SageMaker runs training jobs with this role; ACK creates them and may pass only it.
  // The platform stack's `training` repository; without one in the model, no ECR access at all.
  const trainingRepository: string | undefined = awsNames.ecrRepositories[SAGEMAKER_TRAINING_REPOSITORY];
  const sagemakerExecutionRole = new IamRole(stack, 'sagemaker_execution_role', {
    name: names.sagemakerExecutionRoleName,
    description: `SageMaker training jobs of ${prefix} (burst): s3://${names.artifactsBucket}/${sagemaker}/${trainingRepository ? `, ${trainingRepository}` : ''}`,
    // Confused-deputy protection: only SageMaker acting for this account.
    assumeRolePolicy: serviceTrustPolicy('sagemaker.amazonaws.com', ['sts:AssumeRole'], { StringEquals: { 'aws:SourceAccount': arn.account } }),
  });
  const trainingLogs = arn.logGroup('/aws/sagemaker/TrainingJobs*');
  new IamRolePolicy(stack, 'sagemaker_execution_policy', {
    name: 'mlops-sagemaker-execution',
    role: sagemakerExecutionRole.id,
    policy: policyDocument([
      { Sid: 'ReadWriteJobData', Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Resource: objects(sagemaker) },
      { Sid: 'ReadModels', Effect: 'Allow', Action: 's3:GetObject', Resource: objects(models) },
      { Sid: 'ListJobData', Effect: 'Allow', Action: 's3:ListBucket', Resource: artifactsBucket.arn, Condition: listPrefixes(sagemaker, models) },
      useBucketKey(),
      ...(trainingRepository ? ecrPull(`arn:${PARTITION}:ecr:${env.region}:${arn.account}:repository/${trainingRepository}`) : []),
      {
        Sid: 'WriteTrainingLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: [trainingLogs, `${trainingLogs}:log-stream:*`],
      },
      // PutMetricData takes no resource; the namespace condition keeps it to SageMaker's own metrics.
      {
        Sid: 'PutTrainingMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringLike: { 'cloudwatch:namespace': SAGEMAKER_METRIC_NAMESPACES } },
      },
      ...vpcModeStatements(env.region, arn.account, sagemakerSecurityGroup.arn),
    ]),
  });

  const trainingJobs = `arn:${PARTITION}:sagemaker:${env.region}:${arn.account}:training-job/${names.trainingJobNamePattern}`;
  // The operator release `ack-sagemaker-controller` (charts/gitops/operator-values.ts) runs as this service account.
  const ackSagemakerRole = serviceAccountRole(stack, {
    mechanism: 'pod-identity',
    id: 'ack_sagemaker',
    roleName: names.ackSagemakerRoleName,
    namespace: names.ackNamespace,
    serviceAccount: names.ackServiceAccount,
    label: 'ACK SageMaker controller',
    policyName: 'mlops-ack-sagemaker',
    statements: [
      {
        Sid: 'ManageTrainingJobs',
        Effect: 'Allow',
        Action: ['sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:ListTags', 'sagemaker:StopTrainingJob'],
        Resource: trainingJobs,
      },
      { Sid: 'ListTrainingJobs', Effect: 'Allow', Action: 'sagemaker:ListTrainingJobs', Resource: '*' },
      {
        Sid: 'PassExecutionRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: sagemakerExecutionRole.arn,
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ],
  });

  return {
    key,
    artifactsBucket,
    database,
    dbUserSecret,
    mlflowRole,
    dbAdminRole,
    trainingRole,
    servingRoles,
    sagemakerExecutionRole,
    ackSagemakerRole,
    sagemakerSecurityGroup,
    privateSubnets,
  };
}

/** CloudWatch namespaces SageMaker publishes training metrics to (`/aws/sagemaker/TrainingJobs`, …). */
export const SAGEMAKER_METRIC_NAMESPACES = '/aws/sagemaker/*';

/** What SageMaker does with the execution role to run a job in the VPC (its "CreateTrainingJob API: Execution Role Permissions"). */
export const SAGEMAKER_VPC_ACTIONS = {
  create: ['ec2:CreateNetworkInterface'],
  manage: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
  describe: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
} as const;

/** Network interfaces in this account and region, behind the jobs' own group only; describes are regional. */
function vpcModeStatements(region: string, account: string, securityGroupArn: string): PolicyStatement[] {
  const ec2 = (type: string) => `arn:${PARTITION}:ec2:${region}:${account}:${type}`;
  return [
    {
      Sid: 'CreateJobNetworkInterfaces',
      Effect: 'Allow',
      Action: [...SAGEMAKER_VPC_ACTIONS.create],
      Resource: [ec2('network-interface/*'), ec2('subnet/*'), securityGroupArn],
    },
    { Sid: 'ManageJobNetworkInterfaces', Effect: 'Allow', Action: [...SAGEMAKER_VPC_ACTIONS.manage], Resource: ec2('network-interface/*') },
    {
      Sid: 'DescribeJobNetwork',
      Effect: 'Allow',
      Action: [...SAGEMAKER_VPC_ACTIONS.describe],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': region } },
    },
  ];
}

/**
 * The jobs' security group: HTTPS to S3 through the gateway endpoint (data, checkpoints, the model) and to the
 * VPC's interface endpoints, and all traffic among its own members (distributed training). No other egress:
 * the private subnets' NAT route is unusable for a job. SageMaker pulls the image itself, outside this network.
 */
function buildSagemakerNetwork(stack: AwsStack<'mlops'>, vpc: DataAwsVpc): SecurityGroup {
  const { env, prefix } = workloadParts(stack, 'mlops');
  const name = `${prefix}-sagemaker-training`;
  const group = new SecurityGroup(stack, 'sagemaker_training_security_group', {
    name,
    description: 'SageMaker training jobs (burst): S3 and the VPC endpoints only',
    vpcId: vpc.id,
    tags: { Name: name },
  });
  const s3 = new DataAwsPrefixList(stack, 's3_prefix_list', { name: awsServiceName(env.region, 's3') });
  new VpcSecurityGroupEgressRule(stack, 'sagemaker_training_https_to_s3', {
    securityGroupId: group.id,
    description: 'HTTPS to S3 (gateway endpoint)',
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    prefixListId: s3.id,
  });
  new VpcSecurityGroupEgressRule(stack, 'sagemaker_training_https_to_endpoints', {
    securityGroupId: group.id,
    description: 'HTTPS to the VPC interface endpoints',
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    cidrIpv4: env.network.cidr,
  });
  new VpcSecurityGroupEgressRule(stack, 'sagemaker_training_to_peers', {
    securityGroupId: group.id,
    description: 'Between the instances of one job',
    ipProtocol: '-1',
    referencedSecurityGroupId: group.id,
  });
  new VpcSecurityGroupIngressRule(stack, 'sagemaker_training_from_peers', {
    securityGroupId: group.id,
    description: 'Between the instances of one job',
    ipProtocol: '-1',
    referencedSecurityGroupId: group.id,
  });
  return group;
}

/** Pull of one repository, and the registry token (a read-only call that takes no resource: "*"). */
function ecrPull(repositoryArn: string): PolicyStatement[] {
  return [
    {
      Sid: 'PullTrainingImage',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: repositoryArn,
    },
    { Sid: 'GetRegistryToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
  ];
}

/** MLflow's PostgreSQL: private, encrypted, master password managed by RDS. */
function buildDatabase(stack: AwsStack<'mlops'>, key: KmsKey, vpc: DataAwsVpc, privateSubnets: DataAwsSubnets): DbInstance {
  const { env, settings, workloadNames: mlopsNames, names, platformNames: awsNames } = workloadParts(stack, 'mlops');
  const { database } = settings;
  const prod = env.stage === 'prod';

  const subnetGroup = new DbSubnetGroup(stack, 'mlflow_db_subnet_group', {
    name: names.dbIdentifier,
    description: `Private subnets of ${awsNames.vpcName} for ${names.dbIdentifier}`,
    subnetIds: privateSubnets.ids,
    tags: { Name: names.dbIdentifier },
  });
  // No egress rules (Terraform removes AWS's default one); ingress: PostgreSQL from the VPC only.
  const securityGroup = new SecurityGroup(stack, 'mlflow_db_security_group', {
    name: `${names.dbIdentifier}-db`,
    description: `PostgreSQL of ${names.dbIdentifier} from ${awsNames.vpcName}`,
    vpcId: vpc.id,
    tags: { Name: `${names.dbIdentifier}-db` },
  });
  new VpcSecurityGroupIngressRule(stack, 'mlflow_db_ingress_postgres', {
    securityGroupId: securityGroup.id,
    description: 'PostgreSQL from the platform VPC',
    ipProtocol: 'tcp',
    fromPort: POSTGRES_PORT,
    toPort: POSTGRES_PORT,
    // The VPC's CIDR is the model's (network.ts creates the VPC with it).
    cidrIpv4: env.network.cidr,
  });

  return new DbInstance(stack, 'mlflow_db', {
    identifier: names.dbIdentifier,
    engine: 'postgres',
    // A major version: RDS picks its current minor and upgrades minors in the maintenance window.
    engineVersion: database.version,
    autoMinorVersionUpgrade: true,
    instanceClass: database.instanceClass,
    allocatedStorage: database.storageGb,
    storageType: 'gp3',
    storageEncrypted: true,
    kmsKeyId: key.arn,
    dbName: mlopsNames.database.name,
    username: mlopsNames.database.admin,
    // RDS generates, rotates and keeps the password in Secrets Manager: no password in config or state.
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: key.arn,
    iamDatabaseAuthenticationEnabled: true,
    port: POSTGRES_PORT,
    dbSubnetGroupName: subnetGroup.name,
    vpcSecurityGroupIds: [securityGroup.id],
    publiclyAccessible: false,
    multiAz: prod,
    backupRetentionPeriod: prod ? DB_BACKUP_RETENTION.prod : DB_BACKUP_RETENTION.dev,
    copyTagsToSnapshot: true,
    deletionProtection: prod,
    skipFinalSnapshot: !prod,
    ...(prod ? { finalSnapshotIdentifier: `${names.dbIdentifier}-final` } : {}),
    ...(prod ? { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: key.arn, performanceInsightsRetentionPeriod: 7 } : {}),
    tags: { Name: names.dbIdentifier },
  });
}
