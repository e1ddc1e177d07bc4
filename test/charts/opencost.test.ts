import * as path from 'path';
import { ObservabilityChart } from '../../charts/observability/observability';
import { MONITORING_NAMESPACE, PROMETHEUS_SERVICE, PROMETHEUS_URL } from '../../src/model/observability';
import { OPENCOST_CONFIG_DIR, OPENCOST_IMAGE, OPENCOST_PODS, OPENCOST_PORT } from '../../src/model/opencost';
import { monitoringFlows, scrapeFlows, MONITORING_PODS, PROMETHEUS_PODS } from '../../src/model/scrapes';
import { resolvePlatform } from '../../src/model/defaults';
import { blockedFlows } from '../../src/validate/flows';
import { namespaceLabels, policiesOf, verdict } from '../../src/validate/flows/evaluate';
import { validateManifest } from '../../src/validate/kubernetes';
import { readOutput } from '../../src/validate/output';
import { chartKit, specWith, RESTRICTED_CONTAINER, RESTRICTED_POD } from './helpers';
import { operatorValues } from '../../charts/gitops/operator-values';
import * as fs from 'fs';
import { parse } from 'yaml';
import { REPO } from '../synth/helpers';

const { all, ofKind, one, objects, ctxOf } = chartKit(ObservabilityChart);
const withOpenCost = all.filter(([, c]) => c.env.observability.opencost);

const envOf = (d: any) => Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));

