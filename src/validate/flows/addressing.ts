/**
 * Where each flow target is, as the NetworkPolicy engine of the environment's cloud sees it: the address
 * range a pod's packets carry when the policy is evaluated, and the ports. Cloud differences are in the one
 * table `ADDRESSING`; which services have private endpoints is read from the environment's Terraform.
 *
 * - AWS interface endpoints with private DNS (aws_vpc_endpoint, Interface): their ENIs in the private
 *   subnets. Gateway endpoints (S3, DynamoDB) change routes, not addresses: the service's public prefix-list
 *   ranges, like any service without an endpoint.
 * - EKS API server: the VPC CNI's network policy agent enforces in eBPF on the pod's interface, before
 *   kube-proxy translates a Service address, so an egress rule must match the `kubernetes` Service's
 *   ClusterIP (the first address of cluster.serviceCidr); the endpoint ENIs behind it never reach the
 *   policy. Sources: the EKS user guide, "Restrict pod network traffic with Kubernetes network policies",
 *   considerations (docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html), and
 *   aws/aws-network-policy-agent#166 (the controller adds a Service's ClusterIP to a rule only for Services
 *   selecting the rule's pods: `kubernetes` has no selector).
 * - AKS API server (Azure CNI powered by Cilium): Cilium translates Service addresses at the socket before
 *   policy, so the rule must match the API server's own address: the private cluster's private endpoint in
 *   the default node pool's (system) subnet, or the public FQDN's public address. ipBlock cannot select
 *   node or pod addresses there (learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium, Limitations),
 *   and the API server is neither.
 * - Nodes (the kubelet, host-network exporters): EKS's in the private subnets, matched by ipBlock like any address; on
 *   AKS Cilium gives node addresses the host / remote-node identities, which an ipBlock never selects (same page,
 *   Limitations; Cilium's policy-cidr-match-mode defaults to not matching nodes), so only a rule without peers admits
 *   them. The API server's scrape dials the `kubernetes` Endpoints: on EKS the control plane's ENIs in the cluster's
 *   subnets, on AKS the same address as the API server above.
 * - EKS Pod Identity agent: 169.254.170.23:80 on the node; IMDS: 169.254.169.254:80 on both clouds.
 * - Azure services: the workload's private endpoint for that subresource (azurerm_private_endpoint in its
 *   stack) in the endpoints subnet, else the public endpoint; Entra ID is always public.
 */
import { awsSubnetLayout, azureSubnetLayout, hostAddress } from '../../model/cidr';
import { forCloud } from '../../model/cloud';
import type { AwsService, AzureService, FlowPort, FlowTarget, PodRef } from '../../model/flows';
import type { Environment } from '../../model/types';
import { resourcesOfType, type EnvironmentOutput } from '../output';
import { cidrSet, PUBLIC, union, type AddressSet } from './ranges';

/** A flow's destination once resolved: pods (evaluated at both ends) or addresses (egress only). */
export type Destination =
  | { readonly kind: 'pods'; readonly pods: PodRef; readonly ports: readonly FlowPort[] }
  | {
      readonly kind: 'addresses';
      readonly label: string;
      readonly addresses: AddressSet;
      readonly ports: readonly FlowPort[];
      readonly where: string;
      /** False where the policy engine never matches these addresses by ipBlock (AKS's Cilium: nodes), so only a rule without peers allows them. */
      readonly ipBlocks?: false;
    };

const HTTPS: FlowPort[] = [{ port: 443, protocol: 'TCP' }];
const HTTP: FlowPort[] = [{ port: 80, protocol: 'TCP' }];
const POSTGRES: FlowPort[] = [{ port: 5432, protocol: 'TCP' }];
const IMDS = cidrSet('169.254.169.254/32');
const publicHttps = (label: string, what: string): Destination => ({
  kind: 'addresses',
  label,
  addresses: PUBLIC,
  ports: HTTPS,
  where: `${what} at public addresses`,
});

/** CoreDNS's pods and container ports (named as in the EKS and AKS add-ons). */
const KUBE_DNS: Destination = {
  kind: 'pods',
  pods: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  ports: [
    { port: 53, protocol: 'UDP', name: 'dns' },
    { port: 53, protocol: 'TCP', name: 'dns-tcp' },
  ],
};

