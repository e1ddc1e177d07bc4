import * as path from 'path';
import { flowEgress, nodesEgress } from '../../charts/lib/network';
import { awsSubnetLayout } from '../../src/model/cidr';
import { resolvePlatform } from '../../src/model/defaults';
import type { Flow } from '../../src/model/flows';
import { MONITORING_NAMESPACE } from '../../src/model/observability';
import { OPENCOST_PODS } from '../../src/model/opencost';
import { COREDNS_PODS, monitoringFlows, MONITORING_PODS, NODE_PORTS, PROMETHEUS_PODS, scrapeFlows } from '../../src/model/scrapes';
import { blockedFlows, unusedRules } from '../../src/validate/flows';
import { namespaceLabels, policiesOf, verdict } from '../../src/validate/flows/evaluate';
import { cidrSet, PUBLIC } from '../../src/validate/flows/ranges';
import { readOutput, type EnvironmentOutput } from '../../src/validate/output';
import { REPO } from '../synth/helpers';
import { chartKit, specWith } from './helpers';
import { ObservabilityChart } from '../../charts/observability/observability';

const dist = readOutput(path.join(REPO, 'dist'));
const { all } = chartKit(ObservabilityChart);
const envNamed = (name: string) => resolvePlatform(specWith(name, () => {})).environments.find((e) => e.name === name)!;
const outNamed = (name: string) => dist.environments.find((e) => e.name === name)!;
const names = all.map(([n]) => n);
const https = { port: 443, protocol: 'TCP' as const };
const tcp = (port: number) => ({ port, protocol: 'TCP' as const });
const { prometheus, alertmanager, grafana, kubeStateMetrics, operator } = MONITORING_PODS;

/** The output with one NetworkPolicy's spec edited. */
const withPolicy = (out: EnvironmentOutput, name: string, edit: (spec: any) => any): EnvironmentOutput => ({
  ...out,
  manifests: out.manifests.map((m) =>
    m.obj.kind === 'NetworkPolicy' && m.obj.metadata.name === name ? { ...m, obj: { ...m.obj, spec: edit(m.obj.spec) } } : m,
  ),
});
const fromPods = (pods: { namespace: string; name: string }) => (v: { resource: string }) => v.resource.startsWith(`flow ${pods.namespace}/${pods.name} -> `);

