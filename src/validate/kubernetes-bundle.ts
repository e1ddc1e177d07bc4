/**
 * Builds src/validate/schemas/kubernetes.json: the compact, offline schema bundle that
 * src/validate/kubernetes.ts validates manifests against; and kubernetes-<version>.json, one per cluster
 * version of the catalog, that the helm checks validate the operator charts' objects against.
 *
 *   npm run schemas (or node -r ./ts-register.js src/validate/kubernetes-bundle.ts)     (reads ../shared/schemas next to the repository)
 *
 * Sources: the Kubernetes 1.28 OpenAPI v2 spec (kubernetes/swagger-v1.28.json) and the
 * CustomResourceDefinitions in crds/*.yaml. Only the kinds in BUNDLED_KINDS are kept, with the
 * transitive closure of the core definitions they reference. Everything the validator does not use
 * is dropped (descriptions, defaults, examples, list/map/patch annotations, CEL rules).
 * The per-version bundles come from kubernetes/swagger-v<version>.json: BUNDLED_KINDS.core and
 * CHART_KINDS, normalised the same way, plus the list of every kind the version serves.
 *
 * Normalisation, so that the validator has a single set of rules (those of CRD structural schemas):
 * - core `type: object` without properties and additionalProperties (RawExtension, FieldsV1) is
 *   free-form: it becomes `x-kubernetes-preserve-unknown-fields: true`;
 * - core IntOrString becomes `x-kubernetes-int-or-string: true`, and CRD int-or-string drops its
 *   `anyOf: [{type: integer}, {type: string}]` (the flag says the same);
 * - core Quantity becomes `{format: quantity}` (a number, or a string in quantity syntax);
 * - core properties are `nullable` (a JSON null decodes to the Go zero value);
 * - a CRD property that has a `default` is not `required` (the API server defaults before it validates);
 * - the root `metadata` of a CRD becomes a reference to core ObjectMeta, and the root always has
 *   `apiVersion` and `kind` (the API server's implicit fields, which some CRDs leave out);
 * - Go RE2 patterns are rewritten for JavaScript (`patternFlags`, when not the default `u`); one
 *   JavaScript cannot compile is dropped and listed in `skippedPatterns`;
 * - CRD subschemas that occur more than once (pod specs, containers, probes…) are stored once in
 *   `definitions` under `crd.<hash>` and referenced with `$ref`.
 * Keys are sorted at every depth, so the output is deterministic.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { indentQuotedContinuations } from './go-yaml';
import { KUBERNETES_VERSIONS } from '../model/catalog';
import {
  bundledKubernetesVersions,
  compareVersions,
  versionBundleFile,
  type BundleSchema,
  type KubernetesBundle,
  type KubernetesVersionBundle,
  type SkippedPattern,
} from './kubernetes';

/** The kinds the project emits: the only ones the bundle (and so the validator) knows. */
export const BUNDLED_KINDS = {
  core: {
    v1: ['Namespace', 'ServiceAccount', 'ConfigMap', 'Secret', 'Service', 'PersistentVolumeClaim', 'LimitRange', 'ResourceQuota'],
    'apps/v1': ['Deployment', 'StatefulSet', 'DaemonSet'],
    'batch/v1': ['Job', 'CronJob'],
    'networking.k8s.io/v1': ['NetworkPolicy', 'Ingress', 'IngressClass'],
    'autoscaling/v2': ['HorizontalPodAutoscaler'],
    'policy/v1': ['PodDisruptionBudget'],
    'rbac.authorization.k8s.io/v1': ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
    'scheduling.k8s.io/v1': ['PriorityClass'],
    'storage.k8s.io/v1': ['StorageClass'],
  },
  crds: {
    'karpenter.sh/v1': ['NodePool'],
    'karpenter.k8s.aws/v1': ['EC2NodeClass'],
    'keda.sh/v1alpha1': ['ScaledObject', 'TriggerAuthentication'],
    'external-secrets.io/v1': ['ExternalSecret', 'SecretStore', 'ClusterSecretStore'],
    'serving.kserve.io/v1beta1': ['InferenceService'],
    'machinelearning.seldon.io/v1': ['SeldonDeployment'],
    'sparkoperator.k8s.io/v1beta2': ['SparkApplication', 'ScheduledSparkApplication'],
    'milvus.io/v1beta1': ['Milvus'],
    'networking.istio.io/v1': ['Gateway'],
    'operator.knative.dev/v1beta1': ['KnativeServing'],
    'sagemaker.services.k8s.aws/v1alpha1': ['TrainingJob'],
    'argoproj.io/v1alpha1': ['Application', 'AppProject'],
    'kustomize.toolkit.fluxcd.io/v1': ['Kustomization'],
    'source.toolkit.fluxcd.io/v1': ['GitRepository', 'HelmRepository'],
    'helm.toolkit.fluxcd.io/v2': ['HelmRelease'],
    'monitoring.coreos.com/v1': ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'],
  },
} as const;

