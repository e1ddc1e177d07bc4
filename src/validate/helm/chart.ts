/**
 * A chart in the chart cache (`<chart>-<version>/` or `<chart>-<version>.tgz`), read only as far as the
 * value checks need: values.yaml, values.schema.json and the subcharts', keyed as helm keys them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { parse } from 'yaml';

export interface ChartValues {
  readonly name: string;
  /** values.yaml, parsed. */
  readonly values: Record<string, unknown>;
  readonly schema?: Record<string, unknown>;
  /** Subcharts by the key their values sit under in the parent: the dependency's alias, else its name. */
  readonly subcharts: ReadonlyMap<string, ChartValues>;
}

/** The cache entry for a pinned chart: a directory with Chart.yaml, else a .tgz; undefined when absent. */
export function findChart(cacheDir: string, chart: string, version: string): string | undefined {
  const base = path.join(cacheDir, `${chart}-${version}`);
  if (fs.existsSync(path.join(base, 'Chart.yaml'))) return base;
  if (fs.existsSync(`${base}.tgz`)) return `${base}.tgz`;
  return undefined;
}

/** Cache entries with the same version whose name shares the chart's first word: hints for a renamed chart. */
export function similarCharts(cacheDir: string, chart: string, version: string): string[] {
  if (!fs.existsSync(cacheDir)) return [];
  const stem = chart.split('-')[0];
  return fs
    .readdirSync(cacheDir)
    .map((f) => f.replace(/\.tgz$/, ''))
    .filter((f) => f.endsWith(`-${version}`) && f.startsWith(stem) && f !== `${chart}-${version}`)
    .sort();
}

/** Files of one chart, relative to its root, from a directory or from memory (an unpacked tgz). */
interface ChartTree {
  read(rel: string): Buffer | undefined;
  /** Entries directly under charts/: subchart directories (`name/`) and archives (`name.tgz`). */
  subchartEntries(): string[];
  sub(entry: string): ChartTree;
}

function dirTree(root: string): ChartTree {
  return {
    read: (rel) => (fs.existsSync(path.join(root, rel)) ? fs.readFileSync(path.join(root, rel)) : undefined),
    subchartEntries: () => {
      const dir = path.join(root, 'charts');
      if (!fs.existsSync(dir)) return [];
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => (e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'Chart.yaml'))) || e.name.endsWith('.tgz'))
        .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
        .sort();
    },
    sub: (entry) =>
      entry.endsWith('/') ? dirTree(path.join(root, 'charts', entry)) : memoryTree(untarChart(fs.readFileSync(path.join(root, 'charts', entry)))),
  };
}

function memoryTree(files: ReadonlyMap<string, Buffer>): ChartTree {
  return {
    read: (rel) => files.get(rel),
    subchartEntries: () => {
      const entries = new Set<string>();
      for (const f of files.keys()) {
        const m = /^charts\/([^/]+)(\/Chart\.yaml)?$/.exec(f);
        if (m && m[2]) entries.add(`${m[1]}/`);
        else if (m && m[1].endsWith('.tgz')) entries.add(m[1]);
      }
      return [...entries].sort();
    },
    sub: (entry) => {
      if (!entry.endsWith('/')) return memoryTree(untarChart(files.get(`charts/${entry}`) ?? Buffer.alloc(0)));
      const prefix = `charts/${entry}`;
      return memoryTree(new Map([...files].filter(([f]) => f.startsWith(prefix)).map(([f, b]) => [f.slice(prefix.length), b])));
    },
  };
}

