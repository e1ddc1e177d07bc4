/**
 * Volumes that bind and do not strand their pods: every claim of the output (PersistentVolumeClaims,
 * StatefulSets' volumeClaimTemplates, pods' generic ephemeral volumes, and the claims operators create
 * from the output's custom resources, src/model/operator-claims.ts) resolves to a StorageClass the
 * cluster has, and a Job's retries are not tied to the zone of a zonal disk.
 */
import { CLUSTER_STORAGE, isZonalStorage, type ClusterStorageClass } from '../../model/cluster';
import { OPERATOR_CLAIMS } from '../../model/operator-claims';
import { type OperatorName } from '../../model/operators';
import { installedVersion } from '../helm/releases';
import { describeObject, type Manifest } from '../output';
import { podTemplates } from './kubernetes';
import type { PolicyContext, PolicyRule, Violation } from './rule';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** A claim of the output: where it is and the class it asks for (undefined: the default; '': none). */
interface Claim {
  readonly manifest: Manifest;
  readonly at: string;
  readonly storageClass: string | undefined;
}

/** A class the cluster will have, and where it comes from. */
interface KnownClass extends ClusterStorageClass {
  readonly from: string;
}

/** The output's StorageClasses, then the cloud's built-in ones (CLUSTER_STORAGE). */
export function knownStorageClasses(ctx: PolicyContext): KnownClass[] {
  return storageClassesOf(ctx.env.manifests, ctx.cloud);
}

/** The StorageClasses among `manifests` (the output's, or the cluster view's with the charts'), then `cloud`'s built-in ones. */
export function storageClassesOf(manifests: readonly Pick<Manifest, 'file' | 'obj'>[], cloud: PolicyContext['cloud']): KnownClass[] {
  const created = manifests
    .filter((m) => m.obj.kind === 'StorageClass')
    .map((m) => ({
      name: m.obj.metadata.name,
      isDefault: m.obj.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
      provisioner: String(m.obj.provisioner ?? ''),
      parameters: m.obj.parameters ?? {},
      from: m.file,
    }));
  const builtIn = cloud ? CLUSTER_STORAGE[cloud].builtIn.map((c) => ({ ...c, from: `built into ${cloud === 'aws' ? 'EKS' : 'AKS'}` })) : [];
  return [...created, ...builtIn.filter((b) => !created.some((c) => c.name === b.name))];
}

const className = (spec: any): string | undefined => (typeof spec?.storageClassName === 'string' ? spec.storageClassName : undefined);

export function manifestClaims(manifests: readonly Manifest[]): Claim[] {
  const out: Claim[] = [];
  for (const m of manifests) {
    if (m.obj.kind === 'PersistentVolumeClaim') out.push({ manifest: m, at: 'spec', storageClass: className(m.obj.spec) });
    if (m.obj.kind === 'StatefulSet')
      (m.obj.spec?.volumeClaimTemplates ?? []).forEach((t: any, i: number) =>
        out.push({ manifest: m, at: `spec.volumeClaimTemplates[${i}] (${t?.metadata?.name})`, storageClass: className(t?.spec) }),
      );
  }
  for (const t of podTemplates(manifests))
    (Array.isArray(t.spec.volumes) ? t.spec.volumes : []).forEach((v: any, i: number) => {
      if (v?.ephemeral)
        out.push({ manifest: t.manifest, at: `${t.at}.volumes[${i}] (${v.name}, ephemeral)`, storageClass: className(v.ephemeral.volumeClaimTemplate?.spec) });
    });
  return out;
}

/** Claims operators create from the output's custom resources; a version without data is a finding of its own. */
function operatorClaims(ctx: PolicyContext): { claims: Claim[]; missing: Violation[] } {
  const claims: Claim[] = [];
  const missing: Violation[] = [];
  for (const m of ctx.env.manifests) {
    const entry = OPERATOR_CLAIMS[m.obj.kind];
    if (!entry) continue;
    const version = installedVersion(ctx.env, entry.operator as OperatorName);
    const data = version ? entry.byVersion[version] : undefined;
    if (!data) {
      missing.push({
        file: m.file,
        resource: describeObject(m.obj),
        message: `${entry.operator} ${version ?? '(unpinned)'} has no claim data in src/model/operator-claims.ts: the volumes it creates are unchecked`,
      });
      continue;
    }
    for (const claim of data) {
      const storageClass = claim.storageClass(m.obj);
      if (storageClass !== false) claims.push({ manifest: m, at: `${claim.name} (created by ${entry.operator} ${version})`, storageClass });
    }
  }
  return { claims, missing };
}

