/**
 * Shared plumbing of the chart tests: contexts for the default environments, rendering a chart to
 * files / parsed objects, lookups by kind and name, and the manifests the policy pack reads.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { chartFactories } from '../../charts/index';
import { operatorValues } from '../../charts/gitops/operator-values';
import { OPERATOR_INJECTORS } from '../../src/model/injected-containers';
import { OPERATORS, operatorsFor } from '../../src/model/operators';
import type { AppChart } from '../../charts/lib/app-chart';
import { renderChart } from '../../charts/lib/render';
import { onCloud, type EnvironmentContext } from '../../src/model/context';
import { resolvePlatform } from '../../src/model/defaults';
import type { Cloud, Environment, EnvironmentSpec, PlatformSpec, WorkloadName } from '../../src/model/types';
import { defaultPlatform } from '../../src/platform';
import { validateManifest } from '../../src/validate/kubernetes';
import { DEFAULT_OUTPUTS_DIR, type OutputsFile } from '../../src/synth/outputs';
import type { EnvironmentOutput, Manifest } from '../../src/validate/output';
import { blockedFlows, flowRules } from '../../src/validate/flows';
import { runPolicy } from '../../src/validate/run';
import { testContext } from '../context';

/** A chart's class: a workload's chart takes a context with that workload on (`W`), a cloud's chart one of that cloud (`C`), as synth hands it. */
export type ChartClass<W extends WorkloadName = never, C extends Cloud = Cloud> = new (app: App, ctx: EnvironmentContext<C, W>) => AppChart;
/** [environment name, context], for test.each. */
export type Named<W extends WorkloadName = never, C extends Cloud = Cloud> = readonly [string, EnvironmentContext<C, W>];

export const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
export const https = (cidr: string) => ({ to: [{ ipBlock: { cidr } }], ports: [{ protocol: 'TCP', port: 443 }] });
export const publicHttps = { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: RFC1918 } }], ports: [{ protocol: 'TCP', port: 443 }] };

/** The restricted Pod Security profile as the charts' pods and containers carry it (a read-only root, /tmp an emptyDir). */
export const RESTRICTED_POD = { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } };
export const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
export const TMP_VOLUMES = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
export const TMP_MOUNTS = [{ name: 'tmp', mountPath: '/tmp' }];

export const newApp = () => new App({ outdir: 'unused' });

/** The default model with one environment edited. */
export function specWith(envName: string, edit: (e: EnvironmentSpec) => void): PlatformSpec {
  const spec = structuredClone(defaultPlatform);
  edit(spec.environments.find((e) => e.name === envName)!);
  return spec;
}

/** The apps synth adds for `ctx` (what chartFactories builds), by app name. */
export const appNamesOf = (ctx: EnvironmentContext): string[] => chartFactories(ctx).map((f) => f(newApp()).appName);

/** synth's chart factories add the app of `workload` to `envName` of the default model, and leave it out once the workload is off there. */
export function expectAppOnlyWhereEnabled(envName: string, workload: WorkloadName): void {
  const platform = resolvePlatform(defaultPlatform);
  expect(
    appNamesOf(
      testContext(
        platform,
        platform.environments.find((e) => e.name === envName)!,
      ),
    ),
  ).toContain(workload);
  expect(appNamesOf(ctxWithout(envName, workload))).not.toContain(workload);
}

/** The context of one environment of the default model with `workload` turned off (as synth would get it). */
export function ctxWithout(envName: string, workload: WorkloadName): EnvironmentContext {
  const platform = resolvePlatform(specWith(envName, (e) => (e.workloads![workload] = { enabled: false })));
  return testContext(
    platform,
    platform.environments.find((e) => e.name === envName)!,
  );
}

/** kustomization.yaml of the app directory `app` lists every other rendered file of it, sorted. */
export function expectKustomizationListsEveryFile(files: Map<string, string>, app: string): void {
  const manifests = [...files.keys()].filter((f) => !f.endsWith('kustomization.yaml')).map((f) => f.slice(`${app}/`.length));
  expect(parse(files.get(`${app}/kustomization.yaml`)!).resources).toEqual(manifests.sort());
}

/**
 * A workload's rendered app: exactly the files `expected` (names under `<app>/`), kustomization.yaml lists
 * every other one, and every object is in `namespace`; the namespace and its guard rails belong to the platform chart.
 */
