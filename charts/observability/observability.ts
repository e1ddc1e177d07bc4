/**
 * The observability app (dist/<env>/kubernetes/observability/): what Prometheus scrapes beyond the charts' own
 * monitors (a PodMonitor per target of src/model/scrapes.ts), the platform's alert rules (./alert-rules.ts) as
 * one PrometheusRule, its Grafana dashboards (./dashboards.ts) as ConfigMaps, OpenCost where the model runs it
 * (./opencost.ts) and the namespace's NetworkPolicies (./network.ts), all in the monitoring namespace. It holds the Prometheus Operator's custom resources, so it
 * is delivered after kube-prometheus-stack (charts/gitops/delivery.ts), whose release creates the namespace.
 */
import type { App } from 'cdk8s';
import type { EnvironmentContext } from '../../src/model/context';
import { KubeConfigMap } from 'cdk8s-plus-28/lib/imports/k8s';
import { GRAFANA_DASHBOARD_LABEL, MONITORING_NAMESPACE } from '../../src/model/observability';
import { scrapeTargets, type ScrapeTarget } from '../../src/model/scrapes';
import { AppChart } from '../lib/app-chart';
import { alertRuleGroups } from './alert-rules';
import { dashboards, serializeDashboard } from './dashboards';
import { monitoringNetworkPolicies } from './network';
import { openCost } from './opencost';
import { PodMonitor, PrometheusRule, type PodMetricsEndpoint } from './monitoring-types';

export const OBSERVABILITY_APP = 'observability';

/** The PrometheusRule holding the platform's alerts. */
export const PLATFORM_ALERTS = 'platform-alerts';

/**
 * Which target of the pod the endpoint scrapes: the named or numbered container port; for a container that declares
 * no port, its one portless target (prometheus-operator v0.93.0 adds no port filter when neither is set), dialled on
 * the port it listens on. The user relabelings run after the operator's own (pkg/prometheus/promcfg.go).
 */
function endpointPort(t: ScrapeTarget): Pick<PodMetricsEndpoint, 'port' | 'portNumber' | 'relabelings'> {
  if (t.container)
    return {
      relabelings: [
        { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: t.container },
        { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '(.+)', targetLabel: '__address__', replacement: `$1:${t.port.port}` },
      ],
    };
  return t.port.name ? { port: t.port.name } : { portNumber: t.port.port };
}

export class ObservabilityChart extends AppChart {
  constructor(app: App, ctx: EnvironmentContext) {
    super(app, OBSERVABILITY_APP, ctx, MONITORING_NAMESPACE);
    monitoringNetworkPolicies(this);
    if (ctx.env.observability.opencost) openCost(this);
    for (const t of scrapeTargets(ctx.env)) {
      new PodMonitor(this, `podmonitor-${t.name}`, {
        metadata: { name: t.name },
        spec: {
          namespaceSelector: { matchNames: [t.pods.namespace] },
          selector: { matchLabels: { ...t.pods.labels } },
          podMetricsEndpoints: [{ ...endpointPort(t), path: t.path ?? '/metrics', ...(t.honorLabels ? { honorLabels: true } : {}) }],
          ...(t.podTargetLabels ? { podTargetLabels: [...t.podTargetLabels] } : {}),
        },
      });
    }
    // One ConfigMap per dashboard, which Grafana's sidecar loads (charts/gitops/operator-values.ts grafanaValues).
    for (const d of dashboards(ctx.env)) {
      new KubeConfigMap(this, `configmap-${d.uid}`, {
        metadata: { name: `dashboard-${d.uid.replace(/^platform-synth-/, '')}`, labels: { ...GRAFANA_DASHBOARD_LABEL } },
        data: { [d.fileName]: serializeDashboard(d) },
      });
    }
    const groups = alertRuleGroups(ctx.env);
    if (groups.length > 0)
      new PrometheusRule(this, 'prometheusrule-platform-alerts', {
        metadata: { name: PLATFORM_ALERTS },
        spec: {
          groups: groups.map((g) => ({
            name: g.name,
            rules: g.rules.map((r) => ({ alert: r.alert, expr: r.expr, for: r.for, labels: { ...r.labels }, annotations: { ...r.annotations } })),
          })),
        },
      });
  }
}
