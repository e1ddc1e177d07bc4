/**
 * NetworkPolicy pieces shared by the workload charts. The platform chart's default deny and DNS
 * policies already cover every workload namespace; a chart opens only what its pods need.
 */
import {
  IntOrString,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
} from 'cdk8s-plus-28/lib/imports/k8s';
import type { AwsService, AzureService, Flow, FlowPort, PodRef } from '../../src/model/flows';
import { PROMETHEUS_PODS } from '../../src/model/scrapes';
import { awsSubnetLayout, azureSubnetLayout, hostAddress } from '../../src/model/cidr';
import { forCloud } from '../../src/model/cloud';
import type { EnvironmentContext } from '../../src/model/context';
import type { AwsIdentityMechanism } from '../../src/model/naming';
import type { Environment } from '../../src/model/types';

export const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;
/** The EKS Pod Identity agent's link-local address (IPv4); it serves credentials over plain HTTP. */
export const EKS_POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

export const tcp = (port: number): NetworkPolicyPort[] => [{ protocol: 'TCP', port: IntOrString.fromNumber(port) }];
export const udp = (port: number): NetworkPolicyPort[] => [{ protocol: 'UDP', port: IntOrString.fromNumber(port) }];

/** HTTPS to one address range. */
export function httpsTo(cidr: string): NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr } }], ports: tcp(443) };
}

/** HTTPS to public addresses only (everything but the private ranges). */
export const PUBLIC_HTTPS: NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...RFC1918] } }], ports: tcp(443) };

/** The node-local EKS Pod Identity agent, where the AWS SDKs fetch the pod's role credentials. */
export const POD_IDENTITY_AGENT_EGRESS: NetworkPolicyEgressRule = {
  to: [{ ipBlock: { cidr: EKS_POD_IDENTITY_AGENT.cidr } }],
  ports: tcp(EKS_POD_IDENTITY_AGENT.port),
};

/** Pods of another namespace, by the name label Kubernetes sets on every namespace. */
export function namespacePeer(namespace: string): NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } };
}

/** A declared flow's pods as a policy peer: by their labels, and their namespace unless it is the policy's own. */
export function podsPeer(pods: PodRef, policyNamespace?: string): NetworkPolicyPeer {
  const podSelector = { matchLabels: { ...pods.labels } };
  return pods.namespace === policyNamespace ? { podSelector } : { ...namespacePeer(pods.namespace), podSelector };
}

/**
 * What a pod reaches on its cloud besides public HTTPS, which stays open on both (AWS: S3's public
 * addresses behind the VPC's gateway endpoint, SQS, DynamoDB; Azure: Entra ID's token exchange at
 * login.microsoftonline.com, and dev storage accounts' public endpoints).
 */
export interface CloudEgressNeeds {
  readonly aws: {
    /** HTTPS to the VPC CIDR: interface endpoints (STS for IRSA, Bedrock runtime) that private DNS resolves to ENIs. */
    readonly interfaceEndpoints: boolean;
    /** The node-local EKS Pod Identity agent (pods on Pod Identity). */
    readonly podIdentityAgent: boolean;
  };
  readonly azure: {
    /** Where HTTPS to the endpoints subnet is open: `prod`, whose storage accounts are reachable only through private endpoints, or every stage (a service behind a private endpoint everywhere, e.g. Azure OpenAI). */
    readonly privateEndpoints: 'prod' | 'always';
  };
}

/** The egress rules of the environment's cloud for what its pods need. */
export function cloudEgress(ctx: EnvironmentContext, needs: CloudEgressNeeds): NetworkPolicyEgressRule[] {
  return forCloud<Environment, NetworkPolicyEgressRule[]>(ctx.env, {
    aws: (env) => [
      ...(needs.aws.interfaceEndpoints ? [httpsTo(env.network.cidr)] : []),
      PUBLIC_HTTPS,
      ...(needs.aws.podIdentityAgent ? [POD_IDENTITY_AGENT_EGRESS] : []),
    ],
    azure: (env) => [
      ...(needs.azure.privateEndpoints === 'always' || env.stage === 'prod' ? [httpsTo(azureSubnetLayout(env.network.cidr).endpoints)] : []),
      PUBLIC_HTTPS,
    ],
  });
}

