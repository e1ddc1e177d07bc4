/**
 * Helm values of each operator release, from the model: only what differs from the chart's defaults and
 * what the rest of the platform relies on (service account names the cloud identities trust, the namespaces
 * an operator watches, the nodes it runs on).
 */
import { byCloud, withWorkload, type EnvironmentContext } from '../../src/model/context';
import { KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT } from '../../src/model/injected-containers';
import { EDW_OUTPUTS, EDW_STACK, KARPENTER_SERVICE_ACCOUNT, KEDA_SERVICE_ACCOUNT } from '../../src/model/naming';
import { OPERATORS, type OperatorName } from '../../src/model/operators';
import { POOL_LABEL, PRIORITY_CLASSES } from '../../src/model/scheduling';
import { gpuPoolTaints, tolerate } from '../lib/scheduling';
import type { Values } from './gitops-types';

/**
 * The namespaces a release writes into: its own, and the ones its values send it to (the Spark operator's
 * Roles in the namespaces whose applications it runs). The operators' AppProject must list every one.
 */
export function operatorNamespaces(ctx: EnvironmentContext, operator: OperatorName): string[] {
  return [OPERATORS[operator].namespace, ...(operator === 'spark-operator' ? sparkJobNamespaces(ctx) : [])];
}

/** The namespaces whose SparkApplications the operator runs (its `spark.jobNamespaces`): the lakehouse's. */
function sparkJobNamespaces(ctx: EnvironmentContext): string[] {
  const lakehouse = withWorkload(ctx, 'lakehouse');
  if (!lakehouse) throw new Error(`${ctx.env.name}: the Spark operator runs the lakehouse's applications, and the lakehouse is off`);
  return [lakehouse.names.lakehouse.namespace];
}

/** The values of one release; Terraform outputs it needs (Azure client ids) are required through the context. */
export function operatorValues(ctx: EnvironmentContext, operator: OperatorName): Values | undefined {
  const values = releaseValues(ctx, operator);
  const priority = PRIORITY_VALUES[operator];
  return priority ? mergeValues(values ?? {}, priority) : values;
}

const CRITICAL = PRIORITY_CLASSES.platformCritical;

/**
 * Where each chart takes its pods' priority class: operators and their webhooks (many fail closed) run at the
 * platform's critical priority, so workload pods never preempt them. Karpenter and the device plugin keep
 * their charts' system-cluster-critical / system-node-critical; kserve-resources' chart has no such value,
 * and milvus-operator 1.3.8's declares `priorityClassName` but no template reads it; the CRD and runtime
 * charts run no pods.
 */
const PRIORITY_VALUES: Readonly<Record<OperatorName, Values | undefined>> = {
  'cert-manager': { global: { priorityClassName: CRITICAL } },
  'external-secrets': { priorityClassName: CRITICAL, webhook: { priorityClassName: CRITICAL }, certController: { priorityClassName: CRITICAL } },
  karpenter: undefined,
  keda: { priorityClassName: CRITICAL },
  'kserve-crd': undefined,
  'kserve-resources': undefined,
  'kserve-runtime-configs': undefined,
  'milvus-operator': undefined,
  'nvidia-device-plugin': undefined,
  'seldon-core-operator': { manager: { priorityClassName: CRITICAL } },
  'spark-operator': { controller: { priorityClassName: CRITICAL }, webhook: { priorityClassName: CRITICAL } },
};

/** `extra` merged into `base`, mapping by mapping (values are plain data: mappings, lists, scalars). */
function mergeValues(base: Values, extra: Values): Values {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isMapping(current) && isMapping(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

const isMapping = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

function releaseValues(ctx: EnvironmentContext, operator: OperatorName): Values | undefined {
  const { env } = ctx;
  switch (operator) {
    case 'cert-manager':
      return { crds: { enabled: true } };
    case 'external-secrets':
      return { installCRDs: true };
    case 'karpenter':
      return byCloud<Values, never>(ctx, {
        // The Pod Identity association (platform stack) and the interruption queue carry these names.
        aws: ({ names }) => ({
          serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
          settings: { clusterName: names.aws.clusterName, interruptionQueue: names.aws.karpenterInterruptionQueueName },
        }),
        azure: () => {
          throw new Error(`${env.name}: Karpenter is installed on AWS only`);
        },
      });
    case 'keda': {
      const serviceAccount = { operator: { create: true, name: KEDA_SERVICE_ACCOUNT } };
      return byCloud<Values, never>(ctx, {
        aws: () => ({ serviceAccount }),
        // The scaler identity's federated credential trusts keda/keda-operator; the chart labels the pod for the webhook.
        azure: ({ env, outputs }) => ({
          serviceAccount,
          podIdentity: { azureWorkload: { enabled: true, clientId: outputs.require(EDW_STACK, EDW_OUTPUTS.scalerClientId), tenantId: env.azure.tenantId } },
        }),
      });
    }
    case 'kserve-resources':
      return {
        kserve: {
          // Standard unless an InferenceService asks for Knative (charts/serving sets the annotation per model).
          controller: { deploymentMode: 'Standard' },
          // The storage initializer's security context (the chart's lacks a seccomp profile, which restricted namespaces require).
          storage: { containerSecurityContext: KSERVE_STORAGE_INITIALIZER_SECURITY_CONTEXT },
        },
      };
    case 'kserve-runtime-configs':
      // The chart renders no runtime unless asked to.
      return { kserve: { servingruntime: { enabled: true } } };
    case 'nvidia-device-plugin': {
      // On the GPU pools only (the chart's default affinity wants node-feature-discovery labels the pools do not carry).
      const pools = env.cluster.gpuPools.map((p) => p.name);
      const anySpot = env.cluster.gpuPools.some((p) => p.capacity === 'spot');
      return {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: pools }] }] },
          },
        },
        tolerations: gpuPoolTaints(env.cloud, anySpot ? 'spot' : 'on-demand').map(tolerate),
      };
    }
    case 'seldon-core-operator':
      // No anonymous usage reports leave the cluster; the webhook certificate comes from cert-manager, so every render is the same.
      return { usageMetrics: { enabled: false }, certManager: { enabled: true } };
    case 'spark-operator': {
      // Applications run in the lakehouse namespace, whose service account and Role the lakehouse app creates.
      return {
        spark: { jobNamespaces: sparkJobNamespaces(ctx), serviceAccount: { create: false }, rbac: { create: false } },
        // The webhook applies what spark-submit has no setting for: affinity, tolerations, security contexts.
        webhook: { enable: true },
      };
    }
    case 'kserve-crd':
    case 'milvus-operator':
      return undefined;
  }
}
