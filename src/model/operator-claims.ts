/**
 * The PersistentVolumeClaims operators create from custom resources, as data per operator version: which
 * field of the resource turns each claim on and which names its StorageClass. Read from the operator's
 * source and the charts it bundles at that version; a version without an entry here is reported by
 * validate (`k8s-storage-class-exists`) rather than guessed.
 */

/** A custom resource as plain data. */
type Json = Record<string, unknown>;

/** The StorageClass a claim asks for: a name, `''` (no dynamic provisioning) or undefined (the cluster's default). */
export type ClaimClass = string | undefined;

/** One claim (or volumeClaimTemplate) an operator creates. */
export interface OperatorClaim {
  /** What it holds, e.g. `etcd data`. */
  readonly name: string;
  /** The claim's class, or `false` when the resource does not make the operator create it. */
  readonly storageClass: (cr: Json) => ClaimClass | false;
}

const at = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (o && typeof o === 'object' && !Array.isArray(o) ? (o as Json)[k] : undefined), v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Bitnami-style charts (etcd 8.12.0, Kafka 15.5.1, MinIO 8.0.17): `global.storageClass` over `persistence.storageClass`, `-` for none. */
function bitnamiClass(values: unknown, persistence: string[] = ['persistence']): ClaimClass | false {
  if (at(values, ...persistence, 'enabled') === false) return false;
  const name = text(at(values, 'global', 'storageClass')) || text(at(values, ...persistence, 'storageClass'));
  return name === '-' ? '' : name || undefined;
}

/**
 * Apache Pulsar chart 3.3.0 (operator `chartVersion: pulsar-v3`): `storageClassName` names a class; a
 * `storageClass` map makes the chart create one of its own; `local_storage` (off in the operator's
 * defaults) names `local-storage`.
 */
function pulsarClass(values: unknown, component: string, volume: string): ClaimClass | false {
  const v = at(values, component, 'volumes', volume);
  if (at(values, 'persistence') === false || at(values, 'volumes', 'persistence') === false || at(values, component, 'volumes', 'persistence') === false)
    return false;
  const named = text(at(v, 'storageClassName'));
  if (named) return named;
  const local = at(values, 'volumes', 'local_storage') === true && at(v, 'local_storage') === true;
  if (!local && at(v, 'storageClass') !== undefined) return `pulsar-${component}-${at(v, 'name') ?? volume}`;
  return local ? 'local-storage' : undefined;
}

const dependency = (cr: Json, name: string): Json | undefined => {
  const d = at(cr, 'spec', 'dependencies', name);
  return d && typeof d === 'object' ? (d as Json) : undefined;
};
/** The values of an in-cluster dependency: the operator's webhook makes every dependency not marked `external` one. */
const inClusterValues = (cr: Json, name: string): unknown => {
  const d = dependency(cr, name);
  return d?.external === true ? false : (at(d, 'inCluster', 'values') ?? {});
};
/** The operator's default queue: rocksmq standalone, pulsar in cluster mode. */
const msgStream = (cr: Json): string => text(at(cr, 'spec', 'dependencies', 'msgStreamType')) || (at(cr, 'spec', 'mode') === 'cluster' ? 'pulsar' : 'rocksmq');

/** A built-in queue's claim (`<instance>-data`): created when persistence is on and no existing claim is named; its spec copied as given. */
function builtInMq(queue: 'rocksmq' | 'natsmq'): OperatorClaim {
  return {
    name: `${queue} data`,
    storageClass: (cr) => {
      const p = at(dependency(cr, queue), 'persistence');
      if (msgStream(cr) !== queue || at(p, 'enabled') !== true || text(at(p, 'persistentVolumeClaim', 'existingClaim'))) return false;
      return text(at(p, 'persistentVolumeClaim', 'spec', 'storageClassName'));
    },
  };
}

function chartClaim(name: string, dep: string, when: (cr: Json) => boolean, cls: (values: unknown) => ClaimClass | false): OperatorClaim {
  return {
    name,
    storageClass: (cr) => {
      const values = inClusterValues(cr, dep);
      return values === false || !when(cr) ? false : cls(values);
    },
  };
}

const always = () => true;
const queueIs = (q: string) => (cr: Json) => msgStream(cr) === q;

/** milvus-operator (zilliztech/milvus-operator), by chart version: the claims of a Milvus resource. */
export const MILVUS_OPERATOR_CLAIMS: Readonly<Record<string, readonly OperatorClaim[]>> = {
  '1.3.8': [
    chartClaim('etcd data', 'etcd', always, (v) => bitnamiClass(v)),
    chartClaim('MinIO data', 'storage', always, (v) => bitnamiClass(v)),
    chartClaim('Pulsar ZooKeeper data', 'pulsar', queueIs('pulsar'), (v) => pulsarClass(v, 'zookeeper', 'data')),
    chartClaim('Pulsar BookKeeper journal', 'pulsar', queueIs('pulsar'), (v) => pulsarClass(v, 'bookkeeper', 'journal')),
    chartClaim('Pulsar BookKeeper ledgers', 'pulsar', queueIs('pulsar'), (v) => pulsarClass(v, 'bookkeeper', 'ledgers')),
    chartClaim('Kafka data', 'kafka', queueIs('kafka'), (v) => bitnamiClass(v)),
    chartClaim('Kafka ZooKeeper data', 'kafka', queueIs('kafka'), (v) =>
      at(v, 'zookeeper', 'enabled') === false ? false : bitnamiClass(v, ['zookeeper', 'persistence']),
    ),
    builtInMq('rocksmq'),
    builtInMq('natsmq'),
  ],
};

/** Custom resources whose operator creates claims: the kind, the operator's release and the data per version. */
export const OPERATOR_CLAIMS: Readonly<Record<string, { readonly operator: string; readonly byVersion: Readonly<Record<string, readonly OperatorClaim[]>> }>> =
  {
    Milvus: { operator: 'milvus-operator', byVersion: MILVUS_OPERATOR_CLAIMS },
  };
