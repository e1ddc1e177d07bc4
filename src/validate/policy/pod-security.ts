/**
 * Pod Security as the API server would apply it to the output: every pod template, and every pod an operator
 * builds from the output's custom resources (KServe's predictors, Seldon's predictors) with the containers the
 * operators add to it (src/model/injected-containers.ts, at the versions the GitOps output pins and with the
 * Helm values it passes), checked against the `enforce` level of its namespace.
 */
import { POD_SECURITY_LEVELS, type PodSecurityLevel } from '../../model/cluster';
import {
  injectorRelease,
  pinnedInjectorVersion,
  podInjectors,
  type ContainerSecurity,
  type HelmValues,
  type Injector,
  type OperatorPod,
  type SeldonNode,
} from '../../model/injected-containers';
import { releasesOf } from '../helm/releases';
import { describeObject, type EnvironmentOutput, type Manifest } from '../output';
import { podTemplates } from './kubernetes';
import { describeViolation, podSecurityViolations, type PodContainer, type PodView, type Violation } from './pod-security-standards';
import type { PolicyRule, Violation as Finding } from './rule';
import { isMap, type JsonMap as Json } from '../output';

export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** A pod of the output: its manifest, where in it the pod comes from, and the pod as admission sees it. */
export interface OutputPod {
  readonly manifest: Manifest;
  /** `spec.template.spec`, `predictor main, componentSpecs[0]`. */
  readonly at: string;
  readonly namespace: string | undefined;
  readonly view: PodView;
  /** The injector releases that added containers to it, with the level each claims for its pods. */
  readonly injectors: readonly UsedInjector[];
}

export interface UsedInjector {
  readonly injector: Injector;
  readonly version: string;
  /** `kserve-resources v0.20.0`. */
  readonly label: string;
  readonly claimed: PodSecurityLevel;
}

/** Problems building the pods: an injector version without data, a feature the data does not model. */
export interface Unmodelled {
  readonly manifest: Manifest;
  readonly message: string;
}

const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

export function containersOf(spec: Json, injectedBy?: string): PodContainer[] {
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    list(spec[field]).map((c: Json) => ({
      name: String(c?.name ?? ''),
      field,
      securityContext: c?.securityContext,
      ports: c?.ports,
      resources: isMap(c?.resources) ? c.resources : undefined,
      injectedBy,
    })),
  );
}

/** The versions the output pins, and the values it passes, for the injectors that are Helm releases. */
function installedInjectors(env: EnvironmentOutput): Map<string, { version: string; values: HelmValues }> {
  const out = new Map<string, { version: string; values: HelmValues }>();
  for (const r of releasesOf(env)) if (!out.has(r.chart)) out.set(r.chart, { version: r.version, values: r.values });
  return out;
}

/** KServe: the predictor's pod (its pod-level fields, `kserve-container` from `model`, any extra containers). */
function inferenceServicePod(obj: Json, values: HelmValues): { spec: Json; containers: PodContainer[]; facts: OperatorPod } | undefined {
  const predictor = obj.spec?.predictor;
  if (!isMap(predictor)) return undefined;
  const model = isMap(predictor.model) ? predictor.model : undefined;
  const containers = [...(model ? [{ name: 'kserve-container', ...model }] : []), ...list(predictor.containers)];
  const annotation = obj.metadata?.annotations?.['serving.kserve.io/deploymentMode'];
  // Without the annotation the controller's default applies (the chart's is Knative: values.yaml kserve.controller.deploymentMode).
  const mode = String(annotation ?? (values as Json).kserve?.controller?.deploymentMode ?? 'Knative');
  return {
    spec: predictor,
    containers: containersOf({ initContainers: predictor.initContainers, containers }),
    facts: {
      kind: 'InferenceService',
      mode: mode === 'Knative' || mode === 'Serverless' ? 'Knative' : 'Standard',
      storageUri: typeof model?.storageUri === 'string' ? model.storageUri : undefined,
      agent: predictor.logger !== undefined || predictor.batcher !== undefined,
      firstContainer: containers[0]?.securityContext as ContainerSecurity | undefined,
    },
  };
}

/** The nodes of a Seldon graph, depth first. */
function graphNodes(node: Json | undefined): Json[] {
  return isMap(node) ? [node, ...list(node.children).flatMap(graphNodes)] : [];
}

