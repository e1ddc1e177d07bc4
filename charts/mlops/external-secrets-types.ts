/**
 * A small hand-written typed interface for the External Secrets Operator resources this app emits
 * (external-secrets.io/v1, ESO v2.9.0), covering only the fields set here. The SecretStore CRD is
 * ~12k lines (every provider); generated classes for it would cost type-checking time for nothing
 * used. Every emitted object is validated against the full CRD schemas in
 * test/charts/mlops.test.ts, so a field added here that the CRD does not know fails there.
 */
import { typedResource } from '../lib/typed-resource';

export const EXTERNAL_SECRETS_API_VERSION = 'external-secrets.io/v1';

export interface ServiceAccountRef {
  readonly name: string;
}

/** AWS Secrets Manager, authenticated with a web-identity token of a service account (IRSA). */
export interface AwsSecretStoreProvider {
  readonly service: 'SecretsManager';
  readonly region: string;
  readonly auth: { readonly jwt: { readonly serviceAccountRef: ServiceAccountRef } };
}

/** Azure Key Vault, authenticated with Entra Workload Identity of a service account. */
export interface AzureKeyVaultSecretStoreProvider {
  readonly authType: 'WorkloadIdentity';
  readonly vaultUrl: string;
  readonly tenantId: string;
  readonly serviceAccountRef: ServiceAccountRef;
}

export interface SecretStoreSpec {
  readonly provider: { readonly aws: AwsSecretStoreProvider } | { readonly azurekv: AzureKeyVaultSecretStoreProvider };
}

export interface ExternalSecretData {
  /** Key of the value inside the operator's data, as the template reads it (`.<secretKey>`). */
  readonly secretKey: string;
  readonly remoteRef: { readonly key: string; readonly property?: string };
}

export interface ExternalSecretSpec {
  readonly refreshInterval: string;
  readonly secretStoreRef: { readonly name: string; readonly kind: 'SecretStore' };
  readonly target: {
    readonly name: string;
    readonly creationPolicy: 'Owner';
    readonly template: {
      readonly engineVersion: 'v2';
      readonly type: 'Opaque';
      /** Secret key → Go template over the fetched data. */
      readonly data: Readonly<Record<string, string>>;
    };
  };
  readonly data: readonly ExternalSecretData[];
}

export const SecretStore = typedResource<SecretStoreSpec>(EXTERNAL_SECRETS_API_VERSION, 'SecretStore');

export const ExternalSecret = typedResource<ExternalSecretSpec>(EXTERNAL_SECRETS_API_VERSION, 'ExternalSecret');
