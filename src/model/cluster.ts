/**
 * What the platform provides every workload in the cluster, whichever workload needed it first:
 * Pod Security levels, the storage classes and the ingress gateway's namespace. Workloads declare
 * what they need (their module's `podSecurity`); the platform chart and the workload charts read it here.
 */
import type { Cloud } from './types';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** A Pod Security level; one below `restricted` carries the reason, which the platform records on the namespace it applies to. */
export type PodSecurity = { readonly level: 'restricted' } | { readonly level: Exclude<PodSecurityLevel, 'restricted'>; readonly reason: string };

/** The levels from the most permissive: each admits everything the next one does and more. */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/** The more permissive of two levels. */
export function lowerLevel(a: PodSecurityLevel, b: PodSecurityLevel): PodSecurityLevel {
  return POD_SECURITY_LEVELS.indexOf(a) <= POD_SECURITY_LEVELS.indexOf(b) ? a : b;
}

/** The Pod Security `enforce` level of the platform's own namespace; a workload's namespace takes its level from src/model/pod-security.ts. */
export const PLATFORM_POD_SECURITY: PodSecurityLevel = 'restricted';

/**
 * Each node's root volume on EKS, GiB (gp3): managed node groups' launch templates and Karpenter's EC2NodeClasses,
 * for CPU and GPU nodes (GPU nodes keep CUDA images and model caches).
 */
export const NODE_ROOT_VOLUME_GIB = { 'node-group': { cpu: 50, gpu: 200 }, karpenter: { cpu: 100, gpu: 500 } } as const;

/** A StorageClass: its provisioner and the provisioner's parameters. */
export interface StorageClassParameters {
  readonly provisioner: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** A StorageClass the cluster has: one the cloud builds in, or one the platform creates. */
export interface ClusterStorageClass extends StorageClassParameters {
  readonly name: string;
  /** Annotated `storageclass.kubernetes.io/is-default-class: "true"`: claims that name no class get it. */
  readonly isDefault: boolean;
}

/**
 * Storage per cloud, in one table.
 * - `builtIn`: the classes the managed cluster creates itself. EKS none since 1.30 (no `gp2` default
 *   any more: claims without a class stay Pending). AKS four (learn.microsoft.com/azure/aks/create-volume-azure-disk,
 *   azure-files-csi): `default` (Standard SSD, the default class), `managed-csi-premium` (Premium SSD),
 *   `azurefile-csi`, `azurefile-csi-premium`; the add-on reconciles them, so the platform never edits them.
 * - `created`: the classes the platform app creates. EKS: gp3, encrypted, the default class, so any claim
 *   (an operator's included) binds. AKS none: its built-in default is kept, a second default would make
 *   the choice depend on creation times.
 * - `block`: the class the platform names for ReadWriteOnce volumes it places (Milvus's etcd and queue,
 *   training scratch). AKS: Premium SSD, not the Standard SSD default: etcd and BookKeeper fsync on every
 *   write, and every GPU VM size supports premium storage.
 */
export const CLUSTER_STORAGE: {
  readonly [C in Cloud]: { readonly builtIn: readonly ClusterStorageClass[]; readonly created: readonly ClusterStorageClass[]; readonly block: string };
} = {
  aws: {
    builtIn: [],
    created: [{ name: 'gp3', isDefault: true, provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', encrypted: 'true' } }],
    block: 'gp3',
  },
  azure: {
    builtIn: [
      { name: 'default', isDefault: true, provisioner: 'disk.csi.azure.com', parameters: { skuName: 'StandardSSD_LRS' } },
      { name: 'managed-csi-premium', isDefault: false, provisioner: 'disk.csi.azure.com', parameters: { skuName: 'Premium_LRS' } },
      { name: 'azurefile-csi', isDefault: false, provisioner: 'file.csi.azure.com', parameters: { skuName: 'Standard_LRS' } },
      { name: 'azurefile-csi-premium', isDefault: false, provisioner: 'file.csi.azure.com', parameters: { skuName: 'Premium_LRS' } },
    ],
    created: [],
    block: 'managed-csi-premium',
  },
};

/** The class the platform names for its ReadWriteOnce block volumes on a cloud. */
export function blockStorageClass(cloud: Cloud): string {
  return CLUSTER_STORAGE[cloud].block;
}

/**
 * Provisioners whose volumes live in one zone (a disk attaches only to a node of its zone), unless a
 * parameter says the volume is zone-redundant: Azure Disk's `*_ZRS` SKUs.
 */
export function isZonalStorage({ provisioner, parameters }: StorageClassParameters): boolean {
  if (provisioner === 'ebs.csi.aws.com' || provisioner === 'kubernetes.io/aws-ebs') return true;
  if (provisioner === 'disk.csi.azure.com' || provisioner === 'kubernetes.io/azure-disk') return !/_ZRS$/.test(parameters.skuName ?? '');
  return false;
}

/**
 * The namespace of the ingress gateway: the only one that may call the RAG API and the model servers.
 * Default of `cluster.gatewayNamespace` where the platform installs none; where models are served the
 * gateway is Istio's, which the platform installs in ISTIO_NAMESPACE.
 */
export const DEFAULT_GATEWAY_NAMESPACE = 'ingress';

/** Where Istio runs, its ingress gateway included: the namespace Knative's networking layer and Seldon's default gateway expect. */
export const ISTIO_NAMESPACE = 'istio-system';

/**
 * The ingress gateway: its release name makes the chart label its pods `istio: ingressgateway`, which
 * Knative's gateways select, and names its Service `istio-ingressgateway`, which Knative, KServe and
 * Istio's own Ingress controller address by default.
 */
export const INGRESS_GATEWAY = {
  release: 'istio-ingressgateway',
  service: `istio-ingressgateway.${ISTIO_NAMESPACE}.svc.cluster.local`,
  selector: { istio: 'ingressgateway' },
  /** The IngressClass of Istio's Ingress controller, which KServe's Standard-mode Ingresses name. */
  ingressClass: 'istio',
} as const;
