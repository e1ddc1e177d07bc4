/** Turns a valid EnvironmentSpec into a resolved, immutable Environment: every default applied once, here. */
import { ownEntry } from './lookup';
import { DEFAULT_EKS_AMI_RELEASE, EKS_ADDON_VERSIONS } from './catalog';
import { defaultAwsStateBucket, defaultAzureStateResourceGroup, defaultAzureStateStorageAccount } from './naming';
import { forCloud } from './cloud';
import { DEFAULT_GATEWAY_NAMESPACE, ISTIO_NAMESPACE } from './cluster';
import { WORKLOADS, type WorkloadSettings } from './workloads';
import { resolveObservability } from './observability';
import { resolveUsage } from './usage';
import { resolveBudget } from './budget';
import type {
  AwsAccount,
  AwsLogging,
  AzureAccount,
  Cloud,
  CloudPart,
  EksControlPlaneLogType,
  Environment,
  EnvironmentSpec,
  Platform,
  PlatformSpec,
  Stage,
  WorkloadName,
} from './types';
import { WORKLOAD_NAMES } from './types';

export const DEFAULT_SERVICE_CIDR = '172.20.0.0/16';
export const DEFAULT_POD_CIDR = '192.168.0.0/16';
/** The tag naming each resource's environment: budgets and cost reports select an environment's cost by it. */
export const ENVIRONMENT_TAG = 'environment';
export const STANDARD_TAG_KEYS = ['project', ENVIRONMENT_TAG, 'managed-by'] as const;

export function defaultZones(stage: EnvironmentSpec['stage']): number {
  return stage === 'prod' ? 3 : 2;
}

export const EKS_CONTROL_PLANE_LOG_TYPE_SET: Readonly<Record<EksControlPlaneLogType, true>> = {
  api: true,
  audit: true,
  authenticator: true,
  controllerManager: true,
  scheduler: true,
};
export const EKS_CONTROL_PLANE_LOG_TYPES = Object.keys(EKS_CONTROL_PLANE_LOG_TYPE_SET) as EksControlPlaneLogType[];

/**
 * What CloudWatch keeps per stage. Dev: rejected flows only, the logs an incident review needs (the
 * eks-control-plane-logging rule's three), a month. Prod: every flow and log type, a year.
 */
export const AWS_LOGGING_DEFAULTS: Readonly<Record<Stage, AwsLogging>> = {
  dev: { retentionDays: 30, flowLogTraffic: 'REJECT', controlPlane: ['api', 'audit', 'authenticator'] },
  prod: { retentionDays: 365, flowLogTraffic: 'ALL', controlPlane: EKS_CONTROL_PLANE_LOG_TYPES },
};

/** Spot capacity anywhere in the cluster: a Spot pool, or a GPU pool on Spot. */
export function usesSpot(spec: {
  readonly cluster?: { readonly spotPools?: readonly unknown[]; readonly gpuPools?: readonly { readonly capacity?: string }[] };
}): boolean {
  return (spec.cluster?.spotPools ?? []).length > 0 || (spec.cluster?.gpuPools ?? []).some((p) => p.capacity === 'spot');
}

