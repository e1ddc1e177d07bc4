/** How each of the workload's service accounts gets its AWS role; the stack creates the role for it and the chart annotates for it. */
import type { AwsIdentityMechanism } from '../../naming';

/**
 * Spark on AWS uses IRSA: S3A's WebIdentityTokenCredentialsProvider and the AWS SDK's default chain
 * (Iceberg's S3FileIO and Glue client) read the web-identity token the IRSA webhook projects into
 * drivers and executors alike.
 */
export const LAKEHOUSE_AWS_IDENTITY: AwsIdentityMechanism = 'irsa';