export function expectWorkloadApp(files: Map<string, string>, app: string, namespace: string, expected: string[]): void {
  expect([...files.keys()].sort()).toEqual(expected.map((f) => `${app}/${f}`).sort());
  expectKustomizationListsEveryFile(files, app);
  const objects = [...parsedFiles(files).values()];
  for (const obj of objects) expect(obj.metadata.namespace).toBe(namespace);
  expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
}

/** Parsed objects of rendered files (what lands in dist/), keyed by file name; kustomization.yaml left out. */
export function parsedFiles(files: Map<string, string>): Map<string, any> {
  const out = new Map<string, any>();
  for (const [p, text] of files) if (!p.endsWith('kustomization.yaml')) out.set(p, parse(text));
  return out;
}

/** The manifests of `charts` (built in one app, in that order) as the policy pack reads them. */
export function manifestsOf<W extends WorkloadName>(ctx: EnvironmentContext<Cloud, W>, charts: ChartClass<W>[]): Manifest[] {
  const app = newApp();
  return charts
    .map((Chart) => new Chart(app, ctx))
    .flatMap((chart) => [...parsedFiles(renderChart(chart))].map(([p, obj]) => ({ file: `${ctx.env.name}/kubernetes/${p}`, app: chart.appName, obj })));
}

/**
 * The GitOps releases of the operators that add containers to pods (src/model/injected-containers.ts), as Argo CD
 * Applications with the values synth gives them: Pod Security reads their versions and values from the output.
 */
export function injectorReleases(ctx: EnvironmentContext): Manifest[] {
  return operatorsFor(ctx.env)
    .filter((op) => OPERATOR_INJECTORS[op] !== undefined)
    .map((op) => ({
      file: `${ctx.env.name}/gitops/apps/application-${op}.yaml`,
      app: 'apps',
      obj: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: `${ctx.env.name}-operator-${op}`, namespace: 'argocd' },
        spec: {
          destination: { namespace: OPERATORS[op].namespace },
          source: {
            chart: OPERATORS[op].chart,
            repoURL: OPERATORS[op].repository,
            targetRevision: OPERATORS[op].version,
            helm: { valuesObject: operatorValues(ctx, op) },
          },
        },
      },
    }));
}

/** What the policy pack finds in `charts` (built together, beside the injecting operators' releases) under the app directory `app`, for the default model. */
export function policyFindings<W extends WorkloadName>(ctx: EnvironmentContext<Cloud, W>, charts: ChartClass<W>[], app: string) {
  const manifests = [...manifestsOf(ctx, charts), ...injectorReleases(ctx)];
  const env: EnvironmentOutput = { name: ctx.env.name, terraform: [], manifests, files: manifests.map((m) => m.file) };
  // The network-flow rules read the whole environment (every app's policies, the Terraform endpoints): test/validate/flows.test.ts
  // and the charts' own flow tests (flowFindings) check them.
  return runPolicy(env, resolvePlatform(defaultPlatform)).filter((f) => f.file.includes(`/${app}/`) && !FLOW_RULE_IDS.has(f.rule));
}

const FLOW_RULE_IDS = new Set(flowRules.map((r) => r.id));

/**
 * The blocked-flow findings from and to the pods of `namespace` in `charts` plus the Terraform resources addressing reads (the VPC
 * endpoints, a workload stack's private endpoints), by stack: what `npm run validate` reports for them in the whole environment.
 */
export function flowFindings<W extends WorkloadName>(
  ctx: EnvironmentContext<Cloud, W>,
  charts: ChartClass<W>[],
  namespace: string,
  stacks: Record<string, Record<string, Record<string, any>>> = {},
) {
  const manifests = manifestsOf(ctx, charts);
  const terraform = Object.entries(stacks).map(([stack, resource]) => ({ file: `${ctx.env.name}/terraform/${stack}/cdk.tf.json`, stack, json: { resource } }));
  const env: EnvironmentOutput = { name: ctx.env.name, terraform, manifests, files: [] };
  // Flows from the namespace's pods, and flows into them from elsewhere (the ingress gateway, Knative).
  return blockedFlows(ctx.env, env).filter((v) => v.resource.startsWith(`flow ${namespace}/`) || v.resource.includes(` -> ${namespace}/`));
}

/**
 * `findings` but the one the policy pack makes for a service account (`<namespace>/<name>`) whose use it cannot
 * see: k8s-identity-only-where-used reads pod templates, not a custom resource's own serviceAccountName field.
 */
