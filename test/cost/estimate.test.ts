/** The cost estimate: its arithmetic on a hand-computed environment, usage overlays, missing prices and the committed catalog. */
import * as fs from 'fs';
import * as path from 'path';
import { PRICES_DIR, priceCatalog, type PriceCatalog } from '../../src/cost/catalog';
import { bedrockName, estimateEnvironment, premiumSsdTier, type Estimate, type TerraformDocument } from '../../src/cost/estimate';
import { formatEstimate, formatTerm } from '../../src/cost/format';
import { findProblems, loadPlatform } from '../../src/model/load';
import type { Environment, PlatformSpec } from '../../src/model/types';
import type { UsageSpec } from '../../src/model/usage';
import { clusterVolumes } from '../../src/model/volumes';
import { defaultPlatform } from '../../src/platform';
import { synthesizeEnvironment } from '../../src/synth/synthesize';
import { terraformDocuments } from '../../src/cost/cli';

const price = (p: number, per = 'hour') => ({ price: p, per, source: 'https://example.test/prices', seen: `${p}` });

/** Round prices, so each line below can be worked out by hand. */
const CATALOG: PriceCatalog = {
  cloud: 'aws',
  currency: 'USD',
  taken: '2026-12-01',
  regions: {
    'eu-west-1': {
      'eks.cluster.standard': price(0.1, 'cluster-hour'),
      'ec2.m6i.xlarge': price(0.2),
      'ec2.m6a.xlarge': price(0.18),
      'ec2.g5.xlarge': price(1.0),
      'ec2.g6.xlarge': price(0.8),
      'ebs.gp3': price(0.08, 'gb-month'),
      'nat-gateway.hour': price(0.05),
      'nat-gateway.data': price(0.05, 'gb'),
      'vpc-endpoint.interface': price(0.01, 'az-hour'),
      'vpc-endpoint.data': price(0.01, 'gb'),
      'rds.postgres.db.t4g.medium': price(0.1),
      'rds.gp3': price(0.2, 'gb-month'),
    },
  },
};

/** The few Terraform resources priced below (the real documents have many more). */
const DOCUMENTS = new Map<string, TerraformDocument>([
  [
    'platform',
    {
      resource: {
        aws_eks_cluster: { cluster: {} },
        aws_nat_gateway: { nat_gateway_0: {} },
        aws_vpc_endpoint: {
          sts_endpoint: { vpc_endpoint_type: 'Interface', subnet_ids: ['a', 'b'] },
          s3_gateway_endpoint: { vpc_endpoint_type: 'Gateway' },
        },
      },
    },
  ],
  ['mlops', { resource: { aws_db_instance: { mlflow_db: { instance_class: 'db.t4g.medium', allocated_storage: 20, multi_az: true } } } }],
]);

function awsDev(usage?: UsageSpec): Environment {
  const spec = structuredClone(defaultPlatform) as PlatformSpec;
  if (usage) spec.environments[0].usage = usage;
  return loadPlatform(spec).environments[0];
}

const monthly = (e: Estimate, id: string) => e.lines.find((l) => l.id === id)?.monthly;

