/**
 * Helm values of each operator release, from the model: only what differs from the chart's defaults and
 * what the rest of the platform relies on (service account names the cloud identities trust, the namespaces
 * an operator watches, the nodes it runs on).
 */
import type { EnvironmentContext } from '../../src/model/context';
import { EDW_OUTPUTS, EDW_STACK, KARPENTER_SERVICE_ACCOUNT, KEDA_SERVICE_ACCOUNT } from '../../src/model/naming';
import type { OperatorName } from '../../src/model/operators';
import { AZURE_SPOT_TAINT, GPU_TAINT, POOL_LABEL } from '../../src/model/scheduling';
import { tolerate } from '../lib/scheduling';
import type { Values } from './gitops-types';

/** The values of one release; Terraform outputs it needs (Azure client ids) are required through the context. */
export function operatorValues(ctx: EnvironmentContext, operator: OperatorName): Values | undefined {
  const { env, names } = ctx;
  switch (operator) {
    case 'cert-manager':
      return { crds: { enabled: true } };
    case 'external-secrets':
      return { installCRDs: true };
    case 'karpenter':
      // The Pod Identity association (platform stack) and the interruption queue carry these names.
      return {
        serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
        settings: { clusterName: names.aws!.clusterName, interruptionQueue: names.aws!.karpenterInterruptionQueueName },
      };
    case 'keda': {
      const serviceAccount = { operator: { create: true, name: KEDA_SERVICE_ACCOUNT } };
      if (env.cloud === 'aws') return { serviceAccount };
      // The scaler identity's federated credential trusts keda/keda-operator; the chart labels the pod for the webhook.
      return {
        serviceAccount,
        podIdentity: { azureWorkload: { enabled: true, clientId: ctx.outputs.require(EDW_STACK, EDW_OUTPUTS.scalerClientId), tenantId: env.azure!.tenantId } },
      };
    }
    case 'kserve':
      // RawDeployment unless an InferenceService asks for Serverless (charts/serving sets the annotation per model).
      return { kserve: { controller: { deploymentMode: 'RawDeployment' } } };
    case 'nvidia-device-plugin': {
      // On the GPU pools only (the chart's default affinity wants node-feature-discovery labels the pools do not carry).
      const pools = env.cluster.gpuPools.map((p) => p.name);
      const spotOnAks = env.cloud === 'azure' && env.cluster.gpuPools.some((p) => p.capacity === 'spot');
      return {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: pools }] }] },
          },
        },
        tolerations: [tolerate(GPU_TAINT), ...(spotOnAks ? [tolerate(AZURE_SPOT_TAINT)] : [])],
      };
    }
    case 'seldon-core-operator':
      // No anonymous usage reports leave the cluster.
      return { usageMetrics: { enabled: false } };
    case 'spark-operator':
      // Applications run in the lakehouse namespace, whose service account and Role the lakehouse app creates.
      return {
        spark: { jobNamespaces: [names.lakehouse!.namespace], serviceAccount: { create: false }, rbac: { create: false } },
        // The webhook applies what spark-submit has no setting for: affinity, tolerations, security contexts.
        webhook: { enable: true },
      };
    case 'kserve-crd':
    case 'milvus-operator':
      return undefined;
  }
}