/** The files of a chart archive, relative to its top directory (`<chart>/…`). Handles ustar, PAX and GNU long names. */
export function untarChart(tgz: Buffer): Map<string, Buffer> {
  const tar = zlib.gunzipSync(tgz);
  const files = new Map<string, Buffer>();
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const text = (from: number, len: number) => header.toString('utf8', from, from + len).replace(/\0.*$/s, '');
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    const body = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const prefix = text(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
    longName = undefined;
    if (type === '0' || type === '\0') files.set(name.split('/').slice(1).join('/'), Buffer.from(body));
  }
  return files;
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Istio's charts keep their defaults under `_internal_defaults_do_not_set`, which their zzz_profile.yaml
 * merges under the values a user sets at the top level: those are the chart's values.
 */
const ISTIO_DEFAULTS = '_internal_defaults_do_not_set';
function withIstioDefaults(values: Json): Json {
  const defaults = values[ISTIO_DEFAULTS];
  if (!isMap(defaults)) return values;
  const { [ISTIO_DEFAULTS]: _defaults, ...rest } = values;
  return { ...defaults, ...rest };
}

function loadTree(tree: ChartTree): ChartValues {
  const chartYaml = parse(tree.read('Chart.yaml')?.toString('utf8') ?? '') as Json | null;
  const values = parse(tree.read('values.yaml')?.toString('utf8') ?? '') as unknown;
  const schemaText = tree.read('values.schema.json')?.toString('utf8');
  const dependencies = (Array.isArray(chartYaml?.dependencies) ? chartYaml.dependencies : []).filter(isMap);
  const subcharts = new Map<string, ChartValues>();
  for (const entry of tree.subchartEntries()) {
    const sub = loadTree(tree.sub(entry));
    const alias = dependencies.find((d) => d.name === sub.name && typeof d.alias === 'string')?.alias as string | undefined;
    subcharts.set(alias ?? sub.name, sub);
  }
  return {
    name: typeof chartYaml?.name === 'string' ? chartYaml.name : '',
    values: isMap(values) ? withIstioDefaults(values) : {},
    schema: schemaText ? (JSON.parse(schemaText) as Json) : undefined,
    subcharts,
  };
}

export function loadChartValues(chartPath: string): ChartValues {
  return loadTree(chartPath.endsWith('.tgz') ? memoryTree(untarChart(fs.readFileSync(chartPath))) : dirTree(chartPath));
}

// ---- which value paths a chart knows

/** A schema node with its document, so `$ref: #/…` resolves against the right root. */
interface SchemaAt {
  readonly node: Json;
  readonly root: Json;
}

function resolve(s: SchemaAt, depth = 0): SchemaAt[] {
  const ref = s.node.$ref;
  const out: SchemaAt[] = [];
  if (typeof ref === 'string' && ref.startsWith('#') && depth < 20) {
    const target = ref
      .slice(1)
      .split('/')
      .filter(Boolean)
      .reduce<unknown>((v, k) => (isMap(v) ? v[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), s.root);
    if (isMap(target)) out.push(...resolve({ node: target, root: s.root }, depth + 1));
  }
  out.push(s);
  for (const combinator of ['allOf', 'anyOf', 'oneOf']) {
    const branches = s.node[combinator];
    if (Array.isArray(branches)) for (const b of branches.filter(isMap)) out.push(...resolve({ node: b, root: s.root }, depth + 1));
  }
  return out;
}

/** A node that constrains no sub-keys: any key below it is allowed. */
function isFree(nodes: readonly SchemaAt[]): boolean {
  return nodes
    .flatMap((n) => resolve(n))
    .every(({ node }) => !isMap(node.properties) && !isMap(node.patternProperties) && node.additionalProperties === undefined);
}

/** The schema nodes that describe `key` under `nodes` (empty: the schema does not describe it). */
function schemaChild(nodes: readonly SchemaAt[], key: string): SchemaAt[] {
  const out: SchemaAt[] = [];
  for (const s of nodes.flatMap((n) => resolve(n))) {
    const { node, root } = s;
    if (isMap(node.properties) && isMap(node.properties[key])) out.push({ node: node.properties[key] as Json, root });
    if (isMap(node.patternProperties)) {
      for (const [pattern, sub] of Object.entries(node.patternProperties)) if (isMap(sub) && new RegExp(pattern, 'u').test(key)) out.push({ node: sub, root });
    }
    if (isMap(node.additionalProperties)) out.push({ node: node.additionalProperties, root });
    else if (node.additionalProperties === true) out.push({ node: {}, root });
  }
  return out;
}

export interface UnknownValue {
  /** The first segment path the chart does not know, e.g. `kserve.controller`. */
  readonly path: string;
  /** One value the release sets below it (or the path itself), e.g. `kserve.controller.deploymentMode`. */
  readonly example: string;
}

const firstLeaf = (v: unknown, at: string): string => {
  if (!isMap(v)) return at;
  const k = Object.keys(v)[0];
  return k === undefined ? at : firstLeaf(v[k], `${at}.${k}`);
};

/**
 * Values a chart's templates read that values.yaml does not fully list: ones rendered whole (`toYaml`), so every key
 * under them reaches the rendered object though the default lists only some, and ones values.yaml has only as a
 * comment; by `<chart> <version>`, each path with the template that reads it. Listed one by one, after reading the
 * template: a key under any other map with a non-empty default stays an error.
 */
export const WHOLE_VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'kserve-resources v0.20.0': {
    'kserve.storage.containerSecurityContext': "files/common/storagecontainer-patch.yaml: the ClusterStorageContainer's securityContext",
  },
  'milvus-operator 1.3.8': { podSecurityContext: "templates/deployment.yaml: the pod's securityContext (toYaml)" },
  // Read by the templates, present in values.yaml only as comments.
  'kube-prometheus-stack 88.5.3': {
    'prometheusOperator.priorityClassName': 'templates/prometheus-operator/deployment.yaml: the operator pod’s priorityClassName',
    'kube-state-metrics.priorityClassName': 'charts/kube-state-metrics/templates/deployment.yaml: the pod’s priorityClassName',
    'prometheus-node-exporter.priorityClassName': 'charts/prometheus-node-exporter/templates/daemonset.yaml: the pod’s priorityClassName',
    'grafana.priorityClassName': 'charts/grafana/templates/_pod.tpl: the pod’s priorityClassName',
    'grafana.podLabels': 'charts/grafana/templates/deployment.yaml: the pod template’s labels',
    'grafana.serviceAccount.annotations': 'charts/grafana/templates/serviceaccount.yaml: the service account’s annotations',
    // Rendered whole: every section and key becomes a line of grafana.ini.
    'grafana.grafana.ini': 'charts/grafana/templates/_config.tpl: each section and key of grafana.ini',
  },
};

/**
 * Value paths the release sets that the chart does not have. A key whose default is `{}` or null takes
 * any sub-keys, a list (or any non-map) value is taken as a whole, `global` is always allowed, a path is
 * also known when values.schema.json describes it, and `whole` paths (WHOLE_VALUES) take any sub-keys.
 */
/** `over` on top of `base`, maps merged key by key, anything else replaced. */
function mergeMaps(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isMap(v) && isMap(out[k]) ? mergeMaps(out[k], v) : v;
  return out;
}

export function unknownValues(set: Record<string, unknown>, chart: ChartValues, whole: readonly string[] = []): UnknownValue[] {
  const out: UnknownValue[] = [];
  const schemaOf = (c: ChartValues): SchemaAt[] | undefined => (c.schema ? [{ node: c.schema, root: c.schema }] : undefined);
  const walk = (given: Json, defaults: unknown, schema: SchemaAt[] | undefined, chartRoot: ChartValues | undefined, prefix: string) => {
    for (const [key, value] of Object.entries(given)) {
      const at = prefix ? `${prefix}.${key}` : key;
      if (chartRoot && key === 'global') continue;
      const sub = chartRoot?.subcharts.get(key);
      if (sub) {
        // A subchart's values: its own values.yaml, with what the parent sets for it on top.
        // Merged as helm merges them: map by map (the parent's grafana.sidecar.dashboards keeps the subchart's sidecar.resources).
        const parentDefaults = isMap(defaults) && isMap(defaults[key]) ? defaults[key] : {};
        if (isMap(value)) walk(value, mergeMaps(sub.values, parentDefaults), schemaOf(sub), sub, at);
        continue;
      }
      const inValues = isMap(defaults) && Object.prototype.hasOwnProperty.call(defaults, key);
      const child = inValues ? (defaults as Json)[key] : undefined;
      const described = schema ? schemaChild(schema, key) : [];
      if (!inValues && described.length === 0 && !whole.includes(at)) {
        out.push({ path: at, example: firstLeaf(value, at) });
        continue;
      }
      if (!isMap(value)) continue; // a scalar or a list: taken as a whole
      if (whole.includes(at)) continue;
      if (inValues && (child === null || (isMap(child) && Object.keys(child).length === 0))) continue;
      if (inValues && !isMap(child)) continue; // a map where the default is a scalar: the schema or the templates decide
      if (described.length > 0 && isFree(described)) continue;
      walk(value, child, described.length > 0 ? described : undefined, undefined, at);
    }
  };
  walk(set, chart.values, schemaOf(chart), chart, '');
  return out;
}
