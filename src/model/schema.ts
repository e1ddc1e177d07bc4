/**
 * The shape of a PlatformSpec, checked before any rule runs: every key known, every value of the
 * right type, every required field present. YAML overlays are checked by the same description as
 * src/platform.ts, so a typo in either is caught with its path.
 */
import { CLOUD_SET } from './cloud';
import { EKS_ADDON_NAMES } from './catalog';
import { EKS_CONTROL_PLANE_LOG_TYPE_SET } from './defaults';
import { bool, int, list, map, num, obj, oneOf, opt, req, str, strings, type FieldsOf, type Shape, type ShapeOf } from './shape';
import type {
  AwsAccountSpec,
  AzureAccountSpec,
  Cloud,
  EksAddonName,
  EnvironmentSpec,
  NamedPoolSpec,
  NodePoolSpec,
  PlatformSpec,
  Stage,
  WorkloadsSpec,
} from './types';
import { WORKLOAD_NAMES } from './types';
import { WORKLOADS } from './workloads';

const nodePool = obj<NodePoolSpec>({ sizes: req(strings), min: req(int), max: req(int) });
const namedPool = obj<NamedPoolSpec>({ name: req(str), sizes: req(strings), min: req(int), max: req(int) });

/** An environment's fields whatever its cloud: the rules, not the shape, require the account block of its cloud. */
type EnvironmentFields = Omit<EnvironmentSpec<'aws'>, 'cloud' | 'aws' | 'azure'> & { cloud: Cloud; aws?: AwsAccountSpec; azure?: AzureAccountSpec };

const environmentShape = obj<EnvironmentFields>({
  name: req(str),
  cloud: req(oneOf<Cloud>(CLOUD_SET)),
  stage: req(oneOf<Stage>({ dev: true, prod: true })),
  region: req(str),
  aws: opt(
    obj({
      accountId: req(str),
      clusterAdminArns: opt(strings),
      stateBucket: opt(str),
      createSpotServiceLinkedRole: opt(bool),
      logging: opt(
        obj({
          retentionDays: opt(int),
          flowLogTraffic: opt(oneOf({ ALL: true, ACCEPT: true, REJECT: true })),
          controlPlane: opt(list(oneOf(EKS_CONTROL_PLANE_LOG_TYPE_SET))),
        }),
      ),
    }),
  ),
  azure: opt(
    obj({
      subscriptionId: req(str),
      tenantId: req(str),
      adminGroupObjectIds: opt(strings),
      state: opt(obj({ resourceGroup: opt(str), storageAccount: opt(str), container: opt(str) })),
    }),
  ),
  network: req(obj({ cidr: req(str), zones: opt(int), serviceCidr: opt(str), podCidr: opt(str), apiAllowedCidrs: opt(strings) })),
  cluster: req(
    obj({
      kubernetesVersion: req(str),
      upgradePolicy: opt(oneOf({ STANDARD: true, EXTENDED: true })),
      amiRelease: opt(str),
      privateApi: opt(bool),
      systemPool: req(nodePool),
      gpuPools: opt(
        list(
          obj({
            name: req(str),
            sizes: req(strings),
            min: req(int),
            max: req(int),
            capacity: req(oneOf({ spot: true, 'on-demand': true })),
            provisioner: opt(oneOf({ 'node-group': true, karpenter: true })),
          }),
        ),
      ),
      spotPools: opt(list(namedPool)),
      repositories: opt(strings),
      addons: opt(obj(Object.fromEntries(EKS_ADDON_NAMES.map((a) => [a, opt(str)])) as FieldsOf<Partial<Record<EksAddonName, string>>>)),
      karpenter: opt(obj({ amiAlias: opt(str) })),
      gatewayNamespace: opt(str),
    }),
  ),
  tags: opt(map(str)),
  // Every workload of the registry, by name (each entry is opt() of that workload's own typed shape).
  workloads: opt(obj<WorkloadsSpec>(Object.fromEntries(WORKLOAD_NAMES.map((w) => [w, opt(WORKLOADS[w].shape)])) as FieldsOf<WorkloadsSpec>)),
  gitops: opt(
    obj({
      tool: req(oneOf({ argocd: true, flux: true })),
      repoUrl: req(str),
      branch: opt(str),
      basePath: opt(str),
      automated: opt(bool),
      prune: opt(bool),
      selfHeal: opt(bool),
      secretRef: opt(str),
    }),
  ),
  observability: opt(obj({ enabled: opt(bool), retentionDays: opt(int), volumeGi: opt(int), managedStore: opt(bool), opencost: opt(bool) })),
  waivers: opt(list(obj({ rule: req(str), resource: req(str), reason: req(str) }))),
  usage: opt(
    obj({
      spotNodes: opt(num),
      gpuHoursPerWeek: opt(num),
      spotPricePercent: opt(num),
      storageGb: opt(obj({ documents: opt(num), vectors: opt(num), artifacts: opt(num), lakehouse: opt(num), table: opt(num) })),
      requestsMillions: opt(obj({ documents: opt(num), vectors: opt(num), artifacts: opt(num), lakehouse: opt(num) })),
      queueMessagesMillions: opt(num),
      tokensMillions: opt(obj({ chatInput: opt(num), chatOutput: opt(num), embedding: opt(num) })),
      natGb: opt(num),
      privateLinkGb: opt(num),
      logsGb: opt(num),
      metricSamplesPerSecond: opt(num),
      etlHours: opt(num),
      burstNodeHours: opt(num),
      imageGbPerRepository: opt(num),
    }),
  ),
  budget: opt(obj({ monthlyUsd: req(num), alertPercents: opt(list(num)), contacts: req(strings), startMonth: opt(str) })),
});

export const PLATFORM_SHAPE: Shape = obj<PlatformSpec>({
  name: req(str),
  environments: req(list(environmentShape as ShapeOf<EnvironmentSpec>)),
});
