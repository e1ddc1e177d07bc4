/**
 * Per-cloud binding of the EDW service accounts to their cloud identities.
 *
 * - AWS, EKS Pod Identity: the association (Terraform, stacks/aws/edw.ts) names namespace and
 *   service account; the Pod Identity webhook injects AWS_CONTAINER_CREDENTIALS_FULL_URI and mounts
 *   its own projected token (audience pods.eks.amazonaws.com). Nothing on the service account is
 *   read; `eks.amazonaws.com/role-arn` must NOT be set: it makes the IRSA webhook inject
 *   AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE, which the SDK credential chain prefers.
 * - Azure, Entra Workload Identity: the service account's `azure.workload.identity/client-id`
 *   annotation names the user-assigned identity (a client id only Entra ID assigns: from the
 *   Terraform outputs), and the pod label `azure.workload.identity/use: "true"` makes the webhook
 *   inject AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and its own projected
 *   token volume (audience api://AzureADTokenExchange).
 *
 * Neither needs the default service-account token, so automountServiceAccountToken stays false.
 */
import type { EnvironmentContext } from '../../src/model/context';
import { EDW_OUTPUTS, EDW_STACK } from '../../src/model/naming';

export type EdwRole = 'consumer' | 'producer';

/** Annotation the Azure workload identity webhook reads on the service account. */
export const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
/** Pod label that opts a pod into the Azure workload identity webhook. */
export const AZURE_USE_LABEL = 'azure.workload.identity/use';
/** Informational only (nothing reads it): which IAM role the Pod Identity association gives this account. */
export const AWS_ROLE_INFO_ANNOTATION = 'platform-synth.io/iam-role-arn';

export interface IdentityBinding {
  /** On the ServiceAccount. */
  readonly serviceAccountAnnotations: Record<string, string>;
  /** On the pod template. */
  readonly podLabels: Record<string, string>;
  /** Whether the pod needs the default API token mounted: never, for both identity mechanisms. */
  readonly automountServiceAccountToken: false;
}

const CLIENT_ID_OUTPUT: Record<EdwRole, string> = {
  consumer: EDW_OUTPUTS.consumerClientId,
  producer: EDW_OUTPUTS.producerClientId,
};

export function identityBinding(ctx: EnvironmentContext, role: EdwRole): IdentityBinding {
  const { names } = ctx;
  const edw = names.edw!;
  if (ctx.env.cloud === 'aws') {
    const roleName = role === 'consumer' ? edw.aws!.consumerRoleName : edw.aws!.producerRoleName;
    return {
      serviceAccountAnnotations: { [AWS_ROLE_INFO_ANNOTATION]: names.aws!.roleArn(roleName) },
      podLabels: {},
      automountServiceAccountToken: false,
    };
  }
  return {
    serviceAccountAnnotations: { [AZURE_CLIENT_ID_ANNOTATION]: ctx.outputs.require(EDW_STACK, CLIENT_ID_OUTPUT[role]) },
    podLabels: { [AZURE_USE_LABEL]: 'true' },
    automountServiceAccountToken: false,
  };
}
