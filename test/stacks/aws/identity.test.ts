/**
 * The AWS identity contract, on both sides: for every service account of a workload that has an IAM role,
 * the model names the mechanism once (naming.ts `*_AWS_IDENTITY`); the stack must create the role through
 * it (trust policy, and a Pod Identity association or none) and the chart must bind the service account
 * the same way (the IRSA annotation or none). A side that picks its mechanism by itself fails here: the
 * pod would start with no credentials (or, with a stray IRSA annotation, with the wrong ones).
 *
 * Read from one synth of each AWS environment of the default model (Terraform JSON and Kubernetes YAML
 * together), the way `npm run synth` writes dist/.
 */
import { parseAllDocuments } from 'yaml';
import { contextFor, onCloud, withWorkload, type EnvironmentContext } from '../../../src/model/context';
import {
  EDW_CONSUMER_AWS_IDENTITY,
  EDW_PRODUCER_AWS_IDENTITY,
  LAKEHOUSE_AWS_IDENTITY,
  MILVUS_AWS_IDENTITY,
  MLFLOW_AWS_IDENTITY,
  RAG_API_AWS_IDENTITY,
  SERVING_AWS_IDENTITY,
  TRAINING_AWS_IDENTITY,
  type AwsIdentityMechanism,
} from '../../../src/model/naming';
import { DEFAULT_OUTPUTS_DIR, OutputsFile } from '../../../src/synth/outputs';
import { synthesizeEnvironment } from '../../../src/synth/synthesize';
import { type Json, of, resolvedDefault } from '../helpers';

/** Fixed by EKS: the annotation the IRSA webhook reads (the SDK prefers its web identity over Pod Identity). */
const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

interface ServiceAccountRole {
  readonly stack: string;
  readonly who: string;
  readonly mechanism: AwsIdentityMechanism;
  readonly roleName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** False where no chart of ours renders the service account (its controller is installed elsewhere). */
  readonly chart: boolean;
}

/** A maker of one workload stack's roles, all in its namespace; `chart` false where no chart of ours renders the service account. */
const rolesOf =
  (stack: string, namespace: string) =>
  (who: string, mechanism: AwsIdentityMechanism, roleName: string, serviceAccount: string, chart = true): ServiceAccountRole => ({
    stack,
    who,
    mechanism,
    roleName,
    namespace,
    serviceAccount,
    chart,
  });

/** Every service account role of the workload stacks, with the model's mechanism for it. */
function serviceAccountRoles(ctx: EnvironmentContext<'aws'>): ServiceAccountRole[] {
  const roles: ServiceAccountRole[] = [];
  const edw = withWorkload(ctx, 'edw')?.names.edw;
  if (edw) {
    const role = rolesOf('edw', edw.namespace);
    roles.push(
      role('EDW consumer', EDW_CONSUMER_AWS_IDENTITY, edw.aws.consumerRoleName, edw.consumer),
      role('EDW producer', EDW_PRODUCER_AWS_IDENTITY, edw.aws.producerRoleName, edw.producer),
    );
  }
  const rag = withWorkload(ctx, 'rag')?.names.rag;
  if (rag) {
    const role = rolesOf('rag', rag.namespace);
    roles.push(
      role('RAG API', RAG_API_AWS_IDENTITY, rag.aws.apiRoleName, rag.api),
      role('Milvus', MILVUS_AWS_IDENTITY, rag.aws.milvusRoleName, rag.milvusServiceAccount),
    );
  }
  const mlopsCtx = withWorkload(ctx, 'mlops');
  if (mlopsCtx) {
    const mlops = mlopsCtx.names.mlops;
    const role = rolesOf('mlops', mlops.namespace);
    roles.push(
      role('MLflow', MLFLOW_AWS_IDENTITY, mlops.aws.mlflowRoleName, mlops.mlflowServiceAccount),
      role('MLflow database-user Job', MLFLOW_AWS_IDENTITY, mlops.aws.dbAdminRoleName, mlops.dbAdminServiceAccount),
      role('training', TRAINING_AWS_IDENTITY, mlops.aws.trainingRoleName, mlops.trainingServiceAccount),
      ...mlopsCtx.env.mlops.models.map((m) =>
        role(`model server ${m.name}`, SERVING_AWS_IDENTITY, mlops.aws.servingRoleName(m.name), mlops.servingServiceAccount(m.name)),
      ),
    );
    if (mlopsCtx.env.mlops.burst.enabled) {
      // The ACK controller is installed outside these charts (in its own namespace): Terraform's side only.
      const { ackSagemakerRoleName, ackNamespace, ackServiceAccount } = mlops.aws;
      roles.push(rolesOf('mlops', ackNamespace)('ACK SageMaker', 'pod-identity', ackSagemakerRoleName, ackServiceAccount, false));
    }
  }
  const lakehouse = withWorkload(ctx, 'lakehouse')?.names.lakehouse;
  if (lakehouse)
    roles.push(rolesOf('lakehouse', lakehouse.namespace)('Spark', LAKEHOUSE_AWS_IDENTITY, lakehouse.aws.sparkRoleName, lakehouse.sparkServiceAccount));
  return roles;
}

