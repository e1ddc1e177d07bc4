/**
 * Cross-layer references on the cluster view (identity-subject-exists, identity-annotation-exists,
 * k8s-service-account-exists): each with failing and passing fixtures, and on the committed dist/ with and
 * without the charts rendered.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadPlatform } from '../../src/model/load';
import { defaultPlatform } from '../../src/platform';
import { buildClusterView, checkClusterView, CLUSTER_RULES, type RenderedRelease } from '../../src/validate/cluster';
import { checkHelm } from '../../src/validate/helm';
import { helmBinary } from '../../src/validate/helm/binary';
import { releasesOf } from '../../src/validate/helm/releases';
import { readOutput, type EnvironmentOutput, type K8sObject, type TerraformFile } from '../../src/validate/output';
import { REPO } from '../synth/helpers';

const platform = loadPlatform(defaultPlatform);
const SHARED_CHARTS = path.resolve(REPO, '..', 'shared', 'charts');

type Resources = Record<string, Record<string, Record<string, unknown>>>;
const stack = (name: string, resource: Resources, extra: Record<string, unknown> = {}): TerraformFile => ({
  file: `fixture/terraform/${name}/cdk.tf.json`,
  stack: name,
  json: { resource, ...extra },
});
const env = (objs: K8sObject[], terraform: TerraformFile[] = []): EnvironmentOutput => ({
  name: 'fixture',
  terraform,
  files: [],
  manifests: objs.map((obj) => ({ file: `fixture/kubernetes/app/${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`, app: 'app', obj })),
});
const sa = (namespace: string, name: string, annotations?: Record<string, string>): K8sObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
});
const ofRule = (e: EnvironmentOutput, rule: string, rendered?: RenderedRelease[]) =>
  checkClusterView(buildClusterView(e, platform, rendered)).filter((f) => f.rule === rule);

const irsaTrust = (subject: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/oidc.example' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'oidc.example:sub': subject, 'oidc.example:aud': 'sts.amazonaws.com' } },
      },
    ],
  });
const podIdentityTrust = (namespace: string, serviceAccount: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': namespace, 'aws:RequestTag/kubernetes-service-account': serviceAccount } },
      },
    ],
  });
const awsProvider = { provider: { aws: [{ allowed_account_ids: ['111111111111'], region: 'eu-west-1' }] } };
const irsaStack = (subject: string) =>
  stack('rag', { aws_iam_role: { milvus_role: { name: 'acme-rag-milvus', assume_role_policy: irsaTrust(subject) } } }, awsProvider);

/** A Flux HelmRelease of chart `chart` into `namespace`: a release whose service accounts only its render holds. */
const helmRelease = (chart: string, namespace: string): K8sObject => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: chart, namespace: 'flux-system' },
  spec: { targetNamespace: namespace, chart: { spec: { chart, version: '1.0.0' } } },
});
const renderOf = (e: EnvironmentOutput, objects: K8sObject[]): RenderedRelease[] => releasesOf(e).map((release) => ({ release, objects }));

