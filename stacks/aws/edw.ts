/**
 * The event-driven workload's own stack (`edw`, state `<env>/edw.tfstate`): producer → SQS queue →
 * KEDA-scaled consumers → DynamoDB table.
 *
 * - One KMS key (rotating) encrypts the queue, its dead-letter queue and the table.
 * - The queue (FIFO when the model says so) redrives to a dead-letter queue after the model's
 *   maxReceiveCount; the dead-letter queue accepts redrives from that queue only; both refuse
 *   requests without TLS.
 * - Consumer and producer roles are bound to one service account each, by the mechanism the model
 *   names (EDW_CONSUMER_AWS_IDENTITY, EDW_PRODUCER_AWS_IDENTITY: Pod Identity); the scaler
 *   role is assumed by the KEDA operator (platform stack, keda.ts) and reads the queue length only.
 *
 * No cdktf cross-stack references: the cluster name and the KEDA operator role ARN come from the
 * model's names, so `plan` works before the platform stack is applied (apply platform first: the
 * associations need the cluster, the scaler trust needs the operator role to exist).
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import type { App } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { EDW_CONSUMER_AWS_IDENTITY, EDW_PRODUCER_AWS_IDENTITY, EDW_STACK } from '../../src/model/naming';
import type { AwsStack } from '../constructs/platform-stack';
import { arns, denyInsecureTransport, policyDocument } from './iam';
import { mechanismLabel, serviceAccountRole } from './identity';
import { KEDA_ASSUME_ACTIONS } from './keda';
import { workloadKmsKey, workloadParts, workloadStack } from './workload';

/** The dead-letter queue keeps messages for the SQS maximum, 14 days, so failures can be inspected and redriven. */
export const DEAD_LETTER_RETENTION_SECONDS = 1_209_600;

/** DynamoDB key of the message table, as the consumer writes it. */
export const EDW_TABLE_KEY = { hash: 'id', range: 'messageProcessingTime' } as const;

/** Long polling: consumers get messages as soon as they arrive, with far fewer empty receives. */
const RECEIVE_WAIT_SECONDS = 20;

export interface AwsEdw {
  readonly key: KmsKey;
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly table: DynamodbTable;
  readonly consumerRole: IamRole;
  readonly producerRole: IamRole;
  readonly scalerRole: IamRole;
}

/** The `edw` stack of an AWS environment with the event-driven workload enabled. */
export function edwStack(app: App, ctx: EnvironmentContext<'aws', 'edw'>): AwsStack<'edw'> {
  return workloadStack(app, EDW_STACK, ctx, buildEdw, (edw) => ({
    queue_url: { value: edw.queue.url, description: 'URL of the EDW queue (producer, consumer and KEDA trigger)' },
    queue_arn: { value: edw.queue.arn, description: 'ARN of the EDW queue' },
    dead_letter_queue_url: { value: edw.deadLetterQueue.url, description: 'URL of the EDW dead-letter queue' },
    table_name: { value: edw.table.name, description: 'DynamoDB table the consumers write to' },
    consumer_role_arn: { value: edw.consumerRole.arn, description: `IAM role of the consumer service account (${mechanismLabel(EDW_CONSUMER_AWS_IDENTITY)})` },
    producer_role_arn: { value: edw.producerRole.arn, description: `IAM role of the producer service account (${mechanismLabel(EDW_PRODUCER_AWS_IDENTITY)})` },
    scaler_role_arn: { value: edw.scalerRole.arn, description: 'IAM role KEDA assumes to read the queue length (TriggerAuthentication roleArn)' },
  }));
}

/**
 * "Dead-letter queue not empty", where the alerts are (observability on): no in-cluster series counts the queue's
 * messages, so the managed equivalent of a PrometheusRule. SQS publishes ApproximateNumberOfMessagesVisible to AWS/SQS
 * by QueueName while the queue is active (it holds messages or is called); an empty, idle dead-letter queue publishes
 * nothing, which is not breaching. No action: like the chart's Alertmanager (receiver `null`), the alarm routes to
 * nobody until a platform team adds its SNS topic; its state shows in CloudWatch.
 */
export const DEAD_LETTER_ALARM = {
  namespace: 'AWS/SQS',
  metricName: 'ApproximateNumberOfMessagesVisible',
  periodSeconds: 300,
} as const;

function deadLetterAlarm(stack: AwsStack<'edw'>, deadLetterQueue: SqsQueue, queueName: string): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(stack, 'dead_letter_queue_alarm', {
    alarmName: `${queueName}-not-empty`,
    alarmDescription:
      'EDW messages failed maxReceiveCount times and wait in the dead-letter queue. Runbook: read the consumer’s logs for ' +
      'the failures, fix the cause, then redrive the messages to the queue (SQS StartMessageMoveTask).',
    namespace: DEAD_LETTER_ALARM.namespace,
    metricName: DEAD_LETTER_ALARM.metricName,
    dimensions: { QueueName: deadLetterQueue.name },
    statistic: 'Maximum',
    period: DEAD_LETTER_ALARM.periodSeconds,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  });
}