/**
 * The cloud's storage and messaging services through the pod identity: AWS at public addresses plus the
 * Pod Identity agent; Azure the endpoints subnet in prod (storage private endpoints), public 443 for Entra ID.
 */
export const STORAGE_EGRESS: CloudEgressNeeds = {
  aws: { interfaceEndpoints: false, podIdentityAgent: true },
  azure: { privateEndpoints: 'prod' },
};

/** {@link STORAGE_EGRESS} for pods on IRSA: AssumeRoleWithWebIdentity goes to the STS interface endpoint, not the Pod Identity agent. */
export const IRSA_STORAGE_EGRESS: CloudEgressNeeds = { ...STORAGE_EGRESS, aws: { interfaceEndpoints: true, podIdentityAgent: false } };

/** The storage egress of pods whose AWS identity is `mechanism`: each calls only its own credential endpoint. */
export function storageEgress(mechanism: AwsIdentityMechanism): CloudEgressNeeds {
  return mechanism === 'irsa' ? IRSA_STORAGE_EGRESS : STORAGE_EGRESS;
}

/**
 * HTTPS to the Kubernetes API server at the address the cloud's policy engine sees (src/validate/flows/addressing.ts
 * has the sources). EKS: the VPC CNI enforces before kube-proxy translates the `kubernetes` Service, so the rule
 * matches its ClusterIP, the first address of the service CIDR. AKS (Cilium translates first): a private API
 * server's private endpoint in the system node subnet; a public one is at a public address, which PUBLIC_HTTPS covers.
 */
export function apiServerEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  return forCloud<Environment, NetworkPolicyEgressRule[]>(ctx.env, {
    aws: (env) => [httpsTo(`${hostAddress(env.network.serviceCidr, 1)}/32`)],
    azure: (env) => (env.cluster.privateApi ? [httpsTo(azureSubnetLayout(env.network.cidr).system)] : []),
  });
}

/**
 * Ingress from Prometheus (src/model/scrapes.ts PROMETHEUS_PODS) to a workload's metrics ports, where observability is on:
 * the scrape flows the workload declares (its module's `scrapes`) need it past the namespace's default deny.
 */
export function scrapeIngress(ctx: EnvironmentContext, ports: readonly number[]): NetworkPolicyIngressRule[] {
  if (!ctx.env.observability.enabled || ports.length === 0) return [];
  return [{ from: [podsPeer(PROMETHEUS_PODS)], ports: ports.flatMap(tcp) }];
}

export function cloudServiceEgress(ctx: EnvironmentContext): NetworkPolicyEgressRule[] {
  return cloudEgress(ctx, STORAGE_EGRESS);
}

/**
 * HTTPS to each AWS service, as the platform's VPC reaches it (stacks/aws/endpoints.ts): an interface endpoint in the
 * VPC, a link-local agent, or public addresses (gateway endpoints change routes, not addresses).
 */
const AWS_SERVICE_EGRESS: { readonly [S in AwsService]: (env: Extract<Environment, { cloud: 'aws' }>) => NetworkPolicyEgressRule } = {
  sts: (env) => httpsTo(env.network.cidr),
  'bedrock-runtime': (env) => httpsTo(env.network.cidr),
  glue: (env) => httpsTo(env.network.cidr),
  'aps-workspaces': (env) => httpsTo(env.network.cidr),
  'eks-pod-identity-agent': () => POD_IDENTITY_AGENT_EGRESS,
  imds: () => ({ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: tcp(80) }),
  s3: () => PUBLIC_HTTPS,
  sqs: () => PUBLIC_HTTPS,
  dynamodb: () => PUBLIC_HTTPS,
  secretsmanager: () => PUBLIC_HTTPS,
};