describe('identity-subject-exists', () => {
  test('fails: an IRSA trust naming a service account no manifest creates, with the subject and the namespace’s accounts', () => {
    const e = env([sa('rag', 'milvus')], [irsaStack('system:serviceaccount:rag:milvuss')]);
    expect(ofRule(e, 'identity-subject-exists')).toEqual([
      {
        file: 'fixture/terraform/rag/cdk.tf.json',
        resource: 'aws_iam_role.milvus_role',
        rule: 'identity-subject-exists',
        severity: 'error',
        message:
          'assume_role_policy StringEquals :sub names system:serviceaccount:rag:milvuss: no ServiceAccount rag/milvuss in the cluster view (rag has rag/milvus)',
      },
    ]);
  });
  test('passes: the trust names the service account the manifests create', () => {
    expect(ofRule(env([sa('rag', 'milvus')], [irsaStack('system:serviceaccount:rag:milvus')]), 'identity-subject-exists')).toEqual([]);
  });

  const podIdentity = (namespace: string, name: string) =>
    stack('edw', {
      aws_iam_role: { consumer_role: { name: 'acme-edw-consumer', assume_role_policy: podIdentityTrust(namespace, name) } },
      aws_eks_pod_identity_association: {
        consumer: { cluster_name: 'acme', namespace, service_account: name, role_arn: '${aws_iam_role.consumer_role.arn}' },
      },
    });
  test('fails: a Pod Identity association (and its role’s session tags) naming a service account in the wrong namespace', () => {
    const f = ofRule(env([sa('edw', 'edw-consumer')], [podIdentity('etl', 'edw-consumer')]), 'identity-subject-exists');
    expect(f.map((x) => [x.resource, x.message])).toEqual([
      [
        'aws_iam_role.consumer_role',
        'assume_role_policy aws:RequestTag/kubernetes-service-account names system:serviceaccount:etl:edw-consumer: no ServiceAccount etl/edw-consumer in the cluster view',
      ],
      [
        'aws_eks_pod_identity_association.consumer',
        'namespace/service_account names system:serviceaccount:etl:edw-consumer: no ServiceAccount etl/edw-consumer in the cluster view',
      ],
    ]);
    expect(ofRule(env([sa('edw', 'edw-consumer')], [podIdentity('edw', 'edw-consumer')]), 'identity-subject-exists')).toEqual([]);
  });

  const federated = (subject: string, cluster: Record<string, unknown> = {}) =>
    stack('edw', {
      azurerm_federated_identity_credential: {
        scaler: { subject, parent_id: '${azurerm_user_assigned_identity.scaler.id}', audience: ['api://AzureADTokenExchange'] },
      },
      azurerm_kubernetes_cluster: { cluster: { name: 'acme', ...cluster } },
    });
  test('fails: a federated credential naming an account nothing creates; passes for the AKS KEDA add-on’s only when the cluster enables it', () => {
    expect(ofRule(env([], [federated('system:serviceaccount:kube-system:keda-operator')]), 'identity-subject-exists')).toEqual([
      expect.objectContaining({
        resource: 'azurerm_federated_identity_credential.scaler',
        message: 'subject names system:serviceaccount:kube-system:keda-operator: no ServiceAccount kube-system/keda-operator in the cluster view',
      }),
    ]);
    const addon = federated('system:serviceaccount:kube-system:keda-operator', { workload_autoscaler_profile: [{ keda_enabled: true }] });
    expect(ofRule(env([], [addon]), 'identity-subject-exists')).toEqual([]);
  });

  test('an EKS add-on’s own association: the service account its role trusts is the add-on’s', () => {
    const ebs = (addon: Record<string, unknown> | undefined) =>
      stack('platform', {
        aws_iam_role: { ebs_csi_role: { name: 'acme-ebs-csi', assume_role_policy: podIdentityTrust('kube-system', 'ebs-csi-controller-sa') } },
        ...(addon ? { aws_eks_addon: { ebs: addon } } : {}),
      });
    const association = { role_arn: '${aws_iam_role.ebs_csi_role.arn}', service_account: 'ebs-csi-controller-sa' };
    expect(ofRule(env([], [ebs({ addon_name: 'aws-ebs-csi-driver', pod_identity_association: [association] })]), 'identity-subject-exists')).toEqual([]);
    expect(ofRule(env([], [ebs(undefined)]), 'identity-subject-exists')).toEqual([
      expect.objectContaining({ resource: 'aws_iam_role.ebs_csi_role', message: expect.stringContaining('kube-system/ebs-csi-controller-sa') }),
    ]);
  });

  test('a chart’s namespace: not checked until the chart is rendered, then checked against its render', () => {
    const e = env([helmRelease('keda', 'keda')], [federated('system:serviceaccount:keda:keda-operator')]);
    expect(ofRule(e, 'identity-subject-exists')).toEqual([]);
    expect(ofRule(e, 'identity-subject-exists', renderOf(e, [sa('keda', 'keda-operator')]))).toEqual([]);
    expect(ofRule(e, 'identity-subject-exists', renderOf(e, [sa('keda', 'keda-operater')]))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('no ServiceAccount keda/keda-operator in the cluster view (keda has keda/keda-operater)') }),
    ]);
  });
});

