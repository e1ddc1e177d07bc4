/**
 * The monthly cost of one environment, from what synth writes (its Terraform resources), the model's node pools
 * and its `usage` figures, priced from the committed catalog (./prices). Every line carries its terms (quantity
 * × unit price), so a reader can redo the arithmetic. Pools, and what scales with them, have a min, typical and
 * max; every other line is the same in all three.
 */
import { parseBedrockModel } from '../model/ai-models';
import { blockStorageClass, NODE_ROOT_VOLUME_GIB } from '../model/cluster';
import { karpenterLimits, nodesWithin, type KarpenterLimits } from '../model/karpenter';
import { operatorsFor } from '../model/operators';
import type { Cloud, Environment } from '../model/types';
import type { Stores, Usage } from '../model/usage';
import { clusterVolumes, type ClusterVolume } from '../model/volumes';
import { parseQuantity } from '../validate/cluster/quantity';
import { priceCatalog, type Price, type PriceCatalog } from './catalog';

/** Hours in a month, as both clouds' price pages count them. */
export const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const WEEKS_PER_MONTH = 52 / 12;
/** Amazon Managed Service for Prometheus bills its first 2 billion samples a month (200 × 10 million) at its first tier. */
const AMP_FIRST_TIER = 200;
/** A fifth of object-store requests are writes (PUT/LIST), the rest reads. */
const WRITE_SHARE = 0.2;

export interface Range {
  readonly min: number;
  readonly typical: number;
  readonly max: number;
}

export interface CostTerm {
  /** How much, in the price's unit, at min / typical / max. */
  readonly quantity: Range;
  /** The catalog key. */
  readonly price: string;
  /** USD per `per`, as the catalog lists it. */
  readonly listPrice: number;
  /** USD per `per`, after `factor`. */
  readonly unitPrice: number;
  readonly per: string;
  /** What scales the list price (Spot, a standby replica), when something does. */
  readonly factor?: { readonly value: number; readonly why: string };
}

export interface CostLine {
  /** Stable across runs: `platform/pool/gpu`. */
  readonly id: string;
  /** The Terraform stack it belongs to (pools and the control plane are the platform's). */
  readonly stack: string;
  readonly component: string;
  readonly terms: readonly CostTerm[];
  readonly monthly: Range;
}

export interface Estimate {
  readonly environment: string;
  readonly cloud: Cloud;
  readonly region: string;
  readonly currency: 'USD';
  /** When the catalog's prices were taken. */
  readonly taken: string;
  readonly lines: readonly CostLine[];
  readonly total: Range;
  /** Catalog keys this environment needs that the catalog lacks for its region: those terms are left out. */
  readonly missingPrices: readonly string[];
  /** The price pages behind the lines, sorted. */
  readonly sources: readonly string[];
  /** Prices used that could not be checked against a stored copy of their page. */
  readonly unverified: readonly string[];
}

/** A Terraform JSON document: resource type → name → body. */
export interface TerraformDocument {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
}

const flat = (n: number): Range => ({ min: n, typical: n, max: n });
const scale = (r: Range, f: number): Range => ({ min: r.min * f, typical: r.typical * f, max: r.max * f });
const add = (a: Range, b: Range): Range => ({ min: a.min + b.min, typical: a.typical + b.typical, max: a.max + b.max });
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** Cents: sums of rounded terms then add up exactly as printed. */
const cents = (n: number) => Math.round(n * 100) / 100;

interface Resource {
  readonly stack: string;
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** What an estimate is built from: the environment, its Terraform documents by stack, the catalog's prices for its region. */
class Pricing {
  readonly lines: CostLine[] = [];
  readonly missing = new Set<string>();
  readonly used = new Set<string>();
  private readonly prices: Readonly<Record<string, Price>>;

  constructor(
    readonly env: Environment,
    private readonly stacks: ReadonlyMap<string, TerraformDocument>,
    readonly catalog: PriceCatalog,
  ) {
    this.prices = catalog.regions[env.region] ?? {};
  }

