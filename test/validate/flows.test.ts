/**
 * The network-flow rules (src/validate/flows): NetworkPolicy semantics, the cloud's addressing, and the two
 * defects of issue 14 as fixtures (the committed policies before and after the fix): Milvus → STS and the
 * Spark driver → API server on EKS.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { resolvePlatform } from '../../src/model/defaults';
import type { PodRef } from '../../src/model/flows';
import type { Environment } from '../../src/model/types';
import { defaultPlatform } from '../../src/platform';
import { resolveTarget } from '../../src/validate/flows/addressing';
import { namespaceLabels, policiesOf, verdict } from '../../src/validate/flows/evaluate';
import { blockedFlows, unusedRules } from '../../src/validate/flows';
import { cidrSet, PUBLIC, union } from '../../src/validate/flows/ranges';
import type { EnvironmentOutput, K8sObject, Manifest } from '../../src/validate/output';
import { validateOutput } from '../../src/validate/run';

const FIXTURES = path.join(__dirname, 'fixtures', 'flows');
const platform = resolvePlatform(defaultPlatform);
const envOf = (name: string): Environment => platform.environments.find((e) => e.name === name)!;

function fixture(...files: string[]): Manifest[] {
  return files.flatMap((f) =>
    parseAllDocuments(fs.readFileSync(path.join(FIXTURES, f), 'utf8')).map((d) => ({
      file: `aws-prod/kubernetes/fixture/${f}`,
      app: 'fixture',
      obj: d.toJS() as K8sObject,
    })),
  );
}

const STS_ENDPOINT = { aws_vpc_endpoint: { sts: { service_name: 'com.amazonaws.eu-west-1.sts', vpc_endpoint_type: 'Interface', private_dns_enabled: true } } };
const output = (manifests: Manifest[], resource: Record<string, any> = STS_ENDPOINT): EnvironmentOutput => ({
  name: 'aws-prod',
  terraform: [{ file: 'aws-prod/terraform/platform/cdk.tf.json', stack: 'platform', json: { resource } }],
  manifests,
  files: [],
});
/** The blocked flows whose source starts with `source` (`rag/milvus`, `lakehouse/spark`). */
const blockedFrom = (env: Environment, out: EnvironmentOutput, source: string) => blockedFlows(env, out).filter((v) => v.resource.startsWith(`flow ${source}`));

describe('fixtures: the defects of issue 14', () => {
  const rag = ['networkpolicy-rag-default-deny.yaml', 'networkpolicy-rag-allow-dns.yaml'];
  const lakehouse = ['networkpolicy-lakehouse-default-deny.yaml', 'networkpolicy-lakehouse-allow-dns.yaml', 'networkpolicy-spark-ingress.yaml'];

  test('Milvus → STS: blocked by the old Milvus egress (public 443 and the Pod Identity agent only), where STS resolves inside the VPC', () => {
    const found = blockedFrom(envOf('aws-prod'), output(fixture(...rag, 'milvus-blocks-sts.yaml')), 'rag/milvus');
    expect(found.map((f) => f.resource)).toEqual(['flow rag/milvus -> sts TCP/443']);
    expect(found[0].message).toContain('blocked at the egress of rag/milvus');
    expect(found[0].message).toContain('10.20.0.0–10.20.191.255');
  });

  test('Milvus → STS: allowed by the fixed policy (HTTPS to the VPC)', () => {
    expect(blockedFrom(envOf('aws-prod'), output(fixture(...rag, 'milvus-allows-sts.yaml')), 'rag/milvus')).toEqual([]);
  });

  test('the old Milvus policy opens the Pod Identity agent, which Milvus (IRSA) never calls: an unused-rule warning', () => {
    const unused = unusedRules(envOf('aws-prod'), output(fixture(...rag, 'milvus-blocks-sts.yaml'))).filter((v) => v.resource === 'NetworkPolicy rag/milvus');
    expect(unused.map((u) => [u.severity, u.message.split(':')[0]])).toEqual([['warning', 'spec.egress[2].to[0] (ipBlock 169.254.170.23/32, TCP/80)']]);
  });

  test('STS at public addresses (no interface endpoint in Terraform) passes the old policy: the addressing comes from the output', () => {
    expect(blockedFrom(envOf('aws-prod'), output(fixture(...rag, 'milvus-blocks-sts.yaml'), {}), 'rag/milvus')).toEqual([]);
  });

  test('Spark driver → API server on EKS: the VPC CIDR and public ranges do not match the ClusterIP the VPC CNI sees', () => {
    const found = blockedFrom(envOf('aws-prod'), output(fixture(...lakehouse, 'spark-blocks-api-server.yaml')), 'lakehouse/spark');
    expect(found.map((f) => f.resource)).toEqual(['flow lakehouse/spark driver -> api-server TCP/443']);
    expect(found[0].message).toContain('172.20.0.1');
  });

  test('Spark driver → API server on EKS: allowed by the ClusterIP rule', () => {
    expect(blockedFrom(envOf('aws-prod'), output(fixture(...lakehouse, 'spark-allows-api-server.yaml')), 'lakehouse/spark')).toEqual([]);
  });
});

