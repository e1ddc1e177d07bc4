/**
 * Flux delivery of one environment (dist/<env>/gitops/):
 * - bootstrap/: the GitRepository of the platform repository and the root Kustomization; `kubectl apply -k`
 *   it once (Flux itself installed), after that the root keeps it in sync too (apps/ includes ../bootstrap).
 * - apps/: a Kustomization per app directory of dist/<env>/kubernetes and one for operators/, ordered with
 *   `dependsOn`: the platform app first; operators after it; every other app after both. The platform and
 *   operators Kustomizations `wait`, so they are ready only when what they applied is (HelmReleases
 *   included), which is what dependsOn waits for.
 * - operators/: a HelmRepository per chart repository and a HelmRelease per operator (pinned chart, CRDs
 *   created and updated with the release, failed installs and upgrades retried), HelmReleases that need
 *   another one `dependsOn` it.
 *
 * Pruning follows the model; Flux corrects drift on every reconciliation. With `automated: false` the
 * Kustomizations are created suspended: `flux resume kustomization <name>` applies them.
 */
import type { App } from 'cdk8s';
import { OPERATORS, operatorsFor } from '../../src/model/operators';
import { AppChart } from '../lib/app-chart';
import { FluxKustomization, GitRepository, HelmRelease, HelmRepository, type FluxKustomizationSpec } from './gitops-types';
import { FOUNDATION_APP, repoPath, type AppInventory, type GitopsContext } from './inventory';
import { operatorValues } from './operator-values';

export const FLUX_NAMESPACE = 'flux-system';
export const FLUX_INTERVALS = { source: '1m', reconcile: '10m', retry: '2m', timeout: '10m', helm: '30m' } as const;
/** Failed Helm installs and upgrades are retried (and rolled back) this many times. */
export const HELM_RETRIES = 3;

export const fluxNames = (env: string) => ({
  source: env,
  root: `${env}-root`,
  operators: `${env}-operators`,
  app: (app: string) => `${env}-${app}`,
});

export function fluxCharts(app: App, ctx: GitopsContext, apps: readonly AppInventory[]): AppChart[] {
  const g = ctx.env.gitops;
  const n = fluxNames(ctx.env.name);
  const operators = operatorsFor(ctx.env);
  const kustomization = (path: string, extra: Partial<FluxKustomizationSpec> = {}): FluxKustomizationSpec => ({
    interval: FLUX_INTERVALS.reconcile,
    retryInterval: FLUX_INTERVALS.retry,
    timeout: FLUX_INTERVALS.timeout,
    path: `./${path}`,
    prune: g.prune,
    wait: false,
    sourceRef: { kind: 'GitRepository', name: n.source },
    ...(g.automated ? {} : { suspend: true }),
    ...extra,
  });

  const bootstrap = new AppChart<never>(app, 'bootstrap', ctx, undefined, { root: 'gitops' });
  new GitRepository(bootstrap, 'gitrepository', {
    metadata: { name: n.source, namespace: FLUX_NAMESPACE },
    // A private repository's credentials come from a Secret created in the cluster, never from git.
    spec: { interval: FLUX_INTERVALS.source, url: g.repoUrl, ref: { branch: g.branch }, ...(g.secretRef ? { secretRef: { name: g.secretRef } } : {}) },
  });
  new FluxKustomization(bootstrap, 'kustomization-root', {
    metadata: { name: n.root, namespace: FLUX_NAMESPACE },
    spec: kustomization(repoPath(ctx, 'gitops', 'apps')),
  });

  const children = new AppChart<never>(app, 'apps', ctx, undefined, { root: 'gitops', kustomizeBases: ['../bootstrap'] });
  const foundation = [{ name: n.app(FOUNDATION_APP) }];
  const beforeApps = [...foundation, ...(operators.length ? [{ name: n.operators }] : [])];
  for (const inventory of apps) {
    const isFoundation = inventory.appName === FOUNDATION_APP;
    new FluxKustomization(children, `kustomization-${inventory.appName}`, {
      metadata: { name: n.app(inventory.appName), namespace: FLUX_NAMESPACE },
      spec: kustomization(repoPath(ctx, 'kubernetes', inventory.appName), isFoundation ? { wait: true } : { dependsOn: beforeApps }),
    });
  }
  if (operators.length === 0) return [bootstrap, children];
  new FluxKustomization(children, 'kustomization-operators', {
    metadata: { name: n.operators, namespace: FLUX_NAMESPACE },
    spec: kustomization(repoPath(ctx, 'gitops', 'operators'), { wait: true, dependsOn: foundation }),
  });

  const releases = new AppChart<never>(app, 'operators', ctx, undefined, { root: 'gitops' });
  const repositories = new Map(operators.map((o) => [OPERATORS[o].repositoryName, OPERATORS[o]]));
  for (const [name, release] of [...repositories].sort(([a], [b]) => (a < b ? -1 : 1))) {
    new HelmRepository(releases, `helmrepository-${name}`, {
      metadata: { name, namespace: FLUX_NAMESPACE },
      spec: release.oci
        ? { interval: FLUX_INTERVALS.helm, url: `oci://${release.repository}`, type: 'oci' }
        : { interval: FLUX_INTERVALS.helm, url: release.repository },
    });
  }
  for (const operator of operators) {
    const release = OPERATORS[operator];
    const values = operatorValues(ctx, operator);
    new HelmRelease(releases, `helmrelease-${operator}`, {
      metadata: { name: operator, namespace: FLUX_NAMESPACE },
      spec: {
        interval: FLUX_INTERVALS.helm,
        releaseName: release.name,
        targetNamespace: release.namespace,
        chart: { spec: { chart: release.chart, version: release.version, sourceRef: { kind: 'HelmRepository', name: release.repositoryName } } },
        install: { crds: 'CreateReplace', createNamespace: true, remediation: { retries: HELM_RETRIES } },
        upgrade: { crds: 'CreateReplace', remediation: { retries: HELM_RETRIES, remediateLastFailure: true } },
        ...(release.dependsOn.length ? { dependsOn: release.dependsOn.map((name) => ({ name })) } : {}),
        ...(values ? { values } : {}),
      },
    });
  }
  return [bootstrap, children, releases];
}