  /** Every resource of Terraform type `type`, stack by stack in name order. */
  resources(type: string): Resource[] {
    const out: Resource[] = [];
    for (const [stack, doc] of [...this.stacks].sort(([a], [b]) => a.localeCompare(b)))
      for (const [name, body] of Object.entries(doc.resource?.[type] ?? {}).sort(([a], [b]) => a.localeCompare(b))) out.push({ stack, name, body });
    return out;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.prices, key);
  }

  /** A term of `quantity` units of price `key`, or none (recorded as missing) where the catalog lacks it. */
  term(key: string, quantity: Range | number, factor?: CostTerm['factor']): CostTerm | undefined {
    if (!this.has(key)) {
      this.missing.add(key);
      return undefined;
    }
    this.used.add(key);
    const price = this.prices[key];
    return {
      quantity: typeof quantity === 'number' ? flat(quantity) : quantity,
      price: key,
      listPrice: price.price,
      unitPrice: price.price * (factor?.value ?? 1),
      per: price.per,
      ...(factor ? { factor } : {}),
    };
  }

  line(id: string, stack: string, component: string, terms: (CostTerm | undefined)[]): void {
    const kept = terms.filter((t): t is CostTerm => t !== undefined);
    if (kept.length === 0) return;
    const monthly = kept.reduce((sum, t) => add(sum, scale(t.quantity, t.unitPrice)), flat(0));
    this.lines.push({ id, stack, component, terms: kept, monthly: { min: cents(monthly.min), typical: cents(monthly.typical), max: cents(monthly.max) } });
  }

  priceOf(key: string): Price | undefined {
    return this.has(key) ? this.prices[key] : undefined;
  }

  /** Burst training node-hours: none at min, the usage figure typically, every burst node all month at most. */
  burstNodeHours(): Range {
    const maxNodes = this.env.mlops?.burst.maxNodes ?? 0;
    return { min: 0, typical: Math.min(this.env.usage.burstNodeHours, maxNodes * HOURS_PER_MONTH), max: maxNodes * HOURS_PER_MONTH };
  }

  spotFactor(): NonNullable<CostTerm['factor']> {
    return { value: this.env.usage.spotPricePercent / 100, why: `Spot at ${this.env.usage.spotPricePercent}% of on-demand (usage.spotPricePercent)` };
  }
}

// ---- node pools: the same on both clouds but for the price keys, the disks and how Spot is priced (COMPUTE)

interface Pool {
  readonly id: string;
  readonly label: string;
  readonly sizes: readonly string[];
  readonly spot: boolean;
  readonly gpu: boolean;
  /** Karpenter (or an AKS pool of one size) picks its size: the cheapest is priced. Otherwise the first. */
  readonly picksCheapest: boolean;
  readonly nodes: Range;
  readonly rootVolumeGiB: number;
  /** A Karpenter pool's NodePool limits: its max is what they allow of its dearest size, not `nodes.max` of the priced one. */
  readonly limits?: KarpenterLimits;
}

function pools(env: Environment): Pool[] {
  const u = env.usage;
  const c = env.cluster;
  const aws = env.cloud === 'aws';
  const out: Pool[] = [
    {
      id: 'system',
      label: 'system pool',
      sizes: c.systemPool.sizes,
      spot: false,
      gpu: false,
      picksCheapest: false,
      nodes: { min: c.systemPool.min, typical: c.systemPool.min, max: c.systemPool.max },
      rootVolumeGiB: NODE_ROOT_VOLUME_GIB['node-group'].cpu,
    },
  ];
  for (const p of c.gpuPools) {
    const karpenter = aws && p.provisioner === 'karpenter';
    out.push({
      id: p.name,
      label: `GPU pool ${p.name}`,
      sizes: p.sizes,
      spot: p.capacity === 'spot',
      gpu: true,
      picksCheapest: karpenter,
      // GPU hours a week, spread over the month's hours: the average node count.
      nodes: { min: p.min, typical: clamp((u.gpuHoursPerWeek * WEEKS_PER_MONTH) / HOURS_PER_MONTH, p.min, p.max), max: p.max },
      rootVolumeGiB: NODE_ROOT_VOLUME_GIB[karpenter ? 'karpenter' : 'node-group'].gpu,
      ...(karpenter ? { limits: karpenterLimits(p, { gpu: true }) } : {}),
    });
  }
  for (const p of c.spotPools)
    out.push({
      id: p.name,
      label: `Spot pool ${p.name}`,
      sizes: p.sizes,
      spot: true,
      gpu: false,
      picksCheapest: true,
      nodes: { min: p.min, typical: clamp(u.spotNodes, p.min, p.max), max: p.max },
      rootVolumeGiB: NODE_ROOT_VOLUME_GIB[aws ? 'karpenter' : 'node-group'].cpu,
      ...(aws ? { limits: karpenterLimits(p, { gpu: false }) } : {}),
    });
  return out;
}

