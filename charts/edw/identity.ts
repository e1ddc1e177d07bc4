/**
 * Per-cloud binding of the EDW service accounts to their cloud identities: EKS Pod Identity on
 * AWS, Entra Workload Identity on Azure (charts/lib/identity.ts explains both). Each role has its
 * own identity: on AWS its IAM role, on Azure the client id from the `edw` stack's outputs.
 */
import type { EnvironmentContext } from '../../src/model/context';
import { EDW_OUTPUTS, EDW_STACK } from '../../src/model/naming';
import { workloadIdentity, type IdentityBinding } from '../lib/identity';

export { AWS_ROLE_INFO_ANNOTATION, AZURE_CLIENT_ID_ANNOTATION, AZURE_USE_LABEL, type IdentityBinding } from '../lib/identity';

export type EdwRole = 'consumer' | 'producer';

const CLIENT_ID_OUTPUT: Record<EdwRole, string> = {
  consumer: EDW_OUTPUTS.consumerClientId,
  producer: EDW_OUTPUTS.producerClientId,
};

export function identityBinding(ctx: EnvironmentContext, role: EdwRole): IdentityBinding {
  return workloadIdentity(ctx, {
    awsRoleName: () => (role === 'consumer' ? ctx.names.edw!.aws!.consumerRoleName : ctx.names.edw!.aws!.producerRoleName),
    azureClientIdOutput: { stack: EDW_STACK, name: CLIENT_ID_OUTPUT[role] },
  });
}
