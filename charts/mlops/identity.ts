/**
 * Per-cloud identities of the MLOps pods (charts/lib/identity.ts explains both mechanisms):
 * - MLflow: AWS role `<prefix>-mlflow` through IRSA (MLFLOW_AWS_IDENTITY: the SecretStore
 *   authenticates to Secrets Manager as this service account with a web-identity token, which
 *   Pod Identity does not issue); Azure identity with the `mlops` stack's `mlflow_client_id`.
 * - Training: AWS role `<prefix>-mlops-training` through Pod Identity; Azure `training_client_id`.
 */
import type { EnvironmentContext } from '../../src/model/context';
import { MLFLOW_AWS_IDENTITY, MLOPS_OUTPUTS, MLOPS_STACK } from '../../src/model/naming';
import { workloadIdentity, type IdentityBinding } from '../lib/identity';

export type MlopsRole = 'mlflow' | 'training';

export function mlopsIdentity(ctx: EnvironmentContext, role: MlopsRole): IdentityBinding {
  const aws = () => ctx.names.mlops!.aws!;
  return workloadIdentity(ctx, {
    awsRoleName: () => (role === 'mlflow' ? aws().mlflowRoleName : aws().trainingRoleName),
    awsMechanism: role === 'mlflow' ? MLFLOW_AWS_IDENTITY : 'pod-identity',
    azureClientIdOutput: { stack: MLOPS_STACK, name: role === 'mlflow' ? MLOPS_OUTPUTS.mlflowClientId : MLOPS_OUTPUTS.trainingClientId },
  });
}