describe('monitoring’s egress', () => {
  test.each(names)('%s: every pod of monitoring is isolated for egress, and no declared flow of the stack is blocked or rule unused', (name) => {
    const out = outNamed(name);
    const env = envNamed(name);
    const policies = policiesOf(out.manifests);
    const nsLabels = namespaceLabels(out.manifests);
    // Before: no egress policy in monitoring, so every pod there could reach any address.
    for (const pods of [prometheus, alertmanager, grafana, kubeStateMetrics, operator])
      expect({ pods: pods.name, public: verdict(policies, nsLabels, pods, 'Egress', cidrSet('8.8.8.8/32'), tcp(80)).allowed }).toEqual({
        pods: pods.name,
        public: false,
      });
    const monitoringPolicies = out.manifests.filter((m) => m.obj.kind === 'NetworkPolicy' && m.obj.metadata.namespace === MONITORING_NAMESPACE);
    expect(monitoringPolicies.map((m) => m.obj.metadata.name)).toEqual(expect.arrayContaining(['monitoring-default-deny-egress', 'monitoring-allow-dns']));
    expect(blockedFlows(env, out)).toEqual([]);
    expect(unusedRules(env, out).filter((v) => v.file.includes('/observability/'))).toEqual([]);
    // Every scrape is among the flows the egress admits.
    expect(scrapeFlows(env).length).toBeGreaterThan(10);
  });

  test.each(names)('%s: Alertmanager sends nowhere (the null receiver) and nothing in monitoring reaches a private address no flow names', (name) => {
    const out = outNamed(name);
    const policies = policiesOf(out.manifests);
    const nsLabels = namespaceLabels(out.manifests);
    expect(verdict(policies, nsLabels, alertmanager, 'Egress', PUBLIC, https).allowed).toBe(false);
    expect(verdict(policies, nsLabels, alertmanager, 'Egress', PROMETHEUS_PODS, tcp(9090)).allowed).toBe(false);
    // A workload's database port, an arbitrary pod: not from Prometheus, not from Grafana.
    const ragApi = { name: 'rag-api', namespace: 'rag', labels: { 'app.kubernetes.io/name': 'rag-api' } };
    expect(verdict(policies, nsLabels, prometheus, 'Egress', cidrSet('10.255.0.10/32'), tcp(5432)).allowed).toBe(false);
    expect(verdict(policies, nsLabels, grafana, 'Egress', ragApi, tcp(8080)).allowed).toBe(false);
    // kube-state-metrics reaches public addresses only where the API server is one (a public AKS API server).
    const publicApi = out.name.startsWith('azure') && !envNamed(name).cluster.privateApi;
    expect(verdict(policies, nsLabels, kubeStateMetrics, 'Egress', PUBLIC, https).allowed).toBe(publicApi);
    // Grafana reaches grafana.com (its preinstalled plugins) over public HTTPS only.
    expect(verdict(policies, nsLabels, grafana, 'Egress', PUBLIC, https).allowed).toBe(true);
    expect(verdict(policies, nsLabels, grafana, 'Egress', PUBLIC, tcp(80)).allowed).toBe(false);
  });

  test.each(names)('%s: Prometheus’s scrapes of the kubelets and node exporters are blocked without the nodes rule', (name) => {
    const out = outNamed(name);
    const env = envNamed(name);
    const isNodesRule = (r: any) => r.ports?.some((p: any) => p.port === NODE_PORTS.kubelet) && (!r.to || r.to.every((p: any) => p.ipBlock));
    const without = withPolicy(out, 'monitoring-prometheus-egress', (spec) => ({ ...spec, egress: spec.egress.filter((r: any) => !isNodesRule(r)) }));
    const blocked = blockedFlows(env, without).filter(fromPods(prometheus));
    expect(blocked.map((v) => v.resource)).toEqual([
      `flow monitoring/prometheus -> nodes TCP/${NODE_PORTS.kubelet}`,
      `flow monitoring/prometheus -> nodes TCP/${NODE_PORTS.nodeExporter}`,
    ]);
  });

  test('AKS: an ipBlock of the node subnets does not admit the node scrapes (Cilium selects nodes by identity); a rule of ports alone does', () => {
    const name = 'azure-prod';
    const out = outNamed(name);
    const env = envNamed(name);
    const portsOnly = nodesEgress({ env } as any, [tcp(NODE_PORTS.kubelet)]);
    expect(portsOnly.to).toBeUndefined();
    const vnet = env.network.cidr;
    const byIpBlock = withPolicy(out, 'monitoring-prometheus-egress', (spec) => ({
      ...spec,
      egress: spec.egress.map((r: any) =>
        r.to === undefined && r.ports?.some((p: any) => p.port === NODE_PORTS.kubelet) ? { ...r, to: [{ ipBlock: { cidr: vnet } }] } : r,
      ),
    }));
    expect(blockedFlows(env, byIpBlock).filter((v) => v.resource.startsWith('flow monitoring/prometheus -> nodes')).length).toBe(2);
    // On EKS the same scrapes are the private subnets' addresses, where every pool's nodes are.
    const aws = envNamed('aws-prod');
    expect(nodesEgress({ env: aws } as any, [tcp(NODE_PORTS.kubelet)]).to).toEqual(
      awsSubnetLayout(aws.network.cidr, aws.network.zones).private.map((cidr) => ({ ipBlock: { cidr } })),
    );
  });

  test('aws-prod: remote write reaches the aps-workspaces interface endpoint and the Pod Identity agent; blocked without them', () => {
    const out = outNamed('aws-prod');
    const env = envNamed('aws-prod');
    const clouds = monitoringFlows(env).filter((f) => f.from === prometheus && f.to.kind === 'cloud');
    expect(clouds.map((f) => (f.to as any).service)).toEqual(['eks-pod-identity-agent', 'aps-workspaces']);
    const isVpc = (r: any) => r.to?.some((p: any) => p.ipBlock?.cidr === env.network.cidr);
    const without = withPolicy(out, 'monitoring-prometheus-egress', (spec) => ({ ...spec, egress: spec.egress.filter((r: any) => !isVpc(r)) }));
    const blocked = blockedFlows(env, without).map((v) => v.resource);
    expect(blocked).toEqual(['flow monitoring/prometheus -> api-server-endpoints TCP/443', 'flow monitoring/prometheus -> aps-workspaces TCP/443']);
    // Without the managed store (dev), no remote-write flow and no such rule.
    const dev = envNamed('aws-dev');
    expect(monitoringFlows(dev).filter((f) => f.from === prometheus && f.to.kind === 'cloud')).toEqual([]);
  });

  test('prod: Grafana’s managed-store data source reaches the store with its own identity; dev declares no such flow', () => {
    const services = (name: string) =>
      monitoringFlows(envNamed(name))
        .filter((f) => f.from === grafana && f.to.kind === 'cloud')
        .map((f) => (f.to as any).service);
    expect(services('aws-prod')).toEqual(['eks-pod-identity-agent', 'aps-workspaces']);
    expect(services('azure-prod')).toEqual(['entra-id', 'monitor-query']);
    expect([services('aws-dev'), services('azure-dev')]).toEqual([[], []]);
    const out = outNamed('aws-prod');
    const env = envNamed('aws-prod');
    const isVpc = (r: any) => r.to?.some((p: any) => p.ipBlock?.cidr === env.network.cidr);
    const without = withPolicy(out, 'monitoring-grafana-egress', (spec) => ({ ...spec, egress: spec.egress.filter((r: any) => !isVpc(r)) }));
    expect(blockedFlows(env, without).map((v) => v.resource)).toEqual(['flow monitoring/grafana -> aps-workspaces TCP/443']);
  });

  test('azure-prod: remote write goes to Azure Monitor’s public ingestion endpoint with an Entra ID token', () => {
    const env = envNamed('azure-prod');
    const clouds = monitoringFlows(env).filter((f) => f.from === prometheus && f.to.kind === 'cloud');
    expect(clouds.map((f) => (f.to as any).service)).toEqual(['entra-id', 'monitor-ingestion']);
    const out = outNamed('azure-prod');
    const isPublic = (r: any) => r.to?.some((p: any) => p.ipBlock?.cidr === '0.0.0.0/0');
    const without = withPolicy(out, 'monitoring-prometheus-egress', (spec) => ({ ...spec, egress: spec.egress.filter((r: any) => !isPublic(r)) }));
    expect(blockedFlows(env, without).map((v) => v.resource)).toEqual([
      'flow monitoring/prometheus -> entra-id TCP/443',
      'flow monitoring/prometheus -> monitor-ingestion TCP/443',
    ]);
  });

  test('Argo CD’s controller and CoreDNS, which the platform does not render, are declared flows the egress admits; their pods are not looked for', () => {
    const env = envNamed('aws-prod');
    const toArgo = scrapeFlows(env).find((f) => f.to.kind === 'pods' && f.to.pods.namespace === 'argocd');
    expect(toArgo && toArgo.to.kind === 'pods' && toArgo.to.pods.outsideOutput).toBeTruthy();
    const toCoreDns = monitoringFlows(env).find((f) => f.to.kind === 'pods' && f.to.pods === COREDNS_PODS);
    expect(toCoreDns).toBeDefined();
    const out = outNamed('aws-prod');
    const policies = policiesOf(out.manifests);
    const nsLabels = namespaceLabels(out.manifests);
    expect(verdict(policies, nsLabels, prometheus, 'Egress', COREDNS_PODS, tcp(9153)).allowed).toBe(true);
    expect(verdict(policies, nsLabels, prometheus, 'Egress', COREDNS_PODS, tcp(53)).allowed).toBe(true); // DNS itself, the namespace's rule
    expect(verdict(policies, nsLabels, prometheus, 'Egress', COREDNS_PODS, tcp(8080)).allowed).toBe(false);
  });

  test('flowEgress: one rule per destination with all its ports, the API server where the cloud puts it, DNS left to the namespace', () => {
    const env = envNamed('aws-dev');
    const ctx = { env } as any;
    const target = { name: 't', namespace: 'x', labels: { a: 'b' } };
    const flows: Flow[] = [
      { from: prometheus, to: { kind: 'dns' }, why: '' },
      { from: prometheus, to: { kind: 'pods', pods: target, ports: [tcp(1)] }, why: '' },
      { from: prometheus, to: { kind: 'pods', pods: target, ports: [tcp(2), tcp(1)] }, why: '' },
      { from: prometheus, to: { kind: 'api-server' }, why: '' },
    ];
    const rules = flowEgress(ctx, MONITORING_NAMESPACE, flows).map((r) => ({
      ...r,
      ports: r.ports?.map((p) => ({ protocol: p.protocol, port: p.port?.value })),
    }));
    expect(rules).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'x' } }, podSelector: { matchLabels: { a: 'b' } } }],
        ports: [
          { protocol: 'TCP', port: 1 },
          { protocol: 'TCP', port: 2 },
        ],
      },
      { to: [{ ipBlock: { cidr: expect.stringMatching(/\/32$/) } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    // OpenCost, where it runs, reaches its price list at public addresses and nothing else outside the cluster.
    expect(monitoringFlows(envNamed('aws-prod')).filter((f) => f.from === OPENCOST_PODS && f.to.kind === 'public')).toEqual([
      expect.objectContaining({ to: { kind: 'public', host: 'pricing.us-east-1.amazonaws.com' } }),
    ]);
  });
});