/** Where the clouds differ in pricing the same thing: one entry per cloud. */
const COMPUTE: Readonly<
  Record<
    Cloud,
    {
      /** The catalog key of a node size, on-demand. */
      readonly vm: (size: string) => string;
      /** The catalog key of a size's own Spot price, where the cloud publishes a list price for it. */
      readonly spotVm?: (size: string) => string;
      /** A node's root disk: its price key and the quantity per node-month. */
      readonly disk: (pool: Pool) => { readonly key: string; readonly perNode: number };
      /** A claim of the platform's block class (gp3 / Premium SSD) of `gib`: its price key and the quantity per volume-month. */
      readonly volume: (gib: number) => { readonly key: string; readonly perVolume: number; readonly tier?: string };
    }
  >
> = {
  aws: { vm: (s) => `ec2.${s}`, disk: (pool) => ({ key: 'ebs.gp3', perNode: pool.rootVolumeGiB }), volume: (gib) => ({ key: 'ebs.gp3', perVolume: gib }) },
  // AKS gives each node a 128 GiB managed OS disk (Premium SSD on the s-series and the NC sizes): one P10 a node.
  azure: {
    vm: (s) => `vm.${s}`,
    spotVm: (s) => `vm-spot.${s}`,
    disk: () => ({ key: 'managed-disk.premium-p10', perNode: 1 }),
    volume: (gib) => {
      const tier = premiumSsdTier(gib);
      return { key: `managed-disk.premium-${tier.toLowerCase()}`, perVolume: 1, tier };
    },
  },
};

/**
 * Premium SSD sizes (learn.microsoft.com/azure/virtual-machines/disks-types): a disk is billed as the smallest
 * size that holds it, per disk-month (learn.microsoft.com/azure/virtual-machines/disks-understand-billing).
 */
const PREMIUM_SSD_TIERS: readonly (readonly [string, number])[] = [
  ['P1', 4],
  ['P2', 8],
  ['P3', 16],
  ['P4', 32],
  ['P6', 64],
  ['P10', 128],
  ['P15', 256],
  ['P20', 512],
  ['P30', 1024],
  ['P40', 2048],
  ['P50', 4095],
  ['P60', 8192],
  ['P70', 16384],
  ['P80', 32767],
];

/** The Premium SSD size a disk of `gib` is billed as; none is larger than P80, which Azure refuses to exceed. */
export function premiumSsdTier(gib: number): string {
  const tier = PREMIUM_SSD_TIERS.find(([, size]) => gib <= size);
  if (!tier) throw new Error(`a ${gib} GiB Premium SSD is larger than Azure's largest (P80, 32,767 GiB)`);
  return tier[0];
}

/** The size a node price key names: `ec2.m6i.xlarge` → `m6i.xlarge`. */
const bare = (key: string) => key.slice(key.indexOf('.') + 1);

