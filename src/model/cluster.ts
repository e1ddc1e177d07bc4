/**
 * What the platform provides every workload in the cluster, whichever workload needed it first:
 * Pod Security levels, the block-storage class and the ingress gateway's namespace. Workloads declare
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

/** A StorageClass the platform creates: its provisioner and the provisioner's parameters. */
export interface CreatedStorageClass {
  readonly provisioner: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * The cluster's class for ReadWriteOnce block volumes on each cloud; `create` where the cluster has
 * none of that name (EBS CSI's gp3, encrypted, which the platform creates); AKS ships managed-csi-premium.
 */
export const BLOCK_STORAGE_CLASS: { readonly [C in Cloud]: { readonly name: string; readonly create?: CreatedStorageClass } } = {
  aws: { name: 'gp3', create: { provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', encrypted: 'true' } } },
  azure: { name: 'managed-csi-premium' },
};

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
