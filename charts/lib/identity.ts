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
import { byCloud, type EnvironmentContext } from '../../src/model/context';
import type { AwsIdentityMechanism } from '../../src/model/naming';
import type { Cloud, WorkloadName } from '../../src/model/types';
import { AppChart } from './app-chart';

/** Annotation the Azure workload identity webhook reads on the service account. */
export const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
/**
 * Where the Azure workload identity webhook projects the pod's token (azure-workload-identity pkg/webhook consts:
 * TokenFileMountPath + TokenFilePathName), the value it gives AZURE_FEDERATED_TOKEN_FILE.
 */
export const AZURE_FEDERATED_TOKEN_FILE = '/var/run/secrets/azure/tokens/azure-identity-token';
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

/** What each cloud needs to bind a service account: AWS the IAM role (and mechanism), Azure the client id's Terraform output. */
export interface CloudIdentity {
  readonly aws: {
    readonly roleName: string;
    /** The model's `*_AWS_IDENTITY` constant for this service account, the one its stack's role was created for. */
    readonly mechanism: AwsIdentityMechanism;
  };
  readonly azure: { readonly stack: string; readonly output: string };
}

/** Where one identity comes from, per cloud; only the environment's cloud's entry is called. */
export type IdentitySource<W extends WorkloadName> = { readonly [C in Cloud]: (ctx: EnvironmentContext<C, W>) => CloudIdentity[C] };

/** The service-account annotation naming the IAM role, per mechanism: informational for Pod Identity, read by IRSA's webhook. */
const AWS_ROLE_ANNOTATION: Readonly<Record<AwsIdentityMechanism, string>> = { 'pod-identity': AWS_ROLE_INFO_ANNOTATION, irsa: IRSA_ROLE_ANNOTATION };

/** The service-account annotation of an IAM role bound through `mechanism` (for charts that take annotations as values). */
export function awsRoleAnnotations(mechanism: AwsIdentityMechanism, roleArn: string): Record<string, string> {
  return { [AWS_ROLE_ANNOTATION[mechanism]]: roleArn };
}

/** Resolves the binding; on Azure this requires the Terraform output (a miss is recorded once per call). */
export function workloadIdentity<W extends WorkloadName>(ctx: EnvironmentContext<Cloud, W>, source: IdentitySource<W>): IdentityBinding {
  return byCloud<IdentityBinding, W>(ctx, {
    aws: (ctx) => {
      const { roleName, mechanism } = source.aws(ctx);
      return {
        serviceAccountAnnotations: awsRoleAnnotations(mechanism, ctx.names.aws.roleArn(roleName)),
        podLabels: {},
        automountServiceAccountToken: false,
      };
    },
    azure: (ctx) => {
      const { stack, output } = source.azure(ctx);
      return {
        serviceAccountAnnotations: { [AZURE_CLIENT_ID_ANNOTATION]: ctx.outputs.require(stack, output) },
        podLabels: { [AZURE_USE_LABEL]: 'true' },
        automountServiceAccountToken: false,
      };
    },
  });
}

/** Azure: the client id a binding annotates its service account with (clients that name their identity read it too). */
export function azureClientId(binding: IdentityBinding): string {
  const clientId = binding.serviceAccountAnnotations[AZURE_CLIENT_ID_ANNOTATION];
  if (clientId === undefined) throw new Error('not an Azure workload identity binding: no client id annotation');
  return clientId;
}

/** The ServiceAccount of a binding, named `name` (the chart supplies the namespace). */
export function identityServiceAccount(scope: Construct, id: string, name: string, binding: IdentityBinding): KubeServiceAccount {
  const annotations = binding.serviceAccountAnnotations;
  return new KubeServiceAccount(scope, id, {
    metadata: { name, ...(Object.keys(annotations).length ? { annotations } : {}) },
    automountServiceAccountToken: binding.automountServiceAccountToken,
  });
}

/**
 * One binding per role of a workload, from its table of sources, resolved once each in the table's order:
 * each Terraform output is required (and a miss reported) once.
 */
export function roleBindings<W extends WorkloadName, R extends string>(
  ctx: EnvironmentContext<Cloud, W>,
  sources: { readonly [K in R]: IdentitySource<W> },
): Readonly<Record<R, IdentityBinding>> {
  return Object.fromEntries((Object.keys(sources) as R[]).map((role) => [role, workloadIdentity(ctx, sources[role])])) as Record<R, IdentityBinding>;
}

/** A workload's chart whose pods run as one service account per role, each bound to the cloud identity of its entry in `identities`. */
export class RoleIdentityChart<W extends WorkloadName, R extends string> extends AppChart<W> {
  protected readonly bindings: Readonly<Record<R, IdentityBinding>>;

  constructor(scope: Construct, appName: string, ctx: EnvironmentContext<Cloud, W>, namespace: string, identities: { readonly [K in R]: IdentitySource<W> }) {
    super(scope, appName, ctx, namespace);
    this.bindings = roleBindings(ctx, identities);
  }
}
