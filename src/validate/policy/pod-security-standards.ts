/**
 * The Pod Security Standards' baseline and restricted checks on one pod, as Pod Security Admission applies them
 * (kubernetes.io/docs/concepts/security/pod-security-standards; the policy package k8s.io/pod-security-admission),
 * for the Kubernetes versions the platform runs (1.28 and later).
 *
 * Where a pod-level field stands in for the containers' (seccompProfile, runAsNonRoot), a container that leaves
 * the field unset takes the pod's; allowPrivilegeEscalation and capabilities have no pod-level field, so every
 * container, the ones operators add included, must set them itself.
 */
import type { PodSecurityLevel } from '../../model/cluster';

export interface PodContainer {
  readonly name: string;
  readonly field: 'initContainers' | 'containers' | 'ephemeralContainers';
  readonly securityContext?: Record<string, any>;
  readonly ports?: readonly Record<string, any>[];
  /** `resources` (requests, limits) as written or as the operator sets them: what LimitRange and ResourceQuota admit. */
  readonly resources?: { readonly requests?: Record<string, unknown>; readonly limits?: Record<string, unknown> };
  /** Added by an operator (`seldon-core-operator 1.18.2`): the platform's templates do not hold it. */
  readonly injectedBy?: string;
}

/** A pod as admission sees it: its pod-level fields and every container. */
export interface PodView {
  /** The pod spec's own fields (securityContext, host namespaces, volumes); its container lists are ignored. */
  readonly spec: Record<string, any>;
  readonly containers: readonly PodContainer[];
}

export interface Violation {
  /** The check's id, as Pod Security Admission names it (`capabilities_restricted`). */
  readonly check: string;
  readonly level: Exclude<PodSecurityLevel, 'privileged'>;
  /** The pod-level field is at fault (not only containers). */
  readonly pod: boolean;
  /** Containers rely on a pod-level field the pod leaves unset: setting it there would fix them (seccompProfile, runAsNonRoot). */
  readonly podCouldFix?: boolean;
  /** The containers at fault. */
  readonly containers: readonly PodContainer[];
  /** What must change, e.g. `must set securityContext.capabilities.drop=["ALL"]`. */
  readonly detail: string;
}

/** Capabilities baseline lets a container add (the container runtime's default set). */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** Sysctls baseline allows (the safe set, as of 1.32). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** Volume sources restricted allows. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

type Check = (pod: PodView) => Omit<Violation, 'check' | 'level'> | undefined;

/** A check on each container (the pod-level field, where one exists, handled by the caller). */
function containersWhere(pod: PodView, bad: (c: PodContainer) => boolean): PodContainer[] {
  return pod.containers.filter(bad);
}

/** For a field with a pod-level default (seccompProfile.type, runAsNonRoot): pod and containers that set it badly, containers that rely on a pod-level value that is not good. */
function podOrEach(pod: PodView, get: (sc: Record<string, any> | undefined) => unknown, good: (v: unknown) => boolean) {
  const podValue = get(pod.spec.securityContext);
  const podBad = podValue !== undefined && !good(podValue);
  const podGood = podValue !== undefined && good(podValue);
  const containers = pod.containers.filter((c) => {
    const v = get(c.securityContext);
    return v === undefined ? !podGood : !good(v);
  });
  const podCouldFix = !podBad && !podGood && containers.some((c) => get(c.securityContext) === undefined);
  return { podBad, podCouldFix, containers };
}

