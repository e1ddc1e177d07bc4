/** Turns a valid EnvironmentSpec into a resolved, immutable Environment: every default applied once, here. */
import { DEFAULT_KARPENTER_AMI_ALIAS, DEFAULT_MILVUS_VERSION, EKS_ADDON_VERSIONS } from './catalog';
import { defaultAwsStateBucket, defaultAzureStateResourceGroup, defaultAzureStateStorageAccount } from './naming';
import { containerRegistryName } from './naming';
import { forCloud } from './cloud';
import type {
  AwsAccount,
  AzureAccount,
  Cloud,
  CloudPart,
  KedaInstall,
  RagLlmByCloud,
  EdwSettings,
  Environment,
  EnvironmentSpec,
  LakehouseSettings,
  MlopsSettings,
  Platform,
  PlatformSpec,
  RagSettings,
  TableFormat,
  WorkloadName,
} from './types';
import { MEDALLION_LAYERS, WORKLOAD_NAMES } from './types';

export const DEFAULT_SERVICE_CIDR = '172.20.0.0/16';
export const DEFAULT_POD_CIDR = '192.168.0.0/16';
export const STANDARD_TAG_KEYS = ['project', 'environment', 'managed-by'] as const;

export function defaultZones(stage: EnvironmentSpec['stage']): number {
  return stage === 'prod' ? 3 : 2;
}

/** EKS add-ons are pinned per Kubernetes version; AKS manages its own. */
const PINS_EKS_ADDONS: Readonly<Record<Cloud, boolean>> = { aws: true, azure: false };

/** KEDA from its Helm chart on AWS; on Azure the AKS add-on by default. */
export const DEFAULT_KEDA_INSTALL: Readonly<Record<Cloud, KedaInstall>> = { aws: 'helm', azure: 'aks-addon' };

