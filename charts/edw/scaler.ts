/**
 * Per-cloud KEDA trigger and its authentication. The KEDA operator reads the queue length with
 * its own identity, never the consumer's:
 * - AWS: `podIdentity.provider: aws` with `roleArn`: the operator (Pod Identity) assumes the
 *   workload's scaler role, which may only read this queue's attributes. Not `aws-eks`
 *   (deprecated) and no `identityOwner` (deprecated, and mutually exclusive with roleArn).
 * - Azure: `podIdentity.provider: azure-workload` with `identityId` = the scaler identity's client
 *   id (Terraform outputs); its federated credential trusts the KEDA operator's service account.
 */
import type { EnvironmentContext } from '../../src/model/context';
import { EDW_OUTPUTS, EDW_STACK } from '../../src/model/naming';
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

export function queueTrigger(ctx: EnvironmentContext): ScaledObjectSpecTriggers {
  const { env } = ctx;
  const edw = ctx.names.edw!;
  const scaling = env.edw!.scaling;
  const authenticationRef = { name: TRIGGER_AUTHENTICATION_NAME, kind: ScaledObjectSpecTriggersAuthenticationRefKind.TRIGGER_AUTHENTICATION };
  const queueLength = String(scaling.messagesPerReplica);
  const activationQueueLength = String(activationThreshold(scaling.activationMessages));
  if (env.cloud === 'aws') {
    return {
      type: 'aws-sqs-queue',
      name: 'queue',
      metadata: { queueURL: edw.aws!.queueUrl, queueLength, activationQueueLength, awsRegion: env.region },
      authenticationRef,
    };
  }
  return {
    type: 'azure-queue',
    name: 'queue',
    metadata: { queueName: edw.azure!.queueName, accountName: edw.azure!.storageAccountName, queueLength, activationQueueLength },
    authenticationRef,
  };
}

export function scalerPodIdentity(ctx: EnvironmentContext): TriggerAuthenticationSpecPodIdentity {
  if (ctx.env.cloud === 'aws') {
    return { provider: TriggerAuthenticationSpecPodIdentityProvider.AWS, roleArn: ctx.names.aws!.roleArn(ctx.names.edw!.aws!.scalerRoleName) };
  }
  return {
    provider: TriggerAuthenticationSpecPodIdentityProvider.AZURE_HYPHEN_WORKLOAD,
    identityId: ctx.outputs.require(EDW_STACK, EDW_OUTPUTS.scalerClientId),
  };
}