const CHECKS: readonly { id: string; level: Exclude<PodSecurityLevel, 'privileged'>; check: Check }[] = [
  // ------------------------------------------------------------ baseline
  {
    id: 'hostProcess',
    level: 'baseline',
    check: (pod) => {
      const podBad = pod.spec.securityContext?.windowsOptions?.hostProcess === true;
      const containers = containersWhere(pod, (c) => c.securityContext?.windowsOptions?.hostProcess === true);
      return podBad || containers.length ? { pod: podBad, containers, detail: 'must not set securityContext.windowsOptions.hostProcess=true' } : undefined;
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    check: (pod) => {
      const used = ['hostNetwork', 'hostPID', 'hostIPC'].filter((f) => pod.spec[f] === true);
      return used.length ? { pod: true, containers: [], detail: `must not set ${used.map((f) => `${f}=true`).join(', ')}` } : undefined;
    },
  },
  {
    id: 'privileged',
    level: 'baseline',
    check: (pod) => {
      const containers = containersWhere(pod, (c) => c.securityContext?.privileged === true);
      return containers.length ? { pod: false, containers, detail: 'must not set securityContext.privileged=true' } : undefined;
    },
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    check: (pod) => {
      const containers = containersWhere(pod, (c) => list(c.securityContext?.capabilities?.add).some((cap) => !BASELINE_CAPABILITIES.has(cap)));
      return containers.length ? { pod: false, containers, detail: 'must not add capabilities beyond the default set' } : undefined;
    },
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    check: (pod) => {
      const names = list(pod.spec.volumes)
        .filter((v) => v?.hostPath)
        .map((v) => v.name);
      return names.length ? { pod: true, containers: [], detail: `must not use hostPath volumes (${names.join(', ')})` } : undefined;
    },
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    check: (pod) => {
      const containers = containersWhere(pod, (c) => list(c.ports).some((p) => (p?.hostPort ?? 0) !== 0));
      return containers.length ? { pod: false, containers, detail: 'must not set hostPort' } : undefined;
    },
  },
  {
    id: 'appArmorProfile',
    level: 'baseline',
    check: (pod) => {
      const bad = (sc: Record<string, any> | undefined) =>
        sc?.appArmorProfile?.type !== undefined && !['RuntimeDefault', 'Localhost'].includes(sc.appArmorProfile.type);
      const podBad = bad(pod.spec.securityContext);
      const containers = containersWhere(pod, (c) => bad(c.securityContext));
      return podBad || containers.length
        ? { pod: podBad, containers, detail: 'must not set an AppArmor profile other than RuntimeDefault or Localhost' }
        : undefined;
    },
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    check: (pod) => {
      const bad = (sc: Record<string, any> | undefined) => {
        const o = sc?.seLinuxOptions;
        return o !== undefined && (!SELINUX_TYPES.has(o.type ?? '') || (o.user ?? '') !== '' || (o.role ?? '') !== '');
      };
      const podBad = bad(pod.spec.securityContext);
      const containers = containersWhere(pod, (c) => bad(c.securityContext));
      return podBad || containers.length ? { pod: podBad, containers, detail: 'must not set a custom SELinux user, role or type' } : undefined;
    },
  },
  {
    id: 'procMount',
    level: 'baseline',
    check: (pod) => {
      const containers = containersWhere(pod, (c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== 'Default');
      return containers.length ? { pod: false, containers, detail: 'must not set securityContext.procMount other than Default' } : undefined;
    },
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    check: (pod) => {
      const podBad = pod.spec.securityContext?.seccompProfile?.type === 'Unconfined';
      const containers = containersWhere(pod, (c) => c.securityContext?.seccompProfile?.type === 'Unconfined');
      return podBad || containers.length ? { pod: podBad, containers, detail: 'must not set securityContext.seccompProfile.type to "Unconfined"' } : undefined;
    },
  },
  {
    id: 'sysctls',
    level: 'baseline',
    check: (pod) => {
      const unsafe = list(pod.spec.securityContext?.sysctls)
        .map((s) => s?.name)
        .filter((n) => !SAFE_SYSCTLS.has(n));
      return unsafe.length ? { pod: true, containers: [], detail: `must not set unsafe sysctls (${unsafe.join(', ')})` } : undefined;
    },
  },
  // ------------------------------------------------------------ restricted
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    check: (pod) => {
      const names = list(pod.spec.volumes)
        .filter((v) => !RESTRICTED_VOLUMES.some((k) => v?.[k] !== undefined))
        .map((v) => v?.name);
      return names.length ? { pod: true, containers: [], detail: `must use only ${RESTRICTED_VOLUMES.join(', ')} volumes (${names.join(', ')})` } : undefined;
    },
  },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    check: (pod) => {
      const containers = containersWhere(pod, (c) => c.securityContext?.allowPrivilegeEscalation !== false);
      return containers.length ? { pod: false, containers, detail: 'must set securityContext.allowPrivilegeEscalation=false' } : undefined;
    },
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    check: (pod) => {
      const { podBad, podCouldFix, containers } = podOrEach(
        pod,
        (sc) => sc?.runAsNonRoot,
        (v) => v === true,
      );
      return podBad || containers.length ? { pod: podBad, podCouldFix, containers, detail: 'must set securityContext.runAsNonRoot=true' } : undefined;
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    check: (pod) => {
      const podBad = pod.spec.securityContext?.runAsUser === 0;
      const containers = containersWhere(pod, (c) => c.securityContext?.runAsUser === 0);
      return podBad || containers.length ? { pod: podBad, containers, detail: 'must not set runAsUser=0' } : undefined;
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    check: (pod) => {
      const { podBad, podCouldFix, containers } = podOrEach(
        pod,
        (sc) => sc?.seccompProfile?.type,
        (v) => v === 'RuntimeDefault' || v === 'Localhost',
      );
      return podBad || containers.length
        ? { pod: podBad, podCouldFix, containers, detail: 'must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"' }
        : undefined;
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    check: (pod) => {
      const containers = containersWhere(pod, (c) => {
        const caps = c.securityContext?.capabilities;
        return !list(caps?.drop).includes('ALL') || list(caps?.add).some((cap) => cap !== 'NET_BIND_SERVICE');
      });
      return containers.length
        ? { pod: false, containers, detail: 'must set securityContext.capabilities.drop=["ALL"] and add at most NET_BIND_SERVICE' }
        : undefined;
    },
  },
];

/** What the pod lacks for `level` (baseline's checks, and restricted's on top); privileged admits everything. */
export function podSecurityViolations(pod: PodView, level: PodSecurityLevel): Violation[] {
  if (level === 'privileged') return [];
  return CHECKS.filter((c) => c.level === 'baseline' || level === 'restricted').flatMap((c) => {
    const v = c.check(pod);
    return v ? [{ check: c.id, level: c.level, ...v }] : [];
  });
}

/** The strictest level that admits the pod. */
export function podSecurityLevel(pod: PodView): PodSecurityLevel {
  if (podSecurityViolations(pod, 'restricted').length === 0) return 'restricted';
  return podSecurityViolations(pod, 'baseline').length === 0 ? 'baseline' : 'privileged';
}

/** `check: pod, container "a", initContainer "b" (added by x) detail`; `pod or …` where the pod-level field would do. */
export function describeViolation(v: Violation): string {
  const who = v.containers.map(
    (c) => `${c.field === 'containers' ? 'container' : c.field.replace(/s$/, '')} "${c.name}"${c.injectedBy ? ` (added by ${c.injectedBy})` : ''}`,
  );
  const subject = v.pod ? ['pod', ...who].join(', ') : v.podCouldFix ? `pod or ${who.join(', ')}` : who.join(', ');
  return `${v.check}: ${subject} ${v.detail}`;
}
