/**
 * Offline, strict validation of Kubernetes YAML against the CRDs the project uses and the core kinds of a
 * Kubernetes version, from the compact bundles in src/validate/schemas (built by
 * src/validate/kubernetes-bundle.ts; see there for how the sources are normalised): kubernetes.json holds the
 * CRDs and Kubernetes 1.28; loadEnvironmentBundle puts a cluster version's core kinds in place of 1.28's.
 *
 * What is checked, per object:
 * - apiVersion and kind are known (only the kinds in BUNDLED_KINDS are);
 * - types, required fields, enums, patterns (Go RE2 rewritten for JavaScript), string lengths,
 *   numeric bounds, item and property counts, anyOf/oneOf/allOf/not, nullable, formats
 *   (int32/int64 ranges, date-time, byte = base64);
 * - int-or-string (an integer or a string) and quantities (a number, or a string like "500m", "1Gi");
 * - unknown fields, as the API server's strict field validation does: a field not in the schema is an
 *   error unless the object preserves unknown fields (`x-kubernetes-preserve-unknown-fields`,
 *   `additionalProperties`); a CRD object with no properties accepts no fields (they would be pruned).
 *   As in the API server's pruning, x-kubernetes-preserve-unknown-fields on an array also keeps its
 *   items' unknown fields. Subschemas inside anyOf/oneOf/allOf/not only constrain values (structural
 *   schemas), so they never report unknown fields. An empty schema `{}` accepts any value;
 * - metadata (core ObjectMeta, also for custom resources): name required and well-formed for its kind,
 *   no namespace on a cluster-scoped kind, label keys and values, annotation keys.
 *
 * Not checked: CEL rules (`x-kubernetes-validations`) are NOT evaluated; nor is the validation the API
 * server does in Go code beyond the schema (e.g. selector matches template labels), nor list-map key
 * uniqueness. Nulls: a core field accepts null (Go decodes it to the zero value); a CRD field only when
 * `nullable` (otherwise the API server would silently drop it, which is reported here).
 *
 * `kustomization.yaml` files are not objects: they are skipped, but their `resources` must list exactly
 * the other YAML files of their directory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** kubectl, Argo CD and Flux read YAML 1.1: an unquoted `on` is a boolean there, so it is here. */
const YAML_AS_KUBECTL_READS_IT = { version: '1.1' } as const;
import type { Finding } from './findings';
import { sortFindings } from './findings';

export const RULE = 'k8s-schema';
export const KUBERNETES_BUNDLE_FILE = path.join(__dirname, 'schemas', 'kubernetes.json');

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

