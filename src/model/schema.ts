/**
 * The shape of a PlatformSpec, checked before any rule runs: every key known, every value of the
 * right type, every required field present. YAML overlays are checked by the same description as
 * src/platform.ts, so a typo in either is caught with its path.
 */
import { EKS_ADDON_NAMES } from './catalog';
import type { Problem } from './problems';

export type Shape =
  | { readonly kind: 'string'; readonly oneOf?: readonly string[] }
  | { readonly kind: 'integer' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'array'; readonly items: Shape }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Field>> }
  | { readonly kind: 'map'; readonly values: Shape };

export interface Field {
  readonly shape: Shape;
  readonly required?: boolean;
}

const str: Shape = { kind: 'string' };
const int: Shape = { kind: 'integer' };
const bool: Shape = { kind: 'boolean' };
const strings: Shape = { kind: 'array', items: str };
const req = (shape: Shape): Field => ({ shape, required: true });
const opt = (shape: Shape): Field => ({ shape });
const obj = (fields: Record<string, Field>): Shape => ({ kind: 'object', fields });

const nodePoolFields = { sizes: req(strings), min: req(int), max: req(int) };
const namedPoolFields = { name: req(str), ...nodePoolFields };

const edwShape = obj({
  enabled: req(bool),
  images: opt(obj({ consumer: req(str), producer: req(str) })),
  queue: opt(obj({ fifo: opt(bool), messageRetentionSeconds: opt(int), visibilityTimeoutSeconds: opt(int), maxReceiveCount: opt(int) })),
  scaling: opt(
    obj({
      minReplicas: opt(int),
      maxReplicas: opt(int),
      messagesPerReplica: opt(int),
      activationMessages: opt(int),
      pollingIntervalSeconds: opt(int),
      cooldownSeconds: opt(int),
      scaleToZero: opt(bool),
    }),
  ),
  producer: opt(obj({ messages: opt(int), schedule: opt(str) })),
  consumer: opt(obj({ port: opt(int), healthPath: opt(str), cpu: opt(str), memory: opt(str) })),
  keda: opt({ kind: 'string', oneOf: ['aks-addon', 'helm'] }),
});

const openAiDeploymentShape = obj({
  deployment: opt(str),
  model: opt(str),
  version: opt(str),
  capacity: opt(int),
  sku: opt({ kind: 'string', oneOf: ['Standard', 'GlobalStandard', 'DataZoneStandard', 'ProvisionedManaged'] }),
});

const ragShape = obj({
  enabled: req(bool),
  api: opt(
    obj({
      image: req(str),
      minReplicas: opt(int),
      maxReplicas: opt(int),
      targetCpuUtilization: opt(int),
      port: opt(int),
      cpu: opt(str),
      memory: opt(str),
    }),
  ),
  bedrock: opt(obj({ chatModelId: opt(str), embeddingModelId: opt(str) })),
  openai: opt(obj({ chat: opt(openAiDeploymentShape), embedding: opt(openAiDeploymentShape) })),
  embeddingDimension: opt(int),
  milvus: opt(
    obj({ mode: opt({ kind: 'string', oneOf: ['standalone', 'cluster'] }), version: opt(str), storageSize: opt(str), cpu: opt(str), memory: opt(str) }),
  ),
  documents: opt(obj({ raw: opt(str), processed: opt(str), embeddings: opt(str) })),
  gatewayNamespace: opt(str),
});

const mlopsShape = obj({
  enabled: req(bool),
  mlflow: opt(obj({ image: req(str), cpu: opt(str), memory: opt(str), replicas: opt(int) })),
  database: opt(obj({ instanceClass: opt(str), sku: opt(str), storageGb: opt(int), version: opt(str) })),
  training: opt({
    kind: 'array',
    items: obj({
      name: req(str),
      image: req(str),
      pool: req(str),
      gpus: opt(int),
      schedule: opt(str),
      command: opt(strings),
      activeDeadlineSeconds: opt(int),
      backoffLimit: opt(int),
      checkpointSize: opt(str),
    }),
  }),
  models: opt({
    kind: 'array',
    items: obj({
      name: req(str),
      framework: req({ kind: 'string', oneOf: ['sklearn', 'xgboost', 'lightgbm', 'pytorch', 'tensorflow', 'onnx'] }),
      path: req(str),
      canaryPercent: opt(int),
      minReplicas: opt(int),
      maxReplicas: opt(int),
      cpu: opt(str),
      memory: opt(str),
      abTest: opt(obj({ challengerPath: req(str), challengerPercent: req(int) })),
    }),
  }),
  burst: opt(obj({ enabled: req(bool), instanceType: opt(str), vmSize: opt(str), maxNodes: opt(int), lowPriority: opt(bool) })),
});

const sparkPodShape = obj({ cores: opt(int), memory: opt(str) });
const layer: Shape = { kind: 'string', oneOf: ['bronze', 'silver', 'gold'] };

