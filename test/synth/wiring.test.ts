/**
 * End to end over a fresh synth: every cloud identity that trusts a Kubernetes service account
 * names one the charts emit, in the namespace they emit it in. Service accounts that operators
 * install themselves (their Helm charts or AKS add-ons) are listed here, by name.
 */
import * as path from 'path';
import { run } from '../../src/cli';
import {
  KARPENTER_NAMESPACE,
  KARPENTER_SERVICE_ACCOUNT,
  EBS_CSI_NAMESPACE,
  EBS_CSI_SERVICE_ACCOUNT,
  KEDA_SERVICE_ACCOUNT,
  kedaNamespace,
  CLUSTER_AUTOSCALER_NAMESPACE,
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
} from '../../src/model/naming';
import { readOutput } from '../../src/validate/output';
import { blocks } from '../../src/validate/policy/references';
import { captureIo, tempDir } from './helpers';
import { GRAFANA_SERVICE_ACCOUNT, MONITORING_NAMESPACE, PROMETHEUS_SERVICE_ACCOUNT } from '../../src/model/observability';

const INSTALLED_BY_OPERATORS = new Set([
  `${KARPENTER_NAMESPACE}/${KARPENTER_SERVICE_ACCOUNT}`,
  `${EBS_CSI_NAMESPACE}/${EBS_CSI_SERVICE_ACCOUNT}`,
  `${kedaNamespace('helm')}/${KEDA_SERVICE_ACCOUNT}`,
  `${kedaNamespace('aks-addon')}/${KEDA_SERVICE_ACCOUNT}`,
  // Cluster Autoscaler (AWS, where a managed node group scales), installed by its Helm chart.
  `${CLUSTER_AUTOSCALER_NAMESPACE}/${CLUSTER_AUTOSCALER_SERVICE_ACCOUNT}`,
  // The ACK SageMaker controller (MLOps burst), installed by its Helm chart.
  'ack-system/ack-sagemaker-controller',
  // Prometheus (remote write to the managed store), its service account named by kube-prometheus-stack's values.
  `${MONITORING_NAMESPACE}/${PROMETHEUS_SERVICE_ACCOUNT}`,
  // Grafana (queries of the managed store), its service account named by the grafana subchart.
  `${MONITORING_NAMESPACE}/${GRAFANA_SERVICE_ACCOUNT}`,
]);