describe('the estimate of a hand-computed environment (aws-dev: dev usage, round prices)', () => {
  const e = estimateEnvironment(awsDev(), DOCUMENTS, CATALOG);

  it('prices the control plane for the month', () => {
    expect(monthly(e, 'platform/control-plane')).toEqual({ min: 73, typical: 73, max: 73 }); // 730 h × $0.10
  });

  it('prices the system pool at min, typical (= min) and max nodes, with each node’s 50 GiB root volume', () => {
    // 2 / 2 / 4 nodes × 730 h × $0.20 + the same nodes × 50 GiB × $0.08
    expect(monthly(e, 'platform/pool/system')).toEqual({ min: 300, typical: 300, max: 600 });
  });

  it('prices a Karpenter Spot GPU pool at its cheapest size typically, and at most at its dearest', () => {
    // g6.xlarge ($0.80) is cheaper than g5.xlarge; Spot at 35 %: $0.28 / h. Typical: 10 h a week = 43.33 h a month.
    // 43.33 × 0.28 = 12.13, plus 43.33 / 730 nodes × 500 GiB × $0.08 = 2.37. Max: the NodePool's limits (8 vCPUs,
    // 2 GPUs) allow 2 g5.xlarge ($1.00 × 35 %) all month = 511, plus 2 × 500 GiB × $0.08 = 80.
    expect(monthly(e, 'platform/pool/gpu')).toEqual({ min: 0, typical: 14.51, max: 591 });
    const [typical, max] = e.lines.find((l) => l.id === 'platform/pool/gpu')!.terms;
    expect([typical.price, typical.quantity.max, typical.factor?.value]).toEqual(['ec2.g6.xlarge', 0, 0.35]);
    expect([max.price, max.quantity]).toEqual(['ec2.g5.xlarge', { min: 0, typical: 0, max: 1460 }]);
  });

  it('prices a Spot CPU pool at its cheapest priced size and the usage node count, at most its dearest', () => {
    // m6a.xlarge $0.18 × 35 % = $0.063 / h; typical 1 node: 730 × 0.063 = 45.99 + 100 GiB × $0.08 = 8.
    // Max: 10 m6i.xlarge ($0.20 × 35 %) all month = 511, plus 10 × 100 GiB × $0.08 = 80.
    expect(monthly(e, 'platform/pool/spot')).toEqual({ min: 0, typical: 53.99, max: 591 });
    expect(e.lines.find((l) => l.id === 'platform/pool/spot')!.component).toBe('Spot pool spot (m6a.xlarge, Spot; at most 10 × m6i.xlarge)');
  });

  it('a Karpenter pool of unequal sizes is priced at most at its max nodes of the dearest size', () => {
    // aws-prod's spot pool: max 30, sizes of 4 vCPUs and c6i.2xlarge of 8. The cpu limit (240) would allow 60 of the
    // 4-vCPU sizes; the node limit keeps 30, so the dearest is 30 c6i.2xlarge, not 60 m6i.xlarge.
    const prod = loadPlatform(defaultPlatform).environments.find((env) => env.name === 'aws-prod')!;
    const catalog: PriceCatalog = {
      ...CATALOG,
      regions: { 'eu-west-1': { 'ec2.m6i.xlarge': price(0.2), 'ec2.c6i.2xlarge': price(0.3), 'ebs.gp3': price(0.08, 'gb-month') } },
    };
    const spot = estimateEnvironment(prod, DOCUMENTS, catalog).lines.find((l) => l.id === 'platform/pool/spot')!;
    // 30 × 730 × $0.30 × 35 % = 2,299.50 (60 m6i.xlarge would be 3,066), plus 30 × 100 GiB × $0.08 = 240.
    expect(spot.monthly.max).toBe(2539.5);
    expect(spot.component).toBe('Spot pool spot (m6i.xlarge, Spot; at most 30 × c6i.2xlarge)');
  });

  it('prices NAT gateways, interface endpoints per AZ (gateway endpoints are free) and a Multi-AZ database twice', () => {
    expect(monthly(e, 'platform/nat')?.typical).toBe(39); // 730 × 0.05 + 50 GB × 0.05
    expect(monthly(e, 'platform/private-endpoints')?.typical).toBe(15.1); // 2 AZ × 730 × 0.01 + 50 GB × 0.01
    expect(monthly(e, 'mlops/database')?.typical).toBe(154); // (730 × 0.10 + 20 GB × 0.20) × 2
  });

  it('prices the in-cluster volumes no Terraform resource holds: Prometheus, Milvus, training checkpoints', () => {
    // gp3 at $0.08 per GB-month: Prometheus 50 GiB = 4; standalone Milvus: etcd (1 replica) and rocksmq, 20 GiB each = 1.60.
    expect(monthly(e, 'platform/volume/prometheus')).toEqual({ min: 4, typical: 4, max: 4 });
    expect(monthly(e, 'rag/volume/etcd')).toEqual({ min: 1.6, typical: 1.6, max: 1.6 });
    expect(monthly(e, 'rag/volume/rocksmq')).toEqual({ min: 1.6, typical: 1.6, max: 1.6 });
    // The one training job's 50 GiB checkpoint volume lives with its pod: 10 GPU hours a week = 43.33 h of 730 a month.
    expect(monthly(e, 'mlops/volume/checkpoints-finetune')).toEqual({ min: 0, typical: 0.24, max: 4 });
    expect(e.lines.find((l) => l.id === 'rag/volume/etcd')!.component).toBe('Milvus etcd data (1 × 20Gi gp3)');
  });

  it('adds the lines up to the total and names the prices the catalog lacks', () => {
    // The volumes above add 7.20 / 7.44 / 11.20 to the pools, network and database.
    expect(e.total).toEqual({ min: 588.3, typical: 657.04, max: 2074.3 });
    // aws-dev runs the RAG platform (Bedrock) and serves models (the gateway's load balancer): not in this catalog.
    expect(e.missingPrices).toEqual(
      expect.arrayContaining(['bedrock.anthropic.claude-sonnet-4-6.input', 'bedrock.amazon.titan-embed-text-v2.input', 'nlb.hour']),
    );
  });

  it('shows each term’s arithmetic', () => {
    const gpu = e.lines.find((l) => l.id === 'platform/pool/gpu')!;
    expect(formatTerm(gpu.terms[0])).toBe('0 / 43.333 / 0 hour × $0.8 × 0.35 (Spot at 35% of on-demand (usage.spotPricePercent)) [ec2.g6.xlarge]');
    expect(formatTerm(gpu.terms[1])).toBe('0 / 0 / 1,460 hour × $1 × 0.35 (Spot at 35% of on-demand (usage.spotPricePercent)) [ec2.g5.xlarge]');
    expect(formatEstimate(e).join('\n')).toContain('prices from: https://example.test/prices');
  });
});

