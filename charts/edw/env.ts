/**
 * Per-cloud environment of the EDW containers: where the queue and the table are, from the model
 * only. No secrets: credentials come from the pod's identity (identity.ts). On Azure the workload
 * identity webhook adds AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE.
 */
import type { EnvVar } from 'cdk8s-plus-28/lib/imports/k8s';
import { byCloud, type EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { sdkEnv } from '../lib/cloud';
import { envVars } from '../lib/pod';
import type { EdwRole } from './identity';

export function containerEnv(ctx: EnvironmentContext<Cloud, 'edw'>, role: EdwRole): EnvVar[] {
  const { edw } = ctx.env;
  const consumer = role === 'consumer';
  const queueAndTable = byCloud<Record<string, string>, 'edw'>(ctx, {
    aws: ({
      env,
      names: {
        edw: { aws },
      },
    }) => ({
      QUEUE_URL: aws.queueUrl,
      // A FIFO queue needs a MessageGroupId on every send.
      QUEUE_FIFO: String(env.edw.queue.fifo),
      ...(consumer ? { TABLE_NAME: aws.tableName } : {}),
    }),
    azure: ({
      names: {
        edw: { azure },
      },
    }) => ({
      AZURE_STORAGE_ACCOUNT: azure.storageAccountName,
      AZURE_STORAGE_QUEUE_URL: azure.queueEndpoint,
      QUEUE_NAME: azure.queueName,
      ...(consumer ? { AZURE_STORAGE_TABLE_URL: azure.tableEndpoint, TABLE_NAME: azure.tableName } : {}),
    }),
  });
  const roleVars: Record<string, string> = consumer ? { PORT: String(edw.consumer.port) } : { MESSAGE_COUNT: String(edw.producer.messages) };
  return envVars({ ...sdkEnv(ctx), ...queueAndTable, ...roleVars });
}
