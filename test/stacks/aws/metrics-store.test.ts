/** Managed metrics storage on AWS (platform stack): the Amazon Managed Service for Prometheus workspace and Prometheus's remote-write role. */
import { doc, type Json, of, one, podIdentityTrust, ref, renderPicking, statements, withEnv } from '../helpers';

const render = renderPicking('platform');
const WORKSPACE_ARN = ref('aws_prometheus_workspace.metrics_workspace.arn');
const withManagedStore = (envName: string, managedStore: boolean) => withEnv(envName, (e) => ({ ...e, observability: { ...e.observability, managedStore } }));

describe('aws managed metrics store (platform stack)', () => {
  const prod = render('aws-prod');
  const dev = render('aws-dev');

  it('exists where the model says: in prod by default, not in dev, and in dev when asked', () => {
    expect(Object.keys(of(prod.platform, 'aws_prometheus_workspace'))).toEqual(['metrics_workspace']);
    expect(of(dev.platform, 'aws_prometheus_workspace')).toEqual({});
    expect(of(dev.platform, 'aws_vpc_endpoint').aps_workspaces_endpoint).toBeUndefined();
    expect(of(dev.platform, 'aws_iam_role').prometheus_role).toBeUndefined();
    expect(dev.platform.output.prometheus_workspace_endpoint).toBeUndefined();
    expect(Object.keys(of(render('aws-dev', withManagedStore('aws-dev', true)).platform, 'aws_prometheus_workspace'))).toEqual(['metrics_workspace']);
    expect(of(render('aws-prod', withManagedStore('aws-prod', false)).platform, 'aws_prometheus_workspace')).toEqual({});
  });

  it('names the workspace from the model and encrypts it with its own rotated key', () => {
    const workspace = one(prod.platform, 'aws_prometheus_workspace', 'metrics_workspace');
    expect(workspace).toEqual({ alias: 'acme-aws-prod-metrics', kms_key_arn: ref('aws_kms_key.metrics_kms_key.arn'), tags: { Name: 'acme-aws-prod-metrics' } });
    expect(one(prod.platform, 'aws_kms_key', 'metrics_kms_key')).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(one(prod.platform, 'aws_kms_alias', 'metrics_kms_alias').name).toBe('alias/acme-aws-prod-metrics');
  });

  it('trusts exactly the Prometheus service account in monitoring of this cluster (Pod Identity), and associates it', () => {
    const role = one(prod.platform, 'aws_iam_role', 'prometheus_role');
    expect(role.name).toBe('acme-aws-prod-prometheus');
    expect(statements(role.assume_role_policy)).toEqual(podIdentityTrust('acme-aws-prod', 'monitoring', 'kube-prometheus-stack-prometheus'));
    expect(one(prod.platform, 'aws_eks_pod_identity_association', 'prometheus_pod_identity_association')).toEqual({
      cluster_name: 'acme-aws-prod',
      namespace: 'monitoring',
      service_account: 'kube-prometheus-stack-prometheus',
      role_arn: ref('aws_iam_role.prometheus_role.arn'),
      depends_on: ['aws_eks_cluster.cluster'],
    });
  });

  it('allows only aps:RemoteWrite, on that workspace’s ARN', () => {
    const policies = Object.values(of(prod.platform, 'aws_iam_role_policy')).filter((p: Json) => p.role === ref('aws_iam_role.prometheus_role.id'));
    expect(policies).toHaveLength(1);
    expect(statements(policies[0].policy)).toEqual([
      { Sid: 'RemoteWriteToTheWorkspace', Effect: 'Allow', Action: ['aps:RemoteWrite'], Resource: WORKSPACE_ARN },
    ]);
    const attachments = Object.values(of(prod.platform, 'aws_iam_role_policy_attachment')).filter((a: Json) => String(a.role).includes('prometheus'));
    expect(attachments).toEqual([]);
  });

  it('writes privately: an aps-workspaces interface endpoint whose policy admits only remote write into the workspace, by this account', () => {
    const endpoint = of(prod.platform, 'aws_vpc_endpoint').aps_workspaces_endpoint;
    expect(endpoint).toMatchObject({
      service_name: 'com.amazonaws.eu-west-1.aps-workspaces',
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: true,
      security_group_ids: [ref('aws_security_group.vpc_endpoints_security_group.id')],
    });
    expect(doc(endpoint.policy).Statement).toEqual([
      {
        Sid: 'RemoteWriteToTheWorkspace',
        Effect: 'Allow',
        Principal: '*',
        Action: ['aps:RemoteWrite'],
        Resource: WORKSPACE_ARN,
        Condition: { StringEquals: { 'aws:PrincipalAccount': prod.env.aws!.accountId } },
      },
      // Grafana's managed-store data source reads through it too.
      {
        Sid: 'QueryTheWorkspace',
        Effect: 'Allow',
        Principal: '*',
        Action: ['aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'],
        Resource: WORKSPACE_ARN,
        Condition: { StringEquals: { 'aws:PrincipalAccount': prod.env.aws!.accountId } },
      },
    ]);
  });

  it('gives Grafana a role of its own for the workspace: Pod Identity for exactly its service account, query actions only', () => {
    const role = one(prod.platform, 'aws_iam_role', 'grafana_role');
    expect(role.name).toBe('acme-aws-prod-grafana');
    expect(statements(role.assume_role_policy)).toEqual(podIdentityTrust('acme-aws-prod', 'monitoring', 'kube-prometheus-stack-grafana'));
    expect(one(prod.platform, 'aws_eks_pod_identity_association', 'grafana_pod_identity_association')).toMatchObject({
      namespace: 'monitoring',
      service_account: 'kube-prometheus-stack-grafana',
      role_arn: ref('aws_iam_role.grafana_role.arn'),
    });
    const policies = Object.values(of(prod.platform, 'aws_iam_role_policy')).filter((p: Json) => p.role === ref('aws_iam_role.grafana_role.id'));
    expect(policies.map((p: Json) => statements(p.policy))).toEqual([
      [
        {
          Sid: 'QueryTheWorkspace',
          Effect: 'Allow',
          Action: ['aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'],
          Resource: WORKSPACE_ARN,
        },
      ],
    ]);
    expect(of(dev.platform, 'aws_iam_role').grafana_role).toBeUndefined();
  });

  it('outputs the workspace endpoint, which synth reads into the Prometheus values', () => {
    expect(prod.platform.output.prometheus_workspace_endpoint.value).toBe(ref('aws_prometheus_workspace.metrics_workspace.prometheus_endpoint'));
  });
});
