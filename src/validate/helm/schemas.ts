/**
 * The schemas a chart's rendered objects are validated against, per environment: built-in kinds against
 * the bundle of the cluster's Kubernetes version (src/validate/schemas/kubernetes-<version>.json), custom
 * resources against the CustomResourceDefinitions that the environment's charts render (what the cluster
 * will hold), else the project's bundled CRDs. The walk is src/validate/kubernetes.ts's, so chart objects
 * are held to the same rules as the project's own manifests.
 */
import { SWAGGER_FILE, normaliseCrdSchema } from '../kubernetes-bundle';
import {
  bundledKubernetesVersions,
  compareVersions,
  loadKubernetesBundle,
  loadKubernetesVersionBundle,
  validateManifest,
  type BundleSchema,
  type KindEntry,
  type KubernetesBundle,
  type KubernetesVersionBundle,
  type SchemaProblem,
} from '../kubernetes';
import type { K8sObject } from '../output';

/** The version whose bundle checks an environment, and why it is not the environment's own when it is not. */
export interface SchemaVersion {
  readonly version: string;
  readonly warning?: string;
}

/**
 * The environment's own version when bundled. Otherwise the next newer bundled one (APIs gain fields from one
 * minor version to the next, so a newer schema rejects nothing a chart may set), else the newest; either
 * with a warning. Without a version (an environment the model does not know), the newest, without one.
 */
export function schemaVersionFor(kubeVersion: string | undefined, bundled: readonly string[] = bundledKubernetesVersions()): SchemaVersion {
  if (bundled.length === 0) throw new Error('no Kubernetes version bundle in src/validate/schemas: run npm run schemas');
  const newest = bundled[bundled.length - 1];
  if (kubeVersion === undefined) return { version: newest };
  const minor = /^v?(\d+\.\d+)/.exec(kubeVersion)?.[1] ?? kubeVersion;
  if (bundled.includes(minor)) return { version: minor };
  const version = bundled.find((v) => compareVersions(v, minor) > 0) ?? newest;
  return {
    version,
    warning: `Kubernetes ${minor} has no bundled OpenAPI schema (bundled: ${bundled.join(', ')}); its charts' built-in objects are validated against ${version}`,
  };
}

/** A kind's schema and what it is, for the finding: `Kubernetes 1.33`, `the CRD x.y from chart z 1.0`. */
export interface ResolvedKind {
  readonly entry: KindEntry;
  readonly against: string;
}

/** A CustomResourceDefinition a chart renders, with the chart that renders it. */
export interface RenderedCrd {
  readonly crd: K8sObject;
  /** `kserve-crd v0.20.0`. */
  readonly chart: string;
}

interface CompiledCrd {
  readonly name: string;
  /** Served version → its schema, as the validator takes it. */
  readonly versions: ReadonlyMap<string, KindEntry>;
}

type Json = Record<string, any>;

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const versionOf = (apiVersion: string) => apiVersion.slice(apiVersion.indexOf('/') + 1);

/**
 * Each rendered CRD normalised once per run: renders are shared between releases and environments, so
 * the same object comes back. A schema the validator cannot read is remembered as its error.
 */
const compiledCrds = new WeakMap<object, CompiledCrd | Error>();

function compileCrd({ crd, chart }: RenderedCrd): CompiledCrd | Error {
  let compiled = compiledCrds.get(crd);
  if (compiled) return compiled;
  const spec = (crd.spec ?? {}) as Json;
  const name = crd.metadata?.name ?? '(no name)';
  const namespaced = spec.scope !== 'Cluster';
  try {
    const versions = new Map<string, KindEntry>();
    for (const v of (spec.versions ?? []) as Json[]) {
      if (v.served === false) continue; // its objects cannot be created
      const raw = v.schema?.openAPIV3Schema as Json | undefined;
      // apiextensions v1 requires a schema; without one, the version takes anything.
      const schema = raw ? normaliseCrdSchema(raw, `${name} ${v.name}`, []) : { 'x-kubernetes-preserve-unknown-fields': true };
      versions.set(String(v.name), { namespaced, schema, source: `chart ${chart}` });
    }
    compiled = { name, versions };
  } catch (err) {
    compiled = new Error(`CRD ${name} from chart ${chart} has a schema the validator cannot read (${(err as Error).message})`);
  }
  compiledCrds.set(crd, compiled);
  return compiled;
}

const mergedDefinitions = new Map<string, Record<string, BundleSchema>>();

/** The project bundle's CRD subschemas beside the version's core definitions (which win: ObjectMeta is the cluster's). */
function definitionsFor(version: KubernetesVersionBundle): Record<string, BundleSchema> {
  let merged = mergedDefinitions.get(version.kubernetesVersion);
  if (!merged) mergedDefinitions.set(version.kubernetesVersion, (merged = { ...loadKubernetesBundle().definitions, ...version.definitions }));
  return merged;
}