/** A schema node of the bundle: a subset of OpenAPI v3 as used by CRD structural schemas. */
export interface BundleSchema {
  $ref?: string;
  type?: SchemaType;
  /** int32, int64, date-time, byte, or `quantity` (a number, or a string in quantity syntax). */
  format?: string;
  properties?: Record<string, BundleSchema>;
  additionalProperties?: BundleSchema | boolean;
  required?: string[];
  items?: BundleSchema;
  enum?: unknown[];
  /** JavaScript RegExp source (already rewritten from Go RE2) and its flags (default `u`). */
  pattern?: string;
  patternFlags?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  anyOf?: BundleSchema[];
  oneOf?: BundleSchema[];
  allOf?: BundleSchema[];
  not?: BundleSchema;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

export interface KindEntry {
  namespaced: boolean;
  schema: BundleSchema;
  /** The file of ../shared/schemas it was taken from. */
  source: string;
}

export interface SkippedPattern {
  where: string;
  pattern: string;
}

export interface KubernetesBundle {
  about: string;
  format: 1;
  /** Core definitions by name (io.k8s.…) and shared CRD subschemas (crd.<hash>). */
  definitions: Record<string, BundleSchema>;
  /** apiVersion → kind → entry. */
  kinds: Record<string, Record<string, KindEntry>>;
  /** Go patterns JavaScript cannot compile: not checked. */
  skippedPatterns: SkippedPattern[];
}

export interface SchemaProblem {
  /** Dotted path of the field, e.g. `spec.template.spec.containers[0].ports[0].containerPort`; '' for the object. */
  path: string;
  message: string;
}

/**
 * The core kinds of one cluster version (src/validate/schemas/kubernetes-<version>.json), which the helm
 * checks validate the operator charts' objects against; the project's own manifests use the bundle above.
 */
export interface KubernetesVersionBundle extends KubernetesBundle {
  /** `1.33`. */
  kubernetesVersion: string;
  /** Every kind the version serves, bundled or not (apiVersion → kind → namespaced): tells a removed API from a kind whose schema is not bundled. */
  served: Record<string, Record<string, boolean>>;
}

let cachedBundle: KubernetesBundle | undefined;

/** Reads the bundle once (about 0.1 s); later calls return the same object. */
export function loadKubernetesBundle(): KubernetesBundle {
  cachedBundle ??= JSON.parse(fs.readFileSync(KUBERNETES_BUNDLE_FILE, 'utf8')) as KubernetesBundle;
  return cachedBundle;
}

const VERSION_BUNDLE = /^kubernetes-(\d+\.\d+)\.json$/;

export const versionBundleFile = (version: string) => path.join(path.dirname(KUBERNETES_BUNDLE_FILE), `kubernetes-${version}.json`);

/** The cluster versions that have a bundle, oldest first. */
export function bundledKubernetesVersions(): string[] {
  return fs
    .readdirSync(path.dirname(KUBERNETES_BUNDLE_FILE))
    .flatMap((f) => VERSION_BUNDLE.exec(f)?.[1] ?? [])
    .sort(compareVersions);
}

/** Orders `1.9` before `1.33`. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  return x[0] - y[0] || x[1] - y[1];
}

const cachedVersionBundles = new Map<string, KubernetesVersionBundle>();

/** Reads one version's bundle once; later calls return the same object. */
export function loadKubernetesVersionBundle(version: string): KubernetesVersionBundle {
  let bundle = cachedVersionBundles.get(version);
  if (!bundle) cachedVersionBundles.set(version, (bundle = JSON.parse(fs.readFileSync(versionBundleFile(version), 'utf8')) as KubernetesVersionBundle));
  return bundle;
}

const environmentBundles = new Map<string, KubernetesBundle>();

/**
 * What an environment's own manifests are checked against: the bundled CRDs, and the core kinds as the
 * cluster's version serves them (a core kind that version no longer serves is unknown there).
 */
export function loadEnvironmentBundle(version: string): KubernetesBundle {
  let bundle = environmentBundles.get(version);
  if (bundle) return bundle;
  const base = loadKubernetesBundle();
  const core = loadKubernetesVersionBundle(version);
  const kinds: KubernetesBundle['kinds'] = {};
  for (const [apiVersion, byKind] of Object.entries(base.kinds))
    for (const [kind, entry] of Object.entries(byKind)) {
      // Core entries come from a swagger spec; CRD entries from crds/*.yaml.
      const chosen = entry.source.startsWith('kubernetes/') ? core.kinds[apiVersion]?.[kind] : entry;
      if (chosen) (kinds[apiVersion] ??= {})[kind] = chosen;
    }
  bundle = {
    about: `${base.about} Core kinds: ${core.about}`,
    format: 1,
    // The version's core definitions win: ObjectMeta and the pod spec are the cluster's.
    definitions: { ...base.definitions, ...core.definitions },
    kinds,
    skippedPatterns: [...base.skippedPatterns.filter((p) => !p.where.startsWith('io.k8s.')), ...core.skippedPatterns],
  };
  environmentBundles.set(version, bundle);
  return bundle;
}

// ---------------------------------------------------------------------------------------------
// Values

const QUANTITY = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32 = 2 ** 31;
const INT64 = 2 ** 63;

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
}

/** `string "80"`, `number 1.5`, `boolean true`, `object`, `array`, `null`. */
function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return `string ${quote(v)}`;
    case 'number':
    case 'boolean':
      return `${typeof v} ${String(v)}`;
    case 'object':
      return 'object';
    default:
      return typeof v;
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? quote(v) : JSON.stringify(v);
}

function hasType(v: unknown, type: SchemaType): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
  }
}

function join(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const segment = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : null;
  if (segment === null) return `${base}[${JSON.stringify(key)}]`;
  return base ? `${base}.${segment}` : segment;
}

// ---------------------------------------------------------------------------------------------
// Patterns

const patternCache = new Map<string, RegExp | null>();
let patternsSkippedAtRuntime = 0;

function compiled(source: string, flags: string): RegExp | null {
  const key = `${flags}/${source}`;
  let re = patternCache.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(source, flags);
    } catch {
      re = null; // not checked, counted
      patternsSkippedAtRuntime++;
    }
    patternCache.set(key, re);
  }
  return re;
}

