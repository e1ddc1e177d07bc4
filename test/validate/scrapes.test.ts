/** monitoring-scrape-coverage (src/validate/cluster/scrapes.ts): every metrics port of the cluster view is scraped. */
import * as path from 'path';
import { loadPlatform } from '../../src/model/load';
import { UNSCRAPED_METRICS_PORTS } from '../../src/model/scrapes';
import { defaultPlatform } from '../../src/platform';
import { buildClusterView, checkClusterView } from '../../src/validate/cluster';
import { readOutput, type EnvironmentOutput, type K8sObject } from '../../src/validate/output';
import { REPO } from '../synth/helpers';

const platform = loadPlatform(defaultPlatform);

const env = (objs: K8sObject[]): EnvironmentOutput => ({
  name: 'fixture',
  terraform: [],
  files: [],
  manifests: objs.map((obj, i) => ({ file: `fixture/kubernetes/app/${obj.kind.toLowerCase()}-${i}.yaml`, app: 'app', obj })),
});
const PROMETHEUS: K8sObject = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'p', namespace: 'monitoring' }, spec: {} };
const app = (ns: string, labels: Record<string, string>, ports: Record<string, unknown>[]): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'exporter', namespace: ns },
  spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'x@sha256:0', ports }] } } },
});
const podMonitor = (spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PodMonitor',
  metadata: { name: 'm', namespace: 'monitoring' },
  spec,
});
const coverage = (objs: K8sObject[]) =>
  checkClusterView(buildClusterView(env(objs), platform))
    .filter((f) => f.rule === 'monitoring-scrape-coverage')
    .map((f) => f.message);

const exporter = app('team', { app: 'exporter' }, [{ name: 'metrics', containerPort: 9100 }]);

describe('monitoring-scrape-coverage', () => {
  test('a pod with a metrics port and no monitor is reported, naming the pod and port', () => {
    expect(coverage([PROMETHEUS, exporter])).toEqual([
      expect.stringMatching(/Deployment team\/exporter .*serves metrics on port metrics \(9100\), but no PodMonitor or ServiceMonitor scrapes it/),
    ]);
  });

  test('only where the Prometheus Operator runs (a Prometheus resource), and only ports named for metrics', () => {
    expect(coverage([exporter])).toEqual([]);
    expect(coverage([PROMETHEUS, app('team', { app: 'web' }, [{ name: 'http', containerPort: 8080 }])])).toEqual([]);
  });

  test('a PodMonitor covers it by namespace, labels and port; the wrong namespace, label or port does not', () => {
    const spec = (ns: string, labels: Record<string, string>, port: string) => ({
      namespaceSelector: { matchNames: [ns] },
      selector: { matchLabels: labels },
      podMetricsEndpoints: [{ port, path: '/metrics' }],
    });
    expect(coverage([PROMETHEUS, exporter, podMonitor(spec('team', { app: 'exporter' }, 'metrics'))])).toEqual([]);
    expect(coverage([PROMETHEUS, exporter, podMonitor(spec('other', { app: 'exporter' }, 'metrics'))])).toHaveLength(1);
    expect(coverage([PROMETHEUS, exporter, podMonitor(spec('team', { app: 'exporterx' }, 'metrics'))])).toHaveLength(1);
    expect(coverage([PROMETHEUS, exporter, podMonitor(spec('team', { app: 'exporter' }, 'http'))])).toHaveLength(1);
    expect(
      coverage([
        PROMETHEUS,
        exporter,
        podMonitor({ namespaceSelector: { any: true }, selector: { matchLabels: { app: 'exporter' } }, podMetricsEndpoints: [{ portNumber: 9100 }] }),
      ]),
    ).toEqual([]);
  });

  test('a ServiceMonitor covers it through a Service that selects the pod and targets the port', () => {
    const service = (targetPort: unknown): K8sObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'exporter', namespace: 'team', labels: { scrape: 'yes' } },
      spec: { selector: { app: 'exporter' }, ports: [{ name: 'http-metrics', port: 80, targetPort }] },
    });
    const serviceMonitor: K8sObject = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'sm', namespace: 'team' },
      spec: { selector: { matchLabels: { scrape: 'yes' } }, endpoints: [{ port: 'http-metrics' }] },
    };
    expect(coverage([PROMETHEUS, exporter, service('metrics'), serviceMonitor])).toEqual([]);
    expect(coverage([PROMETHEUS, exporter, service(9100), serviceMonitor])).toEqual([]);
    expect(coverage([PROMETHEUS, exporter, service(9999), serviceMonitor])).toHaveLength(1);
    expect(coverage([PROMETHEUS, exporter, service('metrics')])).toHaveLength(1);
  });

  test('a port listed in UNSCRAPED_METRICS_PORTS, with why, counts as covered', () => {
    expect(Object.keys(UNSCRAPED_METRICS_PORTS)).toEqual(['kserve/metrics']);
    expect(coverage([PROMETHEUS, app('kserve', { app: 'x' }, [{ name: 'metrics', containerPort: 8080 }])])).toEqual([]);
  });

  test('the committed dist/: Milvus’s metrics are covered by the rag PodMonitor; without it they are reported', () => {
    const dist = readOutput(path.join(REPO, 'dist'));
    const prod = dist.environments.find((e) => e.name === 'aws-prod')!;
    const milvus = (out: EnvironmentOutput) =>
      checkClusterView(buildClusterView({ ...out, manifests: [...out.manifests, { file: 'x', app: 'x', obj: PROMETHEUS }] }, platform))
        .filter((f) => f.rule === 'monitoring-scrape-coverage')
        .filter((f) => /milvus (proxy|queryNode)/.test(f.message));
    expect(milvus(prod)).toEqual([]);
    const without = { ...prod, manifests: prod.manifests.filter((m) => !(m.obj.kind === 'PodMonitor' && m.obj.metadata.name === 'rag-milvus')) };
    expect(milvus(without).length).toBeGreaterThan(0);
  });
});