interface Synthesized {
  readonly ctx: EnvironmentContext<'aws'>;
  readonly terraform: (stack: string) => Json;
  /** Annotations of every rendered ServiceAccount, by `<namespace>/<name>`. */
  readonly serviceAccounts: ReadonlyMap<string, Record<string, string>>;
}

function synthesize(envName: string): Synthesized {
  const env = resolvedDefault.environments.find((e) => e.name === envName);
  if (!env) throw new Error(`no environment ${envName}`);
  const ctx = onCloud(contextFor(resolvedDefault, env, new OutputsFile(DEFAULT_OUTPUTS_DIR, env.name)), 'aws');
  if (!ctx) throw new Error(`${envName} is not an AWS environment`);
  const { files } = synthesizeEnvironment(resolvedDefault, env, { outputsDir: DEFAULT_OUTPUTS_DIR });
  const serviceAccounts = new Map<string, Record<string, string>>();
  for (const [file, text] of files) {
    if (!file.startsWith(`${envName}/kubernetes/`) || !file.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJS() as Json | null;
      if (obj?.kind === 'ServiceAccount') serviceAccounts.set(`${obj.metadata.namespace}/${obj.metadata.name}`, obj.metadata.annotations ?? {});
    }
  }
  const terraform = (stack: string): Json => {
    const text = files.get(`${envName}/terraform/${stack}/cdk.tf.json`);
    if (text === undefined) throw new Error(`${envName}: no ${stack} stack`);
    return JSON.parse(text) as Json;
  };
  return { ctx, terraform, serviceAccounts };
}

const AWS_ENVIRONMENTS = resolvedDefault.environments.filter((e) => e.cloud === 'aws').map((e) => e.name);
const synthesized = new Map(AWS_ENVIRONMENTS.map((name) => [name, synthesize(name)]));

const rows = [...synthesized].flatMap(([env, s]) => serviceAccountRoles(s.ctx).map((role) => ({ env, label: `${env} ${role.who} (${role.mechanism})`, role })));

/** The role named `roleName` in a stack: its logical id, its trust statement, and the associations that give it out. */
function renderedRole(json: Json, roleName: string) {
  const entry = Object.entries(of(json, 'aws_iam_role')).find(([, r]) => r.name === roleName);
  if (!entry) throw new Error(`no aws_iam_role named ${roleName}`);
  const [id, role] = entry;
  const trust = JSON.parse(role.assume_role_policy as string) as Json;
  expect(trust.Statement).toHaveLength(1);
  const associations = Object.values(of(json, 'aws_eks_pod_identity_association')).filter((a) => a.role_arn === `\${aws_iam_role.${id}.arn}`);
  return { trust: trust.Statement[0] as Json, associations };
}