/** Azure private endpoint subresources per service (key-vault's is `vault`, an Azure OpenAI account's `account`). */
const AZURE_SUBRESOURCE: Record<Exclude<AzureService, 'entra-id' | 'imds'>, string> = {
  blob: 'blob',
  dfs: 'dfs',
  queue: 'queue',
  table: 'table',
  'key-vault': 'vault',
  openai: 'account',
  // An Azure Monitor Private Link Scope's; the platform creates none (stacks/azure/monitoring.ts), so ingestion is public.
  'monitor-ingestion': 'azuremonitor',
  // The workspace's own private endpoint; the platform creates none (stacks/azure/monitoring.ts), so queries are public.
  'monitor-query': 'prometheusMetrics',
};

interface Addressing<C extends Environment> {
  readonly service: (env: C, out: EnvironmentOutput, service: string, workload: string) => Destination | string;
  readonly apiServer: (env: C) => Destination;
  /** The addresses the `kubernetes` Endpoints list, which a scrape of the API server dials without a Service in between. */
  readonly apiServerEndpoints: (env: C) => Destination;
  readonly nodes: (env: C, ports: readonly FlowPort[]) => Destination;
  readonly postgres: (env: C) => Destination;
}

const ADDRESSING: { readonly [K in Environment['cloud']]: Addressing<Extract<Environment, { cloud: K }>> } = {
  aws: {
    service: (env, out, service) => {
      const s = service as AwsService;
      if (s === 'eks-pod-identity-agent')
        return { kind: 'addresses', label: s, addresses: cidrSet('169.254.170.23/32'), ports: HTTP, where: 'the EKS Pod Identity agent' };
      if (s === 'imds') return { kind: 'addresses', label: s, addresses: IMDS, ports: HTTP, where: 'IMDS' };
      if (!['sts', 's3', 'sqs', 'dynamodb', 'glue', 'bedrock-runtime', 'secretsmanager', 'aps-workspaces'].includes(s))
        return `${service} is not an AWS service`;
      const endpoint = resourcesOfType(out, 'aws_vpc_endpoint').find((e) => String(e.body.service_name ?? '').endsWith(`.${s}`));
      if (endpoint && endpoint.body.vpc_endpoint_type === 'Interface' && endpoint.body.private_dns_enabled === true) {
        const subnets = awsSubnetLayout(env.network.cidr, env.network.zones).private;
        return {
          kind: 'addresses',
          label: s,
          addresses: union(...subnets.map(cidrSet)),
          ports: HTTPS,
          where: `the ${s} interface endpoint in the private subnets (${subnets.join(', ')})`,
        };
      }
      return publicHttps(s, endpoint ? `${s} (gateway endpoint)` : s);
    },
    apiServer: (env) => {
      const ip = hostAddress(env.network.serviceCidr, 1);
      return {
        kind: 'addresses',
        label: 'api-server',
        addresses: cidrSet(`${ip}/32`),
        ports: HTTPS,
        where: `the kubernetes Service ClusterIP ${ip} (the VPC CNI enforces before translation)`,
      };
    },
    // The EKS control plane's cross-account ENIs, in the subnets of the cluster's vpc_config (the private ones).
    apiServerEndpoints: (env) => {
      const subnets = awsSubnetLayout(env.network.cidr, env.network.zones).private;
      return {
        kind: 'addresses',
        label: 'api-server-endpoints',
        addresses: union(...subnets.map(cidrSet)),
        ports: HTTPS,
        where: `the EKS control plane's ENIs in the private subnets (${subnets.join(', ')})`,
      };
    },
    // Every pool's nodes are in the private subnets (node groups' subnet_ids, Karpenter's subnet selector).
    nodes: (env, ports) => {
      const subnets = awsSubnetLayout(env.network.cidr, env.network.zones).private;
      return {
        kind: 'addresses',
        label: 'nodes',
        addresses: union(...subnets.map(cidrSet)),
        ports,
        where: `the nodes in the private subnets (${subnets.join(', ')})`,
      };
    },
    postgres: (env) => {
      const subnets = awsSubnetLayout(env.network.cidr, env.network.zones).private;
      return {
        kind: 'addresses',
        label: 'postgres',
        addresses: union(...subnets.map(cidrSet)),
        ports: POSTGRES,
        where: `RDS in the private subnets (${subnets.join(', ')})`,
      };
    },
  },
  azure: {
    service: (env, out, service, workload) => {
      const s = service as AzureService;
      if (s === 'entra-id') return publicHttps(s, 'Entra ID (login.microsoftonline.com)');
      if (s === 'imds') return { kind: 'addresses', label: s, addresses: IMDS, ports: HTTP, where: 'IMDS' };
      const subresource = AZURE_SUBRESOURCE[s as keyof typeof AZURE_SUBRESOURCE];
      if (!subresource) return `${service} is not an Azure service`;
      const endpoints = out.terraform
        .filter((t) => t.stack === workload)
        .flatMap((t) => Object.values(t.json.resource?.azurerm_private_endpoint ?? {}))
        .filter((pe) => [pe.private_service_connection].flat().some((c: any) => (c?.subresource_names ?? []).includes(subresource)));
      if (endpoints.length === 0) return publicHttps(s, `${s} (no private endpoint)`);
      const subnet = azureSubnetLayout(env.network.cidr).endpoints;
      return { kind: 'addresses', label: s, addresses: cidrSet(subnet), ports: HTTPS, where: `the ${s} private endpoint in the endpoints subnet ${subnet}` };
    },
    apiServer: (env) => {
      if (!env.cluster.privateApi) return publicHttps('api-server', 'the API server (public FQDN)');
      const subnet = azureSubnetLayout(env.network.cidr).system;
      return {
        kind: 'addresses',
        label: 'api-server',
        addresses: cidrSet(subnet),
        ports: HTTPS,
        where: `the API server's private endpoint in the system subnet ${subnet} (Cilium enforces after translation)`,
      };
    },
    // The Endpoints list the same address a pod's translated Service traffic reaches.
    apiServerEndpoints: (env) => ADDRESSING.azure.apiServer(env),
    // Cilium gives node addresses the host / remote-node identities, which an ipBlock never selects.
    nodes: (env, ports) => {
      const { system, user } = azureSubnetLayout(env.network.cidr);
      return {
        kind: 'addresses',
        label: 'nodes',
        addresses: union(cidrSet(system), cidrSet(user)),
        ports,
        where: `the nodes in the system and user subnets (${system}, ${user}), which Cilium's ipBlock does not select`,
        ipBlocks: false,
      };
    },
    postgres: (env) => {
      const subnet = azureSubnetLayout(env.network.cidr).database;
      return {
        kind: 'addresses',
        label: 'postgres',
        addresses: cidrSet(subnet),
        ports: POSTGRES,
        where: `PostgreSQL Flexible Server in the database subnet ${subnet}`,
      };
    },
  },
};