/** EKS add-ons and node images are pinned in the model; AKS manages its add-ons and its channels roll node images. */
const PINS_EKS_ADDONS: Readonly<Record<Cloud, boolean>> = { aws: true, azure: false };

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function resolveEnvironment(platformName: string, spec: EnvironmentSpec): Environment {
  const cluster = spec.cluster;
  const amiRelease = cluster.amiRelease ?? DEFAULT_EKS_AMI_RELEASE;
  const workloads = Object.fromEntries(WORKLOAD_NAMES.map((w) => [w, spec.workloads?.[w]?.enabled ?? false])) as Record<WorkloadName, boolean>;
  const account = forCloud<EnvironmentSpec, CloudPart<Cloud, { aws: AwsAccount; azure: AzureAccount }>>(spec, {
    aws: ({ aws, region }) => ({
      aws: {
        accountId: aws.accountId,
        clusterAdminArns: [...(aws.clusterAdminArns ?? [])],
        stateBucket: aws.stateBucket ?? defaultAwsStateBucket(platformName, aws.accountId, region),
        createSpotServiceLinkedRole: aws.createSpotServiceLinkedRole ?? usesSpot(spec),
        logging: {
          retentionDays: aws.logging?.retentionDays ?? AWS_LOGGING_DEFAULTS[spec.stage].retentionDays,
          flowLogTraffic: aws.logging?.flowLogTraffic ?? AWS_LOGGING_DEFAULTS[spec.stage].flowLogTraffic,
          controlPlane: [...(aws.logging?.controlPlane ?? AWS_LOGGING_DEFAULTS[spec.stage].controlPlane)],
        },
      },
    }),
    azure: ({ azure, stage }) => ({
      azure: {
        subscriptionId: azure.subscriptionId,
        tenantId: azure.tenantId,
        adminGroupObjectIds: [...(azure.adminGroupObjectIds ?? [])],
        state: {
          resourceGroup: azure.state?.resourceGroup ?? defaultAzureStateResourceGroup(platformName),
          storageAccount: azure.state?.storageAccount ?? defaultAzureStateStorageAccount(platformName, stage),
          container: azure.state?.container ?? 'tfstate',
        },
      },
    }),
  });
  const env = {
    name: spec.name,
    cloud: spec.cloud,
    stage: spec.stage,
    region: spec.region,
    ...account,
    network: {
      cidr: spec.network.cidr,
      zones: spec.network.zones ?? defaultZones(spec.stage),
      serviceCidr: spec.network.serviceCidr ?? DEFAULT_SERVICE_CIDR,
      podCidr: spec.network.podCidr ?? DEFAULT_POD_CIDR,
      apiAllowedCidrs: [...(spec.network.apiAllowedCidrs ?? [])],
    },
    cluster: {
      kubernetesVersion: cluster.kubernetesVersion,
      // Out of standard support, EKS upgrades rather than bills extended support unless the model says so.
      upgradePolicy: cluster.upgradePolicy ?? 'STANDARD',
      amiRelease: PINS_EKS_ADDONS[spec.cloud] ? amiRelease : '',
      privateApi: cluster.privateApi ?? spec.stage === 'prod',
      systemPool: { ...cluster.systemPool, sizes: [...cluster.systemPool.sizes] },
      gpuPools: (cluster.gpuPools ?? []).map((p) => ({
        ...p,
        sizes: [...p.sizes],
        provisioner: p.provisioner ?? 'node-group',
      })),
      spotPools: (cluster.spotPools ?? []).map((p) => ({ ...p, sizes: [...p.sizes] })),
      repositories: [...(cluster.repositories ?? [])],
      addons: PINS_EKS_ADDONS[spec.cloud] ? { ...(ownEntry(EKS_ADDON_VERSIONS, cluster.kubernetesVersion) ?? {}), ...(cluster.addons ?? {}) } : {},
      karpenter: { amiAlias: cluster.karpenter?.amiAlias ?? `al2023@${amiRelease}` },
      // Served models bring Istio's ingress gateway, the platform's gateway from then on.
      gatewayNamespace: cluster.gatewayNamespace ?? (servesModels(spec) ? ISTIO_NAMESPACE : DEFAULT_GATEWAY_NAMESPACE),
    },
    tags: sortedRecord({
      ...(spec.tags ?? {}),
      project: platformName,
      [ENVIRONMENT_TAG]: spec.name,
      'managed-by': 'platform-synth',
    }),
    workloads,
    ...Object.fromEntries(WORKLOAD_NAMES.map((w) => [w, resolveWorkload(platformName, spec, w)])),
    gitops: spec.gitops
      ? {
          tool: spec.gitops.tool,
          repoUrl: spec.gitops.repoUrl,
          branch: spec.gitops.branch ?? 'main',
          basePath: (spec.gitops.basePath ?? 'dist').replace(/\/+$/, ''),
          automated: spec.gitops.automated ?? true,
          prune: spec.gitops.prune ?? true,
          selfHeal: spec.gitops.selfHeal ?? true,
          ...(spec.gitops.secretRef ? { secretRef: spec.gitops.secretRef } : {}),
        }
      : undefined,
    observability: resolveObservability(spec.stage, spec.cloud, spec.observability),
    waivers: (spec.waivers ?? []).map((w) => ({ ...w })),
    usage: resolveUsage(spec.stage, spec.usage),
    ...(spec.budget ? { budget: resolveBudget(spec.budget) } : {}),
  };
  // The account part was chosen by spec.cloud, so the object is an environment of that cloud.
  return deepFreeze(env as Environment);
}

/** The settings of workload `w` where the spec enables it; undefined where it is off. */
function resolveWorkload<W extends WorkloadName>(platformName: string, spec: EnvironmentSpec, w: W): WorkloadSettings<W> | undefined {
  const workload = spec.workloads?.[w];
  return workload?.enabled ? WORKLOADS[w].resolve(platformName, spec, workload) : undefined;
}

export function resolvePlatform(spec: PlatformSpec): Platform {
  return deepFreeze({
    name: spec.name,
    environments: spec.environments.map((e) => resolveEnvironment(spec.name, e)),
  });
}

/** Freezes `value` and everything in it (the resolved model is read-only everywhere). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** The environment serves models (MLOps on, with at least one model): Istio's gateway is installed. */
function servesModels(spec: EnvironmentSpec): boolean {
  const mlops = spec.workloads?.mlops;
  return mlops?.enabled === true && (mlops.models ?? []).length > 0;
}
