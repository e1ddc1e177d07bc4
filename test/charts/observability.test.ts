import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ObservabilityChart, PLATFORM_ALERTS } from '../../charts/observability/observability';
import { alertRuleGroups } from '../../charts/observability/alert-rules';
import { operatorValues } from '../../charts/gitops/operator-values';
import { monitoringFlows, scrapeFlows, scrapeTargets, MONITORING_PODS, PROMETHEUS_PODS } from '../../src/model/scrapes';
import { ARGOCD_NAMESPACE } from '../../charts/gitops/argocd';
import { dashboards, serializeDashboard } from '../../charts/observability/dashboards';
import { dashboardLayoutSvg } from '../../charts/observability/dashboard-picture';
import { PICTURED, picturedSvg } from '../../src/dashboard-picture';
import { GRAFANA_ADMIN_SECRET } from '../../src/model/observability';
import { OPERATORS, operatorsFor } from '../../src/model/operators';
import { validateManifest } from '../../src/validate/kubernetes';
import { blockedFlows } from '../../src/validate/flows';
import { namespaceLabels, policiesOf, verdict } from '../../src/validate/flows/evaluate';
import { readOutput } from '../../src/validate/output';
import { resolvePlatform } from '../../src/model/defaults';
import { chartKit, newApp, parsedFiles, specWith } from './helpers';
import { ServingChart } from '../../charts/serving/serving';
import { renderChart } from '../../charts/lib/render';
import { podsPeer } from '../../charts/lib/network';
import { REPO } from '../synth/helpers';

const { all, ofKind, one, contexts, render } = chartKit(ObservabilityChart);

