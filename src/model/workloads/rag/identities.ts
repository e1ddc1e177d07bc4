/** How each of the workload's service accounts gets its AWS role; the stack creates the role for it and the chart annotates for it. */
import type { AwsIdentityMechanism } from '../../naming';

/**
 * Milvus on AWS uses IRSA: its S3 client (minio-go) does not take EKS Pod Identity credentials
 * (milvus-io/milvus#42547, open), so the query node asks for an access key at start-up.
 */
export const MILVUS_AWS_IDENTITY: AwsIdentityMechanism = 'irsa';
/** The RAG API: Pod Identity, the default. */
export const RAG_API_AWS_IDENTITY: AwsIdentityMechanism = 'pod-identity';