/** Patterns that are not checked: dropped when the bundle was built, and any that failed to compile here. */
export function skippedPatternCount(bundle: KubernetesBundle = loadKubernetesBundle()): number {
  return bundle.skippedPatterns.length + patternsSkippedAtRuntime;
}

// ---------------------------------------------------------------------------------------------
// Schema walk

class Checker {
  constructor(
    private readonly definitions: Record<string, BundleSchema>,
    readonly problems: SchemaProblem[] = [],
  ) {}

  private report(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /**
   * `structural` is false inside anyOf/oneOf/allOf/not, which only constrain values. `preserve` is set
   * for the items of an array with x-kubernetes-preserve-unknown-fields: the API server's pruning keeps
   * their unknown fields too.
   */
  check(value: unknown, node: BundleSchema, path: string, structural: boolean, preserve = false): void {
    let s = node;
    if (value === null && s.nullable) return;
    for (let depth = 0; s.$ref !== undefined; depth++) {
      const target = this.definitions[s.$ref];
      if (!target || depth > 50) return this.report(path, `schema error: unresolvable $ref ${s.$ref}`);
      s = target;
      if (value === null && s.nullable) return;
    }
    const intOrString = s['x-kubernetes-int-or-string'] === true;
    const quantity = s.format === 'quantity';

    if (value === null || value === undefined) {
      if (s.type || intOrString || quantity) this.report(path, `expected ${expected(s)}, got null`);
      return;
    }
    if (quantity) {
      if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string' || !QUANTITY.test(value)) {
        this.report(path, `expected a quantity (a number, or a string such as "500m" or "1Gi"), got ${describe(value)}`);
      }
      return;
    }
    if (intOrString && !hasType(value, 'integer') && typeof value !== 'string') {
      return this.report(path, `expected integer or string, got ${describe(value)}`);
    }
    if (s.type && !hasType(value, s.type)) return this.report(path, `expected ${s.type}, got ${describe(value)}`);

    if (s.enum && !s.enum.some((e) => e === value || (typeof e === 'object' && JSON.stringify(e) === JSON.stringify(value)))) {
      const allowed = s.enum.length > 12 ? `${s.enum.slice(0, 12).map(show).join(', ')}, …` : s.enum.map(show).join(', ');
      this.report(path, `must be one of ${allowed}, got ${show(value)}`);
    }

    if (typeof value === 'string') this.checkString(value, s, path);
    else if (typeof value === 'number') this.checkNumber(value, s, path);
    else if (Array.isArray(value)) this.checkArray(value, s, path, structural, preserve);
    else if (isObject(value)) this.checkObject(value, s, path, structural, preserve);

    if (s.allOf) for (const sub of s.allOf) this.check(value, sub, path, false);
    if (s.anyOf) this.checkAlternatives(value, s.anyOf, 'anyOf', path);
    if (s.oneOf) this.checkAlternatives(value, s.oneOf, 'oneOf', path);
    if (s.not) {
      const c = new Checker(this.definitions);
      c.check(value, s.not, path, false);
      if (c.problems.length === 0) this.report(path, 'matches a form it must not match (not)');
    }
  }

  private checkAlternatives(value: unknown, alternatives: BundleSchema[], keyword: 'anyOf' | 'oneOf', path: string): void {
    if (alternatives.length === 0) return;
    const branches = alternatives.map((sub) => {
      const c = new Checker(this.definitions);
      c.check(value, sub, path, false);
      return c.problems;
    });
    const passing = branches.filter((b) => b.length === 0).length;
    if (passing === 0) {
      const closest = branches.reduce((a, b) => (b.length < a.length ? b : a));
      const detail = closest.map((p) => (p.path === path ? p.message : `${p.path}: ${p.message}`)).join('; ');
      this.report(path, `does not match any of the allowed forms (${keyword}); closest: ${detail}`);
    } else if (keyword === 'oneOf' && passing > 1) {
      this.report(path, `must match exactly one of the oneOf forms, matches ${passing}`);
    }
  }

  private checkString(value: string, s: BundleSchema, path: string): void {
    if (s.minLength !== undefined || s.maxLength !== undefined) {
      const length = [...value].length; // Go counts runes
      if (s.minLength !== undefined && length < s.minLength) this.report(path, `must be at least ${s.minLength} characters long, got ${length}`);
      if (s.maxLength !== undefined && length > s.maxLength) this.report(path, `must be at most ${s.maxLength} characters long, got ${length}`);
    }
    if (s.pattern !== undefined) {
      const re = compiled(s.pattern, s.patternFlags ?? 'u');
      if (re && !re.test(value)) this.report(path, `${quote(value)} does not match the pattern ${s.pattern}`);
    }
    if (s.format === 'date-time' && !DATE_TIME.test(value)) this.report(path, `expected an RFC 3339 date-time, got ${quote(value)}`);
    if (s.format === 'byte' && !BASE64.test(value.replace(/[\r\n]/g, ''))) this.report(path, 'expected base64-encoded data');
  }

