/**
 * Identity of a served model's pods (charts/lib/identity.ts explains both mechanisms). The pods
 * that need it are the storage initializers (KServe's, and the one Seldon runs, see seldon.ts),
 * which download the model from the artifact store before the server starts.
 *
 * - AWS: IRSA (SERVING_AWS_IDENTITY): the role `<prefix>-serve-<model>` (read on the models/
 *   prefix). KServe's storage initializer reads S3 settings from annotations on the predictor's
 *   service account when no credentials Secret is attached (KServe's IRSA setup): the regional
 *   endpoint, HTTPS, the region, and no anonymous access. The web-identity token and role ARN come
 *   from the EKS pod identity webhook.
 * - Azure: the user-assigned identity whose client id is the `mlops` stack's
 *   `serve_<model>_client_id` output (Blob Data Reader on the models container); the pods carry
 *   the workload identity label.
 */
import type { EnvironmentContext } from '../../src/model/context';
import { MLOPS_OUTPUTS, MLOPS_STACK, SERVING_AWS_IDENTITY } from '../../src/model/naming';
import type { Cloud } from '../../src/model/types';
import { s3Endpoint } from '../lib/cloud';
import { workloadIdentity, type IdentityBinding } from '../lib/identity';

/** The service-account annotations KServe turns into the storage initializer's S3 environment. */
export const KSERVE_S3_ANNOTATIONS = {
  endpoint: 'serving.kserve.io/s3-endpoint',
  useHttps: 'serving.kserve.io/s3-usehttps',
  region: 'serving.kserve.io/s3-region',
  useAnonymousCredential: 'serving.kserve.io/s3-useanoncredential',
} as const;

/** What KServe's storage initializer reads on the service account, per cloud: S3's settings; nothing on Azure (the identity environment suffices). */
const STORAGE_INITIALIZER_ANNOTATIONS: { readonly [C in Cloud]: (region: string) => Readonly<Record<string, string>> } = {
  aws: (region) => ({
    [KSERVE_S3_ANNOTATIONS.endpoint]: s3Endpoint(region),
    [KSERVE_S3_ANNOTATIONS.useHttps]: '1',
    [KSERVE_S3_ANNOTATIONS.region]: region,
    [KSERVE_S3_ANNOTATIONS.useAnonymousCredential]: 'false',
  }),
  azure: () => ({}),
};

export function servingIdentity(ctx: EnvironmentContext<Cloud, 'mlops'>, model: string): IdentityBinding {
  const binding = workloadIdentity(ctx, {
    aws: (ctx) => ({ roleName: ctx.names.mlops.aws.servingRoleName(model), mechanism: SERVING_AWS_IDENTITY }),
    azure: () => ({ stack: MLOPS_STACK, output: MLOPS_OUTPUTS.servingClientId(model) }),
  });
  return {
    ...binding,
    serviceAccountAnnotations: { ...binding.serviceAccountAnnotations, ...STORAGE_INITIALIZER_ANNOTATIONS[ctx.env.cloud](ctx.env.region) },
  };
}