describe('OpenCost', () => {
  test('runs in aws-prod of the default model: not in dev (the stage default), not on Azure unless asked (no node prices there)', () => {
    expect(withOpenCost.map(([n]) => n)).toEqual(['aws-prod']);
    for (const [, ctx] of all) {
      const deployments = ofKind(ctx, 'Deployment').filter((d) => d.metadata.name === 'opencost');
      expect({ env: ctx.env.name, runs: deployments.length === 1 }).toEqual({ env: ctx.env.name, runs: ctx.env.observability.opencost });
    }
    const devWithIt = ctxOf(
      'aws-dev',
      specWith('aws-dev', (e) => (e.observability = { opencost: true })),
    );
    expect(ofKind(devWithIt, 'Deployment').map((d) => d.metadata.name)).toEqual(['opencost']);
    const azureWithIt = ctxOf(
      'azure-prod',
      specWith('azure-prod', (e) => (e.observability = { opencost: true })),
    );
    expect(envOf(one(azureWithIt, 'Deployment', 'opencost')).CLUSTER_ID).toMatch(/^aks-/);
  });

  test.each(withOpenCost)('%s: the pinned exporter queries the platform’s Prometheus, through the Service kube-prometheus-stack names', (_n, ctx) => {
    const d = one(ctx, 'Deployment', 'opencost');
    const [c] = d.spec.template.spec.containers;
    expect(c.image).toBe(OPENCOST_IMAGE);
    expect(OPENCOST_IMAGE).toMatch(/^ghcr\.io\/opencost\/opencost:1\.120\.1@sha256:[0-9a-f]{64}$/);
    const env = envOf(d);
    expect(env.PROMETHEUS_SERVER_ENDPOINT).toBe(PROMETHEUS_URL);
    expect(PROMETHEUS_URL).toBe(`http://${PROMETHEUS_SERVICE.name}.${MONITORING_NAMESPACE}.svc:${PROMETHEUS_SERVICE.port}`);
    // It serves its API and metrics where the probes, the PodMonitor and the NetworkPolicy look.
    expect(env.API_PORT).toBe(String(OPENCOST_PORT.port));
    expect(c.ports).toEqual([{ name: OPENCOST_PORT.name, containerPort: OPENCOST_PORT.port, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: OPENCOST_PORT.name });
    expect(env.INSTALL_NAMESPACE).toBe(MONITORING_NAMESPACE);
    expect(d.metadata.namespace).toBe(MONITORING_NAMESPACE);
    expect(d.spec.selector.matchLabels).toEqual(OPENCOST_PODS.labels);
    expect(d.spec.template.metadata.labels).toMatchObject(OPENCOST_PODS.labels);
    // The MCP server's port is not opened; no billing credentials are asked for.
    expect(env.MCP_SERVER_ENABLED).toBe('false');
    expect(env.CLOUD_COST_ENABLED).toBe('false');
    expect(Object.keys(env).filter((k) => /KEY|SECRET|TOKEN|PASSWORD/.test(k))).toEqual([]);
  });

  test.each(withOpenCost)('%s: restricted, with its config folder writable on a read-only root and an API token to watch with', (_n, ctx) => {
    const spec = one(ctx, 'Deployment', 'opencost').spec.template.spec;
    expect(spec.securityContext).toEqual(RESTRICTED_POD);
    expect(spec.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER);
    const mount = spec.containers[0].volumeMounts.find((m: any) => m.mountPath === OPENCOST_CONFIG_DIR);
    expect(spec.volumes.find((v: any) => v.name === mount.name).emptyDir.sizeLimit).toBeDefined();
    // Unset, as the chart leaves it: set, the price files would be looked for in the empty folder instead of /models.
    expect(envOf({ spec: { template: { spec } } }).CONFIG_PATH).toBeUndefined();
    // It downloads the prices before it listens: a startup probe allows at least the chart's 160 s, then liveness.
    const c = spec.containers[0];
    expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: OPENCOST_PORT.name });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(160);
    expect(c.livenessProbe.initialDelaySeconds).toBeUndefined();
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(spec.serviceAccountName).toBe('opencost');
    const { limits, requests } = spec.containers[0].resources;
    expect(limits.memory).toBe(requests.memory);
  });

  test.each(withOpenCost)('%s: reads the cluster, writes nothing, never Secrets; its cluster-scoped objects carry no namespace', (_n, ctx) => {
    const role = one(ctx, 'ClusterRole', 'opencost');
    const binding = one(ctx, 'ClusterRoleBinding', 'opencost');
    for (const r of role.rules) {
      expect(r.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v))).toBe(true);
      expect(r.resources).not.toContain('secrets');
      expect(r.resources).not.toContain('*');
    }
    expect(role.rules.find((r: any) => r.apiGroups.includes('')).resources).toEqual(
      expect.arrayContaining(['nodes', 'pods', 'persistentvolumes', 'namespaces']),
    );
    expect(role.metadata.namespace).toBeUndefined();
    expect(binding.metadata.namespace).toBeUndefined();
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'opencost' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'opencost', namespace: MONITORING_NAMESPACE }]);
    expect(one(ctx, 'ServiceAccount', 'opencost').metadata.namespace).toBe(MONITORING_NAMESPACE);
    for (const obj of objects(ctx)) expect({ kind: obj.kind, problems: validateManifest(obj) }).toEqual({ kind: obj.kind, problems: [] });
  });

  test.each(withOpenCost)('%s: Prometheus scrapes it keeping its series’ own namespace and pod labels', (_n, ctx) => {
    const m = one(ctx, 'PodMonitor', 'opencost');
    expect(m.spec.namespaceSelector).toEqual({ matchNames: [MONITORING_NAMESPACE] });
    expect(m.spec.selector).toEqual({ matchLabels: OPENCOST_PODS.labels });
    expect(m.spec.podMetricsEndpoints).toEqual([{ port: OPENCOST_PORT.name, path: '/metrics', honorLabels: true }]);
    // Only OpenCost's: the other exporters' series describe themselves.
    for (const other of ofKind(ctx, 'PodMonitor').filter((x) => x.metadata.name !== 'opencost'))
      expect(other.spec.podMetricsEndpoints[0].honorLabels).toBeUndefined();
  });

  test('cAdvisor’s series carry the node’s name as instance where OpenCost runs, after the chart’s own relabeling', () => {
    const kps = parse(fs.readFileSync(path.join(REPO, '..', 'shared', 'charts', 'kube-prometheus-stack-88.5.3', 'values.yaml'), 'utf8'));
    const chartDefault = kps.kubelet.serviceMonitor.cAdvisorRelabelings;
    expect(chartDefault).toEqual([{ action: 'replace', sourceLabels: ['__metrics_path__'], targetLabel: 'metrics_path' }]);
    for (const [, ctx] of all) {
      const values = operatorValues(ctx, 'kube-prometheus-stack') as any;
      const relabelings = values.kubelet?.serviceMonitor?.cAdvisorRelabelings;
      if (!ctx.env.observability.opencost) {
        expect(relabelings).toBeUndefined();
        continue;
      }
      expect(relabelings).toEqual([
        ...chartDefault,
        { action: 'replace', sourceLabels: ['__meta_kubernetes_endpoint_address_target_name'], targetLabel: 'instance' },
      ]);
      // The Endpoints role, whose meta label that is: the platform's values choose no other.
      expect(values.prometheus.prometheusSpec.serviceDiscoveryRole ?? kps.prometheus.prometheusSpec.serviceDiscoveryRole).toBe('');
    }
  });

  test('the cluster id is the cluster’s own name, as Terraform creates it', () => {
    const dist = readOutput(path.join(REPO, 'dist'));
    for (const [name, ctx] of withOpenCost) {
      const out = dist.environments.find((e) => e.name === name)!;
      const clusters = out.terraform.flatMap((t: any) => [
        ...Object.values<any>(t.json.resource?.aws_eks_cluster ?? {}),
        ...Object.values<any>(t.json.resource?.azurerm_kubernetes_cluster ?? {}),
      ]);
      expect(clusters).toHaveLength(1);
      expect(envOf(one(ctx, 'Deployment', 'opencost')).CLUSTER_ID).toBe(clusters[0].name);
    }
  });
});