/** Azure services behind a private endpoint in prod (storage, Key Vault, Azure OpenAI); the others are public. */
const AZURE_PRIVATE_IN_PROD: ReadonlySet<AzureService> = new Set(['blob', 'dfs', 'queue', 'table', 'key-vault', 'openai']);

/**
 * The egress rules for `flows` (all from the policy's pods): pod destinations by their labels and ports, the API server,
 * the nodes, cloud and public services where the cloud puts them. DNS is left to the namespace's own DNS policy. Rules
 * are listed once each, in the flows' order, and a pod destination's ports are gathered into one rule.
 */
export function flowEgress(ctx: EnvironmentContext, namespace: string, flows: readonly Flow[]): NetworkPolicyEgressRule[] {
  const rules = new Map<string, NetworkPolicyEgressRule>();
  // Rules to the same peers become one, with every port (a rule's ports are ORed).
  const add = (...list: NetworkPolicyEgressRule[]) => {
    for (const rule of list) {
      const key = JSON.stringify(rule.to ?? null);
      const known = rules.get(key);
      rules.set(key, known ? { ...known, ports: [...(known.ports ?? []), ...(rule.ports ?? [])].filter(distinctPort) } : rule);
    }
  };
  const { env } = ctx;
  for (const { to } of flows) {
    switch (to.kind) {
      case 'dns':
        break;
      case 'pods':
        add({ to: [podsPeer(to.pods, namespace)], ports: to.ports.flatMap((p) => tcpOrUdp(p)) });
        break;
      case 'api-server': {
        const rules = apiServerEgress(ctx);
        add(...(rules.length ? rules : [PUBLIC_HTTPS]));
        break;
      }
      case 'api-server-endpoints':
        add(
          ...forCloud<Environment, NetworkPolicyEgressRule[]>(env, {
            aws: (e) => [httpsTo(e.network.cidr)],
            azure: () => (apiServerEgress(ctx).length ? apiServerEgress(ctx) : [PUBLIC_HTTPS]),
          }),
        );
        break;
      case 'nodes':
        add(nodesEgress(ctx, to.ports));
        break;
      case 'public':
        add(PUBLIC_HTTPS);
        break;
      case 'postgres':
        throw new Error('flowEgress: the database egress is databaseEgress’s');
      case 'cloud':
        add(
          forCloud<Environment, NetworkPolicyEgressRule>(env, {
            aws: (e) => AWS_SERVICE_EGRESS[to.service as AwsService](e),
            azure: (e) =>
              AZURE_PRIVATE_IN_PROD.has(to.service as AzureService) && e.stage === 'prod' ? httpsTo(azureSubnetLayout(e.network.cidr).endpoints) : PUBLIC_HTTPS,
          }),
        );
        break;
    }
  }
  return [...rules.values()];
}

const distinctPort = (p: NetworkPolicyPort, i: number, all: NetworkPolicyPort[]) =>
  all.findIndex((q) => q.protocol === p.protocol && q.port?.value === p.port?.value) === i;
const tcpOrUdp = (p: FlowPort): NetworkPolicyPort[] => [{ protocol: p.protocol, port: IntOrString.fromNumber(p.port) }];

/**
 * The nodes' own addresses on `ports` (the kubelet, host-network exporters). EKS: the private subnets, where every pool's
 * nodes are. AKS: Cilium gives node addresses the host and remote-node identities, which no ipBlock selects, so the
 * rule names the ports alone (any destination on them).
 */
export function nodesEgress(ctx: EnvironmentContext, ports: readonly FlowPort[]): NetworkPolicyEgressRule {
  const policyPorts = ports.flatMap(tcpOrUdp);
  return forCloud<Environment, NetworkPolicyEgressRule>(ctx.env, {
    aws: (env) => ({ to: awsSubnetLayout(env.network.cidr, env.network.zones).private.map((cidr) => ({ ipBlock: { cidr } })), ports: policyPorts }),
    azure: () => ({ ports: policyPorts }),
  });
}
