/** Cloud facts more than one chart needs, one entry per cloud. */
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';

/** What the cloud's SDKs need in the environment beyond what the identity webhook injects: the AWS SDKs' region; nothing on Azure. */
const SDK_ENV: { readonly [C in Cloud]: (region: string) => Readonly<Record<string, string>> } = {
  aws: (region) => ({ AWS_REGION: region }),
  azure: () => ({}),
};

export function sdkEnv(ctx: EnvironmentContext): Readonly<Record<string, string>> {
  return SDK_ENV[ctx.env.cloud](ctx.env.region);
}

/** S3's regional endpoint host (the global endpoint fails with IAM credentials in other regions). */
export function s3Endpoint(region: string): string {
  return `s3.${region}.amazonaws.com`;
}
