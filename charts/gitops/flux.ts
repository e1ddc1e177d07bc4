/**
 * Flux delivery of one environment (dist/<env>/gitops/):
 * - bootstrap/: the GitRepository of the platform repository and the root Kustomization; `kubectl apply -k`
 *   it once (Flux itself installed), after that the root keeps it in sync too (apps/ includes ../bootstrap).
 * - apps/: a Kustomization per unit of the delivery plan (delivery.ts): each app directory of
 *   dist/<env>/kubernetes and each operator's directory of operators/, with `dependsOn` exactly the units it
 *   needs, so a failing operator holds back only its dependants. Operators, and apps another unit needs,
 *   `wait`: ready only when everything they applied is (HelmReleases included), which is what dependsOn waits for.
 *   Beside them, a HelmRepository per chart repository.
 * - operators/<operator>/: its HelmRelease (pinned chart, CRDs created and updated with the release, failed
 *   installs and upgrades retried).
 *
 * Pruning follows the model; the Kustomizations correct drift on every reconciliation (the HelmReleases do not:
 * helm-controller's drift detection is off by default). With `automated: false` the Kustomizations are created suspended and `flux resume kustomization <name>` applies one; it stays resumed
 * (or suspended again with `flux suspend`), as the root leaves their `suspend` to the cluster (KEEP_SUSPEND).
 */
import type { App } from 'cdk8s';
import { chartVersion, OPERATORS, type OperatorName } from '../../src/model/operators';
import { AppChart } from '../lib/app-chart';
import { FluxKustomization, GitRepository, HelmRelease, HelmRepository, type FluxKustomizationSpec } from './gitops-types';
import { deliveryPlan, unitKey, type DeliveryUnit } from './delivery';
import { operatorNamespaceMetadata, repoPath, type AppInventory, type GitopsContext } from './inventory';
import { KubeNamespace } from 'cdk8s-plus-28/lib/imports/k8s';
import { operatorValues } from './operator-values';

export const FLUX_NAMESPACE = 'flux-system';
export const FLUX_INTERVALS = { source: '1m', reconcile: '10m', retry: '2m', timeout: '10m', helm: '30m' } as const;
/**
 * Failed Helm installs and upgrades are retried (and an upgrade rolled back) without end, -1 in helm-controller's
 * terms ("a negative integer equals to unlimited retries", the HelmRelease CRD). A count runs out on a first install
 * that only needs time (a webhook whose CA cert-manager has not injected yet, a load balancer still coming), and the
 * release then stays Stalled (RetriesExceeded) until someone forces it: Argo CD's side retries without end as well.
 */
export const HELM_RETRIES = -1;
/** How long one Helm install or upgrade may take (helm-controller's default is 5m; kube-prometheus-stack can take longer). */
export const HELM_TIMEOUT = '15m';

export const fluxNames = (env: string) => ({
  source: env,
  root: `${env}-root`,
  app: (app: string) => `${env}-${app}`,
  operator: (operator: OperatorName) => `${env}-operator-${operator}`,
});

/** The directory (under gitops/) of an operator's HelmRelease, applied by its own Kustomization. */
export const operatorDir = (operator: OperatorName) => `operators/${operator}`;

