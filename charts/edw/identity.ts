/**
 * Per-cloud binding of the EDW service accounts to their cloud identities: EKS Pod Identity on
 * AWS, Entra Workload Identity on Azure (charts/lib/identity.ts explains both). Each role has its
 * own identity: on AWS its IAM role, on Azure the client id from the `edw` stack's outputs.
 */
import { EDW_CONSUMER_AWS_IDENTITY, EDW_OUTPUTS, EDW_PRODUCER_AWS_IDENTITY, EDW_STACK } from '../../src/model/naming';
import type { IdentitySource } from '../lib/identity';

export { AWS_ROLE_INFO_ANNOTATION, AZURE_CLIENT_ID_ANNOTATION, AZURE_USE_LABEL, type IdentityBinding } from '../lib/identity';

export type EdwRole = 'consumer' | 'producer';

/** The identity of each role, in the order they are bound. */
export const EDW_IDENTITIES: { readonly [R in EdwRole]: IdentitySource<'edw'> } = {
  consumer: {
    aws: (ctx) => ({ roleName: ctx.names.edw.aws.consumerRoleName, mechanism: EDW_CONSUMER_AWS_IDENTITY }),
    azure: () => ({ stack: EDW_STACK, output: EDW_OUTPUTS.consumerClientId }),
  },
  producer: {
    aws: (ctx) => ({ roleName: ctx.names.edw.aws.producerRoleName, mechanism: EDW_PRODUCER_AWS_IDENTITY }),
    azure: () => ({ stack: EDW_STACK, output: EDW_OUTPUTS.producerClientId }),
  },
};