/**
 * The object as the agent sends it: both drop the namespace of a cluster-scoped object (Argo CD when it
 * reads the manifests, and the API server for anything applied, Flux's helm included), so charts that set
 * one on their ClusterRoles (spark-operator 2.5.2 does) sync fine. The project's own manifests stay strict.
 */
function asApplied(obj: K8sObject, namespaced: boolean): K8sObject {
  if (namespaced || obj.metadata?.namespace === undefined) return obj;
  const { namespace: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata: metadata as K8sObject['metadata'] };
}

/** Validation results by object and schema: an identical render in two environments is walked once. */
const validated = new WeakMap<object, Map<KindEntry, SchemaProblem[]>>();

/** The schemas of one environment: its Kubernetes version and the CRDs its charts render. */
export class EnvironmentSchemas {
  readonly version: KubernetesVersionBundle;
  private readonly definitions: Record<string, BundleSchema>;
  /** `group/kind` → the CRD first rendered for it, in release order, with its chart. */
  private readonly crds = new Map<string, { readonly compiled: CompiledCrd | Error; readonly chart: string; readonly namespaced: boolean }>();

  constructor(version: string, rendered: readonly RenderedCrd[]) {
    this.version = loadKubernetesVersionBundle(version);
    this.definitions = definitionsFor(this.version);
    for (const r of rendered) {
      const spec = (r.crd.spec ?? {}) as Json;
      const key = `${spec.group}/${spec.names?.kind}`;
      if (!this.crds.has(key)) this.crds.set(key, { compiled: compileCrd(r), chart: r.chart, namespaced: spec.scope !== 'Cluster' });
    }
  }

  /**
   * The schema of an apiVersion and kind, or why there is none. CRDs are looked up before the built-in
   * groups are ruled out: Gateway API's gateway.networking.k8s.io is a CRD group under k8s.io.
   */
  resolve(apiVersion: string, kind: string): ResolvedKind | { readonly missing: string; readonly namespaced?: boolean } {
    const k8s = `Kubernetes ${this.version.kubernetesVersion}`;
    const core = this.version.kinds[apiVersion]?.[kind];
    if (core) return { entry: core, against: k8s };
    const group = groupOf(apiVersion);
    const rendered = this.crds.get(`${group}/${kind}`);
    if (rendered) {
      const { compiled, chart, namespaced } = rendered;
      if (compiled instanceof Error) return { missing: compiled.message, namespaced };
      const version = versionOf(apiVersion);
      const against = `the CRD ${compiled.name} from chart ${chart}`;
      const entry = compiled.versions.get(version);
      if (entry) return { entry, against };
      const served = [...compiled.versions.keys()].join(', ') || 'no version';
      return { missing: `${against} does not serve ${version} (it serves ${served})`, namespaced };
    }
    const bundled = loadKubernetesBundle().kinds[apiVersion]?.[kind];
    if (bundled && bundled.source !== SWAGGER_FILE) return { entry: bundled, against: `the bundled CRD from ${bundled.source}` };
    const served = this.version.served;
    if (served[apiVersion]?.[kind] !== undefined)
      return {
        missing: `${k8s} serves ${apiVersion} ${kind}, but its schema is not bundled: add it to CHART_KINDS in src/validate/kubernetes-bundle.ts and run npm run schemas`,
        namespaced: served[apiVersion][kind],
      };
    if (group === '' || Object.keys(served).some((v) => groupOf(v) === group)) {
      const elsewhere = Object.keys(served).filter((v) => served[v][kind] !== undefined);
      return { missing: `${k8s} does not serve ${apiVersion} ${kind}${elsewhere.length ? ` (it serves ${kind} as ${elsewhere.join(', ')})` : ''}` };
    }
    return {
      missing: `no schema for ${apiVersion} ${kind}: not a ${k8s} kind, and no CRD for it is rendered by this environment's charts or bundled; the apply fails with "no matches for kind ${kind}"`,
    };
  }

  /** What is wrong with one rendered object, against which schema; and its scope, when a schema knows it. */
  check(obj: K8sObject): { readonly namespaced?: boolean; readonly against?: string; readonly problems: readonly SchemaProblem[] } {
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return { problems: validateManifest(obj, loadKubernetesBundle()) };
    const resolved = this.resolve(obj.apiVersion, obj.kind);
    if ('missing' in resolved) return { namespaced: resolved.namespaced, problems: [{ path: '', message: resolved.missing }] };
    const { entry, against } = resolved;
    let byEntry = validated.get(obj);
    if (!byEntry) validated.set(obj, (byEntry = new Map()));
    let problems = byEntry.get(entry);
    if (!problems) {
      const bundle: KubernetesBundle = {
        about: '',
        format: 1,
        definitions: this.definitions,
        kinds: { [obj.apiVersion]: { [obj.kind]: entry } },
        skippedPatterns: [],
      };
      byEntry.set(entry, (problems = validateManifest(asApplied(obj, entry.namespaced), bundle)));
    }
    return { namespaced: entry.namespaced, against, problems };
  }
}