export const SWAGGER_FILE = 'kubernetes/swagger-v1.28.json';
export const CRD_DIR = 'crds';
const DEFINITION_PREFIX = '#/definitions/';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
/** Formats the validator checks; other formats (double, …) are dropped. */
const KEPT_FORMATS = new Set(['int32', 'int64', 'date-time', 'byte']);
/** A repeated CRD subschema is shared once its JSON is at least this long. */
const SHARE_MIN_CHARS = 200;

/** Schema keywords copied as they are. */
const KEPT_KEYWORDS = new Set([
  'type',
  'enum',
  'nullable',
  'required',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'uniqueItems',
  'multipleOf',
]);
/** Keywords handled specially, below. */
const HANDLED_KEYWORDS = new Set([
  '$ref',
  'properties',
  'items',
  'additionalProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'format',
  'pattern',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
]);
/** Keywords that do not change what is valid for the validator (CEL rules are not evaluated). */
const DROPPED_KEYWORDS = new Set([
  'description',
  'default',
  'example',
  'title',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-unions',
  'x-kubernetes-group-version-kind',
  'x-kubernetes-validations',
]);

type Raw = Record<string, any>;

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

// ---------------------------------------------------------------------------------------------
// Go RE2 → JavaScript patterns

/**
 * Rewrites a Go RE2 pattern for a JavaScript RegExp (tried with the `u` flag, then without).
 * Returns undefined when it uses something with no JavaScript equivalent or does not compile.
 */
