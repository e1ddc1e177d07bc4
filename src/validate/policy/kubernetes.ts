/** Policy rules over Kubernetes manifests. */
import { imagePinProblem } from '../../model/rules';
import { POOL_LABEL, SPOT_NODES, taintString } from '../../model/scheduling';
import { describeObject, type K8sObject, type Manifest } from '../output';
import type { PolicyContext, PolicyRule, Violation } from './rule';

export interface PodTemplate {
  readonly manifest: Manifest;
  /** Where the pod spec sits in the object, e.g. `spec.template.spec`. */
  readonly at: string;
  readonly spec: Record<string, any>;
}

/** Pod specs inside workload objects. CRDs with embedded pod specs add their paths here. */
const POD_SPEC_PATHS: Record<string, string[][]> = {
  Pod: [['spec']],
  Deployment: [['spec', 'template', 'spec']],
  StatefulSet: [['spec', 'template', 'spec']],
  DaemonSet: [['spec', 'template', 'spec']],
  ReplicaSet: [['spec', 'template', 'spec']],
  Job: [['spec', 'template', 'spec']],
  CronJob: [['spec', 'jobTemplate', 'spec', 'template', 'spec']],
};

export function podTemplates(manifests: readonly Manifest[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const m of manifests) {
    for (const path of POD_SPEC_PATHS[m.obj.kind] ?? []) {
      const spec = path.reduce<any>((v, k) => (v && typeof v === 'object' ? v[k] : undefined), m.obj);
      if (spec && typeof spec === 'object') out.push({ manifest: m, at: path.join('.'), spec });
    }
  }
  return out;
}

interface Container {
  readonly where: string;
  readonly c: Record<string, any>;
}

function containers(t: PodTemplate): Container[] {
  const out: Container[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    (Array.isArray(t.spec[field]) ? t.spec[field] : []).forEach((c: any, i: number) => out.push({ where: `${t.at}.${field}[${i}]`, c }));
  }
  return out;
}

function perContainer(id: string, reason: string, check: (t: PodTemplate, c: Container) => string | undefined): PolicyRule {
  return {
    id,
    reason,
    check: (ctx) =>
      podTemplates(ctx.env.manifests).flatMap((t) =>
        containers(t).flatMap((c) => {
          const message = check(t, c);
          return message ? [{ file: t.manifest.file, resource: describeObject(t.manifest.obj), message: `${c.where} (${c.c.name}): ${message}` }] : [];
        }),
      ),
  };
}

function perPod(id: string, reason: string, check: (ctx: PolicyContext, t: PodTemplate) => string | undefined): PolicyRule {
  return {
    id,
    reason,
    check: (ctx) =>
      podTemplates(ctx.env.manifests).flatMap((t) => {
        const message = check(ctx, t);
        return message ? [{ file: t.manifest.file, resource: describeObject(t.manifest.obj), message: `${t.at}: ${message}` }] : [];
      }),
  };
}

const tolerates = (spec: Record<string, any>, key: string, value: string, effect: string) =>
  (Array.isArray(spec.tolerations) ? spec.tolerations : []).some(
    (t: any) =>
      (t.operator === 'Exists' && (t.key === undefined || t.key === key)) ||
      (t.key === key && (t.operator ?? 'Equal') === 'Equal' && t.value === value && (t.effect === undefined || t.effect === effect)),
  );

/** Node label selections that put a pod on Spot capacity. */
const SPOT_SELECTORS: Record<string, string[]> = {
  'kubernetes.azure.com/scalesetpriority': ['spot'],
  'karpenter.sh/capacity-type': ['spot'],
  'eks.amazonaws.com/capacityType': ['SPOT'],
  'platform-synth.io/capacity': ['spot'],
};

/**
 * The pool names of the output's Karpenter NodePools that may launch Spot: selecting one of them by the pool label
 * is selecting Spot capacity.
 */
function spotNodePools(manifests: readonly { obj: Record<string, any> }[]): string[] {
  return manifests
    .filter(({ obj }) => obj.kind === 'NodePool' && String(obj.apiVersion).startsWith('karpenter.sh/'))
    .filter(({ obj }) =>
      (obj.spec?.template?.spec?.requirements ?? []).some(
        (r: any) => r.key === 'karpenter.sh/capacity-type' && r.operator === 'In' && (r.values ?? []).includes('spot'),
      ),
    )
    .map(({ obj }) => obj.spec?.template?.metadata?.labels?.[POOL_LABEL])
    .filter((p): p is string => typeof p === 'string');
}

function selectsSpot(spec: Record<string, any>, spotPools: readonly string[] = []): boolean {
  const selectors: Record<string, string[]> = { ...SPOT_SELECTORS, ...(spotPools.length > 0 ? { [POOL_LABEL]: [...spotPools] } : {}) };
  const nodeSelector = spec.nodeSelector ?? {};
  if (Object.entries(selectors).some(([k, values]) => values.includes(nodeSelector[k]))) return true;
  const terms = [
    ...(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []),
    ...(spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p.preference ?? {}),
  ];
  return terms.some((term: any) =>
    (term.matchExpressions ?? []).some((e: any) => e.operator === 'In' && (selectors[e.key] ?? []).some((v) => (e.values ?? []).includes(v))),
  );
}