function priceNodePools(p: Pricing): void {
  const compute = COMPUTE[p.env.cloud];
  for (const pool of pools(p.env)) {
    const vm = (key: string, nodes: Range) => {
      const ownSpot = compute.spotVm?.(bare(key));
      const hours = scale(nodes, HOURS_PER_MONTH);
      return pool.spot && ownSpot && p.has(ownSpot) ? p.term(ownSpot, hours) : p.term(key, hours, pool.spot ? p.spotFactor() : undefined);
    };
    const size = pool.picksCheapest ? cheapest(p, pool.sizes.map(compute.vm)) : compute.vm(pool.sizes[0]);
    const disk = compute.disk(pool);
    const label = `${pool.label} (${bare(size)}${pool.spot ? ', Spot' : ''}`;
    const worst = pool.limits && dearestWithin(p, pool.limits, pool.sizes.map(compute.vm));
    if (worst && (worst.key !== size || worst.nodes !== pool.nodes.max)) {
      // Typically the cheapest size; at most as many of the dearest size as the NodePool's limits let Karpenter launch.
      const nodes = { ...pool.nodes, max: worst.nodes };
      const vms = worst.key === size ? [vm(size, nodes)] : [vm(size, { ...pool.nodes, max: 0 }), vm(worst.key, { min: 0, typical: 0, max: worst.nodes })];
      p.line(`platform/pool/${pool.id}`, 'platform', `${label}; at most ${worst.nodes} × ${bare(worst.key)})`, [
        ...vms,
        p.term(disk.key, scale(nodes, disk.perNode)),
      ]);
      continue;
    }
    p.line(`platform/pool/${pool.id}`, 'platform', `${label})`, [vm(size, pool.nodes), p.term(disk.key, scale(pool.nodes, disk.perNode))]);
  }
}

/** Among `keys` (EC2 sizes), the one whose most nodes within `limits` cost the most, and that node count. */
function dearestWithin(p: Pricing, limits: KarpenterLimits, keys: readonly string[]): { key: string; nodes: number } | undefined {
  const priced = keys
    .filter((k) => p.has(k))
    .map((key) => ({ key, nodes: nodesWithin(limits, bare(key)) }))
    .sort((a, b) => b.nodes * p.priceOf(b.key)!.price - a.nodes * p.priceOf(a.key)!.price || a.key.localeCompare(b.key));
  return priced[0];
}

// ---- in-cluster volumes: the claims of the platform's block class (src/model/volumes.ts), priced like a disk

/**
 * Volume-months of one of `v`'s volumes. Kept volumes are there all month. A training job's checkpoint volume lives
 * with its one pod (the CronJob forbids overlap): none at min, all month at max, and typically its share of the
 * month's GPU node-hours (usage.gpuHoursPerWeek) among the cluster's training jobs.
 */
function volumeMonths(p: Pricing, v: ClusterVolume, trainingJobs: number): Range {
  if (v.lifetime === 'always') return flat(1);
  const share = (p.env.usage.gpuHoursPerWeek * WEEKS_PER_MONTH) / HOURS_PER_MONTH / Math.max(1, trainingJobs);
  return { min: 0, typical: Math.min(1, share), max: 1 };
}

function priceClusterVolumes(p: Pricing): void {
  const volumes = clusterVolumes(p.env);
  const trainingJobs = volumes.filter((v) => v.lifetime === 'training').length;
  const className = blockStorageClass(p.env.cloud);
  for (const v of volumes) {
    const bytes = parseQuantity(v.size);
    if (bytes === undefined) throw new Error(`${v.stack} volume ${v.name}: "${v.size}" is not a Kubernetes quantity`);
    const gib = Math.ceil(bytes / 2 ** 30);
    const volume = COMPUTE[p.env.cloud].volume(gib);
    p.line(`${v.stack}/volume/${v.name}`, v.stack, `${v.label} (${v.count} × ${v.size} ${className}${volume.tier ? `, ${volume.tier}` : ''})`, [
      p.term(volume.key, scale(volumeMonths(p, v, trainingJobs), v.count * volume.perVolume)),
    ]);
  }
}

// ---- egress: NAT gateways and their public IPs, priced alike on both clouds but for the resource types (EGRESS)

const EGRESS: Readonly<Record<Cloud, { readonly nat: string; readonly ip: { readonly type: string; readonly label: string; readonly price: string } }>> = {
  aws: { nat: 'aws_nat_gateway', ip: { type: 'aws_eip', label: 'public IPv4 addresses', price: 'public-ipv4' } },
  azure: { nat: 'azurerm_nat_gateway', ip: { type: 'azurerm_public_ip', label: 'public IP addresses', price: 'public-ip.standard' } },
};