describe('NetworkPolicy semantics', () => {
  const ns = (name: string, labels: Record<string, string> = {}): Manifest => ({
    file: `f/${name}`,
    app: 'x',
    obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
  });
  const np = (namespace: string, name: string, spec: Record<string, any>): Manifest => ({
    file: `f/${namespace}-${name}.yaml`,
    app: 'x',
    obj: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec },
  });
  const pod = (namespace: string, labels: Record<string, string>): PodRef => ({ name: Object.values(labels).join('-') || 'pod', namespace, labels });
  const a = pod('a', { app: 'client' });
  const b = pod('b', { app: 'server', tier: 'db' });
  const tcp = (port: number, name?: string) => ({ port, protocol: 'TCP' as const, name });
  const judge = (manifests: Manifest[], p: PodRef, dir: 'Ingress' | 'Egress', peer: PodRef | ReturnType<typeof cidrSet>, port = tcp(443)) =>
    verdict(policiesOf(manifests), namespaceLabels(manifests), p, dir, peer, port).allowed;

  test('a pod no policy selects is not isolated; one that a policy selects for a type is, and nothing is allowed without a rule', () => {
    expect(judge([], a, 'Egress', b)).toBe(true);
    const deny = [np('a', 'deny', { podSelector: {}, policyTypes: ['Egress'] })];
    expect(judge(deny, a, 'Egress', b)).toBe(false);
    // Isolation is per direction: the same policy leaves ingress open.
    expect(judge(deny, a, 'Ingress', b)).toBe(true);
  });

  test('policyTypes absent: Ingress always, Egress only with egress rules', () => {
    expect(judge([np('a', 'p', { podSelector: {} })], a, 'Egress', b)).toBe(true);
    expect(judge([np('a', 'p', { podSelector: {} })], a, 'Ingress', b)).toBe(false);
    expect(judge([np('a', 'p', { podSelector: {}, egress: [] })], a, 'Egress', b)).toBe(false);
  });

  test('rules of every selecting policy add up; a rule without peers or ports allows every peer or port', () => {
    const ms = [
      np('a', 'deny', { podSelector: {}, policyTypes: ['Egress'] }),
      np('a', 'open', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{}] }),
    ];
    expect(judge(ms, a, 'Egress', b, tcp(9999))).toBe(true);
  });

  test('a podSelector peer alone is the policy namespace; a namespaceSelector picks namespaces by their labels, the name label included', () => {
    const sameNs = [np('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }] }] })];
    expect(judge(sameNs, a, 'Egress', b)).toBe(false);
    expect(judge(sameNs, a, 'Egress', pod('a', { app: 'server' }))).toBe(true);
    const byName = [
      np('a', 'p', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } },
                podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
              },
            ],
          },
        ],
      }),
    ];
    expect(judge(byName, a, 'Egress', b)).toBe(true);
    expect(judge(byName, a, 'Egress', pod('b', { app: 'server' }))).toBe(false);
    const byLabel = [
      ns('b', { team: 'data' }),
      np('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'data' } } }] }] }),
    ];
    expect(judge(byLabel, a, 'Egress', b)).toBe(true);
    expect(judge(byLabel, a, 'Egress', pod('c', { app: 'server' }))).toBe(false);
  });

  test('NotIn, Exists and DoesNotExist selectors', () => {
    const sel = (matchExpressions: any[]) => [np('b', 'p', { podSelector: { matchExpressions }, policyTypes: ['Ingress'] })];
    expect(judge(sel([{ key: 'app', operator: 'NotIn', values: ['server'] }]), b, 'Ingress', a)).toBe(true); // not selected: open
    expect(judge(sel([{ key: 'tier', operator: 'Exists' }]), b, 'Ingress', a)).toBe(false);
    expect(judge(sel([{ key: 'tier', operator: 'DoesNotExist' }]), b, 'Ingress', a)).toBe(true);
  });

  test('ipBlock with except: every address the destination may have must be allowed; ipBlock never matches pods', () => {
    const ms = [
      np('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.128.0/17'] } }] }] }),
    ];
    expect(judge(ms, a, 'Egress', cidrSet('10.0.1.0/24'))).toBe(true);
    expect(judge(ms, a, 'Egress', cidrSet('10.0.0.0/16'))).toBe(false);
    expect(judge(ms, a, 'Egress', cidrSet('10.0.200.1/32'))).toBe(false);
    expect(judge(ms, a, 'Egress', pod('a', { app: 'server' }))).toBe(false);
    // Two rules together may cover a range neither covers alone.
    const split = [
      np('a', 'p', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/17' } }] }, { to: [{ ipBlock: { cidr: '10.0.128.0/17' } }] }],
      }),
    ];
    expect(judge(split, a, 'Egress', cidrSet('10.0.0.0/16'))).toBe(true);
  });

  test('ports: protocol (default TCP), endPort ranges, named ports matched by name', () => {
    const ms = (ports: any[]) => [np('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports }] })];
    expect(judge(ms([{ port: 53, protocol: 'UDP' }]), a, 'Egress', b, tcp(53))).toBe(false);
    expect(judge(ms([{ port: 53 }]), a, 'Egress', b, tcp(53))).toBe(true);
    expect(judge(ms([{ port: 7000, endPort: 7100 }]), a, 'Egress', b, tcp(7078))).toBe(true);
    expect(judge(ms([{ port: 7000, endPort: 7050 }]), a, 'Egress', b, tcp(7078))).toBe(false);
    expect(judge(ms([{ port: 'grpc' }]), a, 'Egress', b, tcp(9000, 'grpc'))).toBe(true);
    expect(judge(ms([{ port: 'grpc' }]), a, 'Egress', b, tcp(9000))).toBe(false);
  });

  test('both ends: a flow the source may send is still blocked by the destination ingress', () => {
    const env = envOf('aws-prod');
    // Spark executors → driver, with the egress open but no ingress rule at the driver.
    const manifests = [
      np('lakehouse', 'egress-open', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }),
      np('lakehouse', 'deny-in', { podSelector: {}, policyTypes: ['Ingress'] }),
    ];
    const found = blockedFlows(env, output(manifests)).filter((f) => f.resource.startsWith('flow lakehouse/spark executor -> lakehouse/spark driver'));
    expect(found.map((f) => f.resource)).toEqual([
      'flow lakehouse/spark executor -> lakehouse/spark driver TCP/7078',
      'flow lakehouse/spark executor -> lakehouse/spark driver TCP/7079',
    ]);
    expect(found[0].message).toContain('blocked at the ingress of lakehouse/spark driver: no rule of deny-in');
  });
});

