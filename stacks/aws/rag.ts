/**
 * The RAG platform's own stack (`rag`, state `<env>/rag.tfstate`): document storage, Milvus object
 * storage, the identities of the RAG API and of Milvus, and the Glue catalog of the raw documents.
 *
 * - One KMS key (rotating) encrypts both buckets (SSE-KMS with a bucket key).
 * - Both buckets: versioning, public access fully blocked, BucketOwnerEnforced (no ACLs), a policy
 *   refusing requests without TLS, incomplete multipart uploads aborted after 7 days.
 *   Documents: raw and processed objects move to STANDARD_IA after 30 days and GLACIER_IR after 90;
 *   noncurrent versions expire after 90 days. Milvus: no transitions (it reads its segments often);
 *   noncurrent versions expire after 3 days and stale uploads after 1 (MILVUS_LIFECYCLE).
 * - API role (rag/rag-api, RAG_API_AWS_IDENTITY: Pod Identity): invokes the models (profile and
 *   destination-region foundation models, src/model/ai-models.ts) only, reads the processed and embeddings prefixes. Milvus role (rag/milvus,
 *   MILVUS_AWS_IDENTITY: IRSA): read/write on its bucket only.
 * - Glue: a database, a daily crawler over the raw prefix (new folders only), and a service role
 *   with a scoped inline policy instead of the broad AWSGlueServiceRole managed policy.
 *
 * The Bedrock VPC endpoint is in the platform stack (endpoints.ts). No cdktf cross-stack
 * references: the cluster name comes from the model (apply the platform stack first).
 */
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCrawler } from '@cdktf/provider-aws/lib/glue-crawler';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import type { S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import type { App } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { MILVUS_AWS_IDENTITY, RAG_API_AWS_IDENTITY, RAG_STACK } from '../../src/model/naming';
import type { AwsStack } from '../constructs/platform-stack';
import { BEDROCK_INVOKE_ACTIONS } from './endpoints';
import { PARTITION, policyDocument, serviceTrustPolicy } from './iam';
import { mechanismLabel, serviceAccountRole } from './identity';
import { allObjectsRule, hardenedBucket, workloadKmsKey, workloadParts, workloadStack } from './workload';

/** Lifecycle of the documents bucket (days). */
export const DOCUMENTS_LIFECYCLE = { standardIaAfter: 30, glacierIrAfter: 90, noncurrentExpireAfter: 90 } as const;
/**
 * Lifecycle of the Milvus bucket (days): no transitions, Milvus reads its segments often. Compaction rewrites
 * segments and garbage collection deletes the old ones all day, so every version kept is paid storage; an old
 * segment is of no use without the etcd metadata of its time (restores go through a Milvus backup), so
 * versions are kept only long enough to undo an accidental delete. Segment uploads finish in minutes.
 */
export const MILVUS_LIFECYCLE = { noncurrentExpireAfter: 3, abortUploadsAfter: 1 } as const;
/** Multipart uploads never completed are aborted after this many days (both buckets). */
export { ABORT_INCOMPLETE_UPLOADS_AFTER } from './workload';
/** The crawler runs daily at 03:00 UTC. */
export const GLUE_CRAWLER_SCHEDULE = 'cron(0 3 * * ? *)';

export interface AwsRag {
  readonly key: KmsKey;
  readonly documentsBucket: S3Bucket;
  readonly milvusBucket: S3Bucket;
  readonly apiRole: IamRole;
  readonly milvusRole: IamRole;
  readonly glueRole: IamRole;
  readonly glueDatabase: GlueCatalogDatabase;
  readonly glueCrawler: GlueCrawler;
}

/** The `rag` stack of an AWS environment with the RAG platform enabled. */
export function ragStack(app: App, ctx: EnvironmentContext<'aws', 'rag'>): AwsStack<'rag'> {
  return workloadStack(app, RAG_STACK, ctx, buildRag, (rag) => ({
    documents_bucket: { value: rag.documentsBucket.bucket, description: 'S3 bucket of the RAG documents (raw, processed, embeddings prefixes)' },
    milvus_bucket: { value: rag.milvusBucket.bucket, description: 'S3 bucket of Milvus object storage' },
    api_role_arn: { value: rag.apiRole.arn, description: `IAM role of the RAG API service account (${mechanismLabel(RAG_API_AWS_IDENTITY)})` },
    milvus_role_arn: { value: rag.milvusRole.arn, description: `IAM role of the Milvus service account (${mechanismLabel(MILVUS_AWS_IDENTITY)})` },
    glue_database: { value: rag.glueDatabase.name, description: 'Glue database of the document metadata' },
  }));
}

/** The RAG resources, in stack scope (construct ids are the Terraform logical ids). */
export function buildRag(stack: AwsStack<'rag'>): AwsRag {
  const { env, settings, workloadNames: ragNames, names, prefix, arn } = workloadParts(stack, 'rag');
  const { raw, processed, embeddings } = settings.documents;

  const key = workloadKmsKey(stack, 'rag', names.kmsAlias, `RAG platform: documents and Milvus buckets`);

  const documentsBucket = hardenedBucket(stack, 'documents', names.documentsBucket, key, [
    // One rule per prefix: a lifecycle filter takes one prefix. Embeddings stay in STANDARD (read by indexing).
    ...[raw, processed].map((p): S3BucketLifecycleConfigurationRule => ({
      id: `tier-${p}`,
      status: 'Enabled',
      filter: [{ prefix: `${p}/` }],
      transition: [
        { days: DOCUMENTS_LIFECYCLE.standardIaAfter, storageClass: 'STANDARD_IA' },
        { days: DOCUMENTS_LIFECYCLE.glacierIrAfter, storageClass: 'GLACIER_IR' },
      ],
    })),
    allObjectsRule(DOCUMENTS_LIFECYCLE.noncurrentExpireAfter),
  ]);
  const milvusBucket = hardenedBucket(stack, 'milvus', names.milvusBucket, key, [
    allObjectsRule(MILVUS_LIFECYCLE.noncurrentExpireAfter, MILVUS_LIFECYCLE.abortUploadsAfter),
  ]);

  // Every role uses the key only through S3, never directly.
  const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${env.region}.amazonaws.com` } };
  const objects = (bucket: S3Bucket, p: string) => `${bucket.arn}/${p}/*`;
  const prefixes = (...ps: string[]) => ({ StringLike: { 's3:prefix': ps.map((p) => `${p}/*`) } });

  const apiRole = serviceAccountRole(stack, {
    mechanism: RAG_API_AWS_IDENTITY,
    id: 'api',
    roleName: names.apiRoleName,
    namespace: ragNames.namespace,
    serviceAccount: ragNames.api,
    label: 'RAG api',
    policyName: 'rag-api',
    statements: [
      { Sid: 'InvokeConfiguredModels', Effect: 'Allow', Action: [...BEDROCK_INVOKE_ACTIONS], Resource: [...names.modelArns] },
      { Sid: 'ReadDocuments', Effect: 'Allow', Action: 's3:GetObject', Resource: [objects(documentsBucket, processed), objects(documentsBucket, embeddings)] },
      { Sid: 'ListDocuments', Effect: 'Allow', Action: 's3:ListBucket', Resource: documentsBucket.arn, Condition: prefixes(processed, embeddings) },
      { Sid: 'DecryptDocuments', Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.arn, Condition: viaS3 },
    ],
  });

  // IRSA for Milvus: its S3 client cannot use Pod Identity (see MILVUS_AWS_IDENTITY).
  const milvusRole = serviceAccountRole(stack, {
    mechanism: MILVUS_AWS_IDENTITY,
    id: 'milvus',
    roleName: names.milvusRoleName,
    namespace: ragNames.namespace,
    serviceAccount: ragNames.milvusServiceAccount,
    label: 'RAG milvus',
    policyName: 'rag-milvus',
    statements: [
      { Sid: 'ReadWriteSegments', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `${milvusBucket.arn}/*` },
      { Sid: 'ListBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: milvusBucket.arn },
      { Sid: 'UseBucketKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key.arn, Condition: viaS3 },
    ],
  });

  // Glue: the crawler reads raw documents and writes table definitions into the database only.
  const glueArn = (resource: string) => `arn:${PARTITION}:glue:${env.region}:${arn.account}:${resource}`;
  const glueRole = new IamRole(stack, 'glue_role', {
    name: names.glueRoleName,
    description: `Glue crawler ${names.glueCrawler}: reads s3://${names.documentsBucket}/${raw}/, writes ${names.glueDatabase}`,
    // No aws:SourceAccount condition: Glue documents none for its service role (its IAM guide has no confused-deputy
    // section, unlike SageMaker's or VPC flow logs'), and CreateCrawler fails if Glue cannot assume the role. Only
    // principals of this account with iam:PassRole on it can hand it to Glue; IAM never passes a role cross-account.
    assumeRolePolicy: serviceTrustPolicy('glue.amazonaws.com', ['sts:AssumeRole']),
  });
  new IamRolePolicy(stack, 'glue_policy', {
    name: 'rag-glue-crawler',
    role: glueRole.id,
    policy: policyDocument([
      { Sid: 'ReadRawDocuments', Effect: 'Allow', Action: 's3:GetObject', Resource: objects(documentsBucket, raw) },
      { Sid: 'ListRawDocuments', Effect: 'Allow', Action: 's3:ListBucket', Resource: documentsBucket.arn, Condition: prefixes(raw) },
      { Sid: 'LocateBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: documentsBucket.arn },
      { Sid: 'DecryptDocuments', Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.arn, Condition: viaS3 },
      {
        Sid: 'WriteCatalog',
        Effect: 'Allow',
        Action: [
          'glue:BatchCreatePartition',
          'glue:BatchGetPartition',
          'glue:BatchUpdatePartition',
          'glue:CreatePartition',
          'glue:CreateTable',
          'glue:GetDatabase',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:GetTable',
          'glue:GetTables',
          'glue:UpdatePartition',
          'glue:UpdateTable',
        ],
        Resource: [glueArn('catalog'), glueArn(`database/${names.glueDatabase}`), glueArn(`table/${names.glueDatabase}/*`)],
      },
      {
        Sid: 'WriteCrawlerLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [arn.logGroup('/aws-glue/*'), `${arn.logGroup('/aws-glue/*')}:log-stream:*`],
      },
    ]),
  });

  const glueDatabase = new GlueCatalogDatabase(stack, 'document_metadata', {
    name: names.glueDatabase,
    description: `${prefix} RAG document metadata, crawled from s3://${names.documentsBucket}/${raw}/`,
  });
  const glueCrawler = new GlueCrawler(stack, 'raw_documents', {
    name: names.glueCrawler,
    description: `Raw documents of ${prefix} into ${names.glueDatabase}`,
    databaseName: glueDatabase.name,
    role: glueRole.arn,
    schedule: GLUE_CRAWLER_SCHEDULE,
    s3Target: [{ path: `s3://${names.documentsBucket}/${raw}/` }],
    // Incremental crawls require LOG for both schema change behaviours.
    recrawlPolicy: { recrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY' },
    schemaChangePolicy: { updateBehavior: 'LOG', deleteBehavior: 'LOG' },
  });

  return { key, documentsBucket, milvusBucket, apiRole, milvusRole, glueRole, glueDatabase, glueCrawler };
}
