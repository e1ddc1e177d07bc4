/**
 * Building blocks shared by the workload stacks (`edw`, `rag`, `mlops`, `lakehouse`): a KMS key, a hardened S3 bucket and the two
 * ways a Kubernetes service account gets an IAM role (EKS Pod Identity, IRSA). Every construct is
 * created in stack scope, so ids are Terraform logical ids.
 */
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Fn, TerraformLocal } from 'cdktf';
import type { AwsStack } from '../constructs/platform-stack';
import { arns, kmsKeyPolicy, podIdentityTrustPolicy, policyDocument, webIdentityTrustPolicy, type PolicyStatement } from './iam';

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
export function allObjectsRule(noncurrentDays: number): S3BucketLifecycleConfigurationRule {
  return {
    id: 'versions-and-uploads',
    status: 'Enabled',
    filter: [{}],
    noncurrentVersionExpiration: [{ noncurrentDays }],
    expiration: [{ expiredObjectDeleteMarker: true }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_AFTER }],
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
    policy: policyDocument([denyInsecureTransport(bucket)]),
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

export function denyInsecureTransport(bucket: S3Bucket): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucket.arn, `${bucket.arn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** A role bound to one service account, with one inline policy. */
export interface ServiceAccountRoleSpec {
  /** Logical id stem: `<id>_role`, `<id>_policy` (and `<id>_pod_identity_association`). */
  readonly id: string;
  readonly roleName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Starts the role's description, e.g. `RAG milvus`. */
  readonly label: string;
  /** Name of the inline policy. */
  readonly policyName: string;
  readonly statements: readonly PolicyStatement[];
}

/**
 * The `${local.oidc_issuer_host_path}` of the stack: the cluster's OIDC issuer without https://,
 * read from the cluster by name (EKS assigns it; the cluster lives in the platform stack). One
 * data source and one local per stack, however many IRSA roles use them.
 */
export function oidcIssuerHostPath(stack: AwsStack): string {
  const existing = stack.node.tryFindChild('oidc_issuer_host_path') as TerraformLocal | undefined;
  if (existing) return existing.asString;
  const cluster = new DataAwsEksCluster(stack, 'cluster', { name: stack.ctx.names.aws.clusterName });
  // A local, so the trust policy stays plain JSON around `${local.…}` (no quotes inside an interpolation).
  return new TerraformLocal(stack, 'oidc_issuer_host_path', Fn.replace(cluster.identity.get(0).oidc.get(0).issuer, 'https://', '')).asString;
}

/**
 * An IRSA role bound to one service account (for clients that cannot use Pod Identity), and its
 * inline policy.
 */
export function irsaRole(stack: AwsStack, spec: ServiceAccountRoleSpec): IamRole {
  const { ctx } = stack;
  const clusterName = ctx.names.aws.clusterName;
  const issuerHostPath = oidcIssuerHostPath(stack);
  const role = new IamRole(stack, `${spec.id}_role`, {
    name: spec.roleName,
    description: `${spec.label} (${spec.namespace}/${spec.serviceAccount}, IRSA) of ${clusterName}`,
    assumeRolePolicy: webIdentityTrustPolicy(ctx.env.aws.accountId, issuerHostPath, spec.namespace, spec.serviceAccount),
  });
  new IamRolePolicy(stack, `${spec.id}_policy`, { name: spec.policyName, role: role.id, policy: policyDocument(spec.statements) });
  return role;
}

/** A Pod Identity role bound to one service account, its inline policy and its one association. */
export function podIdentityRole(stack: AwsStack, spec: ServiceAccountRoleSpec): IamRole {
  const clusterName = stack.ctx.names.aws.clusterName;
  const role = new IamRole(stack, `${spec.id}_role`, {
    name: spec.roleName,
    description: `${spec.label} (${spec.namespace}/${spec.serviceAccount}) of ${clusterName}`,
    assumeRolePolicy: podIdentityTrustPolicy(clusterName, spec.namespace, spec.serviceAccount),
  });
  new IamRolePolicy(stack, `${spec.id}_policy`, { name: spec.policyName, role: role.id, policy: policyDocument(spec.statements) });
  new EksPodIdentityAssociation(stack, `${spec.id}_pod_identity_association`, {
    // The cluster lives in the platform stack: its name, not a reference.
    clusterName,
    namespace: spec.namespace,
    serviceAccount: spec.serviceAccount,
    roleArn: role.arn,
  });
  return role;
}
