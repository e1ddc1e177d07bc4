/**
 * The helm checks: every chart release the GitOps output pins, rendered with the real helm from a local
 * chart cache, as the agent would render it. Schemas pass on dist/ even when a chart is missing, needs a
 * value, or regenerates a certificate on every render; only rendering the chart shows that.
 */
import { parseAllDocuments } from 'yaml';
import { indentQuotedContinuations } from '../go-yaml';
import type { Platform } from '../../model/types';
import type { Finding } from '../findings';
import { describeObject, type K8sObject, type Output } from '../output';
import { findChart, loadChartValues, similarCharts, unknownValues, WHOLE_VALUES, type ChartValues } from './chart';
import { releasesOf, type HelmRelease } from './releases';
import { HelmRenderer, renderKey, type RenderResult } from './render';
import { EnvironmentSchemas, schemaVersionFor, type RenderedCrd } from './schemas';
import { loadKubernetesVersionBundle } from '../kubernetes';
import { CLUSTER_NAMESPACES } from '../../model/operators';

/** The helm rules, listed by `npm run validate -- --rules` beside the policy rules. */
export const HELM_RULES = [
  {
    id: 'helm-chart-exists',
    reason: 'a pinned chart name/version that its repository does not publish (a renamed chart, a typo) fails the sync, not the pull request',
  },
  {
    id: 'helm-render',
    reason: 'a chart that does not render with its values (a required value missing, a template error) never installs, though dist/ passes every schema',
  },
  {
    id: 'helm-render-deterministic',
    reason: 'output that differs between two renders (generated certificates, random names) is perpetual drift under Argo CD and churn on every Flux upgrade',
  },
  {
    id: 'helm-destinations',
    reason:
      "Argo CD refuses a chart's object in a namespace its Application's AppProject does not list, or of a cluster-scoped kind the project does not whitelist; Flux fails on a namespace nothing creates",
  },
  {
    id: 'helm-schema',
    reason:
      "an object a chart renders that its schema rejects (the cluster's Kubernetes version, or the CRD the charts install), or whose kind nothing defines, fails the sync though dist/ passes every schema",
  },
  {
    id: 'helm-values-known',
    reason:
      'a value path the chart does not have (a typo, a key renamed upstream) is silently ignored by helm, so the setting it was meant to make never happens',
  },
] as const;

export type HelmRuleId = (typeof HELM_RULES)[number]['id'];

export interface HelmOptions {
  /** The chart cache: `<chart>-<version>/` directories or `.tgz` files. Without it the checks are skipped. */
  readonly charts?: string;
  /** The helm binary (resolved by the caller: --helm, $HELM or the bundled one). */
  readonly helm?: string;
}

export interface HelmCheckResult {
  readonly findings: Finding[];
  /** One line for the report: what was rendered, or why nothing was. */
  readonly summary: string;
  /**
   * Every release's objects per environment, as rendered for these checks (a release that did not render has
   * none): the cluster view reads them instead of rendering again. Absent when the checks were skipped.
   */
  readonly rendered?: ReadonlyMap<string, readonly { readonly release: HelmRelease; readonly objects: readonly K8sObject[] }[]>;
}

export const HELM_SKIPPED = 'helm: skipped (no --charts DIR): the pinned operator charts were not rendered';

/** First lines of helm's message: enough to name the template and value, short enough for a report line. */
function firstLines(text: string, n = 4): string {
  const lines = text.split('\n').filter((l) => l.trim());
  return lines.slice(0, n).join(' | ') + (lines.length > n ? ' | …' : '');
}

/** A render's objects by name, read as YAML 1.1 as the agents (Go's YAML) read helm's output: an unquoted `on` is a boolean. */
function objectsOf(manifests: string): Map<string, unknown> | string {
  const out = new Map<string, unknown>();
  for (const doc of parseAllDocuments(indentQuotedContinuations(manifests), { version: '1.1' })) {
    if (doc.errors.length > 0) return doc.errors[0].message.split('\n')[0];
    const obj = doc.toJS() as K8sObject | null;
    if (obj && typeof obj === 'object') out.set(describeObject(obj), obj);
  }
  return out;
}

/** The first field path where two values differ, e.g. `data.tls.crt`. */
function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : at || '(whole object)';
}