/** Leaves `suspend` of the Kustomizations the root applies as the cluster has it once they exist (Flux adopts the live value). */
export const KEEP_SUSPEND = { paths: ['/spec/suspend'], target: { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' } } as const;

/** The CEL health checks of the custom resources an app holds whose operator says how to judge them. */
function healthChecksOf(inventory: AppInventory): Partial<FluxKustomizationSpec> {
  const checks = inventory.operators.flatMap((o) =>
    Object.entries(OPERATORS[o].readiness)
      .filter(([kind]) => inventory.kinds.includes(kind))
      .map(([kind, current]) => ({ apiVersion: kind.split(' ')[0], kind: kind.split(' ')[1], current })),
  );
  return checks.length ? { healthCheckExprs: checks } : {};
}

export function fluxCharts(app: App, ctx: GitopsContext, apps: readonly AppInventory[]): AppChart[] {
  const g = ctx.env.gitops;
  const n = fluxNames(ctx.env.name);
  const plan = deliveryPlan(ctx, apps);
  const needed = new Set(plan.flatMap((p) => p.needs.map(unitKey)));
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
    // Without automation the Kustomizations are created suspended and `flux resume` is the switch: the root
    // then keeps each one's suspend as the cluster has it instead of re-suspending it on every apply.
    spec: kustomization(repoPath(ctx, 'gitops', 'apps'), g.automated ? {} : { ignore: [KEEP_SUSPEND] }),
  });

  const children = new AppChart<never>(app, 'apps', ctx, undefined, { root: 'gitops', kustomizeBases: ['../bootstrap'] });
  const nameOf = (u: DeliveryUnit) => (u.kind === 'app' ? n.app(u.name) : n.operator(u.name));
  for (const { unit, needs } of plan) {
    const path = unit.kind === 'app' ? repoPath(ctx, 'kubernetes', unit.name) : repoPath(ctx, 'gitops', operatorDir(unit.name));
    new FluxKustomization(children, `kustomization-${unit.kind === 'app' ? unit.name : `operator-${unit.name}`}`, {
      metadata: { name: nameOf(unit), namespace: FLUX_NAMESPACE },
      spec: kustomization(path, {
        // Ready only when everything it applied is (HelmReleases included), which is what dependsOn waits for: an
        // operator always (its status is its release's), an app when another unit needs it (not every app: a
        // training Job would hold its app's status for hours).
        wait: unit.kind === 'operator' || needed.has(unitKey(unit)),
        ...(needs.length ? { dependsOn: needs.map((u) => ({ name: nameOf(u) })) } : {}),
        ...(unit.kind === 'app' ? healthChecksOf(unit.inventory) : {}),
      }),
    });
  }
  const operators = plan.flatMap(({ unit }) => (unit.kind === 'operator' ? [unit.name] : []));
  // Sources, shared by the releases of one repository: applied by the root, beside the Kustomizations.
  const repositories = new Map(operators.map((o) => [OPERATORS[o].repositoryName, OPERATORS[o]]));
  for (const [name, release] of [...repositories].sort(([a], [b]) => (a < b ? -1 : 1))) {
    new HelmRepository(children, `helmrepository-${name}`, {
      metadata: { name, namespace: FLUX_NAMESPACE },
      spec: release.oci
        ? { interval: FLUX_INTERVALS.helm, url: `oci://${release.repository}`, type: 'oci' }
        : { interval: FLUX_INTERVALS.helm, url: release.repository },
    });
  }

  // Each operator namespace is created, with its Pod Security labels, by the first release in it (in plan
  // order); the others there come after it.
  const namespaced = new Set<string>();
  const releases = operators.map((operator) => {
    const release = OPERATORS[operator];
    const values = operatorValues(ctx, operator);
    const dir = new AppChart<never>(app, operatorDir(operator), ctx, undefined, { root: 'gitops' });
    const metadata = operatorNamespaceMetadata(ctx, release.namespace);
    if (metadata && !namespaced.has(release.namespace)) {
      namespaced.add(release.namespace);
      new KubeNamespace(dir, `namespace-${release.namespace}`, { metadata: { name: release.namespace, ...metadata } });
    }
    new HelmRelease(dir, `helmrelease-${operator}`, {
      metadata: { name: operator, namespace: FLUX_NAMESPACE },
      spec: {
        interval: FLUX_INTERVALS.helm,
        releaseName: release.name,
        targetNamespace: release.namespace,
        chart: {
          spec: {
            chart: release.chart,
            version: chartVersion(release, ctx.env.cluster.kubernetesVersion),
            sourceRef: { kind: 'HelmRepository', name: release.repositoryName },
          },
        },
        timeout: HELM_TIMEOUT,
        install: { crds: 'CreateReplace', createNamespace: true, remediation: { retries: HELM_RETRIES } },
        upgrade: { crds: 'CreateReplace', remediation: { retries: HELM_RETRIES, remediateLastFailure: true } },
        ...(values ? { values } : {}),
      },
    });
    return dir;
  });
  return [bootstrap, children, ...releases];
}
