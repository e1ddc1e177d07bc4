import type { EnvironmentOutput, K8sObject } from '../../src/validate/output';
import { POLICY_RULES } from '../../src/validate/policy';
import type { PolicyContext } from '../../src/validate/policy/rule';

const FILE = 'env/terraform/platform/cdk.tf.json';

function tfEnv(resource: Record<string, Record<string, any>>, data: Record<string, Record<string, any>> = {}): EnvironmentOutput {
  return { name: 'env', terraform: [{ file: FILE, stack: 'platform', json: { resource, data } }], manifests: [], files: [FILE] };
}

function k8sEnv(...objs: K8sObject[]): EnvironmentOutput {
  return { name: 'env', terraform: [], manifests: objs.map((obj, i) => ({ file: `env/kubernetes/app/${i}.yaml`, app: 'app', obj })), files: [] };
}

function check(ruleId: string, env: EnvironmentOutput, over: Partial<PolicyContext> = {}) {
  const rule = POLICY_RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return rule.check({ env, cloud: 'aws', stage: 'prod', ...over });
}

// ---------------------------------------------------------------- AWS
const bucket = { aws_s3_bucket: { docs: { bucket: 'acme-docs' } } };
const goodBucket = {
  ...bucket,
  aws_s3_bucket_public_access_block: {
    docs: { bucket: '${aws_s3_bucket.docs.id}', block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    docs: {
      bucket: '${aws_s3_bucket.docs.id}',
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.k.arn}' } }],
    },
  },
  aws_s3_bucket_versioning: { docs: { bucket: '${aws_s3_bucket.docs.id}', versioning_configuration: { status: 'Enabled' } } },
  aws_s3_bucket_policy: {
    docs: {
      bucket: '${aws_s3_bucket.docs.id}',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: ['${aws_s3_bucket.docs.arn}'],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    },
  },
};

describe('S3 rules', () => {
  it.each(['s3-public-access-blocked', 's3-sse-kms', 's3-versioning', 's3-tls-only'])('%s passes a fully configured bucket and fails a bare one', (rule) => {
    expect(check(rule, tfEnv(goodBucket))).toEqual([]);
    const bare = check(rule, tfEnv(bucket));
    expect(bare).toHaveLength(1);
    expect(bare[0]).toMatchObject({ file: FILE, resource: 'aws_s3_bucket.docs' });
  });

  it('names the public access flags left off', () => {
    const partial = structuredClone(goodBucket);
    partial.aws_s3_bucket_public_access_block.docs.restrict_public_buckets = false;
    expect(check('s3-public-access-blocked', tfEnv(partial))[0].message).toMatch(/restrict_public_buckets off/);
  });

  it('rejects AES256 where KMS is required', () => {
    const aes = structuredClone(goodBucket);
    aes.aws_s3_bucket_server_side_encryption_configuration.docs.rule[0].apply_server_side_encryption_by_default.sse_algorithm = 'AES256';
    expect(check('s3-sse-kms', tfEnv(aes))[0].message).toMatch(/AES256, not aws:kms/);
  });

  it('reads bucket policies from aws_iam_policy_document data sources too', () => {
    const viaData = structuredClone(goodBucket) as any;
    viaData.aws_s3_bucket_policy.docs.policy = '${data.aws_iam_policy_document.tls.json}';
    const data = {
      aws_iam_policy_document: {
        tls: {
          statement: [
            {
              effect: 'Deny',
              actions: ['s3:*'],
              resources: ['*'],
              principals: [{ type: '*', identifiers: ['*'] }],
              condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
            },
          ],
        },
      },
    };
    expect(check('s3-tls-only', tfEnv(viaData, data))).toEqual([]);
    expect(check('s3-tls-only', tfEnv(viaData, {}))).toHaveLength(1);
  });
});

