import { of, ref, renderPicking, statements, resourceCounts, s3BucketCounts, serviceTrust, expectNoWorkloadStack } from '../helpers';
import * as fs from 'fs';
import * as path from 'path';
import { MLOPS_OUTPUTS } from '../../../src/model/naming';
import type { PlatformSpec } from '../../../src/model/types';
import { defaultPlatform } from '../../../src/platform';

const render = renderPicking('mlops');
const BUCKET_ARN = ref('aws_s3_bucket.artifacts.arn');
const KEY_ARN = ref('aws_kms_key.mlops_kms_key.arn');
const SECRET_ARN = ref('aws_db_instance.mlflow_db.master_user_secret[0].secret_arn');
const ISSUER = '${local.oidc_issuer_host_path}';
const viaS3 = (region: string) => ({ StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } });
const irsaTrust = (account: string, subject: string) => [
  {
    Sid: 'AllowServiceAccountWebIdentity',
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${ISSUER}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${ISSUER}:sub`]: `system:serviceaccount:${subject}`, [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
  },
];

describe('aws mlops stack', () => {
  const dev = render('aws-dev');
  const prod = render('aws-prod');

  it("looks up the cluster (OIDC issuer), the VPC and its private subnets, by the platform stack's names and tags", () => {
    expect(Object.keys(dev.mlops.data).sort()).toEqual(['aws_eks_cluster', 'aws_subnets', 'aws_vpc']);
    // Burst (prod): S3's prefix list, for the SageMaker jobs' egress rule.
    expect(Object.keys(prod.mlops.data).sort()).toEqual(['aws_eks_cluster', 'aws_prefix_list', 'aws_subnets', 'aws_vpc']);
  });

  it('hardens the artifacts bucket with the stack key and expires noncurrent versions', () => {
    for (const r of [dev, prod]) {
      const names = r.names.mlops!.aws!;
      expect(of(r.mlops, 'aws_s3_bucket').artifacts.bucket).toBe(names.artifactsBucket);
      expect(of(r.mlops, 'aws_kms_key').mlops_kms_key.enable_key_rotation).toBe(true);
      expect(of(r.mlops, 'aws_kms_alias').mlops_kms_alias.name).toBe(names.kmsAlias);
      const bucketRef = ref('aws_s3_bucket.artifacts.id');
      expect(of(r.mlops, 'aws_s3_bucket_versioning').artifacts_bucket_versioning.versioning_configuration).toEqual({ status: 'Enabled' });
      expect(of(r.mlops, 'aws_s3_bucket_server_side_encryption_configuration').artifacts_bucket_encryption).toEqual({
        bucket: bucketRef,
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY_ARN }, bucket_key_enabled: true }],
      });
      expect(of(r.mlops, 'aws_s3_bucket_public_access_block').artifacts_bucket_public_access_block).toEqual({
        bucket: bucketRef,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(of(r.mlops, 'aws_s3_bucket_ownership_controls').artifacts_bucket_ownership_controls.rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
      expect(statements(of(r.mlops, 'aws_s3_bucket_policy').artifacts_bucket_policy.policy)[0]).toMatchObject({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      expect(of(r.mlops, 'aws_s3_bucket_lifecycle_configuration').artifacts_bucket_lifecycle.rule).toEqual([
        expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 90 }] }),
      ]);
    }
  });

  it('keeps PostgreSQL private: no public access, private subnets of the platform VPC, 5432 from the VPC CIDR only', () => {
    for (const r of [dev, prod]) {
      const aws = r.names.aws!;
      const db = of(r.mlops, 'aws_db_instance').mlflow_db;
      expect(db.publicly_accessible).toBe(false);
      expect(r.mlops.data.aws_vpc.platform_vpc).toEqual({ tags: { Name: aws.vpcName } });
      expect(r.mlops.data.aws_subnets.private_subnets).toEqual({
        filter: [{ name: 'vpc-id', values: [ref('data.aws_vpc.platform_vpc.id')] }],
        // network.ts puts these tags on private subnets only.
        tags: { 'kubernetes.io/role/internal-elb': '1', 'karpenter.sh/discovery': aws.clusterName },
      });
      expect(of(r.mlops, 'aws_db_subnet_group').mlflow_db_subnet_group.subnet_ids).toBe(ref('data.aws_subnets.private_subnets.ids'));
      expect(db.db_subnet_group_name).toBe(ref('aws_db_subnet_group.mlflow_db_subnet_group.name'));
      expect(db.vpc_security_group_ids).toEqual([ref('aws_security_group.mlflow_db_security_group.id')]);
      const sg = of(r.mlops, 'aws_security_group').mlflow_db_security_group;
      expect(sg.vpc_id).toBe(ref('data.aws_vpc.platform_vpc.id'));
      // No inline rules (Terraform drops the default egress); one ingress rule.
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
      const dbGroup = ref('aws_security_group.mlflow_db_security_group.id');
      const ofDbGroup = (type: string) => Object.values(of(r.mlops, type)).filter((rule) => rule.security_group_id === dbGroup);
      expect(ofDbGroup('aws_vpc_security_group_egress_rule')).toEqual([]);
      expect(ofDbGroup('aws_vpc_security_group_ingress_rule')).toEqual([
        {
          security_group_id: ref('aws_security_group.mlflow_db_security_group.id'),
          description: expect.any(String),
          ip_protocol: 'tcp',
          from_port: 5432,
          to_port: 5432,
          cidr_ipv4: r.env.network.cidr,
        },
      ]);
    }
  });

  it('encrypts the database and its managed master secret with the key; no password anywhere', () => {
    for (const r of [dev, prod]) {
      const db = of(r.mlops, 'aws_db_instance').mlflow_db;
      const { database } = r.env.mlops!;
      expect(db).toMatchObject({
        identifier: r.names.mlops!.aws!.dbIdentifier,
        engine: 'postgres',
        engine_version: database.version,
        instance_class: database.instanceClass,
        allocated_storage: database.storageGb,
        storage_type: 'gp3',
        storage_encrypted: true,
        kms_key_id: KEY_ARN,
        manage_master_user_password: true,
        master_user_secret_kms_key_id: KEY_ARN,
        iam_database_authentication_enabled: true,
        auto_minor_version_upgrade: true,
        db_name: r.names.mlops!.database.name,
        username: r.names.mlops!.database.admin,
      });
      expect(JSON.stringify(r.mlops)).not.toMatch(/"password"|password_wo|random_password/);
      expect(r.mlops.resource.random_password).toBeUndefined();
    }
    expect(prod.env.mlops!.database).toMatchObject({ version: '16', instanceClass: 'db.r6g.large', storageGb: 100 });
  });

  it('protects the prod database (deletion protection, 7 days of backups, final snapshot); dev is disposable', () => {
    const p = of(prod.mlops, 'aws_db_instance').mlflow_db;
    expect(p).toMatchObject({
      deletion_protection: true,
      backup_retention_period: 7,
      skip_final_snapshot: false,
      final_snapshot_identifier: `${prod.names.mlops!.aws!.dbIdentifier}-final`,
      multi_az: true,
      performance_insights_enabled: true,
      performance_insights_kms_key_id: KEY_ARN,
    });
    const d = of(dev.mlops, 'aws_db_instance').mlflow_db;
    expect(d).toMatchObject({ deletion_protection: false, backup_retention_period: 1, skip_final_snapshot: true, multi_az: false });
    expect(d.final_snapshot_identifier).toBeUndefined();
    expect(d.performance_insights_enabled).toBeUndefined();
  });

  it('exposes the outputs the chart reads under the MLOPS_OUTPUTS names', () => {
    for (const r of [dev, prod]) {
      expect(r.mlops.output[MLOPS_OUTPUTS.dbHost].value).toBe(ref('aws_db_instance.mlflow_db.address'));
      expect(r.mlops.output[MLOPS_OUTPUTS.dbSecretArn].value).toBe(SECRET_ARN);
      expect(r.mlops.output.artifacts_bucket.value).toBe(ref('aws_s3_bucket.artifacts.bucket'));
      expect(r.mlops.output.mlflow_role_arn.value).toBe(ref('aws_iam_role.mlflow_role.arn'));
    }
    expect(Object.keys(prod.mlops.output).sort()).toEqual([
      'artifacts_bucket',
      MLOPS_OUTPUTS.dbHost,
      MLOPS_OUTPUTS.dbSecretArn,
      'mlflow_role_arn',
      'sagemaker_execution_role_arn',
      MLOPS_OUTPUTS.sagemakerSecurityGroupId,
      MLOPS_OUTPUTS.sagemakerSubnetIds,
    ]);
    expect(Object.keys(dev.mlops.output)).not.toContain('sagemaker_execution_role_arn');
    // The example outputs the chart tests read have the same names.
    const chartReads = { 'aws-dev': [], 'aws-prod': [MLOPS_OUTPUTS.sagemakerSecurityGroupId, MLOPS_OUTPUTS.sagemakerSubnetIds] };
    for (const [envName, burst] of Object.entries(chartReads)) {
      const example = JSON.parse(fs.readFileSync(path.join(__dirname, `../../../src/outputs/${envName}/mlops.json`), 'utf8'));
      expect(Object.keys(example).sort()).toEqual([MLOPS_OUTPUTS.dbHost, MLOPS_OUTPUTS.dbSecretArn, ...burst].sort());
    }
  });

  it('binds MLflow to mlops/mlflow through IRSA, with access to its own database user secret only (never the master) and the mlflow/ prefix', () => {
    for (const r of [dev, prod]) {
      const mlops = r.names.mlops!;
      expect([mlops.namespace, mlops.mlflowServiceAccount]).toEqual(['mlops', 'mlflow']);
      const role = of(r.mlops, 'aws_iam_role').mlflow_role;
      expect(role.name).toBe(mlops.aws!.mlflowRoleName);
      expect(statements(role.assume_role_policy)).toEqual(irsaTrust(r.env.aws!.accountId, 'mlops:mlflow'));
      expect(r.mlops.data.aws_eks_cluster.cluster).toEqual({ name: r.names.aws!.clusterName });
      const policy = of(r.mlops, 'aws_iam_role_policy').mlflow_policy;
      expect(policy.role).toBe(ref('aws_iam_role.mlflow_role.id'));
      expect(statements(policy.policy)).toEqual([
        {
          Sid: 'ReadDatabaseSecret',
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: ref('aws_secretsmanager_secret.mlflow_db_user_secret.arn'),
        },
        {
          Sid: 'DecryptDatabaseSecret',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: KEY_ARN,
          Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${r.env.region}.amazonaws.com` } },
        },
        { Sid: 'ReadWriteArtifacts', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `${BUCKET_ARN}/mlflow/*` },
        { Sid: 'ListArtifacts', Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET_ARN, Condition: { StringLike: { 's3:prefix': ['mlflow/*'] } } },
        { Sid: 'UseBucketKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY_ARN, Condition: viaS3(r.env.region) },
      ]);
      // MLflow and the database-user Job are the only roles that can read a secret; only the Job reads the master's.
      for (const [id, p] of Object.entries(of(r.mlops, 'aws_iam_role_policy')))
        if (!['mlflow_policy', 'mlflow_db_admin_policy'].includes(id)) expect(p.policy).not.toContain('secretsmanager');
      expect(policy.policy).not.toContain(SECRET_ARN);
      // IRSA roles have no Pod Identity association.
      for (const a of Object.values(of(r.mlops, 'aws_eks_pod_identity_association'))) expect(a.role_arn).not.toBe(ref('aws_iam_role.mlflow_role.arn'));
    }
  });

  it("gives the database-user Job (mlops/mlflow-db-admin, IRSA) the master secret to read and MLflow's user secret to write; no value in Terraform", () => {
    for (const r of [dev, prod]) {
      const role = of(r.mlops, 'aws_iam_role').mlflow_db_admin_role;
      expect(role.name).toBe(r.names.mlops!.aws!.dbAdminRoleName);
      expect(statements(role.assume_role_policy)).toEqual(irsaTrust(r.env.aws!.accountId, 'mlops:mlflow-db-admin'));
      expect(statements(of(r.mlops, 'aws_iam_role_policy').mlflow_db_admin_policy.policy)).toEqual([
        { Sid: 'ReadMasterSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET_ARN },
        {
          Sid: 'WriteUserSecret',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          Resource: ref('aws_secretsmanager_secret.mlflow_db_user_secret.arn'),
        },
        {
          Sid: 'UseSecretsKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: KEY_ARN,
          Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${r.env.region}.amazonaws.com` } },
        },
      ]);
      expect(of(r.mlops, 'aws_secretsmanager_secret').mlflow_db_user_secret).toEqual({
        name: r.names.mlops!.aws!.dbUserSecretName,
        description: expect.stringContaining('mlflow-db-user Job'),
        kms_key_id: KEY_ARN,
        recovery_window_in_days: r.env.stage === 'prod' ? 30 : 7,
      });
      // The Job generates the password: no secret version (nor value) in config or state.
      expect(of(r.mlops, 'aws_secretsmanager_secret_version')).toEqual({});
    }
  });

  it('binds training to mlops/training through Pod Identity, read/write on mlflow/ only', () => {
    for (const r of [dev, prod]) {
      const mlops = r.names.mlops!;
      const role = of(r.mlops, 'aws_iam_role').training_role;
      expect(role.name).toBe(mlops.aws!.trainingRoleName);
      expect(statements(role.assume_role_policy)[0].Condition.StringEquals).toEqual({
        'aws:RequestTag/eks-cluster-name': r.names.aws!.clusterName,
        'aws:RequestTag/kubernetes-namespace': 'mlops',
        'aws:RequestTag/kubernetes-service-account': mlops.trainingServiceAccount,
      });
      expect(of(r.mlops, 'aws_eks_pod_identity_association').training_pod_identity_association).toEqual({
        cluster_name: r.names.aws!.clusterName,
        namespace: 'mlops',
        service_account: mlops.trainingServiceAccount,
        role_arn: ref('aws_iam_role.training_role.arn'),
      });
      const s = statements(of(r.mlops, 'aws_iam_role_policy').training_policy.policy);
      expect(s.map((st) => st.Sid)).toEqual(['ReadWriteArtifacts', 'ListArtifacts', 'UseBucketKey']);
      expect(s[0].Resource).toBe(`${BUCKET_ARN}/mlflow/*`);
      expect(s[1].Condition).toEqual({ StringLike: { 's3:prefix': ['mlflow/*'] } });
    }
  });

  it('gives each served model its own IRSA role bound to mlops/serve-<model>, reading only its paths (incl. the challenger)', () => {
    for (const r of [dev, prod]) {
      const mlops = r.names.mlops!;
      const model = r.env.mlops!.models[0];
      expect(model).toMatchObject({ name: 'iris', path: 'iris/v1', abTest: { challengerPath: 'iris/v2' } });
      expect(mlops.servingServiceAccount('iris')).toBe('serve-iris');
      const role = of(r.mlops, 'aws_iam_role').serve_iris_role;
      expect(role.name).toBe(mlops.aws!.servingRoleName('iris'));
      expect(statements(role.assume_role_policy)).toEqual(irsaTrust(r.env.aws!.accountId, 'mlops:serve-iris'));
      const policy = of(r.mlops, 'aws_iam_role_policy').serve_iris_policy;
      expect(policy.role).toBe(ref('aws_iam_role.serve_iris_role.id'));
      expect(statements(policy.policy)).toEqual([
        { Sid: 'ReadModel', Effect: 'Allow', Action: 's3:GetObject', Resource: [`${BUCKET_ARN}/models/iris/v1/*`, `${BUCKET_ARN}/models/iris/v2/*`] },
        {
          Sid: 'ListModel',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: BUCKET_ARN,
          Condition: { StringLike: { 's3:prefix': ['models/iris/v1', 'models/iris/v1/*', 'models/iris/v2', 'models/iris/v2/*'] } },
        },
        { Sid: 'DecryptModel', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: viaS3(r.env.region) },
      ]);
    }
    // One role per model, each scoped to its own path; no challenger without an A/B test (the default model's churn).
    expect(dev.env.mlops!.models[1]).toMatchObject({ name: 'churn', path: 'churn/v3' });
    const r = dev;
    expect(
      Object.keys(of(r.mlops, 'aws_iam_role'))
        .filter((id) => id.startsWith('serve_'))
        .sort(),
    ).toEqual(['serve_churn_role', 'serve_iris_role']);
    const churn = statements(of(r.mlops, 'aws_iam_role_policy').serve_churn_policy.policy);
    expect(churn[0].Resource).toEqual([`${BUCKET_ARN}/models/churn/v3/*`]);
    expect(churn[1].Condition).toEqual({ StringLike: { 's3:prefix': ['models/churn/v3', 'models/churn/v3/*'] } });
    expect(statements(of(r.mlops, 'aws_iam_role').serve_churn_role.assume_role_policy)[0].Condition.StringEquals[`${ISSUER}:sub`]).toBe(
      'system:serviceaccount:mlops:serve-churn',
    );
  });

  it('burst (prod): a SageMaker execution role scoped to sagemaker/, models/, the training repository and its logs', () => {
    const names = prod.names.mlops!.aws!;
    const account = prod.env.aws!.accountId;
    const region = prod.env.region;
    const role = of(prod.mlops, 'aws_iam_role').sagemaker_execution_role;
    expect(role.name).toBe(names.sagemakerExecutionRoleName);
    expect(statements(role.assume_role_policy)).toEqual(serviceTrust('sagemaker', account));
    const s = statements(of(prod.mlops, 'aws_iam_role_policy').sagemaker_execution_policy.policy);
    const bySid = Object.fromEntries(s.map((st) => [st.Sid, st]));
    expect(Object.keys(bySid)).toEqual([
      'ReadWriteJobData',
      'ReadModels',
      'ListJobData',
      'UseBucketKey',
      'PullTrainingImage',
      'GetRegistryToken',
      'WriteTrainingLogs',
      'PutTrainingMetrics',
      'CreateJobNetworkInterfaces',
      'ManageJobNetworkInterfaces',
      'DescribeJobNetwork',
    ]);
    // The role SageMaker uses to run a job in the VPC ("CreateTrainingJob API: Execution Role Permissions").
    expect(bySid.PutTrainingMetrics).toEqual({
      Sid: 'PutTrainingMetrics',
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
    });
    expect(bySid.CreateJobNetworkInterfaces).toEqual({
      Sid: 'CreateJobNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:CreateNetworkInterface'],
      Resource: [
        `arn:aws:ec2:${region}:${account}:network-interface/*`,
        `arn:aws:ec2:${region}:${account}:subnet/*`,
        ref('aws_security_group.sagemaker_training_security_group.arn'),
      ],
    });
    expect(bySid.ManageJobNetworkInterfaces).toMatchObject({
      Action: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
      Resource: `arn:aws:ec2:${region}:${account}:network-interface/*`,
    });
    expect(bySid.DescribeJobNetwork).toMatchObject({
      Action: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': region } },
    });
    expect(bySid.ReadWriteJobData.Resource).toBe(`${BUCKET_ARN}/sagemaker/*`);
    expect(bySid.ReadModels).toEqual({ Sid: 'ReadModels', Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/models/*` });
    expect(bySid.ListJobData.Condition).toEqual({ StringLike: { 's3:prefix': ['sagemaker/*', 'models/*'] } });
    expect(bySid.UseBucketKey.Condition).toEqual(viaS3(region));
    expect(bySid.PullTrainingImage.Resource).toBe(`arn:aws:ecr:${region}:${account}:repository/${prod.names.aws!.ecrRepositories.training}`);
    expect(bySid.GetRegistryToken).toEqual({ Sid: 'GetRegistryToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' });
    expect(bySid.WriteTrainingLogs.Resource).toEqual([
      `arn:aws:logs:${region}:${account}:log-group:/aws/sagemaker/TrainingJobs*`,
      `arn:aws:logs:${region}:${account}:log-group:/aws/sagemaker/TrainingJobs*:log-stream:*`,
    ]);
    // Only calls that take no resource are on "*"; no write on the mlflow/ prefix, no secrets.
    for (const st of s) if (!['GetRegistryToken', 'PutTrainingMetrics', 'DescribeJobNetwork'].includes(st.Sid)) expect(st.Resource).not.toBe('*');
    expect(JSON.stringify(s)).not.toMatch(/mlflow\/|secretsmanager|ecr:Put|ecr:Upload/);
    // ECR repositories are the platform stack's; without a training repository in the model, no ECR access.
    expect(of(prod.mlops, 'aws_ecr_repository')).toEqual({});
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    spec.environments.find((e) => e.name === 'aws-prod')!.cluster.repositories = ['serving'];
    const noRepo = statements(of(render('aws-prod', spec).mlops, 'aws_iam_role_policy').sagemaker_execution_policy.policy);
    expect(JSON.stringify(noRepo)).not.toContain('ecr:');
  });

  it('burst (prod): the ACK controller (ack-system, Pod Identity) manages prefixed training jobs and passes only the execution role to SageMaker', () => {
    const names = prod.names.mlops!.aws!;
    const account = prod.env.aws!.accountId;
    const role = of(prod.mlops, 'aws_iam_role').ack_sagemaker_role;
    expect(role.name).toBe(names.ackSagemakerRoleName);
    expect(statements(role.assume_role_policy)[0].Condition.StringEquals).toEqual({
      'aws:RequestTag/eks-cluster-name': prod.names.aws!.clusterName,
      'aws:RequestTag/kubernetes-namespace': names.ackNamespace,
      'aws:RequestTag/kubernetes-service-account': names.ackServiceAccount,
    });
    expect(of(prod.mlops, 'aws_eks_pod_identity_association').ack_sagemaker_pod_identity_association).toMatchObject({
      namespace: 'ack-system',
      service_account: 'ack-sagemaker-controller',
      role_arn: ref('aws_iam_role.ack_sagemaker_role.arn'),
    });
    const s = statements(of(prod.mlops, 'aws_iam_role_policy').ack_sagemaker_policy.policy);
    expect(s).toEqual([
      {
        Sid: 'ManageTrainingJobs',
        Effect: 'Allow',
        Action: ['sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:ListTags', 'sagemaker:StopTrainingJob'],
        Resource: `arn:aws:sagemaker:${prod.env.region}:${account}:training-job/${prod.names.prefix}-*`,
      },
      { Sid: 'ListTrainingJobs', Effect: 'Allow', Action: 'sagemaker:ListTrainingJobs', Resource: '*' },
      {
        Sid: 'PassExecutionRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: ref('aws_iam_role.sagemaker_execution_role.arn'),
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ]);
    // No other policy can pass a role.
    for (const [id, p] of Object.entries(of(prod.mlops, 'aws_iam_role_policy')))
      if (id !== 'ack_sagemaker_policy') expect(p.policy).not.toContain('iam:PassRole');
  });

  it('has no burst resources in dev (burst is on in prod only)', () => {
    expect(dev.env.mlops!.burst.enabled).toBe(false);
    expect(prod.env.mlops!.burst.enabled).toBe(true);
    expect(Object.keys(of(dev.mlops, 'aws_iam_role')).sort()).toEqual([
      'mlflow_db_admin_role',
      'mlflow_role',
      'serve_churn_role',
      'serve_iris_role',
      'training_role',
    ]);
    expect(JSON.stringify(dev.mlops)).not.toMatch(/sagemaker:|sagemaker\.amazonaws\.com|ack-sagemaker|ack_sagemaker/);
  });

  it('no identity policy has a wildcard action; Resource "*" only for read-only calls', () => {
    for (const r of [dev, prod]) {
      for (const p of Object.values(of(r.mlops, 'aws_iam_role_policy'))) {
        for (const st of statements(p.policy)) {
          for (const a of [st.Action].flat()) expect(a).not.toMatch(/\*/);
          // PutMetricData takes no resource: only under its namespace condition.
          const scopedMetrics = st.Action === 'cloudwatch:PutMetricData' && st.Condition?.StringLike?.['cloudwatch:namespace'];
          if ([st.Resource].flat().includes('*') && !scopedMetrics) for (const a of [st.Action].flat()) expect(a).toMatch(/^[a-z0-9]+:(Get|List|Describe)/);
        }
      }
      expect(of(r.mlops, 'aws_iam_role_policy_attachment')).toEqual({});
    }
  });

  it('counts the resources it means to create', () => {
    const counts = resourceCounts;
    const common = {
      aws_db_instance: 1,
      aws_db_subnet_group: 1,
      aws_kms_alias: 1,
      aws_kms_key: 1,
      ...s3BucketCounts(1),
      aws_secretsmanager_secret: 1,
      aws_security_group: 1,
      aws_vpc_security_group_ingress_rule: 1,
    };
    // mlflow, its database-user Job, training, serve-iris (+ sagemaker execution and ACK in prod).
    expect(counts(dev.mlops)).toEqual({ ...common, aws_eks_pod_identity_association: 1, aws_iam_role: 5, aws_iam_role_policy: 5 });
    // Prod adds the SageMaker jobs' security group: three egress rules and one ingress rule.
    expect(counts(prod.mlops)).toEqual({
      ...common,
      aws_eks_pod_identity_association: 2,
      aws_iam_role: 7,
      aws_iam_role_policy: 7,
      aws_security_group: 2,
      aws_vpc_security_group_egress_rule: 3,
      aws_vpc_security_group_ingress_rule: 2,
    });
  });

  it('burst (prod): SageMaker jobs reach S3 and the VPC endpoints over HTTPS and each other, nothing else', () => {
    const group = ref('aws_security_group.sagemaker_training_security_group.id');
    expect(of(prod.mlops, 'aws_security_group').sagemaker_training_security_group.vpc_id).toBe(ref('data.aws_vpc.platform_vpc.id'));
    expect(prod.mlops.data.aws_prefix_list.s3_prefix_list).toEqual({ name: `com.amazonaws.${prod.env.region}.s3` });
    const egress = Object.values(of(prod.mlops, 'aws_vpc_security_group_egress_rule')).map(({ description: _description, ...rule }) => rule);
    expect(egress).toEqual([
      { security_group_id: group, ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: prod.env.network.cidr },
      { security_group_id: group, ip_protocol: 'tcp', from_port: 443, to_port: 443, prefix_list_id: ref('data.aws_prefix_list.s3_prefix_list.id') },
      { security_group_id: group, ip_protocol: '-1', referenced_security_group_id: group },
    ]);
    expect(JSON.stringify(egress)).not.toContain('0.0.0.0/0');
    expect(prod.mlops.output[MLOPS_OUTPUTS.sagemakerSubnetIds].value).toBe('${join(",", data.aws_subnets.private_subnets.ids)}');
    expect(prod.mlops.output[MLOPS_OUTPUTS.sagemakerSecurityGroupId].value).toBe(group);
  });
});

describe('MLOps disabled', () => {
  it('renders no mlops stack', () => {
    expectNoWorkloadStack('mlops', ['aws-dev', 'aws-prod']);
  });
});
