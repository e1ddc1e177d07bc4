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
export function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

export function manifestFileName(obj: { kind: string; metadata: { name: string } }): string {
  return `${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

/** Files of one chart, keyed by path relative to its root directory (kubernetes/ or gitops/). */
export function renderChart(chart: AppChart): Map<string, string> {
  const files = new Map<string, string>();
  for (const raw of chart.toJson() as Array<Record<string, unknown>>) {
    const obj = canonicalObject(raw) as { kind: string; metadata: { name: string } };
    const path = `${chart.appName}/${manifestFileName(obj)}`;
    if (files.has(path)) throw new Error(`two objects would be written to ${path}: kind and name must be unique per app`);
    files.set(path, toYaml(obj));
  }
  const resources = [...chart.kustomizeBases, ...[...files.keys()].map((p) => p.slice(chart.appName.length + 1)).sort()];
  files.set(`${chart.appName}/kustomization.yaml`, toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }));
  return files;
}