const IDENTITY_ANNOTATIONS = ['eks.amazonaws.com/role-arn', 'azure.workload.identity/client-id'];

/** Operator-managed workloads that name the service account their pods run as (`*`: every list item). */
export const CUSTOM_RESOURCE_SERVICE_ACCOUNTS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Milvus: [['spec', 'components', 'serviceAccountName']],
  InferenceService: [['spec', 'predictor', 'serviceAccountName']],
  SeldonDeployment: [['spec', 'predictors', '*', 'componentSpecs', '*', 'spec', 'serviceAccountName']],
  SparkApplication: [
    ['spec', 'driver', 'serviceAccount'],
    ['spec', 'executor', 'serviceAccount'],
  ],
  ScheduledSparkApplication: [
    ['spec', 'template', 'driver', 'serviceAccount'],
    ['spec', 'template', 'executor', 'serviceAccount'],
  ],
};

/** Values at a path whose `*` segments fan out over lists. */
export function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return [value];
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.flatMap((v) => valuesAt(v, rest)) : [];
  return value && typeof value === 'object' ? valuesAt((value as Record<string, unknown>)[head], rest) : [];
}

/** `namespace/name` of every service account a pod in the output runs as. */
function usedServiceAccounts(manifests: readonly Manifest[]): Set<string> {
  const used = new Set(podTemplates(manifests).map((t) => `${t.manifest.obj.metadata.namespace}/${t.spec.serviceAccountName ?? 'default'}`));
  for (const m of manifests) {
    for (const path of CUSTOM_RESOURCE_SERVICE_ACCOUNTS[m.obj.kind] ?? []) {
      for (const name of valuesAt(m.obj, path)) if (typeof name === 'string') used.add(`${m.obj.metadata.namespace}/${name}`);
    }
  }
  return used;
}

