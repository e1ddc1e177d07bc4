/**
 * The Spark identity (charts/lib/identity.ts explains both mechanisms): AWS role
 * `<prefix>-lakehouse-spark` through IRSA (LAKEHOUSE_AWS_IDENTITY: S3A's web-identity provider);
 * Azure identity with the `lakehouse` stack's `lakehouse_spark_client_id`, which ABFS's OAuth
 * settings name too.
 */
import type { EnvironmentContext } from '../../src/model/context';
import { LAKEHOUSE_AWS_IDENTITY, LAKEHOUSE_OUTPUTS, LAKEHOUSE_STACK } from '../../src/model/naming';
import { AZURE_CLIENT_ID_ANNOTATION, workloadIdentity, type IdentityBinding } from '../lib/identity';

export function sparkIdentity(ctx: EnvironmentContext): IdentityBinding {
  return workloadIdentity(ctx, {
    awsRoleName: () => ctx.names.lakehouse!.aws!.sparkRoleName,
    awsMechanism: LAKEHOUSE_AWS_IDENTITY,
    azureClientIdOutput: { stack: LAKEHOUSE_STACK, name: LAKEHOUSE_OUTPUTS.sparkClientId },
  });
}

/** Azure: the client id the binding annotates the service account with; undefined on AWS. */
export function sparkClientId(binding: IdentityBinding): string | undefined {
  return binding.serviceAccountAnnotations[AZURE_CLIENT_ID_ANNOTATION];
}