/** What the role of a service account must look like under each mechanism. */
const STACK_SIDE: Record<AwsIdentityMechanism, (role: ReturnType<typeof renderedRole>, sa: ServiceAccountRole, ctx: EnvironmentContext<'aws'>) => void> = {
  'pod-identity': ({ trust, associations }, sa, ctx) => {
    expect(trust.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(trust.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(trust.Condition.StringEquals).toEqual({
      'aws:RequestTag/eks-cluster-name': ctx.names.aws.clusterName,
      'aws:RequestTag/kubernetes-namespace': sa.namespace,
      'aws:RequestTag/kubernetes-service-account': sa.serviceAccount,
    });
    expect(associations.map((a) => ({ cluster: a.cluster_name, namespace: a.namespace, serviceAccount: a.service_account }))).toEqual([
      { cluster: ctx.names.aws.clusterName, namespace: sa.namespace, serviceAccount: sa.serviceAccount },
    ]);
  },
  irsa: ({ trust, associations }, sa) => {
    expect(trust.Principal.Federated).toMatch(/^arn:aws:iam::\d{12}:oidc-provider\/\$\{local\.oidc_issuer_host_path\}$/);
    expect(trust.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Condition.StringEquals).toEqual({
      '${local.oidc_issuer_host_path}:sub': `system:serviceaccount:${sa.namespace}:${sa.serviceAccount}`,
      '${local.oidc_issuer_host_path}:aud': 'sts.amazonaws.com',
    });
    // An association too would hand the pod a second, competing set of credentials.
    expect(associations).toEqual([]);
  },
};

describe('AWS service account roles follow the mechanism the model names', () => {
  test('every AWS environment of the default model has them all', () => {
    expect(AWS_ENVIRONMENTS).toEqual(['aws-dev', 'aws-prod']);
    for (const env of AWS_ENVIRONMENTS) expect(rows.filter((r) => r.env === env).length).toBeGreaterThanOrEqual(8);
  });

  test.each(rows)('stack side: $label', ({ env, role }) => {
    const s = synthesized.get(env)!;
    STACK_SIDE[role.mechanism](renderedRole(s.terraform(role.stack), role.roleName), role, s.ctx);
  });

  test.each(rows.filter((r) => r.role.chart))('chart side: $label', ({ env, role }) => {
    const s = synthesized.get(env)!;
    const annotations = s.serviceAccounts.get(`${role.namespace}/${role.serviceAccount}`);
    if (!annotations) throw new Error(`${env}: no ServiceAccount ${role.namespace}/${role.serviceAccount} rendered`);
    if (role.mechanism === 'irsa') expect(annotations[IRSA_ANNOTATION]).toBe(s.ctx.names.aws.roleArn(role.roleName));
    else expect(annotations).not.toHaveProperty([IRSA_ANNOTATION]);
  });

  test.each(AWS_ENVIRONMENTS)('%s: no service account role of a workload stack is left out of this table', (env) => {
    const s = synthesized.get(env)!;
    const listed = new Set(serviceAccountRoles(s.ctx).map((r) => r.roleName));
    const trustsServiceAccounts = (trust: Json) => trust.Principal?.Service === 'pods.eks.amazonaws.com' || trust.Principal?.Federated !== undefined;
    const found = ['edw', 'rag', 'mlops', 'lakehouse'].flatMap((stack) =>
      Object.values(of(s.terraform(stack), 'aws_iam_role'))
        .filter((r) => (JSON.parse(r.assume_role_policy as string) as Json).Statement.some(trustsServiceAccounts))
        .map((r) => r.name as string),
    );
    expect(found.filter((name) => !listed.has(name))).toEqual([]);
  });

  // The choices themselves rest on what each client can do (naming.ts says why), which no test can
  // observe: both sides follow a flipped constant, so changing one must change this line too.
  test("the model's choices", () => {
    expect({
      edwConsumer: EDW_CONSUMER_AWS_IDENTITY,
      edwProducer: EDW_PRODUCER_AWS_IDENTITY,
      ragApi: RAG_API_AWS_IDENTITY,
      milvus: MILVUS_AWS_IDENTITY,
      mlflow: MLFLOW_AWS_IDENTITY,
      training: TRAINING_AWS_IDENTITY,
      serving: SERVING_AWS_IDENTITY,
      lakehouse: LAKEHOUSE_AWS_IDENTITY,
    }).toEqual({
      edwConsumer: 'pod-identity',
      edwProducer: 'pod-identity',
      ragApi: 'pod-identity',
      milvus: 'irsa',
      mlflow: 'irsa',
      training: 'pod-identity',
      serving: 'irsa',
      lakehouse: 'irsa',
    });
  });
});
