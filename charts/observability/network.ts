/**
 * NetworkPolicies of the monitoring namespace: ingress is denied but for the monitoring stack's own flows
 * (src/model/scrapes.ts monitoringFlows), so no other pod of the cluster reaches Prometheus, Alertmanager, Grafana
 * or kube-state-metrics (which serves every object's labels and annotations), nor OpenCost (whose API answers with
 * every workload's cost). `kubectl port-forward` is unaffected:
 * the kubelet dials the pod's port from inside its network namespace.
 *
 * Not admitted: the API server's service proxy (`kubectl proxy`, `.../services/.../proxy`), which dials the pod from
 * control-plane addresses; and the mesh port (9094) between Alertmanager or Grafana replicas, which run one each
 * (a test says so): more replicas need that flow.
 *
 * Egress is denied too, for every pod of the namespace, but for DNS and each pod's declared flows (monitoringFlows,
 * scrapeFlows), whose rules are written from those flows (flowEgress): Prometheus to exactly its scrape targets' pods and
 * ports, the nodes (kubelet, node exporter), the API server and (with the managed store) its remote-write endpoint and
 * credentials; Grafana to its data sources, the API server and grafana.com (plugins); kube-state-metrics and the
 * Prometheus Operator to the API server; OpenCost to Prometheus, the API server and its price list. Alertmanager
 * sends nowhere (the chart's `null` receiver).
 *
 * Left open, and why: the Prometheus Operator's ingress, since the API server calls its admission webhook
 * (PrometheusRules, AlertmanagerConfigs; https 10250) from control-plane addresses that no policy can name on either
 * cloud (EKS's cross-account ENIs, AKS's tunnel), and a rejected call fails every PrometheusRule apply.
 */
import { KubeNetworkPolicy, type NetworkPolicyIngressRule } from 'cdk8s-plus-28/lib/imports/k8s';
import type { Flow, PodRef } from '../../src/model/flows';
import { MONITORING_NAMESPACE } from '../../src/model/observability';
import { monitoringFlows, scrapeFlows, MONITORING_PODS, MONITORING_PORTS } from '../../src/model/scrapes';
import { OPENCOST_PODS, OPENCOST_PORT } from '../../src/model/opencost';
import type { AppChart } from '../lib/app-chart';
import { flowEgress, namespacePeer, podsPeer, tcp, udp } from '../lib/network';

const from = (pods: PodRef, ...ports: number[]): NetworkPolicyIngressRule => ({ from: [podsPeer(pods, MONITORING_NAMESPACE)], ports: ports.flatMap(tcp) });

export function monitoringNetworkPolicies(chart: AppChart): void {
  const { prometheus, alertmanager, grafana, kubeStateMetrics, operator } = MONITORING_PODS;
  new KubeNetworkPolicy(chart, 'netpol-monitoring-default-deny-ingress', {
    metadata: { name: 'monitoring-default-deny-ingress' },
    spec: {
      podSelector: {
        matchExpressions: Object.entries(operator.labels).map(([key, value]) => ({ key, operator: 'NotIn', values: [value] })),
      },
      policyTypes: ['Ingress'],
    },
  });
  const allow = (name: string, pods: PodRef, ingress: NetworkPolicyIngressRule[]) =>
    new KubeNetworkPolicy(chart, `netpol-monitoring-${name}`, {
      metadata: { name: `monitoring-${name}` },
      spec: { podSelector: { matchLabels: { ...pods.labels } }, policyTypes: ['Ingress'], ingress },
    });
  const port = MONITORING_PORTS;
  const opencost = chart.ctx.env.observability.opencost;
  allow('prometheus', prometheus, [
    from(prometheus, port.prometheus, port.configReloader),
    from(grafana, port.prometheus),
    ...(opencost ? [from(OPENCOST_PODS, port.prometheus)] : []),
  ]);
  allow('alertmanager', alertmanager, [from(prometheus, port.alertmanager, port.configReloader), from(grafana, port.alertmanager)]);
  allow('grafana', grafana, [from(prometheus, port.grafana)]);
  allow('kube-state-metrics', kubeStateMetrics, [from(prometheus, port.kubeStateMetrics, port.kubeStateMetricsSelf)]);
  if (opencost) allow('opencost', OPENCOST_PODS, [from(prometheus, OPENCOST_PORT.port)]);
  monitoringEgressPolicies(chart);
}

/** Deny-all egress in monitoring, DNS for every pod there, and each pod group's egress from its declared flows. */
function monitoringEgressPolicies(chart: AppChart): void {
  const { env } = chart.ctx;
  new KubeNetworkPolicy(chart, 'netpol-monitoring-default-deny-egress', {
    metadata: { name: 'monitoring-default-deny-egress' },
    spec: { podSelector: {}, policyTypes: ['Egress'] },
  });
  new KubeNetworkPolicy(chart, 'netpol-monitoring-allow-dns', {
    metadata: { name: 'monitoring-allow-dns' },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ...namespacePeer('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [...udp(53), ...tcp(53)] }],
    },
  });
  const flows: Flow[] = [...monitoringFlows(env), ...scrapeFlows(env)];
  const { prometheus, grafana, kubeStateMetrics, operator } = MONITORING_PODS;
  const groups: [string, PodRef][] = [
    ['prometheus', prometheus],
    ['grafana', grafana],
    ['kube-state-metrics', kubeStateMetrics],
    ['prometheus-operator', operator],
    ...(env.observability.opencost ? [['opencost', OPENCOST_PODS] as [string, PodRef]] : []),
  ];
  for (const [name, pods] of groups) {
    const egress = flowEgress(
      chart.ctx,
      MONITORING_NAMESPACE,
      flows.filter((f) => f.from === pods),
    );
    if (egress.length === 0) continue;
    new KubeNetworkPolicy(chart, `netpol-monitoring-${name}-egress`, {
      metadata: { name: `monitoring-${name}-egress` },
      spec: { podSelector: { matchLabels: { ...pods.labels } }, policyTypes: ['Egress'], egress },
    });
  }
}
