/**
 * Network flows: what a workload's pods must reach, as data next to its model
 * (src/model/workloads/<name>/flows.ts). `npm run validate` evaluates every declared flow against the
 * environment's NetworkPolicies and the cloud's addressing (src/validate/flows/), so a policy that
 * blocks a needed flow, or opens what no flow needs, is found before a pod runs.
 */
import { forCloud } from './cloud';
import type { AwsIdentityMechanism, PLATFORM_STACK } from './naming';
import type { Cloud, Environment, WorkloadName } from './types';

/** Pods by namespace and the labels they carry (a subset is enough: a policy selects on labels). */
export interface PodRef {
  /** For reports: `spark driver`, `milvus`. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Pods the platform neither deploys nor renders (the cloud's CoreDNS add-on, Argo CD installed before it): why they
   * exist anyway. network-flow-endpoints does not look for them in the cluster view.
   */
  readonly outsideOutput?: string;
}

export interface FlowPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** The container port's name, when the server declares one (named ports in a policy match on it). */
  readonly name?: string;
}

/** Cloud endpoints a pod's SDK calls. Which address each resolves to is the cloud's (src/validate/flows/addressing.ts). */
export type AwsService =
  | 'sts'
  | 'eks-pod-identity-agent'
  | 'imds'
  | 's3'
  | 'sqs'
  | 'dynamodb'
  | 'glue'
  | 'bedrock-runtime'
  | 'secretsmanager'
  /** Amazon Managed Service for Prometheus (remote write). */
  | 'aps-workspaces';
export type AzureService =
  | 'entra-id'
  | 'imds'
  | 'blob'
  | 'dfs'
  | 'queue'
  | 'table'
  | 'key-vault'
  | 'openai'
  /** Azure Monitor's ingestion (a data collection endpoint: managed Prometheus remote write). */
  | 'monitor-ingestion'
  /** An Azure Monitor workspace's Prometheus query endpoint. */
  | 'monitor-query';
export type CloudService<C extends Cloud = Cloud> = { aws: AwsService; azure: AzureService }[C];

export type FlowTarget =
  /** The cluster DNS (kube-dns in kube-system, UDP and TCP 53). */
  | { readonly kind: 'dns' }
  /** The Kubernetes API server, as the `kubernetes` Service in `default` (443). */
  | { readonly kind: 'api-server' }
  /** The API server at the addresses the `kubernetes` Endpoints list, which a scrape dials directly (443). */
  | { readonly kind: 'api-server-endpoints' }
  /** A service outside both the cluster and the cloud account, over HTTPS at public addresses. */
  | { readonly kind: 'public'; readonly host: string }
  /** Every node's own address, on these ports: the kubelet and host-network exporters. */
  | { readonly kind: 'nodes'; readonly ports: readonly FlowPort[] }
  /** A cloud endpoint; `workload` (or the platform stack) owns it where that decides the address (an Azure storage account's private endpoint). */
  | { readonly kind: 'cloud'; readonly service: CloudService; readonly workload: WorkloadName | typeof PLATFORM_STACK }
  /** The workload's managed PostgreSQL (RDS in the private subnets / Flexible Server in the database subnet). */
  | { readonly kind: 'postgres' }
  /** Other pods, on these ports: checked at the source's egress and at the destination's ingress. */
  | { readonly kind: 'pods'; readonly pods: PodRef; readonly ports: readonly FlowPort[] };

export interface Flow {
  readonly from: PodRef;
  readonly to: FlowTarget;
  /** Why the pods need it, one line: it is what a report of a blocked flow says. */
  readonly why: string;
}

/** The name of an HTTP container's port unless it names another (charts/lib/pod.ts container): what scrapes of it select. */
export const HTTP_PORT_NAME = 'http';

export const tcpPorts = (...ports: number[]): FlowPort[] => ports.map((port) => ({ port, protocol: 'TCP' as const }));

/** How each cloud's SDKs get a pod's credentials: the endpoints its identity calls before any service. */
const IDENTITY_SERVICES: { readonly aws: (mechanism: AwsIdentityMechanism) => readonly AwsService[]; readonly azure: () => readonly AzureService[] } = {
  // IRSA: AssumeRoleWithWebIdentity at the regional STS endpoint; Pod Identity: the node-local agent (which calls eks-auth itself).
  aws: (mechanism) => (mechanism === 'irsa' ? ['sts'] : ['eks-pod-identity-agent']),
  // Workload identity: the projected token is exchanged at login.microsoftonline.com.
  azure: () => ['entra-id'],
};

/** DNS, the identity's endpoints and `services` (per cloud) for `pods` of `workload`. */
export function cloudFlows(
  env: Environment,
  workload: WorkloadName | typeof PLATFORM_STACK,
  pods: PodRef,
  aws: { identity: AwsIdentityMechanism; services: readonly AwsService[] },
  azure: { services: readonly AzureService[] },
): Flow[] {
  const services = forCloud<Environment, readonly CloudService[]>(env, {
    aws: () => [...IDENTITY_SERVICES.aws(aws.identity), ...aws.services],
    azure: () => [...IDENTITY_SERVICES.azure(), ...azure.services],
  });
  return [
    { from: pods, to: { kind: 'dns' }, why: 'resolves every name it calls' },
    ...services.map((service): Flow => ({ from: pods, to: { kind: 'cloud', service, workload }, why: `calls ${service} with its identity` })),
  ];
}

/** One pod group to another on the destination's ports (declare the way back as its own flow). */
export function podFlow(from: PodRef, to: PodRef, ports: readonly FlowPort[], why: string): Flow {
  return { from, to: { kind: 'pods', pods: to, ports }, why };
}