/** Seldon: one pod per componentSpec of each predictor, serving the graph nodes named by its containers. */
function seldonPods(obj: Json, manifest: Manifest, unmodelled: Unmodelled[]): { at: string; spec: Json; containers: PodContainer[]; facts: OperatorPod }[] {
  const separateEngine = String(obj.spec?.annotations?.['seldon.io/engine-separate-pod'] ?? '').toLowerCase() === 'true';
  return list(obj.spec?.predictors).flatMap((p: Json) => {
    const nodes = graphNodes(p.graph);
    const specs = list(p.componentSpecs);
    const placed = new Set<string>();
    const pods = specs.map((cs: Json, j: number) => {
      const spec = isMap(cs?.spec) ? cs.spec : {};
      const names = new Set(list(spec.containers).map((c: Json) => c?.name));
      const here: SeldonNode[] = nodes
        .filter((n) => names.has(n.name))
        .map((n) => ({ name: String(n.name), implementation: n.implementation, modelUri: n.modelUri }));
      here.forEach((n) => placed.add(n.name));
      const noEngine = String(p.annotations?.['seldon.io/no-engine'] ?? '').toLowerCase() === 'true';
      return {
        at: `predictor ${p.name}, componentSpecs[${j}]`,
        spec,
        containers: containersOf(spec),
        facts: {
          kind: 'SeldonDeployment',
          protocol: String(obj.spec?.protocol ?? 'seldon'),
          hostsEngine: j === 0 && !noEngine && !separateEngine,
          separateEngine,
          nodes: here,
        } as OperatorPod,
      };
    });
    for (const n of nodes.filter((n) => !placed.has(n.name)))
      unmodelled.push({
        manifest,
        message: `predictor ${p.name}: graph node ${n.name} has no container in componentSpecs; the pod Seldon builds for it is not modelled`,
      });
    return pods;
  });
}

/** Every pod of an environment's output, with the containers operators add. */
export function outputPods(env: EnvironmentOutput): { pods: OutputPod[]; unmodelled: Unmodelled[] } {
  const installed = installedInjectors(env);
  const unmodelled: Unmodelled[] = [];
  const pods: OutputPod[] = podTemplates(env.manifests).map((t) => ({
    manifest: t.manifest,
    at: t.at,
    namespace: t.manifest.obj.metadata.namespace,
    view: { spec: t.spec, containers: containersOf(t.spec) },
    injectors: [],
  }));

  const withInjections = (manifest: Manifest, at: string, spec: Json, own: PodContainer[], facts: OperatorPod) => {
    const added: PodContainer[] = [];
    const used: UsedInjector[] = [];
    for (const injector of podInjectors(facts)) {
      const release = installed.get(injector);
      const version = release?.version ?? pinnedInjectorVersion(injector);
      const label = `${injector} ${version}`;
      const data = injectorRelease(injector, version);
      if (!data) {
        unmodelled.push({
          manifest,
          message: `${at}: no injected-container data for ${label} (src/model/injected-containers.ts): the containers it adds are unknown`,
        });
        continue;
      }
      const why = data.unmodelled(facts);
      if (why) unmodelled.push({ manifest, message: `${at}: ${why}` });
      let adds = 0;
      for (const c of data.containers) {
        for (const name of c.into(facts)) {
          adds++;
          added.push({
            name,
            field: c.field,
            securityContext: c.securityContext(release?.values ?? {}, facts) as Json | undefined,
            resources: c.resources(release?.values ?? {}) as Json | undefined,
            injectedBy: label,
          });
        }
      }
      if (adds > 0) used.push({ injector, version, label, claimed: data.security.level });
    }
    pods.push({ manifest, at, namespace: manifest.obj.metadata.namespace, view: { spec, containers: [...own, ...added] }, injectors: used });
  };

  for (const m of env.manifests) {
    if (m.obj.kind === 'InferenceService') {
      const pod = inferenceServicePod(m.obj, installed.get('kserve-resources')?.values ?? {});
      if (pod) withInjections(m, 'spec.predictor', pod.spec, pod.containers, pod.facts);
    } else if (m.obj.kind === 'SeldonDeployment') {
      for (const pod of seldonPods(m.obj, m, unmodelled)) withInjections(m, pod.at, pod.spec, pod.containers, pod.facts);
    }
  }
  return { pods, unmodelled };
}

/**
 * The `enforce` level of each namespace the output creates: Namespace objects, and the namespaces Argo CD
 * Applications create with `managedNamespaceMetadata` (the operators').
 */
