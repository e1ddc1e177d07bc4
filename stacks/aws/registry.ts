/** Registry layer: one ECR repository per model repository, immutable tags, scanned, KMS-encrypted. */
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { AwsStack } from '../constructs/platform-stack';
import { arns, kmsKeyPolicy, snake } from './iam';

/** Untagged images (superseded builds) are dropped after this many days. */
export const UNTAGGED_IMAGE_EXPIRY_DAYS = 14;

export function buildRegistry(stack: AwsStack): EcrRepository[] {
  const { ctx } = stack;
  const names = ctx.names.aws;
  const repositories = Object.entries(names.ecrRepositories);
  if (repositories.length === 0) return [];

  // ECR decrypts through a grant it creates with this key; pullers need no KMS permissions.
  const key = new KmsKey(stack, 'ecr_kms_key', {
    description: `${ctx.names.prefix} ECR repositories`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: kmsKeyPolicy(arns(ctx).accountRoot),
    tags: { Name: `${ctx.names.prefix}-ecr` },
  });
  new KmsAlias(stack, 'ecr_kms_alias', { name: names.ecrKmsAlias, targetKeyId: key.keyId });

  const lifecycle = JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${UNTAGGED_IMAGE_EXPIRY_DAYS} days`,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: UNTAGGED_IMAGE_EXPIRY_DAYS },
        action: { type: 'expire' },
      },
    ],
  });

  return repositories.map(([modelName, repositoryName]) => {
    const id = snake(modelName);
    const repository = new EcrRepository(stack, `ecr_repository_${id}`, {
      name: repositoryName,
      // A tag always means the same image: deployments are reproducible and cannot be swapped under us.
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.arn }],
      tags: { Name: repositoryName },
    });
    new EcrLifecyclePolicy(stack, `ecr_lifecycle_policy_${id}`, { repository: repository.name, policy: lifecycle });
    return repository;
  });
}