describe('identity wiring across Terraform and Kubernetes', () => {
  const dist = path.join(tempDir('wiring'), 'dist');
  beforeAll(() => expect(run(['--out', dist, '--quiet'], captureIo().io)).toBe(0));

  it('every pod-identity association, IRSA trust and federated credential names an emitted (or operator-installed) service account', () => {
    const output = readOutput(dist);
    let checked = 0;
    for (const env of output.environments) {
      const emitted = new Set(env.manifests.filter((m) => m.obj.kind === 'ServiceAccount').map((m) => `${m.obj.metadata.namespace}/${m.obj.metadata.name}`));
      const bound: string[] = [];
      for (const tf of env.terraform) {
        for (const a of Object.values<any>(tf.json.resource?.aws_eks_pod_identity_association ?? {})) bound.push(`${a.namespace}/${a.service_account}`);
        for (const addon of Object.values<any>(tf.json.resource?.aws_eks_addon ?? {}))
          for (const p of blocks(addon.pod_identity_association)) bound.push(`kube-system/${p.service_account}`);
        // IRSA: the web-identity trust names the service account in its :sub condition.
        for (const role of Object.values<any>(tf.json.resource?.aws_iam_role ?? {})) {
          for (const statement of JSON.parse(role.assume_role_policy).Statement) {
            if (statement.Action !== 'sts:AssumeRoleWithWebIdentity') continue;
            const sub = Object.entries<string>(statement.Condition.StringEquals).find(([k]) => k.endsWith(':sub'))![1];
            const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub)!;
            bound.push(`${m[1]}/${m[2]}`);
          }
        }
        for (const f of Object.values<any>(tf.json.resource?.azurerm_federated_identity_credential ?? {})) {
          const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(f.subject);
          expect({ env: env.name, subject: f.subject, valid: !!m }).toEqual({ env: env.name, subject: f.subject, valid: true });
          bound.push(`${m![1]}/${m![2]}`);
        }
      }
      for (const sa of bound) {
        expect({ env: env.name, sa, known: emitted.has(sa) || INSTALLED_BY_OPERATORS.has(sa) }).toEqual({ env: env.name, sa, known: true });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('every workload pod runs as a service account the chart emits', () => {
    const output = readOutput(dist);
    for (const env of output.environments) {
      const emitted = new Set(env.manifests.filter((m) => m.obj.kind === 'ServiceAccount').map((m) => `${m.obj.metadata.namespace}/${m.obj.metadata.name}`));
      for (const m of env.manifests) {
        const spec = m.obj.spec?.template?.spec ?? m.obj.spec?.jobTemplate?.spec?.template?.spec;
        if (!spec?.serviceAccountName) continue;
        const sa = `${m.obj.metadata.namespace}/${spec.serviceAccountName}`;
        expect({ env: env.name, object: m.file, sa, emitted: emitted.has(sa) }).toEqual({ env: env.name, object: m.file, sa, emitted: true });
      }
    }
  });

  it('every SageMaker TrainingJob uses what its mlops stack grants: its execution role, a job name its ACK role manages, output under sagemaker/', () => {
    const output = readOutput(dist);
    let checked = 0;
    for (const env of output.environments) {
      const jobs = env.manifests.filter((m) => m.obj.kind === 'TrainingJob').map((m) => m.obj);
      if (jobs.length === 0) continue;
      const tf = env.terraform.find((t) => t.stack === 'mlops')!.json.resource!;
      const account = /^arn:aws:iam::(\d{12}):/.exec(jobs[0].spec.roleARN)![1];
      const statement = (policy: string, sid: string) => JSON.parse(tf.aws_iam_role_policy[policy].policy).Statement.find((x: any) => x.Sid === sid);
      const manage = statement('ack_sagemaker_policy', 'ManageTrainingJobs').Resource as string;
      const writes = (statement('sagemaker_execution_policy', 'ReadWriteJobData').Resource as string).replace(
        '${aws_s3_bucket.artifacts.arn}',
        `arn:aws:s3:::${tf.aws_s3_bucket.artifacts.bucket}`,
      );
      const underWrites = (uri: string) => `arn:aws:s3:::${uri.replace(/^s3:\/\//, '')}/`.startsWith(writes.replace(/\*$/, ''));
      for (const job of jobs) {
        const { roleARN, trainingJobName, outputDataConfig, checkpointConfig } = job.spec;
        expect({ env: env.name, roleARN }).toEqual({ env: env.name, roleARN: `arn:aws:iam::${account}:role/${tf.aws_iam_role.sagemaker_execution_role.name}` });
        // Passing that role is exactly what the ACK role may do.
        expect(statement('ack_sagemaker_policy', 'PassExecutionRole').Resource).toBe('${aws_iam_role.sagemaker_execution_role.arn}');
        expect({
          env: env.name,
          trainingJobName,
          managed: new RegExp(`^${manage.split('training-job/')[1].replace('*', '.*')}$`).test(trainingJobName),
        }).toEqual({
          env: env.name,
          trainingJobName,
          managed: true,
        });
        expect({
          env: env.name,
          output: outputDataConfig.s3OutputPath,
          checkpoints: checkpointConfig.s3URI,
          writable: [outputDataConfig.s3OutputPath, checkpointConfig.s3URI].every(underWrites),
        }).toEqual({
          env: env.name,
          output: outputDataConfig.s3OutputPath,
          checkpoints: checkpointConfig.s3URI,
          writable: true,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