function driftMessage(a: ReadonlyMap<string, unknown>, second: string): string | undefined {
  const b = objectsOf(second);
  if (typeof b === 'string') return `the second render is not valid YAML: ${b}`;
  const differing: string[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])]) {
    const field = firstDifference(a.get(name), b.get(name));
    if (field !== undefined) differing.push(a.has(name) && b.has(name) ? `${name} (${field})` : name);
  }
  // Same objects in another order: Argo CD and Flux compare objects, so that is no drift.
  if (differing.length === 0) return undefined;
  const shown = differing.slice(0, 4).join(', ') + (differing.length > 4 ? `, and ${differing.length - 4} more` : '');
  return `${shown} differ between two renders: generated certificates or random names are perpetual drift under Argo CD; set values that make them stable`;
}

interface Outcome {
  readonly rule: HelmRuleId;
  readonly message: string;
}

/** What is wrong with a render, from its two runs, and the objects it rendered (when it did). */
function judge([first, second]: readonly [RenderResult, RenderResult]): { outcome?: Outcome; objects: K8sObject[] } {
  if (!first.ok) return { outcome: { rule: 'helm-render', message: `does not render: ${firstLines(first.output)}` }, objects: [] };
  const parsed = objectsOf(first.output);
  if (typeof parsed === 'string') return { outcome: { rule: 'helm-render', message: `renders invalid YAML: ${parsed}` }, objects: [] };
  const objects = [...parsed.values()] as K8sObject[];
  if (!second.ok) return { outcome: { rule: 'helm-render-deterministic', message: `renders once, then fails: ${firstLines(second.output)}` }, objects };
  const drift = first.output === second.output ? undefined : driftMessage(parsed, second.output);
  return { outcome: drift ? { rule: 'helm-render-deterministic', message: `renders differently each time: ${drift}` } : undefined, objects };
}

interface ProjectBounds {
  readonly namespaces: ReadonlySet<string>;
  readonly clusterKinds: readonly { readonly group: string; readonly kind: string }[];
  /** Only these namespaced kinds, where the project lists any (`namespaceResourceWhitelist`). */
  readonly namespacedKinds?: readonly { readonly group: string; readonly kind: string }[];
}

/** The AppProjects of an environment's output: where their Applications may write. */
function projectsOf(manifests: readonly { readonly obj: K8sObject }[]): Map<string, ProjectBounds> {
  const projects = new Map<string, ProjectBounds>();
  for (const { obj } of manifests) {
    if (obj.kind !== 'AppProject' || !obj.apiVersion?.startsWith('argoproj.io/')) continue;
    type Kinds = { group?: string; kind?: string }[];
    const spec = (obj.spec ?? {}) as { destinations?: { namespace?: string }[]; clusterResourceWhitelist?: Kinds; namespaceResourceWhitelist?: Kinds };
    const kinds = (list: Kinds) => list.map((k) => ({ group: k.group ?? '', kind: k.kind ?? '' }));
    projects.set(obj.metadata.name, {
      namespaces: new Set((spec.destinations ?? []).map((d) => d.namespace ?? '')),
      clusterKinds: kinds(spec.clusterResourceWhitelist ?? []),
      ...(spec.namespaceResourceWhitelist ? { namespacedKinds: kinds(spec.namespaceResourceWhitelist) } : {}),
    });
  }
  return projects;
}

const matches = (pattern: string, value: string) => pattern === '*' || pattern === value;

/**
 * Where the release's objects go that its GitOps agent would refuse, or that would find no namespace, one
 * message each. Built-in kinds' scope comes from the environment's Kubernetes version (every kind it serves),
 * a custom resource's from its CRD (in a render of the same environment).
 */