export function enforcedLevels(env: EnvironmentOutput): Map<string, PodSecurityLevel> {
  const out = new Map<string, PodSecurityLevel>();
  // Without the label the namespace admits everything (the API server's default level is privileged).
  const level = (labels: Record<string, string> | undefined): PodSecurityLevel =>
    POD_SECURITY_LEVELS.includes(labels?.[ENFORCE_LABEL] as PodSecurityLevel) ? (labels![ENFORCE_LABEL] as PodSecurityLevel) : 'privileged';
  for (const m of env.manifests) {
    if (m.obj.kind === 'Namespace') out.set(m.obj.metadata.name, level(m.obj.metadata.labels));
    const spec = m.obj.spec as
      { destination?: { namespace?: string }; syncPolicy?: { managedNamespaceMetadata?: { labels?: Record<string, string> } } } | undefined;
    const managed = m.obj.kind === 'Application' ? spec?.syncPolicy?.managedNamespaceMetadata : undefined;
    if (managed && spec?.destination?.namespace) out.set(spec.destination.namespace, level(managed.labels));
  }
  return out;
}

const below = (a: PodSecurityLevel, b: PodSecurityLevel) => POD_SECURITY_LEVELS.indexOf(a) < POD_SECURITY_LEVELS.indexOf(b);
const finding = (pod: { manifest: Manifest }, message: string): Finding => ({ file: pod.manifest.file, resource: describeObject(pod.manifest.obj), message });
/** Violations the platform's own settings are at fault for: the pod's fields (one it leaves unset included) or a container it writes. */
const own = (v: Violation) => v.pod || v.podCouldFix === true || v.containers.some((c) => !c.injectedBy);

/** The strictest level no violation of the injector's containers stands in the way of. */
function injectorLevel(pod: OutputPod, label: string): PodSecurityLevel {
  const blocks = (level: PodSecurityLevel) => podSecurityViolations(pod.view, level).some((v) => v.containers.some((c) => c.injectedBy === label));
  return !blocks('restricted') ? 'restricted' : !blocks('baseline') ? 'baseline' : 'privileged';
}

export const podSecurityRules: PolicyRule[] = [
  {
    id: 'k8s-pod-security',
    reason:
      "Pod Security admits a pod as it is after the operators' webhooks and controllers have added their containers: each pod, with those containers, must pass its namespace's enforce level or it never starts.",
    check: (ctx) => {
      const { pods, unmodelled } = outputPods(ctx.env);
      const levels = enforcedLevels(ctx.env);
      return [
        ...unmodelled.map((u) => finding(u, u.message)),
        ...pods.flatMap((pod) => {
          const level = pod.namespace === undefined ? undefined : levels.get(pod.namespace);
          const violations = level ? podSecurityViolations(pod.view, level) : [];
          return violations.length > 0
            ? [
                finding(
                  pod,
                  `${pod.at}: namespace ${pod.namespace} enforces Pod Security "${level}", which rejects the pod: ${violations.map(describeViolation).join('; ')}`,
                ),
              ]
            : [];
        }),
      ];
    },
  },
  {
    id: 'k8s-pod-security-strictest',
    reason:
      'A namespace enforces less than restricted only for containers operators add and cannot be configured to harden: what the platform writes still passes restricted there, and the recorded need of each operator is exact.',
    check: (ctx) => {
      const { pods } = outputPods(ctx.env);
      const levels = enforcedLevels(ctx.env);
      const out: Finding[] = [];
      const lowest = new Map<string, { level: PodSecurityLevel; claimed: PodSecurityLevel; pod: OutputPod }>();
      for (const pod of pods) {
        const level = pod.namespace === undefined ? undefined : levels.get(pod.namespace);
        if (level && level !== 'restricted') {
          const mine = podSecurityViolations(pod.view, 'restricted').filter(own);
          if (mine.length > 0)
            out.push(
              finding(
                pod,
                `${pod.at}: namespace ${pod.namespace} enforces "${level}", but only the containers operators add may need that; the platform's own settings must pass restricted: ${mine.map(describeViolation).join('; ')}`,
              ),
            );
        }
        for (const used of pod.injectors) {
          const have = injectorLevel(pod, used.label);
          const seen = lowest.get(used.label);
          if (!seen || below(have, seen.level)) lowest.set(used.label, { level: have, claimed: used.claimed, pod });
        }
      }
      for (const [label, { level, claimed, pod }] of [...lowest].sort(([a], [b]) => a.localeCompare(b))) {
        if (level !== claimed)
          out.push(
            finding(
              pod,
              `${pod.at}: src/model/injected-containers.ts records that the pods ${label} adds containers to pass "${claimed}", but with the values the output passes they pass "${level}"` +
                (below(claimed, level)
                  ? ': their namespaces are lowered for nothing; record the stricter level'
                  : ': namespaces enforcing the recorded level reject them; pass the values that reach it, or record the lower level with its reason'),
            ),
          );
      }
      return out;
    },
  },
];
