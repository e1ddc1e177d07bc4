/**
 * How a Kubernetes service account gets an AWS role: one helper per mechanism the model names
 * (`AwsIdentityMechanism`, src/model/naming.ts), chosen by the model's constant for that service
 * account, the same constant the chart reads (charts/lib/identity.ts). Picking the helper by hand
 * would let the two sides disagree, and the pod would start without credentials.
 *
 * - `pod-identity`: trust in pods.eks.amazonaws.com, narrowed by the session tags EKS sets, and an
 *   `aws_eks_pod_identity_association`; nothing is read from the service account.
 * - `irsa`: web-identity trust in the cluster's OIDC provider for one service account (`sub`); the
 *   chart annotates the service account with the role ARN. For clients that cannot use Pod Identity.
 */
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Fn, TerraformLocal, type ITerraformDependable } from 'cdktf';
import { serviceAccountSubject, type AwsIdentityMechanism } from '../../src/model/naming';
import type { AwsStack } from '../constructs/platform-stack';
import { PARTITION, policyDocument, type PolicyStatement } from './iam';

/**
 * Trust policy of a Pod Identity role, narrowed with the session tags Pod Identity sets to one
 * cluster, namespace and service account (without them any association in the account could use
 * the role).
 */
export function podIdentityTrustPolicy(clusterName: string, namespace: string, serviceAccount: string): string {
  return policyDocument([
    {
      Sid: 'AllowEksPodIdentity',
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-name': clusterName,
          'aws:RequestTag/kubernetes-namespace': namespace,
          'aws:RequestTag/kubernetes-service-account': serviceAccount,
        },
      },
    },
  ]);
}

/**
 * Trust policy of an IRSA role: the cluster's OIDC provider, for one service account (`sub`) and
 * the STS audience (`aud`). `issuerHostPath` is the issuer URL without https:// (a Terraform
 * expression: it is known only once the cluster exists).
 */
export function irsaTrustPolicy(accountId: string, issuerHostPath: string, namespace: string, serviceAccount: string): string {
  return policyDocument([
    {
      Sid: 'AllowServiceAccountWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: `arn:${PARTITION}:iam::${accountId}:oidc-provider/${issuerHostPath}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${issuerHostPath}:sub`]: serviceAccountSubject(namespace, serviceAccount),
          [`${issuerHostPath}:aud`]: 'sts.amazonaws.com',
        },
      },
    },
  ]);
}

/** A role bound to one service account, with one inline policy. */
export interface ServiceAccountRoleSpec {
  /** How the pod gets the role: the model's constant for this service account (naming.ts `*_AWS_IDENTITY`). */
  readonly mechanism: AwsIdentityMechanism;
  /** Logical id stem: `<id>_role`, `<id>_policy` (and, with Pod Identity, `<id>_pod_identity_association`). */
  readonly id: string;
  readonly roleName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Starts the role's description, e.g. `RAG milvus`. */
  readonly label: string;
  /** Name of the inline policy. */
  readonly policyName: string;
  readonly statements: readonly PolicyStatement[];
  /**
   * What the Pod Identity association waits for in the same stack: the cluster, in the platform stack (a workload
   * stack's cluster already exists). IRSA reads the cluster by name, so it serves workload stacks only.
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The `${local.oidc_issuer_host_path}` of the stack: the cluster's OIDC issuer without https://,
 * read from the cluster by name (EKS assigns it; the cluster lives in the platform stack). One
 * data source and one local per stack, however many IRSA roles use them.
 */
export function oidcIssuerHostPath(stack: AwsStack): string {
  const existing = stack.node.tryFindChild('oidc_issuer_host_path') as TerraformLocal | undefined;
  if (existing) return existing.asString;
  const cluster = new DataAwsEksCluster(stack, 'cluster', { name: stack.ctx.names.aws.clusterName });
  // A local, so the trust policy stays plain JSON around `${local.…}` (no quotes inside an interpolation).
  return new TerraformLocal(stack, 'oidc_issuer_host_path', Fn.replace(cluster.identity.get(0).oidc.get(0).issuer, 'https://', '')).asString;
}

/** The role with its trust policy and its inline policy: what both mechanisms share. */
function roleWithPolicy(stack: AwsStack, spec: ServiceAccountRoleSpec, description: string, assumeRolePolicy: string): IamRole {
  const role = new IamRole(stack, `${spec.id}_role`, { name: spec.roleName, description, assumeRolePolicy });
  new IamRolePolicy(stack, `${spec.id}_policy`, { name: spec.policyName, role: role.id, policy: policyDocument(spec.statements) });
  return role;
}

/** Each mechanism's role: what the trust admits, and what else the mechanism needs in Terraform. */
const SERVICE_ACCOUNT_ROLES: Readonly<Record<AwsIdentityMechanism, (stack: AwsStack, spec: ServiceAccountRoleSpec) => IamRole>> = {
  irsa: (stack, spec) => {
    const clusterName = stack.ctx.names.aws.clusterName;
    const issuerHostPath = oidcIssuerHostPath(stack);
    return roleWithPolicy(
      stack,
      spec,
      `${spec.label} (${spec.namespace}/${spec.serviceAccount}, IRSA) of ${clusterName}`,
      irsaTrustPolicy(stack.ctx.env.aws.accountId, issuerHostPath, spec.namespace, spec.serviceAccount),
    );
  },
  'pod-identity': (stack, spec) => {
    const clusterName = stack.ctx.names.aws.clusterName;
    const role = roleWithPolicy(
      stack,
      spec,
      `${spec.label} (${spec.namespace}/${spec.serviceAccount}) of ${clusterName}`,
      podIdentityTrustPolicy(clusterName, spec.namespace, spec.serviceAccount),
    );
    new EksPodIdentityAssociation(stack, `${spec.id}_pod_identity_association`, {
      // The cluster lives in the platform stack: its name, not a reference.
      clusterName,
      namespace: spec.namespace,
      serviceAccount: spec.serviceAccount,
      roleArn: role.arn,
      ...(spec.dependsOn ? { dependsOn: spec.dependsOn } : {}),
    });
    return role;
  },
};

/** How outputs and descriptions name a mechanism. */
const MECHANISM_LABELS: Readonly<Record<AwsIdentityMechanism, string>> = { irsa: 'IRSA', 'pod-identity': 'Pod Identity' };
export function mechanismLabel(mechanism: AwsIdentityMechanism): string {
  return MECHANISM_LABELS[mechanism];
}

/** The role of one service account, created through the mechanism `spec.mechanism` names. */
export function serviceAccountRole(stack: AwsStack, spec: ServiceAccountRoleSpec): IamRole {
  return SERVICE_ACCOUNT_ROLES[spec.mechanism](stack, spec);
}
