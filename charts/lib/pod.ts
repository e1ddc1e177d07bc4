/**
 * The pod and container baseline of every workload chart. Its defaults are the secure settings: the
 * Pod Security `restricted` profile, a read-only root filesystem with a writable /tmp, no API token,
 * no service links, requests and limits. A chart that needs less passes an option, with a comment
 * saying why, so every departure from the baseline is visible where it is made.
 *
 * - `podSpec` / `container`: core API objects (Deployments, Jobs, CronJobs), quantities as Quantity.
 * - `podSpecValues` / `containerValues`: the same settings as plain values, for custom resources whose
 *   schema takes int-or-string quantities (Seldon's componentSpecs, KServe's model, Milvus's components).
 * - `podSecurityContext`, `containerSecurityContext`, `scratchVolumes`, `resourceValues`: the pieces,
 *   for custom resources whose pod fields have names of their own (Spark's driver and executor).
 */
import {
  IntOrString,
  Quantity,
  type Container,
  type EnvVar,
  type PodSecurityContext,
  type PodSpec,
  type ResourceRequirements,
  type SecurityContext,
  type TopologySpreadConstraint,
  type Volume,
  type VolumeMount,
} from 'cdk8s-plus-28/lib/imports/k8s';
import { GPU_RESOURCE } from '../../src/model/scheduling';
import { HTTP_PORT_NAME } from '../../src/model/flows';

/** Non-root UID/GID the platform's images run as. */
export const RUN_AS = 10001;
/** Image tags are pinned, so a pull of an image already on the node would only cost start-up time. */
export const IMAGE_PULL_POLICY = 'IfNotPresent';
/** Size limit of the /tmp emptyDir: SDKs and runtimes write small temporary files there. */
export const TMP_SIZE = '64Mi';

// ---------------------------------------------------------------- security contexts

export interface PodSecurityOptions {
  /** UID and GID of the pod's processes (runAsUser, runAsGroup; runAsNonRoot is always set). Default: RUN_AS. */
  readonly uid?: number;
  /** Set fsGroup to the GID, so the volumes the kubelet prepares (PVCs, emptyDirs) are writable by the pod. Default: false. */
  readonly fsGroup?: boolean;
  /** With fsGroup: `OnRootMismatch` skips the recursive ownership change of a volume whose root already has it. Default: unset (Kubernetes: Always). */
  readonly fsGroupChangePolicy?: 'OnRootMismatch';
}

/** The restricted profile's pod settings. */
export function podSecurityContext(options: PodSecurityOptions = {}): PodSecurityContext {
  const uid = options.uid ?? RUN_AS;
  if (options.fsGroupChangePolicy && !options.fsGroup) throw new Error('fsGroupChangePolicy needs fsGroup');
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
    ...(options.fsGroup ? { fsGroup: uid } : {}),
    ...(options.fsGroupChangePolicy ? { fsGroupChangePolicy: options.fsGroupChangePolicy } : {}),
  };
}

export interface ContainerSecurityOptions {
  /**
   * UID and GID the container runs as, with runAsNonRoot (the pod's `uid`, where both are set).
   * `image`: the image's own user, none of the three fields set (for an image that runs as root).
   * Default: RUN_AS.
   */
  readonly uid?: number | 'image';
  /** Read-only root filesystem; `false` leaves the field unset (writable, the Kubernetes default). Default: true. */
  readonly readOnlyRoot?: boolean;
}

