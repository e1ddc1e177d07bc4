/**
 * Per-cloud KEDA trigger and its authentication. The KEDA operator reads the queue length with
 * its own identity, never the consumer's:
 * - AWS: `podIdentity.provider: aws` with `roleArn`: the operator (Pod Identity) assumes the
 *   workload's scaler role, which may only read this queue's attributes. Not `aws-eks`
 *   (deprecated) and no `identityOwner` (deprecated, and mutually exclusive with roleArn).
 * - Azure: `podIdentity.provider: azure-workload` with `identityId` = the scaler identity's client
 *   id (Terraform outputs); its federated credential trusts the KEDA operator's service account.
 */
import { byCloud, type EnvironmentContext } from '../../src/model/context';
import { EDW_OUTPUTS, EDW_STACK } from '../../src/model/naming';
import type { Cloud } from '../../src/model/types';
import type { ScaledObjectSpecTriggers } from '../imports/keda-scaledobject-keda.sh';
import { ScaledObjectSpecTriggersAuthenticationRefKind } from '../imports/keda-scaledobject-keda.sh';
import { TriggerAuthenticationSpecPodIdentityProvider, type TriggerAuthenticationSpecPodIdentity } from '../imports/keda-triggerauthentication-keda.sh';

/** Name of the TriggerAuthentication the trigger refers to. */
export const TRIGGER_AUTHENTICATION_NAME = 'edw-queue';

/**
 * KEDA activates a scaler when the queue length is strictly greater than the activation value,
 * so waking at `activationMessages` messages means an activation value one below it.
 */
export function activationThreshold(activationMessages: number): number {
  return Math.max(0, activationMessages - 1);
}

export function queueTrigger(ctx: EnvironmentContext<Cloud, 'edw'>): ScaledObjectSpecTriggers {
  const { scaling } = ctx.env.edw;
  const queueLength = String(scaling.messagesPerReplica);
  const activationQueueLength = String(activationThreshold(scaling.activationMessages));
  const scaler = byCloud<Pick<ScaledObjectSpecTriggers, 'type' | 'metadata'>, 'edw'>(ctx, {
    aws: ({ env, names }) => ({
      type: 'aws-sqs-queue',
      metadata: { queueURL: names.edw.aws.queueUrl, queueLength, activationQueueLength, awsRegion: env.region },
    }),
    azure: ({ names }) => ({
      type: 'azure-queue',
      metadata: { queueName: names.edw.azure.queueName, accountName: names.edw.azure.storageAccountName, queueLength, activationQueueLength },
    }),
  });
  return {
    type: scaler.type,
    name: 'queue',
    metadata: scaler.metadata,
    authenticationRef: { name: TRIGGER_AUTHENTICATION_NAME, kind: ScaledObjectSpecTriggersAuthenticationRefKind.TRIGGER_AUTHENTICATION },
  };
}

export function scalerPodIdentity(ctx: EnvironmentContext<Cloud, 'edw'>): TriggerAuthenticationSpecPodIdentity {
  return byCloud<TriggerAuthenticationSpecPodIdentity, 'edw'>(ctx, {
    aws: ({ names }) => ({ provider: TriggerAuthenticationSpecPodIdentityProvider.AWS, roleArn: names.aws.roleArn(names.edw.aws.scalerRoleName) }),
    azure: ({ outputs }) => ({
      provider: TriggerAuthenticationSpecPodIdentityProvider.AZURE_HYPHEN_WORKLOAD,
      identityId: outputs.require(EDW_STACK, EDW_OUTPUTS.scalerClientId),
    }),
  });
}