export function re2ToJs(pattern: string): { source: string; flags: string } | undefined {
  let source = pattern;
  let flags = '';
  // Leading inline flags: (?i), (?s), (?is), also right after the start anchor (`^(?i)…`, which the anchor is not
  // affected by). (?U), (?m) and mid-pattern flags are not translated.
  const lead = /^(\^?)\(\?([is]+)\)/.exec(source);
  if (lead) {
    flags = [...new Set(lead[2])].sort().join('');
    source = lead[1] + source.slice(lead[0].length);
  }
  if (/\(\?[a-zA-Z-]+[):]/.test(source)) return undefined; // (?U), (?i:…) mid-pattern…
  source = source
    .replace(/\\Q([\s\S]*?)(\\E|$)/g, (_, lit: string) => lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'))
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\\p([A-Z])/g, '\\p{$1}')
    .replace(/\\P([A-Z])/g, '\\P{$1}')
    .replace(/\[:(alnum|alpha|ascii|blank|cntrl|digit|graph|lower|print|punct|space|upper|word|xdigit):\]/g, (_, c: string) => POSIX_CLASSES[c]);
  for (const f of ['u', '']) {
    try {
      new RegExp(source, flags + f);
      return { source, flags: flags + f };
    } catch {
      // try the next flag set
    }
  }
  return undefined;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

// ---------------------------------------------------------------------------------------------
// Normalisation

interface Context {
  /** Where we are, for error messages and skippedPatterns. */
  where: string;
  core: boolean;
  skipped: SkippedPattern[];
}

function normalise(raw: Raw, ctx: Context, at: string): BundleSchema {
  const out: Raw = {};
  for (const [key, value] of Object.entries(raw)) {
    if (DROPPED_KEYWORDS.has(key)) continue;
    if (KEPT_KEYWORDS.has(key)) {
      out[key] = value;
      continue;
    }
    if (!HANDLED_KEYWORDS.has(key)) throw new Error(`${ctx.where}${at}: schema keyword "${key}" is not supported by the validator`);
    switch (key) {
      case '$ref':
        if (!String(value).startsWith(DEFINITION_PREFIX)) throw new Error(`${ctx.where}${at}: unsupported $ref ${value}`);
        out.$ref = String(value).slice(DEFINITION_PREFIX.length);
        break;
      case 'properties': {
        const props: Raw = {};
        for (const [name, sub] of Object.entries(value as Raw)) {
          const n = normalise(sub, ctx, `${at}.${name}`);
          props[name] = ctx.core ? { ...n, nullable: true } : n;
        }
        out.properties = props;
        break;
      }
      case 'items':
        out.items = normalise(value, ctx, `${at}[]`);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof value === 'boolean' ? value : normalise(value, ctx, `${at}{}`);
        break;
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
        out[key] = (value as Raw[]).map((s, i) => normalise(s, ctx, `${at}(${key}[${i}])`));
        break;
      case 'not':
        out.not = normalise(value, ctx, `${at}(not)`);
        break;
      case 'format':
        if (KEPT_FORMATS.has(value)) out.format = value;
        else if (value === 'int-or-string') out['x-kubernetes-int-or-string'] = true;
        break;
      case 'pattern': {
        const js = re2ToJs(value);
        if (!js) ctx.skipped.push({ where: `${ctx.where}${at}`, pattern: value });
        else {
          out.pattern = js.source;
          if (js.flags !== 'u') out.patternFlags = js.flags; // 'u' is the default
        }
        break;
      }
      case 'x-kubernetes-preserve-unknown-fields':
      case 'x-kubernetes-int-or-string':
        if (value === true) out[key] = true;
        break;
    }
  }
  if (out['x-kubernetes-int-or-string'] && out.anyOf && isIntOrStringAnyOf(out.anyOf)) delete out.anyOf;
  if (out['x-kubernetes-int-or-string'] && out.type === 'string') delete out.type; // core IntOrString
  // A property with a default is filled in before validation: never missing.
  if (!ctx.core && Array.isArray(out.required) && raw.properties) {
    const required = (out.required as string[]).filter((name) => !(raw.properties[name] && 'default' in raw.properties[name]));
    if (required.length) out.required = required;
    else delete out.required;
  }
  // Core: an object with no properties and no additionalProperties is free-form.
  if (ctx.core && out.type === 'object' && !out.properties && out.additionalProperties === undefined) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out as BundleSchema;
}

function isIntOrStringAnyOf(list: Raw[]): boolean {
  const types = list.map((s) => JSON.stringify(s)).sort();
  return types.length === 2 && types[0] === '{"type":"integer"}' && types[1] === '{"type":"string"}';
}

// ---------------------------------------------------------------------------------------------
// Core (swagger)

interface Swagger {
  definitions: Record<string, Raw>;
  paths: Record<string, Record<string, Raw>>;
}

function coreKinds(swagger: Swagger) {
  const byGvk = new Map<string, string>();
  for (const [name, def] of Object.entries(swagger.definitions)) {
    for (const g of (def['x-kubernetes-group-version-kind'] ?? []) as Gvk[]) {
      const key = `${apiVersionOf(g.group, g.version)} ${g.kind}`;
      // A kind's own definition is in its group and version's package (DeleteOptions, WatchEvent… list many).
      if (!byGvk.has(key) || name.endsWith(`.${g.version}.${g.kind}`)) byGvk.set(key, name);
    }
  }
  const scope = new Map<string, boolean>();
  for (const [p, ops] of Object.entries(swagger.paths)) {
    for (const op of Object.values(ops)) {
      const g = op && typeof op === 'object' ? (op['x-kubernetes-group-version-kind'] as Gvk | undefined) : undefined;
      if (!g) continue;
      const key = `${apiVersionOf(g.group, g.version)} ${g.kind}`;
      scope.set(key, (scope.get(key) ?? false) || p.includes('/namespaces/{namespace}/'));
    }
  }
  return { byGvk, scope };
}

function refsOf(schema: unknown, into: Set<string>): void {
  if (Array.isArray(schema)) schema.forEach((s) => refsOf(s, into));
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') into.add(value);
      else refsOf(value, into);
    }
  }
}

