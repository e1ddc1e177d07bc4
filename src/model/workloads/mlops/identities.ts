/** How each of the workload's service accounts gets its AWS role; the stack creates the role for it and the chart annotates for it. */
import type { AwsIdentityMechanism } from '../../naming';

/**
 * MLflow on AWS uses IRSA: External Secrets' SecretStore authenticates as MLflow's service
 * account with a web-identity token (jwt auth), which EKS Pod Identity does not provide. Model
 * servers use IRSA too: the KServe storage initializer and Seldon's are documented with it.
 */
export const MLFLOW_AWS_IDENTITY: AwsIdentityMechanism = 'irsa';
export const SERVING_AWS_IDENTITY: AwsIdentityMechanism = 'irsa';
/** Training jobs: Pod Identity, the default. */
export const TRAINING_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';