describe('the observability app', () => {
  test.each(all)('%s: a PodMonitor in monitoring per scrape target, on its pods’ namespace, labels and port', (_n, ctx) => {
    const targets = scrapeTargets(ctx.env);
    expect(targets.length).toBeGreaterThan(10);
    const monitors = ofKind(ctx, 'PodMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(targets.map((t) => t.name).sort());
    for (const t of targets) {
      const m = monitors.find((x) => x.metadata.name === t.name);
      expect(m.metadata.namespace).toBe('monitoring');
      expect(m.spec.namespaceSelector).toEqual({ matchNames: [t.pods.namespace] });
      expect(m.spec.selector).toEqual({ matchLabels: t.pods.labels });
      expect(m.spec.podTargetLabels).toEqual(t.podTargetLabels);
      const [endpoint] = m.spec.podMetricsEndpoints;
      expect(endpoint.path).toBe(t.path ?? '/metrics');
      if (!t.container)
        expect(endpoint).toEqual({
          ...(t.port.name ? { port: t.port.name } : { portNumber: t.port.port }),
          path: t.path ?? '/metrics',
          ...(t.honorLabels ? { honorLabels: true } : {}),
        });
    }
  });

  test.each(all)(
    '%s: the model servers: queue-proxy’s request metrics (Knative), the KServe runtime’s /metrics (Standard), Seldon’s executor at /prometheus, each labelled by model',
    (_n, ctx) => {
      const monitor = (name: string) => ofKind(ctx, 'PodMonitor').find((m) => m.metadata.name === name);
      for (const model of ctx.env.mlops!.models) {
        const pods = { 'app.kubernetes.io/component': 'kserve-predictor', 'platform-synth.io/served-model': model.name };
        const kserveLabels = ['serving.kserve.io/inferenceservice', 'platform-synth.io/served-model'];
        if (model.canaryPercent !== undefined) {
          const m = monitor(`mlops-${model.name}-queue-proxy`);
          expect(m.spec.selector.matchLabels).toEqual(pods);
          expect(m.spec.podMetricsEndpoints).toEqual([{ port: 'http-usermetric', path: '/metrics' }]);
          expect(m.spec.podTargetLabels).toEqual([...kserveLabels, 'serving.knative.dev/revision']);
        } else {
          // The runtime declares no port: keep the kserve-container's portless target, dial 8080 on the pod IP.
          const m = monitor(`mlops-${model.name}-predictor`);
          expect(m.spec.selector.matchLabels).toEqual(pods);
          expect(m.spec.podMetricsEndpoints).toEqual([
            {
              path: '/metrics',
              relabelings: [
                { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: 'kserve-container' },
                { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '(.+)', targetLabel: '__address__', replacement: '$1:8080' },
              ],
            },
          ]);
          expect(m.spec.podTargetLabels).toEqual(kserveLabels);
        }
        const seldon = monitor(`mlops-${model.name}-ab-executor`);
        if (!model.abTest) expect(seldon).toBeUndefined();
        else {
          expect(seldon.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'seldon-predictor', 'platform-synth.io/served-model': model.name });
          expect(seldon.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/prometheus' }]);
        }
      }
    },
  );

  test('an onnx model (Triton) is scraped on 8002, a port its runtime does not declare, and Prometheus may reach it there', () => {
    const spec = specWith('aws-dev', (e) => (e.workloads!.mlops!.models = [{ name: 'detector', path: 'models/detector', framework: 'onnx' }]));
    const ctx = contexts(spec).find((c) => c.env.name === 'aws-dev')!;
    const m = ofKind(ctx, 'PodMonitor').find((x) => x.metadata.name === 'mlops-detector-predictor');
    expect(m.spec.podMetricsEndpoints).toEqual([
      {
        path: '/metrics',
        relabelings: [
          { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: 'kserve-container' },
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '(.+)', targetLabel: '__address__', replacement: '$1:8002' },
        ],
      },
    ]);
    const policy = parsedFiles(renderChart(new ServingChart(newApp(), ctx as any))).get('serving/networkpolicy-detector.yaml');
    expect(policy.spec.ingress).toContainEqual({ from: [podsPeer(PROMETHEUS_PODS)], ports: [{ port: 8002, protocol: 'TCP' }] });
    // Triton names its series itself: no alert or panel reads KServe's request_predict_seconds for it.
    expect(JSON.stringify(alertRuleGroups(ctx.env))).not.toContain('request_predict_seconds');
    expect(
      dashboards(ctx.env)
        .map((d) => serializeDashboard(d))
        .join(''),
    ).not.toContain('request_predict_seconds');
    const sklearn = specWith('aws-dev', (e) => (e.workloads!.mlops!.models = [{ name: 'plain', path: 'models/plain', framework: 'sklearn' }]));
    expect(JSON.stringify(alertRuleGroups(contexts(sklearn).find((c) => c.env.name === 'aws-dev')!.env))).toContain('request_predict_seconds');
  });

  test('every framework’s predictor gets its monitor: TorchServe on its metrics API (8082), TensorFlow Serving on its REST port', () => {
    const withModel = (framework: 'pytorch' | 'tensorflow') =>
      resolvePlatform(specWith('aws-dev', (e) => (e.workloads!.mlops!.models = [{ name: 'm', path: 'models/m', framework }]))).environments.find(
        (e) => e.name === 'aws-dev',
      )!;
    expect(scrapeTargets(withModel('pytorch')).filter((t) => t.pods.namespace === 'mlops')).toEqual([
      expect.objectContaining({ name: 'mlops-m-predictor', port: { port: 8082, protocol: 'TCP' }, path: '/metrics' }),
    ]);
    expect(scrapeTargets(withModel('tensorflow')).filter((t) => t.pods.namespace === 'mlops')).toEqual([
      expect.objectContaining({ name: 'mlops-m-predictor', port: { port: 8080, protocol: 'TCP' }, path: '/monitoring/prometheus/metrics' }),
    ]);
  });

  test.each(all)('%s: every Spark driver’s executor metrics on its UI port, labelled by job', (_n, ctx) => {
    const m = ofKind(ctx, 'PodMonitor').find((x) => x.metadata.name === 'lakehouse-spark-driver');
    expect(m.spec.namespaceSelector).toEqual({ matchNames: ['lakehouse'] });
    expect(m.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'spark', 'app.kubernetes.io/component': 'driver' });
    expect(m.spec.podMetricsEndpoints).toEqual([{ port: 'spark-ui', path: '/metrics/executors/prometheus' }]);
    expect(m.spec.podTargetLabels).toEqual(['platform-synth.io/spark-job']);
  });

  test.each(all)('%s: the platform’s alert rules in one PrometheusRule, every group and rule', (_n, ctx) => {
    const rule = one(ctx, 'PrometheusRule', PLATFORM_ALERTS);
    expect(rule.metadata.namespace).toBe('monitoring');
    const groups = alertRuleGroups(ctx.env);
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(groups.map((g) => g.name));
    expect(rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert))).toEqual(groups.flatMap((g) => g.rules.map((r) => r.alert)));
    for (const r of rule.spec.groups.flatMap((g: any) => g.rules)) expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook', 'summary']);
  });

  test.each(all)('%s: every object is valid against the Prometheus Operator’s CRDs', (_n, ctx) => {
    for (const [file, text] of render(ctx))
      if (!file.endsWith('kustomization.yaml')) expect({ file, problems: validateManifest(parse(text)) }).toEqual({ file, problems: [] });
  });

  test('every operator the environment installs with a metrics port is a target; the workloads’ too (Milvus)', () => {
    const [awsProd] = contexts().filter((c) => c.env.name === 'aws-prod');
    const names = scrapeTargets(awsProd.env).map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'cert-manager-controller',
        'external-secrets-controller',
        'karpenter',
        'keda-operator',
        'knative-operator-operator',
        'milvus-operator',
        'seldon-core-operator',
        'spark-operator-controller',
        'istiod',
        'istio-ingressgateway',
        'rag-milvus',
      ]),
    );
  });

  test.each(all)('%s: Argo CD’s application controller (argocd_app_info) where Argo CD delivers; its flow marks the pods outside the output', (_n, ctx) => {
    const m = ofKind(ctx, 'PodMonitor').find((x) => x.metadata.name === 'argocd-application-controller');
    if (ctx.env.gitops?.tool !== 'argocd') {
      expect(m).toBeUndefined();
      return;
    }
    expect(m.spec.namespaceSelector).toEqual({ matchNames: [ARGOCD_NAMESPACE] });
    expect(m.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'argocd-application-controller' });
    expect(m.spec.podMetricsEndpoints).toEqual([{ portNumber: 8082, path: '/metrics' }]);
    // Prometheus's egress needs the flow; network-flow-endpoints does not look for the pods (Argo CD installs them).
    const toArgo = scrapeFlows(ctx.env).filter((f) => f.to.kind === 'pods' && f.to.pods.namespace === ARGOCD_NAMESPACE);
    expect(toArgo.map((f) => f.to.kind === 'pods' && f.to.pods.outsideOutput)).toEqual([expect.stringContaining('Argo CD')]);
    // A flow for every target.
    expect(scrapeFlows(ctx.env).length).toBe(scrapeTargets(ctx.env).length);
    expect(scrapeTargets(ctx.env).filter((t) => t.outsideOutput && t.pods.namespace === ARGOCD_NAMESPACE)).toHaveLength(1);
  });

  test('observability off: no targets, no app', () => {
    const spec = specWith('aws-dev', (e) => (e.observability = { enabled: false }));
    const env = resolvePlatform(spec).environments.find((e) => e.name === 'aws-dev')!;
    expect(scrapeTargets(env)).toEqual([]);
    expect(alertRuleGroups(env)).toEqual([]);
  });
});

