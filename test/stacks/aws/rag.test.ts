import { expectOutputValues, of, podIdentityTrust, ref, renderPicking, statements, resourceCounts, s3BucketCounts, expectNoWorkloadStack } from '../helpers';
import type { PlatformSpec } from '../../../src/model/types';
import { defaultPlatform } from '../../../src/platform';

const render = renderPicking('rag');
const DOCS_ARN = ref('aws_s3_bucket.documents.arn');
const MILVUS_ARN = ref('aws_s3_bucket.milvus.arn');
const KEY_ARN = ref('aws_kms_key.rag_kms_key.arn');

describe('aws rag stack', () => {
  const dev = render('aws-dev');
  const prod = render('aws-prod');

  it('looks up only the cluster, by its derived name, for its OIDC issuer (assigned by EKS)', () => {
    for (const r of [dev, prod]) expect(Object.keys(r.rag.data)).toEqual(['aws_eks_cluster']);
  });

  it('encrypts both buckets with one rotating key under the model alias, bucket key on', () => {
    for (const r of [dev, prod]) {
      expect(Object.keys(of(r.rag, 'aws_kms_key'))).toEqual(['rag_kms_key']);
      expect(of(r.rag, 'aws_kms_key').rag_kms_key.enable_key_rotation).toBe(true);
      expect(of(r.rag, 'aws_kms_alias').rag_kms_alias).toEqual({ name: r.names.rag!.aws!.kmsAlias, target_key_id: ref('aws_kms_key.rag_kms_key.key_id') });
      for (const id of ['documents', 'milvus']) {
        expect(of(r.rag, 'aws_s3_bucket_server_side_encryption_configuration')[`${id}_bucket_encryption`]).toEqual({
          bucket: ref(`aws_s3_bucket.${id}.id`),
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY_ARN }, bucket_key_enabled: true }],
        });
      }
    }
  });

  it('hardens both buckets: model names, versioning, full public access block, no ACLs, TLS only', () => {
    for (const r of [dev, prod]) {
      const names = r.names.rag!.aws!;
      const buckets = of(r.rag, 'aws_s3_bucket');
      expect(Object.keys(buckets).sort()).toEqual(['documents', 'milvus']);
      expect(buckets.documents.bucket).toBe(names.documentsBucket);
      expect(buckets.milvus.bucket).toBe(names.milvusBucket);
      for (const id of ['documents', 'milvus']) {
        const bucketRef = ref(`aws_s3_bucket.${id}.id`);
        expect(buckets[id].acl).toBeUndefined();
        expect(buckets[id].force_destroy).toBeUndefined();
        expect(of(r.rag, 'aws_s3_bucket_versioning')[`${id}_bucket_versioning`]).toEqual({
          bucket: bucketRef,
          versioning_configuration: { status: 'Enabled' },
        });
        expect(of(r.rag, 'aws_s3_bucket_public_access_block')[`${id}_bucket_public_access_block`]).toEqual({
          bucket: bucketRef,
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
        expect(of(r.rag, 'aws_s3_bucket_ownership_controls')[`${id}_bucket_ownership_controls`]).toEqual({
          bucket: bucketRef,
          rule: { object_ownership: 'BucketOwnerEnforced' },
        });
        const policy = of(r.rag, 'aws_s3_bucket_policy')[`${id}_bucket_policy`];
        expect(policy.bucket).toBe(bucketRef);
        expect(statements(policy.policy)).toEqual([
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [ref(`aws_s3_bucket.${id}.arn`), `${ref(`aws_s3_bucket.${id}.arn`)}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]);
      }
    }
  });

  it('tiers raw and processed documents to STANDARD_IA at 30 days and GLACIER_IR at 90, and expires noncurrent versions at 90', () => {
    for (const r of [dev, prod]) {
      const { raw, processed } = r.env.rag!.documents;
      const lifecycle = of(r.rag, 'aws_s3_bucket_lifecycle_configuration').documents_bucket_lifecycle;
      expect(lifecycle.bucket).toBe(ref('aws_s3_bucket.documents.id'));
      const transitions = [
        { days: 30, storage_class: 'STANDARD_IA' },
        { days: 90, storage_class: 'GLACIER_IR' },
      ];
      expect(lifecycle.rule).toEqual([
        { id: `tier-${raw}`, status: 'Enabled', filter: [{ prefix: `${raw}/` }], transition: transitions },
        { id: `tier-${processed}`, status: 'Enabled', filter: [{ prefix: `${processed}/` }], transition: transitions },
        {
          id: 'versions-and-uploads',
          status: 'Enabled',
          filter: [{}],
          noncurrent_version_expiration: [{ noncurrent_days: 90 }],
          expiration: [{ expired_object_delete_marker: true }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        },
      ]);
    }
    // The prefixes are the model's.
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    spec.environments.find((e) => e.name === 'aws-dev')!.workloads!.rag!.documents = { raw: 'inbox' };
    const r = render('aws-dev', spec);
    expect(of(r.rag, 'aws_s3_bucket_lifecycle_configuration').documents_bucket_lifecycle.rule[0].filter).toEqual([{ prefix: 'inbox/' }]);
    expect(of(r.rag, 'aws_glue_crawler').raw_documents.s3_target).toEqual([{ path: `s3://${r.names.rag!.aws!.documentsBucket}/inbox/` }]);
  });

  it('never transitions Milvus segments, expires its noncurrent versions after 3 days and stale uploads after 1', () => {
    for (const r of [dev, prod]) {
      const lifecycle = of(r.rag, 'aws_s3_bucket_lifecycle_configuration').milvus_bucket_lifecycle;
      expect(lifecycle.bucket).toBe(ref('aws_s3_bucket.milvus.id'));
      expect(lifecycle.rule).toEqual([
        {
          id: 'versions-and-uploads',
          status: 'Enabled',
          filter: [{}],
          noncurrent_version_expiration: [{ noncurrent_days: 3 }],
          expiration: [{ expired_object_delete_marker: true }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
        },
      ]);
      expect(JSON.stringify(lifecycle)).not.toMatch(/transition"/);
    }
  });

  it('gives the API exactly Bedrock invoke on the model ARNs, reads of processed and embeddings, and decrypt via S3', () => {
    for (const r of [dev, prod]) {
      const { processed, embeddings } = r.env.rag!.documents;
      const modelArns = r.names.rag!.aws!.modelArns;
      // The chat model through its EU profile: the profile in the caller's region and the model in every destination region.
      const fm = (region: string) => `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-sonnet-4-6`;
      expect(modelArns).toEqual([
        `arn:aws:bedrock:eu-west-1:${r.env.aws!.accountId}:inference-profile/eu.anthropic.claude-sonnet-4-6`,
        ...['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'].map(fm),
        'arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0',
      ]);
      const policy = of(r.rag, 'aws_iam_role_policy').api_policy;
      expect(policy.role).toBe(ref('aws_iam_role.api_role.id'));
      expect(statements(policy.policy)).toEqual([
        { Sid: 'InvokeConfiguredModels', Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: modelArns },
        { Sid: 'ReadDocuments', Effect: 'Allow', Action: 's3:GetObject', Resource: [`${DOCS_ARN}/${processed}/*`, `${DOCS_ARN}/${embeddings}/*`] },
        {
          Sid: 'ListDocuments',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: DOCS_ARN,
          Condition: { StringLike: { 's3:prefix': [`${processed}/*`, `${embeddings}/*`] } },
        },
        {
          Sid: 'DecryptDocuments',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: KEY_ARN,
          Condition: { StringEquals: { 'kms:ViaService': `s3.${r.env.region}.amazonaws.com` } },
        },
      ]);
      expect(policy.policy).not.toContain(MILVUS_ARN);
    }
    // The model ids reach the role.
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    spec.environments.find((e) => e.name === 'aws-dev')!.workloads!.rag!.bedrock = { chatModelId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' };
    const r = render('aws-dev', spec);
    const resource = statements(of(r.rag, 'aws_iam_role_policy').api_policy.policy)[0].Resource;
    expect(resource[0]).toBe('arn:aws:bedrock:eu-west-1:111111111111:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(resource).toContain('arn:aws:bedrock:eu-central-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  it('gives Milvus read/write on its own bucket only', () => {
    for (const r of [dev, prod]) {
      const policy = of(r.rag, 'aws_iam_role_policy').milvus_policy;
      expect(policy.role).toBe(ref('aws_iam_role.milvus_role.id'));
      expect(statements(policy.policy)).toEqual([
        { Sid: 'ReadWriteSegments', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `${MILVUS_ARN}/*` },
        { Sid: 'ListBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: MILVUS_ARN },
        {
          Sid: 'UseBucketKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: KEY_ARN,
          Condition: { StringEquals: { 'kms:ViaService': `s3.${r.env.region}.amazonaws.com` } },
        },
      ]);
      expect(policy.policy).not.toContain(DOCS_ARN);
      expect(policy.policy).not.toContain('bedrock');
    }
  });

  it('binds the API to rag/rag-api through Pod Identity (one association) and Milvus to rag/milvus through IRSA', () => {
    for (const r of [dev, prod]) {
      const rag = r.names.rag!;
      const clusterName = r.names.aws!.clusterName;
      expect([rag.namespace, rag.api, rag.milvusServiceAccount]).toEqual(['rag', 'rag-api', 'milvus']);
      const roles = of(r.rag, 'aws_iam_role');
      expect(roles.api_role.name).toBe(rag.aws!.apiRoleName);
      expect(statements(roles.api_role.assume_role_policy)).toEqual(podIdentityTrust(clusterName, rag.namespace, rag.api));
      expect(Object.values(of(r.rag, 'aws_eks_pod_identity_association'))).toEqual([
        { cluster_name: clusterName, namespace: rag.namespace, service_account: rag.api, role_arn: ref('aws_iam_role.api_role.arn') },
      ]);

      // Milvus: web identity from the cluster's OIDC issuer, for exactly rag/milvus and the STS audience.
      const issuer = '${local.oidc_issuer_host_path}';
      expect(r.rag.data.aws_eks_cluster.cluster).toEqual({ name: clusterName });
      expect(r.rag.locals.oidc_issuer_host_path).toBe('${replace(data.aws_eks_cluster.cluster.identity[0].oidc[0].issuer, "https://", "")}');
      expect(roles.milvus_role.name).toBe(rag.aws!.milvusRoleName);
      expect(statements(roles.milvus_role.assume_role_policy)).toEqual([
        {
          Sid: 'AllowServiceAccountWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${r.env.aws!.accountId}:oidc-provider/${issuer}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:rag:milvus', [`${issuer}:aud`]: 'sts.amazonaws.com' } },
        },
      ]);
    }
  });

  it('crawls the raw prefix daily, new folders only, into the model database', () => {
    for (const r of [dev, prod]) {
      const names = r.names.rag!.aws!;
      const { raw } = r.env.rag!.documents;
      expect(of(r.rag, 'aws_glue_catalog_database').document_metadata).toEqual({ name: names.glueDatabase, description: expect.stringContaining(raw) });
      expect(of(r.rag, 'aws_glue_crawler').raw_documents).toEqual({
        name: names.glueCrawler,
        description: expect.any(String),
        database_name: ref('aws_glue_catalog_database.document_metadata.name'),
        role: ref('aws_iam_role.glue_role.arn'),
        schedule: 'cron(0 3 * * ? *)',
        s3_target: [{ path: `s3://${names.documentsBucket}/${raw}/` }],
        recrawl_policy: { recrawl_behavior: 'CRAWL_NEW_FOLDERS_ONLY' },
        schema_change_policy: { update_behavior: 'LOG', delete_behavior: 'LOG' },
      });
    }
  });

  it('scopes the Glue role to the raw prefix, its database and /aws-glue/* logs, trusted by Glue without source conditions', () => {
    for (const r of [dev, prod]) {
      const names = r.names.rag!.aws!;
      const { raw } = r.env.rag!.documents;
      const account = r.env.aws!.accountId;
      const region = r.env.region;
      const role = of(r.rag, 'aws_iam_role').glue_role;
      expect(role.name).toBe(names.glueRoleName);
      // Glue documents no aws:SourceAccount for its service role; a condition it does not send fails CreateCrawler.
      expect(statements(role.assume_role_policy)).toEqual([{ Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
      const policy = of(r.rag, 'aws_iam_role_policy').glue_policy;
      expect(policy.role).toBe(ref('aws_iam_role.glue_role.id'));
      const s = statements(policy.policy);
      expect(s.map((st) => st.Sid)).toEqual(['ReadRawDocuments', 'ListRawDocuments', 'LocateBucket', 'DecryptDocuments', 'WriteCatalog', 'WriteCrawlerLogs']);
      expect(s[0]).toEqual({ Sid: 'ReadRawDocuments', Effect: 'Allow', Action: 's3:GetObject', Resource: `${DOCS_ARN}/${raw}/*` });
      expect(s[1]).toEqual({
        Sid: 'ListRawDocuments',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: DOCS_ARN,
        Condition: { StringLike: { 's3:prefix': [`${raw}/*`] } },
      });
      expect(s[3].Condition).toEqual({ StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } });
      expect(s[4].Resource).toEqual([
        `arn:aws:glue:${region}:${account}:catalog`,
        `arn:aws:glue:${region}:${account}:database/${names.glueDatabase}`,
        `arn:aws:glue:${region}:${account}:table/${names.glueDatabase}/*`,
      ]);
      for (const action of s[4].Action) expect(action).toMatch(/^glue:(Get|Create|Update|Batch)/);
      expect(s[4].Action).not.toContain('glue:DeleteTable');
      expect(s[5].Resource).toEqual([
        `arn:aws:logs:${region}:${account}:log-group:/aws-glue/*`,
        `arn:aws:logs:${region}:${account}:log-group:/aws-glue/*:log-stream:*`,
      ]);
      // No managed policies (AWSGlueServiceRole grants far more), no Resource "*".
      expect(of(r.rag, 'aws_iam_role_policy_attachment')).toEqual({});
      expect(of(r.rag, 'aws_iam_policy')).toEqual({});
      for (const st of s) expect(st.Resource).not.toEqual('*');
    }
  });

  it('no identity policy has a wildcard action or Resource "*"', () => {
    for (const r of [dev, prod]) {
      for (const p of Object.values(of(r.rag, 'aws_iam_role_policy'))) {
        for (const st of statements(p.policy)) {
          for (const a of [st.Action].flat()) expect(a).not.toMatch(/\*/);
          for (const res of [st.Resource].flat()) expect(res).not.toBe('*');
        }
      }
    }
  });

  it('exposes the outputs the chart and operators read', () => {
    expectOutputValues(prod.rag, {
      documents_bucket: ref('aws_s3_bucket.documents.bucket'),
      milvus_bucket: ref('aws_s3_bucket.milvus.bucket'),
      api_role_arn: ref('aws_iam_role.api_role.arn'),
      milvus_role_arn: ref('aws_iam_role.milvus_role.arn'),
      glue_database: ref('aws_glue_catalog_database.document_metadata.name'),
    });
  });

  it('counts the resources it means to create', () => {
    expect(resourceCounts(prod.rag)).toEqual({
      aws_eks_pod_identity_association: 1,
      aws_glue_catalog_database: 1,
      aws_glue_crawler: 1,
      aws_iam_role: 3,
      aws_iam_role_policy: 3,
      aws_kms_alias: 1,
      aws_kms_key: 1,
      ...s3BucketCounts(2),
    });
  });
});

describe('RAG disabled', () => {
  it('renders no rag stack', () => {
    expectNoWorkloadStack('rag', ['aws-dev', 'aws-prod']);
  });
});
