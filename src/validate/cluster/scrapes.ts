/**
 * monitoring-scrape-coverage: where the cluster runs the Prometheus Operator (a Prometheus resource in the view),
 * every pod that declares a metrics port must be scraped: a PodMonitor selecting it on that port, or a
 * ServiceMonitor selecting a Service that selects it and targets that port; or be listed, with why, in
 * UNSCRAPED_METRICS_PORTS (src/model/scrapes.ts). Judged on the whole view, so with `--charts` (the operators'
 * pods and the charts' own monitors are in it); without it only the output's own pods are.
 */
import { UNSCRAPED_METRICS_PORTS } from '../../model/scrapes';
import { matches, type Selector } from '../flows/evaluate';
import { isMap, type JsonMap as Json } from '../output';
import type { Violation } from '../policy/rule';
import type { ClusterRule } from './admission';
import type { ClusterView, ViewObject, ViewPod } from './view';

/** Container port names that mean "Prometheus metrics here", as the charts and the platform name them. */
export const METRICS_PORT_NAME = /^(http-)?metrics$|^http-monitoring$|^http-envoy-prom$|^prom(etheus)?$/;

interface ContainerPort {
  readonly name?: string;
  readonly number: number;
}

const portsOf = (pod: ViewPod): ContainerPort[] =>
  pod.containers.flatMap((c) =>
    (Array.isArray(c.ports) ? c.ports : []).map((p: Json) => ({ name: typeof p.name === 'string' ? p.name : undefined, number: Number(p.containerPort) })),
  );

/** The namespaces a monitor's namespaceSelector covers: its list, any, or (none given) its own. */
function inNamespaces(monitor: ViewObject, namespace: string | undefined): boolean {
  const selector = isMap(monitor.obj.spec?.namespaceSelector) ? monitor.obj.spec.namespaceSelector : {};
  if (selector.any === true) return true;
  if (Array.isArray(selector.matchNames) && selector.matchNames.length > 0) return selector.matchNames.includes(namespace);
  return monitor.namespace === namespace;
}

const selectorOf = (v: unknown): Selector => (isMap(v) ? (v as Selector) : {});

/** Whether a PodMonitor scrapes this pod's port (by name, or by number where it names a number). */
function podMonitorScrapes(monitor: ViewObject, pod: ViewPod, port: ContainerPort): boolean {
  const spec = monitor.obj.spec;
  if (!isMap(spec) || !inNamespaces(monitor, pod.namespace) || !matches(selectorOf(spec.selector), pod.labels)) return false;
  const endpoints: Json[] = Array.isArray(spec.podMetricsEndpoints) ? spec.podMetricsEndpoints : [];
  return endpoints.some(
    (e) => (port.name !== undefined && e.port === port.name) || e.portNumber === port.number || e.targetPort === port.number || e.targetPort === port.name,
  );
}

/** Whether a ServiceMonitor scrapes this pod's port through a Service that selects the pod. */
function serviceMonitorScrapes(monitor: ViewObject, services: readonly ViewObject[], pod: ViewPod, port: ContainerPort): boolean {
  const spec = monitor.obj.spec;
  if (!isMap(spec) || !inNamespaces(monitor, pod.namespace)) return false;
  const endpoints: Json[] = Array.isArray(spec.endpoints) ? spec.endpoints : [];
  return services.some((svc) => {
    const s = svc.obj.spec;
    if (svc.namespace !== pod.namespace || !isMap(s) || !isMap(s.selector) || !matches({ matchLabels: s.selector }, pod.labels)) return false;
    if (!matches(selectorOf(spec.selector), svc.obj.metadata?.labels ?? {})) return false;
    const servicePorts: Json[] = Array.isArray(s.ports) ? s.ports : [];
    return servicePorts.some((sp) => {
      const target = sp.targetPort ?? sp.port;
      const reaches = target === port.name || Number(target) === port.number;
      return reaches && endpoints.some((e) => (e.port !== undefined && e.port === sp.name) || e.targetPort === target);
    });
  });
}

export function unscrapedMetricsPorts(view: ClusterView): Violation[] {
  if (!view.objects.some((o) => o.obj.kind === 'Prometheus' && String(o.obj.apiVersion).startsWith('monitoring.coreos.com/'))) return [];
  const podMonitors = view.objects.filter((o) => o.obj.kind === 'PodMonitor');
  const serviceMonitors = view.objects.filter((o) => o.obj.kind === 'ServiceMonitor');
  const services = view.objects.filter((o) => o.obj.kind === 'Service');
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const pod of view.pods) {
    for (const port of portsOf(pod)) {
      if (!port.name || !METRICS_PORT_NAME.test(port.name)) continue;
      if (`${pod.namespace}/${port.name}` in UNSCRAPED_METRICS_PORTS) continue;
      const scraped = podMonitors.some((m) => podMonitorScrapes(m, pod, port)) || serviceMonitors.some((m) => serviceMonitorScrapes(m, services, pod, port));
      const key = `${pod.resource} ${pod.at} ${port.name}`;
      if (scraped || seen.has(key)) continue;
      seen.add(key);
      out.push({
        file: pod.file,
        resource: pod.resource,
        message: `${pod.origin === 'manifest' ? `${pod.resource} ` : ''}${pod.at} (namespace ${pod.namespace}) serves metrics on port ${port.name} (${port.number}), but no PodMonitor or ServiceMonitor scrapes it: add a scrape target (src/model/scrapes.ts) or list the port in UNSCRAPED_METRICS_PORTS with why`,
      });
    }
  }
  return out;
}

export const SCRAPE_RULES: readonly ClusterRule[] = [
  {
    id: 'monitoring-scrape-coverage',
    reason:
      'Every pod that declares a metrics port is scraped by a PodMonitor or ServiceMonitor where the cluster runs the Prometheus Operator; an unscraped component is invisible to the dashboards and the alerts',
    check: unscrapedMetricsPorts,
  },
];