export function findingsBesidesUnseenServiceAccount<F extends { rule: string; resource: string }>(findings: F[], serviceAccount: string): F[] {
  return findings.filter((f) => !(f.rule === 'k8s-identity-only-where-used' && f.resource === `ServiceAccount ${serviceAccount}`));
}

/** `<env>: <kind>/<name>` and the object, for every object of every context. */
export function emittedObjects<W extends WorkloadName>(
  all: readonly Named<W>[],
  objects: (ctx: EnvironmentContext<Cloud, W>) => any[],
): (readonly [string, any])[] {
  return all.flatMap(([name, ctx]) => objects(ctx).map((o) => [`${name}: ${o.kind}/${o.metadata.name}`, o] as const));
}

/** One test per emitted object: it is valid against the Kubernetes 1.28 schemas and the bundled CRDs. */
export function testEachValid(emitted: (readonly [string, any])[], title = '%s is valid'): void {
  test.each(emitted)(title, (_id, obj) => {
    expect(validateManifest(obj)).toEqual([]);
  });
}

/** `ctx` narrowed to AWS, for the AWS-only charts; a context of another cloud is a test error. */
export function onAws(ctx: EnvironmentContext): EnvironmentContext<'aws'> {
  const aws = onCloud(ctx, 'aws');
  if (!aws) throw new Error(`${ctx.env.name} is not an AWS environment`);
  return aws;
}

/** An empty outputs directory (every Terraform output missing) for the enclosing describe block; read it inside tests. */
export function emptyOutputsDir(prefix: string): () => string {
  let dir = '';
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** One output of a stack in the example outputs files synth reads by default (src/outputs/<env>/<stack>.json). */
export function exampleOutput(envName: string, stack: string, name: string): string {
  return JSON.parse(fs.readFileSync(path.join(DEFAULT_OUTPUTS_DIR, envName, `${stack}.json`), 'utf8'))[name].value;
}

/**
 * Helpers for one chart: `contexts` builds the contexts of the model's environments (those `selects`
 * keeps), `files`/`objects` render the chart, `one` finds exactly one object of a kind (and name),
 * `missingOutputs` builds it against another outputs directory and says which outputs it lacked.
 */
export function chartKit<W extends WorkloadName = never, C extends Cloud = Cloud>(Chart: ChartClass<W, C>, selects: (e: Environment) => unknown = () => true) {
  type Ctx = EnvironmentContext<C, W>;
  function contexts(spec: PlatformSpec = defaultPlatform, outputsDir?: string): Ctx[] {
    const platform = resolvePlatform(spec);
    // `selects` keeps the environments with the chart's workload on (and of its cloud): what synth's withWorkload checks.
    return platform.environments.filter(selects).map((env) => testContext(platform, env, outputsDir) as Ctx);
  }
  function ctxOf(envName: string, spec?: PlatformSpec, outputsDir?: string): Ctx {
    const ctx = contexts(spec, outputsDir).find((c) => c.env.name === envName);
    if (!ctx) throw new Error(`no env ${envName}`);
    return ctx;
  }
  const render = (ctx: Ctx): Map<string, string> => renderChart(new Chart(newApp(), ctx));
  const files = (ctx: Ctx): Map<string, any> => parsedFiles(render(ctx));
  const objects = (ctx: Ctx): any[] => [...files(ctx).values()];
  const ofKind = (ctx: Ctx, kind: string): any[] => objects(ctx).filter((o) => o.kind === kind);
  function one(ctx: Ctx, kind: string, name?: string): any {
    const found = ofKind(ctx, kind).filter((o) => name === undefined || o.metadata.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  }
  /** The outputs the chart of `envName` (default model) records as missing when read from `outputsDir`: `<env>: <stack>.<name>`, sorted, repeats kept. */
  function missingOutputs(envName: string, outputsDir: string): string[] {
    const ctx = ctxOf(envName, defaultPlatform, outputsDir);
    new Chart(newApp(), ctx);
    return (ctx.outputs as OutputsFile).missing.map((m) => `${m.environment}: ${m.stack}.${m.name}`).sort();
  }
  const all: Named<W, C>[] = contexts().map((c) => [c.env.name, c] as const);
  const aws = all.filter(([, c]) => c.env.cloud === 'aws');
  const azure = all.filter(([, c]) => c.env.cloud === 'azure');
  return { contexts, ctxOf, render, files, objects, ofKind, one, missingOutputs, all, aws, azure };
}