function priceEgress(p: Pricing): void {
  const { nat, ip } = EGRESS[p.env.cloud];
  const nats = p.resources(nat).length;
  if (nats > 0)
    p.line('platform/nat', 'platform', `NAT gateways (${nats})`, [
      p.term('nat-gateway.hour', nats * HOURS_PER_MONTH),
      p.term('nat-gateway.data', p.env.usage.natGb),
    ]);
  const ips = p.resources(ip.type).length;
  if (ips > 0) p.line('platform/public-ips', 'platform', `${ip.label} (${ips})`, [p.term(ip.price, ips * HOURS_PER_MONTH)]);
}

/** The key among `keys` with the lowest price in the catalog (the first when none has one). */
function cheapest(p: Pricing, keys: readonly string[]): string {
  const priced = keys.filter((k) => p.has(k)).sort((a, b) => p.priceOf(a)!.price - p.priceOf(b)!.price || a.localeCompare(b));
  return priced[0] ?? keys[0];
}

// ---- AWS

function priceAws(p: Pricing): void {
  const u = p.env.usage;
  for (const r of p.resources('aws_eks_cluster'))
    p.line('platform/control-plane', r.stack, 'EKS control plane', [p.term('eks.cluster.standard', HOURS_PER_MONTH)]);
  priceNodePools(p);
  priceClusterVolumes(p);

  priceEgress(p);
  const interfaces = p.resources('aws_vpc_endpoint').filter((r) => r.body.vpc_endpoint_type === 'Interface');
  const endpointAzs = interfaces.reduce((n, r) => n + ((r.body.subnet_ids as unknown[] | undefined)?.length ?? 1), 0);
  if (interfaces.length > 0)
    p.line('platform/private-endpoints', 'platform', `interface VPC endpoints (${interfaces.length}, ${endpointAzs} endpoint-AZs)`, [
      p.term('vpc-endpoint.interface', endpointAzs * HOURS_PER_MONTH),
      p.term('vpc-endpoint.data', u.privateLinkGb),
    ]);
  const logGroups = p.resources('aws_cloudwatch_log_group');
  if (logGroups.length > 0) {
    const retention = Math.max(...logGroups.map((r) => Number(r.body.retention_in_days ?? 0)));
    // At steady state a month's logs are kept for the retention: that many months of them are stored.
    p.line('platform/logs', 'platform', `CloudWatch Logs (${retention} days kept)`, [
      p.term('cloudwatch.logs.ingest', u.logsGb),
      p.term('cloudwatch.logs.store', (u.logsGb * retention) / 30),
    ]);
  }
  for (const r of p.resources('aws_prometheus_workspace')) {
    // Ingest is tiered: the first 2 billion samples a month at one price, the next 250 billion at a lower one.
    const samples = (u.metricSamplesPerSecond * SECONDS_PER_MONTH) / 1e7;
    const first = Math.min(samples, AMP_FIRST_TIER);
    p.line('platform/metrics', r.stack, 'Managed Service for Prometheus', [
      p.term('amp.ingest', first),
      samples > first ? p.term('amp.ingest.next-250b', samples - first) : undefined,
    ]);
  }
  const repos = p.resources('aws_ecr_repository').length;
  if (repos > 0) p.line('platform/registry', 'platform', `ECR repositories (${repos})`, [p.term('ecr.storage', repos * u.imageGbPerRepository)]);
  perStack(p, 'aws_kms_key', (stack, n) => p.line(`${stack}/keys`, stack, `KMS keys (${n})`, [p.term('kms.key', n)]));
  perStack(p, 'aws_secretsmanager_secret', (stack, n) =>
    p.line(`${stack}/secrets`, stack, `Secrets Manager secrets (${n})`, [p.term('secrets-manager.secret', n)]),
  );

  // One line a stack, as Azure's one storage account a stack: the RAG platform's documents and Milvus buckets together.
  const buckets = new Map<string, { names: string[]; stores: Stores[] }>();
  for (const r of p.resources('aws_s3_bucket')) {
    const stores = STORES[r.name];
    if (!stores) continue;
    const entry = buckets.get(r.stack) ?? { names: [], stores: [] };
    entry.names.push(r.name);
    entry.stores.push(...stores);
    buckets.set(r.stack, entry);
  }
  for (const [stack, { names, stores }] of buckets) {
    const requests = stored(u, stores, 'requestsMillions') * 1000;
    p.line(`${stack}/object-store`, stack, `S3 bucket${names.length > 1 ? 's' : ''} ${names.join(' and ')}`, [
      p.term('s3.standard', stored(u, stores, 'storageGb')),
      p.term('s3.put', requests * WRITE_SHARE),
      p.term('s3.get', requests * (1 - WRITE_SHARE)),
    ]);
  }
  for (const r of p.resources('aws_db_instance')) {
    const multiAz = r.body.multi_az === true;
    const standby = multiAz ? { value: 2, why: 'Multi-AZ: a standby of the same size' } : undefined;
    p.line(`${r.stack}/database`, r.stack, `RDS PostgreSQL ${String(r.body.instance_class)}${multiAz ? ' Multi-AZ' : ''}`, [
      p.term(`rds.postgres.${String(r.body.instance_class)}`, HOURS_PER_MONTH, standby),
      p.term('rds.gp3', Number(r.body.allocated_storage ?? 0), standby),
    ]);
  }
  const queues = p.resources('aws_sqs_queue').filter((r) => r.stack === 'edw' && r.name === 'queue');
  for (const r of queues)
    p.line(`edw/queue`, 'edw', `SQS ${r.body.fifo_queue ? 'FIFO ' : ''}queue`, [
      p.term(r.body.fifo_queue ? 'sqs.fifo' : 'sqs.standard', u.queueMessagesMillions * 3),
    ]);
  for (const r of p.resources('aws_dynamodb_table'))
    p.line(`${r.stack}/table`, r.stack, 'DynamoDB table (on-demand)', [
      p.term('dynamodb.write', u.queueMessagesMillions),
      p.term('dynamodb.storage', u.storageGb.table),
    ]);
  for (const r of p.resources('aws_glue_crawler')) p.line(`${r.stack}/etl`, r.stack, 'Glue crawler', [p.term('glue.crawler', u.etlHours)]);
  if (p.env.cloud === 'aws' && p.env.rag) {
    const { chatModelId, embeddingModelId } = p.env.rag.bedrock;
    p.line('rag/llm', 'rag', `Bedrock ${bedrockName(chatModelId)} and ${bedrockName(embeddingModelId)}`, [
      p.term(bedrockPrice(p, chatModelId, 'input'), u.tokensMillions.chatInput),
      p.term(bedrockPrice(p, chatModelId, 'output'), u.tokensMillions.chatOutput),
      p.term(bedrockPrice(p, embeddingModelId, 'input'), u.tokensMillions.embedding),
    ]);
  }
  if (p.env.mlops?.burst.enabled) {
    const spot = p.env.mlops.sagemakerTraining.some((j) => j.capacity === 'spot');
    const instance = p.env.mlops.burst.instanceType;
    p.line('mlops/burst', 'mlops', `SageMaker training ${instance}${spot ? ' (managed Spot)' : ''}`, [
      p.term(`sagemaker.training.${instance}`, p.burstNodeHours(), spot ? p.spotFactor() : undefined),
    ]);
  }
  if (operatorsFor(p.env).includes('istio-ingressgateway'))
    p.line('platform/load-balancer', 'platform', 'internal Network Load Balancer (ingress gateway)', [
      p.term('nlb.hour', HOURS_PER_MONTH),
      p.term('nlb.lcu', HOURS_PER_MONTH),
    ]);
}