describe('in-cluster volumes by cloud and mode', () => {
  it.each([
    [4, 'P1'],
    [20, 'P4'],
    [32, 'P4'],
    [33, 'P6'],
    [50, 'P6'],
    [200, 'P15'],
    [1024, 'P30'],
    // P50 is 4,095 GiB, not 4 TiB (learn.microsoft.com, Premium SSD sizes): 4,096 bills as a P60.
    [4095, 'P50'],
    [4096, 'P60'],
    [32_767, 'P80'],
  ])('a %i GiB Premium SSD is billed as %s', (gib, tier) => expect(premiumSsdTier(gib)).toBe(tier));

  it('prod Milvus (cluster mode) claims etcd’s three volumes and Pulsar’s ZooKeeper and BookKeeper ones, each of storageSize', () => {
    const prod = loadPlatform(defaultPlatform).environments.find((env) => env.name === 'aws-prod')!;
    const rag = clusterVolumes(prod).filter((v) => v.stack === 'rag');
    expect(rag.map((v) => [v.name, v.count, v.size])).toEqual([
      ['etcd', 3, '50Gi'],
      ['pulsar-zookeeper', 3, '50Gi'],
      ['pulsar-bookkeeper-journal', 3, '50Gi'],
      ['pulsar-bookkeeper-ledgers', 3, '50Gi'],
    ]);
    // 12 × 50 GiB × $0.08
    const e = estimateEnvironment(prod, DOCUMENTS, CATALOG);
    expect(e.lines.filter((l) => l.stack === 'rag' && l.id.includes('/volume/')).reduce((sum, l) => sum + l.monthly.typical, 0)).toBeCloseTo(48, 2);
  });

  it('Azure bills each volume as its Premium SSD size, whole disk-months', () => {
    const env = loadPlatform(defaultPlatform).environments.find((x) => x.name === 'azure-prod')!;
    const catalog: PriceCatalog = {
      cloud: 'azure',
      currency: 'USD',
      taken: '2026-12-01',
      regions: { [env.region]: { 'managed-disk.premium-p6': price(10, 'disk-month'), 'managed-disk.premium-p15': price(40, 'disk-month') } },
    };
    const e = estimateEnvironment(env, new Map(), catalog);
    const etcd = e.lines.find((l) => l.id === 'rag/volume/etcd')!;
    expect(etcd.component).toBe('Milvus etcd data (3 × 50Gi managed-csi-premium, P6)');
    expect(etcd.monthly.typical).toBe(30); // 3 disks × $10
    // azure-prod's Prometheus keeps 200 GiB: a P15.
    expect(monthly(e, 'platform/volume/prometheus')?.typical).toBe(40);
  });
});

