/**
 * Managed metrics storage (platform stack, where `observability.managedStore` is on): an Amazon Managed Service for
 * Prometheus workspace, encrypted with its own customer managed key like the platform's other stores, and the role
 * of the in-cluster Prometheus's service account, which may only remote-write into that one workspace, and Grafana's,
 * which may only query it. Both reach it through the `aps-workspaces` interface endpoint (endpoints.ts), never NAT.
 *
 * The workspace's id (`ws-…`) is AWS's to assign: its endpoint is an output, read into the Prometheus values by synth.
 */
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { PrometheusWorkspace } from '@cdktf/provider-aws/lib/prometheus-workspace';
import type { ITerraformDependable } from 'cdktf';
import {
  GRAFANA_AWS_IDENTITY,
  GRAFANA_SERVICE_ACCOUNT,
  MONITORING_NAMESPACE,
  OBSERVABILITY_OUTPUTS,
  PROMETHEUS_AWS_IDENTITY,
  PROMETHEUS_SERVICE_ACCOUNT,
} from '../../src/model/observability';
import { addOutputs, type AwsStack } from '../constructs/platform-stack';
import type { PolicyStatement } from './iam';
import { serviceAccountRole } from './identity';
import { workloadKmsKey } from './workload';

/** The one action the remote-write role has: writing samples (no query, no workspace management). */
export const REMOTE_WRITE_ACTIONS = ['aps:RemoteWrite'] as const;

export function remoteWriteStatements(workspaceArn: string): PolicyStatement[] {
  return [{ Sid: 'RemoteWriteToTheWorkspace', Effect: 'Allow', Action: [...REMOTE_WRITE_ACTIONS], Resource: workspaceArn }];
}

/**
 * What Grafana's data source calls to read the workspace (grafana-amazonprometheus-datasource's configure docs: queries,
 * label and series lookups, metric metadata): no write, no workspace management.
 */
export const QUERY_ACTIONS = ['aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'] as const;

export function queryStatements(workspaceArn: string): PolicyStatement[] {
  return [{ Sid: 'QueryTheWorkspace', Effect: 'Allow', Action: [...QUERY_ACTIONS], Resource: workspaceArn }];
}

/** The workspace and its key; undefined where the model keeps metrics in the cluster only. */
export function buildMetricsWorkspace(stack: AwsStack): PrometheusWorkspace | undefined {
  const { ctx } = stack;
  if (!ctx.env.observability.managedStore) return undefined;
  const names = ctx.names.aws;
  const key = workloadKmsKey(
    stack,
    'metrics',
    names.metricsKmsAlias,
    `metrics: Amazon Managed Service for Prometheus workspace ${names.metricsWorkspaceAlias}`,
  );
  return new PrometheusWorkspace(stack, 'metrics_workspace', {
    alias: names.metricsWorkspaceAlias,
    kmsKeyArn: key.arn,
    tags: { Name: names.metricsWorkspaceAlias },
  });
}

/** Prometheus's remote-write role, Grafana's query role (each bound the way its *_AWS_IDENTITY says) and the workspace endpoint output. */
export function buildPrometheusRemoteWrite(stack: AwsStack, workspace: PrometheusWorkspace, cluster: ITerraformDependable): IamRole {
  const role = serviceAccountRole(stack, {
    mechanism: PROMETHEUS_AWS_IDENTITY,
    id: 'prometheus',
    roleName: stack.ctx.names.aws.prometheusRoleName,
    namespace: MONITORING_NAMESPACE,
    serviceAccount: PROMETHEUS_SERVICE_ACCOUNT,
    label: 'Prometheus remote write',
    policyName: 'prometheus-remote-write',
    statements: remoteWriteStatements(workspace.arn),
    dependsOn: [cluster],
  });
  // Grafana's managed-store data source reads through the same interface endpoint with a role of its own.
  serviceAccountRole(stack, {
    mechanism: GRAFANA_AWS_IDENTITY,
    id: 'grafana',
    roleName: stack.ctx.names.aws.grafanaRoleName,
    namespace: MONITORING_NAMESPACE,
    serviceAccount: GRAFANA_SERVICE_ACCOUNT,
    label: 'Grafana managed-store queries',
    policyName: 'grafana-query',
    statements: queryStatements(workspace.arn),
    dependsOn: [cluster],
  });
  addOutputs(stack, {
    [OBSERVABILITY_OUTPUTS.awsWorkspaceEndpoint]: {
      value: workspace.prometheusEndpoint,
      description: 'Prometheus endpoint of the metrics workspace (remote write: <endpoint>api/v1/remote_write)',
    },
  });
  return role;
}
