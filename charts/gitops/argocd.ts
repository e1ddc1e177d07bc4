/**
 * Argo CD delivery of one environment (dist/<env>/gitops/):
 * - argocd-config/: the `argocd-cm` key that makes Argo CD assess Applications' health (removed from Argo CD in 1.8,
 *   docs/operator-manual/health.md "Argocd App"), without which the root's sync waves do not wait for each other.
 *   `kubectl apply -k` it once, before bootstrap/ (a client-side apply merges the key into the installed ConfigMap);
 *   no Application syncs it: the root's project may write only Applications and AppProjects into `argocd`.
 * - bootstrap/: the two AppProjects and the root Application; `kubectl apply -k` it once, after that the
 *   root keeps it in sync too (apps/ includes ../bootstrap).
 * - apps/: an Application per app directory of dist/<env>/kubernetes and one per operator (a pinned Helm
 *   chart), in sync waves that follow the delivery plan (delivery.ts): each one wave after what it needs.
 *
 * Projects: `<env>` may deploy only from the platform repository, only to the namespaces the apps use and
 * only the cluster-scoped kinds they create; `<env>-operators` only the pinned charts' repositories into
 * the operators' namespaces, with any cluster-scoped kind (charts install CRDs, ClusterRoles and webhooks).
 * Operators use server-side apply (their CRDs are too large for the last-applied annotation). Every sync is
 * retried with exponential backoff.
 */
import type { App } from 'cdk8s';
import { KubeConfigMap } from 'cdk8s-plus-28/lib/imports/k8s';
import { PLATFORM_NAMESPACE } from '../../src/model/naming';
import { chartVersion, OPERATORS, operatorsFor, type OperatorName, type OperatorRelease } from '../../src/model/operators';
import { AppChart } from '../lib/app-chart';
import { Application, AppProject, type ArgoSyncPolicy } from './gitops-types';
import { deliveryPlan } from './delivery';
import { operatorNamespaceMetadata, repoPath, valuesByKey, type AppInventory, type GitopsContext } from './inventory';
import { operatorNamespaces, operatorValues } from './operator-values';

export const ARGOCD_NAMESPACE = 'argocd';
/** The argocd-cm key of Application health (a custom health check of argoproj.io/Application). */
export const APPLICATION_HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';
/** An Application's health is the health its status reports, Progressing until it has one (the documented check). */
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;
export const IN_CLUSTER = 'https://kubernetes.default.svc';
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Deleting an Application deletes what it deployed (only where pruning is on). */
export const CASCADE_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
/**
 * Retry a failed sync without end (a negative limit), backing off to every 10 minutes, each time on the
 * branch's latest revision: an Application whose operator was not ready yet, or whose commit was fixed
 * since, recovers by itself instead of stopping after a few attempts until someone syncs it by hand.
 */
export const RETRY = { limit: -1, refresh: true, backoff: { duration: '30s', factor: 2, maxDuration: '10m' } } as const;

/**
 * Where Argo CD reads a release's chart: a Helm repository's chart by name, or (OCI) the chart artifact
 * itself through Argo CD's native OCI source (v3.1+), which needs no repository secret for a public registry.
 */
export function chartSource(release: OperatorRelease): { repoURL: string; chart?: string; path?: string } {
  return release.oci ? { repoURL: `oci://${release.repository}/${release.chart}`, path: '.' } : { repoURL: release.repository, chart: release.chart };
}

export const argoNames = (env: string) => ({
  project: env,
  operatorsProject: `${env}-operators`,
  rootProject: `${env}-root`,
  root: `${env}-root`,
  app: (app: string) => `${env}-${app}`,
  operator: (operator: OperatorName) => `${env}-operator-${operator}`,
});

function syncPolicy(ctx: GitopsContext, syncOptions: string[]): ArgoSyncPolicy {
  const g = ctx.env.gitops;
  return { ...(g.automated ? { automated: { prune: g.prune, selfHeal: g.selfHeal } } : {}), syncOptions, retry: RETRY };
}

function metadata(ctx: GitopsContext, name: string, wave?: number) {
  return {
    name,
    namespace: ARGOCD_NAMESPACE,
    ...(wave !== undefined ? { annotations: { [SYNC_WAVE_ANNOTATION]: String(wave) } } : {}),
    ...(ctx.env.gitops.prune ? { finalizers: [CASCADE_FINALIZER] } : {}),
  };
}

/**
 * Argo CD's destination namespace of an app: the one it writes to, else the platform's namespace. Every
 * object sets its own namespace, but Argo CD matches an empty destination namespace against the project's
 * destinations (argoproj/argo-cd#11510) and refuses the app, so there is always one the project allows.
 */
function destinationNamespace(inventory: AppInventory): string {
  return inventory.namespaces.length === 1 ? inventory.namespaces[0] : PLATFORM_NAMESPACE;
}

/** Charts that keep leader-election Roles or auth-reader RoleBindings in kube-system (cert-manager, KEDA). */
export const OPERATOR_SYSTEM_NAMESPACE = 'kube-system';

