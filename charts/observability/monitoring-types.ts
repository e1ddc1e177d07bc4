/**
 * Hand-written types for the Prometheus Operator resources this app emits (monitoring.coreos.com/v1, the CRDs of
 * kube-prometheus-stack 88.5.3), covering only the fields set here. Every emitted object is validated against the
 * full CRD schemas (src/validate/schemas/kubernetes.json) by `npm run validate` and test/charts/observability.test.ts.
 */
import { typedResource } from '../lib/typed-resource';

export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';

export interface PodMetricsEndpoint {
  /** The container port's name; or `portNumber` where the pod does not name it. */
  readonly port?: string;
  readonly portNumber?: number;
  readonly path: string;
  readonly relabelings?: readonly RelabelConfig[];
  readonly honorLabels?: boolean;
}

/** Prometheus relabel_config, in the CRD's camelCase. */
export interface RelabelConfig {
  readonly action?: 'keep' | 'replace';
  readonly sourceLabels?: readonly string[];
  readonly regex?: string;
  readonly targetLabel?: string;
  readonly replacement?: string;
}

export interface PodMonitorSpec {
  readonly namespaceSelector: { readonly matchNames: readonly string[] };
  readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
  readonly podMetricsEndpoints: readonly PodMetricsEndpoint[];
  readonly podTargetLabels?: readonly string[];
}

export interface PrometheusRuleSpec {
  readonly groups: readonly {
    readonly name: string;
    readonly rules: readonly {
      readonly alert: string;
      readonly expr: string;
      readonly for: string;
      readonly labels: Readonly<Record<string, string>>;
      readonly annotations: Readonly<Record<string, string>>;
    }[];
  }[];
}

export const PodMonitor = typedResource<PodMonitorSpec>(MONITORING_API_VERSION, 'PodMonitor');

export const PrometheusRule = typedResource<PrometheusRuleSpec>(MONITORING_API_VERSION, 'PrometheusRule');