/** What is wrong with an image reference's pinning, or undefined when it names a tag (not latest) or a digest. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return 'has no image';
  const problem = imagePinProblem(image);
  return problem ? `image ${JSON.stringify(image)} ${problem}` : undefined;
}

export const kubernetesRules: PolicyRule[] = [
  perContainer('k8s-run-as-non-root', 'A container that runs as root turns a container escape into root on the node.', (t, { c }) =>
    c.securityContext?.runAsNonRoot === true || (t.spec.securityContext?.runAsNonRoot === true && c.securityContext?.runAsNonRoot !== false)
      ? undefined
      : 'runAsNonRoot is not true (pod or container securityContext)',
  ),
  perContainer('k8s-no-privilege-escalation', 'A setuid binary must not gain privileges inside the container.', (_t, { c }) =>
    c.securityContext?.allowPrivilegeEscalation === false ? undefined : 'securityContext.allowPrivilegeEscalation is not false',
  ),
  perContainer(
    'k8s-read-only-root-filesystem',
    'An immutable root filesystem stops an attacker persisting tools; write to mounted volumes instead.',
    (_t, { c }) => (c.securityContext?.readOnlyRootFilesystem === true ? undefined : 'securityContext.readOnlyRootFilesystem is not true'),
  ),
  perContainer('k8s-resources', 'Requests let the scheduler place pods; limits stop one pod starving its node.', (_t, { c }) => {
    const missing = [
      ...['cpu', 'memory'].filter((r) => c.resources?.requests?.[r] === undefined).map((r) => `requests.${r}`),
      ...['cpu', 'memory'].filter((r) => c.resources?.limits?.[r] === undefined).map((r) => `limits.${r}`),
    ];
    return missing.length ? `resources lack ${missing.join(', ')}` : undefined;
  }),
  perContainer('k8s-image-pinned', 'An image is pinned by tag or digest, never latest, so what runs is what was reviewed.', (_t, { c }) =>
    imageProblem(c.image),
  ),
  perContainer('k8s-not-privileged', 'Privileged containers and added capabilities reach the node.', (_t, { c }) => {
    if (c.securityContext?.privileged === true) return 'securityContext.privileged is true';
    const added: string[] = c.securityContext?.capabilities?.add ?? [];
    return added.length ? `adds capabilities ${added.join(', ')}` : undefined;
  }),
  perPod('k8s-no-host-access', 'Host namespaces and host paths break the isolation between pods and the node.', (_ctx, t) => {
    const used = ['hostNetwork', 'hostPID', 'hostIPC'].filter((f) => t.spec[f] === true);
    const hostPaths = (Array.isArray(t.spec.volumes) ? t.spec.volumes : []).filter((v: any) => v.hostPath).map((v: any) => `volume ${v.name} is a hostPath`);
    const all = [...used.map((f) => `${f} is true`), ...hostPaths];
    return all.length ? all.join('; ') : undefined;
  }),
  perPod('k8s-gpu-toleration', 'GPU nodes are tainted so that only GPU pods land there; a GPU pod must tolerate the taint.', (_ctx, t) => {
    const wantsGpu = containers(t).some(
      ({ c }) => c.resources?.limits?.['nvidia.com/gpu'] !== undefined || c.resources?.requests?.['nvidia.com/gpu'] !== undefined,
    );
    return wantsGpu && !tolerates(t.spec, 'nvidia.com/gpu', 'true', 'NoSchedule')
      ? 'requests nvidia.com/gpu but does not tolerate nvidia.com/gpu=true:NoSchedule'
      : undefined;
  }),
  perPod(
    'k8s-spot-toleration',
    'Spot nodes are tainted (by AKS, or by the platform on Karpenter’s Spot NodePools); a pod meant for Spot must tolerate the taint or it never schedules.',
    (ctx, t) => {
      // The taints on the cloud's Spot nodes; on AWS a pod also selects Spot by the pool label of a Spot NodePool.
      const spot = ctx.cloud !== undefined && selectsSpot(t.spec, spotNodePools(ctx.env.manifests));
      const untolerated = spot ? SPOT_NODES[ctx.cloud!].taints.filter((s) => !tolerates(t.spec, s.key, s.value, s.effect)) : [];
      return untolerated.length > 0 ? `selects Spot nodes but does not tolerate ${untolerated.map(taintString).join(', ')}` : undefined;
    },
  ),
  {
    id: 'k8s-default-deny',
    reason: 'Every workload namespace starts from deny-all, so only traffic that is allowed on purpose flows.',
    check: (ctx) => {
      const namespaces = ctx.env.manifests.filter((m) => m.obj.kind === 'Namespace' && m.obj.metadata.labels?.['platform-synth.io/tier'] === 'workload');
      return namespaces.flatMap((ns): Violation[] => {
        const name = ns.obj.metadata.name;
        const denies = ctx.env.manifests.some(({ obj }) => obj.kind === 'NetworkPolicy' && obj.metadata.namespace === name && isDefaultDeny(obj));
        return denies
          ? []
          : [
              {
                file: ns.file,
                resource: describeObject(ns.obj),
                message: 'has no NetworkPolicy denying all ingress and egress (podSelector {}, both policy types, no rules)',
              },
            ];
      });
    },
  },
  {
    id: 'gitops-pinned-chart',
    reason: 'A floating chart version (a range, latest, HEAD) changes what runs in the cluster without a change in Git.',
    check: (ctx) =>
      ctx.env.manifests.flatMap((m): Violation[] => {
        const source = m.obj.kind === 'Application' ? m.obj.spec?.source : undefined;
        // A chart from a Helm repository, or an OCI artifact; a Git source follows its branch by design.
        const fromChart = source && (source.chart !== undefined || String(source.repoURL ?? '').startsWith('oci://'));
        const chart = fromChart
          ? { version: source.targetRevision, field: 'spec.source.targetRevision' }
          : m.obj.kind === 'HelmRelease'
            ? { version: m.obj.spec?.chart?.spec?.version, field: 'spec.chart.spec.version' }
            : undefined;
        if (!chart) return [];
        return EXACT_CHART_VERSION.test(String(chart.version ?? ''))
          ? []
          : [
              {
                file: m.file,
                resource: describeObject(m.obj),
                message: `${chart.field} ${JSON.stringify(chart.version)} is not an exact chart version (e.g. 1.14.1 or v0.20.0)`,
              },
            ];
      }),
  },
  {
    id: 'k8s-identity-only-where-used',
    reason: 'A service account carrying a cloud identity is a credential; one that no pod uses should not exist.',
    check: (ctx) => {
      const used = usedServiceAccounts(ctx.env.manifests);
      return ctx.env.manifests
        .filter((m) => m.obj.kind === 'ServiceAccount' && IDENTITY_ANNOTATIONS.some((a) => m.obj.metadata.annotations?.[a] !== undefined))
        .filter((m) => !used.has(`${m.obj.metadata.namespace}/${m.obj.metadata.name}`))
        .map((m) => ({ file: m.file, resource: describeObject(m.obj), message: 'carries a cloud identity but no pod in the output uses it' }));
    },
  },
];

/** `1.2.3` or `v1.2.3`, with an optional pre-release: what a chart repository lists, never a range. */
const EXACT_CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

function isDefaultDeny(obj: K8sObject): boolean {
  const spec = obj.spec ?? {};
  const types: string[] = spec.policyTypes ?? [];
  return (
    Object.keys(spec.podSelector ?? {}).length === 0 &&
    types.includes('Ingress') &&
    types.includes('Egress') &&
    (spec.ingress ?? []).length === 0 &&
    (spec.egress ?? []).length === 0
  );
}