describe("the cloud's addressing", () => {
  const out = (resource: Record<string, any> = {}, stack = 'platform'): EnvironmentOutput => ({
    name: 'x',
    terraform: [{ file: 'x', stack, json: { resource } }],
    manifests: [],
    files: [],
  });
  const addresses = (env: Environment, o: EnvironmentOutput, target: Parameters<typeof resolveTarget>[2]) => {
    const d = resolveTarget(env, o, target);
    if (typeof d === 'string' || d.kind !== 'addresses') throw new Error(String(d));
    return d;
  };

  test('EKS: the API server is the kubernetes ClusterIP, the first address of the service CIDR', () => {
    expect(addresses(envOf('aws-prod'), out(), { kind: 'api-server' }).addresses).toEqual(cidrSet('172.20.0.1/32'));
  });

  test("AKS: a private API server's endpoint in the system subnet, a public one at public addresses", () => {
    expect(addresses(envOf('azure-prod'), out(), { kind: 'api-server' }).addresses).toEqual(cidrSet('10.40.0.0/18'));
    expect(addresses(envOf('azure-dev'), out(), { kind: 'api-server' }).addresses).toEqual(PUBLIC);
  });

  test('AWS: interface endpoints in the private subnets; S3 behind its gateway endpoint at public addresses', () => {
    const tf = out({
      aws_vpc_endpoint: {
        glue: { service_name: 'com.amazonaws.eu-west-1.glue', vpc_endpoint_type: 'Interface', private_dns_enabled: true },
        s3: { service_name: 'com.amazonaws.eu-west-1.s3', vpc_endpoint_type: 'Gateway' },
      },
    });
    expect(addresses(envOf('aws-prod'), tf, { kind: 'cloud', service: 'glue', workload: 'lakehouse' }).addresses).toEqual(
      union(cidrSet('10.20.0.0/17'), cidrSet('10.20.128.0/18')),
    );
    expect(addresses(envOf('aws-prod'), tf, { kind: 'cloud', service: 's3', workload: 'lakehouse' }).addresses).toEqual(PUBLIC);
    const agent = addresses(envOf('aws-prod'), tf, { kind: 'cloud', service: 'eks-pod-identity-agent', workload: 'edw' });
    expect([agent.addresses, agent.ports]).toEqual([cidrSet('169.254.170.23/32'), [{ port: 80, protocol: 'TCP' }]]);
  });

  test("Azure: a service is in the endpoints subnet only where the workload's stack has its private endpoint", () => {
    const pe = { azurerm_private_endpoint: { q: { private_service_connection: { subresource_names: ['queue'] } } } };
    expect(addresses(envOf('azure-prod'), out(pe, 'edw'), { kind: 'cloud', service: 'queue', workload: 'edw' }).addresses).toEqual(cidrSet('10.40.128.0/18'));
    expect(addresses(envOf('azure-prod'), out(pe, 'rag'), { kind: 'cloud', service: 'queue', workload: 'edw' }).addresses).toEqual(PUBLIC);
    expect(addresses(envOf('azure-prod'), out(pe, 'edw'), { kind: 'cloud', service: 'entra-id', workload: 'edw' }).addresses).toEqual(PUBLIC);
  });

  test('a service of the other cloud cannot be placed, and says so', () => {
    expect(resolveTarget(envOf('azure-prod'), out(), { kind: 'cloud', service: 'sts', workload: 'rag' })).toBe('sts is not an Azure service');
  });
});

