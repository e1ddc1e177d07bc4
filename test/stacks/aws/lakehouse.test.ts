import {
  awsTaggable,
  fullSchemasPresent,
  type Json,
  of,
  one,
  providerSchema,
  ref,
  renderPicking,
  statements,
  withEnv,
  resourceCounts,
  s3BucketCounts,
} from '../helpers';
import { LAKEHOUSE_STACK } from '../../../src/model/naming';
import type { LakehouseSpec, MedallionLayer, PlatformSpec } from '../../../src/model/types';
import { validatePlatform } from '../../../src/model/validate';
import { defaultPlatform } from '../../../src/platform';

const render = renderPicking('lakehouse');

/** The default model with the lakehouse of one environment changed (a copy: the default model stays untouched). */
function withLakehouse(envName: string, change: (lakehouse: LakehouseSpec) => LakehouseSpec): PlatformSpec {
  return withEnv(envName, (e) => ({ ...e, workloads: { ...e.workloads, lakehouse: change(e.workloads!.lakehouse!) } }));
}

const BUCKET_ARN = ref('aws_s3_bucket.lakehouse.arn');
const BUCKET_ID = ref('aws_s3_bucket.lakehouse.id');
const KEY_ARN = ref('aws_kms_key.lakehouse_kms_key.arn');
const ISSUER = '${local.oidc_issuer_host_path}';
const ALL_LAYERS: MedallionLayer[] = ['bronze', 'silver', 'gold'];
const glueArn = (region: string, account: string, resource: string) => `arn:aws:glue:${region}:${account}:${resource}`;

