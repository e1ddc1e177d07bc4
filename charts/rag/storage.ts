/**
 * Per-cloud object storage of Milvus: the cloud's, reached with the pod identity and no keys
 * (no `secretRef`, no access or secret key anywhere).
 *
 * - AWS: `dependencies.storage` type S3 at the regional endpoint `s3.<region>.amazonaws.com:443`
 *   (the operator docs: the global endpoint fails with IAM), `config.minio` with the bucket,
 *   `useIAM: true` and `cloudProvider: aws`: Milvus takes credentials from the SDK chain, i.e. the
 *   service account's identity.
 * - Azure: type Azure at `core.windows.net:443`, `cloudProvider: azure`, `useIAM: true` and the
 *   storage account NAME in `minio.accessKeyID` (Milvus builds https://<account>.blob.core.windows.net/
 *   from it and authenticates with the workload identity token the webhook mounts); the bucket is
 *   the blob container. This is the operator's own sample for Entra Workload Identity.
 */
import { byCloud, type EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { s3Endpoint } from '../lib/cloud';
import type { ExternalStorage, MilvusMinioConfig } from './milvus-types';

export const AZURE_BLOB_ENDPOINT = 'core.windows.net:443';

export interface MilvusObjectStorage {
  readonly storage: ExternalStorage;
  readonly minio: MilvusMinioConfig;
}

export function milvusObjectStorage(ctx: EnvironmentContext<Cloud, 'rag'>): MilvusObjectStorage {
  // Objects under <milvus>/ in a bucket or container of their own.
  const common = { rootPath: ctx.names.rag.milvus, useSSL: true, useIAM: true } as const;
  return byCloud<MilvusObjectStorage, 'rag'>(ctx, {
    aws: ({ env, names }) => ({
      storage: { external: true, type: 'S3', endpoint: `${s3Endpoint(env.region)}:443` },
      minio: { ...common, bucketName: names.rag.aws.milvusBucket, cloudProvider: 'aws', region: env.region },
    }),
    azure: ({ names: { rag } }) => ({
      storage: { external: true, type: 'Azure', endpoint: AZURE_BLOB_ENDPOINT },
      minio: { ...common, bucketName: rag.azure.milvusContainer, cloudProvider: 'azure', accessKeyID: rag.azure.storageAccountName },
    }),
  });
}