function normaliseCoreDefinition(name: string, def: Raw, skipped: SkippedPattern[]): BundleSchema {
  if (name === QUANTITY) return { format: 'quantity' };
  if (name === INT_OR_STRING) return { 'x-kubernetes-int-or-string': true };
  return normalise(def, { where: name, core: true, skipped }, '');
}

// ---------------------------------------------------------------------------------------------
// CRDs

interface CrdVersion {
  file: string;
  namespaced: boolean;
  served: boolean;
  schema: Raw | undefined;
}

function readCrds(dir: string, wanted: Set<string>): Map<string, CrdVersion> {
  const out = new Map<string, CrdVersion>();
  const groups = new Set([...wanted].map((k) => k.split('/')[0]));
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    // Cheap pre-filter: parse only files that define a group we want.
    const group = /^\s+group:\s*["']?([^\s"']+)/m.exec(text)?.[1];
    if (group && !groups.has(group)) continue;
    for (const doc of parseAllDocuments(indentQuotedContinuations(text))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      const crd = doc.toJS({ maxAliasCount: -1 }) as Raw | null;
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions ?? []) {
        const key = `${crd.spec.group}/${v.name} ${crd.spec.names.kind}`;
        out.set(key, { file: `${CRD_DIR}/${file}`, namespaced: crd.spec.scope !== 'Cluster', served: v.served !== false, schema: v.schema?.openAPIV3Schema });
      }
    }
  }
  return out;
}

/** Stores repeated CRD subschemas once, as `crd.<hash>` definitions. */
class Sharer {
  private readonly counts = new Map<string, number>();
  readonly definitions: Record<string, BundleSchema> = {};

  count(schema: unknown): void {
    forEachSubschema(schema, (s) => {
      const key = canonicalJson(s);
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    });
  }

  /** Replaces repeated subschemas (below the root) with references. */
  share(schema: BundleSchema): BundleSchema {
    return mapChildren(schema, (s) => this.shareNode(s));
  }

