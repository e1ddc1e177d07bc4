/** How each of the workload's service accounts gets its AWS role; the stack creates the role for it and the chart annotates for it. */
import type { AwsIdentityMechanism } from '../../naming';

/** The EDW consumer and producer: Pod Identity, the default. */
export const EDW_CONSUMER_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';
export const EDW_PRODUCER_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';