describe('Grafana and its dashboards', () => {
  test.each(all)('%s: a ConfigMap per dashboard, labelled for Grafana’s sidecar, holding the dashboard’s stable JSON', (_n, ctx) => {
    const boards = dashboards(ctx.env);
    expect(boards.length).toBeGreaterThanOrEqual(2);
    const maps = ofKind(ctx, 'ConfigMap');
    expect(maps.map((m) => m.metadata.name).sort()).toEqual(boards.map((d) => d.uid.replace('platform-synth-', 'dashboard-')).sort());
    for (const d of boards) {
      const m = maps.find((x) => x.metadata.name === d.uid.replace('platform-synth-', 'dashboard-'));
      expect(m.metadata.namespace).toBe('monitoring');
      expect(m.metadata.labels.grafana_dashboard).toBe('1');
      expect(Object.keys(m.data)).toEqual([d.fileName]);
      expect(m.data[d.fileName]).toBe(serializeDashboard(d));
      expect(JSON.parse(m.data[d.fileName]).uid).toBe(d.uid);
    }
  });

  test.each(all)(
    '%s: Grafana on, logging its admin in from a Secret ESO generates once in the release; no chart-generated password, no test pod',
    (_n, ctx) => {
      const values = operatorValues(ctx, 'kube-prometheus-stack') as any;
      expect(values.grafana.enabled).toBe(true);
      expect(values.grafana.admin).toEqual({ existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' });
      expect(values.grafana.testFramework).toEqual({ enabled: false });
      expect(values.grafana.resources.limits.memory).toBeDefined();
      const [generator, external] = values.extraManifests;
      expect(generator).toMatchObject({ apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', metadata: { name: GRAFANA_ADMIN_SECRET } });
      expect(generator.spec.secretKeys).toEqual(['admin-password']);
      expect(generator.spec.length).toBeGreaterThanOrEqual(24);
      expect(external.spec.refreshPolicy).toBe('CreatedOnce');
      expect(external.spec.target.name).toBe(GRAFANA_ADMIN_SECRET);
      // The generated key and the template's user merge into one Secret holding both keys Grafana reads.
      expect(external.spec.target.template).toEqual({ engineVersion: 'v2', mergePolicy: 'Merge', data: { 'admin-user': 'admin' } });
      expect(external.spec.dataFrom).toEqual([
        { sourceRef: { generatorRef: { apiVersion: generator.apiVersion, kind: 'Password', name: GRAFANA_ADMIN_SECRET } } },
      ]);
      expect(validateManifest({ ...external, metadata: { ...external.metadata, namespace: 'monitoring' } })).toEqual([]);
      // External Secrets is installed first wherever observability is on.
      expect(OPERATORS['kube-prometheus-stack'].dependsOn).toContain('external-secrets');
      expect(operatorsFor(ctx.env)).toContain('external-secrets');
    },
  );
});

describe('values the scrapes and alerts need', () => {
  test.each(all)(
    '%s: KEDA opens its operator’s metrics port where it is installed; kube-state-metrics labels nodes by pool and capacity and scrapes itself',
    (_n, ctx) => {
      const keda = operatorValues(ctx, 'keda');
      if (ctx.env.name !== 'azure-prod') expect(keda!.prometheus).toEqual({ operator: { enabled: true } });
      const ksm = (operatorValues(ctx, 'kube-prometheus-stack') as any)['kube-state-metrics'];
      expect(ksm.metricLabelsAllowlist).toEqual(['nodes=[platform-synth.io/pool,platform-synth.io/capacity]']);
      expect(ksm.selfMonitor).toEqual({ enabled: true });
    },
  );

  test.each(all)(
    '%s: on Flux, kube-state-metrics produces gotk_resource_info for every Flux kind the platform delivers, with read access to them',
    (_n, ctx) => {
      const ksm = (operatorValues(ctx, 'kube-prometheus-stack') as any)['kube-state-metrics'];
      if (ctx.env.gitops?.tool !== 'flux') {
        expect(ksm.customResourceState).toBeUndefined();
        return;
      }
      const resources = ksm.customResourceState.config.spec.resources;
      expect(resources.map((r: any) => `${r.groupVersionKind.group}/${r.groupVersionKind.version} ${r.groupVersionKind.kind}`)).toEqual([
        'kustomize.toolkit.fluxcd.io/v1 Kustomization',
        'helm.toolkit.fluxcd.io/v2 HelmRelease',
        'source.toolkit.fluxcd.io/v1 GitRepository',
        'source.toolkit.fluxcd.io/v1 HelmRepository',
      ]);
      for (const r of resources) {
        expect(`${r.metricNamePrefix}_${r.metrics[0].name}`).toBe('gotk_resource_info');
        expect(r.metrics[0].labelsFromPath.ready).toEqual(['status', 'conditions', '[type=Ready]', 'status']);
      }
      expect(ksm.rbac.extraRules).toContainEqual({ apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['list', 'watch'] });
    },
  );
});

describe('scrapes as network flows', () => {
  const dist = readOutput(path.join(REPO, 'dist'));
  const platform = resolvePlatform(specWith('aws-prod', () => {}));

  test('Prometheus → Milvus metrics is allowed by the rag policies; without the scrape ingress it is blocked', () => {
    const out = dist.environments.find((e) => e.name === 'aws-prod')!;
    const env = platform.environments.find((e) => e.name === 'aws-prod')!;
    const scrape = (v: { resource: string }) => v.resource.startsWith(`flow ${PROMETHEUS_PODS.namespace}/${PROMETHEUS_PODS.name} -> rag/milvus`);
    expect(blockedFlows(env, out).filter(scrape)).toEqual([]);
    const withoutScrape = {
      ...out,
      manifests: out.manifests.map((m) =>
        m.obj.kind === 'NetworkPolicy' && m.obj.metadata.name === 'milvus'
          ? {
              ...m,
              obj: {
                ...m.obj,
                spec: {
                  ...m.obj.spec,
                  ingress: m.obj.spec.ingress.filter(
                    (r: any) => !r.from?.some((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus'),
                  ),
                },
              },
            }
          : m,
      ),
    };
    expect(blockedFlows(env, withoutScrape).filter(scrape).length).toBeGreaterThan(0);
  });

  // The workloads' scrapes: each allowed by the committed policies, each blocked once its namespace's policies drop the
  // rules admitting Prometheus.
  const isPrometheusRule = (r: any) => r.from?.some((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus');
  test.each(['azure-prod', 'aws-dev'])('%s: Prometheus → every model server and Spark driver is allowed; without the scrape rules it is blocked', (name) => {
    const out = dist.environments.find((e) => e.name === name)!;
    const env = resolvePlatform(specWith(name, () => {})).environments.find((e) => e.name === name)!;
    const targets = scrapeTargets(env).filter((t) => ['mlops', 'lakehouse'].includes(t.pods.namespace ?? ''));
    expect(targets.map((t) => t.name).sort()).toEqual(['lakehouse-spark-driver', 'mlops-churn-predictor', 'mlops-iris-ab-executor', 'mlops-iris-queue-proxy']);
    const fromPrometheus = (v: { resource: string }) => v.resource.startsWith(`flow ${PROMETHEUS_PODS.namespace}/${PROMETHEUS_PODS.name} -> `);
    expect(blockedFlows(env, out).filter(fromPrometheus)).toEqual([]);
    const stripped = {
      ...out,
      manifests: out.manifests.map((m) =>
        m.obj.kind === 'NetworkPolicy' && ['mlops', 'lakehouse'].includes(m.obj.metadata.namespace ?? '')
          ? { ...m, obj: { ...m.obj, spec: { ...m.obj.spec, ingress: (m.obj.spec.ingress ?? []).filter((r: any) => !isPrometheusRule(r)) } } }
          : m,
      ),
    };
    const blocked = blockedFlows(env, stripped)
      .filter(fromPrometheus)
      .map((v) => v.resource);
    for (const t of targets) expect(blocked.some((r) => r.includes(`-> ${t.pods.namespace}/${t.pods.name}`))).toBe(true);
  });
});

describe('the monitoring namespace’s NetworkPolicies', () => {
  const dist = readOutput(path.join(REPO, 'dist'));
  const { prometheus, alertmanager, grafana, kubeStateMetrics, operator } = MONITORING_PODS;
  const inMonitoring = (v: { resource: string }) => / -> monitoring\//.test(v.resource);

  test.each(['aws-prod', 'azure-dev'])('%s: every flow of the monitoring stack is allowed by the committed policies', (name) => {
    const out = dist.environments.find((e) => e.name === name)!;
    const env = resolvePlatform(specWith(name, () => {})).environments.find((e) => e.name === name)!;
    // The stack's own 8 in monitoring, Prometheus's 5 beyond its scrape targets (API server twice, nodes, CoreDNS, DCGM
    // on GPU pools), Grafana's 3 and one each for kube-state-metrics and the operator to the API server; the managed
    // store's 3 (DNS, identity, remote write) and Grafana's 2 to it (identity, queries); OpenCost's 4.
    const gpu = env.cluster.gpuPools.length > 0 ? 1 : 0;
    expect(monitoringFlows(env).length).toBe(8 + 4 + gpu + 3 + 2 + (env.observability.managedStore ? 3 + 2 : 0) + (env.observability.opencost ? 4 : 0));
    expect(blockedFlows(env, out).filter(inMonitoring)).toEqual([]);
  });

  test('without the allow policies every flow into monitoring is blocked, but the one to the Prometheus Operator (left outside the default deny for its webhook)', () => {
    const out = dist.environments.find((e) => e.name === 'aws-prod')!;
    const env = resolvePlatform(specWith('aws-prod', () => {})).environments.find((e) => e.name === 'aws-prod')!;
    const onlyDeny = {
      ...out,
      manifests: out.manifests.filter(
        (m) => !(m.obj.kind === 'NetworkPolicy' && m.obj.metadata.namespace === 'monitoring' && m.obj.metadata.name !== 'monitoring-default-deny-ingress'),
      ),
    };
    const blocked = blockedFlows(env, onlyDeny)
      .filter(inMonitoring)
      .map((v) => v.resource);
    for (const [from, to] of [
      [prometheus, prometheus],
      [prometheus, alertmanager],
      [prometheus, grafana],
      [prometheus, kubeStateMetrics],
      [grafana, prometheus],
      [grafana, alertmanager],
    ])
      expect(blocked.filter((r) => r.startsWith(`flow monitoring/${from.name} -> monitoring/${to.name}`)).length).toBeGreaterThan(0);
    expect(blocked.filter((r) => r.includes(`-> monitoring/${operator.name}`))).toEqual([]);
  });

  // Alertmanager and Grafana run one replica each: no mesh (9094) between replicas to allow. More replicas need that flow.
  test.each(all)('%s: Alertmanager and Grafana run single replicas, so the policies need no mesh flow', (_n, ctx) => {
    const values = operatorValues(ctx, 'kube-prometheus-stack') as any;
    expect(values.alertmanager?.alertmanagerSpec?.replicas ?? 1).toBe(1);
    expect(values.grafana?.replicas ?? 1).toBe(1);
    expect(values.grafana?.['grafana.ini']?.unified_alerting?.ha_peers).toBeUndefined();
  });

  test('no other pod reaches Prometheus, Alertmanager, Grafana or kube-state-metrics, and Prometheus only on the ports its flows name', () => {
    const out = dist.environments.find((e) => e.name === 'azure-prod')!;
    const policies = policiesOf(out.manifests);
    const nsLabels = namespaceLabels(out.manifests);
    const ragApi = { name: 'rag-api', namespace: 'rag', labels: { 'app.kubernetes.io/name': 'rag-api' } };
    const port = (n: number) => ({ port: n, protocol: 'TCP' as const });
    for (const [to, n] of [
      [prometheus, 9090],
      [alertmanager, 9093],
      [grafana, 3000],
      [kubeStateMetrics, 8080],
    ] as const)
      expect({ to: to.name, allowed: verdict(policies, nsLabels, to, 'Ingress', ragApi, port(n)).allowed }).toEqual({ to: to.name, allowed: false });
    expect(verdict(policies, nsLabels, prometheus, 'Ingress', grafana, port(9090)).allowed).toBe(true);
    expect(verdict(policies, nsLabels, prometheus, 'Ingress', grafana, port(8080)).allowed).toBe(false);
    expect(verdict(policies, nsLabels, operator, 'Ingress', ragApi, port(10250)).allowed).toBe(true);
  });
});

describe('the dashboard picture in the README', () => {
  const env = resolvePlatform(specWith('aws-prod', () => {})).environments.find((e) => e.name === PICTURED.environment)!;
  const mlops = dashboards(env).find((d) => d.uid === PICTURED.uid)!;

  test('docs/dashboard-mlops.svg is drawn from aws-prod’s MLOps dashboard as it is now (npm run dashboard-picture rewrites it)', () => {
    expect(fs.readFileSync(path.join(REPO, PICTURED.file), 'utf8')).toBe(picturedSvg());
    expect(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')).toContain(`](${PICTURED.file})`);
  });

  test('every panel is at its place on the 24-column grid, with its title and kind; text is escaped', () => {
    const svg = dashboardLayoutSvg(mlops);
    expect(mlops.json.panels.length).toBeGreaterThan(8);
    for (const p of mlops.json.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(svg).toContain(`<rect x="${x * 40 + 4}" y="${44 + y * 12 + 4}" width="${w * 40 - 8}" height="${h * 12 - 8}"`);
      expect(svg).toContain(`>${p.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</text>`);
    }
    const quirky = { ...mlops, json: { ...mlops.json, panels: [{ ...mlops.json.panels[0], title: 'p99 < 1 s & "fast"' }] } };
    expect(dashboardLayoutSvg(quirky)).toContain('>p99 &lt; 1 s &amp; &quot;fast&quot;</text>');
    expect(svg.match(/<text /g)!.length).toBe(svg.match(/<\/text>/g)!.length);
  });
});