function destinationProblems(
  r: HelmRelease,
  objects: readonly K8sObject[],
  clusterKinds: ReadonlySet<string>,
  served: Readonly<Record<string, Readonly<Record<string, boolean>>>>,
  projects: ReadonlyMap<string, ProjectBounds>,
  createdNamespaces: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  // A project the output does not define (Argo CD's own `default`, which allows everything) is not ours to bound.
  const project = r.project === undefined ? undefined : projects.get(r.project);
  for (const obj of objects) {
    if (!obj.kind) continue;
    const group = obj.apiVersion?.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
    if (served[obj.apiVersion ?? '']?.[obj.kind] === false || clusterKinds.has(`${group}/${obj.kind}`)) {
      if (project && !project.clusterKinds.some((k) => matches(k.group, group) && matches(k.kind, obj.kind)))
        problems.push(`${describeObject(obj)} is cluster-scoped and AppProject ${r.project} does not whitelist ${group || 'core'}/${obj.kind}`);
      continue;
    }
    const namespace = obj.metadata?.namespace ?? r.namespace;
    const name = `${obj.kind} ${namespace}/${obj.metadata?.name}`;
    if (project && !project.namespaces.has(namespace) && !project.namespaces.has('*'))
      problems.push(`${name} is in namespace ${namespace}, not a destination of AppProject ${r.project}`);
    if (project?.namespacedKinds && !project.namespacedKinds.some((k) => matches(k.group, group) && matches(k.kind, obj.kind)))
      problems.push(`${name}: AppProject ${r.project} does not whitelist namespaced ${group || 'core'}/${obj.kind}`);
    // The agent creates the release's own namespace only when told to; any other must exist already.
    const exists = (namespace === r.namespace && r.createsNamespace) || createdNamespaces.has(namespace) || CLUSTER_NAMESPACES.includes(namespace);
    if (!exists)
      problems.push(
        namespace === r.namespace
          ? `${name} is in the release's namespace ${namespace}, which neither the output creates nor the agent (no ${r.project === undefined ? 'install.createNamespace' : 'CreateNamespace=true'})`
          : `${name} is in namespace ${namespace}, which nothing in the output creates`,
      );
  }
  return problems;
}

/** Where an object lands: a namespaced one in its own namespace, else the release's (where the agent applies it). */
function landsAs(obj: K8sObject, namespaced: boolean | undefined, releaseNamespace: string): string {
  const namespace = namespaced === false ? undefined : (obj.metadata?.namespace ?? (namespaced ? releaseNamespace : undefined));
  return `${obj.kind} ${namespace ? `${namespace}/` : ''}${obj.metadata?.name}`;
}

/**
 * helm-schema: every object of every release of one environment against its Kubernetes version and the
 * CRDs the environment's charts render (any release's: kserve-resources' ClusterStorageContainer is defined
 * by kserve-crd, Seldon's Certificate by cert-manager), else the bundled CRDs. A kind none of them defines is
 * reported as well: every CRD this platform relies on is installed by one of its charts (or is bundled, such
 * as KEDA's where the AKS add-on installs it), so an undefined kind is an apply that fails, not noise.
 */
function schemaFindings(
  envName: string,
  kubeVersion: string | undefined,
  rendered: readonly { readonly release: HelmRelease }[],
  objects: readonly (readonly K8sObject[])[],
  finding: (r: HelmRelease, rule: HelmRuleId, message: string, severity?: Finding['severity']) => void,
): void {
  if (rendered.length === 0) return;
  const { version, warning } = schemaVersionFor(kubeVersion);
  if (warning) finding(rendered[0].release, 'helm-schema', `environment ${envName}: ${warning}`, 'warning');
  const crds: RenderedCrd[] = rendered.flatMap(({ release }, i) =>
    objects[i]
      .filter((obj) => obj.kind === 'CustomResourceDefinition' && obj.apiVersion?.startsWith('apiextensions.k8s.io/'))
      .map((crd) => ({ crd, chart: `${release.chart} ${release.version}` })),
  );
  const schemas = new EnvironmentSchemas(version, crds);
  rendered.forEach(({ release }, i) => {
    for (const obj of objects[i]) {
      const { namespaced, against, problems } = schemas.check(obj);
      const object = landsAs(obj, namespaced, release.namespace);
      for (const p of problems)
        finding(
          release,
          'helm-schema',
          `release ${release.releaseName}: chart ${release.chart} ${release.version}: ${object}: ${p.path ? `${p.path}: ` : ''}${p.message}${against ? ` (against ${against})` : ''}`,
        );
    }
  });
}