describe('identity-annotation-exists', () => {
  const irsaSa = (arn: string) => sa('rag', 'milvus', { 'eks.amazonaws.com/role-arn': arn });
  const check = (arn: string, tf: TerraformFile[]) => ofRule(env([irsaSa(arn)], tf), 'identity-annotation-exists');
  const arn = 'arn:aws:iam::111111111111:role/acme-rag-milvus';

  test('fails: a role ARN whose role the environment’s Terraform does not create, naming the file and the annotation', () => {
    expect(check('arn:aws:iam::111111111111:role/acme-rag-milvuz', [irsaStack('system:serviceaccount:rag:milvus')])).toEqual([
      {
        file: 'fixture/kubernetes/app/serviceaccount-milvus.yaml',
        resource: 'ServiceAccount rag/milvus',
        rule: 'identity-annotation-exists',
        severity: 'error',
        message: "eks.amazonaws.com/role-arn arn:aws:iam::111111111111:role/acme-rag-milvuz: no aws_iam_role named acme-rag-milvuz in fixture's Terraform",
      },
    ]);
  });
  test('fails: the role exists but in another account, trusts another service account, or only Pod Identity; or the value is no ARN', () => {
    const messages = (a: string, tf: TerraformFile) => check(a, [tf]).map((f) => f.message.replace(/^\S+ \S+: /, ''));
    expect(messages('arn:aws:iam::999999999999:role/acme-rag-milvus', irsaStack('system:serviceaccount:rag:milvus'))).toEqual([
      'account 999999999999 is not the one aws_iam_role.milvus_role is created in (111111111111)',
    ]);
    expect(messages(arn, irsaStack('system:serviceaccount:rag:rag-api'))).toEqual(['aws_iam_role.milvus_role does not trust system:serviceaccount:rag:milvus']);
    const podIdentityOnly = stack('rag', { aws_iam_role: { milvus_role: { name: 'acme-rag-milvus', assume_role_policy: podIdentityTrust('rag', 'milvus') } } });
    expect(messages(arn, podIdentityOnly)).toEqual([
      'aws_iam_role.milvus_role trusts no web identity (IRSA), so the token EKS injects for this annotation cannot assume it',
    ]);
    expect(messages('acme-rag-milvus', irsaStack('system:serviceaccount:rag:milvus'))).toEqual(['not an IAM role ARN (arn:aws:iam::<account>:role/<name>)']);
  });
  test('passes: the role exists in the account and trusts the annotated service account', () => {
    expect(check(arn, [irsaStack('system:serviceaccount:rag:milvus')])).toEqual([]);
  });

  const CLIENT_ID = '00000000-0000-0000-0001-00000000ac02';
  const azureSa = (clientId = CLIENT_ID) => sa('rag', 'milvus', { 'azure.workload.identity/client-id': clientId });
  const azureStack = (subject: string, output = true) =>
    stack(
      'rag',
      {
        azurerm_user_assigned_identity: { milvus_identity: { name: 'acme-rag-milvus' } },
        azurerm_federated_identity_credential: {
          milvus: { subject, parent_id: '${azurerm_user_assigned_identity.milvus_identity.id}', audience: ['api://AzureADTokenExchange'] },
        },
      },
      output ? { output: { rag_milvus_client_id: { value: '${azurerm_user_assigned_identity.milvus_identity.client_id}' } } } : {},
    );
  const azure = (s: K8sObject, tf: TerraformFile) => ofRule(env([s], [tf]), 'identity-annotation-exists').map((f) => f.message);

  test('fails: a client id no federated credential of the environment can back, or whose identity’s client_id is not an output', () => {
    expect(azure(azureSa(), azureStack('system:serviceaccount:rag:rag-api'))).toEqual([
      `azure.workload.identity/client-id ${CLIENT_ID}: no azurerm_federated_identity_credential in fixture's Terraform trusts system:serviceaccount:rag:milvus`,
    ]);
    expect(azure(azureSa(), azureStack('system:serviceaccount:rag:milvus', false))).toEqual([
      `azure.workload.identity/client-id ${CLIENT_ID}: no output of fixture/terraform/rag/cdk.tf.json gives azurerm_user_assigned_identity.milvus_identity.client_id, so the annotation cannot come from it`,
    ]);
    expect(azure(azureSa('<missing rag.rag_milvus_client_id>'), azureStack('system:serviceaccount:rag:milvus'))).toEqual([
      'azure.workload.identity/client-id <missing rag.rag_milvus_client_id>: not a client id (a GUID)',
    ]);
  });
  test('passes: a federated credential trusts the account, on an identity whose client_id its stack outputs', () => {
    expect(azure(azureSa(), azureStack('system:serviceaccount:rag:milvus'))).toEqual([]);
  });
  test('a chart’s service account is checked once rendered, named in the message', () => {
    const e = env([helmRelease('keda', 'keda')], [azureStack('system:serviceaccount:rag:milvus')]);
    const rendered = renderOf(e, [sa('keda', 'keda-operator', { 'azure.workload.identity/client-id': CLIENT_ID })]);
    expect(ofRule(e, 'identity-annotation-exists', rendered)).toEqual([
      expect.objectContaining({
        resource: 'HelmRelease flux-system/keda',
        message: expect.stringMatching(
          /^ServiceAccount keda\/keda-operator azure\.workload\.identity\/client-id .*trusts system:serviceaccount:keda:keda-operator$/,
        ),
      }),
    ]);
  });
});