  private checkNumber(value: number, s: BundleSchema, path: string): void {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum)) {
      this.report(path, `must be ${s.exclusiveMinimum ? '>' : '>='} ${s.minimum}, got ${value}`);
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum)) {
      this.report(path, `must be ${s.exclusiveMaximum ? '<' : '<='} ${s.maximum}, got ${value}`);
    }
    if (s.multipleOf !== undefined && s.multipleOf > 0 && !Number.isInteger(value / s.multipleOf)) {
      this.report(path, `must be a multiple of ${s.multipleOf}, got ${value}`);
    }
    if (Number.isInteger(value)) {
      if (s.format === 'int32' && (value < -INT32 || value >= INT32)) this.report(path, `${value} does not fit in int32`);
      if (s.format === 'int64' && (value < -INT64 || value >= INT64)) this.report(path, `${value} does not fit in int64`);
    }
  }

  private checkArray(value: unknown[], s: BundleSchema, path: string, structural: boolean, inherited: boolean): void {
    if (s.minItems !== undefined && value.length < s.minItems) this.report(path, `must have at least ${s.minItems} item(s), got ${value.length}`);
    if (s.maxItems !== undefined && value.length > s.maxItems) this.report(path, `must have at most ${s.maxItems} item(s), got ${value.length}`);
    if (s.uniqueItems) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) this.report(join(path, i), 'duplicate item');
        seen.add(key);
      });
    }
    const preserve = inherited || s['x-kubernetes-preserve-unknown-fields'] === true;
    if (s.items) for (let i = 0; i < value.length; i++) this.check(value[i], s.items, join(path, i), structural, preserve);
  }

  private checkObject(value: JsonObject, s: BundleSchema, path: string, structural: boolean, inherited: boolean): void {
    const keys = Object.keys(value);
    if (s.minProperties !== undefined && keys.length < s.minProperties) this.report(path, `must have at least ${s.minProperties} field(s), got ${keys.length}`);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties) this.report(path, `must have at most ${s.maxProperties} field(s), got ${keys.length}`);
    if (s.required) for (const name of s.required) if (!hasOwn(value, name)) this.report(join(path, name), 'missing required field');
    const props = s.properties;
    const extra = s.additionalProperties;
    const preserve = inherited || s['x-kubernetes-preserve-unknown-fields'] === true;
    // Only an object schema (or one with properties) decides which fields exist.
    const closed = structural && !preserve && extra !== true && (s.type === 'object' || props !== undefined);
    for (const key of keys) {
      if (props && hasOwn(props, key)) this.check(value[key], props[key], join(path, key), structural);
      else if (extra && typeof extra === 'object') this.check(value[key], extra, join(path, key), structural);
      else if (closed) this.report(join(path, key), 'unknown field');
    }
  }
}

function expected(s: BundleSchema): string {
  if (s.format === 'quantity') return 'a quantity';
  if (s['x-kubernetes-int-or-string']) return 'integer or string';
  return s.type ?? 'a value';
}

// ---------------------------------------------------------------------------------------------
// Names and metadata

type NameRule = 'subdomain' | 'label' | 'dns1035' | 'pathSegment';

/** Kinds whose name rule is not the default (lowercase RFC 1123 subdomain, at most 253 characters). */
const NAME_RULES: Record<string, NameRule> = {
  'v1 Namespace': 'label',
  'v1 Service': 'dns1035',
  'rbac.authorization.k8s.io/v1 Role': 'pathSegment',
  'rbac.authorization.k8s.io/v1 RoleBinding': 'pathSegment',
  'rbac.authorization.k8s.io/v1 ClusterRole': 'pathSegment',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': 'pathSegment',
};
/** Kinds with a shorter name limit (CronJob: its Jobs get an 11-character suffix). */
const NAME_MAX: Record<string, number> = { 'batch/v1 CronJob': 52 };

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'label':
      if (name.length > 63 || !DNS1123_LABEL.test(name))
        return `${quote(name)} must be a lowercase RFC 1123 label: at most 63 characters, a-z, 0-9 and '-', starting and ending with a letter or digit`;
      return undefined;
    case 'dns1035':
      if (name.length > 63 || !DNS1035_LABEL.test(name))
        return `${quote(name)} must be an RFC 1035 label: at most 63 characters, a-z, 0-9 and '-', starting with a letter and ending with a letter or digit`;
      return undefined;
    case 'pathSegment':
      if (name === '.' || name === '..' || /[/%]/.test(name)) return `${quote(name)} may not be '.' or '..' or contain '/' or '%'`;
      return undefined;
    case 'subdomain':
      if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name))
        return `${quote(name)} must be a lowercase RFC 1123 subdomain: at most 253 characters, a-z, 0-9, '-' and '.', each part starting and ending with a letter or digit`;
      return undefined;
  }
}

