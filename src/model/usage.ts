/**
 * Usage: what the model cannot know but a cost estimate needs (GB stored, requests, tokens, GPU hours), one
 * figure per month unless its name says otherwise. Only `npm run cost` and the environment page read it;
 * nothing deployed depends on it. Plain data.
 */
import type { Stage } from './types';

export interface UsageSpec {
  /** Average nodes running in each CPU Spot pool over the month (capped at the pool's max). Default: 1 in dev, 3 in prod. */
  spotNodes?: number;
  /** Node-hours a week in each GPU pool. Default: 10 in dev, 60 in prod. */
  gpuHoursPerWeek?: number;
  /** What Spot capacity costs, as a percentage of the on-demand price, where the catalog has no Spot price. Default: 35. */
  spotPricePercent?: number;
  /**
   * GB kept in each store (`vectors`: Milvus's segments and indexes in the object store). Defaults: dev documents 50,
   * vectors 10, artifacts 20, lakehouse 100, table 1; prod 500, 100, 200, 2000, 10.
   */
  storageGb?: { documents?: number; vectors?: number; artifacts?: number; lakehouse?: number; table?: number };
  /** Millions of requests to each object store; a fifth of them are writes. Defaults: dev 1 each; prod 10, 5, 5, 20. */
  requestsMillions?: { documents?: number; vectors?: number; artifacts?: number; lakehouse?: number };
  /** Millions of messages through the event-driven workload's queue (each sent, received and deleted). Default: 0.1 in dev, 3 in prod. */
  queueMessagesMillions?: number;
  /** Millions of tokens: chat prompt, chat completion, embeddings. Defaults: dev 5, 1, 10; prod 100, 20, 200. */
  tokensMillions?: { chatInput?: number; chatOutput?: number; embedding?: number };
  /** GB through the NAT gateways. Default: 50 in dev, 500 in prod. */
  natGb?: number;
  /** GB through private endpoints (PrivateLink). Default: 50 in dev, 500 in prod. */
  privateLinkGb?: number;
  /** GB of logs ingested (flow logs, control plane, workspaces). Default: 10 in dev, 100 in prod. */
  logsGb?: number;
  /** Samples a second Prometheus writes to the managed store, where it is on. Default: 2,000. */
  metricSamplesPerSecond?: number;
  /** Hours of managed ETL: Glue crawler DPU-hours (AWS) or Data Factory data-movement DIU-hours (Azure). Default: 5 in dev, 30 in prod. */
  etlHours?: number;
  /** Node-hours of burst training (SageMaker / Azure ML), where burst is on. Default: 20. */
  burstNodeHours?: number;
  /** GB of images per container repository (ECR; ACR's tiers include storage). Default: 2. */
  imageGbPerRepository?: number;
}

/** The object stores `usage` sizes (storageGb, requestsMillions). */
export type Stores = 'documents' | 'vectors' | 'artifacts' | 'lakehouse';

export interface Usage {
  readonly spotNodes: number;
  readonly gpuHoursPerWeek: number;
  readonly spotPricePercent: number;
  readonly storageGb: Readonly<Record<Stores | 'table', number>>;
  readonly requestsMillions: Readonly<Record<Stores, number>>;
  readonly queueMessagesMillions: number;
  readonly tokensMillions: Readonly<{ chatInput: number; chatOutput: number; embedding: number }>;
  readonly natGb: number;
  readonly privateLinkGb: number;
  readonly logsGb: number;
  readonly metricSamplesPerSecond: number;
  readonly etlHours: number;
  readonly burstNodeHours: number;
  readonly imageGbPerRepository: number;
}

/** A small team's dev and a production platform with steady traffic: round figures to be replaced by your own. */
export const USAGE_DEFAULTS: { readonly [S in Stage]: Usage } = {
  dev: {
    spotNodes: 1,
    gpuHoursPerWeek: 10,
    spotPricePercent: 35,
    storageGb: { documents: 50, vectors: 10, artifacts: 20, lakehouse: 100, table: 1 },
    requestsMillions: { documents: 1, vectors: 1, artifacts: 1, lakehouse: 1 },
    queueMessagesMillions: 0.1,
    tokensMillions: { chatInput: 5, chatOutput: 1, embedding: 10 },
    natGb: 50,
    privateLinkGb: 50,
    logsGb: 10,
    metricSamplesPerSecond: 2000,
    etlHours: 5,
    burstNodeHours: 20,
    imageGbPerRepository: 2,
  },
  prod: {
    spotNodes: 3,
    gpuHoursPerWeek: 60,
    spotPricePercent: 35,
    storageGb: { documents: 500, vectors: 100, artifacts: 200, lakehouse: 2000, table: 10 },
    requestsMillions: { documents: 10, vectors: 5, artifacts: 5, lakehouse: 20 },
    queueMessagesMillions: 3,
    tokensMillions: { chatInput: 100, chatOutput: 20, embedding: 200 },
    natGb: 500,
    privateLinkGb: 500,
    logsGb: 100,
    metricSamplesPerSecond: 2000,
    etlHours: 30,
    burstNodeHours: 20,
    imageGbPerRepository: 2,
  },
};

/** The usage of an environment of `stage`: the stage's defaults with the spec's figures over them. */
export function resolveUsage(stage: Stage, spec: UsageSpec | undefined): Usage {
  const d = USAGE_DEFAULTS[stage];
  const s = spec ?? {};
  return {
    spotNodes: s.spotNodes ?? d.spotNodes,
    gpuHoursPerWeek: s.gpuHoursPerWeek ?? d.gpuHoursPerWeek,
    spotPricePercent: s.spotPricePercent ?? d.spotPricePercent,
    storageGb: { ...d.storageGb, ...defined(s.storageGb) },
    requestsMillions: { ...d.requestsMillions, ...defined(s.requestsMillions) },
    queueMessagesMillions: s.queueMessagesMillions ?? d.queueMessagesMillions,
    tokensMillions: { ...d.tokensMillions, ...defined(s.tokensMillions) },
    natGb: s.natGb ?? d.natGb,
    privateLinkGb: s.privateLinkGb ?? d.privateLinkGb,
    logsGb: s.logsGb ?? d.logsGb,
    metricSamplesPerSecond: s.metricSamplesPerSecond ?? d.metricSamplesPerSecond,
    etlHours: s.etlHours ?? d.etlHours,
    burstNodeHours: s.burstNodeHours ?? d.burstNodeHours,
    imageGbPerRepository: s.imageGbPerRepository ?? d.imageGbPerRepository,
  };
}

/** The keys of `value` that are set (an overlay's null or a spread's undefined must not erase a default). */
function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** Every usage figure by its path under `usage`, for validation: each must be 0 or more (a percentage 1–100). */
export function usageFigures(spec: UsageSpec): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (value && typeof value === 'object') for (const [sub, v] of Object.entries(value)) out.push([`${key}.${sub}`, v]);
    else out.push([key, value]);
  }
  return out;
}
