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
 * Left open, and why:
 * - The Prometheus Operator's pod: the API server calls its admission webhook (PrometheusRules, AlertmanagerConfigs;
 *   https 10250) from control-plane addresses that no policy can name on either cloud (EKS's cross-account ENIs,
 *   AKS's tunnel), and a rejected call fails every PrometheusRule apply.
 * - Egress: Prometheus scrapes every namespace, the kubelets and node exporters on node addresses and (prod) writes
 *   to the cloud's managed store; Grafana's sidecars and OpenCost watch the API server, and OpenCost downloads the
 *   cloud's public price lists. Their egress is not restricted yet.
 */
import { KubeNetworkPolicy, type NetworkPolicyIngressRule } from 'cdk8s-plus-28/lib/imports/k8s';
import type { PodRef } from '../../src/model/flows';
import { MONITORING_NAMESPACE } from '../../src/model/observability';
import { MONITORING_PODS, MONITORING_PORTS } from '../../src/model/scrapes';
import { OPENCOST_PODS, OPENCOST_PORT } from '../../src/model/opencost';
import type { AppChart } from '../lib/app-chart';
import { podsPeer, tcp } from '../lib/network';

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
}
