/**
 * KEDA's own identity (platform stack): the KEDA operator role, bound by Pod Identity to the
 * Helm-installed operator's service account. It can do one thing: assume the per-workload scaler
 * roles (`<prefix>-keda-<workload>`), each of which may only read its own queue's length. A
 * workload's TriggerAuthentication names its scaler role (`podIdentity: { provider: aws, roleArn }`),
 * so no workload's permissions accumulate on the operator.
 *
 * Created only when a workload that scales with KEDA is enabled (today: the event-driven workload).
 */
import { kedaWorkloads } from '../../src/model/workloads';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { EnvironmentContext } from '../../src/model/context';
import { KEDA_SERVICE_ACCOUNT, kedaNamespace } from '../../src/model/naming';
import type { AwsStack } from '../constructs/platform-stack';
import type { AwsCluster } from './cluster';
import { arns, PARTITION, policyDocument } from './iam';
import { podIdentityTrustPolicy } from './identity';

/** On AWS KEDA is always installed with Helm (the model rejects `aks-addon` there). */
export const AWS_KEDA_NAMESPACE = kedaNamespace('helm');

/**
 * Pod Identity marks its session tags (cluster, namespace, service account) transitive, so every
 * role the operator chains into is assumed with those tags: the operator needs sts:TagSession
 * next to sts:AssumeRole, and each scaler role's trust must allow both.
 */
export const KEDA_ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'] as const;

/** Name prefix of every scaler role the operator may assume: `<prefix>-keda-`. */
export function kedaScalerRolePrefix(ctx: EnvironmentContext<'aws'>): string {
  return `${ctx.names.prefix}-keda-`;
}

/** `arn:aws:iam::<account>:role/<prefix>-keda-*`: the scaler roles, and nothing outside this environment. */
export function kedaScalerRoleArnPattern(ctx: EnvironmentContext<'aws'>): string {
  return `arn:${PARTITION}:iam::${arns(ctx).account}:role/${kedaScalerRolePrefix(ctx)}*`;
}

export interface AwsKeda {
  readonly operatorRole: IamRole;
}

/** The KEDA operator role, its policy and its Pod Identity association; undefined when no workload uses KEDA. */
export function buildKeda(stack: AwsStack, cluster: AwsCluster): AwsKeda | undefined {
  const { ctx } = stack;
  if (kedaWorkloads(ctx.env).length === 0) return undefined;
  const names = ctx.names.aws;

  // The pattern below must cover every scaler role the model derives, or scaling fails at run time.
  const scalerRoleName = ctx.names.edw?.aws?.scalerRoleName;
  if (scalerRoleName && !scalerRoleName.startsWith(kedaScalerRolePrefix(ctx))) {
    throw new Error(
      `${ctx.env.name}: scaler role ${scalerRoleName} does not start with ${kedaScalerRolePrefix(ctx)}, so the KEDA operator could not assume it`,
    );
  }

  const operatorRole = new IamRole(stack, 'keda_operator_role', {
    name: names.kedaOperatorRoleName,
    description: `KEDA operator of ${names.clusterName}: assumes the per-workload scaler roles`,
    assumeRolePolicy: podIdentityTrustPolicy(names.clusterName, AWS_KEDA_NAMESPACE, KEDA_SERVICE_ACCOUNT),
  });
  new IamRolePolicy(stack, 'keda_operator_policy', {
    name: 'keda-operator',
    role: operatorRole.id,
    policy: policyDocument([
      {
        Sid: 'AssumeScalerRoles',
        Effect: 'Allow',
        Action: [...KEDA_ASSUME_ACTIONS],
        // The pattern also matches the operator role itself; its trust admits Pod Identity only, so that is inert.
        Resource: kedaScalerRoleArnPattern(ctx),
      },
    ]),
  });
  new EksPodIdentityAssociation(stack, 'keda_pod_identity_association', {
    clusterName: cluster.cluster.name,
    namespace: AWS_KEDA_NAMESPACE,
    serviceAccount: KEDA_SERVICE_ACCOUNT,
    roleArn: operatorRole.arn,
  });
  return { operatorRole };
}