const lakehouseShape = obj({
  enabled: req(bool),
  layers: opt({ kind: 'array', items: layer }),
  tableFormat: opt({ kind: 'string', oneOf: ['iceberg', 'delta'] }),
  spark: opt(obj({ image: req(str), version: opt(str) })),
  jobs: opt({
    kind: 'array',
    items: obj({
      name: req(str),
      mainApplicationFile: req(str),
      mainClass: opt(str),
      arguments: opt(strings),
      layer: opt(layer),
      schedule: opt(str),
      driver: opt(sparkPodShape),
      executor: opt(sparkPodShape),
      executors: opt(int),
      dynamicAllocation: opt(obj({ minExecutors: req(int), maxExecutors: req(int) })),
      retries: opt(int),
    }),
  }),
  retentionDays: opt(int),
  purview: opt(bool),
});

const environmentShape = obj({
  name: req(str),
  cloud: req({ kind: 'string', oneOf: ['aws', 'azure'] }),
  stage: req({ kind: 'string', oneOf: ['dev', 'prod'] }),
  region: req(str),
  aws: opt(obj({ accountId: req(str), clusterAdminArns: opt(strings), stateBucket: opt(str) })),
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
      privateApi: opt(bool),
      systemPool: req(obj(nodePoolFields)),
      gpuPools: opt({
        kind: 'array',
        items: obj({
          ...namedPoolFields,
          capacity: req({ kind: 'string', oneOf: ['spot', 'on-demand'] }),
          provisioner: opt({ kind: 'string', oneOf: ['node-group', 'karpenter'] }),
        }),
      }),
      spotPools: opt({ kind: 'array', items: obj(namedPoolFields) }),
      repositories: opt(strings),
      addons: opt(obj(Object.fromEntries(EKS_ADDON_NAMES.map((a) => [a, opt(str)])))),
      karpenter: opt(obj({ amiAlias: opt(str) })),
    }),
  ),
  tags: opt({ kind: 'map', values: str }),
  workloads: opt(
    obj({
      lakehouse: opt(lakehouseShape),
      mlops: opt(mlopsShape),
      edw: opt(edwShape),
      rag: opt(ragShape),
    }),
  ),
  gitops: opt(
    obj({
      tool: req({ kind: 'string', oneOf: ['argocd', 'flux'] }),
      repoUrl: req(str),
      branch: opt(str),
      basePath: opt(str),
      automated: opt(bool),
      prune: opt(bool),
      selfHeal: opt(bool),
    }),
  ),
  waivers: opt({ kind: 'array', items: obj({ rule: req(str), resource: req(str), reason: req(str) }) }),
});

export const PLATFORM_SHAPE: Shape = obj({
  name: req(str),
  environments: req({ kind: 'array', items: environmentShape }),
});

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function describe(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
      return shape.oneOf ? `one of ${shape.oneOf.map((v) => JSON.stringify(v)).join(', ')}` : 'a string';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'map':
      return 'a mapping';
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Appends a problem for every place `value` departs from `shape`. */
export function checkShape(value: unknown, shape: Shape, path: string, problems: Problem[]): void {
  switch (shape.kind) {
    case 'string':
      if (typeof value !== 'string') problems.push({ path, message: `expected ${describe(shape)}, got ${typeName(value)}` });
      else if (shape.oneOf && !shape.oneOf.includes(value)) problems.push({ path, message: `${JSON.stringify(value)} is not ${describe(shape)}` });
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) problems.push({ path, message: `expected a whole number, got ${typeName(value)}` });
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push({ path, message: `expected true or false, got ${typeName(value)}` });
      return;
    case 'array':
      if (!Array.isArray(value)) {
        problems.push({ path, message: `expected a list, got ${typeName(value)}` });
        return;
      }
      value.forEach((item, i) => checkShape(item, shape.items, `${path}[${i}]`, problems));
      return;
    case 'map':
      if (!isPlainObject(value)) {
        problems.push({ path, message: `expected a mapping, got ${typeName(value)}` });
        return;
      }
      for (const [k, v] of Object.entries(value)) checkShape(v, shape.values, `${path}.${k}`, problems);
      return;
    case 'object': {
      if (!isPlainObject(value)) {
        problems.push({ path, message: `expected a mapping, got ${typeName(value)}` });
        return;
      }
      const known = Object.keys(shape.fields);
      for (const key of Object.keys(value)) {
        if (!(key in shape.fields)) problems.push({ path: join(path, key), message: `unknown key (expected one of: ${known.join(', ')})` });
      }
      for (const [key, field] of Object.entries(shape.fields)) {
        const child = value[key];
        if (child === undefined || child === null) {
          if (field.required) problems.push({ path: join(path, key), message: `is required (${describe(field.shape)})` });
          continue;
        }
        checkShape(child, field.shape, join(path, key), problems);
      }
    }
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
