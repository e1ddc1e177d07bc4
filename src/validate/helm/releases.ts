/**
 * The Helm releases a GitOps agent would install from an environment's committed output: Argo CD
 * Applications with a Helm chart source, and Flux HelmReleases. Read from the output, not the
 * model, so the checks see exactly what the agent will see.
 */
import { OPERATORS, type OperatorName } from '../../model/operators';
import { parse } from 'yaml';
import { describeObject, type EnvironmentOutput, type Manifest } from '../output';

export interface HelmRelease {
  /** The GitOps file it is read from. */
  readonly file: string;
  /** How findings name it: `Application argocd/aws-prod-operator-kserve`, `HelmRelease flux-system/kserve`. */
  readonly resource: string;
  readonly chart: string;
  readonly version: string;
  /** Where `npm run charts` pulls it from: an https Helm repository or `oci://registry/path` (without the chart). */
  readonly repository?: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** The values the agent passes (Argo CD `values` overlaid with `valuesObject`; Flux `values`). */
  readonly values: Record<string, unknown>;
  /** Argo CD: the AppProject whose destinations and cluster-kind whitelist bound what the release may write. */
  readonly project?: string;
  /** Argo CD `parameters`: `--set` (or `--set-string` when forced) pairs, applied after the values. */
  readonly parameters: readonly { readonly name: string; readonly value: string; readonly forceString: boolean }[];
  /** The agent creates the release's namespace (Argo CD `CreateNamespace=true`, Flux `install.createNamespace`). */
  readonly createsNamespace: boolean;
}

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const mapAt = (v: unknown): Json => (isMap(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function releasesOf(env: EnvironmentOutput): HelmRelease[] {
  // Flux names its repository by reference; the URL is on the HelmRepository object beside it.
  const repositories = new Map<string, string>();
  for (const m of env.manifests) {
    const url = str(mapAt(m.obj.spec).url);
    if (m.obj.kind === 'HelmRepository' && url) repositories.set(`${m.obj.metadata.namespace ?? ''}/${m.obj.metadata.name}`, url);
  }
  return env.manifests.flatMap((m) => {
    if (m.obj.kind === 'Application' && m.obj.apiVersion?.startsWith('argoproj.io/')) return argoRelease(m);
    if (m.obj.kind === 'HelmRelease' && m.obj.apiVersion?.startsWith('helm.toolkit.fluxcd.io/')) return fluxRelease(m, repositories);
    return [];
  });
}

/** Merges `over` into `base` as helm does for values: maps deep, everything else replaced. */
export function mergeValues(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const was = out[k];
    out[k] = isMap(v) && isMap(was) ? mergeValues(was, v) : v;
  }
  return out;
}

function argoRelease(m: Manifest): HelmRelease[] {
  const spec = mapAt(m.obj.spec);
  const sources: Json[] = Array.isArray(spec.sources) ? spec.sources.filter(isMap) : isMap(spec.source) ? [spec.source] : [];
  return sources.flatMap((source) => {
    const repoURL = str(source.repoURL) ?? '';
    let chart: string;
    let repository: string | undefined;
    const named = str(source.chart);
    if (named) {
      chart = named;
      // Argo CD names an OCI Helm repository without the scheme when `chart` is set.
      repository = repoURL && !/^[a-z]+:\/\//.test(repoURL) ? `oci://${repoURL}` : repoURL || undefined;
    } else if (repoURL.startsWith('oci://')) {
      // Argo CD's native OCI source: the artifact at repoURL is the chart, named by the last segment.
      const trimmed = repoURL.replace(/\/+$/, '');
      chart = trimmed.slice(trimmed.lastIndexOf('/') + 1);
      repository = trimmed.slice(0, trimmed.lastIndexOf('/'));
    } else return []; // a Git source: plain manifests, not a pinned chart
    const helm = mapAt(source.helm);
    const fromString = typeof helm.values === 'string' ? parseValuesString(helm.values) : mapAt(helm.values);
    const values = mergeValues(fromString, mapAt(helm.valuesObject));
    const parameters = (Array.isArray(helm.parameters) ? helm.parameters : []).filter(isMap).flatMap((p) => {
      const name = str(p.name);
      return name ? [{ name, value: String(p.value ?? ''), forceString: p.forceString === true }] : [];
    });
    return [
      {
        file: m.file,
        resource: describeObject(m.obj),
        chart,
        version: String(source.targetRevision ?? ''),
        repository,
        releaseName: str(helm.releaseName) ?? m.obj.metadata.name,
        namespace: str(mapAt(spec.destination).namespace) ?? 'default',
        project: str(spec.project),
        values,
        parameters,
        createsNamespace: (Array.isArray(mapAt(spec.syncPolicy).syncOptions) ? (mapAt(spec.syncPolicy).syncOptions as unknown[]) : []).includes(
          'CreateNamespace=true',
        ),
      },
    ];
  });
}

function fluxRelease(m: Manifest, repositories: ReadonlyMap<string, string>): HelmRelease[] {
  const spec = mapAt(m.obj.spec);
  const chartSpec = mapAt(mapAt(spec.chart).spec);
  const chart = str(chartSpec.chart);
  // `spec.chartRef` (an OCIRepository or HelmChart object) carries no chart name/version here.
  if (!chart) return [];
  const target = str(spec.targetNamespace);
  const ref = mapAt(chartSpec.sourceRef);
  const repository = ref.kind === 'HelmRepository' ? repositories.get(`${str(ref.namespace) ?? m.obj.metadata.namespace ?? ''}/${str(ref.name)}`) : undefined;
  return [
    {
      file: m.file,
      resource: describeObject(m.obj),
      chart,
      version: String(chartSpec.version ?? ''),
      repository,
      // Flux's default release name is `[<targetNamespace>-]<name>`.
      releaseName: str(spec.releaseName) ?? (target ? `${target}-${m.obj.metadata.name}` : m.obj.metadata.name),
      namespace: target ?? m.obj.metadata.namespace ?? 'default',
      values: mapAt(spec.values),
      parameters: [],
      createsNamespace: mapAt(spec.install).createNamespace === true,
    },
  ];
}

function parseValuesString(text: string): Json {
  return mapAt(parse(text));
}

/**
 * The chart version of an operator the output installs (its release's), else the model's pin; undefined
 * where the model pins one per Kubernetes minor (Cluster Autoscaler) and the output has no release of it.
 */
export function installedVersion(env: EnvironmentOutput, operator: OperatorName): string | undefined {
  const { chart, version } = OPERATORS[operator];
  return releasesOf(env).find((r) => r.chart === chart)?.version ?? (typeof version === 'string' ? version : undefined);
}