describe('the committed dist/', () => {
  const DIST = path.join(__dirname, '..', '..', 'dist');

  test('every declared flow passes in every environment, and every allow rule is used by one', () => {
    expect(validateOutput(DIST, platform).findings.filter((f) => f.rule.startsWith('network-'))).toEqual([]);
  });

  test('an unused allow rule is a warning, waivable for its NetworkPolicy', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flows-'));
    try {
      fs.cpSync(path.join(DIST, 'aws-prod'), path.join(dir, 'aws-prod'), { recursive: true });
      const extra = { ...fixture('milvus-blocks-sts.yaml')[0].obj };
      fs.writeFileSync(
        path.join(dir, 'aws-prod/kubernetes/rag/networkpolicy-extra.yaml'),
        stringify({ ...extra, metadata: { ...extra.metadata, name: 'extra' } }),
      );
      const found = validateOutput(dir, platform).findings.filter((f) => f.rule === 'network-policy-unused-allow');
      expect(found.map((f) => [f.severity, f.resource, f.message.split(':')[0]])).toEqual([
        ['warning', 'NetworkPolicy rag/extra', 'spec.egress[2].to[0] (ipBlock 169.254.170.23/32, TCP/80)'],
      ]);
      const waived = {
        ...platform,
        environments: platform.environments.map((e) =>
          e.name === 'aws-prod'
            ? { ...e, waivers: [{ rule: 'network-policy-unused-allow', resource: 'NetworkPolicy rag/extra', reason: 'kept for a test' }] }
            : e,
        ),
      };
      const after = validateOutput(dir, waived);
      expect(after.findings.filter((f) => f.rule.startsWith('network-'))).toEqual([]);
      expect(after.waived.map((w) => w.reason)).toEqual(['kept for a test']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