describe('database, EKS and IAM rules', () => {
  it('rds-private-encrypted', () => {
    expect(check('rds-private-encrypted', tfEnv({ aws_db_instance: { db: { publicly_accessible: false, storage_encrypted: true } } }))).toEqual([]);
    const bad = check('rds-private-encrypted', tfEnv({ aws_db_instance: { db: { publicly_accessible: true } } }));
    expect(bad.map((v) => v.message)).toEqual(['publicly_accessible is true', 'storage_encrypted is not true']);
  });

  const cluster = (vpc: object, extra: object = {}) => ({ aws_eks_cluster: { c: { vpc_config: vpc, ...extra } } });
  it('eks-private-api applies in prod only', () => {
    const publicApi = tfEnv(cluster({ endpoint_public_access: true, endpoint_private_access: true }));
    expect(check('eks-private-api', publicApi)[0].message).toMatch(/endpoint_public_access is not false in prod/);
    expect(check('eks-private-api', publicApi, { stage: 'dev' })).toEqual([]);
    expect(check('eks-private-api', tfEnv(cluster({ endpoint_public_access: false, endpoint_private_access: true })))).toEqual([]);
  });

  it('eks-secrets-encryption and eks-control-plane-logging', () => {
    const good = tfEnv(
      cluster({}, { encryption_config: { resources: ['secrets'], provider: { key_arn: 'k' } }, enabled_cluster_log_types: ['api', 'audit', 'authenticator'] }),
    );
    expect(check('eks-secrets-encryption', good)).toEqual([]);
    expect(check('eks-control-plane-logging', good)).toEqual([]);
    const bad = tfEnv(cluster({}, { enabled_cluster_log_types: ['api'] }));
    expect(check('eks-secrets-encryption', bad)).toHaveLength(1);
    expect(check('eks-control-plane-logging', bad)[0].message).toBe('enabled_cluster_log_types lacks audit, authenticator');
  });

  const rolePolicy = (statement: object) =>
    tfEnv({ aws_iam_role_policy: { p: { role: 'r', policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) } } });
  it('iam-policy-readable: a policy no rule can read is reported', () => {
    const quoted = '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"${replace(x, "a", "b")}"}]}';
    const env = tfEnv({ aws_iam_role_policy: { p: { role: 'r', policy: quoted } } });
    expect(check('iam-policy-readable', env)).toEqual([
      expect.objectContaining({ resource: 'aws_iam_role_policy.p', message: expect.stringMatching(/^policy is not JSON/) }),
    ]);
    expect(check('iam-policy-readable', rolePolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '${local.bucket_arn}' }))).toEqual([]);
  });

  it('iam-no-write-on-wildcard-resource: PutMetricData (no resource ARN) passes only under a namespace condition', () => {
    const metrics = { Sid: 'M', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*' };
    expect(check('iam-no-write-on-wildcard-resource', rolePolicy(metrics))[0].message).toMatch(
      /statement M allows write actions on Resource "\*": cloudwatch:PutMetricData/,
    );
    expect(
      check('iam-no-write-on-wildcard-resource', rolePolicy({ ...metrics, Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } } })),
    ).toEqual([]);
  });

  it('terraform-write-only-from-state: a write-only value read from another resource or data source is in their state', () => {
    const server = (password: string, extra: object = {}) =>
      tfEnv({ azurerm_postgresql_flexible_server: { db: { administrator_password_wo: password, administrator_password_wo_version: 1, ...extra } } });
    // The defect this rule keeps out: the value kept in a terraform_data (or random_password) resource.
    expect(check('terraform-write-only-from-state', server('${lookup(terraform_data.db_admin_password.output, "password")}'))).toEqual([
      {
        file: FILE,
        resource: 'azurerm_postgresql_flexible_server.db',
        message: 'administrator_password_wo comes from terraform_data.db_admin_password, whose state holds the value: use a function or an ephemeral value',
      },
    ]);
    expect(check('terraform-write-only-from-state', server('${random_password.db.result}'))[0].message).toMatch(/from random_password\.db,/);
    expect(check('terraform-write-only-from-state', server('${data.azurerm_key_vault_secret.admin.value}'))[0].message).toMatch(
      /from data\.azurerm_key_vault_secret\.admin,/,
    );
    // Inside a block, too.
    const nested = tfEnv({ aws_db_instance: { db: { settings: [{ secret_wo: '${random_password.x.result}' }] } } });
    expect(check('terraform-write-only-from-state', nested)[0].message).toMatch(/^settings\[0\]\.secret_wo comes from random_password\.x,/);
    // A function evaluated at apply, an ephemeral resource, a variable or a literal: nothing in any state.
    for (const ok of ['${uuid()}', '${ephemeral.random_password.db.result}', '${var.admin_password}', 'literal'])
      expect(check('terraform-write-only-from-state', server(ok))).toEqual([]);
    // Only write-only arguments: a reference elsewhere on the resource is no concern of this rule.
    expect(check('terraform-write-only-from-state', server('${uuid()}', { tags: { owner: '${terraform_data.x.output}' } }))).toEqual([]);
  });

  it('terraform-s3-lockfile-version: use_lockfile needs required_version >= 1.11', () => {
    const stack = (required_version: string | undefined, s3: object = { bucket: 'b', key: 'k', use_lockfile: true }): EnvironmentOutput => ({
      name: 'env',
      terraform: [{ file: FILE, stack: 'platform', json: { terraform: { backend: { s3 }, ...(required_version ? { required_version } : {}) }, resource: {} } }],
      manifests: [],
      files: [FILE],
    });
    expect(check('terraform-s3-lockfile-version', stack('>= 1.10.0'))).toEqual([
      { file: FILE, resource: 'terraform', message: 'backend s3 sets use_lockfile but required_version ">= 1.10.0" admits Terraform below 1.11' },
    ]);
    expect(check('terraform-s3-lockfile-version', stack(undefined))).toHaveLength(1);
    expect(check('terraform-s3-lockfile-version', stack('>= 1.11.0'))).toEqual([]);
    expect(check('terraform-s3-lockfile-version', stack('~> 1.12, < 2.0.0'))).toEqual([]);
    // Without the lockfile (a DynamoDB lock table, or no S3 backend) the rule has nothing to say.
    expect(check('terraform-s3-lockfile-version', stack('>= 1.5.0', { bucket: 'b', key: 'k', dynamodb_table: 't' }))).toEqual([]);
  });

  it('karpenter-interruption-events: the interruption queue receives every event of the reference', () => {
    const rule = (id: string, detailType: string) => ({
      [id]: { event_pattern: JSON.stringify({ source: ['aws.ec2'], 'detail-type': [detailType] }) },
    });
    const target = (id: string) => ({ [`${id}_target`]: { rule: `\${aws_cloudwatch_event_rule.${id}.name}`, arn: '${aws_sqs_queue.q.arn}' } });
    const four = [
      'AWS Health Event',
      'EC2 Spot Instance Interruption Warning',
      'EC2 Instance Rebalance Recommendation',
      'EC2 Instance State-change Notification',
    ];
    const env = (types: string[]) =>
      tfEnv({
        aws_sqs_queue: { q: { name: 'karpenter' } },
        aws_cloudwatch_event_rule: Object.assign({}, ...types.map((t, i) => rule(`r${i}`, t))),
        aws_cloudwatch_event_target: Object.assign({}, ...types.map((_t, i) => target(`r${i}`))),
      });
    expect(check('karpenter-interruption-events', env(four))).toEqual([
      { file: FILE, resource: 'aws_sqs_queue.q', message: 'no EventBridge rule sends "EC2 Capacity Reservation Instance Interruption Warning"' },
    ]);
    expect(check('karpenter-interruption-events', env([...four, 'EC2 Capacity Reservation Instance Interruption Warning']))).toEqual([]);
  });

  it('iam-no-wildcard-action', () => {
    expect(check('iam-no-wildcard-action', rolePolicy({ Sid: 'All', Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::x' }))[0].message).toMatch(
      /statement All allows Action "\*"/,
    );
    expect(check('iam-no-wildcard-action', rolePolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/*' }))).toEqual([]);
  });

  it('bedrock-profile-destinations: a profile ARN needs the foundation model in every destination region', () => {
    const profile = 'arn:aws:bedrock:eu-west-1:111111111111:inference-profile/eu.anthropic.claude-sonnet-4-6';
    const fm = (r: string) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-sonnet-4-6`;
    const all = ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'].map(fm);
    const invoke = (Resource: string[]) => rolePolicy({ Sid: 'Invoke', Effect: 'Allow', Action: ['bedrock:InvokeModel'], Resource });
    expect(check('bedrock-profile-destinations', invoke([profile, fm('eu-west-1')]))).toEqual([
      expect.objectContaining({
        resource: 'aws_iam_role_policy.p',
        message: `policy: allows eu.anthropic.claude-sonnet-4-6 but not ${all.filter((a) => a !== fm('eu-west-1')).join(', ')}`,
      }),
    ]);
    expect(check('bedrock-profile-destinations', invoke([profile, ...all]))).toEqual([]);
    // The endpoint policy is read too.
    const endpoint = tfEnv({
      aws_vpc_endpoint: {
        e: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'bedrock:InvokeModel', Resource: [profile] }] }) },
      },
    });
    expect(check('bedrock-profile-destinations', endpoint)[0]).toMatchObject({
      resource: 'aws_vpc_endpoint.e',
      message: expect.stringMatching(/but not arn:aws:bedrock:eu-central-1::/),
    });
  });

  it('iam-no-write-on-wildcard-resource allows reads on "*" but not writes, and ignores key policies', () => {
    expect(
      check('iam-no-write-on-wildcard-resource', rolePolicy({ Effect: 'Allow', Action: ['ec2:DescribeInstances', 'pricing:GetProducts'], Resource: '*' })),
    ).toEqual([]);
    const write = check(
      'iam-no-write-on-wildcard-resource',
      rolePolicy({ Sid: 'W', Effect: 'Allow', Action: ['ec2:DescribeInstances', 'ec2:TerminateInstances'], Resource: '*' }),
    );
    expect(write[0].message).toBe('statement W allows write actions on Resource "*": ec2:TerminateInstances');
    const keyPolicy = tfEnv({
      aws_kms_key: {
        k: {
          policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }] }),
        },
      },
    });
    expect(check('iam-no-write-on-wildcard-resource', keyPolicy)).toEqual([]);
  });

  const irsaRole = (condition: object) =>
    tfEnv({
      aws_iam_role: {
        r: {
          assume_role_policy: JSON.stringify({
            Statement: [
              { Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::1:oidc-provider/x' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition },
            ],
          }),
        },
      },
    });
  it('iam-trust-role-by-condition: another role trusted by ARN as principal fails; the account with an aws:PrincipalArn condition passes', () => {
    const trust = (statement: object) =>
      tfEnv({ aws_iam_role: { r: { assume_role_policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }] }) } } });
    const [f] = check('iam-trust-role-by-condition', trust({ Sid: 'Keda', Principal: { AWS: 'arn:aws:iam::111111111111:role/acme-keda' } }));
    expect(f.message).toBe(
      'assume_role_policy: statement Keda names role arn:aws:iam::111111111111:role/acme-keda as its principal; trust its account and put the role in an ArnEquals aws:PrincipalArn condition',
    );
    expect(
      check(
        'iam-trust-role-by-condition',
        trust({
          Principal: { AWS: 'arn:aws:iam::111111111111:root' },
          Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/acme-keda' } },
        }),
      ),
    ).toEqual([]);
  });

  it('iam-trust-one-service-account: web identity bound by sub and aud', () => {
    const good = {
      StringEquals: {
        'oidc.eks.eu-west-1.amazonaws.com/id/X:sub': 'system:serviceaccount:edw:consumer',
        'oidc.eks.eu-west-1.amazonaws.com/id/X:aud': 'sts.amazonaws.com',
      },
    };
    expect(check('iam-trust-one-service-account', irsaRole(good))).toEqual([]);
    const wildcard = { StringLike: { 'x:sub': 'system:serviceaccount:edw:*' }, StringEquals: { 'x:aud': 'sts.amazonaws.com' } };
    expect(check('iam-trust-one-service-account', irsaRole(wildcard))[0].message).toMatch(/one StringEquals :sub condition/);
    expect(check('iam-trust-one-service-account', irsaRole({ StringEquals: { 'x:sub': 'system:serviceaccount:edw:consumer' } }))[0].message).toMatch(
      /:aud condition/,
    );
  });

  it('iam-trust-one-service-account: a pod-identity role has one association and names its service account', () => {
    const trust = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: { StringEquals: { 'aws:RequestTag/kubernetes-service-account': 'karpenter' } },
        },
      ],
    });
    const association = (n: string) => ({
      [n]: { cluster_name: 'c', namespace: 'kube-system', service_account: 'karpenter', role_arn: '${aws_iam_role.r.arn}' },
    });
    expect(
      check('iam-trust-one-service-account', tfEnv({ aws_iam_role: { r: { assume_role_policy: trust } }, aws_eks_pod_identity_association: association('a') })),
    ).toEqual([]);
    const twice = check(
      'iam-trust-one-service-account',
      tfEnv({ aws_iam_role: { r: { assume_role_policy: trust } }, aws_eks_pod_identity_association: { ...association('a'), ...association('b') } }),
    );
    expect(twice[0].message).toMatch(/used by 2 associations/);
  });
});

// ---------------------------------------------------------------- Azure
describe('Azure rules', () => {
  const account = (over: object = {}) =>
    tfEnv({
      azurerm_storage_account: {
        sa: {
          https_traffic_only_enabled: true,
          min_tls_version: 'TLS1_2',
          allow_nested_items_to_be_public: false,
          shared_access_key_enabled: false,
          public_network_access_enabled: false,
          ...over,
        },
      },
    });
  it.each([
    ['storage-https-only', { https_traffic_only_enabled: false }],
    ['storage-tls12', { min_tls_version: 'TLS1_0' }],
    ['storage-no-public-blob', { allow_nested_items_to_be_public: undefined }],
    ['storage-shared-key-disabled', { shared_access_key_enabled: true }],
    ['storage-private-in-prod', { public_network_access_enabled: true }],
  ])('%s', (rule, bad) => {
    expect(check(rule, account(), { cloud: 'azure' })).toEqual([]);
    expect(check(rule, account(bad), { cloud: 'azure' })).toHaveLength(1);
  });

  it('azure-no-public-network-in-prod covers OpenAI, Key Vault, PostgreSQL and Data Factory, in prod only', () => {
    const env = tfEnv({
      azurerm_cognitive_account: { ai: { public_network_access_enabled: true } },
      azurerm_key_vault: { kv: {} },
      azurerm_postgresql_flexible_server: { pg: { public_network_access_enabled: false } },
      azurerm_data_factory: { adf: { public_network_enabled: true } },
    });
    expect(check('azure-no-public-network-in-prod', env).map((v) => v.resource)).toEqual([
      'azurerm_cognitive_account.ai',
      'azurerm_key_vault.kv',
      'azurerm_data_factory.adf',
    ]);
    expect(check('azure-no-public-network-in-prod', env, { stage: 'dev' })).toEqual([]);
  });

  const aks = (over: object = {}) => ({
    azurerm_kubernetes_cluster: {
      k: {
        private_cluster_enabled: true,
        local_account_disabled: true,
        azure_active_directory_role_based_access_control: { azure_rbac_enabled: true },
        ...over,
      },
    },
  });
  it('aks-private-api and aks-entra-rbac', () => {
    expect(check('aks-private-api', tfEnv(aks()))).toEqual([]);
    expect(check('aks-private-api', tfEnv(aks({ private_cluster_enabled: false })))).toHaveLength(1);
    expect(check('aks-entra-rbac', tfEnv(aks()))).toEqual([]);
    expect(check('aks-entra-rbac', tfEnv(aks({ local_account_disabled: false })))[0].message).toMatch(/local_account_disabled/);
    expect(check('aks-entra-rbac', tfEnv(aks({ azure_active_directory_role_based_access_control: undefined })))[0].message).toMatch(/azure_rbac_enabled/);
  });

  it('aks-control-plane-logging needs API server and audit categories on the cluster', () => {
    const setting = (categories: string[]) => ({
      azurerm_monitor_diagnostic_setting: {
        d: { target_resource_id: '${azurerm_kubernetes_cluster.k.id}', enabled_log: categories.map((category) => ({ category })) },
      },
    });
    expect(check('aks-control-plane-logging', tfEnv({ ...aks(), ...setting(['kube-apiserver', 'kube-audit-admin']) }))).toEqual([]);
    expect(check('aks-control-plane-logging', tfEnv({ ...aks(), ...setting(['kube-apiserver']) }))[0].message).toMatch(/kube-audit/);
    expect(check('aks-control-plane-logging', tfEnv(aks()))).toHaveLength(1);
  });

  it('azure-federated-credential-one-sa', () => {
    const cred = (subject: string, audience = ['api://AzureADTokenExchange']) => tfEnv({ azurerm_federated_identity_credential: { f: { subject, audience } } });
    expect(check('azure-federated-credential-one-sa', cred('system:serviceaccount:edw:consumer'))).toEqual([]);
    expect(check('azure-federated-credential-one-sa', cred('system:serviceaccount:edw:*'))).toHaveLength(1);
    expect(check('azure-federated-credential-one-sa', cred('system:serviceaccount:edw:consumer', ['api://other']))).toHaveLength(1);
  });

  it('azure-ml-workspace-identity-datastores: identity datastores always, private in prod, never the azurerm resource', () => {
    const deployment = (properties: object) =>
      tfEnv({
        azurerm_resource_group_template_deployment: {
          mlw: { template_content: JSON.stringify({ resources: [{ type: 'Microsoft.MachineLearningServices/workspaces', name: 'mlw', properties }] }) },
          other: { template_content: JSON.stringify({ resources: [{ type: 'Microsoft.KeyVault/vaults/secrets', name: 'kv/s', properties: {} }] }) },
        },
      });
    const rule = 'azure-ml-workspace-identity-datastores';
    expect(check(rule, deployment({ systemDatastoresAuthMode: 'identity', publicNetworkAccess: 'Disabled' }), { cloud: 'azure' })).toEqual([]);
    expect(check(rule, deployment({ systemDatastoresAuthMode: 'identity', publicNetworkAccess: 'Enabled' }), { cloud: 'azure', stage: 'dev' })).toEqual([]);
    expect(check(rule, deployment({ systemDatastoresAuthMode: 'accessKey', publicNetworkAccess: 'Disabled' }), { cloud: 'azure' })).toEqual([
      {
        file: FILE,
        resource: 'azurerm_resource_group_template_deployment.mlw',
        message: 'workspace mlw: systemDatastoresAuthMode is "accessKey", not "identity"',
      },
    ]);
    expect(check(rule, deployment({ publicNetworkAccess: 'Disabled' }), { cloud: 'azure' })).toHaveLength(1);
    expect(check(rule, deployment({ systemDatastoresAuthMode: 'identity', publicNetworkAccess: 'Enabled' }), { cloud: 'azure' })).toHaveLength(1);
    expect(check(rule, tfEnv({ azurerm_machine_learning_workspace: { w: { public_network_access_enabled: false } } }), { cloud: 'azure' })).toHaveLength(1);
  });

  it('azure-role-assignment-scope', () => {
    const assignment = (scope: string) => tfEnv({ azurerm_role_assignment: { a: { scope, role_definition_name: 'Reader', principal_id: 'p' } } });
    expect(check('azure-role-assignment-scope', assignment('${azurerm_storage_account.sa.id}'))).toEqual([]);
    expect(check('azure-role-assignment-scope', assignment('/subscriptions/00000000-0000-0000-0000-000000000001'))).toHaveLength(1);
    expect(check('azure-role-assignment-scope', assignment('${data.azurerm_subscription.current.id}'))).toHaveLength(1);
  });
});

describe('Azure rules from issue 15 (first apply, quiet plans)', () => {
  const az = { cloud: 'azure' as const };
  it('azure-firewalled-resource-reachable: a denying firewall needs a private endpoint to the resource or a subnet rule', () => {
    const vault = (extra: Record<string, any> = {}) => ({
      azurerm_key_vault: { kv: { network_acls: { default_action: 'Deny', bypass: 'AzureServices' }, ...extra } },
    });
    const endpoint = (target: string) => ({
      azurerm_private_endpoint: { pe: { private_service_connection: { private_connection_resource_id: `\${${target}.id}`, subresource_names: ['vault'] } } },
    });
    const denied = check('azure-firewalled-resource-reachable', tfEnv(vault()), az);
    expect(denied).toEqual([expect.objectContaining({ resource: 'azurerm_key_vault.kv', message: expect.stringMatching(/default_action is Deny/) })]);
    expect(check('azure-firewalled-resource-reachable', tfEnv({ ...vault(), ...endpoint('azurerm_key_vault.kv') }), az)).toEqual([]);
    // An endpoint to another resource is no path to this one.
    expect(check('azure-firewalled-resource-reachable', tfEnv({ ...vault(), ...endpoint('azurerm_key_vault.other') }), az)).toHaveLength(1);
    expect(
      check(
        'azure-firewalled-resource-reachable',
        tfEnv(vault({ network_acls: { default_action: 'Deny', virtual_network_subnet_ids: ['${azurerm_subnet.user.id}'] } })),
        az,
      ),
    ).toEqual([]);
    // Public network access off is a closed firewall too; an open one needs nothing.
    expect(check('azure-firewalled-resource-reachable', tfEnv({ azurerm_storage_account: { sa: { public_network_access_enabled: false } } }), az)).toHaveLength(
      1,
    );
    expect(check('azure-firewalled-resource-reachable', tfEnv({ azurerm_storage_account: { sa: { public_network_access_enabled: true } } }), az)).toEqual([]);
  });

  const pool = (extra: Record<string, any>) => ({
    azurerm_kubernetes_cluster_node_pool: { spot: { name: 'spot', temporary_name_for_rotation: 'spottmp', ...extra } },
  });
  it('aks-spot-pool-labels: a Spot pool declares the AKS-managed scalesetpriority label and taint', () => {
    const label = { 'kubernetes.azure.com/scalesetpriority': 'spot' };
    const taint = ['kubernetes.azure.com/scalesetpriority=spot:NoSchedule'];
    expect(check('aks-spot-pool-labels', tfEnv(pool({ priority: 'Spot', node_labels: label, node_taints: taint })), az)).toEqual([]);
    expect(
      check('aks-spot-pool-labels', tfEnv(pool({ priority: 'Spot', node_labels: { 'platform-synth.io/pool': 'spot' }, node_taints: taint })), az)[0].message,
    ).toMatch(/node_labels has no kubernetes.azure.com\/scalesetpriority=spot/);
    expect(check('aks-spot-pool-labels', tfEnv(pool({ priority: 'Spot', node_labels: label })), az)[0].message).toMatch(/node_taints/);
    expect(check('aks-spot-pool-labels', tfEnv(pool({ priority: 'Regular' })), az)).toEqual([]);
  });

  it('aks-node-pool-rotation-name: every pool names a valid temporary pool that is not another pool', () => {
    const cluster = (temp?: string) => ({
      azurerm_kubernetes_cluster: { k: { default_node_pool: { name: 'system', ...(temp ? { temporary_name_for_rotation: temp } : {}) } } },
    });
    expect(check('aks-node-pool-rotation-name', tfEnv({ ...cluster('systemtmp'), ...pool({}) }), az)).toEqual([]);
    expect(check('aks-node-pool-rotation-name', tfEnv({ ...cluster('systemtmp'), ...pool({ temporary_name_for_rotation: undefined }) }), az)).toEqual([
      expect.objectContaining({ resource: 'azurerm_kubernetes_cluster_node_pool.spot', message: 'temporary_name_for_rotation is not set' }),
    ]);
    expect(check('aks-node-pool-rotation-name', tfEnv({ ...cluster(), ...pool({}) }), az)[0].message).toBe(
      'default_node_pool.temporary_name_for_rotation is not set',
    );
    expect(check('aks-node-pool-rotation-name', tfEnv(pool({ temporary_name_for_rotation: 'spot-rotation' })), az)[0].message).toMatch(/1–12 lowercase/);
    expect(check('aks-node-pool-rotation-name', tfEnv({ ...cluster('spot'), ...pool({}) }), az)[0].message).toMatch(/name of a pool/);
  });

  it('azure-resource-providers-registered: a resource needs its namespace in the core set or resource_providers_to_register', () => {
    const env = (provider: Record<string, any>) => ({
      name: 'env',
      terraform: [
        {
          file: FILE,
          stack: 'lakehouse',
          json: { provider: { azurerm: [provider] }, resource: { azurerm_purview_account: { p: {} }, azurerm_storage_account: { s: {} } } } as any,
        },
      ],
      manifests: [],
      files: [FILE],
    });
    expect(
      check('azure-resource-providers-registered', env({ resource_provider_registrations: 'core', resource_providers_to_register: ['Microsoft.Purview'] }), az),
    ).toEqual([]);
    expect(check('azure-resource-providers-registered', env({ resource_provider_registrations: 'core' }), az)).toEqual([
      expect.objectContaining({
        resource: 'azurerm_purview_account.p',
        message: expect.stringMatching(/Microsoft.Purview is not in resource_providers_to_register/),
      }),
    ]);
    // Unset: azurerm's legacy set, which has no Microsoft.Purview.
    expect(check('azure-resource-providers-registered', env({}), az)[0].message).toMatch(/legacy/);
  });

  it('azure-monitoring-local-auth-disabled: workspaces and Application Insights take Entra ID only', () => {
    const good = {
      azurerm_log_analytics_workspace: { w: { local_authentication_enabled: false } },
      azurerm_application_insights: { a: { local_authentication_disabled: true } },
    };
    expect(check('azure-monitoring-local-auth-disabled', tfEnv(good), az)).toEqual([]);
    const bad = { azurerm_log_analytics_workspace: { w: {} }, azurerm_application_insights: { a: {} } };
    expect(check('azure-monitoring-local-auth-disabled', tfEnv(bad), az).map((v) => v.resource)).toEqual([
      'azurerm_log_analytics_workspace.w',
      'azurerm_application_insights.a',
    ]);
  });
});

// ---------------------------------------------------------------- Kubernetes
const secureContainer = {
  name: 'app',
  image: 'registry.example.com/app:1.2.3',
  securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
};
const deployment = (podSpec: object = {}, container: object = {}): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'consumer', namespace: 'edw' },
  spec: { template: { spec: { containers: [{ ...secureContainer, ...container }], ...podSpec } } },
});

describe('Kubernetes rules', () => {
  it.each([
    ['k8s-run-as-non-root', { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }],
    ['k8s-no-privilege-escalation', { securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true } }],
    ['k8s-read-only-root-filesystem', { securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } }],
    ['k8s-resources', { resources: { requests: { cpu: '100m', memory: '1Gi' } } }],
    ['k8s-image-pinned', { image: 'registry.example.com/app:latest' }],
    ['k8s-image-pinned', { image: 'registry.example.com:5000/app' }],
    ['k8s-not-privileged', { securityContext: { ...secureContainer.securityContext, privileged: true } }],
  ])('%s: a secure container passes, the changed one fails', (rule, container) => {
    expect(check(rule, k8sEnv(deployment()))).toEqual([]);
    const v = check(rule, k8sEnv(deployment({}, container)));
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ resource: 'Deployment edw/consumer', message: expect.stringMatching(/^spec\.template\.spec\.containers\[0\] \(app\): /) });
  });

  it('accepts pinning by digest and by a registry port with a tag, and pod-level runAsNonRoot', () => {
    expect(check('k8s-image-pinned', k8sEnv(deployment({}, { image: `app@sha256:${'a'.repeat(64)}` })))).toEqual([]);
    expect(check('k8s-image-pinned', k8sEnv(deployment({}, { image: 'registry.example.com:5000/team/app:2.0' })))).toEqual([]);
    const podLevel = deployment(
      { securityContext: { runAsNonRoot: true } },
      { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } },
    );
    expect(check('k8s-run-as-non-root', k8sEnv(podLevel))).toEqual([]);
  });

  it('gitops-pinned-chart: exact chart versions pass, ranges and HEAD fail; Git sources are not charts', () => {
    const app = (targetRevision: string, chart?: string): K8sObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'op', namespace: 'argocd' },
      spec: { source: { repoURL: 'https://charts.example.com', targetRevision, ...(chart ? { chart } : {}) } },
    });
    const release = (version: string): K8sObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'op', namespace: 'flux-system' },
      spec: { chart: { spec: { chart: 'op', version } } },
    });
    expect(
      check('gitops-pinned-chart', k8sEnv(app('1.14.1', 'karpenter'), app('v0.20.0', 'kserve'), app('main'), release('2.20.2'), release('v1.19.1'))),
    ).toEqual([]);
    const oci = (targetRevision: string): K8sObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'op', namespace: 'argocd' },
      spec: { source: { repoURL: 'oci://public.ecr.aws/karpenter/karpenter', path: '.', targetRevision } },
    });
    expect(check('gitops-pinned-chart', k8sEnv(oci('1.14.1')))).toEqual([]);
    const v = check('gitops-pinned-chart', k8sEnv(app('HEAD', 'karpenter'), app('1.*', 'keda'), release('^2.0.0'), release('>=1.0.0'), oci('latest')));
    expect(v.map((x) => x.resource)).toEqual([
      'Application argocd/op',
      'Application argocd/op',
      'HelmRelease flux-system/op',
      'HelmRelease flux-system/op',
      'Application argocd/op',
    ]);
    expect(v[0].message).toBe('spec.source.targetRevision "HEAD" is not an exact chart version (e.g. 1.14.1 or v0.20.0)');
    expect(v[2].message).toMatch(/^spec\.chart\.spec\.version "\^2\.0\.0"/);
  });

  it('k8s-no-host-access', () => {
    expect(check('k8s-no-host-access', k8sEnv(deployment()))).toEqual([]);
    const v = check('k8s-no-host-access', k8sEnv(deployment({ hostNetwork: true, volumes: [{ name: 'root', hostPath: { path: '/' } }] })));
    expect(v[0].message).toBe('spec.template.spec: hostNetwork is true; volume root is a hostPath');
  });

  it('k8s-gpu-toleration', () => {
    const gpu = { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': 1 } } };
    expect(check('k8s-gpu-toleration', k8sEnv(deployment({}, gpu)))).toHaveLength(1);
    expect(
      check(
        'k8s-gpu-toleration',
        k8sEnv(deployment({ tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] }, gpu)),
      ),
    ).toEqual([]);
  });

  it('k8s-spot-toleration on Azure', () => {
    const onSpot = { nodeSelector: { 'kubernetes.azure.com/scalesetpriority': 'spot' } };
    expect(check('k8s-spot-toleration', k8sEnv(deployment(onSpot)), { cloud: 'azure' })).toHaveLength(1);
    const tolerated = { ...onSpot, tolerations: [{ key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' }] };
    expect(check('k8s-spot-toleration', k8sEnv(deployment(tolerated)), { cloud: 'azure' })).toEqual([]);
    const byAffinity = {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.azure.com/scalesetpriority', operator: 'In', values: ['spot'] }] }],
          },
        },
      },
    };
    expect(check('k8s-spot-toleration', k8sEnv(deployment(byAffinity)), { cloud: 'azure' })).toHaveLength(1);
  });

  it('k8s-spot-toleration on AWS: the platform taints Karpenter’s Spot NodePools', () => {
    const spotPool: K8sObject = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'spot' },
      spec: {
        template: {
          metadata: { labels: { 'platform-synth.io/pool': 'spot' } },
          spec: { requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] }] },
        },
      },
    };
    const byPool = {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'platform-synth.io/pool', operator: 'In', values: ['spot'] }] }],
          },
        },
      },
    };
    const [v] = check('k8s-spot-toleration', k8sEnv(spotPool, deployment(byPool)), { cloud: 'aws' });
    expect(v.message).toMatch(/does not tolerate platform-synth.io\/spot=true:NoSchedule/);
    const tolerated = { ...byPool, tolerations: [{ key: 'platform-synth.io/spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] };
    expect(check('k8s-spot-toleration', k8sEnv(spotPool, deployment(tolerated)), { cloud: 'aws' })).toEqual([]);
    // The same pool label is no Spot selection where no Spot NodePool carries it.
    expect(check('k8s-spot-toleration', k8sEnv(deployment(byPool)), { cloud: 'aws' })).toEqual([]);
  });

  it('k8s-default-deny: every workload namespace has a deny-all policy', () => {
    const ns: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'edw', labels: { 'platform-synth.io/tier': 'workload' } } };
    const deny: K8sObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'edw' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    };
    const ingressOnly: K8sObject = { ...deny, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    expect(check('k8s-default-deny', k8sEnv(ns, deny))).toEqual([]);
    expect(check('k8s-default-deny', k8sEnv(ns, ingressOnly))).toEqual([expect.objectContaining({ resource: 'Namespace edw' })]);
  });

  it('k8s-identity-only-where-used', () => {
    const sa: K8sObject = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'consumer', namespace: 'edw', annotations: { 'azure.workload.identity/client-id': 'x' } },
    };
    expect(check('k8s-identity-only-where-used', k8sEnv(sa))).toHaveLength(1);
    expect(check('k8s-identity-only-where-used', k8sEnv(sa, deployment({ serviceAccountName: 'consumer' })))).toEqual([]);
    const milvus: K8sObject = {
      apiVersion: 'milvus.io/v1beta1',
      kind: 'Milvus',
      metadata: { name: 'milvus', namespace: 'edw' },
      spec: { components: { serviceAccountName: 'consumer' } },
    };
    expect(check('k8s-identity-only-where-used', k8sEnv(sa, milvus))).toEqual([]);
    const seldon: K8sObject = {
      apiVersion: 'machinelearning.seldon.io/v1',
      kind: 'SeldonDeployment',
      metadata: { name: 'ab', namespace: 'edw' },
      spec: { predictors: [{ name: 'main', componentSpecs: [{ spec: { serviceAccountName: 'consumer' } }] }] },
    };
    expect(check('k8s-identity-only-where-used', k8sEnv(sa, seldon))).toEqual([]);
  });

  it('finds pod specs in CronJobs', () => {
    const cron: K8sObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'producer', namespace: 'edw' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ ...secureContainer, image: 'producer' }] } } } } },
    };
    expect(check('k8s-image-pinned', k8sEnv(cron))[0].message).toMatch(/^spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]/);
  });
});

describe('the policy pack', () => {
  it('gives every rule a unique kebab-case id and a one-line reason', () => {
    const ids = POLICY_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of POLICY_RULES) {
      expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.reason).toMatch(/^[A-Z].{10,}\.$/);
      expect(r.reason).not.toContain('\n');
    }
  });
});
