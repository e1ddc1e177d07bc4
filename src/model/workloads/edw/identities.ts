/** How each of the workload's service accounts gets its AWS role; the stack creates the role for it and the chart annotates for it. */
import type { AwsIdentityMechanism } from '../../naming';

/** The EDW consumer and producer: Pod Identity, the default. */
export const EDW_CONSUMER_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';
export const EDW_PRODUCER_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';

/** Every service account of the workload that has an AWS role, with its mechanism. */
export const EDW_AWS_IDENTITIES = { consumer: EDW_CONSUMER_AWS_IDENTITY, producer: EDW_PRODUCER_AWS_IDENTITY } as const;