export function argoCdCharts(app: App, ctx: GitopsContext, apps: readonly AppInventory[]): AppChart[] {
  const g = ctx.env.gitops;
  const n = argoNames(ctx.env.name);
  const operators = operatorsFor(ctx.env);
  const plan = deliveryPlan(ctx, apps);

  const config = new AppChart<never>(app, 'argocd-config', ctx, undefined, { root: 'gitops' });
  new KubeConfigMap(config, 'configmap-argocd-cm', {
    metadata: { name: 'argocd-cm', namespace: ARGOCD_NAMESPACE, labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' } },
    data: { [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA },
  });

  const bootstrap = new AppChart<never>(app, 'bootstrap', ctx, undefined, { root: 'gitops' });
  const namespaces = [...new Set([PLATFORM_NAMESPACE, ...apps.flatMap((a) => a.namespaces)])].sort();
  const clusterKinds = new Map(apps.flatMap((a) => a.clusterKinds).map((k) => [`${k.group}/${k.kind}`, k]));
  new AppProject(bootstrap, 'appproject', {
    metadata: { name: n.project, namespace: ARGOCD_NAMESPACE },
    spec: {
      description: `${ctx.env.name}: the platform's apps from ${g.repoUrl}`,
      sourceRepos: [g.repoUrl],
      destinations: namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResourceWhitelist: valuesByKey(clusterKinds),
    },
  });
  new AppProject(bootstrap, 'appproject-operators', {
    metadata: { name: n.operatorsProject, namespace: ARGOCD_NAMESPACE },
    spec: {
      description: `${ctx.env.name}: pinned operator charts`,
      sourceRepos: [...new Set(operators.map((o) => chartSource(OPERATORS[o]).repoURL))].sort(),
      destinations: [...new Set([OPERATOR_SYSTEM_NAMESPACE, ...operators.flatMap((o) => operatorNamespaces(ctx, o))])]
        .sort()
        .map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  });
  // The root app alone writes into argocd, and only Applications and AppProjects: an app of the platform's
  // project able to write there could create an Application in any project, which is admin-equivalent.
  new AppProject(bootstrap, 'appproject-root', {
    metadata: { name: n.rootProject, namespace: ARGOCD_NAMESPACE },
    spec: {
      description: `${ctx.env.name}: the root app, which syncs the Applications and AppProjects of gitops/apps`,
      sourceRepos: [g.repoUrl],
      destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: ['Application', 'AppProject'].map((kind) => ({ group: 'argoproj.io', kind })),
    },
  });
  new Application(bootstrap, 'application-root', {
    metadata: metadata(ctx, n.root),
    spec: {
      project: n.rootProject,
      source: { repoURL: g.repoUrl, targetRevision: g.branch, path: repoPath(ctx, 'gitops', 'apps') },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: syncPolicy(ctx, ['PruneLast=true']),
    },
  });

  const children = new AppChart<never>(app, 'apps', ctx, undefined, { root: 'gitops', kustomizeBases: ['../bootstrap'] });
  for (const { unit, wave } of plan) {
    if (unit.kind === 'operator') continue;
    const inventory = unit.inventory;
    new Application(children, `application-${inventory.appName}`, {
      metadata: metadata(ctx, n.app(inventory.appName), wave),
      spec: {
        project: n.project,
        source: { repoURL: g.repoUrl, targetRevision: g.branch, path: repoPath(ctx, 'kubernetes', inventory.appName) },
        destination: { server: IN_CLUSTER, namespace: destinationNamespace(inventory) },
        syncPolicy: syncPolicy(ctx, ['PruneLast=true']),
      },
    });
  }
  for (const { unit, wave } of plan) {
    if (unit.kind !== 'operator') continue;
    const operator = unit.name;
    const release = OPERATORS[operator];
    const values = operatorValues(ctx, operator);
    const owned = release.controllerOwned.map((o) => ({ ...o, jqPathExpressions: [...o.jqPathExpressions] }));
    const namespaceMetadata = operatorNamespaceMetadata(ctx, release.namespace);
    new Application(children, `application-operator-${operator}`, {
      metadata: metadata(ctx, n.operator(operator), wave),
      spec: {
        project: n.operatorsProject,
        source: {
          ...chartSource(release),
          targetRevision: chartVersion(release, ctx.env.cluster.kubernetesVersion),
          helm: { releaseName: release.name, ...(values ? { valuesObject: values } : {}) },
        },
        destination: { server: IN_CLUSTER, namespace: release.namespace },
        // Fields a controller of the release rewrites are left to it, in the diff and in syncs (else self-heal and the controller fight forever).
        syncPolicy: {
          ...syncPolicy(ctx, ['CreateNamespace=true', 'ServerSideApply=true', 'PruneLast=true', ...(owned.length ? ['RespectIgnoreDifferences=true'] : [])]),
          // The namespace it creates enforces the Pod Security level its releases pass.
          ...(namespaceMetadata ? { managedNamespaceMetadata: namespaceMetadata } : {}),
        },
        ...(owned.length ? { ignoreDifferences: owned } : {}),
      },
    });
  }
  return [config, bootstrap, children];
}
