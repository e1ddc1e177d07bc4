/**
 * Renders charts to files in memory: one YAML file per Kubernetes object, named
 * <kind>-<name>.yaml, keys in a stable order, and a kustomization.yaml per app directory.
 */
import { stringify } from 'yaml';
import type { AppChart } from './app-chart';

const TOP_LEVEL_ORDER = ['apiVersion', 'kind', 'metadata'];

/** Sorts keys alphabetically at every depth, except apiVersion, kind, metadata first at the top. */
export function canonicalObject(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_ORDER) if (key in obj) out[key] = sortKeys(obj[key]);
  for (const key of Object.keys(obj).sort()) if (!TOP_LEVEL_ORDER.includes(key)) out[key] = sortKeys(obj[key]);
  return out;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * YAML as kubectl, Argo CD and Flux read it: they parse YAML 1.1, where an unquoted `on`, `yes`
 * or `n` is a boolean. Writing in 1.1 mode quotes every such string.
 */
const YAML_OPTIONS = { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;

/**
 * The YAML of `value`, exactly as the yaml package writes it with YAML_OPTIONS. The package builds
 * a document tree first, which was a fifth of synth time; the manifests are plain maps, lists and
 * single-line scalars, written here directly. Each scalar is still spelled by the package (asked
 * once per distinct value and position, then remembered), so quoting follows its rules; anything
 * else (a multi-line string, a value the package would write over several lines) falls back to it.
 */
export function toYaml(value: unknown): string {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    const lines: string[] = [];
    if (writeMap(value, '', lines)) return lines.join('');
  }
  return stringify(value, YAML_OPTIONS);
}

/** A string the package writes unquoted in every position: a letter, then letters, digits and `._/-`; not a YAML 1.1 boolean or null. */
const ALWAYS_PLAIN = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const YAML11_WORDS = /^(?:y|n|yes|no|true|false|on|off|null)$/i;

type Position = 'key' | 'value' | 'item';
const spelled: Record<Position, Map<unknown, string | undefined>> = { key: new Map(), value: new Map(), item: new Map() };

/**
 * A value or list item the package writes plain: a letter, then no space, `#` or quote, not ending in `:` (nothing
 * its plain-scalar rules refuse), and no YAML 1.1 word; every other implicit type (numbers, timestamps) starts
 * with a digit, sign or dot. ARNs, URLs and image references, which differ per environment, skip the package.
 */
const PLAIN_VALUE = /^[A-Za-z][A-Za-z0-9._/:@=+-]*$/;

/**
 * How the package writes a scalar as a map key, a map value or a list item; undefined when it would not be one line,
 * except a block scalar (a multi-line string as a value or item), spelled as at the top level: its content lines
 * indented by two spaces, which {@link placed} moves to where it is written.
 */
function scalar(value: unknown, position: Position): string | undefined {
  if (typeof value === 'string' && ALWAYS_PLAIN.test(value) && !YAML11_WORDS.test(value)) return value;
  if (position !== 'key' && typeof value === 'string' && PLAIN_VALUE.test(value) && !value.endsWith(':') && !YAML11_WORDS.test(value)) return value;
  // A Map does not tell -0 from 0 (the package writes -0): -0 is not remembered.
  const known = Object.is(value, -0) ? new Map<unknown, string | undefined>() : spelled[position];
  if (known.has(value)) return known.get(value);
  let result: string | undefined;
  if (position === 'key') {
    const text = stringify({ [String(value)]: 0 }, YAML_OPTIONS);
    result = text.endsWith(': 0\n') && !text.startsWith('? ') ? text.slice(0, -4) : undefined;
  } else {
    const text = stringify(position === 'value' ? { k: value } : [value], YAML_OPTIONS);
    const prefix = position === 'value' ? 'k: ' : '- ';
    result = text.startsWith(prefix) && text.endsWith('\n') ? text.slice(prefix.length, -1) : undefined;
  }
  if (result !== undefined && result.includes('\n') && (position === 'key' || !/^[|>]/.test(result))) result = undefined;
  known.set(value, result);
  return result;
}

/** A scalar written with its content at `inner`: a block scalar's lines moved from the top level's two spaces (empty lines stay empty). */
function placed(s: string, inner: string): string {
  return s.includes('\n') ? s.replace(/\n {2}/g, `\n${inner}`) : s;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** Writes a non-empty map's entries at `indent`; false when the package must write it. */
function writeMap(map: Record<string, unknown>, indent: string, lines: string[]): boolean {
  for (const key of Object.keys(map)) {
    const k = scalar(key, 'key');
    if (k === undefined) return false;
    const v = map[key];
    if (!writeNested(v, `${indent}${k}:`, indent + '  ', 'value', lines)) return false;
  }
  return true;
}

/** Writes a non-empty list's items at `indent` (a list under a key is indented, as the package does). */
function writeList(list: readonly unknown[], indent: string, lines: string[]): boolean {
  for (const item of list) {
    if (isScalar(item)) {
      const s = scalar(item, 'item');
      if (s === undefined) return false;
      lines.push(`${indent}- ${placed(s, `${indent}  `)}\n`);
      continue;
    }
    // A nested map or list starts on the dash's line: `- key: value`, `- - item`.
    const start = lines.length;
    if (isPlainObject(item) && Object.keys(item).length > 0) {
      if (!writeMap(item, indent + '  ', lines)) return false;
    } else if (Array.isArray(item) && item.length > 0) {
      if (!writeList(item, indent + '  ', lines)) return false;
    } else if (!writeNested(item, `${indent}-`, indent + '  ', 'item', lines)) return false;
    else continue;
    lines[start] = `${indent}- ${lines[start].slice(indent.length + 2)}`;
  }
  return true;
}

/** `head` (`key:` or `-`) followed by a value: inline when scalar or empty, else on the lines below at `inner`. */
function writeNested(value: unknown, head: string, inner: string, position: Position, lines: string[]): boolean {
  if (isScalar(value)) {
    const s = scalar(value, position);
    if (s === undefined) return false;
    lines.push(`${head} ${placed(s, inner)}\n`);
  } else if (Array.isArray(value)) {
    if (value.length === 0) lines.push(`${head} []\n`);
    else {
      lines.push(`${head}\n`);
      return writeList(value, inner, lines);
    }
  } else if (isPlainObject(value)) {
    if (Object.keys(value).length === 0) lines.push(`${head} {}\n`);
    else {
      lines.push(`${head}\n`);
      return writeMap(value, inner, lines);
    }
  } else return false;
  return true;
}

export function manifestFileName(obj: { kind: string; metadata: { name: string } }): string {
  return `${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

/** Files of one chart, keyed by path relative to its root directory (kubernetes/ or gitops/); `objects`: the chart's toJson(), when the caller has it. */
export function renderChart(chart: AppChart, objects: readonly Record<string, unknown>[] = chart.toJson()): Map<string, string> {
  const files = new Map<string, string>();
  for (const raw of objects) {
    const obj = canonicalObject(raw) as { kind: string; metadata: { name: string } };
    const path = `${chart.appName}/${manifestFileName(obj)}`;
    if (files.has(path)) throw new Error(`two objects would be written to ${path}: kind and name must be unique per app`);
    files.set(path, toYaml(obj));
  }
  const resources = [...chart.kustomizeBases, ...[...files.keys()].map((p) => p.slice(chart.appName.length + 1)).sort()];
  files.set(`${chart.appName}/kustomization.yaml`, toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }));
  return files;
}
