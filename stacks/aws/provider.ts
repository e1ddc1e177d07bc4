/** The AWS provider of a stack: pinned to the environment's account and region, default tags on everything. */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { AwsStack } from '../constructs/platform-stack';

export function buildProvider(stack: AwsStack): AwsProvider {
  const { env } = stack.ctx;
  return new AwsProvider(stack, 'aws', {
    region: env.region,
    // A wrong profile or role must fail the plan, not create resources in another account.
    allowedAccountIds: [env.aws.accountId],
    defaultTags: [{ tags: { ...env.tags } }],
  });
}
