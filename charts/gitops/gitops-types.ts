/**
 * Small hand-written typed interfaces for the GitOps resources this app emits, covering only the fields
 * set here: Argo CD (argoproj.io/v1alpha1 Application, AppProject; Argo CD v3.5) and Flux
 * (source.toolkit.fluxcd.io/v1 GitRepository, HelmRepository; kustomize.toolkit.fluxcd.io/v1
 * Kustomization; helm.toolkit.fluxcd.io/v2 HelmRelease; Flux 2.x). The Application CRD alone is ~20k
 * lines; every emitted object is validated against the full CRD schemas in test/charts/gitops.test.ts.
 */
import { typedResource } from '../lib/typed-resource';

export type Values = Readonly<Record<string, unknown>>;

// ---- Argo CD

export interface ArgoSource {
  readonly repoURL: string;
  readonly targetRevision: string;
  /** A directory of the Git repository (kustomize is detected from its kustomization.yaml). */
  readonly path?: string;
  /** A chart of a Helm repository. */
  readonly chart?: string;
  readonly helm?: { readonly releaseName: string; readonly valuesObject?: Values };
}

export interface ArgoSyncPolicy {
  readonly automated?: { readonly prune: boolean; readonly selfHeal: boolean };
  readonly syncOptions: readonly string[];
  /** Labels and annotations of the namespace CreateNamespace=true creates (and keeps). */
  readonly managedNamespaceMetadata?: { readonly labels: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly retry: {
    readonly limit: number;
    readonly refresh: boolean;
    readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string };
  };
}

export interface ApplicationSpec {
  readonly project: string;
  readonly source: ArgoSource;
  readonly destination: { readonly server: string; readonly namespace?: string };
  readonly syncPolicy: ArgoSyncPolicy;
  /** Fields left to the cluster (a controller rewrites them), also when syncing with RespectIgnoreDifferences=true. */
  readonly ignoreDifferences?: readonly { readonly group: string; readonly kind: string; readonly jqPathExpressions: readonly string[] }[];
}

export interface AppProjectSpec {
  readonly description: string;
  readonly sourceRepos: readonly string[];
  readonly destinations: readonly { readonly server: string; readonly namespace: string }[];
  readonly clusterResourceWhitelist: readonly { readonly group: string; readonly kind: string }[];
  /** Only these namespaced kinds (all when absent). */
  readonly namespaceResourceWhitelist?: readonly { readonly group: string; readonly kind: string }[];
}

export const Application = typedResource<ApplicationSpec>('argoproj.io/v1alpha1', 'Application');

export const AppProject = typedResource<AppProjectSpec>('argoproj.io/v1alpha1', 'AppProject');

// ---- Flux

export interface GitRepositorySpec {
  readonly interval: string;
  readonly url: string;
  readonly ref: { readonly branch: string };
  /** A Secret in the GitRepository's namespace with the repository's credentials. */
  readonly secretRef?: { readonly name: string };
}

export interface FluxKustomizationSpec {
  readonly interval: string;
  readonly retryInterval: string;
  readonly timeout: string;
  readonly path: string;
  readonly prune: boolean;
  /** Ready only when everything it applied is ready (HelmReleases included): what dependsOn waits for. */
  readonly wait: boolean;
  readonly sourceRef: { readonly kind: 'GitRepository'; readonly name: string };
  readonly dependsOn?: readonly { readonly name: string }[];
  readonly suspend?: boolean;
  /** How `wait` judges these custom resources (CEL), instead of kstatus's generic rules. */
  readonly healthCheckExprs?: readonly { readonly apiVersion: string; readonly kind: string; readonly current: string }[];
  /** Fields (JSON pointers) of the objects it applies that Flux leaves as the cluster has them once they exist. */
  readonly ignore?: readonly { readonly paths: readonly string[]; readonly target: { readonly group: string; readonly kind: string } }[];
}

export interface HelmRepositorySpec {
  readonly interval: string;
  readonly url: string;
  readonly type?: 'oci';
}

export interface HelmReleaseSpec {
  readonly interval: string;
  readonly releaseName: string;
  readonly targetNamespace: string;
  readonly chart: {
    readonly spec: { readonly chart: string; readonly version: string; readonly sourceRef: { readonly kind: 'HelmRepository'; readonly name: string } };
  };
  /** Of each Helm action (install, upgrade, rollback). */
  readonly timeout: string;
  readonly install: { readonly crds: 'CreateReplace'; readonly createNamespace: true; readonly remediation: { readonly retries: number } };
  readonly upgrade: { readonly crds: 'CreateReplace'; readonly remediation: { readonly retries: number; readonly remediateLastFailure: true } };
  readonly values?: Values;
  readonly suspend?: boolean;
}

export const GitRepository = typedResource<GitRepositorySpec>('source.toolkit.fluxcd.io/v1', 'GitRepository');

export const FluxKustomization = typedResource<FluxKustomizationSpec>('kustomize.toolkit.fluxcd.io/v1', 'Kustomization');

export const HelmRepository = typedResource<HelmRepositorySpec>('source.toolkit.fluxcd.io/v1', 'HelmRepository');

export const HelmRelease = typedResource<HelmReleaseSpec>('helm.toolkit.fluxcd.io/v2', 'HelmRelease');