export async function checkHelm(output: Output, platform: Platform | undefined, options: HelmOptions): Promise<HelmCheckResult> {
  if (!options.charts || !options.helm) return { findings: [], summary: HELM_SKIPPED };
  const started = performance.now();
  const charts = options.charts;
  const renderer = new HelmRenderer(options.helm);
  const chartValues = new Map<string, ChartValues>();
  const findings: Finding[] = [];
  const finding = (r: HelmRelease, rule: HelmRuleId, message: string, severity: Finding['severity'] = 'error'): void => {
    findings.push({ file: r.file, resource: r.resource, rule, severity, message });
  };

  const pending: Promise<void>[] = [];
  // Parsing a large render costs more than helm does: judge each distinct render once.
  const outcomes = new Map<string, Promise<ReturnType<typeof judge>>>();
  let releases = 0;
  const renders = new Map<string, { release: HelmRelease; objects: K8sObject[] }[]>();
  for (const env of output.environments) {
    const kubeVersion = platform?.environments.find((e) => e.name === env.name)?.cluster.kubernetesVersion;
    const rendered: { release: HelmRelease; objects: Promise<K8sObject[]> }[] = [];
    for (const r of releasesOf(env)) {
      releases++;
      const pinned = `${r.chart} ${r.version}`;
      const chartPath = findChart(charts, r.chart, r.version);
      if (!chartPath) {
        const similar = similarCharts(charts, r.chart, r.version);
        finding(
          r,
          'helm-chart-exists',
          `release ${r.releaseName}: chart ${pinned}${r.repository ? ` (${r.repository})` : ''} is not in the chart cache (no ${r.chart}-${r.version}/ or .tgz)` +
            (similar.length > 0 ? `; the cache has ${similar.join(', ')}` : ''),
        );
        continue;
      }
      let known = chartValues.get(chartPath);
      if (!known) chartValues.set(chartPath, (known = loadChartValues(chartPath)));
      const whole = Object.keys(WHOLE_VALUES[pinned] ?? {});
      for (const u of unknownValues(r.values, known, whole))
        finding(
          r,
          'helm-values-known',
          `release ${r.releaseName} sets ${u.example}, but chart ${pinned} has no value ${u.path} (not in values.yaml${known.schema ? ' or values.schema.json' : ''}): helm ignores it`,
        );
      for (const p of r.parameters) {
        const set = p.name.split('.').reduceRight<unknown>((v, k) => ({ [k]: v }), p.value) as Record<string, unknown>;
        for (const u of unknownValues(set, known, whole))
          finding(r, 'helm-values-known', `release ${r.releaseName}: parameter ${p.name}: chart ${pinned} has no value ${u.path}: helm ignores it`);
      }
      const request = { chartPath, releaseName: r.releaseName, namespace: r.namespace, kubeVersion, values: r.values, parameters: r.parameters };
      const key = renderKey(request);
      let outcome = outcomes.get(key);
      if (!outcome) outcomes.set(key, (outcome = renderer.renderTwice(request).then(judge)));
      pending.push(
        outcome.then(({ outcome: o }) => {
          if (o) finding(r, o.rule, `release ${r.releaseName}: chart ${pinned} ${o.message}`);
        }),
      );
      rendered.push({ release: r, objects: outcome.then((o) => o.objects) });
    }
    // Where each release's objects land, once every render of the environment is in (CRDs name their kinds' scope).
    pending.push(
      Promise.all(rendered.map((x) => x.objects)).then((all) => {
        renders.set(
          env.name,
          rendered.map(({ release }, i) => ({ release, objects: all[i] })),
        );
        const clusterKinds = new Set(
          all
            .flat()
            .filter((o) => o.kind === 'CustomResourceDefinition' && (o.spec as { scope?: string } | undefined)?.scope === 'Cluster')
            .map((o) => {
              const spec = o.spec as { group?: string; names?: { kind?: string } };
              return `${spec.group}/${spec.names?.kind}`;
            }),
        );
        const servedKinds = loadKubernetesVersionBundle(schemaVersionFor(kubeVersion).version).served;
        const projects = projectsOf(env.manifests);
        const created = new Set(env.manifests.filter((m) => m.obj.kind === 'Namespace').map((m) => m.obj.metadata.name));
        rendered.forEach(({ release }, i) => {
          for (const problem of destinationProblems(release, all[i], clusterKinds, servedKinds, projects, created))
            finding(release, 'helm-destinations', `release ${release.releaseName}: ${problem}`);
        });
        schemaFindings(env.name, kubeVersion, rendered, all, finding);
      }),
    );
  }
  await Promise.all(pending);
  await renderer.close();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return {
    findings,
    summary: `helm: ${releases} release${releases === 1 ? '' : 's'} from ${charts}, ${renderer.distinctRenders} distinct renders, ${renderer.processes} helm runs (${seconds} s)`,
    rendered: renders,
  };
}
