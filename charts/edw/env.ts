/**
 * Per-cloud environment of the EDW containers: where the queue and the table are, from the model
 * only. No secrets: credentials come from the pod's identity (identity.ts). On Azure the workload
 * identity webhook adds AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE.
 */
import type { EnvVar } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import { envVars } from '../lib/pod';
import type { EdwRole } from './identity';

export function containerEnv(ctx: EnvironmentContext, role: EdwRole): EnvVar[] {
  const { env } = ctx;
  const edw = ctx.names.edw!;
  const vars: Record<string, string> = {};
  if (env.cloud === 'aws') {
    const aws = edw.aws!;
    vars.AWS_REGION = env.region;
    vars.QUEUE_URL = aws.queueUrl;
    // A FIFO queue needs a MessageGroupId on every send.
    vars.QUEUE_FIFO = String(env.edw!.queue.fifo);
    if (role === 'consumer') vars.TABLE_NAME = aws.tableName;
  } else {
    const azure = edw.azure!;
    vars.AZURE_STORAGE_ACCOUNT = azure.storageAccountName;
    vars.AZURE_STORAGE_QUEUE_URL = azure.queueEndpoint;
    vars.QUEUE_NAME = azure.queueName;
    if (role === 'consumer') {
      vars.AZURE_STORAGE_TABLE_URL = azure.tableEndpoint;
      vars.TABLE_NAME = azure.tableName;
    }
  }
  if (role === 'consumer') vars.PORT = String(env.edw!.consumer.port);
  else vars.MESSAGE_COUNT = String(env.edw!.producer.messages);
  return envVars(vars);
}