/**
 * The catalog key of a model's token price: the inference profile's own (`bedrock.eu.<model>.input`) where the
 * catalog lists one (a geographic profile may cost more than the model's list price), else the model's.
 */
function bedrockPrice(p: Pricing, id: string, direction: 'input' | 'output'): string {
  const { profile } = parseBedrockModel(id);
  const own = profile && `bedrock.${profile}.${bedrockName(id)}.${direction}`;
  return own && p.has(own) ? own : `bedrock.${bedrockName(id)}.${direction}`;
}

/** A Bedrock model id as the catalog names it: no inference-profile prefix (`eu.`), no `:0` revision. */
export function bedrockName(id: string): string {
  return parseBedrockModel(id).modelId.replace(/:\d+$/, '');
}

/** The object store each bucket or storage account of a stack holds, by Terraform name (AWS) or stack (Azure). */
const STORES: Readonly<Record<string, readonly Stores[]>> = {
  documents: ['documents'],
  milvus: ['vectors'],
  artifacts: ['artifacts'],
  lakehouse: ['lakehouse'],
  // Azure: Milvus's container is in the RAG platform's account, beside the documents.
  rag: ['documents', 'vectors'],
  mlops: ['artifacts'],
};
const stored = (u: Usage, stores: readonly Stores[], of: 'storageGb' | 'requestsMillions') => stores.reduce((n, s) => n + u[of][s], 0);