describe('k8s-service-account-exists', () => {
  const deployment = (serviceAccountName?: string): K8sObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'rag' },
    spec: { template: { spec: { ...(serviceAccountName ? { serviceAccountName } : {}), containers: [{ name: 'api', image: 'x@sha256:0' }] } } },
  });
  test('fails: a pod running as a service account that does not exist', () => {
    expect(ofRule(env([sa('rag', 'rag-api'), deployment('rag-apl')]), 'k8s-service-account-exists')).toEqual([
      expect.objectContaining({
        resource: 'Deployment rag/api',
        message: 'spec.template.spec: serviceAccountName rag-apl: no ServiceAccount rag/rag-apl in the cluster view (rag has rag/rag-api)',
      }),
    ]);
  });
  test('fails: a SparkApplication’s driver naming a missing account (the pods its operator builds)', () => {
    const spark: K8sObject = {
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'SparkApplication',
      metadata: { name: 'job', namespace: 'lakehouse' },
      spec: { driver: { serviceAccount: 'sparkk' }, executor: { serviceAccount: 'spark' } },
    };
    expect(ofRule(env([sa('lakehouse', 'spark'), spark]), 'k8s-service-account-exists').map((f) => f.message)).toEqual([
      'spec.driver.serviceAccount sparkk: no ServiceAccount lakehouse/sparkk in the cluster view (lakehouse has lakehouse/spark)',
    ]);
  });
  test('passes: an existing account, or the namespace’s default one', () => {
    expect(ofRule(env([sa('rag', 'rag-api'), deployment('rag-api')]), 'k8s-service-account-exists')).toEqual([]);
    expect(ofRule(env([deployment()]), 'k8s-service-account-exists')).toEqual([]);
    expect(ofRule(env([deployment('default')]), 'k8s-service-account-exists')).toEqual([]);
  });
});

const RULES = ['identity-subject-exists', 'identity-annotation-exists', 'k8s-service-account-exists'];

describe('the committed dist/', () => {
  const dist = readOutput(path.join(REPO, 'dist'));
  test('the rules are cluster rules with reasons (listed by --rules, waivable), and pass without the charts', () => {
    for (const id of RULES) expect(CLUSTER_RULES.find((r) => r.id === id)?.reason).toMatch(/\.$/);
    for (const e of dist.environments) expect(checkClusterView(buildClusterView(e, platform)).filter((f) => RULES.includes(f.rule))).toEqual([]);
  });

  (fs.existsSync(SHARED_CHARTS) ? test : test.skip)(
    'pass with the charts rendered, the operators’ identities checked against the accounts their charts create',
    async () => {
      const { rendered } = await checkHelm(dist, platform, { charts: SHARED_CHARTS, helm: helmBinary() });
      expect(rendered).toBeDefined();
      for (const e of dist.environments) {
        const view = buildClusterView(e, platform, rendered!.get(e.name) ?? []);
        expect(checkClusterView(view).filter((f) => RULES.includes(f.rule))).toEqual([]);
        const accounts = view.objects
          .filter((o) => o.obj.kind === 'ServiceAccount' && o.origin === 'chart')
          .map((o) => `${o.namespace}/${o.obj.metadata.name}`);
        const expected =
          {
            'aws-dev': ['kube-system/karpenter', 'kube-system/cluster-autoscaler', 'keda/keda-operator'],
            'aws-prod': ['kube-system/karpenter', 'kube-system/cluster-autoscaler', 'keda/keda-operator', 'ack-system/ack-sagemaker-controller'],
            'azure-dev': ['keda/keda-operator'],
          }[e.name] ?? [];
        expect({ env: e.name, accounts }).toEqual({ env: e.name, accounts: expect.arrayContaining(expected) });
      }
    },
    60_000,
  );
});
