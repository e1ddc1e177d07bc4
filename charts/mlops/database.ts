/**
 * MLflow's database credentials, from the cloud secret store to the pod without a literal:
 *
 *   Secrets Manager / Key Vault → SecretStore `mlflow-db` (authenticates as MLflow's service
 *   account) → ExternalSecret `mlflow-db` (template) → Secret `mlflow-db`, key `backend-store-uri`
 *   → MLflow's MLFLOW_BACKEND_STORE_URI (secretKeyRef).
 *
 * On both clouds MLflow connects as its own user `names.mlops.database.user`, whose JSON secret
 * (`username`, `password`, `version`) the database-user Job writes (database-user.ts); the
 * administrator's secret is read by that Job only. Refreshed every minute: a rotation's rollout waits for it.
 * - AWS: Secrets Manager `dbUserSecretName`; the host is the RDS endpoint (`mlflow_db_host`). The store
 *   uses `auth.jwt` with MLflow's service account: the operator requests a token for it and assumes the
 *   IRSA role its annotation names.
 * - Azure: Key Vault `dbUserSecret` (the provider reads JSON properties of a secret's value), the host the
 *   Flexible Server's derivable FQDN; the store uses WorkloadIdentity with MLflow's service account (its
 *   client-id annotation) in the environment's tenant.
 *
 * The password is URL-escaped in the template (`urlquery`): RDS and generated passwords may hold
 * characters that are special in a URI. `sslmode=require`: both servers enforce TLS.
 */
import { byCloud, type EnvironmentContext } from '../../src/model/context';
import { MLOPS_OUTPUTS, MLOPS_STACK } from '../../src/model/naming';
import type { Cloud } from '../../src/model/types';
import { DB_VERSION_KEY } from './database-user';
import type { ExternalSecretData, ExternalSecretSpec, SecretStoreSpec } from './external-secrets-types';

/** SecretStore, ExternalSecret and the Secret they write share this name. */
export const DB_SECRET = 'mlflow-db';
/** Key of the Secret holding the full SQLAlchemy URI. */
export const BACKEND_STORE_URI_KEY = 'backend-store-uri';
export const POSTGRES_PORT = 5432;

/** Key of the fetched password inside the operator's data (the template reads `.password`). */
const PASSWORD_KEY = 'password';

/** Where each cloud keeps the database: its host, the secret store, and the password's key in it. */
export interface DatabaseSource {
  readonly host: string;
  readonly provider: SecretStoreSpec['provider'];
  /** Fetched values by their key in the template's data: `password` and the credential `version`. */
  readonly data: readonly ExternalSecretData[];
}

/** How soon External Secrets sees a new credential version (MLflow's new pods wait for it). */
const DB_SECRET_REFRESH = '1m';

/** Resolved once per chart: on AWS it requires the Terraform outputs (secret first, then host, as the objects are written). */
export function databaseSource(ctx: EnvironmentContext<Cloud, 'mlops'>): DatabaseSource {
  const serviceAccountRef = { name: ctx.names.mlops.mlflowServiceAccount };
  const fromJson = (key: string) => [PASSWORD_KEY, DB_VERSION_KEY].map((property) => ({ secretKey: property, remoteRef: { key, property } }));
  return byCloud<DatabaseSource, 'mlops'>(ctx, {
    aws: ({ env, outputs, names: { mlops } }) => ({
      provider: { aws: { service: 'SecretsManager', region: env.region, auth: { jwt: { serviceAccountRef } } } },
      data: fromJson(mlops.aws.dbUserSecretName),
      host: outputs.require(MLOPS_STACK, MLOPS_OUTPUTS.dbHost),
    }),
    azure: ({ env, names: { mlops } }) => ({
      provider: { azurekv: { authType: 'WorkloadIdentity', vaultUrl: mlops.azure.keyVaultUrl, tenantId: env.azure.tenantId, serviceAccountRef } },
      data: fromJson(mlops.azure.dbUserSecret),
      host: mlops.azure.postgresHost,
    }),
  });
}

/** The template of `backend-store-uri`: everything but the password is known at synth time. */
export function backendStoreUriTemplate(ctx: EnvironmentContext<Cloud, 'mlops'>, source: DatabaseSource): string {
  const { name, user } = ctx.names.mlops.database;
  return `postgresql://${user}:{{ .${PASSWORD_KEY} | urlquery }}@${source.host}:${POSTGRES_PORT}/${name}?sslmode=require`;
}

export function secretStoreSpec(source: DatabaseSource): SecretStoreSpec {
  return { provider: source.provider };
}

export function externalSecretSpec(ctx: EnvironmentContext<Cloud, 'mlops'>, source: DatabaseSource): ExternalSecretSpec {
  return {
    refreshInterval: DB_SECRET_REFRESH,
    secretStoreRef: { name: DB_SECRET, kind: 'SecretStore' },
    target: {
      name: DB_SECRET,
      creationPolicy: 'Owner',
      // The credential version too: MLflow's init container waits for it.
      template: {
        engineVersion: 'v2',
        type: 'Opaque',
        data: { [BACKEND_STORE_URI_KEY]: backendStoreUriTemplate(ctx, source), [DB_VERSION_KEY]: `{{ .${DB_VERSION_KEY} }}` },
      },
    },
    data: source.data,
  };
}