function perStack(p: Pricing, type: string, each: (stack: string, count: number) => void): void {
  const counts = new Map<string, number>();
  for (const r of p.resources(type)) counts.set(r.stack, (counts.get(r.stack) ?? 0) + 1);
  for (const [stack, n] of counts) each(stack, n);
}

// ---- Azure

function priceAzure(p: Pricing): void {
  const u = p.env.usage;
  for (const r of p.resources('azurerm_kubernetes_cluster'))
    p.line('platform/control-plane', r.stack, `AKS control plane (${String(r.body.sku_tier ?? 'Free')} tier)`, [
      p.term(`aks.${String(r.body.sku_tier ?? 'Free').toLowerCase()}`, HOURS_PER_MONTH),
    ]);
  priceNodePools(p);
  priceClusterVolumes(p);

  priceEgress(p);
  const endpoints = p.resources('azurerm_private_endpoint').length;
  if (endpoints > 0)
    // Private Link bills the data both ways: each GB in and each GB out.
    p.line('platform/private-endpoints', 'platform', `private endpoints (${endpoints})`, [
      p.term('private-endpoint.hour', endpoints * HOURS_PER_MONTH),
      p.term('private-endpoint.data', u.privateLinkGb * 2),
    ]);
  const zones = p.resources('azurerm_private_dns_zone').length;
  if (zones > 0) p.line('platform/private-dns', 'platform', `private DNS zones (${zones})`, [p.term('private-dns.zone', zones)]);
  const workspaces = p.resources('azurerm_log_analytics_workspace');
  if (workspaces.length > 0)
    p.line('platform/logs', 'platform', `Log Analytics (${workspaces.length} workspace${workspaces.length === 1 ? '' : 's'})`, [
      p.term('log-analytics.ingest', u.logsGb),
    ]);
  for (const r of p.resources('azurerm_monitor_workspace'))
    p.line('platform/metrics', r.stack, 'Azure Monitor managed Prometheus', [
      p.term('monitor.prometheus.ingest', (u.metricSamplesPerSecond * SECONDS_PER_MONTH) / 1e7),
    ]);
  for (const r of p.resources('azurerm_container_registry'))
    p.line('platform/registry', r.stack, `Container Registry (${String(r.body.sku)})`, [
      p.term(`acr.${String(r.body.sku).toLowerCase()}`, HOURS_PER_MONTH / 24),
    ]);

  for (const r of p.resources('azurerm_storage_account')) {
    const replication = String(r.body.account_replication_type ?? 'LRS').toLowerCase();
    if (r.stack === 'edw') {
      // Each message is put, got and deleted on the queue, and written once to the table.
      p.line('edw/queue', 'edw', 'Queue Storage', [p.term('queue.operations', (u.queueMessagesMillions * 3 * 1e6) / 1e4)]);
      p.line('edw/table', 'edw', 'Table Storage', [
        p.term('table.operations', (u.queueMessagesMillions * 1e6) / 1e4),
        p.term('table.storage', u.storageGb.table),
      ]);
      continue;
    }
    const stores = STORES[r.stack];
    if (!stores) continue;
    const requests = (stored(u, stores, 'requestsMillions') * 1e6) / 1e4;
    p.line(
      `${r.stack}/object-store`,
      r.stack,
      `storage account ${String(r.body.name)} (${replication.toUpperCase()}${r.body.is_hns_enabled ? ', Data Lake' : ''})`,
      [
        p.term(`${r.body.is_hns_enabled ? 'adls' : 'blob'}.hot.${replication}`, stored(u, stores, 'storageGb')),
        p.term('blob.write', requests * WRITE_SHARE),
        p.term('blob.read', requests * (1 - WRITE_SHARE)),
      ],
    );
  }
  for (const r of p.resources('azurerm_postgresql_flexible_server')) {
    const ha = r.body.high_availability !== undefined;
    const standby = ha ? { value: 2, why: 'zone-redundant HA: a standby of the same size' } : undefined;
    p.line(`${r.stack}/database`, r.stack, `PostgreSQL flexible server ${String(r.body.sku_name)}${ha ? ' HA' : ''}`, [
      p.term(`postgres.${String(r.body.sku_name)}`, HOURS_PER_MONTH, standby),
      p.term('postgres.storage', Number(r.body.storage_mb ?? 0) / 1024, standby),
    ]);
  }
  if (p.env.cloud === 'azure' && p.env.rag) {
    const { chat, embedding } = p.env.rag.openai;
    p.line('rag/llm', 'rag', `Azure OpenAI ${chat.model} and ${embedding.model}`, [
      p.term(`openai.${chat.model}.input`, u.tokensMillions.chatInput),
      p.term(`openai.${chat.model}.output`, u.tokensMillions.chatOutput),
      p.term(`openai.${embedding.model}.input`, u.tokensMillions.embedding),
    ]);
  }
  for (const r of p.resources('azurerm_data_factory'))
    p.line(`${r.stack}/etl`, r.stack, 'Data Factory data movement', [p.term('data-factory.data-movement', u.etlHours)]);
  for (const r of p.resources('azurerm_purview_account'))
    p.line(`${r.stack}/catalog`, r.stack, 'Microsoft Purview data map (1 capacity unit)', [p.term('purview.data-map', HOURS_PER_MONTH)]);
  if (p.env.mlops?.burst.enabled) {
    const { vmSize, lowPriority } = p.env.mlops.burst;
    const own = `vm-low-priority.${vmSize}`;
    p.line('mlops/burst', 'mlops', `Azure ML compute ${vmSize}${lowPriority ? ' (low priority)' : ''}`, [
      lowPriority && p.has(own) ? p.term(own, p.burstNodeHours()) : p.term(`vm.${vmSize}`, p.burstNodeHours(), lowPriority ? p.spotFactor() : undefined),
    ]);
  }
  // The internal Standard Load Balancer AKS creates for the gateway's Service: a rule per port of the gateway chart's
  // Service (status-port, http2, https), within the five its hourly price covers.
  if (operatorsFor(p.env).includes('istio-ingressgateway'))
    p.line('platform/load-balancer', 'platform', 'internal Standard Load Balancer (ingress gateway, 3 rules)', [
      p.term('load-balancer.standard.first-5-rules', HOURS_PER_MONTH),
    ]);
}

const PRICERS: Readonly<Record<Cloud, (p: Pricing) => void>> = { aws: priceAws, azure: priceAzure };

/** The estimate of `env`, whose Terraform documents are `stacks` (stack name → document). */
export function estimateEnvironment(
  env: Environment,
  stacks: ReadonlyMap<string, TerraformDocument>,
  catalog: PriceCatalog = priceCatalog(env.cloud),
): Estimate {
  const p = new Pricing(env, stacks, catalog);
  PRICERS[env.cloud](p);
  const lines = [...p.lines];
  const total = lines.reduce((sum, l) => add(sum, l.monthly), flat(0));
  const used = [...p.used].sort();
  return {
    environment: env.name,
    cloud: env.cloud,
    region: env.region,
    currency: catalog.currency,
    taken: catalog.taken,
    lines,
    total: { min: cents(total.min), typical: cents(total.typical), max: cents(total.max) },
    missingPrices: [...p.missing].sort(),
    sources: [...new Set(used.map((k) => p.priceOf(k)!.source))].sort(),
    unverified: used.filter((k) => p.priceOf(k)!.seen === null),
  };
}
