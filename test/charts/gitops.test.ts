/**
 * The GitOps layer (dist/<env>/gitops/): Argo CD on the AWS environments, Flux on the Azure ones.
 * Everything is read from a full in-memory synth of an environment (what `npm run synth` writes), and
 * checked against what the rest of the output says: the app directories under kubernetes/, the custom
 * resources in them, the Terraform identities and node pools, and ../shared/schemas (CRDs, SOURCES.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { findProblems, loadPlatform } from '../../src/model/load';
import { EDW_OUTPUTS, EDW_STACK } from '../../src/model/naming';
import { chartVersion, chartVersions, OPERATORS, operatorFor, operatorNamespacePodSecurity, operatorsFor, type OperatorName } from '../../src/model/operators';
import { ModelError } from '../../src/model/problems';
import type { EnvironmentSpec, GitopsSpec, PlatformSpec, Environment, Platform } from '../../src/model/types';
import { defaultPlatform, EXAMPLE_AZURE_TENANT, EXAMPLE_GITOPS_REPO } from '../../src/platform';
import { DEFAULT_OUTPUTS_DIR } from '../../src/synth/outputs';
import { synthesizeEnvironment, type RenderedEnvironment } from '../../src/synth/synthesize';
import { loadKubernetesBundle, validateManifest, type KubernetesBundle } from '../../src/validate/kubernetes';
import { buildKubernetesBundle } from '../../src/validate/kubernetes-bundle';
import { emptyOutputsDir, exampleOutput, specWith } from './helpers';

const SHARED_SCHEMAS = path.resolve(__dirname, '../..', '../shared/schemas');
const SOURCES_MD = path.join(SHARED_SCHEMAS, 'SOURCES.md');

const ENVS = ['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod'] as const;
const ARGO_ENVS = ['aws-dev', 'aws-prod'] as const;
const FLUX_ENVS = ['azure-dev', 'azure-prod'] as const;

const IN_CLUSTER = 'https://kubernetes.default.svc';
const FLUX_KUSTOMIZATION_API = 'kustomize.toolkit.fluxcd.io/v1';
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
const FLUX_FORCE = 'kustomize.toolkit.fluxcd.io/force';
const ARGO_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const POOL_LABEL = 'platform-synth.io/pool';
const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' };
const AKS_SPOT_TOLERATION = { key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' };
const KARPENTER_SPOT_TOLERATION = { key: 'platform-synth.io/spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' };
const ALL_OPERATORS = Object.keys(OPERATORS) as OperatorName[];
/** The namespaces a release installs into: its own and the ones its values send pods to. */
const releaseNamespaces = (o: OperatorName): string[] => [OPERATORS[o].namespace, ...OPERATORS[o].otherNamespaces.map((n) => n.name)];

// ---- one environment, synthesized in memory

interface Doc {
  /** Relative to dist/, e.g. `aws-dev/gitops/apps/application-aws-dev-edw.yaml`. */
  readonly file: string;
  readonly obj: any;
}

interface Synth {
  readonly platform: Platform;
  readonly env: Environment;
  readonly rendered: RenderedEnvironment;
  /** Every YAML object of the environment (kustomization.yaml files left out). */
  readonly docs: readonly Doc[];
}

function synth(spec: PlatformSpec, envName: string, outputsDir: string = DEFAULT_OUTPUTS_DIR, allowMissingOutputs = false): Synth {
  const platform = loadPlatform(spec);
  const env = platform.environments.find((e) => e.name === envName);
  if (!env) throw new Error(`no environment ${envName}`);
  const rendered = synthesizeEnvironment(platform, env, { outputsDir, allowMissingOutputs });
  const docs = [...rendered.files]
    .filter(([file]) => file.endsWith('.yaml') && path.posix.basename(file) !== 'kustomization.yaml')
    .map(([file, text]) => ({ file, obj: parse(text) }));
  return { platform, env, rendered, docs };
}

const DEFAULT: Record<string, Synth> = Object.fromEntries(ENVS.map((name) => [name, synth(defaultPlatform, name)]));

/** The default model with the `gitops` of one environment changed. */
const withGitops = (envName: string, patch: Partial<GitopsSpec>) =>
  synth(
    specWith(envName, (e) => Object.assign(e.gitops!, patch)),
    envName,
  );
const edited = (envName: string, edit: (e: EnvironmentSpec) => void) => synth(specWith(envName, edit), envName);

const docsUnder = (s: Synth, dir: string): Doc[] => s.docs.filter((d) => d.file.startsWith(`${s.env.name}/${dir}/`));
const gitopsDocs = (s: Synth) => docsUnder(s, 'gitops');
const gitopsObjects = (s: Synth) => gitopsDocs(s).map((d) => d.obj);
const kubernetesObjects = (s: Synth) => docsUnder(s, 'kubernetes').map((d) => d.obj);
/** Files directly in a directory (relative to dist/), kustomization.yaml included. */
const filesIn = (s: Synth, dir: string) => [...s.rendered.files.keys()].filter((f) => path.posix.dirname(f) === dir).map((f) => path.posix.basename(f));
const kustomizationOf = (s: Synth, dir: string): any => {
  const text = s.rendered.files.get(`${dir}/kustomization.yaml`);
  expect(text).toBeDefined();
  return parse(text!);
};

/** The directories under dist/<env>/kubernetes/ (each has a kustomization.yaml). */
function appDirs(s: Synth): string[] {
  const re = new RegExp(`^${s.env.name}/kubernetes/([^/]+)/kustomization\\.yaml$`);
  return [...s.rendered.files.keys()].flatMap((f) => re.exec(f)?.[1] ?? []).sort();
}
const appObjects = (s: Synth, app: string) => docsUnder(s, `kubernetes/${app}`).map((d) => d.obj);

/** Exactly one GitOps object of a kind and name. */
function named(s: Synth, kind: string, name: string): any {
  const found = gitopsObjects(s).filter((o) => o.kind === kind && o.metadata.name === name);
  expect({ kind, name, count: found.length }).toEqual({ kind, name, count: 1 });
  return found[0];
}
const ofKind = (s: Synth, kind: string) => gitopsObjects(s).filter((o) => o.kind === kind);
const applications = (s: Synth) => ofKind(s, 'Application');
const fluxKustomizations = (s: Synth) => ofKind(s, 'Kustomization').filter((o) => o.apiVersion === FLUX_KUSTOMIZATION_API);

