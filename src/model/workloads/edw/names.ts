/** The names of the event-driven workload's resources, derived once from the model. */
import { forCloud } from '../../cloud';
import { KEDA_SERVICE_ACCOUNT, kedaNamespace, workloadNamespace, workloadStorageAccountName } from '../../naming';
import type { Cloud, CloudPart, Environment } from '../../types';
import type { WithWorkloads } from '../enabled';

/** Terraform outputs of the `edw` stack that the Kubernetes side reads (Azure: client ids only Entra ID assigns). */
export const EDW_STACK = 'edw';
export const EDW_OUTPUTS = {
  consumerClientId: 'edw_consumer_client_id',
  producerClientId: 'edw_producer_client_id',
  scalerClientId: 'edw_scaler_client_id',
} as const;

interface EdwNamesOf {
  readonly namespace: string;
  /** Deployment and service account of the consumers. */
  readonly consumer: string;
  /** Job/CronJob and service account of the producer. */
  readonly producer: string;
  /** Where the KEDA operator runs, whose identity reads the queue length. */
  readonly keda: { readonly namespace: string; readonly serviceAccount: string };
}

export interface EdwAwsNames {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly tableName: string;
  readonly tableArn: string;
  readonly consumerRoleName: string;
  readonly producerRoleName: string;
  /** Assumed by the KEDA operator to read the queue length of this workload only. */
  readonly scalerRoleName: string;
  readonly kmsAlias: string;
}

export interface EdwAzureNames {
  readonly storageAccountName: string;
  readonly queueName: string;
  readonly tableName: string;
  readonly consumerIdentityName: string;
  readonly producerIdentityName: string;
  readonly scalerIdentityName: string;
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
}

export type EdwNames<C extends Cloud = Cloud> = EdwNamesOf & CloudPart<C, { aws: EdwAwsNames; azure: EdwAzureNames }>;

/** The consumer Deployment, its service account and the KEDA ScaledObject that scales it. */
export const EDW_CONSUMER = 'edw-consumer';

/** The names of the workload's resources on the environment's cloud. */
export function edwNames(platformName: string, env: WithWorkloads<Environment, 'edw'>, prefix: string): EdwNames {
  const keda = { namespace: kedaNamespace(env.edw.keda), serviceAccount: KEDA_SERVICE_ACCOUNT };
  const base = { namespace: workloadNamespace('edw'), consumer: EDW_CONSUMER, producer: 'edw-producer', keda };
  const part = forCloud<typeof env, CloudPart<Cloud, { aws: EdwAwsNames; azure: EdwAzureNames }>>(env, {
    aws: (env) => {
      const account = env.aws.accountId;
      // FIFO queue names must end in .fifo, and a FIFO queue's dead-letter queue must be FIFO too.
      const suffix = env.edw.queue.fifo ? '.fifo' : '';
      const queueName = `${prefix}-edw${suffix}`;
      const tableName = `${prefix}-edw-messages`;
      return {
        aws: {
          queueName,
          deadLetterQueueName: `${prefix}-edw-dlq${suffix}`,
          queueUrl: `https://sqs.${env.region}.amazonaws.com/${account}/${queueName}`,
          queueArn: `arn:aws:sqs:${env.region}:${account}:${queueName}`,
          tableName,
          tableArn: `arn:aws:dynamodb:${env.region}:${account}:table/${tableName}`,
          consumerRoleName: `${prefix}-edw-consumer`,
          producerRoleName: `${prefix}-edw-producer`,
          scalerRoleName: `${prefix}-keda-edw`,
          kmsAlias: `alias/${prefix}-edw`,
        },
      };
    },
    azure: (env) => {
      const storageAccountName = workloadStorageAccountName(platformName, env.name, 'edw');
      return {
        azure: {
          storageAccountName,
          queueName: 'edw-messages',
          tableName: 'edwmessages',
          consumerIdentityName: `id-${prefix}-edw-consumer`,
          producerIdentityName: `id-${prefix}-edw-producer`,
          scalerIdentityName: `id-${prefix}-edw-keda`,
          queueEndpoint: `https://${storageAccountName}.queue.core.windows.net`,
          tableEndpoint: `https://${storageAccountName}.table.core.windows.net`,
        },
      };
    },
  });
  return { ...base, ...part };
}