describe('tiers, inference profiles and load-balancer rules', () => {
  const prod = (name: string, usage?: UsageSpec) => {
    const spec = structuredClone(defaultPlatform) as PlatformSpec;
    const at = spec.environments.findIndex((env) => env.name === name);
    if (usage) spec.environments[at].usage = usage;
    return loadPlatform(spec).environments[at];
  };
  const amp: PriceCatalog = {
    ...CATALOG,
    regions: { 'eu-west-1': { 'amp.ingest': price(0.9, '10m-samples'), 'amp.ingest.next-250b': price(0.35, '10m-samples') } },
  };
  const workspace = new Map<string, TerraformDocument>([['platform', { resource: { aws_prometheus_workspace: { metrics: {} } } }]]);

  it('Managed Prometheus bills the first 2 billion samples a month at its first tier, the rest at the next', () => {
    // 1,000 samples a second = 2.628 billion a month: 200 × 10M at $0.90 and 62.8 × 10M at $0.35.
    const above = estimateEnvironment(prod('aws-prod', { metricSamplesPerSecond: 1000 }), workspace, amp).lines.find((l) => l.id === 'platform/metrics')!;
    expect(above.terms.map((t) => t.price)).toEqual(['amp.ingest', 'amp.ingest.next-250b']);
    expect(above.terms[0].quantity.typical).toBe(200);
    expect(above.terms[1].quantity.typical).toBeCloseTo(62.8, 6);
    expect(above.monthly.typical).toBe(201.98);
    // 500 a second = 1.314 billion: all in the first tier.
    const below = estimateEnvironment(prod('aws-prod', { metricSamplesPerSecond: 500 }), workspace, amp).lines.find((l) => l.id === 'platform/metrics')!;
    expect(below.terms.map((t) => t.price)).toEqual(['amp.ingest']);
  });

  it('a chat model called through a geographic profile takes the profile’s price where the catalog has one', () => {
    const env = prod('aws-prod');
    expect(env.cloud === 'aws' && env.rag?.bedrock.chatModelId.startsWith('eu.')).toBe(true);
    const catalog = (own: boolean): PriceCatalog => ({
      ...CATALOG,
      regions: {
        'eu-west-1': {
          'bedrock.anthropic.claude-sonnet-4-6.input': price(3, 'million-tokens'),
          ...(own ? { 'bedrock.eu.anthropic.claude-sonnet-4-6.input': price(3.3, 'million-tokens') } : {}),
        },
      },
    });
    const key = (own: boolean) => estimateEnvironment(env, new Map(), catalog(own)).lines.find((l) => l.id === 'rag/llm')!.terms[0].price;
    expect(key(true)).toBe('bedrock.eu.anthropic.claude-sonnet-4-6.input');
    expect(key(false)).toBe('bedrock.anthropic.claude-sonnet-4-6.input');
  });

  it('the gateway’s Azure load balancer pays one hourly price for its first five rules, not one per rule', () => {
    const env = prod('azure-prod');
    const catalog: PriceCatalog = {
      cloud: 'azure',
      currency: 'USD',
      taken: '2026-12-01',
      regions: { [env.region]: { 'load-balancer.standard.first-5-rules': price(0.025) } },
    };
    const lb = estimateEnvironment(env, new Map(), catalog).lines.find((l) => l.id === 'platform/load-balancer')!;
    expect(lb.monthly.typical).toBe(18.25); // 730 h × $0.025
  });

  it('a Premium SSD larger than Azure’s largest size is an error, not the largest price', () => {
    expect(() => premiumSsdTier(40_000)).toThrow(/larger than Azure's largest/);
  });
});

describe('usage overlays (sensitivity scenarios)', () => {
  it('a heavier Spot pool costs what the hand computation says', () => {
    const e = estimateEnvironment(awsDev({ spotNodes: 5 }), DOCUMENTS, CATALOG);
    // 5 × 730 × 0.063 = 229.95 + 5 × 8 = 40
    expect(monthly(e, 'platform/pool/spot')?.typical).toBe(269.95);
    expect(monthly(e, 'platform/pool/system')).toEqual({ min: 300, typical: 300, max: 600 });
  });

  it('typical nodes never leave the pool’s range, and a deeper Spot discount lowers every Spot line', () => {
    const e = estimateEnvironment(awsDev({ gpuHoursPerWeek: 10_000, spotPricePercent: 10 }), DOCUMENTS, CATALOG);
    const gpu = monthly(e, 'platform/pool/gpu')!;
    // Typically all of the pool's 2 nodes, of the cheapest size (g6.xlarge); at most 2 of the dearest (g5.xlarge).
    expect(gpu.typical).toBeCloseTo(2 * 730 * 0.08 + 2 * 500 * 0.08, 2);
    expect(gpu.max).toBeCloseTo(2 * 730 * 0.1 + 2 * 500 * 0.08, 2);
  });

  it('refuses negative figures and a Spot share outside 0–100 with their paths', () => {
    const spec = structuredClone(defaultPlatform) as PlatformSpec;
    spec.environments[1].usage = { natGb: -1, spotPricePercent: 0, tokensMillions: { chatInput: -5 } };
    const problems = findProblems(spec).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'environments[1].usage.natGb: must be 0 or more, got -1',
        'environments[1].usage.spotPricePercent: must be more than 0 and at most 100, got 0',
        'environments[1].usage.tokensMillions.chatInput: must be 0 or more, got -5',
      ]),
    );
    const shape = structuredClone(defaultPlatform) as unknown as { environments: Record<string, unknown>[] };
    shape.environments[0].usage = { gpuHours: 3, natGb: 'lots' };
    const messages = findProblems(shape as unknown as PlatformSpec).map((p) => `${p.path}: ${p.message}`);
    expect(messages.some((m) => m.startsWith('environments[0].usage.gpuHours: unknown key'))).toBe(true);
    expect(messages).toContain('environments[0].usage.natGb: expected a number, got string "lots"');
  });
});