type Rendered = ReturnType<typeof render>;
const sparkPolicy = (r: Rendered) => statements(one(r.lakehouse, 'aws_iam_role_policy', 'spark_policy').policy);
const bySid = (s: Json[], sid: string): Json => {
  const found = s.find((st) => st.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}; have ${s.map((st) => st.Sid).join(', ')}`);
  return found;
};
const list = (value: unknown): string[] => [value].flat() as string[];

describe('aws lakehouse stack', () => {
  const dev = render('aws-dev');
  const prod = render('aws-prod');

  it('is named lakehouse: its directory under dist and its state key', () => {
    expect(LAKEHOUSE_STACK).toBe('lakehouse');
  });

  it('looks up only the cluster, by its model name, for its OIDC issuer', () => {
    for (const r of [dev, prod]) {
      expect(Object.keys(r.lakehouse.data)).toEqual(['aws_eks_cluster']);
      expect(r.lakehouse.data.aws_eks_cluster.cluster).toEqual({ name: r.names.aws!.clusterName });
      expect(r.lakehouse.locals.oidc_issuer_host_path).toBe('${replace(data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer, "https://", "")}');
    }
  });

  it('encrypts the bucket with its own rotating KMS key under the model alias, SSE-KMS with the bucket key', () => {
    for (const r of [dev, prod]) {
      expect(Object.keys(of(r.lakehouse, 'aws_kms_key'))).toEqual(['lakehouse_kms_key']);
      const key = one(r.lakehouse, 'aws_kms_key', 'lakehouse_kms_key');
      expect(key.enable_key_rotation).toBe(true);
      expect(key.deletion_window_in_days).toBe(30);
      // IAM in the account governs the key; no other principal is named in the key policy.
      expect(statements(key.policy)).toEqual([
        { Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${r.env.aws!.accountId}:root` }, Action: 'kms:*', Resource: '*' },
      ]);
      expect(one(r.lakehouse, 'aws_kms_alias', 'lakehouse_kms_alias')).toEqual({
        name: `alias/${r.names.prefix}-lakehouse`,
        target_key_id: ref('aws_kms_key.lakehouse_kms_key.key_id'),
      });
      expect(one(r.lakehouse, 'aws_s3_bucket_server_side_encryption_configuration', 'lakehouse_bucket_encryption')).toEqual({
        bucket: BUCKET_ID,
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY_ARN }, bucket_key_enabled: true }],
      });
    }
  });

  it('hardens the bucket acme-aws-<stage>-lakehouse-<account>: versioning, full public access block, no ACLs, TLS only', () => {
    for (const r of [dev, prod]) {
      const bucketName = `acme-aws-${r.env.stage}-lakehouse-${r.env.aws!.accountId}`;
      expect(r.names.lakehouse!.aws!.bucket).toBe(bucketName);
      const buckets = of(r.lakehouse, 'aws_s3_bucket');
      expect(Object.keys(buckets)).toEqual(['lakehouse']);
      expect(buckets.lakehouse.bucket).toBe(bucketName);
      expect(buckets.lakehouse.acl).toBeUndefined();
      expect(buckets.lakehouse.force_destroy).toBeUndefined();
      expect(one(r.lakehouse, 'aws_s3_bucket_versioning', 'lakehouse_bucket_versioning')).toEqual({
        bucket: BUCKET_ID,
        versioning_configuration: { status: 'Enabled' },
      });
      expect(one(r.lakehouse, 'aws_s3_bucket_public_access_block', 'lakehouse_bucket_public_access_block')).toEqual({
        bucket: BUCKET_ID,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(one(r.lakehouse, 'aws_s3_bucket_ownership_controls', 'lakehouse_bucket_ownership_controls')).toEqual({
        bucket: BUCKET_ID,
        rule: { object_ownership: 'BucketOwnerEnforced' },
      });
      const policy = one(r.lakehouse, 'aws_s3_bucket_policy', 'lakehouse_bucket_policy');
      expect(policy.bucket).toBe(BUCKET_ID);
      expect(policy.depends_on).toEqual(['aws_s3_bucket_public_access_block.lakehouse_bucket_public_access_block']);
      expect(statements(policy.policy)).toEqual([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]);
    }
  });

  it('keeps noncurrent versions for retentionDays (7 dev, 30 prod) and never expires current objects', () => {
    const expected: [Rendered, number][] = [
      [dev, 7],
      [prod, 30],
    ];
    for (const [r, days] of expected) {
      expect(r.env.lakehouse!.retentionDays).toBe(days);
      const lifecycle = one(r.lakehouse, 'aws_s3_bucket_lifecycle_configuration', 'lakehouse_bucket_lifecycle');
      expect(lifecycle.bucket).toBe(BUCKET_ID);
      expect(lifecycle.depends_on).toEqual(['aws_s3_bucket_versioning.lakehouse_bucket_versioning']);
      expect(lifecycle.rule).toEqual([
        {
          id: 'versions-and-uploads',
          status: 'Enabled',
          filter: [{}],
          noncurrent_version_expiration: [{ noncurrent_days: days }],
          expiration: [{ expired_object_delete_marker: true }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        },
      ]);
      // Iceberg expires its own snapshots: no rule may delete or transition current data files.
      for (const rule of lifecycle.rule as Json[]) {
        for (const e of [rule.expiration ?? []].flat() as Json[]) {
          expect(e.days).toBeUndefined();
          expect(e.date).toBeUndefined();
        }
        expect(rule.transition).toBeUndefined();
      }
    }
  });

  it('takes retentionDays from the model', () => {
    const spec = withLakehouse('aws-prod', (l) => ({ ...l, retentionDays: 45 }));
    expect(validatePlatform(spec)).toEqual([]);
    const r = render('aws-prod', spec);
    const rule = one(r.lakehouse, 'aws_s3_bucket_lifecycle_configuration', 'lakehouse_bucket_lifecycle').rule[0];
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 45 }]);
    expect(rule.expiration).toEqual([{ expired_object_delete_marker: true }]);
    // The default model is untouched.
    expect(defaultPlatform.environments.find((e) => e.name === 'aws-prod')!.workloads!.lakehouse!.retentionDays).toBeUndefined();
    expect(
      one(render('aws-prod').lakehouse, 'aws_s3_bucket_lifecycle_configuration', 'lakehouse_bucket_lifecycle').rule[0].noncurrent_version_expiration,
    ).toEqual([{ noncurrent_days: 30 }]);
  });

  it('catalogs each layer as a Glue database named as the layer, located at its prefix', () => {
    for (const r of [dev, prod]) {
      const bucket = r.names.lakehouse!.aws!.bucket;
      const databases = of(r.lakehouse, 'aws_glue_catalog_database');
      expect(Object.keys(databases).sort()).toEqual(['bronze_database', 'gold_database', 'silver_database']);
      for (const layer of ALL_LAYERS) {
        expect(databases[`${layer}_database`]).toEqual({
          name: layer,
          description: expect.stringContaining(layer),
          location_uri: `s3://${bucket}/${layer}/`,
        });
      }
    }
  });

  it('binds Spark to exactly lakehouse/spark through IRSA on the cluster OIDC provider', () => {
    for (const r of [dev, prod]) {
      const lakehouse = r.names.lakehouse!;
      expect([lakehouse.namespace, lakehouse.sparkServiceAccount]).toEqual(['lakehouse', 'spark']);
      expect(Object.keys(of(r.lakehouse, 'aws_iam_role'))).toEqual(['spark_role']);
      const role = one(r.lakehouse, 'aws_iam_role', 'spark_role');
      expect(role.name).toBe(`${r.names.prefix}-lakehouse-spark`);
      expect(statements(role.assume_role_policy)).toEqual([
        {
          Sid: 'AllowServiceAccountWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${r.env.aws!.accountId}:oidc-provider/${ISSUER}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:lakehouse:spark', [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
        },
      ]);
      // IRSA, not Pod Identity: no association, and no managed policy beside the inline one.
      expect(of(r.lakehouse, 'aws_eks_pod_identity_association')).toEqual({});
      expect(of(r.lakehouse, 'aws_iam_role_policy_attachment')).toEqual({});
      expect(of(r.lakehouse, 'aws_iam_policy')).toEqual({});
      const policy = one(r.lakehouse, 'aws_iam_role_policy', 'spark_policy');
      expect(policy.role).toBe(ref('aws_iam_role.spark_role.id'));
    }
  });

  it('lets Spark read and write objects under the layer prefixes only, and list only those prefixes', () => {
    for (const r of [dev, prod]) {
      const s = sparkPolicy(r);
      const objects = bySid(s, 'ReadWriteLayers');
      expect(objects.Effect).toBe('Allow');
      expect([...list(objects.Action)].sort()).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject']);
      // Each layer as S3A sees a directory: its bare key (the HEAD S3A sends first) and everything below it.
      expect(objects.Resource).toEqual(ALL_LAYERS.flatMap((l) => [`${BUCKET_ARN}/${l}`, `${BUCKET_ARN}/${l}/*`]));
      expect(objects.Condition).toBeUndefined();

      const listing = bySid(s, 'ListLayers');
      expect(list(listing.Action)).toContain('s3:ListBucket');
      for (const a of list(listing.Action)) expect(a).toMatch(/^s3:List/);
      expect(listing.Resource).toBe(BUCKET_ARN);
      expect(listing.Condition).toEqual({ StringLike: { 's3:prefix': [...ALL_LAYERS, 'landing'].flatMap((l) => [l, `${l}/*`]) } });
      // The landing zone (`--source landing`): read only.
      expect(bySid(s, 'ReadLanding')).toEqual({
        Sid: 'ReadLanding',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [`${BUCKET_ARN}/landing`, `${BUCKET_ARN}/landing/*`],
      });
      expect(r.names.lakehouse!.landingUri).toBe(`s3://${r.names.lakehouse!.aws!.bucket}/landing/`);
      // Actions without an s3:prefix condition key stand apart, so a prefix condition cannot silently deny them.
      expect(bySid(s, 'LocateBucketAndUploads')).toEqual({
        Sid: 'LocateBucketAndUploads',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        Resource: BUCKET_ARN,
      });

      // Every statement on the bucket itself (not its objects) is a list/locate action.
      for (const st of s) if (list(st.Resource).includes(BUCKET_ARN)) for (const a of list(st.Action)) expect(a).toMatch(/^s3:(List|GetBucketLocation$)/);
    }
  });

  it('lets Spark use the bucket key through S3 in the region only', () => {
    for (const r of [dev, prod]) {
      const kmsStatements = sparkPolicy(r).filter((st) => list(st.Action).some((a) => a.startsWith('kms:')));
      expect(kmsStatements).toHaveLength(1);
      expect(kmsStatements[0]).toMatchObject({
        Effect: 'Allow',
        Resource: KEY_ARN,
        Condition: { StringEquals: { 'kms:ViaService': `s3.${r.env.region}.amazonaws.com` } },
      });
      expect([...list(kmsStatements[0].Action)].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    }
  });

  it('lets Spark manage tables of the layer databases only, and never create or delete a database', () => {
    for (const r of [dev, prod]) {
      const region = r.env.region;
      const account = r.env.aws!.accountId;
      const catalog = glueArn(region, account, 'catalog');
      const databases = ALL_LAYERS.map((l) => glueArn(region, account, `database/${l}`));
      const tables = ALL_LAYERS.map((l) => glueArn(region, account, `table/${l}/*`));
      const glue = sparkPolicy(r).filter((st) => list(st.Action).some((a) => a.startsWith('glue:')));
      const actions = glue.flatMap((st) => list(st.Action));
      expect(actions).toEqual(expect.arrayContaining(['glue:GetDatabase', 'glue:CreateTable', 'glue:GetTable', 'glue:UpdateTable']));
      for (const a of actions) {
        expect(a).toMatch(/^glue:[A-Za-z]+$/);
        // Databases are Terraform's: Spark only reads them.
        if (/Database/.test(a)) expect(a).toMatch(/^glue:GetDatabases?$/);
      }
      expect(actions).not.toContain('glue:CreateDatabase');
      expect(actions).not.toContain('glue:DeleteDatabase');
      expect(actions).not.toContain('glue:UpdateDatabase');
      for (const st of glue) {
        for (const res of list(st.Resource)) expect([catalog, ...databases, ...tables]).toContain(res);
        // Table actions need the table ARNs; database reads do not get them.
        if (list(st.Action).some((a) => /Table/.test(a))) expect(list(st.Resource)).toEqual(expect.arrayContaining([catalog, ...databases, ...tables]));
        else for (const res of list(st.Resource)) expect(tables).not.toContain(res);
      }
    }
  });

  it('is least privilege: every Resource is one of the expected ARNs, no wildcard actions, no Resource "*"', () => {
    for (const r of [dev, prod]) {
      const region = r.env.region;
      const account = r.env.aws!.accountId;
      const expected = [
        BUCKET_ARN,
        ...ALL_LAYERS.flatMap((l) => [`${BUCKET_ARN}/${l}`, `${BUCKET_ARN}/${l}/*`]),
        `${BUCKET_ARN}/landing`,
        `${BUCKET_ARN}/landing/*`,
        KEY_ARN,
        glueArn(region, account, 'catalog'),
        ...ALL_LAYERS.map((l) => glueArn(region, account, `database/${l}`)),
        ...ALL_LAYERS.map((l) => glueArn(region, account, `table/${l}/*`)),
      ];
      const s = sparkPolicy(r);
      expect(s.length).toBeGreaterThan(0);
      for (const st of s) {
        expect(st.Effect).toBe('Allow');
        expect(st.Principal).toBeUndefined();
        expect(st.NotAction).toBeUndefined();
        expect(st.NotResource).toBeUndefined();
        expect(list(st.Resource).length).toBeGreaterThan(0);
        for (const res of list(st.Resource)) expect(expected).toContain(res);
        for (const a of list(st.Action)) {
          expect(a).not.toMatch(/\*/);
          expect(a).toMatch(/^(s3|kms|glue):[A-Za-z]+$/);
        }
      }
      // Nothing outside the lakehouse: no bucket-wide object access, no other service.
      expect(JSON.stringify(s)).not.toContain(`${BUCKET_ARN}/*"`);
      expect(JSON.stringify(s)).not.toMatch(/secretsmanager|bedrock|sqs|dynamodb|iam:|sts:/);
    }
  });

  it('creates only the layers the model lists, and the Spark policy names only those', () => {
    const spec = withLakehouse('aws-dev', (l) => ({ ...l, layers: ['bronze', 'gold'], jobs: (l.jobs ?? []).filter((j) => j.layer !== 'silver') }));
    expect(validatePlatform(spec)).toEqual([]);
    const r = render('aws-dev', spec);
    expect(r.env.lakehouse!.layers).toEqual(['bronze', 'gold']);
    const bucket = r.names.lakehouse!.aws!.bucket;
    const databases = of(r.lakehouse, 'aws_glue_catalog_database');
    expect(Object.keys(databases).sort()).toEqual(['bronze_database', 'gold_database']);
    expect(databases.bronze_database.location_uri).toBe(`s3://${bucket}/bronze/`);
    expect(databases.gold_database.location_uri).toBe(`s3://${bucket}/gold/`);

    const s = sparkPolicy(r);
    expect(JSON.stringify(s)).not.toContain('silver');
    expect(bySid(s, 'ReadWriteLayers').Resource).toEqual([`${BUCKET_ARN}/bronze`, `${BUCKET_ARN}/bronze/*`, `${BUCKET_ARN}/gold`, `${BUCKET_ARN}/gold/*`]);
    expect(bySid(s, 'ListLayers').Condition).toEqual({ StringLike: { 's3:prefix': ['bronze', 'bronze/*', 'gold', 'gold/*', 'landing', 'landing/*'] } });
    const glueResources = s.filter((st) => list(st.Action).some((a) => a.startsWith('glue:'))).flatMap((st) => list(st.Resource));
    const region = r.env.region;
    const account = r.env.aws!.accountId;
    expect(new Set(glueResources)).toEqual(
      new Set([
        glueArn(region, account, 'catalog'),
        glueArn(region, account, 'database/bronze'),
        glueArn(region, account, 'database/gold'),
        glueArn(region, account, 'table/bronze/*'),
        glueArn(region, account, 'table/gold/*'),
      ]),
    );
    // Listed out of order, the layers still come in medallion order.
    const reordered = render(
      'aws-dev',
      withLakehouse('aws-dev', (l) => ({ ...l, layers: ['gold', 'bronze', 'silver'] })),
    );
    expect(bySid(sparkPolicy(reordered), 'ReadWriteLayers').Resource).toEqual(ALL_LAYERS.flatMap((l) => [`${BUCKET_ARN}/${l}`, `${BUCKET_ARN}/${l}/*`]));
    // The default model is untouched.
    expect(defaultPlatform.environments.find((e) => e.name === 'aws-dev')!.workloads!.lakehouse!.layers).toBeUndefined();
    expect(Object.keys(of(render('aws-dev').lakehouse, 'aws_glue_catalog_database'))).toHaveLength(3);
  });

  it('exposes the bucket and the Spark role ARN', () => {
    for (const r of [dev, prod]) {
      expect(Object.keys(r.lakehouse.output).sort()).toEqual(['lakehouse_bucket', 'spark_role_arn']);
      expect(r.lakehouse.output.lakehouse_bucket).toEqual({ value: ref('aws_s3_bucket.lakehouse.bucket'), description: expect.any(String) });
      expect(r.lakehouse.output.spark_role_arn).toEqual({ value: ref('aws_iam_role.spark_role.arn'), description: expect.any(String) });
    }
  });

  it('counts the resources it means to create', () => {
    for (const r of [dev, prod]) {
      expect(resourceCounts(r.lakehouse)).toEqual({
        aws_glue_catalog_database: 3,
        aws_iam_role: 1,
        aws_iam_role_policy: 1,
        aws_kms_alias: 1,
        aws_kms_key: 1,
        ...s3BucketCounts(1),
      });
    }
  });
});