export function resolveClaim(claim: Claim, classes: readonly KnownClass[], hasVolumes: boolean): string | undefined {
  if (claim.storageClass === '')
    return hasVolumes ? undefined : 'storageClassName "" turns dynamic provisioning off, and the output has no PersistentVolume to bind';
  if (claim.storageClass === undefined)
    return classes.some((c) => c.isDefault)
      ? undefined
      : 'names no StorageClass and the cluster has no default one (EKS creates none since 1.30): it stays Pending';
  if (classes.some((c) => c.name === claim.storageClass)) return undefined;
  const known = classes.map((c) => c.name);
  return `names StorageClass ${claim.storageClass}, which neither the output nor the cluster has (${known.length ? known.join(', ') : 'none'})`;
}

/** The pod chooses its zone itself: a nodeSelector or required node affinity on the zone label. */
function pinnedToZone(spec: Record<string, any>): boolean {
  if (spec.nodeSelector?.[ZONE_LABEL] !== undefined) return true;
  const terms: any[] = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms.length > 0 && terms.every((t) => (t.matchExpressions ?? []).some((e: any) => e.key === ZONE_LABEL && e.operator === 'In'));
}

const RETRYING_KINDS = new Set(['Job', 'CronJob']);

export const storageRules: PolicyRule[] = [
  {
    id: 'k8s-storage-class-exists',
    reason: 'A claim whose StorageClass does not exist (or that needs a default the cluster lacks) stays Pending, and so does every pod that mounts it.',
    check: (ctx) => {
      const classes = knownStorageClasses(ctx);
      const hasVolumes = ctx.env.manifests.some((m) => m.obj.kind === 'PersistentVolume');
      const { claims, missing } = operatorClaims(ctx);
      const unresolved = [...manifestClaims(ctx.env.manifests), ...claims].flatMap((c): Violation[] => {
        const message = resolveClaim(c, classes, hasVolumes);
        return message ? [{ file: c.manifest.file, resource: describeObject(c.manifest.obj), message: `${c.at}: ${message}` }] : [];
      });
      // Two defaults: the API server gives new claims the newest one, so which disk a claim gets depends on history.
      const defaults = classes.filter((c) => c.isDefault);
      const ambiguous = ctx.env.manifests
        .filter((m) => m.obj.kind === 'StorageClass' && defaults.length > 1 && defaults.some((d) => d.name === m.obj.metadata.name && d.from === m.file))
        .map((m) => ({
          file: m.file,
          resource: describeObject(m.obj),
          message: `is a default StorageClass beside ${defaults
            .filter((d) => d.name !== m.obj.metadata.name)
            .map((d) => `${d.name} (${d.from})`)
            .join(', ')}: keep one default`,
        }));
      return [...missing, ...unresolved, ...ambiguous];
    },
  },
  {
    id: 'k8s-zonal-volume-pins-job',
    reason:
      'A Job mounting a pre-created claim on a zonal disk runs every retry in the zone the disk was created in, however many zones its pool spans; on Spot that zone may have no capacity.',
    check: (ctx) => {
      if (ctx.zones !== undefined && ctx.zones < 2) return [];
      const classes = knownStorageClasses(ctx);
      const claims = new Map(
        ctx.env.manifests.filter((m) => m.obj.kind === 'PersistentVolumeClaim').map((m) => [`${m.obj.metadata.namespace}/${m.obj.metadata.name}`, m.obj]),
      );
      return podTemplates(ctx.env.manifests)
        .filter((t) => RETRYING_KINDS.has(t.manifest.obj.kind) && !pinnedToZone(t.spec))
        .flatMap((t) =>
          (Array.isArray(t.spec.volumes) ? t.spec.volumes : []).flatMap((v: any, i: number): Violation[] => {
            const pvc = v?.persistentVolumeClaim ? claims.get(`${t.manifest.obj.metadata.namespace}/${v.persistentVolumeClaim.claimName}`) : undefined;
            if (!pvc) return [];
            const modes: string[] = pvc.spec?.accessModes ?? [];
            const sc = className(pvc.spec);
            const cls = sc === undefined ? classes.find((c) => c.isDefault) : classes.find((c) => c.name === sc);
            if (!cls || !isZonalStorage(cls) || !modes.some((mode) => mode === 'ReadWriteOnce' || mode === 'ReadWriteOncePod')) return [];
            return [
              {
                file: t.manifest.file,
                resource: describeObject(t.manifest.obj),
                message:
                  `${t.at}.volumes[${i}] (${v.name}): claim ${pvc.metadata.name} is a ${modes.join('/')} volume of ${cls.name}, a zonal disk; once bound, ` +
                  `every retry can run only in its zone of the ${ctx.zones ?? 'several'} the cluster spans. Use a per-pod (generic ephemeral) volume ` +
                  'and object storage for what must survive a retry, or pin the job to one zone on purpose',
              },
            ];
          }),
        );
    },
  },
];