/** The EDW resources, in stack scope (construct ids are the Terraform logical ids). */
export function buildEdw(stack: AwsStack<'edw'>): AwsEdw {
  const { env, settings, workloadNames: edwNames, names, platformNames: aws } = workloadParts(stack, 'edw');
  const fifo = settings.queue.fifo;
  // Content-based deduplication: the producer need not send a deduplication id.
  const fifoSettings = fifo ? { fifoQueue: true, contentBasedDeduplication: true } : {};

  const key = workloadKmsKey(stack, 'edw', names.kmsAlias, `event-driven workload: queue, dead-letter queue and table`);

  // A FIFO queue's dead-letter queue must be FIFO too (naming.ts gives both the .fifo suffix).
  const deadLetterQueue = new SqsQueue(stack, 'dead_letter_queue', {
    name: names.deadLetterQueueName,
    ...fifoSettings,
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    kmsMasterKeyId: key.arn,
  });
  const queue = new SqsQueue(stack, 'queue', {
    name: names.queueName,
    ...fifoSettings,
    messageRetentionSeconds: settings.queue.messageRetentionSeconds,
    visibilityTimeoutSeconds: settings.queue.visibilityTimeoutSeconds,
    receiveWaitTimeSeconds: RECEIVE_WAIT_SECONDS,
    kmsMasterKeyId: key.arn,
    redrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: settings.queue.maxReceiveCount }),
  });
  // A separate resource: inline on the dead-letter queue it would form a cycle with the redrive policy.
  new SqsQueueRedriveAllowPolicy(stack, 'dead_letter_queue_redrive_allow_policy', {
    queueUrl: deadLetterQueue.url,
    redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [queue.arn] }),
  });
  for (const [id, q] of [
    ['queue_policy', queue],
    ['dead_letter_queue_policy', deadLetterQueue],
  ] as const) {
    new SqsQueuePolicy(stack, id, { queueUrl: q.url, policy: policyDocument([denyInsecureTransport('sqs', q.arn)]) });
  }

  if (env.observability.enabled) deadLetterAlarm(stack, deadLetterQueue, names.deadLetterQueueName);

  const table = new DynamodbTable(stack, 'table', {
    name: names.tableName,
    billingMode: 'PAY_PER_REQUEST',
    hashKey: EDW_TABLE_KEY.hash,
    rangeKey: EDW_TABLE_KEY.range,
    attribute: [
      { name: EDW_TABLE_KEY.hash, type: 'S' },
      { name: EDW_TABLE_KEY.range, type: 'S' },
    ],
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
    deletionProtectionEnabled: env.stage === 'prod',
  });

  // Both roles use the key only through SQS (and the consumer through DynamoDB), never directly.
  const viaService = (...services: string[]) => ({ StringEquals: { 'kms:ViaService': services.map((s) => `${s}.${env.region}.amazonaws.com`) } });

  const consumerRole = serviceAccountRole(stack, {
    mechanism: EDW_CONSUMER_AWS_IDENTITY,
    id: 'consumer',
    roleName: names.consumerRoleName,
    namespace: edwNames.namespace,
    serviceAccount: edwNames.consumer,
    label: 'EDW consumer',
    policyName: 'edw-consumer',
    statements: [
      {
        Sid: 'ConsumeQueue',
        Effect: 'Allow',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        Resource: queue.arn,
      },
      { Sid: 'WriteTable', Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: table.arn },
      {
        // Decrypt: reading SSE-KMS messages. GenerateDataKey: writes to a table encrypted with this key.
        Sid: 'UseWorkloadKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: key.arn,
        Condition: viaService('dynamodb', 'sqs'),
      },
    ],
  });

  // The queue URL comes from the model (names.edw.aws.queueUrl), so the producer needs neither
  // sqs:GetQueueUrl nor sqs:GetQueueAttributes: SendMessage is all it does.
  const producerRole = serviceAccountRole(stack, {
    mechanism: EDW_PRODUCER_AWS_IDENTITY,
    id: 'producer',
    roleName: names.producerRoleName,
    namespace: edwNames.namespace,
    serviceAccount: edwNames.producer,
    label: 'EDW producer',
    policyName: 'edw-producer',
    statements: [
      { Sid: 'SendToQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queue.arn },
      {
        // What SQS needs from a sender to an SSE-KMS queue: a data key, and Decrypt to reuse it.
        Sid: 'UseWorkloadKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: key.arn,
        Condition: viaService('sqs'),
      },
    ],
  });

  // Assumed by the KEDA operator (role chaining from its Pod Identity session, whose transitive
  // session tags need sts:TagSession). GetQueueAttributes needs no KMS access on an SSE-KMS queue.
  // The operator's role (platform stack) is named in a condition, not as the principal: IAM rejects a trust whose
  // principal role does not exist yet, and rewrites it to the role's unique id, so a recreated role would be locked
  // out. aws:PrincipalArn of a role session is the role's ARN. The edw stack so applies before or after the platform.
  const scalerRole = new IamRole(stack, 'scaler_role', {
    name: names.scalerRoleName,
    description: `KEDA scaler of the event-driven workload of ${aws.clusterName}: reads the queue length`,
    assumeRolePolicy: policyDocument([
      {
        Sid: 'AllowKedaOperator',
        Effect: 'Allow',
        Principal: { AWS: arns(stack.ctx).accountRoot },
        Action: [...KEDA_ASSUME_ACTIONS],
        Condition: { ArnEquals: { 'aws:PrincipalArn': aws.roleArn(aws.kedaOperatorRoleName) } },
      },
    ]),
  });
  new IamRolePolicy(stack, 'scaler_policy', {
    name: 'edw-scaler',
    role: scalerRole.id,
    policy: policyDocument([{ Sid: 'ReadQueueLength', Effect: 'Allow', Action: 'sqs:GetQueueAttributes', Resource: queue.arn }]),
  });

  return { key, queue, deadLetterQueue, table, consumerRole, producerRole, scalerRole };
}