describe('lakehouse disabled', () => {
  it('renders no lakehouse stack, and leaves the other stacks in place', () => {
    for (const envName of ['aws-dev', 'aws-prod']) {
      const spec = withEnv(envName, (e) => ({ ...e, workloads: { ...e.workloads, lakehouse: { enabled: false } } }));
      expect(validatePlatform(spec)).toEqual([]);
      const r = render(envName, spec);
      expect(r.stackNames).toEqual(['platform', 'edw', 'rag', 'mlops']);
      expect(r.lakehouse).toBeUndefined();
      expect(r.env.lakehouse).toBeUndefined();
      expect(r.names.lakehouse).toBeUndefined();
    }
    // withEnv copies: the default model still enables it.
    for (const envName of ['aws-dev', 'aws-prod']) {
      expect(defaultPlatform.environments.find((e) => e.name === envName)!.workloads!.lakehouse!.enabled).toBe(true);
      expect(render(envName).stackNames).toContain('lakehouse');
    }
  });
});

(fullSchemasPresent ? describe : describe.skip)('aws lakehouse stack against the aws provider schema', () => {
  const provider = fullSchemasPresent ? providerSchema('aws') : {};

  it.each(['aws-dev', 'aws-prod'])('%s: the resources that take the default tags are the databases, the role, the key and the bucket', (envName) => {
    expect(awsTaggable(render(envName).lakehouse, provider)).toEqual([
      'aws_glue_catalog_database.bronze_database',
      'aws_glue_catalog_database.gold_database',
      'aws_glue_catalog_database.silver_database',
      'aws_iam_role.spark_role',
      'aws_kms_key.lakehouse_kms_key',
      'aws_s3_bucket.lakehouse',
    ]);
  });
});

describe('aws lakehouse stack snapshot', () => {
  it('matches the reviewed aws-prod rendering', () => {
    expect(render('aws-prod').lakehouse).toMatchSnapshot();
  });
});