describe('OpenCost’s flows', () => {
  const dist = readOutput(path.join(REPO, 'dist'));
  const toOpenCost = (v: { resource: string }) => v.resource.startsWith(`flow monitoring/${PROMETHEUS_PODS.name} -> monitoring/${OPENCOST_PODS.name}`);
  const fromOpenCost = (v: { resource: string }) => v.resource.startsWith(`flow monitoring/${OPENCOST_PODS.name} -> `);
  const policyOut = (out: any, name: string, edit: (spec: any) => any) => ({
    ...out,
    manifests: out.manifests.map((m: any) =>
      m.obj.kind === 'NetworkPolicy' && m.obj.metadata.name === name ? { ...m, obj: { ...m.obj, spec: edit(m.obj.spec) } } : m,
    ),
  });

  test.each(['aws-prod'])(
    '%s: Prometheus → OpenCost and OpenCost → Prometheus and the API server are declared and allowed; each is blocked without its rule',
    (name) => {
      const out = dist.environments.find((e) => e.name === name)!;
      const env = resolvePlatform(specWith(name, () => {})).environments.find((e) => e.name === name)!;
      expect(scrapeFlows(env).filter((f) => f.to.kind === 'pods' && f.to.pods === OPENCOST_PODS)).toHaveLength(1);
      expect(
        monitoringFlows(env)
          .filter((f) => f.from === OPENCOST_PODS)
          .map((f) => f.to.kind),
      ).toEqual(['pods', 'api-server', 'dns', 'public']);
      expect(blockedFlows(env, out).filter((v) => toOpenCost(v) || fromOpenCost(v))).toEqual([]);

      const noScrapeRule = policyOut(out, 'monitoring-opencost', (spec) => ({ ...spec, ingress: [] }));
      expect(blockedFlows(env, noScrapeRule).filter(toOpenCost).length).toBeGreaterThan(0);
      const fromOpenCostRule = (r: any) => r.from?.some((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'opencost');
      const noQueryRule = policyOut(out, 'monitoring-prometheus', (spec) => ({ ...spec, ingress: spec.ingress.filter((r: any) => !fromOpenCostRule(r)) }));
      expect(blockedFlows(env, noQueryRule).filter(fromOpenCost).length).toBeGreaterThan(0);
    },
  );

  test('no other pod reaches its API (every workload’s cost): not Grafana, not a workload', () => {
    const out = dist.environments.find((e) => e.name === 'aws-prod')!;
    const policies = policiesOf(out.manifests);
    const nsLabels = namespaceLabels(out.manifests);
    const port = { port: OPENCOST_PORT.port, protocol: 'TCP' as const };
    const ragApi = { name: 'rag-api', namespace: 'rag', labels: { 'app.kubernetes.io/name': 'rag-api' } };
    expect(verdict(policies, nsLabels, OPENCOST_PODS, 'Ingress', PROMETHEUS_PODS, port).allowed).toBe(true);
    expect(verdict(policies, nsLabels, OPENCOST_PODS, 'Ingress', MONITORING_PODS.grafana, port).allowed).toBe(false);
    expect(verdict(policies, nsLabels, OPENCOST_PODS, 'Ingress', ragApi, port).allowed).toBe(false);
    // And it reaches Prometheus on its web port only.
    expect(verdict(policies, nsLabels, PROMETHEUS_PODS, 'Ingress', OPENCOST_PODS, { port: 9090, protocol: 'TCP' }).allowed).toBe(true);
    expect(verdict(policies, nsLabels, PROMETHEUS_PODS, 'Ingress', OPENCOST_PODS, { port: 8080, protocol: 'TCP' }).allowed).toBe(false);
  });
});