/** The destination of a flow target in this environment, or why it has none. */
export function resolveTarget(env: Environment, out: EnvironmentOutput, target: FlowTarget): Destination | string {
  switch (target.kind) {
    case 'dns':
      return KUBE_DNS;
    case 'pods':
      return { kind: 'pods', pods: target.pods, ports: target.ports };
    case 'api-server':
      return forCloud<Environment, Destination>(env, { aws: (e) => ADDRESSING.aws.apiServer(e), azure: (e) => ADDRESSING.azure.apiServer(e) });
    case 'api-server-endpoints':
      return forCloud<Environment, Destination>(env, {
        aws: (e) => ADDRESSING.aws.apiServerEndpoints(e),
        azure: (e) => ADDRESSING.azure.apiServerEndpoints(e),
      });
    case 'nodes':
      return forCloud<Environment, Destination>(env, {
        aws: (e) => ADDRESSING.aws.nodes(e, target.ports),
        azure: (e) => ADDRESSING.azure.nodes(e, target.ports),
      });
    case 'public':
      return publicHttps(target.host, target.host);
    case 'postgres':
      return forCloud<Environment, Destination>(env, { aws: (e) => ADDRESSING.aws.postgres(e), azure: (e) => ADDRESSING.azure.postgres(e) });
    case 'cloud':
      return forCloud<Environment, Destination | string>(env, {
        aws: (e) => ADDRESSING.aws.service(e, out, target.service, target.workload),
        azure: (e) => ADDRESSING.azure.service(e, out, target.service, target.workload),
      });
  }
}