describe('prices the catalog lacks', () => {
  it('an environment in a region without prices gets no lines, and every key it needed is named', () => {
    const spec = structuredClone(defaultPlatform) as PlatformSpec;
    spec.environments[0].region = 'us-east-1';
    const env = loadPlatform(spec).environments[0];
    const e = estimateEnvironment(env, DOCUMENTS, CATALOG);
    expect(e.lines).toEqual([]);
    expect(e.total).toEqual({ min: 0, typical: 0, max: 0 });
    expect(e.missingPrices).toEqual(expect.arrayContaining(['eks.cluster.standard', 'ec2.m6i.xlarge', 'rds.postgres.db.t4g.medium']));
  });
});

describe('Bedrock model ids as the catalog names them', () => {
  it.each([
    ['eu.anthropic.claude-sonnet-4-6', 'anthropic.claude-sonnet-4-6'],
    ['anthropic.claude-sonnet-4-6', 'anthropic.claude-sonnet-4-6'],
    ['amazon.titan-embed-text-v2:0', 'amazon.titan-embed-text-v2'],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1'],
  ])('%s → %s', (id, name) => expect(bedrockName(id)).toBe(name));
});

describe('the committed catalog', () => {
  const platform = loadPlatform(defaultPlatform);
  let rendered: { env: Environment; docs: Map<string, TerraformDocument> }[] = [];
  beforeAll(() => {
    rendered = platform.environments.map((env) => ({
      env,
      docs: terraformDocuments(synthesizeEnvironment(platform, env, { outputsDir: path.join(__dirname, '../../src/outputs') })),
    }));
  });

  it.each(['aws', 'azure'] as const)('%s: every price has a unit, an https source and the catalog a date', (cloud) => {
    const catalog = priceCatalog(cloud);
    expect(catalog.cloud).toBe(cloud);
    expect(catalog.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const prices = Object.values(catalog.regions).flatMap((r) => Object.entries(r));
    expect(prices.length).toBeGreaterThan(20);
    for (const [key, p] of prices) {
      expect([key, typeof p.price === 'number' && p.price >= 0]).toEqual([key, true]);
      expect([key, p.source]).toEqual([key, expect.stringMatching(/^https:\/\//)]);
      expect([key, p.per]).toEqual([key, expect.stringMatching(/^[a-z0-9-]+$/)]);
    }
    // Keys sorted, so an update is a small diff.
    for (const region of Object.values(JSON.parse(fs.readFileSync(path.join(PRICES_DIR, `${cloud}.json`), 'utf8')).regions) as object[])
      expect(Object.keys(region)).toEqual([...Object.keys(region)].sort());
  });

  it('prices every bucket and storage account synth writes (Milvus’s bucket with the documents’ on AWS)', () => {
    for (const { env, docs } of rendered) {
      const e = estimateEnvironment(env, docs);
      const stores = e.lines.filter((l) => l.id.endsWith('/object-store') || l.id.startsWith('edw/'));
      for (const [stack, doc] of docs) {
        const resources = (doc.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
        for (const name of Object.keys(resources.aws_s3_bucket ?? {}))
          expect([env.name, name, stores.some((l) => l.stack === stack && l.component.includes(name))]).toEqual([env.name, name, true]);
        for (const body of Object.values(resources.azurerm_storage_account ?? {}))
          expect([env.name, body.name, stores.some((l) => l.stack === stack)]).toEqual([env.name, body.name, true]);
      }
    }
    const awsProd = rendered.find((r) => r.env.name === 'aws-prod')!;
    const rag = estimateEnvironment(awsProd.env, awsProd.docs).lines.find((l) => l.id === 'rag/object-store')!;
    expect(rag.component).toBe('S3 buckets documents and milvus');
    // prod: documents 500 GB + vectors 100 GB
    expect(rag.terms[0].quantity.typical).toBe(600);
  });

  it('prices every line of every environment of the default model', () => {
    for (const { env, docs } of rendered) {
      const e = estimateEnvironment(env, docs);
      expect([env.name, e.missingPrices]).toEqual([env.name, []]);
      expect(e.total.typical).toBeGreaterThan(0);
      expect(e.total.min).toBeLessThanOrEqual(e.total.typical);
      expect(e.total.typical).toBeLessThanOrEqual(e.total.max);
    }
  });

  it('prices what the Terraform holds: prod’s three NAT gateways and its standby database on AWS, the AKS tier on Azure', () => {
    const byName = new Map(rendered.map(({ env, docs }) => [env.name, estimateEnvironment(env, docs)]));
    const nat = byName.get('aws-prod')!.lines.find((l) => l.id === 'platform/nat')!;
    expect(nat.terms[0].quantity.typical).toBe(3 * 730);
    const db = byName.get('aws-prod')!.lines.find((l) => l.id === 'mlops/database')!;
    expect(db.terms.every((t) => t.factor?.value === 2)).toBe(true);
    expect(byName.get('azure-dev')!.lines.find((l) => l.id === 'platform/control-plane')!.terms[0].price).toBe('aks.free');
    expect(byName.get('azure-prod')!.lines.find((l) => l.id === 'platform/control-plane')!.terms[0].price).toBe('aks.standard');
  });
});
