/** The event-driven workload as a user writes it (EdwSpec) and as stacks and charts read it (EdwSettings). */
import type { WorkloadToggle } from '../../types';

/** Where KEDA runs: the AKS add-on (in kube-system; Azure only) or the Helm chart (in `keda`). */
export type KedaInstall = 'aks-addon' | 'helm';

/** The event-driven workload: producer → queue → KEDA-scaled consumers → table. */
export interface EdwSpec extends WorkloadToggle {
  /**
   * Images pinned by tag or digest. `repository:tag` names a repository of this environment's
   * registry (on AWS it must be one of cluster.repositories); a reference with a registry host
   * (`ghcr.io/acme/consumer:1.2.0`) is used as it is. Required when enabled.
   */
  images?: { consumer: string; producer: string };
  queue?: EdwQueueSpec;
  scaling?: EdwScalingSpec;
  producer?: EdwProducerSpec;
  consumer?: EdwConsumerSpec;
  /** Azure only. Default: `aks-addon` on Azure; AWS always uses `helm`. */
  keda?: KedaInstall;
}

export interface EdwQueueSpec {
  /** FIFO queue (AWS; Azure queues have no FIFO mode). Default: false. */
  fifo?: boolean;
  /** 60–1209600. Default: 345600 (4 days). */
  messageRetentionSeconds?: number;
  /** 0–43200. Default: 60. */
  visibilityTimeoutSeconds?: number;
  /** Deliveries before a message moves to the dead-letter queue, 1–1000. Default: 5. */
  maxReceiveCount?: number;
}

export interface EdwScalingSpec {
  /** Replicas kept when the queue is empty and scale to zero is off. Default: 1. */
  minReplicas?: number;
  /** Default: 20. */
  maxReplicas?: number;
  /** Target queue length per replica. Default: 5. */
  messagesPerReplica?: number;
  /** Messages that wake the consumer from zero. Default: 1. */
  activationMessages?: number;
  /** Default: 15. */
  pollingIntervalSeconds?: number;
  /** Default: 120. */
  cooldownSeconds?: number;
  /** Scale to zero replicas when the queue is empty. Default: true. */
  scaleToZero?: boolean;
}

export interface EdwProducerSpec {
  /** Messages sent per run. Default: 100. */
  messages?: number;
  /** Cron schedule (5 fields) for a CronJob; without it the producer is a one-off Job. */
  schedule?: string;
}

/** The consumer's health endpoint unless the model names another. */
export const DEFAULT_CONSUMER_HEALTH_PATH = '/healthz';

export interface EdwConsumerSpec {
  /** Port of the consumer's health endpoint. Default: 8080. */
  port?: number;
  /** Path of the health endpoint (liveness and readiness). Default: /healthz. */
  healthPath?: string;
  /**
   * Path of the Prometheus metrics the consumer serves on the same port, scraped where observability is on. Without it
   * nothing scrapes the consumer (a scrape of a path it does not serve would only show a target down).
   */
  metricsPath?: string;
  /** Default: 250m / 256Mi requested; limits twice that CPU and the same memory. */
  cpu?: string;
  memory?: string;
}

// Resolved: every default applied, read-only. Stacks and charts only ever see these.

export interface EdwSettings {
  /** Full image references, resolved against the environment's registry. */
  readonly images: { readonly consumer: string; readonly producer: string };
  readonly queue: Readonly<Required<EdwQueueSpec>>;
  readonly scaling: Readonly<Required<EdwScalingSpec>>;
  readonly producer: Readonly<{ messages: number; schedule?: string }>;
  readonly consumer: Readonly<Required<Omit<EdwConsumerSpec, 'metricsPath'>> & Pick<EdwConsumerSpec, 'metricsPath'>>;
  readonly keda: KedaInstall;
}
