/**
 * A small hand-written typed interface for the `Milvus` resource (milvus.io/v1beta1, milvus-operator
 * v1.3.8), covering only the fields this chart sets. The full CRD
 * (../shared/schemas/crds/milvus.io_milvuses.yaml) is ~13k lines; generated classes for it cost
 * seconds of type-checking for nothing we use (DESIGN.md). Every emitted object is validated
 * against the full CRD schema in test/charts/rag.test.ts, so a field added here that the CRD does
 * not know fails there.
 *
 * Field names follow the CRD. `config` is Milvus's own milvus.yaml (a preserve-unknown-fields map
 * in the CRD); `values` of an in-cluster dependency are that dependency's Helm chart values.
 */
import { typedResource } from '../lib/typed-resource';
import type { SecurityContext } from 'cdk8s-plus-28/lib/imports/k8s';
import type { ResourceValues } from '../lib/pod';

export const MILVUS_API_VERSION = 'milvus.io/v1beta1';
export const MILVUS_KIND = 'Milvus';

export type MilvusMode = 'standalone' | 'cluster';

/** One Milvus component (standalone, proxy, mixCoord, queryNode, dataNode, indexNode). */
export interface MilvusComponentSpec {
  readonly replicas: number;
}

/** `spec.components`: settings of every Milvus pod, with per-component overrides. */
export interface MilvusComponents {
  /** `milvusdb/milvus:<tag>`. */
  readonly image: string;
  /** The pods' service account: the one bound to the cloud identity for object storage. */
  readonly serviceAccountName: string;
  /** Labels on every Milvus pod (Azure: the workload identity opt-in). */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly priorityClassName?: string;
  /** Requests and limits of each Milvus container. */
  readonly resources: ResourceValues;
  /** The core API's container security context; the operator copies it onto each Milvus container (CRD: preserve-unknown-fields). */
  readonly securityContext?: SecurityContext;
  /** true: the operator creates no PodMonitor of its own (milvus-operator v1.3.8 pkg/controllers/podmonitor.go); metrics stay on. */
  readonly disableMetric?: boolean;
  readonly standalone?: MilvusComponentSpec;
  readonly proxy?: MilvusComponentSpec;
  /** All four coordinators in one process (recommended by the operator over separate coordinators). */
  readonly mixCoord?: MilvusComponentSpec;
  readonly queryNode?: MilvusComponentSpec;
  readonly dataNode?: MilvusComponentSpec;
  readonly indexNode?: MilvusComponentSpec;
}

/** `spec.config.minio`: Milvus's object-storage client (S3 API for AWS, Blob API for Azure). */
export interface MilvusMinioConfig {
  /** S3 bucket or Azure Blob container. */
  readonly bucketName: string;
  /** Prefix of every object Milvus writes. */
  readonly rootPath: string;
  readonly useSSL: true;
  /** Credentials from the pod identity (IRSA / Pod Identity, Entra Workload Identity), never keys. */
  readonly useIAM: true;
  readonly cloudProvider: 'aws' | 'azure';
  /** AWS: the bucket's region. */
  readonly region?: string;
  /**
   * Azure only: the storage account NAME (not a key). With useIAM Milvus builds the endpoint
   * `https://<accessKeyID>.blob.<address>/` and authenticates with the workload identity token.
   */
  readonly accessKeyID?: string;
}

/** `spec.config`: overrides of milvus.yaml. */
export interface MilvusConfig {
  readonly common: { readonly storageType: 'remote' };
  readonly minio: MilvusMinioConfig;
}

export type DeletionPolicy = 'Retain' | 'Delete';

/** A dependency the operator installs in the namespace from its bundled Helm chart. */
export interface InClusterDependency {
  /** Values of the dependency's Helm chart. */
  readonly values: Readonly<Record<string, unknown>>;
  /** What happens to the dependency when the Milvus resource is deleted. */
  readonly deletionPolicy: DeletionPolicy;
  /** Whether its PVCs go too (only with deletionPolicy Delete). */
  readonly pvcDeletion: boolean;
  /** Pulsar only: the bundled chart generation (`pulsar-v3` for Milvus 2.5). */
  readonly chartVersion?: 'pulsar-v2' | 'pulsar-v3';
}

/** External object storage: the cloud's, not an in-cluster MinIO. */
export interface ExternalStorage {
  readonly external: true;
  readonly type: 'S3' | 'Azure';
  /** `host:port`; the operator writes it to minio.address / minio.port. */
  readonly endpoint: string;
}

/** Persistence of the message queue Milvus embeds (rocksmq in standalone). */
export interface BuiltInMqPersistence {
  readonly enabled: true;
  readonly pvcDeletion: boolean;
  readonly persistentVolumeClaim: {
    readonly spec: {
      readonly accessModes: readonly ['ReadWriteOnce'];
      /** Copied into the claim the operator creates; unset, the cluster's default class. */
      readonly storageClassName?: string;
      readonly resources: { readonly requests: { readonly storage: string } };
    };
  };
}

export interface MilvusDependencies {
  readonly etcd: { readonly inCluster: InClusterDependency };
  readonly storage: ExternalStorage;
  readonly msgStreamType: 'rocksmq' | 'pulsar';
  readonly rocksmq?: { readonly persistence: BuiltInMqPersistence };
  readonly pulsar?: { readonly inCluster: InClusterDependency };
}

export interface MilvusSpec {
  readonly mode: MilvusMode;
  readonly components: MilvusComponents;
  readonly config: MilvusConfig;
  readonly dependencies: MilvusDependencies;
}

/** The `Milvus` custom resource. */
export const Milvus = typedResource<MilvusSpec>(MILVUS_API_VERSION, MILVUS_KIND);