/** What the default embedding model of each cloud produces: Titan Text Embeddings v2 (1024), text-embedding-3-small (1536). */
export const DEFAULT_EMBEDDING_DIMENSION: Readonly<Record<Cloud, number>> = { aws: 1024, azure: 1536 };

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function resolveEnvironment(platformName: string, spec: EnvironmentSpec): Environment {
  const cluster = spec.cluster;
  const workloads = Object.fromEntries(WORKLOAD_NAMES.map((w) => [w, spec.workloads?.[w]?.enabled ?? false])) as Record<WorkloadName, boolean>;
  const account = forCloud<EnvironmentSpec, CloudPart<Cloud, { aws: AwsAccount; azure: AzureAccount }>>(spec, {
    aws: ({ aws, region }) => ({
      aws: {
        accountId: aws.accountId,
        clusterAdminArns: [...(aws.clusterAdminArns ?? [])],
        stateBucket: aws.stateBucket ?? defaultAwsStateBucket(platformName, aws.accountId, region),
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
      privateApi: cluster.privateApi ?? spec.stage === 'prod',
      systemPool: { ...cluster.systemPool, sizes: [...cluster.systemPool.sizes] },
      gpuPools: (cluster.gpuPools ?? []).map((p) => ({
        ...p,
        sizes: [...p.sizes],
        provisioner: p.provisioner ?? 'node-group',
      })),
      spotPools: (cluster.spotPools ?? []).map((p) => ({ ...p, sizes: [...p.sizes] })),
      repositories: [...(cluster.repositories ?? [])],
      addons: PINS_EKS_ADDONS[spec.cloud] ? { ...(EKS_ADDON_VERSIONS[cluster.kubernetesVersion] ?? {}), ...(cluster.addons ?? {}) } : {},
      karpenter: { amiAlias: cluster.karpenter?.amiAlias ?? DEFAULT_KARPENTER_AMI_ALIAS },
    },
    tags: sortedRecord({
      ...(spec.tags ?? {}),
      project: platformName,
      environment: spec.name,
      'managed-by': 'platform-synth',
    }),
    workloads,
    edw: spec.workloads?.edw?.enabled ? resolveEdw(platformName, spec) : undefined,
    rag: spec.workloads?.rag?.enabled ? resolveRag(platformName, spec) : undefined,
    mlops: spec.workloads?.mlops?.enabled ? resolveMlops(platformName, spec) : undefined,
    lakehouse: spec.workloads?.lakehouse?.enabled ? resolveLakehouse(platformName, spec) : undefined,
    gitops: spec.gitops
      ? {
          tool: spec.gitops.tool,
          repoUrl: spec.gitops.repoUrl,
          branch: spec.gitops.branch ?? 'main',
          basePath: (spec.gitops.basePath ?? 'dist').replace(/\/+$/, ''),
          automated: spec.gitops.automated ?? true,
          prune: spec.gitops.prune ?? true,
          selfHeal: spec.gitops.selfHeal ?? true,
        }
      : undefined,
    waivers: (spec.waivers ?? []).map((w) => ({ ...w })),
  };
  // The account part was chosen by spec.cloud, so the object is an environment of that cloud.
  return deepFreeze(env as Environment);
}

/** A registry host in an image reference: the first path segment has a dot or a port, or is localhost. */
export function hasRegistryHost(image: string): boolean {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

/** `repository:tag` → the full reference in the environment's own registry (ECR or ACR). */
export function resolveImage(platformName: string, spec: EnvironmentSpec, image: string): string {
  if (hasRegistryHost(image)) return image;
  return forCloud(spec, {
    aws: ({ aws, region, name }) => `${aws.accountId}.dkr.ecr.${region}.amazonaws.com/${platformName}/${name}/${image}`,
    azure: ({ name }) => `${containerRegistryName(platformName, name)}.azurecr.io/${image}`,
  });
}

function resolveEdw(platformName: string, spec: EnvironmentSpec): EdwSettings {
  const edw = spec.workloads!.edw!;
  const scaleToZero = edw.scaling?.scaleToZero ?? true;
  const cpu = edw.consumer?.cpu ?? '250m';
  return {
    images: {
      consumer: resolveImage(platformName, spec, edw.images!.consumer),
      producer: resolveImage(platformName, spec, edw.images!.producer),
    },
    queue: {
      fifo: edw.queue?.fifo ?? false,
      messageRetentionSeconds: edw.queue?.messageRetentionSeconds ?? 345600,
      visibilityTimeoutSeconds: edw.queue?.visibilityTimeoutSeconds ?? 60,
      maxReceiveCount: edw.queue?.maxReceiveCount ?? 5,
    },
    scaling: {
      minReplicas: edw.scaling?.minReplicas ?? (scaleToZero ? 0 : 1),
      maxReplicas: edw.scaling?.maxReplicas ?? 20,
      messagesPerReplica: edw.scaling?.messagesPerReplica ?? 5,
      activationMessages: edw.scaling?.activationMessages ?? 1,
      pollingIntervalSeconds: edw.scaling?.pollingIntervalSeconds ?? 15,
      cooldownSeconds: edw.scaling?.cooldownSeconds ?? 120,
      scaleToZero,
    },
    producer: { messages: edw.producer?.messages ?? 100, ...(edw.producer?.schedule ? { schedule: edw.producer.schedule } : {}) },
    consumer: { port: edw.consumer?.port ?? 8080, healthPath: edw.consumer?.healthPath ?? '/healthz', cpu, memory: edw.consumer?.memory ?? '256Mi' },
    keda: edw.keda ?? DEFAULT_KEDA_INSTALL[spec.cloud],
  };
}

export const DEFAULT_BEDROCK_CHAT_MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
export const DEFAULT_BEDROCK_EMBEDDING_MODEL = 'amazon.titan-embed-text-v2:0';
/** DataZoneStandard keeps prompts and completions inside the region's data zone (EU or US), unlike GlobalStandard. */
export const DEFAULT_OPENAI_CHAT = { deployment: 'chat', model: 'gpt-4o', version: '2024-08-06', capacity: 10, sku: 'DataZoneStandard' } as const;
export const DEFAULT_OPENAI_EMBEDDING = { deployment: 'embedding', model: 'text-embedding-3-small', version: '1', capacity: 10, sku: 'Standard' } as const;

function resolveRag(platformName: string, spec: EnvironmentSpec): RagSettings {
  const rag = spec.workloads!.rag!;
  const prod = spec.stage === 'prod';
  const api = rag.api!;
  return {
    apiImage: resolveImage(platformName, spec, api.image),
    api: {
      minReplicas: api.minReplicas ?? (prod ? 3 : 2),
      maxReplicas: api.maxReplicas ?? (prod ? 10 : 6),
      targetCpuUtilization: api.targetCpuUtilization ?? 70,
      port: api.port ?? 8080,
      cpu: api.cpu ?? '500m',
      memory: api.memory ?? '1Gi',
    },
    ...forCloud<EnvironmentSpec, RagLlmByCloud[Cloud]>(spec, {
      aws: () => ({
        bedrock: {
          chatModelId: rag.bedrock?.chatModelId ?? DEFAULT_BEDROCK_CHAT_MODEL,
          embeddingModelId: rag.bedrock?.embeddingModelId ?? DEFAULT_BEDROCK_EMBEDDING_MODEL,
        },
      }),
      azure: () => ({
        openai: { chat: { ...DEFAULT_OPENAI_CHAT, ...(rag.openai?.chat ?? {}) }, embedding: { ...DEFAULT_OPENAI_EMBEDDING, ...(rag.openai?.embedding ?? {}) } },
      }),
    }),
    embeddingDimension: rag.embeddingDimension ?? DEFAULT_EMBEDDING_DIMENSION[spec.cloud],
    milvus: {
      mode: rag.milvus?.mode ?? (prod ? 'cluster' : 'standalone'),
      version: rag.milvus?.version ?? DEFAULT_MILVUS_VERSION,
      storageSize: rag.milvus?.storageSize ?? (prod ? '50Gi' : '20Gi'),
      cpu: rag.milvus?.cpu ?? '1',
      memory: rag.milvus?.memory ?? '4Gi',
    },
    documents: { raw: rag.documents?.raw ?? 'raw', processed: rag.documents?.processed ?? 'processed', embeddings: rag.documents?.embeddings ?? 'embeddings' },
    gatewayNamespace: rag.gatewayNamespace ?? 'ingress',
  };
}

function resolveMlops(platformName: string, spec: EnvironmentSpec): MlopsSettings {
  const mlops = spec.workloads!.mlops!;
  const prod = spec.stage === 'prod';
  const pools = spec.cluster.gpuPools ?? [];
  return {
    mlflow: {
      image: resolveImage(platformName, spec, mlops.mlflow!.image),
      cpu: mlops.mlflow!.cpu ?? '500m',
      memory: mlops.mlflow!.memory ?? '1Gi',
      replicas: mlops.mlflow!.replicas ?? (prod ? 2 : 1),
    },
    database: {
      instanceClass: mlops.database?.instanceClass ?? (prod ? 'db.r6g.large' : 'db.t4g.medium'),
      sku: mlops.database?.sku ?? (prod ? 'GP_Standard_D2ds_v5' : 'B_Standard_B1ms'),
      storageGb: mlops.database?.storageGb ?? (prod ? 100 : 20),
      version: mlops.database?.version ?? '16',
    },
    training: (mlops.training ?? []).map((t) => {
      const pool = pools.find((p) => p.name === t.pool);
      // Validation reports this with its path; resolving an unvalidated spec must not hide it.
      if (!pool) throw new Error(`${spec.name}: training job ${t.name} names GPU pool ${t.pool}, which the cluster does not have`);
      return {
        name: t.name,
        image: resolveImage(platformName, spec, t.image),
        pool: { ...pool, sizes: [...pool.sizes], provisioner: pool.provisioner ?? 'node-group' },
        gpus: t.gpus ?? 1,
        ...(t.schedule ? { schedule: t.schedule } : {}),
        command: [...(t.command ?? [])],
        activeDeadlineSeconds: t.activeDeadlineSeconds ?? 86400,
        backoffLimit: t.backoffLimit ?? 4,
        checkpointSize: t.checkpointSize ?? '50Gi',
      };
    }),
    models: (mlops.models ?? []).map((m) => ({
      name: m.name,
      framework: m.framework,
      path: m.path,
      ...(m.canaryPercent !== undefined ? { canaryPercent: m.canaryPercent } : {}),
      minReplicas: m.minReplicas ?? (prod ? 2 : 1),
      maxReplicas: m.maxReplicas ?? (prod ? 6 : 3),
      cpu: m.cpu ?? '500m',
      memory: m.memory ?? '1Gi',
      ...(m.abTest ? { abTest: { ...m.abTest } } : {}),
    })),
    burst: {
      enabled: mlops.burst?.enabled ?? false,
      instanceType: mlops.burst?.instanceType ?? 'ml.g5.xlarge',
      vmSize: mlops.burst?.vmSize ?? 'Standard_NC4as_T4_v3',
      maxNodes: mlops.burst?.maxNodes ?? 4,
      lowPriority: mlops.burst?.lowPriority ?? true,
    },
  };
}

/** Spark 4.0 bundles Hadoop 3.4.1, whose ABFS driver takes workload identity tokens (Azure). */
export const DEFAULT_SPARK_VERSION = '4.0.1';
export const DEFAULT_SPARK_DRIVER = { cores: 1, memory: '2g' } as const;
export const DEFAULT_SPARK_EXECUTOR = { cores: 2, memory: '4g' } as const;

/** The table format each cloud's catalog serves: Iceberg in Glue, Delta by path on ADLS Gen2. */
export function defaultTableFormat(cloud: Cloud): TableFormat {
  return TABLE_FORMAT[cloud];
}

const TABLE_FORMAT: Readonly<Record<Cloud, TableFormat>> = { aws: 'iceberg', azure: 'delta' };

/** Microsoft Purview catalogs the lakehouse on Azure; AWS's catalog is Glue, part of the stack itself. */
const HAS_PURVIEW: Readonly<Record<Cloud, boolean>> = { aws: false, azure: true };

/** `.py` → Python, `.R` → R, anything else (a `.jar`) → Scala (the JVM type the operator runs with mainClass). */
export function sparkApplicationType(file: string): 'Python' | 'Scala' | 'R' {
  if (file.endsWith('.py')) return 'Python';
  if (file.endsWith('.R')) return 'R';
  return 'Scala';
}

function resolveLakehouse(platformName: string, spec: EnvironmentSpec): LakehouseSettings {
  const lakehouse = spec.workloads!.lakehouse!;
  const prod = spec.stage === 'prod';
  // Layers in medallion order, whatever order the model lists them in.
  const layers = MEDALLION_LAYERS.filter((l) => (lakehouse.layers ?? MEDALLION_LAYERS).includes(l));
  return {
    layers,
    tableFormat: lakehouse.tableFormat ?? defaultTableFormat(spec.cloud),
    spark: { image: resolveImage(platformName, spec, lakehouse.spark!.image), version: lakehouse.spark!.version ?? DEFAULT_SPARK_VERSION },
    jobs: (lakehouse.jobs ?? []).map((j) => ({
      name: j.name,
      mainApplicationFile: j.mainApplicationFile,
      ...(j.mainClass ? { mainClass: j.mainClass } : {}),
      type: sparkApplicationType(j.mainApplicationFile),
      arguments: [...(j.arguments ?? [])],
      ...(j.layer ? { layer: j.layer } : {}),
      ...(j.schedule ? { schedule: j.schedule } : {}),
      driver: { ...DEFAULT_SPARK_DRIVER, ...(j.driver ?? {}) },
      executor: { ...DEFAULT_SPARK_EXECUTOR, ...(j.executor ?? {}) },
      executors: j.executors ?? 2,
      ...(j.dynamicAllocation ? { dynamicAllocation: { ...j.dynamicAllocation } } : {}),
      retries: j.retries ?? 3,
    })),
    retentionDays: lakehouse.retentionDays ?? (prod ? 30 : 7),
    purview: HAS_PURVIEW[spec.cloud] && (lakehouse.purview ?? true),
  };
}

export function resolvePlatform(spec: PlatformSpec): Platform {
  return deepFreeze({
    name: spec.name,
    environments: spec.environments.map((e) => resolveEnvironment(spec.name, e)),
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