/** The restricted profile's container settings: no privilege escalation, no capabilities, RuntimeDefault seccomp. */
export function containerSecurityContext(options: ContainerSecurityOptions = {}): SecurityContext {
  const uid = options.uid ?? RUN_AS;
  return {
    ...(uid === 'image' ? {} : { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid }),
    allowPrivilegeEscalation: false,
    ...((options.readOnlyRoot ?? true) ? { readOnlyRootFilesystem: true } : {}),
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

// ---------------------------------------------------------------- writable directories

/** A bounded emptyDir and where it is mounted: a runaway writer is evicted instead of filling the node's disk. */
export interface ScratchDir {
  readonly name: string;
  readonly mountPath: string;
  /** The emptyDir's size limit, a quantity such as `64Mi`. */
  readonly sizeLimit: string;
}

/** An emptyDir volume with its quantity as a plain string (custom resources are rendered as given). */
export interface ScratchVolume {
  readonly name: string;
  readonly emptyDir: { readonly sizeLimit: string };
}

/** The /tmp a read-only root leaves writable. */
export function tmpDir(sizeLimit: string = TMP_SIZE): ScratchDir {
  return { name: 'tmp', mountPath: '/tmp', sizeLimit };
}

/** The volumes (for the pod) and mounts (for each container) of scratch directories, as plain values. */
export function scratchVolumes(dirs: readonly ScratchDir[]): { volumes: ScratchVolume[]; volumeMounts: VolumeMount[] } {
  return {
    volumes: dirs.map((d) => ({ name: d.name, emptyDir: { sizeLimit: d.sizeLimit } })),
    volumeMounts: dirs.map((d) => ({ name: d.name, mountPath: d.mountPath })),
  };
}

// ---------------------------------------------------------------- requests and limits

/** Requests and limits as plain strings, for custom resources whose schema takes int-or-string quantities. */
export interface ResourceValues {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** The CPU limit of a CPU request: twice it, so a container may burst. */
export function cpuLimit(cpu: string): string {
  return scaleQuantity(cpu, 2);
}

/**
 * Requests as given; CPU limit twice the request (bursts), memory limit equal to the request (no overcommit).
 * Every quantity in its canonical form: an operator's defaulting webhook re-serialises a custom resource
 * (KServe writes `1000m` back as `1`), and Argo CD compares custom resources as text, so any other spelling
 * is a difference it would sync back forever.
 */
export function resourceValues(cpu: string, memory: string): ResourceValues {
  const c = canonicalQuantity(cpu);
  const m = canonicalQuantity(memory);
  return { requests: { cpu: c, memory: m }, limits: { cpu: canonicalQuantity(cpuLimit(cpu)), memory: m } };
}

const DECIMAL_EXPONENTS: Readonly<Record<string, number>> = { m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENTS: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const CANONICAL_QUANTITY = /^(\d+)(?:\.(\d+))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/**
 * A quantity as Kubernetes serialises it: the largest suffix of its kind (decimal or binary) with a whole
 * number, e.g. `1000m` → `1`, `1.5` → `1500m`, `2000` → `2k`, `1024Mi` → `1Gi`, `1536Mi` stays.
 */
export function canonicalQuantity(quantity: string): string {
  const q = CANONICAL_QUANTITY.exec(quantity);
  if (!q) throw new Error(`not a Kubernetes quantity: ${quantity}`);
  const [, whole, fraction = '', suffix = ''] = q;
  const digits = BigInt(whole + fraction);
  if (suffix in BINARY_EXPONENTS) {
    // Whole bytes (a fraction of a binary unit is at most 10 decimal digits deep here).
    const scale = 1024n ** BigInt(BINARY_EXPONENTS[suffix]);
    const divisor = 10n ** BigInt(fraction.length);
    if ((digits * scale) % divisor !== 0n) throw new Error(`${quantity} is not a whole number of bytes`);
    const bytes = (digits * scale) / divisor;
    for (let e = 6; e >= 1; e--) {
      const unit = 1024n ** BigInt(e);
      if (bytes % unit === 0n) return `${bytes / unit}${Object.keys(BINARY_EXPONENTS)[e - 1]}`;
    }
    return `${bytes}`;
  }
  // Decimal: as a whole number of milli-units, then the largest exponent (a multiple of 3) that divides it.
  const shift = DECIMAL_EXPONENTS[suffix] + 3 - fraction.length;
  if (shift < 0 && digits % 10n ** BigInt(-shift) !== 0n) throw new Error(`${quantity} is finer than a milli-unit`);
  const milli = shift >= 0 ? digits * 10n ** BigInt(shift) : digits / 10n ** BigInt(-shift);
  if (milli === 0n) return '0';
  for (const [unit, e] of Object.entries(DECIMAL_EXPONENTS).reverse()) {
    const size = 10n ** BigInt(e + 3);
    if (milli % size === 0n) return `${milli / size}${unit}`;
  }
  return `${milli}m`;
}

/** {@link resourceValues} as the core API's ResourceRequirements; `gpus` GPUs requested and limited alike (extended resources cannot overcommit). */
export function resources(cpu: string, memory: string, gpus?: number): ResourceRequirements {
  const v = resourceValues(cpu, memory);
  const gpu: Record<string, Quantity> = gpus === undefined ? {} : { [GPU_RESOURCE]: Quantity.fromNumber(gpus) };
  return {
    requests: { cpu: Quantity.fromString(v.requests.cpu), memory: Quantity.fromString(v.requests.memory), ...gpu },
    limits: { cpu: Quantity.fromString(v.limits.cpu), memory: Quantity.fromString(v.limits.memory), ...gpu },
  };
}

const QUANTITY = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/** `250m` × 2 → `500m`, `1.5` × 2 → `3`; a result that is not whole in its unit moves CPU to millicores. */
export function scaleQuantity(quantity: string, factor: number): string {
  const m = QUANTITY.exec(quantity);
  if (!m) throw new Error(`not a Kubernetes quantity: ${quantity}`);
  const value = Number(m[1]) * factor;
  const unit = m[2] ?? '';
  if (Number.isInteger(value)) return `${value}${unit}`;
  if (unit === '') return `${Math.round(value * 1000)}m`;
  throw new Error(`${quantity} × ${factor} is not a whole number of ${unit}`);
}

// ---------------------------------------------------------------- containers

export interface ContainerValueOptions extends ContainerSecurityOptions {
  /** The container's name. Default: none, for a custom resource that names its container itself (KServe's model). */
  readonly name?: string;
  /** The image, pulled IfNotPresent (IMAGE_PULL_POLICY). Default: none, where the operator supplies it (Seldon's prepackaged servers). */
  readonly image?: string;
  /** CPU request; the limit is twice it. */
  readonly cpu: string;
  /** Memory request, and the limit (equal: no overcommit, an over-user is OOM-killed alone). */
  readonly memory: string;
  /** Environment variables (plain values or secret references) in the order given. Default: none. */
  readonly env?: readonly EnvVar[];
  /** Mounts besides /tmp, which comes with the read-only root (and only with it). Default: none. */
  readonly volumeMounts?: readonly VolumeMount[];
}

/** A container as plain values: what {@link containerValues} returns. */
export interface ContainerValues {
  readonly name?: string;
  readonly image?: string;
  readonly imagePullPolicy?: typeof IMAGE_PULL_POLICY;
  readonly securityContext: SecurityContext;
  readonly resources: ResourceValues;
  readonly volumeMounts?: VolumeMount[];
  readonly env?: EnvVar[];
}

/** A container for a custom resource's schema: restricted security context, plain requests and limits, /tmp with a read-only root. */
export function containerValues(options: ContainerValueOptions): ContainerValues {
  const readOnlyRoot = options.readOnlyRoot ?? true;
  const volumeMounts = [...(readOnlyRoot ? scratchVolumes([tmpDir()]).volumeMounts : []), ...(options.volumeMounts ?? [])];
  return {
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.image === undefined ? {} : { image: options.image, imagePullPolicy: IMAGE_PULL_POLICY }),
    securityContext: containerSecurityContext({ uid: options.uid, readOnlyRoot }),
    resources: resourceValues(options.cpu, options.memory),
    ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
    ...(options.env ? { env: [...options.env] } : {}),
  };
}

/** A container serving HTTP: its named port, and readiness and liveness probes on one health path. */
export interface HttpServer {
  readonly port: number;
  /** Name of the container port (what probes and Services refer to). Default: `http`. */
  readonly portName?: string;
  /** The path that answers 2xx while the server is alive and ready. */
  readonly healthPath: string;
  /** Seconds before the first liveness probe: how long the server may take to start. Default: 10. */
  readonly startSeconds?: number;
  /**
   * A server whose start takes long and varies (a download before it listens): a startup probe allows it this many
   * seconds, every 5 s, and liveness begins only once it answered. Replaces `startSeconds`.
   */
  readonly startupSeconds?: number;
}

const STARTUP_PERIOD_SECONDS = 5;

function httpServer(http: HttpServer): Pick<Container, 'ports' | 'readinessProbe' | 'livenessProbe' | 'startupProbe'> {
  const portName = http.portName ?? HTTP_PORT_NAME;
  const probe = { httpGet: { path: http.healthPath, port: IntOrString.fromString(portName) }, timeoutSeconds: 2 };
  if (http.startupSeconds !== undefined && http.startSeconds !== undefined) throw new Error('startupSeconds replaces startSeconds: give one');
  return {
    ports: [{ name: portName, containerPort: http.port, protocol: 'TCP' }],
    // Readiness is checked more often than liveness: a slow answer takes the pod out of Services long before it is restarted.
    readinessProbe: { ...probe, periodSeconds: 10, failureThreshold: 3 },
    livenessProbe:
      http.startupSeconds === undefined
        ? { ...probe, initialDelaySeconds: http.startSeconds ?? 10, periodSeconds: 20, failureThreshold: 3 }
        : { ...probe, periodSeconds: 20, failureThreshold: 3 },
    ...(http.startupSeconds === undefined
      ? {}
      : { startupProbe: { ...probe, periodSeconds: STARTUP_PERIOD_SECONDS, failureThreshold: Math.ceil(http.startupSeconds / STARTUP_PERIOD_SECONDS) } }),
  };
}

export interface ContainerOptions extends ContainerValueOptions {
  readonly name: string;
  readonly image: string;
  /** GPUs (`nvidia.com/gpu`), requested and limited alike. Default: none. */
  readonly gpus?: number;
  /** Entrypoint. Default: the image's (an empty list counts as none). */
  readonly command?: readonly string[];
  /** Arguments. Default: the image's. */
  readonly args?: readonly string[];
  /** The HTTP server the container runs: port and probes. Default: none (no ports, no probes). */
  readonly http?: HttpServer;
}

/** A core API container: {@link containerValues} with Quantity resources, and the options only core pods use. */
export function container(options: ContainerOptions): Container {
  return {
    ...containerValues(options),
    name: options.name,
    resources: resources(options.cpu, options.memory, options.gpus),
    ...(options.command?.length ? { command: [...options.command] } : {}),
    ...(options.args ? { args: [...options.args] } : {}),
    ...(options.http ? httpServer(options.http) : {}),
  };
}

// ---------------------------------------------------------------- pods

export interface PodValueOptions<C> extends PodSecurityOptions {
  /** The service account the pod runs as: the one bound to its cloud identity, never the namespace's `default`. */
  readonly serviceAccount: string;
  /** Its priority class (PRIORITY_CLASSES): what it may preempt and what may preempt it. */
  readonly priorityClass: string;
  /**
   * Mount the service account's API token. Default: false: the identity webhooks project tokens of
   * their own, so only a pod that calls the Kubernetes API needs it.
   */
  readonly mountToken?: boolean;
  /**
   * Service links (`<SERVICE>_SERVICE_HOST`, `_PORT` variables for every Service of the namespace).
   * Default: false: apps are configured by name, and the variables can shadow their own settings.
   * `true` leaves the field unset (the Kubernetes default, on).
   */
  readonly serviceLinks?: boolean;
  /** Size limit of the /tmp emptyDir the containers mount; `false`: none, for pods whose containers keep a writable root. Default: TMP_SIZE. */
  readonly tmp?: string | false;
  readonly containers: readonly C[];
}

/** A pod spec as plain values: what {@link podSpecValues} returns. */
export interface PodSpecValues<C> {
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken: boolean;
  readonly enableServiceLinks?: false;
  readonly priorityClassName: string;
  readonly securityContext: PodSecurityContext;
  readonly volumes?: ScratchVolume[];
  readonly containers: C[];
}

type Mounting = { readonly name?: string; readonly volumeMounts?: readonly VolumeMount[] };

/** Every container mounts only volumes the pod has: the baseline's /tmp and a container's read-only root go together. */
function checkMounts(containers: readonly Mounting[], volumes: readonly { name: string }[]): void {
  const names = new Set(volumes.map((v) => v.name));
  for (const c of containers) {
    const missing = (c.volumeMounts ?? []).find((m) => !names.has(m.name));
    if (missing) throw new Error(`container ${c.name ?? '(unnamed)'} mounts volume "${missing.name}", which the pod does not have`);
  }
}

/** A pod spec for a custom resource's schema (plain quantities): identity, token, service links, priority, restricted security, /tmp. */
export function podSpecValues<C extends Mounting>(options: PodValueOptions<C>): PodSpecValues<C> {
  const volumes = options.tmp === false ? [] : scratchVolumes([tmpDir(options.tmp)]).volumes;
  checkMounts(options.containers, volumes);
  return {
    serviceAccountName: options.serviceAccount,
    automountServiceAccountToken: options.mountToken ?? false,
    ...(options.serviceLinks ? {} : { enableServiceLinks: false as const }),
    priorityClassName: options.priorityClass,
    securityContext: podSecurityContext(options),
    ...(volumes.length > 0 ? { volumes } : {}),
    containers: [...options.containers],
  };
}

/** Pod fields a chart sets beside the baseline, passed through as given. */
export type PodScheduling = Pick<PodSpec, 'affinity' | 'tolerations' | 'topologySpreadConstraints' | 'restartPolicy'>;

export interface PodOptions extends PodValueOptions<Container>, PodScheduling {
  /** Scratch directories besides /tmp (emptyDirs with a size limit), after it. Default: none. */
  readonly scratch?: readonly ScratchDir[];
  /** Volumes besides /tmp and the scratch directories, after them. Default: none. */
  readonly volumes?: readonly Volume[];
}

/** A core API pod spec: {@link podSpecValues} with Quantity volume sizes, the chart's volumes and its scheduling fields. */
export function podSpec(options: PodOptions): PodSpec {
  const { volumes: tmp = [], ...values } = podSpecValues({ ...options, containers: [] });
  const volumes: Volume[] = [
    ...[...tmp, ...scratchVolumes(options.scratch ?? []).volumes].map((v) => ({
      name: v.name,
      emptyDir: { sizeLimit: Quantity.fromString(v.emptyDir.sizeLimit) },
    })),
    ...(options.volumes ?? []),
  ];
  checkMounts(options.containers, volumes);
  const scheduling: PodScheduling = {
    affinity: options.affinity,
    tolerations: options.tolerations,
    topologySpreadConstraints: options.topologySpreadConstraints,
    restartPolicy: options.restartPolicy,
  };
  const given = Object.fromEntries(Object.entries(scheduling).filter(([, v]) => v !== undefined)) as PodScheduling;
  return { ...values, ...(volumes.length > 0 ? { volumes } : {}), containers: [...options.containers], ...given };
}

// ---------------------------------------------------------------- environment and spread

/** Plain environment variables, sorted by name (stable output); values only, never secret references. */
export function envVars(vars: Readonly<Record<string, string>>): EnvVar[] {
  return Object.keys(vars)
    .sort()
    .map((name) => ({ name, value: vars[name] }));
}

function spread(matchLabels: Record<string, string>, topologyKey: string): TopologySpreadConstraint {
  return { maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } };
}

/** Spread the selected pods across zones; ScheduleAnyway, so a zone short of capacity never keeps pods pending. */
export function zoneSpread(matchLabels: Record<string, string>): TopologySpreadConstraint {
  return spread(matchLabels, 'topology.kubernetes.io/zone');
}

/** Spread the selected pods across nodes, as {@link zoneSpread} does across zones. */
export function nodeSpread(matchLabels: Record<string, string>): TopologySpreadConstraint {
  return spread(matchLabels, 'kubernetes.io/hostname');
}
