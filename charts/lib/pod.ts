/**
 * Pod and container settings shared by the workload charts: the Pod Security `restricted`
 * profile, a read-only root filesystem with a writable /tmp, requests and limits.
 */
import {
  Quantity,
  type Container,
  type EnvVar,
  type PodSecurityContext,
  type TopologySpreadConstraint,
  type ResourceRequirements,
  type SecurityContext,
  type Volume,
  type VolumeMount,
} from 'cdk8s-plus-28/lib/imports/k8s';

/** Non-root UID/GID the images run as. */
export const RUN_AS = 10001;

/** The restricted profile's pod settings for images that run as `uid` (and group `uid`). */
export function restrictedPodSecurityContext(uid: number): PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** The restricted profile's container settings with a read-only root, for images that run as `uid`. */
export function restrictedContainerSecurityContext(uid: number): SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export const POD_SECURITY_CONTEXT: PodSecurityContext = restrictedPodSecurityContext(RUN_AS);
export const CONTAINER_SECURITY_CONTEXT: SecurityContext = restrictedContainerSecurityContext(RUN_AS);

const TMP_VOLUME = 'tmp';
/** The only writable path: SDKs and runtimes write temporary files here. */
export const TMP_VOLUMES: Volume[] = [{ name: TMP_VOLUME, emptyDir: { sizeLimit: Quantity.fromString('64Mi') } }];
export const TMP_MOUNTS: VolumeMount[] = [{ name: TMP_VOLUME, mountPath: '/tmp' }];

/** Requests and limits as plain strings, for custom resources whose schema takes int-or-string quantities. */
export interface ResourceValues {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Requests as given; CPU limit twice the request (bursts), memory limit equal to the request (no overcommit). */
export function resourceValues(cpu: string, memory: string): ResourceValues {
  return { requests: { cpu, memory }, limits: { cpu: scaleQuantity(cpu, 2), memory } };
}

/** {@link resourceValues} as the core API's ResourceRequirements. */
export function resources(cpu: string, memory: string): ResourceRequirements {
  const v = resourceValues(cpu, memory);
  return {
    requests: { cpu: Quantity.fromString(v.requests.cpu), memory: Quantity.fromString(v.requests.memory) },
    limits: { cpu: Quantity.fromString(v.limits.cpu), memory: Quantity.fromString(v.limits.memory) },
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

/** The parts of a container every workload shares: restricted security context, resources, /tmp. */
export function baseContainer(name: string, image: string, cpu: string, memory: string): Container {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    securityContext: CONTAINER_SECURITY_CONTEXT,
    resources: resources(cpu, memory),
    volumeMounts: TMP_MOUNTS,
  };
}

/** Plain environment variables, sorted by name (stable output); values only, never secret references. */
export function envVars(vars: Readonly<Record<string, string>>): EnvVar[] {
  return Object.keys(vars)
    .sort()
    .map((name) => ({ name, value: vars[name] }));
}

/** Spread the selected pods across zones; ScheduleAnyway, so a zone short of capacity never keeps pods pending. */
export function zoneSpread(matchLabels: Record<string, string>): TopologySpreadConstraint {
  return { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } };
}
