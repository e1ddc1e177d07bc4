/**
 * Per-cloud binding of a workload's service account to its cloud identity, shared by the
 * workload charts.
 *
 * - AWS, EKS Pod Identity: the association (Terraform) names namespace and service account; the
 *   Pod Identity webhook injects AWS_CONTAINER_CREDENTIALS_FULL_URI and mounts its own projected
 *   token (audience pods.eks.amazonaws.com). Nothing on the service account is read;
 *   `eks.amazonaws.com/role-arn` must NOT be set: it makes the IRSA webhook inject
 *   AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE, which the SDK credential chain prefers. The role ARN
 *   is written as an informational annotation only.
 * - Azure, Entra Workload Identity: the service account's `azure.workload.identity/client-id`
 *   annotation names the user-assigned identity (a client id only Entra ID assigns: from the
 *   Terraform outputs), and the pod label `azure.workload.identity/use: "true"` makes the webhook
 *   inject AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and its own projected
 *   token volume (audience api://AzureADTokenExchange).
 *
 * Neither needs the default service-account token, so automountServiceAccountToken stays false.
 */
import { KubeServiceAccount } from 'cdk8s-plus-28/lib/imports/k8s';
import type { Construct } from 'constructs';
import type { EnvironmentContext } from '../../src/model/context';
import type { AwsIdentityMechanism } from '../../src/model/naming';

/** Annotation the Azure workload identity webhook reads on the service account. */
export const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
/** Pod label that opts a pod into the Azure workload identity webhook. */
export const AZURE_USE_LABEL = 'azure.workload.identity/use';
/** Informational only (nothing reads it): which IAM role the Pod Identity association gives this account. */
export const AWS_ROLE_INFO_ANNOTATION = 'platform-synth.io/iam-role-arn';
/** IRSA: the EKS pod identity webhook injects a web-identity token for this role. */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

export interface IdentityBinding {
  /** On the ServiceAccount. */
  readonly serviceAccountAnnotations: Record<string, string>;
  /** On the pod template. */
  readonly podLabels: Record<string, string>;
  /** Whether the pod needs the default API token mounted: never, for both identity mechanisms. */
  readonly automountServiceAccountToken: false;
}

/** Where a workload's identity comes from on each cloud. Functions: only the environment's cloud is read. */
export interface IdentitySource {
  /** AWS: the IAM role the Pod Identity association (or IRSA) gives the service account. */
  readonly awsRoleName: () => string;
  /** AWS: Pod Identity unless the workload's client cannot use it. Default: pod-identity. */
  readonly awsMechanism?: AwsIdentityMechanism;
  /** Azure: the Terraform output (stack, name) holding the user-assigned identity's client id. */
  readonly azureClientIdOutput: { readonly stack: string; readonly name: string };
}

/** Resolves the binding; on Azure this requires the Terraform output (a miss is recorded once per call). */
export function workloadIdentity(ctx: EnvironmentContext, source: IdentitySource): IdentityBinding {
  if (ctx.env.cloud === 'aws') {
    const roleArn = ctx.names.aws!.roleArn(source.awsRoleName());
    return {
      serviceAccountAnnotations: { [source.awsMechanism === 'irsa' ? IRSA_ROLE_ANNOTATION : AWS_ROLE_INFO_ANNOTATION]: roleArn },
      podLabels: {},
      automountServiceAccountToken: false,
    };
  }
  const { stack, name } = source.azureClientIdOutput;
  return {
    serviceAccountAnnotations: { [AZURE_CLIENT_ID_ANNOTATION]: ctx.outputs.require(stack, name) },
    podLabels: { [AZURE_USE_LABEL]: 'true' },
    automountServiceAccountToken: false,
  };
}

/** The ServiceAccount of a binding, named `name` (the chart supplies the namespace). */
export function identityServiceAccount(scope: Construct, id: string, name: string, binding: IdentityBinding): KubeServiceAccount {
  const annotations = binding.serviceAccountAnnotations;
  return new KubeServiceAccount(scope, id, {
    metadata: { name, ...(Object.keys(annotations).length ? { annotations } : {}) },
    automountServiceAccountToken: binding.automountServiceAccountToken,
  });
}

/** One binding per role, resolved once (in the order given): each Terraform output is required (and a miss reported) once. */
export function bindingsByRole<R extends string>(roles: readonly R[], bind: (role: R) => IdentityBinding): Readonly<Record<R, IdentityBinding>> {
  return Object.fromEntries(roles.map((role) => [role, bind(role)])) as Record<R, IdentityBinding>;
}