/** The directory of the output (relative to dist/) a GitOps path (`<basePath>/<env>/…`, Flux with `./`) points at. */
function outputDirOf(s: Synth, repoPath: string): string {
  const rel = repoPath.replace(/^\.\//, '');
  const prefix = `${s.env.gitops!.basePath}/`;
  expect({ repoPath, underBasePath: rel.startsWith(prefix) }).toEqual({ repoPath, underBasePath: true });
  return rel.slice(prefix.length);
}

/** Argo CD: the root and app Applications (project `<env>`), which read the platform repository; operators read charts. */
/** An Application of the repository's directories (the platform's apps and the root app), not a pinned chart. */
const isGitApplication = (s: Synth) => (a: any) => a.spec.project === s.env.name || a.spec.project === `${s.env.name}-root`;

/** Where Argo CD reads a pinned chart: a Helm repository's chart by name, or an OCI chart artifact as such (`path: .`). */
const argoChartSource = (r: (typeof OPERATORS)[OperatorName], kubernetesVersion: string) =>
  r.oci
    ? { repoURL: `oci://${r.repository}/${r.chart}`, path: '.', targetRevision: chartVersion(r, kubernetesVersion) }
    : { repoURL: r.repository, chart: r.chart, targetRevision: chartVersion(r, kubernetesVersion) };

/** [object name, path] of every Application / Kustomization that applies a directory of the repository. */
function deliveries(s: Synth): [string, string][] {
  if (s.env.gitops!.tool === 'argocd')
    return applications(s)
      .filter(isGitApplication(s))
      .map((a) => [a.metadata.name, a.spec.source.path]);
  return fluxKustomizations(s).map((k) => [k.metadata.name, k.spec.path]);
}

/** The operators the environment's GitOps objects install, sorted. */
function releasedOperators(s: Synth): string[] {
  if (s.env.gitops!.tool === 'argocd') {
    const prefix = `${s.env.name}-operator-`;
    return applications(s)
      .filter((a) => a.spec.project === `${s.env.name}-operators`)
      .map((a) => {
        expect(a.metadata.name.startsWith(prefix)).toBe(true);
        return a.metadata.name.slice(prefix.length);
      })
      .sort();
  }
  return ofKind(s, 'HelmRelease')
    .map((r) => r.metadata.name)
    .sort();
}

/** The Helm values an operator is installed with. */
function valuesOf(s: Synth, operator: OperatorName): any {
  if (s.env.gitops!.tool === 'argocd') return named(s, 'Application', `${s.env.name}-operator-${operator}`).spec.source.helm.valuesObject;
  return named(s, 'HelmRelease', operator).spec.values;
}

const avk = (o: any) => `${o.apiVersion} ${o.kind}`;

/** [app, operator, object] for every custom resource of an app served by an operator the environment installs. */
function servedResources(s: Synth): [string, OperatorName, string][] {
  const installed = operatorsFor(s.env);
  return appDirs(s).flatMap((app) =>
    appObjects(s, app).flatMap((o): [string, OperatorName, string][] => {
      const operator = operatorFor(avk(o), installed);
      return operator ? [[app, operator, `${o.kind}/${o.metadata.name}`]] : [];
    }),
  );
}

/** Every custom resource whose kind some catalog operator serves has that operator installed (KEDA: unless the AKS add-on runs it). */
function expectEveryCustomResourceServed(s: Synth): void {
  const installed = operatorsFor(s.env);
  expect(releasedOperators(s)).toEqual([...installed].sort());
  for (const o of kubernetesObjects(s)) {
    const operator = operatorFor(avk(o), ALL_OPERATORS);
    if (!operator) continue;
    const byAddon = operator === 'keda' && s.env.edw?.keda === 'aks-addon';
    expect({ resource: `${o.kind}/${o.metadata.name}`, operator, installed: installed.includes(operator) }).toEqual({
      resource: `${o.kind}/${o.metadata.name}`,
      operator,
      installed: !byAddon,
    });
  }
}

function terraformResources(s: Synth, type: string): any[] {
  return [...s.rendered.files]
    .filter(([f]) => f.startsWith(`${s.env.name}/terraform/`) && f.endsWith('.tf.json'))
    .flatMap(([, text]) => Object.values((JSON.parse(text).resource ?? {})[type] ?? {}));
}

const sorted = <T>(xs: Iterable<T>): T[] => [...xs].sort();
const unique = <T>(xs: Iterable<T>): T[] => sorted(new Set(xs));

/** Flux: exactly one HelmRepository per repository the installed operators' charts come from. */
function expectHelmRepositoriesFor(s: Synth, installed: readonly OperatorName[]): void {
  expect(sorted(ofKind(s, 'HelmRepository').map((r) => r.metadata.name))).toEqual(unique(installed.map((o) => OPERATORS[o].repositoryName)));
}

// ---- tests

describe('GitOps delivery (dist/<env>/gitops/)', () => {
  test('AWS environments use Argo CD, Azure ones Flux, each only its own kinds', () => {
    for (const name of ARGO_ENVS) {
      expect(DEFAULT[name].env.gitops!.tool).toBe('argocd');
      // And argocd-config/'s one ConfigMap: Argo CD's Application health check.
      expect(unique(gitopsObjects(DEFAULT[name]).map(avk))).toEqual(['argoproj.io/v1alpha1 AppProject', 'argoproj.io/v1alpha1 Application', 'v1 ConfigMap']);
    }
    for (const name of FLUX_ENVS) {
      expect(DEFAULT[name].env.gitops!.tool).toBe('flux');
      expect(unique(gitopsObjects(DEFAULT[name]).map(avk))).toEqual([
        'helm.toolkit.fluxcd.io/v2 HelmRelease',
        'kustomize.toolkit.fluxcd.io/v1 Kustomization',
        'source.toolkit.fluxcd.io/v1 GitRepository',
        'source.toolkit.fluxcd.io/v1 HelmRepository',
        // The operators' namespaces, with their Pod Security labels, beside their HelmReleases.
        'v1 Namespace',
      ]);
    }
  });

  test.each(ARGO_ENVS)('%s: argocd-config/ turns on Application health, applied once by hand and synced by no Application', (name) => {
    const s = DEFAULT[name];
    const config = s.docs.filter((d) => d.file.startsWith(`${name}/gitops/argocd-config/`));
    expect(config.map((d) => [d.obj.kind, d.obj.metadata.namespace, d.obj.metadata.name])).toEqual([['ConfigMap', 'argocd', 'argocd-cm']]);
    const cm = config[0].obj;
    // Argo CD reads its settings from the ConfigMap labelled part of argocd.
    expect(cm.metadata.labels['app.kubernetes.io/part-of']).toBe('argocd');
    // The documented check: an Application's health is its status's, Progressing until it has one.
    const lua = cm.data['resource.customizations.health.argoproj.io_Application'];
    expect(lua).toContain('hs.status = obj.status.health.status');
    expect(lua).toMatch(/^hs = \{\}\nhs.status = "Progressing"/);
    // Only the key: a client-side apply merges it into the installed argocd-cm and leaves the rest.
    expect(Object.keys(cm.data)).toEqual(['resource.customizations.health.argoproj.io_Application']);
    // No Application points at it (the root's project may not write ConfigMaps into argocd), and bootstrap does not include it.
    const sources = s.docs
      .filter((d) => d.obj.kind === 'Application')
      .flatMap((d) => [d.obj.spec.source?.path, ...(d.obj.spec.sources ?? []).map((x: any) => x.path)]);
    expect(sources.filter((p) => p?.includes('argocd-config'))).toEqual([]);
    expect(s.rendered.files.get(`${name}/gitops/bootstrap/kustomization.yaml`)).not.toContain('argocd-config');
    for (const flux of FLUX_ENVS) expect([...DEFAULT[flux].rendered.files.keys()].some((f) => f.includes('argocd-config'))).toBe(false);
  });

  describe('validity', () => {
    const emitted = ENVS.flatMap((name) => gitopsDocs(DEFAULT[name]).map((d) => [d.file, d.obj] as const));

    test('every environment emits GitOps objects to check', () => {
      for (const name of ENVS) expect(emitted.filter(([file]) => file.startsWith(`${name}/gitops/`)).length).toBeGreaterThan(10);
    });

    test.each(emitted)('%s is valid against the bundled schemas', (_file, obj) => {
      expect(validateManifest(obj)).toEqual([]);
    });

    test('the validator rejects what the GitOps CRDs do not allow', () => {
      const app = structuredClone(emitted.find(([, o]) => o.kind === 'Application')![1]);
      app.spec.syncPolicy.retry.limit = 'five';
      app.spec.sourceRepo = 'typo';
      expect(validateManifest(app).map((p) => p.path)).toEqual(expect.arrayContaining(['spec.syncPolicy.retry.limit', 'spec.sourceRepo']));
      const release = structuredClone(emitted.find(([, o]) => o.kind === 'HelmRelease')![1]);
      release.spec.install.crds = 'Sometimes';
      expect(validateManifest(release).map((p) => p.path)).toContain('spec.install.crds');
      const kustomization = structuredClone(emitted.find(([, o]) => o.apiVersion === FLUX_KUSTOMIZATION_API)![1]);
      delete kustomization.spec.sourceRef;
      expect(validateManifest(kustomization).map((p) => p.path)).toContain('spec.sourceRef');
    });

    (fs.existsSync(SHARED_SCHEMAS) ? describe : describe.skip)('against the full CRDs in ../shared/schemas, built afresh', () => {
      let fresh: KubernetesBundle;
      beforeAll(() => {
        fresh = buildKubernetesBundle(SHARED_SCHEMAS);
      });

      test.each(emitted.filter(([, o]) => o.apiVersion.includes('/')))('%s is valid against its full CRD', (_file, obj) => {
        const [group] = obj.apiVersion.split('/');
        expect(fresh.kinds[obj.apiVersion][obj.kind].source).toMatch(new RegExp(`^crds/${group.replace(/\./g, '\\.')}_[a-z]+\\.yaml$`));
        expect(validateManifest(obj, fresh)).toEqual([]);
      });
    });
  });

  describe('ordering: every custom resource’s operator syncs first', () => {
    test.each(ARGO_ENVS)('%s: sync waves: platform, then operators after their dependencies, then the apps using them', (name) => {
      const s = DEFAULT[name];
      const wave = (appName: string): number => {
        const w = named(s, 'Application', appName).metadata.annotations?.[SYNC_WAVE];
        expect({ appName, wave: w }).toEqual({ appName, wave: expect.stringMatching(/^-?\d+$/) });
        return Number(w);
      };
      const served = servedResources(s);
      // aws-prod's burst runs a training entry on SageMaker: a TrainingJob the ACK controller serves.
      const burst: OperatorName[] = name === 'aws-prod' ? ['ack-sagemaker-controller'] : [];
      expect(unique(served.map(([, op]) => op))).toEqual(
        sorted([
          'external-secrets',
          'istiod',
          'karpenter',
          'keda',
          'knative-operator',
          'kserve-runtime-configs',
          // The observability app's PodMonitors and PrometheusRule.
          'kube-prometheus-stack',
          'milvus-operator',
          'seldon-core-operator',
          'spark-operator',
          ...burst,
        ]),
      );
      for (const [app, operator, resource] of served) {
        expect({ app, resource, operator, operatorFirst: wave(`${name}-operator-${operator}`) < wave(`${name}-${app}`) }).toEqual({
          app,
          resource,
          operator,
          operatorFirst: true,
        });
      }
      for (const operator of releasedOperators(s) as OperatorName[]) {
        for (const dep of OPERATORS[operator].dependsOn) {
          expect({ operator, dep, depFirst: wave(`${name}-operator-${dep}`) < wave(`${name}-operator-${operator}`) }).toEqual({
            operator,
            dep,
            depFirst: true,
          });
        }
      }
      expect(wave(`${name}-operator-kserve-crd`)).toBeLessThan(wave(`${name}-operator-kserve-resources`));
      expect(wave(`${name}-operator-cert-manager`)).toBeLessThan(wave(`${name}-operator-kserve-resources`));
      expect(wave(`${name}-operator-kserve-resources`)).toBeLessThan(wave(`${name}-operator-kserve-runtime-configs`));
      const platform = wave(`${name}-platform`);
      const others = docsUnder(s, 'gitops/apps')
        .map((d) => d.obj)
        .filter((o) => o.kind === 'Application' && o.metadata.name !== `${name}-platform`);
      expect(others.length).toBeGreaterThan(10);
      for (const o of others)
        expect({ app: o.metadata.name, afterPlatform: wave(o.metadata.name) > platform }).toEqual({ app: o.metadata.name, afterPlatform: true });
    });

    test.each(FLUX_ENVS)('%s: a Kustomization per app and per operator, each dependsOn exactly what it needs', (name) => {
      const s = DEFAULT[name];
      const kustomizations = new Map(fluxKustomizations(s).map((k) => [k.metadata.name, k]));
      const dependsOn = (k: any): string[] => (k.spec.dependsOn ?? []).map((d: any) => d.name);
      const operatorK = (o: string) => `${name}-operator-${o}`;
      const served = servedResources(s);
      expect(served.length).toBeGreaterThan(0);

      // Each operator: its own directory holding exactly its HelmRelease; after the platform and the releases it names.
      for (const operator of releasedOperators(s) as OperatorName[]) {
        const k = kustomizations.get(operatorK(operator));
        expect({ operator, wait: k?.spec.wait }).toEqual({ operator, wait: true });
        const dir = outputDirOf(s, k.spec.path);
        expect(dir).toBe(`${name}/gitops/operators/${operator}`);
        // Its HelmRelease, and the Namespace of the first release in it (another test checks which one).
        expect(
          s.docs.filter((d) => path.posix.dirname(d.file) === dir && d.obj.kind !== 'Namespace').map((d) => `${d.obj.kind}/${d.obj.metadata.name}`),
        ).toEqual([`HelmRelease/${operator}`]);
        const holdingAfter = appDirs(s).filter((a) =>
          docsUnder(s, `kubernetes/${a}`).some((d) => OPERATORS[operator].after.includes(`${d.obj.apiVersion} ${d.obj.kind}`)),
        );
        expect({ operator, dependsOn: sorted(dependsOn(k)) }).toEqual({
          operator,
          dependsOn: sorted([`${name}-platform`, ...OPERATORS[operator].dependsOn.map(operatorK), ...holdingAfter.map((a) => `${name}-${a}`)]),
        });
        for (const dep of OPERATORS[operator].dependsOn) expect(dependsOn(k)).toContain(operatorK(dep));
      }
      expect(sorted(dependsOn(kustomizations.get(operatorK('kserve-resources'))))).toEqual(
        expect.arrayContaining([operatorK('cert-manager'), operatorK('kserve-crd')]),
      );
      expect(dependsOn(kustomizations.get(operatorK('kserve-runtime-configs')))).toContain(operatorK('kserve-resources'));
      expect(dependsOn(kustomizations.get(operatorK('seldon-core-operator')))).toContain(operatorK('cert-manager'));

      // Each app: after the platform and exactly the operators serving its custom resources.
      for (const app of appDirs(s).filter((a) => a !== 'platform')) {
        const k = kustomizations.get(`${name}-${app}`);
        const needs = unique(served.filter(([a]) => a === app).map(([, op]) => operatorK(op)));
        expect({ app, dependsOn: sorted(dependsOn(k)) }).toEqual({ app, dependsOn: sorted([`${name}-platform`, ...needs]) });
      }
      // The platform app first, and ready before anything depends on it.
      const platform = kustomizations.get(`${name}-platform`);
      expect(platform.spec.wait).toBe(true);
      expect(platform.spec.dependsOn).toBeUndefined();
      // Operators and the apps something depends on wait (dependsOn means ready); other apps do not (a training Job would hold them for hours).
      const needed = new Set([...kustomizations.values()].flatMap(dependsOn));
      for (const k of kustomizations.values()) {
        const waits = k.metadata.name.startsWith(`${name}-operator-`) || needed.has(k.metadata.name);
        if (k.metadata.name !== `${name}-root`) expect({ k: k.metadata.name, wait: k.spec.wait }).toEqual({ k: k.metadata.name, wait: waits });
      }
      // No dangling dependsOn; HelmReleases carry none (their Kustomizations order them).
      for (const k of kustomizations.values()) for (const dep of dependsOn(k)) expect(kustomizations.has(dep)).toBe(true);
      for (const release of ofKind(s, 'HelmRelease')) expect(release.spec.dependsOn).toBeUndefined();
      // A first install that only needs time never runs out of retries (a count ends Stalled until someone forces it).
      for (const release of ofKind(s, 'HelmRelease')) {
        expect(release.spec.install.remediation).toEqual({ retries: -1 });
        expect(release.spec.upgrade.remediation).toEqual({ retries: -1, remediateLastFailure: true });
        expect(release.spec.timeout).toBe('15m');
      }
    });

    test.each([...ARGO_ENVS, ...FLUX_ENVS])(
      '%s: run-to-completion objects are left out of Argo CD’s health (a running or failed job would hold every later wave)',
      (name) => {
        const ignored = (d: Doc) => d.obj.metadata?.annotations?.['argocd.argoproj.io/ignore-healthcheck'] === 'true';
        const workloads = DEFAULT[name].docs.filter((d) => d.file.startsWith(`${name}/kubernetes/`));
        const batch = workloads.filter((d) => ['Job', 'CronJob', 'SparkApplication', 'ScheduledSparkApplication'].includes(d.obj.kind));
        // The default model runs training, a producer, the database-user Job and Spark jobs everywhere.
        expect(batch.some((d) => d.obj.kind.includes('SparkApplication'))).toBe(true);
        expect(batch.some((d) => d.obj.kind === 'Job' || d.obj.kind === 'CronJob')).toBe(true);
        const argo = (ARGO_ENVS as readonly string[]).includes(name);
        for (const d of batch) expect([d.file, ignored(d)]).toEqual([d.file, argo]);
        // Everything else keeps its health (a Deployment that does not come up must hold the waves after it).
        for (const d of workloads.filter((x) => !batch.includes(x))) expect([d.file, ignored(d)]).toEqual([d.file, false]);
      },
    );

    test.each(ARGO_ENVS)(
      '%s: fields an operator’s controller rewrites are left to it (ignoreDifferences, respected in syncs); nothing else is ignored',
      (name) => {
        const s = DEFAULT[name];
        for (const app of applications(s)) {
          const operator = releasedOperators(s).find((o) => app.metadata.name === `${name}-operator-${o}`) as OperatorName | undefined;
          const owned = operator ? OPERATORS[operator].controllerOwned : [];
          expect({ app: app.metadata.name, ignore: app.spec.ignoreDifferences ?? [] }).toEqual({ app: app.metadata.name, ignore: owned });
          expect({ app: app.metadata.name, respect: app.spec.syncPolicy.syncOptions.includes('RespectIgnoreDifferences=true') }).toEqual({
            app: app.metadata.name,
            respect: owned.length > 0,
          });
        }
        expect(named(s, 'Application', `${name}-operator-istiod`).spec.ignoreDifferences).toEqual([
          { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.failurePolicy'] },
        ]);
      },
    );

    test.each(FLUX_ENVS)(
      '%s: an app another unit waits for judges its custom resources as their operator says (KnativeServing: Ready for this generation)',
      (name) => {
        const k = named(DEFAULT[name], 'Kustomization', `${name}-serving-ingress`);
        expect(k.spec.wait).toBe(true);
        expect(k.spec.healthCheckExprs).toEqual([
          {
            apiVersion: 'operator.knative.dev/v1beta1',
            kind: 'KnativeServing',
            current: OPERATORS['knative-operator'].readiness['operator.knative.dev/v1beta1 KnativeServing'],
          },
        ]);
        expect(k.spec.healthCheckExprs[0].current).toMatch(/observedGeneration == metadata\.generation/);
        expect(k.spec.healthCheckExprs[0].current).toMatch(/c\.type == 'Ready' && c\.status == 'True'/);
        // kserve-resources waits for it: its controller watches Knative's Services only if their CRD exists when it starts.
        expect(named(DEFAULT[name], 'Kustomization', `${name}-operator-kserve-resources`).spec.dependsOn).toContainEqual({ name: `${name}-serving-ingress` });
      },
    );

    test.each(FLUX_ENVS)('%s: each operator namespace is created once, with its Pod Security labels, before every release in it', (name) => {
      const s = DEFAULT[name];
      const kustomizations = fluxKustomizations(s);
      const needs = (k: string): Set<string> => {
        const out = new Set<string>();
        const visit = (n: string) => {
          for (const d of kustomizations.find((x) => x.metadata.name === n)?.spec.dependsOn ?? []) {
            if (out.has(d.name)) continue;
            out.add(d.name);
            visit(d.name);
          }
        };
        visit(k);
        return out;
      };
      const namespaces = docsUnder(s, 'gitops/operators').filter((d) => d.obj.kind === 'Namespace');
      expect(namespaces.map((d) => d.obj.metadata.name)).toEqual(expect.arrayContaining(['istio-system', 'kserve', 'cert-manager']));
      expect(unique(namespaces.map((d) => d.obj.metadata.name))).toHaveLength(namespaces.length);
      for (const d of namespaces) {
        const owner = path.posix.basename(path.posix.dirname(d.file));
        expect(d.obj.metadata.labels['pod-security.kubernetes.io/enforce']).toBe(operatorNamespacePodSecurity(s.env).get(d.obj.metadata.name)!.level);
        for (const operator of releasedOperators(s) as OperatorName[]) {
          if (OPERATORS[operator].namespace !== d.obj.metadata.name || operator === owner) continue;
          expect({ operator, after: needs(`${name}-operator-${operator}`).has(`${name}-operator-${owner}`) }).toEqual({ operator, after: true });
        }
      }
    });

    test.each(FLUX_ENVS)('%s: a failing operator holds back only what depends on it', (name) => {
      const s = DEFAULT[name];
      const kustomizations = fluxKustomizations(s);
      const dependants = (root: string): string[] => {
        const out = new Set<string>();
        const visit = (n: string) => {
          for (const k of kustomizations) {
            if (out.has(k.metadata.name) || !(k.spec.dependsOn ?? []).some((d: any) => d.name === n)) continue;
            out.add(k.metadata.name);
            visit(k.metadata.name);
          }
        };
        visit(root);
        return sorted([...out]);
      };
      // Milvus' operator is the RAG platform's alone; Spark's the lakehouse's.
      expect(dependants(`${name}-operator-milvus-operator`)).toEqual([`${name}-rag`]);
      expect(dependants(`${name}-operator-spark-operator`)).toEqual([`${name}-lakehouse`]);
      // Seldon's holds back model serving, not the other workloads.
      const seldon = dependants(`${name}-operator-seldon-core-operator`);
      expect(seldon).toContain(`${name}-serving`);
      for (const other of ['edw', 'rag', 'lakehouse', 'mlops']) expect(seldon).not.toContain(`${name}-${other}`);
    });

    test.each(ENVS)('%s: every custom resource a catalog operator serves has that operator installed', (name) => {
      expectEveryCustomResourceServed(DEFAULT[name]);
    });

    test('azure-prod: ScaledObjects are served by the AKS KEDA add-on; no keda release or repository exists', () => {
      const s = DEFAULT['azure-prod'];
      expect(s.env.edw?.keda).toBe('aks-addon');
      expect(terraformResources(s, 'azurerm_kubernetes_cluster').map((c) => c.workload_autoscaler_profile)).toEqual([{ keda_enabled: true }]);
      const scaled = kubernetesObjects(s).filter((o) => o.kind === 'ScaledObject');
      expect(scaled.length).toBeGreaterThan(0);
      for (const o of scaled) expect(operatorFor(avk(o), operatorsFor(s.env))).toBeUndefined();
      expect(releasedOperators(s)).not.toContain('keda');
      expect(ofKind(s, 'HelmRepository').map((r) => r.spec.url)).not.toContain(OPERATORS.keda.repository);
      expect(s.docs.filter((d) => /keda/.test(path.posix.basename(d.file)) && d.file.includes('/gitops/'))).toEqual([]);
    });
  });

  describe('coverage: every app directory is applied by exactly one Application / Kustomization', () => {
    test.each(ENVS)('%s', (name) => {
      const s = DEFAULT[name];
      const flux = s.env.gitops!.tool === 'flux';
      const dirs = appDirs(s);
      expect(dirs).toEqual(expect.arrayContaining(['platform', 'edw', 'rag', 'mlops', 'serving', 'lakehouse']));
      const delivered = deliveries(s);
      for (const [, p] of delivered) expect(p.startsWith('./')).toBe(flux);
      const targets = delivered.map(([n, p]) => [n, outputDirOf(s, p)] as const);
      // None points at a directory the output does not have.
      for (const [n, dir] of targets) expect({ n, dir, exists: s.rendered.files.has(`${dir}/kustomization.yaml`) }).toEqual({ n, dir, exists: true });
      for (const app of dirs) {
        const hits = targets.filter(([, dir]) => dir === `${name}/kubernetes/${app}`);
        expect({ app, by: hits.map(([n]) => n) }).toEqual({ app, by: [`${name}-${app}`] });
      }
      // The root applies gitops/apps, which includes ../bootstrap: the bootstrap objects are kept in sync too.
      const root = named(s, flux ? 'Kustomization' : 'Application', `${name}-root`);
      expect(flux ? root.spec.path : root.spec.source.path).toBe(`${flux ? './' : ''}dist/${name}/gitops/apps`);
      expect(
        gitopsDocs(s)
          .find((d) => d.obj === root)!
          .file.startsWith(`${name}/gitops/bootstrap/`),
      ).toBe(true);
      const appsDir = `${name}/gitops/apps`;
      const appsResources: string[] = kustomizationOf(s, appsDir).resources;
      expect(appsResources).toContain('../bootstrap');
      expect(sorted(appsResources)).toEqual(sorted(['../bootstrap', ...filesIn(s, appsDir).filter((f) => f !== 'kustomization.yaml')]));
      const bootstrapDir = `${name}/gitops/bootstrap`;
      expect(sorted(kustomizationOf(s, bootstrapDir).resources)).toEqual(sorted(filesIn(s, bootstrapDir).filter((f) => f !== 'kustomization.yaml')));
      // Everything delivered is an app directory, gitops/apps (the root) or an operator's gitops/operators/<operator> (Flux).
      const operatorsDir = `${name}/gitops/operators`;
      const operatorDirs = flux ? releasedOperators(s).map((o) => `${operatorsDir}/${o}`) : [];
      expect(unique(targets.map(([, d]) => d))).toEqual(unique([...dirs.map((a) => `${name}/kubernetes/${a}`), appsDir, ...operatorDirs]));
      if (flux) {
        for (const dir of operatorDirs) {
          expect(targets.filter(([, d]) => d === dir).map(([n]) => n)).toEqual([`${name}-operator-${path.posix.basename(dir)}`]);
          expect(sorted(kustomizationOf(s, dir).resources)).toEqual(sorted(filesIn(s, dir).filter((f) => f !== 'kustomization.yaml')));
        }
      } else {
        expect([...s.rendered.files.keys()].filter((f) => f.startsWith(`${operatorsDir}/`))).toEqual([]);
      }
    });

    describe('an app left out for missing Terraform outputs gets no Application / Kustomization', () => {
      const outputsDir = emptyOutputsDir('platform-synth-gitops-outputs-');

      test.each(['aws-dev', 'azure-prod'])('%s', (name) => {
        // The platform stack holds the cluster, so it is applied (and its outputs saved) before anything is delivered.
        const platformOutputs = path.join(DEFAULT_OUTPUTS_DIR, name, 'platform.json');
        if (fs.existsSync(platformOutputs)) {
          fs.mkdirSync(path.join(outputsDir(), name), { recursive: true });
          fs.copyFileSync(platformOutputs, path.join(outputsDir(), name, 'platform.json'));
        }
        const s = synth(defaultPlatform, name, outputsDir(), true);
        const skipped = s.rendered.skippedApps.map((a) => a.app);
        expect(skipped.length).toBeGreaterThan(0);
        expect(skipped).not.toContain('gitops');
        const dirs = appDirs(s);
        expect(dirs).toContain('platform');
        const targets = deliveries(s).map(([, p]) => outputDirOf(s, p));
        for (const dir of targets) expect(s.rendered.files.has(`${dir}/kustomization.yaml`)).toBe(true);
        for (const app of dirs) expect(targets.filter((d) => d === `${name}/kubernetes/${app}`)).toHaveLength(1);
        const names = gitopsObjects(s).map((o) => o.metadata.name);
        for (const app of skipped) {
          expect(dirs).not.toContain(app);
          expect(targets).not.toContain(`${name}/kubernetes/${app}`);
          expect(names).not.toContain(`${name}-${app}`);
        }
        const appsDir = `${name}/gitops/apps`;
        expect(sorted(kustomizationOf(s, appsDir).resources)).toEqual(
          sorted(['../bootstrap', ...filesIn(s, appsDir).filter((f) => f !== 'kustomization.yaml')]),
        );
      });

      test('azure-dev: without the KEDA scaler client id (edw outputs) no GitOps objects are written at all', () => {
        const s = synth(defaultPlatform, 'azure-dev', outputsDir(), true);
        const gitops = s.rendered.skippedApps.find((a) => a.app === 'gitops');
        expect(gitops?.missing.map((m) => m.name)).toContain('edw_scaler_client_id');
        expect([...s.rendered.files.keys()].filter((f) => f.startsWith('azure-dev/gitops/'))).toEqual([]);
      });
    });
  });

  (fs.existsSync(SOURCES_MD) ? describe : describe.skip)('pinned versions', () => {
    /** Upstream repository of the CRDs each operator serves (../shared/schemas/SOURCES.md). */
    const CRD_REPOS: Partial<Record<OperatorName, string>> = {
      'ack-sagemaker-controller': 'aws-controllers-k8s/sagemaker-controller',
      keda: 'kedacore/keda',
      karpenter: 'aws/karpenter-provider-aws',
      'kserve-resources': 'kserve/kserve',
      'kserve-runtime-configs': 'kserve/kserve',
      'kserve-crd': 'kserve/kserve',
      'seldon-core-operator': 'SeldonIO/seldon-core',
      'spark-operator': 'kubeflow/spark-operator',
      'milvus-operator': 'zilliztech/milvus-operator',
      'external-secrets': 'external-secrets/external-secrets',
      'istio-base': 'istio/istio',
      istiod: 'istio/istio',
      'istio-ingressgateway': 'istio/istio',
      'knative-operator': 'knative/operator',
      'kube-prometheus-stack': 'prometheus-community/helm-charts',
    };
    interface SourceRow {
      readonly file: string;
      readonly repo: string;
      readonly path: string;
      readonly tag: string;
    }
    const rows: SourceRow[] = fs.existsSync(SOURCES_MD)
      ? fs
          .readFileSync(SOURCES_MD, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('| crds/'))
          .map((l) => {
            const [file, repo, p, tag] = l
              .split('|')
              .slice(1)
              .map((c) => c.trim());
            return { file, repo, path: p, tag: tag.split(/\s+/)[0] };
          })
      : [];
    // Knative tags its releases `knative-v<version>`.
    const bare = (v: string) => v.replace(/^(knative-|kube-prometheus-stack-)?v?/, '');

    test('SOURCES.md lists the vendored CRDs', () => {
      expect(rows.length).toBeGreaterThan(20);
      expect(rows.find((r) => r.file === 'crds/keda.sh_scaledobjects.yaml')).toMatchObject({ repo: 'kedacore/keda', tag: expect.stringMatching(/^v\d/) });
    });

    test.each(Object.entries(CRD_REPOS))('%s has the chart version of the release its CRDs come from (%s)', (operator, repo) => {
      const tags = unique(rows.filter((r) => r.repo === repo).map((r) => r.tag));
      expect(tags).toHaveLength(1);
      expect(chartVersions(OPERATORS[operator as OperatorName]).map(bare)).toEqual([bare(tags[0])]);
    });

    test('every kind an operator serves is a vendored CRD, from that operator’s repository', () => {
      const bundle = loadKubernetesBundle();
      for (const operator of ALL_OPERATORS) {
        for (const kind of OPERATORS[operator].provides) {
          const [apiVersion, k] = kind.split(' ');
          const source = bundle.kinds[apiVersion]?.[k]?.source;
          expect({ kind, source }).toEqual({ kind, source: expect.stringMatching(/^crds\//) });
          expect({ kind, repo: rows.find((r) => r.file === source)?.repo }).toEqual({ kind, repo: CRD_REPOS[operator] });
        }
      }
    });

    test.each(ENVS)('%s: every release uses exactly the catalog’s repository, chart and version', (name) => {
      const s = DEFAULT[name];
      const installed = operatorsFor(s.env);
      expect(releasedOperators(s)).toEqual(sorted(installed));
      for (const operator of installed) {
        const r = OPERATORS[operator];
        const version = chartVersion(r, s.env.cluster.kubernetesVersion);
        expect(version).toMatch(/^v?\d+\.\d+\.\d+$/);
        if (s.env.gitops!.tool === 'argocd') {
          const app = named(s, 'Application', `${name}-operator-${operator}`);
          const { helm, ...source } = app.spec.source;
          expect(source).toStrictEqual(argoChartSource(r, s.env.cluster.kubernetesVersion));
          expect(helm.releaseName).toBe(r.name);
          expect(source.repoURL.startsWith('oci://')).toBe(r.oci);
          expect(app.spec.destination).toEqual({ server: IN_CLUSTER, namespace: r.namespace });
        } else {
          const release = named(s, 'HelmRelease', operator);
          expect(release.spec.chart.spec).toEqual({ chart: r.chart, version, sourceRef: { kind: 'HelmRepository', name: r.repositoryName } });
          expect(release.spec.releaseName).toBe(r.name);
          expect(release.spec.targetNamespace).toBe(r.namespace);
          const repo = named(s, 'HelmRepository', r.repositoryName);
          expect(repo.metadata.namespace).toBe(release.metadata.namespace);
          expect(repo.spec.url).toBe(r.oci ? `oci://${r.repository}` : r.repository);
          expect(repo.spec.type).toBe(r.oci ? 'oci' : undefined);
        }
      }
      if (s.env.gitops!.tool === 'flux') expectHelmRepositoriesFor(s, installed);
    });
  });

  describe('which operators', () => {
    test('the default model: Karpenter and Cluster Autoscaler on AWS only, KEDA wherever it is installed with Helm, the ACK controller where AWS bursts', () => {
      const everything = sorted(ALL_OPERATORS);
      const but = (...left: OperatorName[]) => everything.filter((o) => !left.includes(o as OperatorName));
      expect(releasedOperators(DEFAULT['aws-dev'])).toEqual(but('ack-sagemaker-controller'));
      expect(releasedOperators(DEFAULT['aws-prod'])).toEqual(everything);
      expect(releasedOperators(DEFAULT['azure-dev'])).toEqual(but('karpenter', 'cluster-autoscaler', 'ack-sagemaker-controller'));
      expect(releasedOperators(DEFAULT['azure-prod'])).toEqual(but('karpenter', 'cluster-autoscaler', 'keda', 'ack-sagemaker-controller'));
    });

    test('Cluster Autoscaler: where a managed node group scales, its chart following the cluster minor, discovering this cluster’s node groups', () => {
      // aws-dev: only its system node group scales (2–3); aws-prod: the system group and the `gpu` node group from 0.
      const values = valuesOf(DEFAULT['aws-prod'], 'cluster-autoscaler');
      expect(values).toEqual({
        cloudProvider: 'aws',
        awsRegion: 'eu-west-1',
        autoDiscovery: { clusterName: 'acme-aws-prod' },
        rbac: { serviceAccount: { create: true, name: 'cluster-autoscaler' } },
      });
      expect(named(DEFAULT['aws-prod'], 'Application', 'aws-prod-operator-cluster-autoscaler').spec.source.targetRevision).toBe('9.59.0');
      expect(chartVersion(OPERATORS['cluster-autoscaler'], '1.35')).toBe('9.59.0');
      expect(() => chartVersion(OPERATORS['cluster-autoscaler'], '1.34')).toThrow(/no chart pinned for Kubernetes 1.34 \(1.33, 1.35\)/);
      const fixed = edited('aws-dev', (e) => (e.cluster.systemPool = { ...e.cluster.systemPool, min: 3, max: 3 }));
      expect(releasedOperators(fixed)).not.toContain('cluster-autoscaler');
    });

    test('the ACK SageMaker controller: only where burst is on, and only on AWS (Azure ML needs no operator)', () => {
      expect([DEFAULT['aws-dev'].env.mlops!.burst.enabled, DEFAULT['aws-prod'].env.mlops!.burst.enabled]).toEqual([false, true]);
      expect(DEFAULT['azure-prod'].env.mlops!.burst.enabled).toBe(true);
      expect(releasedOperators(DEFAULT['azure-prod'])).not.toContain('ack-sagemaker-controller');
      const devWithBurst = edited('aws-dev', (e) => (e.workloads!.mlops!.burst = { enabled: true }));
      expect(releasedOperators(devWithBurst)).toContain('ack-sagemaker-controller');
      // Even with no SageMaker entry: TrainingJobs may be written by hand where burst is on.
      expect(devWithBurst.env.mlops!.sagemakerTraining).toEqual([]);
      const prodWithoutBurst = edited('aws-prod', (e) => {
        const m = e.workloads!.mlops!;
        m.burst = { enabled: false };
        m.training = m.training!.filter((t) => t.runOn !== 'sagemaker');
      });
      expect(releasedOperators(prodWithoutBurst)).not.toContain('ack-sagemaker-controller');
      expect(named(prodWithoutBurst, 'AppProject', 'aws-prod-operators').spec.destinations.map((d: any) => d.namespace)).not.toContain('ack-system');
    });

    test('aws-prod on Flux: the ACK controller is a HelmRelease from the OCI repository, and the mlops Kustomization waits for it', () => {
      const s = withGitops('aws-prod', { tool: 'flux' });
      const release = named(s, 'HelmRelease', 'ack-sagemaker-controller');
      expect(release.spec).toMatchObject({
        releaseName: 'ack-sagemaker-controller',
        targetNamespace: 'ack-system',
        chart: { spec: { chart: 'sagemaker-chart', version: '1.9.1', sourceRef: { kind: 'HelmRepository', name: 'aws-controllers-k8s' } } },
        values: { serviceAccount: { create: true, name: 'ack-sagemaker-controller' }, watchNamespace: 'mlops' },
      });
      expect(named(s, 'HelmRepository', 'aws-controllers-k8s').spec).toMatchObject({ url: 'oci://public.ecr.aws/aws-controllers-k8s', type: 'oci' });
      expect(servedResources(s)).toContainEqual(['mlops', 'ack-sagemaker-controller', expect.stringMatching(/^TrainingJob\/finetune-burst-[0-9a-f]{8}$/)]);
      expect(named(s, 'Kustomization', 'aws-prod-mlops').spec.dependsOn).toContainEqual({ name: 'aws-prod-operator-ack-sagemaker-controller' });
    });

    test('aws-prod: the ACK controller runs as the service account its Pod Identity association names, in the region, on the mlops namespace only', () => {
      const s = DEFAULT['aws-prod'];
      const values = valuesOf(s, 'ack-sagemaker-controller');
      const association = terraformResources(s, 'aws_eks_pod_identity_association').find(
        (a) => a.namespace === OPERATORS['ack-sagemaker-controller'].namespace,
      );
      expect(association).toMatchObject({ namespace: 'ack-system', service_account: values.serviceAccount.name });
      expect(values.serviceAccount).toEqual({ create: true, name: 'ack-sagemaker-controller' });
      expect(values.aws).toEqual({ region: s.env.region });
      // Namespace scope: a Role in mlops (where the TrainingJobs are) instead of a ClusterRole reading every namespace's Secrets.
      expect(values).toMatchObject({ installScope: 'namespace', watchNamespace: 'mlops', reconcile: { resources: ['TrainingJob'] } });
      expect(values.deployment).toEqual({ priorityClassName: 'platform-critical' });
      const trainingJobs = kubernetesObjects(s).filter((o) => o.kind === 'TrainingJob');
      expect(trainingJobs.length).toBeGreaterThan(0);
      for (const o of trainingJobs) expect(o.metadata.namespace).toBe(values.watchNamespace);
    });

    test('azure-dev: KEDA (Helm) runs as the scaler identity the edw stack federates', () => {
      const s = DEFAULT['azure-dev'];
      const clientId = exampleOutput('azure-dev', EDW_STACK, EDW_OUTPUTS.scalerClientId);
      expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
      const values = valuesOf(s, 'keda');
      expect(values.podIdentity).toEqual({ azureWorkload: { enabled: true, clientId, tenantId: EXAMPLE_AZURE_TENANT } });
      const subjects = terraformResources(s, 'azurerm_federated_identity_credential').map((c) => c.subject);
      expect(subjects).toContain(`system:serviceaccount:${OPERATORS.keda.namespace}:${values.serviceAccount.operator.name}`);
      expect(named(s, 'HelmRelease', 'keda').spec.targetNamespace).toBe(OPERATORS.keda.namespace);
    });

    test.each(ARGO_ENVS)('%s: Karpenter and KEDA run as the service accounts their Pod Identity associations name', (name) => {
      const s = DEFAULT[name];
      const associations = terraformResources(s, 'aws_eks_pod_identity_association');
      const keda = valuesOf(s, 'keda');
      expect(keda.podIdentity).toBeUndefined();
      expect(associations).toContainEqual(expect.objectContaining({ namespace: OPERATORS.keda.namespace, service_account: keda.serviceAccount.operator.name }));
      const karpenter = valuesOf(s, 'karpenter');
      expect(associations).toContainEqual(
        expect.objectContaining({ namespace: OPERATORS.karpenter.namespace, service_account: karpenter.serviceAccount.name }),
      );
      expect(karpenter.serviceAccount.create).toBe(true);
      expect(terraformResources(s, 'aws_eks_cluster').map((c) => c.name)).toEqual([karpenter.settings.clusterName]);
      expect(terraformResources(s, 'aws_sqs_queue').map((q) => q.name)).toContain(karpenter.settings.interruptionQueue);
    });

    /** Taints of the GPU pools' nodes, from the node groups / pools in Terraform and the Karpenter NodePools. */
    function gpuPoolTaints(s: Synth): { pool: string; key: string; value: string; effect: string }[] {
      const pools = new Set(s.env.cluster.gpuPools.map((p) => p.name));
      const EKS_EFFECTS: Record<string, string> = { NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' };
      const out: { pool: string; key: string; value: string; effect: string }[] = [];
      for (const g of terraformResources(s, 'aws_eks_node_group')) {
        const pool = g.labels?.[POOL_LABEL];
        if (pools.has(pool)) for (const t of [g.taint ?? []].flat()) out.push({ pool, key: t.key, value: t.value, effect: EKS_EFFECTS[t.effect] });
      }
      for (const p of terraformResources(s, 'azurerm_kubernetes_cluster_node_pool')) {
        const pool = p.node_labels?.[POOL_LABEL];
        if (!pools.has(pool)) continue;
        for (const t of p.node_taints ?? []) {
          const m = /^([^=]+)=([^:]*):(\w+)$/.exec(t);
          expect(m).not.toBeNull();
          out.push({ pool, key: m![1], value: m![2], effect: m![3] });
        }
      }
      for (const np of kubernetesObjects(s).filter((o) => o.kind === 'NodePool')) {
        const pool = np.spec.template.metadata?.labels?.[POOL_LABEL];
        if (pools.has(pool)) for (const t of np.spec.template.spec.taints ?? []) out.push({ pool, key: t.key, value: t.value, effect: t.effect });
      }
      return out;
    }
    const tolerates = (tolerations: any[], t: { key: string; value: string; effect: string }) =>
      tolerations.some(
        (x) =>
          x.key === t.key && (x.effect === undefined || x.effect === t.effect) && (x.operator === 'Exists' || (x.operator === 'Equal' && x.value === t.value)),
      );

    test.each(ENVS)('%s: the NVIDIA device plugin runs on exactly the GPU pools and tolerates their taints', (name) => {
      const s = DEFAULT[name];
      const pools = s.env.cluster.gpuPools.map((p) => p.name);
      expect(pools.length).toBeGreaterThan(0);
      const values = valuesOf(s, 'nvidia-device-plugin');
      expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: pools }] },
      ]);
      // Every default environment has a Spot GPU pool: AKS's Spot taint, or the platform's on Karpenter's Spot pools.
      expect(s.env.cluster.gpuPools.some((p) => p.capacity === 'spot')).toBe(true);
      expect(values.tolerations).toEqual([GPU_TOLERATION, s.env.cloud === 'azure' ? AKS_SPOT_TOLERATION : KARPENTER_SPOT_TOLERATION]);
      const taints = gpuPoolTaints(s);
      expect(unique(taints.map((t) => t.pool))).toEqual(sorted(pools));
      for (const t of taints) expect({ taint: t, tolerated: tolerates(values.tolerations, t) }).toEqual({ taint: t, tolerated: true });
    });

    test('azure-prod with only its on-demand GPU pool: no AKS spot toleration', () => {
      const s = edited('azure-prod', (e) => {
        e.cluster.gpuPools = e.cluster.gpuPools!.filter((p) => p.capacity !== 'spot');
        for (const t of e.workloads!.mlops!.training ?? []) t.pool = 'gpu';
      });
      const values = valuesOf(s, 'nvidia-device-plugin');
      expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['gpu']);
      expect(values.tolerations).toEqual([GPU_TOLERATION]);
    });

    test.each(ENVS)('%s: the Spark operator watches only the namespace the Spark applications run in', (name) => {
      const s = DEFAULT[name];
      const namespaces = unique(
        kubernetesObjects(s)
          .filter((o) => o.apiVersion.startsWith('sparkoperator.k8s.io/'))
          .map((o) => o.metadata.namespace),
      );
      expect(namespaces).toEqual(['lakehouse']);
      expect(valuesOf(s, 'spark-operator').spark.jobNamespaces).toEqual(namespaces);
    });

    const DISABLED: [string, (e: EnvironmentSpec) => void, OperatorName[], OperatorName[]][] = [
      ['lakehouse off', (e) => (e.workloads!.lakehouse = { enabled: false } as any), ['spark-operator'], ['kserve-runtime-configs', 'milvus-operator']],
      [
        'all models removed',
        (e) => (e.workloads!.mlops!.models = []),
        ['kserve-runtime-configs', 'kserve-resources', 'kserve-crd', 'cert-manager', 'seldon-core-operator'],
        ['external-secrets', 'spark-operator'],
      ],
      [
        'no A/B test',
        (e) => e.workloads!.mlops!.models!.forEach((m) => delete m.abTest),
        ['seldon-core-operator'],
        ['kserve-runtime-configs', 'kserve-resources', 'kserve-crd', 'cert-manager'],
      ],
      ['rag off', (e) => (e.workloads!.rag = { enabled: false } as any), ['milvus-operator'], ['kserve-runtime-configs']],
      ['edw off', (e) => (e.workloads!.edw = { enabled: false } as any), ['keda'], ['kserve-runtime-configs']],
      [
        'mlops off',
        (e) => (e.workloads!.mlops = { enabled: false } as any),
        ['external-secrets', 'kserve-runtime-configs', 'kserve-resources', 'kserve-crd', 'cert-manager', 'seldon-core-operator'],
        ['spark-operator'],
      ],
      [
        'no GPU pools',
        (e) => {
          e.cluster.gpuPools = [];
          e.workloads!.mlops!.training = [];
        },
        ['nvidia-device-plugin'],
        ['kserve-runtime-configs'],
      ],
    ];
    // With observability off, so that each case shows only what the workloads need (monitoring needs cert-manager too).
    const withoutObservability =
      (edit: (e: EnvironmentSpec) => void) =>
      (e: EnvironmentSpec): void => {
        e.observability = { enabled: false };
        edit(e);
      };
    const disabledCases = [
      ...DISABLED.flatMap(([what, edit, gone, kept]) => ['aws-dev', 'azure-dev'].map((env) => [env, what, withoutObservability(edit), gone, kept] as const)),
      ...['aws-dev', 'azure-dev'].map(
        (env) =>
          [
            env,
            'observability off',
            (e: EnvironmentSpec) => (e.observability = { enabled: false }),
            ['kube-prometheus-stack', 'dcgm-exporter'] as OperatorName[],
            ['nvidia-device-plugin', 'cert-manager'] as OperatorName[],
          ] as const,
      ),
    ];

    test.each(disabledCases)('%s, %s: its operators are gone, the others stay', (name, _what, edit, gone, kept) => {
      const s = edited(name, edit);
      const released = releasedOperators(s);
      for (const o of gone) expect(released).not.toContain(o);
      for (const o of kept) expect(released).toContain(o);
      if (s.env.cloud === 'aws') expect(released).toContain('karpenter');
      expectEveryCustomResourceServed(s);
      const installed = operatorsFor(s.env);
      if (s.env.gitops!.tool === 'argocd') {
        const project = named(s, 'AppProject', `${name}-operators`);
        expect(sorted(project.spec.sourceRepos)).toEqual(unique(installed.map((o) => argoChartSource(OPERATORS[o], '1.33').repoURL)));
        // The operators' own namespaces, and lakehouse where the Spark operator writes the Roles of the applications it runs.
        const writes = installed.includes('spark-operator') ? ['lakehouse'] : [];
        expect(sorted(project.spec.destinations.map((d: any) => d.namespace))).toEqual(unique([...installed.flatMap(releaseNamespaces), ...writes]));
      } else expectHelmRepositoriesFor(s, installed);
    });

    test('Flux with no operator needed (azure-prod: AKS KEDA, no GPU pools, no other workload): no operators directory or Kustomization', () => {
      const s = edited('azure-prod', (e) => {
        e.cluster.gpuPools = [];
        e.workloads = { edw: e.workloads!.edw };
        e.observability = { enabled: false };
      });
      expect(operatorsFor(s.env)).toEqual([]);
      expect([...s.rendered.files.keys()].filter((f) => f.startsWith('azure-prod/gitops/operators/'))).toEqual([]);
      expect(
        fluxKustomizations(s)
          .map((k) => k.metadata.name)
          .sort(),
      ).toEqual(['azure-prod-edw', 'azure-prod-platform', 'azure-prod-root']);
      expect(named(s, 'Kustomization', 'azure-prod-edw').spec.dependsOn).toEqual([{ name: 'azure-prod-platform' }]);
      expect(kubernetesObjects(s).filter((o) => o.kind === 'ScaledObject').length).toBeGreaterThan(0);
    });
  });

  describe('the metrics pipeline (kube-prometheus-stack, DCGM exporter)', () => {
    const BLOCK_CLASS: Record<string, string> = { aws: 'gp3', azure: 'managed-csi-premium' };

    test.each(ENVS)('%s: Prometheus selects every monitor and rule in the cluster, keeps the model’s retention on a volume of the block class', (name) => {
      const s = DEFAULT[name];
      const values = valuesOf(s, 'kube-prometheus-stack');
      const spec = values.prometheus.prometheusSpec;
      for (const key of ['serviceMonitor', 'podMonitor', 'rule', 'probe', 'scrapeConfig'])
        expect({ key, nil: spec[`${key}SelectorNilUsesHelmValues`] }).toEqual({ key, nil: false });
      const { retentionDays, volumeGi } = s.env.observability;
      expect(spec.retention).toBe(`${retentionDays}d`);
      expect(spec.storageSpec.volumeClaimTemplate.spec).toEqual({
        storageClassName: BLOCK_CLASS[s.env.cloud],
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: `${volumeGi}Gi` } },
      });
      // Size-based retention deletes the oldest blocks before the volume fills.
      expect(parseInt(spec.retentionSize, 10)).toBeLessThan(volumeGi);
      expect(spec.resources.requests.memory).toBeDefined();
      expect(spec.resources.limits.memory).toBeDefined();
      expect(spec.priorityClassName).toBe('platform-critical');
    });

    test.each(ENVS)(
      '%s: no scrapes or rules for the control plane the cloud runs; node exporter in its own namespace; Grafana from this chart, see test/charts/observability.test.ts',
      (name) => {
        const values = valuesOf(DEFAULT[name], 'kube-prometheus-stack');
        for (const part of ['kubeControllerManager', 'kubeScheduler', 'kubeEtcd', 'kubeProxy'])
          expect({ part, enabled: values[part].enabled }).toEqual({ part, enabled: false });
        expect(values.defaultRules.rules).toMatchObject({ etcd: false, kubeControllerManager: false, kubeSchedulerAlerting: false, kubeProxy: false });
        expect(values['prometheus-node-exporter'].namespaceOverride).toBe('monitoring-node');
        expect(values.grafana.enabled).toBe(true);
        // The webhook's certificate from cert-manager: the chart's own patch Job would generate a new one on every Argo CD render.
        expect(values.prometheusOperator.admissionWebhooks.certManager.enabled).toBe(true);
      },
    );

    test.each(['aws-dev', 'azure-prod'])('%s: the DCGM exporter runs on the GPU pools only, tolerating their taints', (name) => {
      const s = DEFAULT[name];
      const values = valuesOf(s, 'dcgm-exporter');
      const pools = s.env.cluster.gpuPools.map((p) => p.name);
      expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: pools }] },
      ]);
      expect(values.tolerations).toContainEqual(GPU_TOLERATION);
    });

    test.each(ARGO_ENVS)(
      '%s: the DCGM exporter (its chart’s ServiceMonitor) syncs after the CRDs kube-prometheus-stack installs, which syncs after cert-manager',
      (name) => {
        const s = DEFAULT[name];
        const wave = (operator: OperatorName) => Number(named(s, 'Application', `${name}-operator-${operator}`).metadata.annotations[SYNC_WAVE]);
        expect(wave('cert-manager')).toBeLessThan(wave('kube-prometheus-stack'));
        expect(wave('kube-prometheus-stack')).toBeLessThan(wave('dcgm-exporter'));
      },
    );

    describe('remote write into the managed store (observability.managedStore)', () => {
      test.each(['aws-dev', 'azure-dev'])('%s: none in dev (the default), and the chart keeps its own service account', (name) => {
        const prometheus = valuesOf(DEFAULT[name], 'kube-prometheus-stack').prometheus;
        expect(prometheus.prometheusSpec.remoteWrite).toBeUndefined();
        expect(prometheus.prometheusSpec.podMetadata).toBeUndefined();
        expect(prometheus.serviceAccount).toBeUndefined();
      });

      test('aws-prod: SigV4 in the region to the workspace’s remote-write path, as the service account the role trusts', () => {
        const prometheus = valuesOf(DEFAULT['aws-prod'], 'kube-prometheus-stack').prometheus;
        const endpoint = exampleOutput('aws-prod', 'platform', 'prometheus_workspace_endpoint');
        expect(endpoint).toMatch(/\/$/);
        expect(prometheus.prometheusSpec.remoteWrite).toEqual([{ url: `${endpoint}api/v1/remote_write`, sigv4: { region: 'eu-west-1' } }]);
        // Pod Identity: the association names the account; the ARN annotation is informational, never IRSA's.
        expect(prometheus.serviceAccount).toEqual({
          create: true,
          name: 'kube-prometheus-stack-prometheus',
          annotations: { 'platform-synth.io/iam-role-arn': 'arn:aws:iam::222222222222:role/acme-aws-prod-prometheus' },
        });
      });

      test('azure-prod: Entra Workload ID to the rule’s Prometheus stream on the collection endpoint, the pod opted into the webhook', () => {
        const prometheus = valuesOf(DEFAULT['azure-prod'], 'kube-prometheus-stack').prometheus;
        const output = (n: string) => exampleOutput('azure-prod', 'platform', n);
        const clientId = output('prometheus_client_id');
        expect(prometheus.prometheusSpec.remoteWrite).toEqual([
          {
            url: `${output('prometheus_metrics_ingestion_endpoint')}/dataCollectionRules/${output('prometheus_data_collection_rule_immutable_id')}/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24`,
            azureAd: { cloud: 'AzurePublic', workloadIdentity: { clientId, tenantId: EXAMPLE_AZURE_TENANT } },
          },
        ]);
        expect(prometheus.prometheusSpec.podMetadata).toEqual({ labels: { 'azure.workload.identity/use': 'true' } });
        expect(prometheus.serviceAccount).toEqual({
          create: true,
          name: 'kube-prometheus-stack-prometheus',
          annotations: { 'azure.workload.identity/client-id': clientId },
        });
      });

      test('prod: Grafana reads the managed store as a second data source, with the cloud’s pinned plugin and its own identity', () => {
        const aws = valuesOf(DEFAULT['aws-prod'], 'kube-prometheus-stack').grafana;
        expect(aws.plugins).toEqual(['grafana-amazonprometheus-datasource@3.2.0']);
        expect(aws.additionalDataSources).toEqual([
          {
            name: 'Managed Prometheus (long-term)',
            uid: 'managed-prometheus',
            type: 'grafana-amazonprometheus-datasource',
            access: 'proxy',
            editable: false,
            url: exampleOutput('aws-prod', 'platform', 'prometheus_workspace_endpoint').replace(/\/$/, ''),
            jsonData: { httpMethod: 'POST', sigV4Auth: true, sigV4AuthType: 'default', sigV4Region: 'eu-west-1' },
          },
        ]);
        // Plugins get none of Grafana's environment unless forwarded: the Pod Identity credentials would not reach it.
        expect(aws['grafana.ini'].plugins).toEqual({ forward_host_env_vars: 'grafana-amazonprometheus-datasource' });
        expect(aws['grafana.ini'].analytics).toEqual({ check_for_updates: false, reporting_enabled: false });
        expect(aws.serviceAccount.annotations).toEqual({ 'platform-synth.io/iam-role-arn': expect.stringMatching(/:role\/acme-aws-prod-grafana$/) });

        const azure = valuesOf(DEFAULT['azure-prod'], 'kube-prometheus-stack').grafana;
        const output = (n: string) => exampleOutput('azure-prod', 'platform', n);
        expect(azure.plugins).toEqual(['grafana-azureprometheus-datasource@1.0.3']);
        expect(azure.additionalDataSources).toEqual([
          expect.objectContaining({
            type: 'grafana-azureprometheus-datasource',
            url: output('prometheus_query_endpoint'),
            jsonData: { httpMethod: 'POST', azureCredentials: { authType: 'workloadidentity' } },
          }),
        ]);
        expect(azure['grafana.ini'].auth).toEqual({ azure_auth_enabled: true });
        expect(azure['grafana.ini'].azure).toEqual({
          workload_identity_enabled: true,
          workload_identity_client_id: output('grafana_client_id'),
          workload_identity_tenant_id: EXAMPLE_AZURE_TENANT,
          // Plugins get none of Grafana's environment: without the file named, the plugin finds no token.
          workload_identity_token_file: '/var/run/secrets/azure/tokens/azure-identity-token',
        });
        expect(azure['grafana.ini'].plugins).toBeUndefined();
        expect(azure.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
        expect(azure.serviceAccount.annotations).toEqual({ 'azure.workload.identity/client-id': output('grafana_client_id') });
        // Dev keeps metrics in the cluster: no plugin, no second data source, no identity.
        for (const name of ['aws-dev', 'azure-dev']) {
          const dev = valuesOf(DEFAULT[name], 'kube-prometheus-stack').grafana;
          expect([dev.plugins, dev.additionalDataSources, dev.serviceAccount, dev['grafana.ini'].plugins]).toEqual([
            undefined,
            undefined,
            undefined,
            undefined,
          ]);
        }
      });

      test('dev with the managed store asked for needs the platform stack’s outputs: none written in their place', () => {
        const on = synth(
          specWith('azure-dev', (e) => (e.observability = { managedStore: true })),
          'azure-dev',
          DEFAULT_OUTPUTS_DIR,
          true,
        );
        const gitops = on.rendered.skippedApps.find((a) => a.app === 'gitops');
        expect(gitops?.missing.map((m) => `${m.stack}.${m.name}`).sort()).toEqual([
          'platform.grafana_client_id',
          'platform.prometheus_client_id',
          'platform.prometheus_data_collection_rule_immutable_id',
          'platform.prometheus_metrics_ingestion_endpoint',
          'platform.prometheus_query_endpoint',
        ]);
        expect([...on.rendered.files.values()].some((text) => text.includes('<missing'))).toBe(false);
      });

      test('prod with the managed store off writes nothing remote', () => {
        const off = edited('aws-prod', (e) => (e.observability = { managedStore: false }));
        expect(valuesOf(off, 'kube-prometheus-stack').prometheus.prometheusSpec.remoteWrite).toBeUndefined();
      });
    });

    test.each(FLUX_ENVS)('%s: the same order as Flux dependsOn', (name) => {
      const s = DEFAULT[name];
      const needs = (operator: string) => named(s, 'Kustomization', `${name}-operator-${operator}`).spec.dependsOn.map((d: any) => d.name);
      expect(needs('kube-prometheus-stack')).toContain(`${name}-operator-cert-manager`);
      if (s.env.cluster.gpuPools.length > 0) expect(needs('dcgm-exporter')).toContain(`${name}-operator-kube-prometheus-stack`);
    });
  });

  describe('Argo CD projects and sync policies', () => {
    const bundle = loadKubernetesBundle();

    test.each(ARGO_ENVS)('%s: the apps’ project allows exactly the repository, namespaces and cluster-scoped kinds they use', (name) => {
      const s = DEFAULT[name];
      const objects = kubernetesObjects(s);
      const clusterKinds = new Set<string>();
      const namespaces = new Set<string>();
      for (const o of objects) {
        const entry = bundle.kinds[o.apiVersion]?.[o.kind];
        expect({ kind: avk(o), known: entry !== undefined }).toEqual({ kind: avk(o), known: true });
        // The scope the schemas give agrees with the object (no namespaced object without a namespace).
        expect({ object: `${o.kind}/${o.metadata.name}`, namespaced: o.metadata.namespace !== undefined }).toEqual({
          object: `${o.kind}/${o.metadata.name}`,
          namespaced: entry.namespaced,
        });
        if (!entry.namespaced) clusterKinds.add(`${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`);
        else namespaces.add(o.metadata.namespace);
        if (o.kind === 'Namespace') namespaces.add(o.metadata.name);
      }
      expect(clusterKinds.size).toBeGreaterThan(2);
      const project = named(s, 'AppProject', name);
      expect(project.metadata.namespace).toBe('argocd');
      expect(project.spec.sourceRepos).toEqual([EXAMPLE_GITOPS_REPO]);
      // Not argocd: only the root app's own project may write there.
      expect(sorted(project.spec.destinations.map((d: any) => `${d.server} ${d.namespace}`))).toEqual(sorted([...namespaces].map((n) => `${IN_CLUSTER} ${n}`)));
      expect(sorted(project.spec.clusterResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`))).toEqual(sorted(clusterKinds));
      // Each namespaced object an app Application syncs is in one of its project's destinations.
      const allowed = new Set(project.spec.destinations.map((d: any) => d.namespace));
      for (const o of objects) if (o.metadata.namespace) expect(allowed.has(o.metadata.namespace)).toBe(true);
    });

    test.each(ARGO_ENVS)('%s: only the root app writes into argocd, and only Applications and AppProjects', (name) => {
      const s = DEFAULT[name];
      const root = named(s, 'AppProject', `${name}-root`);
      expect(root.spec).toMatchObject({
        sourceRepos: [EXAMPLE_GITOPS_REPO],
        destinations: [{ server: IN_CLUSTER, namespace: 'argocd' }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: [
          { group: 'argoproj.io', kind: 'Application' },
          { group: 'argoproj.io', kind: 'AppProject' },
        ],
      });
      expect(named(s, 'Application', `${name}-root`).spec.project).toBe(`${name}-root`);
      // Everything the root app syncs (gitops/apps and ../bootstrap) is of those two kinds.
      const synced = [...docsUnder(s, 'gitops/apps'), ...docsUnder(s, 'gitops/bootstrap')].map((d) => d.obj.kind);
      expect([...new Set(synced)].sort()).toEqual(['AppProject', 'Application']);
      for (const project of ofKind(s, 'AppProject').filter((p) => p.metadata.name !== `${name}-root`))
        expect(project.spec.destinations.map((d: any) => d.namespace)).not.toContain('argocd');
    });

    test.each(ARGO_ENVS)('%s: the operators’ project allows the pinned charts’ repositories and namespaces', (name) => {
      const s = DEFAULT[name];
      const installed = operatorsFor(s.env);
      const project = named(s, 'AppProject', `${name}-operators`);
      expect(sorted(project.spec.sourceRepos)).toEqual(unique(installed.map((o) => argoChartSource(OPERATORS[o], '1.33').repoURL)));
      // kube-system too: cert-manager and KEDA keep leader-election / auth-reader RBAC there; and lakehouse,
      // where the Spark operator writes the Roles of the applications it runs (helm-destinations proves each).
      // And mlops, where the ACK SageMaker controller (where AWS bursts) keeps the Role for the TrainingJobs it runs.
      const watched = installed.includes('ack-sagemaker-controller') ? ['mlops'] : [];
      expect(sorted(project.spec.destinations.map((d: any) => `${d.server} ${d.namespace}`))).toEqual(
        unique(['kube-system', 'lakehouse', ...watched, ...installed.flatMap(releaseNamespaces)].map((ns) => `${IN_CLUSTER} ${ns}`)),
      );
    });

    test.each(ARGO_ENVS)('%s: projects, sync options, retries and the default automated sync of every Application', (name) => {
      const s = DEFAULT[name];
      const projects = new Map(ofKind(s, 'AppProject').map((p) => [p.metadata.name, p]));
      const apps = applications(s);
      expect(apps.length).toBe(1 + appDirs(s).length + operatorsFor(s.env).length);
      for (const app of apps) {
        const id = app.metadata.name;
        expect(app.metadata.namespace).toBe('argocd');
        const isOperator = id.startsWith(`${name}-operator-`);
        const isRoot = id === `${name}-root`;
        expect({ id, project: app.spec.project }).toEqual({ id, project: isOperator ? `${name}-operators` : isRoot ? `${name}-root` : name });
        expect(projects.get(app.spec.project).spec.sourceRepos).toContain(app.spec.source.repoURL);
        expect(app.spec.destination.server).toBe(IN_CLUSTER);
        const retry = app.spec.syncPolicy.retry;
        // Never gives up (a negative limit), always on the latest revision: a failed sync recovers by itself.
        expect({ id, limit: retry.limit < 0, refresh: retry.refresh, backoff: retry.backoff }).toEqual({
          id,
          limit: true,
          refresh: true,
          backoff: { duration: expect.stringMatching(/^\d+[smh]$/), factor: expect.any(Number), maxDuration: expect.stringMatching(/^\d+[smh]$/) },
        });
        expect(retry.backoff.factor).toBeGreaterThan(1);
        expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
        expect(app.metadata.finalizers).toEqual([ARGO_FINALIZER]);
        const options: string[] = app.spec.syncPolicy.syncOptions;
        if (isOperator) expect(options).toEqual(expect.arrayContaining(['ServerSideApply=true', 'CreateNamespace=true']));
        else {
          expect(app.spec.source.repoURL).toBe(EXAMPLE_GITOPS_REPO);
          expect(app.spec.source.targetRevision).toBe('main');
        }
      }
      // Every Application has a destination namespace its project allows (Argo CD refuses an empty one:
      // argoproj/argo-cd#11510): the one namespace an app writes to, else platform-system.
      for (const app of appDirs(s)) {
        const ns = unique(appObjects(s, app).flatMap((o) => o.metadata.namespace ?? []));
        const application = named(s, 'Application', `${name}-${app}`);
        const dest = application.spec.destination.namespace;
        expect({ app, dest }).toEqual({ app, dest: ns.length === 1 ? ns[0] : 'platform-system' });
        expect(projects.get(application.spec.project).spec.destinations.map((d: any) => d.namespace)).toContain(dest);
      }
      for (const app of apps) expect(projects.get(app.spec.project).spec.destinations.map((d: any) => d.namespace)).toContain(app.spec.destination.namespace);
    });
  });

  describe('switches of the model', () => {
    test('automated: false (Argo CD): no Application syncs on its own', () => {
      const s = withGitops('aws-dev', { automated: false });
      expect(applications(s).length).toBeGreaterThan(10);
      for (const app of applications(s)) {
        expect(app.spec.syncPolicy.automated).toBeUndefined();
        expect(app.spec.syncPolicy.retry.limit).toBeLessThan(0);
      }
    });

    test('automated: false (Flux): every Kustomization is created suspended', () => {
      for (const k of fluxKustomizations(DEFAULT['azure-prod'])) expect(k.spec.suspend).toBeUndefined();
      const s = withGitops('azure-prod', { automated: false });
      expect(fluxKustomizations(s).length).toBeGreaterThan(5);
      for (const k of fluxKustomizations(s)) expect({ k: k.metadata.name, suspend: k.spec.suspend }).toEqual({ k: k.metadata.name, suspend: true });
    });

    test('automated: false (Flux): `flux resume` sticks: the root leaves the suspend of every Kustomization it applies to the cluster', () => {
      const s = withGitops('azure-prod', { automated: false });
      const root = named(s, 'Kustomization', 'azure-prod-root');
      // The root applies gitops/apps (and ../bootstrap, itself included): every Kustomization there, and nothing else, matches the rule.
      const applied = [...docsUnder(s, 'gitops/apps'), ...docsUnder(s, 'gitops/bootstrap')].map((d) => d.obj).filter((o) => o.kind === 'Kustomization');
      expect(applied.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(['azure-prod-root', 'azure-prod-platform']));
      expect(root.spec.ignore).toEqual([{ paths: ['/spec/suspend'], target: { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' } }]);
      for (const o of applied) expect(o.apiVersion.split('/')[0]).toBe(root.spec.ignore[0].target.group);
      // With automation nothing is suspended, so there is nothing to keep.
      expect(named(DEFAULT['azure-prod'], 'Kustomization', 'azure-prod-root').spec.ignore).toBeUndefined();
    });

    test('prune: false (Argo CD): automated sync does not prune and deleting an Application keeps what it deployed', () => {
      const s = withGitops('aws-prod', { prune: false });
      for (const app of applications(s)) {
        expect(app.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
        expect(app.metadata.finalizers ?? []).not.toContain(ARGO_FINALIZER);
      }
    });

    test('prune: false (Flux): no Kustomization prunes', () => {
      for (const k of fluxKustomizations(DEFAULT['azure-dev'])) expect(k.spec.prune).toBe(true);
      const s = withGitops('azure-dev', { prune: false });
      for (const k of fluxKustomizations(s)) expect({ k: k.metadata.name, prune: k.spec.prune }).toEqual({ k: k.metadata.name, prune: false });
    });

    test('secretRef (Flux): the GitRepository reads the private repository’s credentials from that Secret; none without it', () => {
      const s = withGitops('azure-prod', { secretRef: 'platform-gitops-auth' });
      const repo = named(s, 'GitRepository', 'azure-prod');
      expect(repo.spec.secretRef).toEqual({ name: 'platform-gitops-auth' });
      expect(validateManifest(repo)).toEqual([]);
      // The Secret itself is created in the cluster, never written to git.
      expect(ofKind(s, 'Secret')).toEqual([]);
      expect(named(DEFAULT['azure-prod'], 'GitRepository', 'azure-prod').spec.secretRef).toBeUndefined();
    });

    test('selfHeal: false (Argo CD): drift is not undone, pruning stays on', () => {
      const s = withGitops('aws-dev', { selfHeal: false });
      for (const app of applications(s)) expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: false });
    });

    test('branch and basePath (Argo CD): every Git source follows them; chart versions do not', () => {
      const s = withGitops('aws-dev', { branch: 'release/2025-10', basePath: 'deploy/dist/' });
      expect(s.env.gitops!.basePath).toBe('deploy/dist');
      for (const app of applications(s)) {
        if (isGitApplication(s)(app)) {
          expect(app.spec.source.targetRevision).toBe('release/2025-10');
          expect(app.spec.source.path.startsWith('deploy/dist/aws-dev/')).toBe(true);
        } else {
          const operator = app.metadata.name.slice('aws-dev-operator-'.length) as OperatorName;
          expect(app.spec.source.targetRevision).toBe(chartVersion(OPERATORS[operator], s.env.cluster.kubernetesVersion));
        }
      }
      expect(named(s, 'Application', 'aws-dev-root').spec.source.path).toBe('deploy/dist/aws-dev/gitops/apps');
      expect(named(s, 'Application', 'aws-dev-edw').spec.source.path).toBe('deploy/dist/aws-dev/kubernetes/edw');
      for (const [, p] of deliveries(s)) expect(s.rendered.files.has(`${outputDirOf(s, p)}/kustomization.yaml`)).toBe(true);
    });

    test('branch and basePath (Flux): the GitRepository tracks the branch, every path is under basePath', () => {
      const s = withGitops('azure-prod', { branch: 'release/2025-10', basePath: 'deploy/dist' });
      expect(named(s, 'GitRepository', 'azure-prod').spec).toMatchObject({ url: EXAMPLE_GITOPS_REPO, ref: { branch: 'release/2025-10' } });
      expect(named(s, 'Kustomization', 'azure-prod-root').spec.path).toBe('./deploy/dist/azure-prod/gitops/apps');
      expect(named(s, 'Kustomization', 'azure-prod-operator-cert-manager').spec.path).toBe('./deploy/dist/azure-prod/gitops/operators/cert-manager');
      for (const k of fluxKustomizations(s)) {
        expect(k.spec.path.startsWith('./deploy/dist/azure-prod/')).toBe(true);
        expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'azure-prod' });
      }
      for (const [, p] of deliveries(s)) expect(s.rendered.files.has(`${outputDirOf(s, p)}/kustomization.yaml`)).toBe(true);
    });

    test('repoUrl: an ssh URL is the only source of the apps (Argo CD) and the GitRepository URL (Flux)', () => {
      const url = 'git@github.com:acme/platform-gitops.git';
      const argo = withGitops('aws-dev', { repoUrl: url });
      expect(named(argo, 'AppProject', 'aws-dev').spec.sourceRepos).toEqual([url]);
      const gitApps = applications(argo).filter(isGitApplication(argo));
      expect(gitApps.length).toBeGreaterThan(5);
      for (const app of gitApps) expect(app.spec.source.repoURL).toBe(url);
      const flux = withGitops('azure-dev', { repoUrl: url });
      expect(named(flux, 'GitRepository', 'azure-dev').spec.url).toBe(url);
    });

    test.each(['aws-dev', 'azure-dev'])('no gitops in %s: no %s/gitops/ files, no replace annotations; other environments unchanged', (name) => {
      const spec = specWith(name, (e) => delete e.gitops);
      const s = synth(spec, name);
      expect(s.env.gitops).toBeUndefined();
      expect([...s.rendered.files.keys()].filter((f) => f.startsWith(`${name}/gitops/`))).toEqual([]);
      expect(appDirs(s)).toEqual(appDirs(DEFAULT[name]));
      const jobs = kubernetesObjects(s).filter((o) => o.kind === 'Job');
      expect(jobs.length).toBeGreaterThan(0);
      for (const job of jobs) {
        expect(job.metadata.annotations?.[ARGO_SYNC_OPTIONS]).toBeUndefined();
        expect(job.metadata.annotations?.[FLUX_FORCE]).toBeUndefined();
      }
      const other = name === 'aws-dev' ? 'aws-prod' : 'azure-prod';
      expect([...synth(spec, other).rendered.files]).toEqual([...DEFAULT[other].rendered.files]);
    });
  });

  describe('one-off Jobs are replaced on change or named by their spec, CronJobs are not', () => {
    test.each(ENVS)('%s', (name) => {
      const s = DEFAULT[name];
      const argo = s.env.gitops!.tool === 'argocd';
      const objects = kubernetesObjects(s);
      const jobs = objects.filter((o) => o.kind === 'Job');
      const cronJobs = objects.filter((o) => o.kind === 'CronJob');
      expect(jobs.length + cronJobs.length).toBeGreaterThan(0);
      if (s.env.stage === 'dev') expect(jobs.length).toBeGreaterThan(0);
      for (const job of jobs) {
        // Argo CD's health annotation aside (another test): this one is about replacing.
        const { 'argocd.argoproj.io/ignore-healthcheck': _health, ...annotations } = job.metadata.annotations ?? {};
        // The EDW producer and MLflow's database-user Job: a new name per spec, so nothing is replaced in place.
        if (/^(edw-producer|mlflow-db-user)-[0-9a-f]{8}$/.test(job.metadata.name)) {
          expect(annotations).toEqual({});
          continue;
        }
        if (argo) {
          // Replace alone is an update, refused for a changed pod template; Force makes it delete and re-create.
          expect(annotations[ARGO_SYNC_OPTIONS]).toBe('Force=true,Replace=true');
          expect(annotations[FLUX_FORCE]).toBeUndefined();
        } else {
          expect(annotations[FLUX_FORCE]).toBe('enabled');
          expect(annotations[ARGO_SYNC_OPTIONS]).toBeUndefined();
        }
      }
      for (const cron of cronJobs) {
        for (const meta of [cron.metadata, cron.spec.jobTemplate.metadata ?? {}]) {
          expect(meta.annotations?.[ARGO_SYNC_OPTIONS]).toBeUndefined();
          expect(meta.annotations?.[FLUX_FORCE]).toBeUndefined();
        }
      }
    });
  });

  describe('model validation of gitops', () => {
    const ARGO_INDEX = defaultPlatform.environments.findIndex((e) => e.name === 'aws-prod');
    const FLUX_INDEX = defaultPlatform.environments.findIndex((e) => e.name === 'azure-dev');
    const withGitopsAt = (i: number, patch: Record<string, unknown>): PlatformSpec => {
      const spec = structuredClone(defaultPlatform);
      Object.assign(spec.environments[i].gitops!, patch);
      return spec;
    };

    const BAD: [string, number, Record<string, unknown>, string, RegExp][] = [
      ['an ftp URL', ARGO_INDEX, { repoUrl: 'ftp://x' }, 'repoUrl', /not a Git URL/],
      ['a plain http URL', ARGO_INDEX, { repoUrl: 'http://github.com/acme/platform-gitops.git' }, 'repoUrl', /https or ssh/],
      ['a URL that is no URL', FLUX_INDEX, { repoUrl: 'platform-gitops' }, 'repoUrl', /not a Git URL/],
      ['an absolute basePath', ARGO_INDEX, { basePath: '/abs' }, 'basePath', /inside the repository/],
      ['a basePath above the repository', FLUX_INDEX, { basePath: '../up' }, 'basePath', /inside the repository/],
      ['a basePath with ..', ARGO_INDEX, { basePath: 'a/../b' }, 'basePath', /inside the repository/],
      ['a branch with a space', ARGO_INDEX, { branch: 'my branch' }, 'branch', /not a branch name/],
      ['a branch starting with -', FLUX_INDEX, { branch: '-x' }, 'branch', /not a branch name/],
      ['a branch with ..', ARGO_INDEX, { branch: 'a..b' }, 'branch', /not a branch name/],
      ['selfHeal: false with Flux', FLUX_INDEX, { selfHeal: false }, 'selfHeal', /Flux/],
      ['an unknown tool', ARGO_INDEX, { tool: 'jenkins' }, 'tool', /argocd/],
      ['a secretRef with Argo CD', ARGO_INDEX, { secretRef: 'repo-creds' }, 'secretRef', /by URL/],
      ['a secretRef that is no Secret name', FLUX_INDEX, { secretRef: 'Repo_Creds' }, 'secretRef', /not a Secret name/],
    ];

    test.each(BAD)('%s is reported at its path', (_what, i, patch, field, message) => {
      const spec = withGitopsAt(i, patch);
      const problems = findProblems(spec);
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(p.path).toBe(`environments[${i}].gitops.${field}`);
      expect(problems.map((p) => p.message).join('\n')).toMatch(message);
      expect(() => loadPlatform(spec)).toThrow(ModelError);
    });

    test.each([
      ['an scp-style ssh URL', FLUX_INDEX, { repoUrl: 'git@github.com:acme/repo.git' }],
      ['an ssh:// URL', ARGO_INDEX, { repoUrl: 'ssh://git@github.com/acme/repo.git' }],
      ['a nested basePath with a trailing slash', ARGO_INDEX, { basePath: 'deploy/dist/' }],
      ['a branch with slashes and dots', FLUX_INDEX, { branch: 'release/v1.2' }],
      ['selfHeal: false with Argo CD', ARGO_INDEX, { selfHeal: false, prune: false, automated: false }],
      ['a secretRef with Flux', FLUX_INDEX, { secretRef: 'platform-gitops-auth' }],
    ] as [string, number, Record<string, unknown>][])('%s is accepted', (_what, i, patch) => {
      expect(findProblems(withGitopsAt(i, patch))).toEqual([]);
    });
  });
});

describe('GitOps snapshots', () => {
  test.each(['aws-prod', 'azure-prod'])('%s: dist/<env>/gitops/ matches the reviewed rendering', (name) => {
    const gitopsFiles = [...DEFAULT[name].rendered.files].filter(([f]) => f.startsWith(`${name}/gitops/`));
    expect(Object.fromEntries(gitopsFiles)).toMatchSnapshot();
  });
});