function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return `key ${quote(key)}: the prefix must be a lowercase RFC 1123 subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return `key ${quote(key)}: the name must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit`;
  }
  return undefined;
}

function checkMetadata(obj: JsonObject, gvk: string, entry: KindEntry, kind: string, problems: SchemaProblem[]): void {
  const metadata = obj.metadata;
  if (metadata !== undefined && metadata !== null && !isObject(metadata)) return; // the schema reported it
  const meta = (metadata ?? {}) as JsonObject;
  const name = meta.name;
  if (name === undefined || name === null || name === '') problems.push({ path: 'metadata.name', message: 'missing required field' });
  else if (typeof name === 'string') {
    const problem = nameProblem(name, NAME_RULES[gvk] ?? 'subdomain');
    if (problem) problems.push({ path: 'metadata.name', message: problem });
    const max = NAME_MAX[gvk];
    if (max !== undefined && name.length > max)
      problems.push({ path: 'metadata.name', message: `must be at most ${max} characters for a ${kind}, got ${name.length}` });
  }
  const namespace = meta.namespace;
  if (namespace !== undefined && namespace !== null) {
    if (!entry.namespaced) problems.push({ path: 'metadata.namespace', message: `${kind} is cluster-scoped: it cannot have a namespace` });
    else if (typeof namespace === 'string' && (namespace.length > 63 || !DNS1123_LABEL.test(namespace))) {
      problems.push({ path: 'metadata.namespace', message: nameProblem(namespace, 'label')! });
    }
  }
  if (isObject(meta.labels)) {
    for (const [key, value] of Object.entries(meta.labels)) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) problems.push({ path: join('metadata.labels', key), message: `invalid label ${keyProblem}` });
      if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
        problems.push({
          path: join('metadata.labels', key),
          message: `invalid label value ${quote(value)}: at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit`,
        });
      }
    }
  }
  if (isObject(meta.annotations)) {
    for (const key of Object.keys(meta.annotations)) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) problems.push({ path: join('metadata.annotations', key), message: `invalid annotation ${keyProblem}` });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// One object

/** Validates one Kubernetes object; an empty list means valid. */
export function validateManifest(obj: unknown, bundle: KubernetesBundle = loadKubernetesBundle()): SchemaProblem[] {
  if (!isObject(obj)) return [{ path: '', message: `expected a Kubernetes object (a mapping), got ${describe(obj)}` }];
  const problems: SchemaProblem[] = [];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || !apiVersion)
    problems.push({
      path: 'apiVersion',
      message: apiVersion === undefined ? 'missing required field' : `expected a non-empty string, got ${describe(apiVersion)}`,
    });
  if (typeof kind !== 'string' || !kind)
    problems.push({ path: 'kind', message: kind === undefined ? 'missing required field' : `expected a non-empty string, got ${describe(kind)}` });
  if (problems.length) return problems;
  const versionKinds = bundle.kinds[apiVersion as string];
  const entry = versionKinds && hasOwn(versionKinds, kind as string) ? versionKinds[kind as string] : undefined;
  if (!entry) {
    if (versionKinds)
      return [{ path: 'kind', message: `unknown kind ${quote(kind as string)} for apiVersion ${apiVersion} (known: ${Object.keys(versionKinds).join(', ')})` }];
    const elsewhere = Object.keys(bundle.kinds).filter((v) => hasOwn(bundle.kinds[v], kind as string));
    const hint = elsewhere.length ? ` (${kind} is known as ${elsewhere.join(', ')})` : '';
    return [{ path: 'apiVersion', message: `unknown apiVersion ${quote(apiVersion as string)}${hint}` }];
  }
  const checker = new Checker(bundle.definitions, problems);
  checker.check(obj, entry.schema, '', true);
  checkMetadata(obj, `${apiVersion} ${kind}`, entry, kind as string, problems);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// A directory

const YAML_FILE = /\.ya?ml$/;
const KUSTOMIZATION_FILE = /^kustomization\.ya?ml$/;

function yamlFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && YAML_FILE.test(entry.name)) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out;
}

function yamlError(error: Error): string {
  return `YAML error: ${error.message.split('\n')[0].replace(/:$/, '')}`;
}

function resourceName(obj: unknown, index: number): string {
  if (!isObject(obj) || typeof obj.kind !== 'string') return `document ${index + 1}`;
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' && meta.name ? meta.name : '(no name)';
  return typeof meta.namespace === 'string' && meta.namespace ? `${obj.kind} ${meta.namespace}/${name}` : `${obj.kind} ${name}`;
}

function checkKustomization(root: string, file: string, siblings: string[], findings: Finding[]): void {
  const finding = (message: string): void => {
    findings.push({ file, resource: 'Kustomization', rule: RULE, severity: 'error', message });
  };
  const docs = parseAllDocuments(fs.readFileSync(path.join(root, file), 'utf8'), YAML_AS_KUBECTL_READS_IT);
  const doc = docs[0];
  if (!doc || docs.length !== 1 || doc.errors.length) return finding(doc?.errors[0] ? yamlError(doc.errors[0]) : 'expected exactly one YAML document');
  const k = doc.toJS() as unknown;
  if (!isObject(k)) return finding(`expected a mapping, got ${describe(k)}`);
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') {
    finding(`expected apiVersion kustomize.config.k8s.io/v1beta1 and kind Kustomization, got ${show(k.apiVersion)} ${show(k.kind)}`);
  }
  const resources = k.resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string')) return finding('resources: expected a list of strings');
  const dir = path.posix.dirname(file);
  const expected = new Set(siblings);
  const listed = new Set<string>();
  for (const entry of resources as string[]) {
    if (listed.has(entry)) finding(`resources: duplicate entry ${quote(entry)}`);
    listed.add(entry);
    if (expected.has(entry)) continue;
    // A directory (another kustomization) or a remote base is not a file of this directory.
    const target = path.join(root, dir, entry);
    if (/^[a-z]+:\/\//.test(entry) || (fs.existsSync(target) && fs.statSync(target).isDirectory())) continue;
    finding(`resources: extra entry ${quote(entry)}: no such YAML file in ${dir === '.' ? 'this directory' : `${dir}/`}`);
  }
  for (const sibling of siblings) if (!listed.has(sibling)) finding(`resources: missing entry ${quote(sibling)} (a YAML file of this directory)`);
}

/**
 * Validates every *.yaml (and *.yml) file under dir; findings are sorted, files relative to dir. `bundle` may
 * depend on the file (its environment's Kubernetes version).
 */
export function validateKubernetesDir(dir: string, bundle: KubernetesBundle | ((file: string) => KubernetesBundle) = loadKubernetesBundle()): Finding[] {
  const bundleOf = typeof bundle === 'function' ? bundle : () => bundle;
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`${dir} is not a directory`);
  const findings: Finding[] = [];
  const files = yamlFiles(root);
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const d = path.posix.dirname(file);
    if (!byDir.has(d)) byDir.set(d, []);
    byDir.get(d)!.push(path.posix.basename(file));
  }
  for (const file of files) {
    const base = path.posix.basename(file);
    if (KUSTOMIZATION_FILE.test(base)) {
      const siblings = byDir.get(path.posix.dirname(file))!.filter((f) => !KUSTOMIZATION_FILE.test(f));
      checkKustomization(root, file, siblings, findings);
      continue;
    }
    const docs = parseAllDocuments(fs.readFileSync(path.join(root, file), 'utf8'), YAML_AS_KUBECTL_READS_IT);
    docs.forEach((doc, index) => {
      if (doc.errors.length) {
        findings.push({ file, resource: `document ${index + 1}`, rule: RULE, severity: 'error', message: yamlError(doc.errors[0]) });
        return;
      }
      const obj = doc.toJS() as unknown;
      if (obj === null || obj === undefined) return; // an empty document (e.g. after a trailing ---), as kubectl skips it
      const resource = resourceName(obj, index);
      for (const p of validateManifest(obj, bundleOf(file))) {
        findings.push({ file, resource, rule: RULE, severity: 'error', message: p.path ? `${p.path}: ${p.message}` : p.message });
      }
    });
  }
  return sortFindings(findings);
}
