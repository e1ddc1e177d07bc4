import { doc, expectOutputValues, of, podIdentityTrust, ref, renderPicking, statements, resourceCounts, withEnv, withoutWorkload } from '../helpers';
import { KEDA_SERVICE_ACCOUNT, kedaNamespace } from '../../../src/model/naming';
import type { PlatformSpec } from '../../../src/model/types';
import { defaultPlatform } from '../../../src/platform';

const render = renderPicking('platform', 'edw');
const QUEUE_ARN = ref('aws_sqs_queue.queue.arn');
const TABLE_ARN = ref('aws_dynamodb_table.table.arn');
const KEY_ARN = ref('aws_kms_key.edw_kms_key.arn');

describe('aws edw stack', () => {
  const dev = render('aws-dev');
  const prod = render('aws-prod');

  it('alarms when the dead-letter queue holds a message (the alert no in-cluster series can raise); an idle empty one is OK', () => {
    for (const r of [dev, prod]) {
      const alarm = of(r.edw, 'aws_cloudwatch_metric_alarm').dead_letter_queue_alarm;
      expect(alarm).toMatchObject({
        alarm_name: `${r.names.edw!.aws!.deadLetterQueueName}-not-empty`,
        namespace: 'AWS/SQS',
        metric_name: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: ref('aws_sqs_queue.dead_letter_queue.name') },
        statistic: 'Maximum',
        comparison_operator: 'GreaterThanThreshold',
        threshold: 0,
        evaluation_periods: 1,
        treat_missing_data: 'notBreaching',
      });
      expect(alarm.alarm_description).toMatch(/Runbook: .*redrive/);
    }
    // Only where the platform alerts at all.
    const off = render(
      'aws-dev',
      withEnv('aws-dev', (e) => ({ ...e, observability: { enabled: false } })),
    );
    expect(of(off.edw, 'aws_cloudwatch_metric_alarm')).toEqual({});
  });

  it('looks nothing up: no data sources', () => {
    for (const r of [dev, prod]) expect(r.edw.data).toBeUndefined();
  });

  it('encrypts queue, dead-letter queue and table with one rotating key under the model alias', () => {
    for (const r of [dev, prod]) {
      expect(Object.keys(of(r.edw, 'aws_kms_key'))).toEqual(['edw_kms_key']);
      expect(of(r.edw, 'aws_kms_key').edw_kms_key.enable_key_rotation).toBe(true);
      expect(of(r.edw, 'aws_kms_alias').edw_kms_alias).toEqual({ name: r.names.edw!.aws!.kmsAlias, target_key_id: ref('aws_kms_key.edw_kms_key.key_id') });
      const queues = of(r.edw, 'aws_sqs_queue');
      for (const q of Object.values(queues)) {
        expect(q.kms_master_key_id).toBe(KEY_ARN);
        expect(q.sqs_managed_sse_enabled).toBeUndefined();
      }
      expect(of(r.edw, 'aws_dynamodb_table').table.server_side_encryption).toEqual({ enabled: true, kms_key_arn: KEY_ARN });
    }
  });

  it('redrives to the dead-letter queue after the model maxReceiveCount, and the DLQ accepts only that queue', () => {
    for (const r of [dev, prod]) {
      const { queue, dead_letter_queue: dlq } = of(r.edw, 'aws_sqs_queue');
      const settings = r.env.edw!.queue;
      expect(doc(queue.redrive_policy)).toEqual({ deadLetterTargetArn: ref('aws_sqs_queue.dead_letter_queue.arn'), maxReceiveCount: settings.maxReceiveCount });
      expect(queue.message_retention_seconds).toBe(settings.messageRetentionSeconds);
      expect(queue.visibility_timeout_seconds).toBe(settings.visibilityTimeoutSeconds);
      expect(dlq.message_retention_seconds).toBe(14 * 24 * 3600);
      expect(dlq.redrive_policy).toBeUndefined();
      expect(of(r.edw, 'aws_sqs_queue_redrive_allow_policy')).toEqual({
        dead_letter_queue_redrive_allow_policy: { queue_url: ref('aws_sqs_queue.dead_letter_queue.url'), redrive_allow_policy: expect.any(String) },
      });
      expect(doc(of(r.edw, 'aws_sqs_queue_redrive_allow_policy').dead_letter_queue_redrive_allow_policy.redrive_allow_policy)).toEqual({
        redrivePermission: 'byQueue',
        sourceQueueArns: [QUEUE_ARN],
      });
    }
    // The model value reaches the queue: a changed maxReceiveCount changes the policy.
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    spec.environments.find((e) => e.name === 'aws-dev')!.workloads!.edw!.queue = { maxReceiveCount: 9 };
    expect(doc(of(render('aws-dev', spec).edw, 'aws_sqs_queue').queue.redrive_policy).maxReceiveCount).toBe(9);
  });

  it('uses FIFO queues with the .fifo names in aws-prod and standard queues in aws-dev', () => {
    const names = prod.names.edw!.aws!;
    expect(prod.env.edw!.queue.fifo).toBe(true);
    const prodQueues = of(prod.edw, 'aws_sqs_queue');
    expect(prodQueues.queue).toMatchObject({ name: names.queueName, fifo_queue: true, content_based_deduplication: true });
    expect(prodQueues.dead_letter_queue).toMatchObject({ name: names.deadLetterQueueName, fifo_queue: true, content_based_deduplication: true });
    expect(names.queueName).toMatch(/\.fifo$/);
    expect(names.deadLetterQueueName).toMatch(/\.fifo$/);

    expect(dev.env.edw!.queue.fifo).toBe(false);
    const devQueues = of(dev.edw, 'aws_sqs_queue');
    expect(devQueues.queue.name).toBe(dev.names.edw!.aws!.queueName);
    expect(devQueues.dead_letter_queue.name).toBe(dev.names.edw!.aws!.deadLetterQueueName);
    for (const q of Object.values(devQueues)) {
      expect(q.name).not.toMatch(/\.fifo$/);
      expect(q.fifo_queue).toBeUndefined();
      expect(q.content_based_deduplication).toBeUndefined();
    }
  });

  it('denies requests without TLS on both queues', () => {
    for (const r of [dev, prod]) {
      const policies = of(r.edw, 'aws_sqs_queue_policy');
      expect(Object.keys(policies).sort()).toEqual(['dead_letter_queue_policy', 'queue_policy']);
      for (const [id, queue] of [
        ['queue_policy', 'queue'],
        ['dead_letter_queue_policy', 'dead_letter_queue'],
      ]) {
        expect(policies[id].queue_url).toBe(ref(`aws_sqs_queue.${queue}.url`));
        expect(statements(policies[id].policy)).toEqual([
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: ref(`aws_sqs_queue.${queue}.arn`),
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]);
      }
    }
  });

  it('creates the message table on demand with id + messageProcessingTime, PITR, and deletion protection in prod only', () => {
    for (const r of [dev, prod]) {
      const table = of(r.edw, 'aws_dynamodb_table').table;
      expect(table).toMatchObject({
        name: r.names.edw!.aws!.tableName,
        billing_mode: 'PAY_PER_REQUEST',
        hash_key: 'id',
        range_key: 'messageProcessingTime',
        attribute: [
          { name: 'id', type: 'S' },
          { name: 'messageProcessingTime', type: 'S' },
        ],
        point_in_time_recovery: { enabled: true },
      });
      expect(table.read_capacity).toBeUndefined();
      expect(table.write_capacity).toBeUndefined();
    }
    expect(of(prod.edw, 'aws_dynamodb_table').table.deletion_protection_enabled).toBe(true);
    expect(of(dev.edw, 'aws_dynamodb_table').table.deletion_protection_enabled).toBe(false);
  });

  it('gives each role exactly its actions on exactly its resources', () => {
    for (const r of [dev, prod]) {
      const policies = of(r.edw, 'aws_iam_role_policy');
      expect(Object.keys(policies).sort()).toEqual(['consumer_policy', 'producer_policy', 'scaler_policy']);
      const region = r.env.region;
      expect(policies.consumer_policy.role).toBe(ref('aws_iam_role.consumer_role.id'));
      expect(statements(policies.consumer_policy.policy)).toEqual([
        {
          Sid: 'ConsumeQueue',
          Effect: 'Allow',
          Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
          Resource: QUEUE_ARN,
        },
        { Sid: 'WriteTable', Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: TABLE_ARN },
        {
          Sid: 'UseWorkloadKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: KEY_ARN,
          Condition: { StringEquals: { 'kms:ViaService': [`dynamodb.${region}.amazonaws.com`, `sqs.${region}.amazonaws.com`] } },
        },
      ]);
      expect(policies.producer_policy.role).toBe(ref('aws_iam_role.producer_role.id'));
      expect(statements(policies.producer_policy.policy)).toEqual([
        { Sid: 'SendToQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: QUEUE_ARN },
        {
          Sid: 'UseWorkloadKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: KEY_ARN,
          Condition: { StringEquals: { 'kms:ViaService': [`sqs.${region}.amazonaws.com`] } },
        },
      ]);
      expect(policies.scaler_policy.role).toBe(ref('aws_iam_role.scaler_role.id'));
      expect(statements(policies.scaler_policy.policy)).toEqual([
        { Sid: 'ReadQueueLength', Effect: 'Allow', Action: 'sqs:GetQueueAttributes', Resource: QUEUE_ARN },
      ]);

      // No wildcard anywhere in an identity policy, and nothing attached besides these inline policies.
      for (const p of Object.values(policies)) expect(p.policy).not.toContain('*');
      expect(of(r.edw, 'aws_iam_role_policy_attachment')).toEqual({});
      expect(of(r.edw, 'aws_iam_policy')).toEqual({});
    }
  });

  it('binds consumer and producer to their service accounts only, with exactly one association each', () => {
    for (const r of [dev, prod]) {
      const edwNames = r.names.edw!;
      const clusterName = r.names.aws!.clusterName;
      const roles = of(r.edw, 'aws_iam_role');
      const associations = Object.values(of(r.edw, 'aws_eks_pod_identity_association'));
      expect(associations).toHaveLength(2);
      for (const [id, roleName, serviceAccount] of [
        ['consumer', edwNames.aws!.consumerRoleName, edwNames.consumer],
        ['producer', edwNames.aws!.producerRoleName, edwNames.producer],
      ]) {
        expect(roles[`${id}_role`].name).toBe(roleName);
        expect(statements(roles[`${id}_role`].assume_role_policy)).toEqual(podIdentityTrust(clusterName, edwNames.namespace, serviceAccount));
        const mine = associations.filter((a) => a.role_arn === ref(`aws_iam_role.${id}_role.arn`));
        expect(mine).toEqual([
          { cluster_name: clusterName, namespace: edwNames.namespace, service_account: serviceAccount, role_arn: ref(`aws_iam_role.${id}_role.arn`) },
        ]);
      }
    }
  });

  it('lets only the KEDA operator role assume the scaler role, without naming it as the principal', () => {
    for (const r of [dev, prod]) {
      const aws = r.names.aws!;
      const scaler = of(r.edw, 'aws_iam_role').scaler_role;
      expect(scaler.name).toBe(r.names.edw!.aws!.scalerRoleName);
      expect(statements(scaler.assume_role_policy)).toEqual([
        {
          Sid: 'AllowKedaOperator',
          Effect: 'Allow',
          // The account as principal and the operator's role in a condition: the trust is valid before that role
          // exists (the edw stack applies on its own) and survives its recreation (a principal ARN would not).
          Principal: { AWS: `arn:aws:iam::${r.env.aws!.accountId}:root` },
          // Pod Identity's session tags are transitive: the chained AssumeRole carries them.
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${r.env.aws!.accountId}:role/${aws.kedaOperatorRoleName}` } },
        },
      ]);
      expect(aws.roleArn(aws.kedaOperatorRoleName)).toBe(`arn:aws:iam::${r.env.aws!.accountId}:role/${aws.kedaOperatorRoleName}`);
    }
  });

  it('exposes the outputs the chart and operators read', () => {
    expectOutputValues(prod.edw, {
      queue_url: ref('aws_sqs_queue.queue.url'),
      queue_arn: QUEUE_ARN,
      dead_letter_queue_url: ref('aws_sqs_queue.dead_letter_queue.url'),
      table_name: ref('aws_dynamodb_table.table.name'),
      consumer_role_arn: ref('aws_iam_role.consumer_role.arn'),
      producer_role_arn: ref('aws_iam_role.producer_role.arn'),
      scaler_role_arn: ref('aws_iam_role.scaler_role.arn'),
    });
  });

  it('counts the resources it means to create', () => {
    expect(resourceCounts(prod.edw)).toEqual({
      aws_cloudwatch_metric_alarm: 1,
      aws_dynamodb_table: 1,
      aws_eks_pod_identity_association: 2,
      aws_iam_role: 3,
      aws_iam_role_policy: 3,
      aws_kms_alias: 1,
      aws_kms_key: 1,
      aws_sqs_queue: 2,
      aws_sqs_queue_policy: 2,
      aws_sqs_queue_redrive_allow_policy: 1,
    });
  });
});

describe('aws KEDA operator role (platform stack)', () => {
  const dev = render('aws-dev');
  const prod = render('aws-prod');

  it('is bound to keda/keda-operator by one Pod Identity association', () => {
    for (const r of [dev, prod]) {
      const aws = r.names.aws!;
      expect(kedaNamespace('helm')).toBe('keda');
      const role = of(r.platform, 'aws_iam_role').keda_operator_role;
      expect(role.name).toBe(aws.kedaOperatorRoleName);
      expect(statements(role.assume_role_policy)).toEqual(podIdentityTrust(aws.clusterName, 'keda', KEDA_SERVICE_ACCOUNT));
      const associations = Object.values(of(r.platform, 'aws_eks_pod_identity_association')).filter(
        (a) => a.role_arn === ref('aws_iam_role.keda_operator_role.arn'),
      );
      expect(associations).toEqual([
        {
          cluster_name: ref('aws_eks_cluster.cluster.name'),
          namespace: 'keda',
          service_account: 'keda-operator',
          role_arn: ref('aws_iam_role.keda_operator_role.arn'),
        },
      ]);
    }
  });

  it('may only assume the <prefix>-keda-* roles of its own account, and the scaler role matches', () => {
    for (const r of [dev, prod]) {
      const policies = Object.values(of(r.platform, 'aws_iam_role_policy')).filter((p) => p.role === ref('aws_iam_role.keda_operator_role.id'));
      expect(policies).toHaveLength(1);
      expect(Object.values(of(r.platform, 'aws_iam_role_policy_attachment')).filter((a) => a.role === ref('aws_iam_role.keda_operator_role.name'))).toEqual([]);
      const pattern = `arn:aws:iam::${r.env.aws!.accountId}:role/${r.names.prefix}-keda-*`;
      expect(statements(policies[0].policy)).toEqual([
        { Sid: 'AssumeScalerRoles', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: pattern },
      ]);
      const scalerArn = r.names.aws!.roleArn(r.names.edw!.aws!.scalerRoleName);
      expect(scalerArn.startsWith(pattern.slice(0, -1))).toBe(true);
    }
  });
});

describe('EDW disabled', () => {
  const spec = withoutWorkload('edw');
  it('renders no edw stack and no KEDA operator role', () => {
    for (const envName of ['aws-dev', 'aws-prod']) {
      const r = render(envName, spec);
      expect(r.stackNames).not.toContain('edw');
      expect(r.edw).toBeUndefined();
      expect(of(r.platform, 'aws_iam_role').keda_operator_role).toBeUndefined();
      expect(of(r.platform, 'aws_iam_role_policy').keda_operator_policy).toBeUndefined();
      expect(of(r.platform, 'aws_eks_pod_identity_association').keda_pod_identity_association).toBeUndefined();
      expect(JSON.stringify(r.platform)).not.toMatch(/keda/i);
    }
  });
  it('leaves the default model untouched', () => {
    expect(defaultPlatform.environments.every((e) => e.workloads?.edw?.enabled)).toBe(true);
  });
});