  private shareNode(schema: BundleSchema): BundleSchema {
    const key = canonicalJson(schema);
    if (key.length < SHARE_MIN_CHARS || (this.counts.get(key) ?? 0) < 2) return this.share(schema);
    const name = `crd.${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
    if (!(name in this.definitions)) this.definitions[name] = this.share(schema);
    return { $ref: name };
  }
}

function mapChildren(schema: BundleSchema, f: (s: BundleSchema) => BundleSchema): BundleSchema {
  const out: Raw = { ...schema };
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, f(v)]));
  if (schema.items) out.items = f(schema.items);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out.additionalProperties = f(schema.additionalProperties);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (schema[key]) out[key] = schema[key]!.map(f);
  if (schema.not) out.not = f(schema.not);
  return out as BundleSchema;
}

function forEachSubschema(schema: unknown, f: (s: BundleSchema) => void): void {
  mapChildren(schema as BundleSchema, (s) => {
    f(s);
    forEachSubschema(s, f);
    return s;
  });
}

// ---------------------------------------------------------------------------------------------

/** The core definitions of these kinds and the closure of their references (plus ObjectMeta, which CRD objects use). */
function coreKindsAndDefinitions(swagger: Swagger, source: string, wanted: Readonly<Record<string, readonly string[]>>, skipped: SkippedPattern[]) {
  const { byGvk, scope } = coreKinds(swagger);
  const kinds: KubernetesBundle['kinds'] = {};
  const pending: string[] = [OBJECT_META];
  for (const [apiVersion, list] of Object.entries(wanted)) {
    for (const kind of list) {
      const key = `${apiVersion} ${kind}`;
      const name = byGvk.get(key);
      if (!name) throw new Error(`${source}: no definition for ${key}`);
      if (!scope.has(key)) throw new Error(`${source}: no API path for ${key}, cannot tell its scope`);
      (kinds[apiVersion] ??= {})[kind] = { namespaced: scope.get(key)!, schema: { $ref: name }, source };
      pending.push(name);
    }
  }
  const definitions: Record<string, BundleSchema> = {};
  while (pending.length) {
    const name = pending.pop()!;
    if (name in definitions) continue;
    const def = swagger.definitions[name];
    if (!def) throw new Error(`${source}: missing definition ${name}`);
    const normalised = normaliseCoreDefinition(name, def, skipped);
    definitions[name] = normalised;
    const refs = new Set<string>();
    refsOf(normalised, refs);
    pending.push(...refs);
  }
  return { kinds, definitions };
}

/**
 * A CRD version's openAPIV3Schema as the validator reads it, its root metadata core ObjectMeta. Used for
 * the bundled CRDs and, at run time, for the CRDs the operator charts render.
 */
export function normaliseCrdSchema(openAPIV3Schema: Raw, where: string, skipped: SkippedPattern[]): BundleSchema {
  const rootMetadata = openAPIV3Schema.properties?.metadata as Raw | undefined;
  if (rootMetadata && Object.keys(rootMetadata).some((k) => k !== 'type' && !DROPPED_KEYWORDS.has(k))) {
    // Its constraints (e.g. on metadata.name) would be lost when metadata becomes core ObjectMeta.
    throw new Error(`${where}: a root metadata schema other than {type: object} is not supported`);
  }
  const schema = normalise(openAPIV3Schema, { where, core: false, skipped }, '');
  // The API server always accepts apiVersion, kind and metadata at the root, whether the CRD lists them or
  // not (Istio's list only spec and status).
  schema.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, ...schema.properties, metadata: { $ref: OBJECT_META } };
  return schema;
}

/** Builds the bundle from a checkout of the shared schemas (pure: reads, never writes). */
export function buildKubernetesBundle(sharedSchemasDir: string): KubernetesBundle {
  const skippedPatterns: SkippedPattern[] = [];
  const swagger = JSON.parse(fs.readFileSync(path.join(sharedSchemasDir, SWAGGER_FILE), 'utf8')) as Swagger;
  const { kinds, definitions } = coreKindsAndDefinitions(swagger, SWAGGER_FILE, BUNDLED_KINDS.core, skippedPatterns);

  // CRD kinds.
  const wanted = new Set<string>();
  for (const [apiVersion, list] of Object.entries(BUNDLED_KINDS.crds)) for (const kind of list) wanted.add(`${apiVersion} ${kind}`);
  const crds = readCrds(path.join(sharedSchemasDir, CRD_DIR), wanted);
  const crdSchemas = new Map<string, { apiVersion: string; kind: string; version: CrdVersion; schema: BundleSchema }>();
  for (const key of [...wanted].sort()) {
    const version = crds.get(key);
    if (!version) throw new Error(`${CRD_DIR}/: no CustomResourceDefinition for ${key}`);
    if (!version.served) throw new Error(`${version.file}: ${key} is not a served version`);
    if (!version.schema) throw new Error(`${version.file}: ${key} has no openAPIV3Schema`);
    const [apiVersion, kind] = key.split(' ');
    const schema = normaliseCrdSchema(version.schema, `${apiVersion}/${kind}`, skippedPatterns);
    crdSchemas.set(key, { apiVersion, kind, version, schema });
  }
  const sharer = new Sharer();
  for (const { schema } of crdSchemas.values()) sharer.count(schema);
  for (const { apiVersion, kind, version, schema } of crdSchemas.values()) {
    (kinds[apiVersion] ??= {})[kind] = { namespaced: version.namespaced, schema: sharer.share(schema), source: version.file };
  }
  Object.assign(definitions, sharer.definitions);

  return sortKeysDeep({
    about: 'Generated by src/validate/kubernetes-bundle.ts from ../shared/schemas (Kubernetes 1.28 OpenAPI and CRDs). Do not edit.',
    definitions,
    format: 1,
    kinds,
    skippedPatterns: skippedPatterns.sort((a, b) => (a.where < b.where ? -1 : a.where > b.where ? 1 : 0)),
  }) as KubernetesBundle;
}

// ---------------------------------------------------------------------------------------------
// One bundle per cluster version, for the objects the operator charts render

/**
 * Core kinds the pinned operator charts render beyond the project's own (BUNDLED_KINDS.core): with those,
 * the kinds of the per-version bundles. A chart that starts rendering another kind is reported by the
 * helm-schema rule until it is added here (and `npm run schemas` is run).
 */
export const CHART_KINDS = {
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
} as const;

export const swaggerFileOf = (version: string) => `kubernetes/swagger-v${version}.json`;

/**
 * The cluster versions with a bundle: every version the catalog offers whose OpenAPI spec ../shared
 * has (it has none for 1.32: an environment on it is checked against the next bundled version, with a warning).
 */
export function versionsToBundle(sharedSchemasDir: string): string[] {
  const offered = new Set(Object.values(KUBERNETES_VERSIONS).flatMap((versions) => Object.keys(versions)));
  return [...offered].filter((v) => fs.existsSync(path.join(sharedSchemasDir, swaggerFileOf(v)))).sort(compareVersions);
}

/**
 * Every resource kind a spec serves (apiVersion → kind → namespaced), from its API paths: `…/{name}` with a
 * get. Alpha and beta APIs are in the spec though a managed cluster may not switch them on.
 */
function servedKinds(swagger: Swagger): Record<string, Record<string, boolean>> {
  const served: Record<string, Record<string, boolean>> = {};
  for (const [p, ops] of Object.entries(swagger.paths)) {
    const g = ops.get?.['x-kubernetes-group-version-kind'] as Gvk | undefined;
    if (!g || !p.endsWith('/{name}') || p.includes('/watch/')) continue;
    (served[apiVersionOf(g.group, g.version)] ??= {})[g.kind] = p.includes('/namespaces/{namespace}/');
  }
  return served;
}

/** Builds the core bundle of one Kubernetes version: the project's core kinds and CHART_KINDS, and the list of every served kind. */
export function buildVersionBundle(sharedSchemasDir: string, version: string): KubernetesVersionBundle {
  const skippedPatterns: SkippedPattern[] = [];
  const source = swaggerFileOf(version);
  const swagger = JSON.parse(fs.readFileSync(path.join(sharedSchemasDir, source), 'utf8')) as Swagger;
  const wanted: Record<string, string[]> = {};
  for (const table of [BUNDLED_KINDS.core, CHART_KINDS]) for (const [apiVersion, list] of Object.entries(table)) (wanted[apiVersion] ??= []).push(...list);
  const { kinds, definitions } = coreKindsAndDefinitions(swagger, source, wanted, skippedPatterns);
  return sortKeysDeep({
    about: `Generated by src/validate/kubernetes-bundle.ts from ../shared/schemas/${source} (Kubernetes ${version} OpenAPI). Do not edit.`,
    definitions,
    format: 1,
    kinds,
    kubernetesVersion: version,
    served: servedKinds(swagger),
    skippedPatterns: skippedPatterns.sort((a, b) => (a.where < b.where ? -1 : a.where > b.where ? 1 : 0)),
  }) as KubernetesVersionBundle;
}

/** The bundle as written to disk: compact JSON, keys sorted, one trailing newline. */
export function serializeBundle(bundle: KubernetesBundle): string {
  return `${canonicalJson(bundle)}\n`;
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const out: Raw = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Raw)[key]);
    return out;
  }
  return value;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLE_FILE = path.join(REPO_ROOT, 'src', 'validate', 'schemas', 'kubernetes.json');
export const SHARED_SCHEMAS_DIR = path.resolve(REPO_ROOT, '../shared/schemas');

if (require.main === module) {
  const write = (file: string, build: () => KubernetesBundle) => {
    const started = Date.now();
    const text = serializeBundle(build());
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    const bundle = JSON.parse(text) as KubernetesBundle;
    const kindCount = Object.values(bundle.kinds).reduce((n, k) => n + Object.keys(k).length, 0);
    console.log(
      `wrote ${path.relative(process.cwd(), file)}: ${kindCount} kinds, ${Object.keys(bundle.definitions).length} definitions, ` +
        `${(text.length / 1024).toFixed(0)} KiB, ${bundle.skippedPatterns.length} pattern(s) skipped, in ${Date.now() - started} ms`,
    );
  };
  write(BUNDLE_FILE, () => buildKubernetesBundle(SHARED_SCHEMAS_DIR));
  const versions = versionsToBundle(SHARED_SCHEMAS_DIR);
  for (const version of versions) write(versionBundleFile(version), () => buildVersionBundle(SHARED_SCHEMAS_DIR, version));
  // A version the catalog no longer offers keeps no bundle.
  for (const stale of bundledKubernetesVersions().filter((v) => !versions.includes(v))) fs.rmSync(versionBundleFile(stale));
}
