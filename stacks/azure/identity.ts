/**
 * How Azure identities are made and granted, one helper each:
 * - `serviceAccountIdentity`: a user-assigned identity federated with exactly one Kubernetes service
 *   account of the cluster (Entra Workload Identity), and the output of its client id, which only
 *   Entra ID assigns and the chart annotates the service account with (charts/lib/identity.ts);
 * - `roleAssignment`: a role for a managed identity (user- or system-assigned) on one scope.
 */
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { TerraformOutput } from 'cdktf';
import { serviceAccountSubject } from '../../src/model/naming';
import type { AzureStack } from '../constructs/platform-stack';
import { type InGroup, tagsOf } from './common';

/** Fixed by Azure: the token exchange audience of workload identity federation. */
export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

export interface ServiceAccountIdentitySpec {
  /** Name of the identity (from the model). */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The Terraform output of its client id (naming.ts `*_OUTPUTS`), read by synth for the chart. */
  readonly clientIdOutput: string;
  /** Names it in the output's description, e.g. `EDW consumer`. */
  readonly label: string;
  /** What reads the client id, in the output's description. */
  readonly readBy?: string;
}

/** Where an identity is made: a workload stack (WorkloadStack) or the platform stack, with its cluster's OIDC issuer. */
export interface IdentityScope {
  readonly stack: AzureStack;
  readonly inGroup: InGroup;
  readonly cluster: { readonly oidcIssuerUrl: string };
}

/**
 * A user-assigned identity (`<key>_identity`) with one federated credential
 * (`<key>_federated_identity_credential`, `fic-<prefix>-<stack>-<key>`) trusting exactly one
 * service account of the cluster, and its client id output.
 */
export function serviceAccountIdentity(workload: IdentityScope, key: string, spec: ServiceAccountIdentitySpec): UserAssignedIdentity {
  const { stack, inGroup } = workload;
  const identity = new UserAssignedIdentity(stack, `${key}_identity`, { name: spec.name, ...inGroup, ...tagsOf(stack) });
  new FederatedIdentityCredential(stack, `${key}_federated_identity_credential`, {
    name: `fic-${stack.ctx.names.prefix}-${stack.stackName}-${key.replace(/_/g, '-')}`,
    resourceGroupName: inGroup.resourceGroupName,
    parentId: identity.id,
    audience: [WORKLOAD_IDENTITY_AUDIENCE],
    issuer: workload.cluster.oidcIssuerUrl,
    subject: serviceAccountSubject(spec.namespace, spec.serviceAccount),
  });
  new TerraformOutput(stack, spec.clientIdOutput, {
    value: identity.clientId,
    description: `Client ID of the ${spec.label} identity (${spec.readBy ?? 'workload identity annotation'}).`,
  });
  return identity;
}

/** A built-in role (`roleName`) or a custom role (`roleDefinitionId`, its resource id) for a managed identity on `scope`. */
export function roleAssignment(
  stack: AzureStack,
  id: string,
  grant: { readonly scope: string; readonly principalId: string } & ({ readonly roleName: string } | { readonly roleDefinitionId: string }),
): RoleAssignment {
  return new RoleAssignment(stack, id, {
    scope: grant.scope,
    ...('roleName' in grant ? { roleDefinitionName: grant.roleName } : { roleDefinitionId: grant.roleDefinitionId }),
    principalId: grant.principalId,
    principalType: 'ServicePrincipal',
    // A new identity may not have replicated in Entra ID yet; the principal type is known, so skip the lookup.
    skipServicePrincipalAadCheck: true,
  });
}
