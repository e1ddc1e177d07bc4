/**
 * Per-cloud identities of the MLOps pods (charts/lib/identity.ts explains both mechanisms):
 * - MLflow: AWS role `<prefix>-mlflow` through IRSA (MLFLOW_AWS_IDENTITY: the SecretStore
 *   authenticates to Secrets Manager as this service account with a web-identity token, which
 *   Pod Identity does not issue); Azure identity with the `mlops` stack's `mlflow_client_id`.
 * - Training: AWS role `<prefix>-mlops-training` through Pod Identity; Azure `training_client_id`.
 */
import { MLFLOW_AWS_IDENTITY, MLOPS_OUTPUTS, MLOPS_STACK, TRAINING_AWS_IDENTITY } from '../../src/model/naming';
import type { IdentitySource } from '../lib/identity';

export type MlopsRole = 'mlflow' | 'training';

/** The identity of each role, in the order they are bound. */
export const MLOPS_IDENTITIES: { readonly [R in MlopsRole]: IdentitySource<'mlops'> } = {
  mlflow: {
    aws: (ctx) => ({ roleName: ctx.names.mlops.aws.mlflowRoleName, mechanism: MLFLOW_AWS_IDENTITY }),
    azure: () => ({ stack: MLOPS_STACK, output: MLOPS_OUTPUTS.mlflowClientId }),
  },
  training: {
    aws: (ctx) => ({ roleName: ctx.names.mlops.aws.trainingRoleName, mechanism: TRAINING_AWS_IDENTITY }),
    azure: () => ({ stack: MLOPS_STACK, output: MLOPS_OUTPUTS.trainingClientId }),
  },
};
