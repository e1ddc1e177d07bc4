/**
 * The operator charts' claims: k8s-storage-class-exists checks the output's own claims and those operators create
 * from its custom resources; this checks, on the cluster view, those the rendered charts hold (PersistentVolumeClaims,
 * StatefulSets' volumeClaimTemplates, generic ephemeral volumes) and those of the StatefulSets operators build from
 * the view's pods (operator-pods.ts `volumeClaimTemplates`, e.g. Prometheus's storage.volumeClaimTemplate; the
 * output's own custom resources' claims are k8s-storage-class-exists's, src/model/operator-claims.ts) against every
 * StorageClass the cluster will have.
 */
import { manifestClaims, resolveClaim, storageClassesOf } from '../policy/storage';
import { isMap } from '../output';
import type { ClusterRule } from './admission';

export const STORAGE_RULES: readonly ClusterRule[] = [
  {
    id: 'chart-storage-class-exists',
    reason:
      "A claim an operator chart renders must name a StorageClass the cluster has (or the cluster must have a default one): otherwise the chart's pods stay Pending, though its render and every schema pass",
    check: (view) => {
      const all = view.objects.map((o) => ({ file: o.file, app: o.resource, obj: o.obj }));
      const classes = storageClassesOf(all, view.cloud);
      const hasVolumes = all.some((m) => m.obj.kind === 'PersistentVolume');
      // A chart's object without a namespace lands in its release's: name it there.
      const charts = view.objects
        .filter((o) => o.origin === 'chart')
        .map((o) => ({ file: o.file, app: o.resource, obj: { ...o.obj, metadata: { ...o.obj.metadata, namespace: o.namespace } } }));
      const rendered = manifestClaims(charts).flatMap((c) => {
        const message = resolveClaim(c, classes, hasVolumes);
        const o = c.manifest.obj;
        return message
          ? [{ file: c.manifest.file, resource: c.manifest.app, message: `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name} ${c.at}: ${message}` }]
          : [];
      });
      const className = (spec: unknown) => (isMap(spec) && typeof spec.storageClassName === 'string' ? spec.storageClassName : undefined);
      const built = view.pods.flatMap((pod) =>
        (pod.volumeClaimTemplates ?? []).flatMap((t, i) => {
          const at = `volumeClaimTemplates[${i}] (${t.metadata?.name})`;
          const message = resolveClaim(
            {
              manifest: { file: pod.file, app: pod.resource, obj: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: pod.at } } },
              at,
              storageClass: className(t.spec),
            },
            classes,
            hasVolumes,
          );
          return message ? [{ file: pod.file, resource: pod.resource, message: `${pod.at} (built by ${pod.createdBy}) ${at}: ${message}` }] : [];
        }),
      );
      return [...rendered, ...built];
    },
  },
];
