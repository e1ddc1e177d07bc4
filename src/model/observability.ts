/**
 * Observability: the metrics pipeline every environment runs (kube-prometheus-stack: the Prometheus Operator,
 * Prometheus, Alertmanager, kube-state-metrics, node exporter) and GPU telemetry on the GPU pools (NVIDIA's DCGM
 * exporter). Plain data; the operator releases are in ./operators.ts, their values in charts/gitops/operator-values.ts.
 */
import type { PodSecurity } from './cluster';
import type { Stage } from './types';

export interface ObservabilitySpec {
  /** Metrics collection, GPU telemetry and alerting. Default: true. */
  enabled?: boolean;
  /** Days Prometheus keeps samples on its volume. Default: 7 in dev, 15 in prod. */
  retentionDays?: number;
  /** Size of Prometheus's volume, GiB. Default: 50 in dev, 200 in prod. */
  volumeGi?: number;
}

export interface Observability {
  readonly enabled: boolean;
  readonly retentionDays: number;
  readonly volumeGi: number;
}

const DEFAULTS: { readonly [S in Stage]: Omit<Observability, 'enabled'> } = {
  dev: { retentionDays: 7, volumeGi: 50 },
  prod: { retentionDays: 15, volumeGi: 200 },
};

/** Limits the model accepts: Prometheus's volume must hold the retention (about 1–2 GiB a day for a cluster of this size). */
export const OBSERVABILITY_LIMITS = { retentionDays: { min: 1, max: 90 }, volumeGi: { min: 10, max: 4096 } } as const;

export function resolveObservability(stage: Stage, spec: ObservabilitySpec | undefined): Observability {
  return {
    enabled: spec?.enabled ?? true,
    retentionDays: spec?.retentionDays ?? DEFAULTS[stage].retentionDays,
    volumeGi: spec?.volumeGi ?? DEFAULTS[stage].volumeGi,
  };
}

/** Where Prometheus, Alertmanager, the operator and kube-state-metrics run. */
export const MONITORING_NAMESPACE = 'monitoring';

/**
 * Where the node exporter runs: a node agent on the host's network and process namespaces, reading the host's
 * /proc and /sys, which only the privileged level admits. Its own namespace keeps the monitoring namespace restricted.
 */
export const NODE_EXPORTER_NAMESPACE = 'monitoring-node';

export const NODE_EXPORTER_POD_SECURITY: PodSecurity = {
  level: 'privileged',
  reason:
    'prometheus-node-exporter 4.56.1 (kube-prometheus-stack 88.5.3): a node agent on the host network and PID namespace, reading the host’s /proc and /sys through hostPath',
};
