/**
 * The lakehouse's own stack (`lakehouse`, state `<env>/lakehouse.tfstate`): the storage and catalog
 * the Spark jobs write, and the one identity they run as. Compute (the Spark operator's pods) holds
 * no state, so the cluster can be rebuilt without losing a table.
 *
 * - One KMS key (rotating) encrypts the lakehouse bucket (SSE-KMS with a bucket key).
 * - One bucket, a prefix per layer (`bronze/`, `silver/`, `gold/`), hardened like every workload
 *   bucket (versioning, no public access, no ACLs, TLS only); deleted or overwritten files stay
 *   recoverable for `retentionDays` as noncurrent versions. No expiry of current objects: Iceberg
 *   expires its own snapshots, and a lifecycle rule deleting data files would corrupt tables.
 * - A Glue database per layer, named as the layer, located at its prefix: Iceberg tables created in
 *   `bronze` land under `s3://<bucket>/bronze/`.
 * - The landing zone, `landing/` (LAKEHOUSE_LANDING_ZONE): raw files ingestion reads; Spark may only read it.
 * - Spark role (lakehouse/spark: drivers and executors; LAKEHOUSE_AWS_IDENTITY: IRSA): objects
 *   under the layer prefixes of this bucket only, read of the landing zone; Glue table operations on these databases and their tables only (the databases
 *   themselves are Terraform's: no create or delete of databases).
 *
 * The Glue interface endpoint is in the platform stack (endpoints.ts). No cdktf cross-stack
 * references: the cluster is found by the name the model gives it.
 */
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import type { App } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { LAKEHOUSE_AWS_IDENTITY, LAKEHOUSE_LANDING_ZONE, LAKEHOUSE_STACK } from '../../src/model/naming';
import type { MedallionLayer } from '../../src/model/types';
import type { AwsStack } from '../constructs/platform-stack';
import { directoryKeys, PARTITION } from './iam';
import { mechanismLabel, serviceAccountRole } from './identity';
import { allObjectsRule, hardenedBucket, workloadKmsKey, workloadParts, workloadStack } from './workload';

/** Glue table operations Iceberg's GlueCatalog makes (commits are conditional UpdateTable calls). */
export const GLUE_TABLE_ACTIONS = ['glue:CreateTable', 'glue:DeleteTable', 'glue:GetTable', 'glue:GetTables', 'glue:UpdateTable'] as const;
/** Reading the databases (namespaces) only: they are created and deleted by Terraform. */
export const GLUE_DATABASE_ACTIONS = ['glue:GetDatabase', 'glue:GetDatabases'] as const;
/** What S3A and Iceberg's S3FileIO do to data and metadata files. */
export const LAKEHOUSE_OBJECT_ACTIONS = ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'] as const;

export interface AwsLakehouse {
  readonly key: KmsKey;
  readonly bucket: S3Bucket;
  readonly databases: Readonly<Partial<Record<MedallionLayer, GlueCatalogDatabase>>>;
  readonly sparkRole: IamRole;
}

/** The `lakehouse` stack of an AWS environment with the lakehouse enabled. */
export function lakehouseStack(app: App, ctx: EnvironmentContext<'aws', 'lakehouse'>): AwsStack<'lakehouse'> {
  return workloadStack(app, LAKEHOUSE_STACK, ctx, buildLakehouse, (lakehouse) => ({
    lakehouse_bucket: { value: lakehouse.bucket.bucket, description: 'S3 bucket of the lakehouse (a prefix per layer)' },
    spark_role_arn: { value: lakehouse.sparkRole.arn, description: `IAM role of the Spark service account (${mechanismLabel(LAKEHOUSE_AWS_IDENTITY)})` },
  }));
}

/** The lakehouse resources, in stack scope (construct ids are the Terraform logical ids). */
export function buildLakehouse(stack: AwsStack<'lakehouse'>): AwsLakehouse {
  const { env, settings, workloadNames: lakehouseNames, names, prefix, arn } = workloadParts(stack, 'lakehouse');
  const { layers } = settings;

  const key = workloadKmsKey(stack, 'lakehouse', names.kmsAlias, `lakehouse: ${names.bucket}`);

  const bucket = hardenedBucket(stack, 'lakehouse', names.bucket, key, [allObjectsRule(settings.retentionDays)]);

  const databases: Partial<Record<MedallionLayer, GlueCatalogDatabase>> = {};
  for (const layer of layers) {
    databases[layer] = new GlueCatalogDatabase(stack, `${layer}_database`, {
      name: names.glueDatabases[layer]!,
      description: `${prefix} lakehouse ${layer} layer (Iceberg tables)`,
      locationUri: lakehouseNames.layerUris[layer]!,
    });
  }

  const glueArn = (resource: string) => `arn:${PARTITION}:glue:${env.region}:${arn.account}:${resource}`;
  const databaseArns = layers.map((l) => glueArn(`database/${names.glueDatabases[l]}`));
  const sparkRole = serviceAccountRole(stack, {
    mechanism: LAKEHOUSE_AWS_IDENTITY,
    id: 'spark',
    roleName: names.sparkRoleName,
    namespace: lakehouseNames.namespace,
    serviceAccount: lakehouseNames.sparkServiceAccount,
    label: 'Lakehouse Spark drivers and executors',
    policyName: 'lakehouse-spark',
    statements: [
      // Each directory with its bare key: S3A's getFileStatus HEADs it first as a file, and S3 answers 403, not 404,
      // where GetObject is not allowed on that key, which S3A raises (a 404 alone means "no such file").
      {
        Sid: 'ReadWriteLayers',
        Effect: 'Allow',
        Action: [...LAKEHOUSE_OBJECT_ACTIONS],
        Resource: layers.flatMap((l) => directoryKeys(`${bucket.arn}/${l}`)),
      },
      {
        Sid: 'ReadLanding',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: directoryKeys(`${bucket.arn}/${LAKEHOUSE_LANDING_ZONE}`),
      },
      {
        Sid: 'ListLayers',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: bucket.arn,
        // S3A lists a directory by its bare prefix as well as below it.
        Condition: { StringLike: { 's3:prefix': [...layers, LAKEHOUSE_LANDING_ZONE].flatMap(directoryKeys) } },
      },
      // Neither takes an s3:prefix condition: S3A locates the bucket and aborts its own stale multipart uploads.
      { Sid: 'LocateBucketAndUploads', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], Resource: bucket.arn },
      {
        Sid: 'UseBucketKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: key.arn,
        Condition: { StringEquals: { 'kms:ViaService': `s3.${env.region}.amazonaws.com` } },
      },
      { Sid: 'ReadDatabases', Effect: 'Allow', Action: [...GLUE_DATABASE_ACTIONS], Resource: [glueArn('catalog'), ...databaseArns] },
      {
        Sid: 'ManageTables',
        Effect: 'Allow',
        Action: [...GLUE_TABLE_ACTIONS],
        Resource: [glueArn('catalog'), ...databaseArns, ...layers.map((l) => glueArn(`table/${names.glueDatabases[l]}/*`))],
      },
    ],
  });

  return { key, bucket, databases, sparkRole };
}
