/**
 * Building blocks shared by the workload stacks (`edw`, `rag`, `mlops`, `lakehouse`): the stack
 * itself, a KMS key and a hardened S3 bucket (service account roles: identity.ts). Every construct
 * is created in stack scope, so ids are Terraform logical ids.
 */
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { App } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import type { WorkloadName } from '../../src/model/types';
import { addOutputs, type AwsStack, PlatformStack, type StackOutputs } from '../constructs/platform-stack';
import { arns, denyInsecureTransport, kmsKeyPolicy, policyDocument } from './iam';
import { buildProvider } from './provider';

/**
 * A workload's own stack (state `<env>/<stackName>.tfstate`): the provider, what `build` creates,
 * and the outputs `outputs` picks from it.
 */
export function workloadStack<W extends WorkloadName, T>(
  app: App,
  stackName: string,
  ctx: EnvironmentContext<'aws', W>,
  build: (stack: AwsStack<W>) => T,
  outputs: (built: T) => StackOutputs,
): AwsStack<W> {
  const stack = new PlatformStack<'aws', W>(app, stackName, ctx);
  buildProvider(stack);
  addOutputs(stack, outputs(build(stack)));
  return stack;
}

type AwsContext<W extends WorkloadName> = EnvironmentContext<'aws', W>;

/** What a workload's builder reads, narrowed to workload `W`. */
export interface WorkloadParts<W extends WorkloadName> {
  readonly ctx: AwsContext<W>;
  readonly env: AwsContext<W>['env'];
  readonly settings: AwsContext<W>['env'][W];
  /** The workload's names, and (`names`) their AWS part. */
  readonly workloadNames: AwsContext<W>['names'][W];
  readonly names: AwsContext<W>['names'][W]['aws'];
  /** The platform's AWS names (cluster, KEDA operator role, ...). */
  readonly platformNames: AwsContext<W>['names']['aws'];
  readonly prefix: string;
  readonly arn: ReturnType<typeof arns>;
}

export function workloadParts<W extends WorkloadName>(stack: AwsStack<W>, workload: W): WorkloadParts<W> {
  const { ctx } = stack;
  const workloadNames: WorkloadParts<W>['workloadNames'] = ctx.names[workload];
  return {
    ctx,
    env: ctx.env,
    settings: ctx.env[workload],
    workloadNames,
    names: workloadNames.aws,
    platformNames: ctx.names.aws,
    prefix: ctx.names.prefix,
    arn: arns(ctx),
  };
}

/**
 * A workload's own KMS key (`<workload>_kms_key`, rotating, administered by the account) and its alias
 * (`<workload>_kms_alias`): what it encrypts says `description`.
 */
export function workloadKmsKey(stack: AwsStack, workload: string, alias: string, description: string): KmsKey {
  const prefix = stack.ctx.names.prefix;
  const key = new KmsKey(stack, `${workload}_kms_key`, {
    description: `${prefix} ${description}`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: kmsKeyPolicy(arns(stack.ctx).accountRoot),
    tags: { Name: `${prefix}-${workload}` },
  });
  new KmsAlias(stack, `${workload}_kms_alias`, { name: alias, targetKeyId: key.keyId });
  return key;
}

/** Multipart uploads never completed are aborted after this many days. */
export const ABORT_INCOMPLETE_UPLOADS_AFTER = 7;

/** Whole bucket: noncurrent versions expire, stale delete markers and incomplete uploads are cleaned up. */
export function allObjectsRule(noncurrentDays: number, abortUploadsAfter: number = ABORT_INCOMPLETE_UPLOADS_AFTER): S3BucketLifecycleConfigurationRule {
  return {
    id: 'versions-and-uploads',
    status: 'Enabled',
    filter: [{}],
    noncurrentVersionExpiration: [{ noncurrentDays }],
    expiration: [{ expiredObjectDeleteMarker: true }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortUploadsAfter }],
  };
}

/**
 * A bucket with versioning, SSE-KMS (bucket key), no public access, no ACLs, TLS only, and its
 * lifecycle. `id` is the bucket's logical id and the stem of its companions' (`<id>_bucket_…`).
 */
export function hardenedBucket(stack: AwsStack, id: string, name: string, key: KmsKey, rules: S3BucketLifecycleConfigurationRule[]): S3Bucket {
  const bucket = new S3Bucket(stack, id, { bucket: name, tags: { Name: name } });
  const publicAccessBlock = new S3BucketPublicAccessBlock(stack, `${id}_bucket_public_access_block`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(stack, `${id}_bucket_ownership_controls`, { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  const versioning = new S3BucketVersioningA(stack, `${id}_bucket_versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  new S3BucketServerSideEncryptionConfigurationA(stack, `${id}_bucket_encryption`, {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
  });
  new S3BucketPolicy(stack, `${id}_bucket_policy`, {
    bucket: bucket.id,
    policy: policyDocument([denyInsecureTransport('s3', [bucket.arn, `${bucket.arn}/*`])]),
    // Applied after the public access block, so the two never race.
    dependsOn: [publicAccessBlock],
  });
  new S3BucketLifecycleConfiguration(stack, `${id}_bucket_lifecycle`, {
    bucket: bucket.id,
    rule: rules,
    // Noncurrent-version rules need versioning in place first.
    dependsOn: [versioning],
  });
  return bucket;
}
