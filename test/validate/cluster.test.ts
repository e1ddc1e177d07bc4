/**
 * The cluster view (what will exist per environment: manifests, chart objects, operator-built pods, node pools)
 * and the admission rules on it (admission-limit-range, admission-resource-quota, admission-pod-security), each
 * with a failing and a passing fixture, and on the committed dist/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadPlatform } from '../../src/model/load';
import { defaultPlatform } from '../../src/platform';
import { buildClusterView, checkClusterView, CLUSTER_RULES, type RenderedRelease } from '../../src/validate/cluster';
import { amountOf, parseQuantity } from '../../src/validate/cluster/quantity';
import type { HelmRelease } from '../../src/validate/helm/releases';
import { readOutput, type EnvironmentOutput, type K8sObject } from '../../src/validate/output';
import { validateOutput } from '../../src/validate/run';
import { PULSAR_RESOURCES } from '../../charts/rag/milvus';
import { podFlow, tcpPorts, type Flow } from '../../src/model/flows';
import { REPO, tempDir } from '../synth/helpers';

const platform = loadPlatform(defaultPlatform);
const dist = readOutput(path.join(REPO, 'dist'));
const distEnv = (name: string) => dist.environments.find((e) => e.name === name)!;

const env = (objs: K8sObject[], name = 'fixture'): EnvironmentOutput => ({
  name,
  terraform: [],
  files: [],
  manifests: objs.map((obj, i) => ({ file: `${name}/kubernetes/app/${obj.kind.toLowerCase()}-${i}.yaml`, app: 'app', obj })),
});
const obj = (kind: string, name: string, namespace: string | undefined, rest: Record<string, unknown> = {}, apiVersion = 'v1'): K8sObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...rest,
});
/** The platform's LimitRange (charts/platform/platform.ts addGuardRails). */
const guardRails = (ns: string) =>
  obj('LimitRange', `${ns}-defaults`, ns, {
    spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { memory: '512Mi' } }] },
  });
const deployment = (name: string, ns: string, resources: Record<string, unknown> | undefined, replicas = 1) =>
  obj(
    'Deployment',
    name,
    ns,
    { spec: { replicas, template: { spec: { containers: [{ name: 'app', image: 'x@sha256:0', ...(resources ? { resources } : {}) }] } } } },
    'apps/v1',
  );
const findings = (e: EnvironmentOutput, rendered?: RenderedRelease[]) => checkClusterView(buildClusterView(e, platform, rendered));
const ofRule = (e: EnvironmentOutput, rule: string, rendered?: RenderedRelease[]) => findings(e, rendered).filter((f) => f.rule === rule);

/** The Milvus resource of aws-prod before the fix: Pulsar left at the operator's defaults (requests only). */
function milvusWithDefaultPulsar(): K8sObject {
  const milvus = structuredClone(distEnv('aws-prod').manifests.find((m) => m.obj.kind === 'Milvus')!.obj) as any;
  for (const c of ['zookeeper', 'bookkeeper', 'broker', 'proxy']) {
    delete milvus.spec.dependencies.pulsar.inCluster.values[c].resources;
    delete milvus.spec.dependencies.pulsar.inCluster.values[c].configData;
  }
  delete milvus.spec.dependencies.pulsar.inCluster.values.autorecovery;
  return milvus;
}

describe('quantities', () => {
  test('CPU in millicores, memory in bytes, as resource.Quantity reads them', () => {
    expect(amountOf('cpu', '1500m')).toBe(1500);
    expect(amountOf('cpu', 0.2)).toBe(200);
    expect(amountOf('cpu', '2')).toBe(2000);
    expect(amountOf('memory', '2048Mi')).toBe(2 * 2 ** 30);
    expect(amountOf('memory', '1G')).toBe(1e9);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('12 apples')).toBeUndefined();
  });
});

describe('the cluster view', () => {
  test('Milvus in cluster mode: its components, etcd and Pulsar with milvus-operator 1.3.8 defaults under the resource’s values', () => {
    const view = buildClusterView(env([milvusWithDefaultPulsar()]), platform);
    const pods = view.pods.filter((p) => p.createdBy === 'milvus-operator 1.3.8');
    expect(pods.map((p) => [p.at, p.minReplicas])).toEqual([
      ['milvus proxy', 2],
      ['milvus mixCoord', 1],
      ['milvus queryNode', 2],
      ['milvus dataNode', 2],
      ['milvus indexNode', 1],
      ['etcd', 3],
      ['pulsar zookeeper', 3],
      ['pulsar bookkeeper', 3],
      ['pulsar autorecovery', 1],
      ['pulsar broker', 2],
      ['pulsar proxy', 2],
    ]);
    const bookie = pods.find((p) => p.at === 'pulsar bookkeeper')!;
    expect(bookie.containers.find((c) => c.field === 'containers')!.resources).toEqual({ requests: { memory: '2048Mi', cpu: 0.5 } });
    // The resource's values win: etcd's requests are the platform's.
    expect(pods.find((p) => p.at === 'etcd')!.containers[0].resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    // The Milvus containers get the common resources; the operator's `config` init container none.
    const proxy = pods.find((p) => p.at === 'milvus proxy')!;
    expect(proxy.containers.map((c) => [c.field, c.name, c.resources?.requests])).toEqual([
      ['initContainers', 'config', undefined],
      ['containers', 'proxy', { cpu: '1', memory: '4Gi' }],
    ]);
    // External object storage: no MinIO.
    expect(pods.some((p) => p.at === 'minio')).toBe(false);
  });

  test('Spark drivers and executors: cores, coreLimit, memory plus overhead as request and limit (40 % for Python, 10 % for the JVM, at least 384 MiB)', () => {
    const view = buildClusterView(distEnv('aws-prod'), platform);
    const bronze = view.pods.filter((p) => p.resource === 'SparkApplication lakehouse/bronze-ingest');
    // A PySpark job: Spark's NON_JVM_MEMORY_OVERHEAD_FACTOR 0.4 on 2g and 4g.
    expect(bronze.map((p) => [p.at, p.minReplicas, p.containers[0].resources])).toEqual([
      ['driver', 1, { requests: { cpu: '1', memory: '2867Mi' }, limits: { cpu: '2', memory: '2867Mi' } }],
      ['executor', 2, { requests: { cpu: '2', memory: '5734Mi' }, limits: { cpu: '4', memory: '5734Mi' } }],
    ]);
    // The same job as a JVM application, and as Python with its factor set: 10 % with the 384 MiB floor; the set factor.
    const withSpec = (patch: (spec: any) => Record<string, unknown>) => {
      const output = structuredClone(distEnv('aws-prod'));
      const app = output.manifests.find((m) => m.obj.kind === 'SparkApplication' && m.obj.metadata.name === 'bronze-ingest')!.obj as any;
      Object.assign(app.spec, patch(app.spec));
      return buildClusterView(output, platform).pods.filter((p) => p.resource === 'SparkApplication lakehouse/bronze-ingest');
    };
    const memories = (pods: ReturnType<typeof withSpec>) => pods.map((p) => p.containers[0].resources?.requests?.memory);
    expect(memories(withSpec(() => ({ type: 'Scala' })))).toEqual(['2432Mi', '4505Mi']);
    expect(
      memories(
        withSpec((spec) => ({ sparkConf: { ...spec.sparkConf, 'spark.driver.memoryOverheadFactor': '0.2', 'spark.executor.memoryOverheadFactor': '0.2' } })),
      ),
    ).toEqual(['2457Mi', '4915Mi']);
    expect(view.pods.some((p) => p.resource.startsWith('ScheduledSparkApplication ') && p.at === 'driver')).toBe(true);
  });

  test('replicas at their minimum: an HPA’s minReplicas, a KEDA ScaledObject’s minReplicaCount; predictors with their injected containers’ resources', () => {
    const view = buildClusterView(distEnv('aws-prod'), platform);
    const at = (resource: string) => view.pods.find((p) => p.resource === resource)!;
    const hpa = distEnv('aws-prod').manifests.find((m) => m.obj.kind === 'HorizontalPodAutoscaler')!.obj;
    expect(at('Deployment rag/rag-api').minReplicas).toBe((hpa.spec as any).minReplicas);
    const scaled = distEnv('aws-prod').manifests.find((m) => m.obj.kind === 'ScaledObject')!.obj;
    expect(at(`Deployment edw/${(scaled.spec as any).scaleTargetRef.name}`).minReplicas).toBe((scaled.spec as any).minReplicaCount ?? 0);
    const seldon = view.pods.find((p) => p.resource.startsWith('SeldonDeployment ') && p.containers.some((c) => c.name === 'seldon-container-engine'))!;
    expect(seldon.origin).toBe('operator');
    expect(seldon.containers.find((c) => c.name === 'seldon-container-engine')!.resources).toEqual({
      requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
  });

  test('node pools from the model and the Karpenter NodePools, with the catalog’s vCPUs and GPUs', () => {
    const view = buildClusterView(distEnv('aws-prod'), platform);
    const system = view.nodePools.find((p) => p.source === 'system')!;
    expect(system).toMatchObject({ capacity: 'on-demand', labels: { 'platform-synth.io/pool': 'system' } });
    expect(system.sizes.every((s) => typeof s.vcpus === 'number')).toBe(true);
    expect(view.nodePools.filter((p) => p.source === 'karpenter').map((p) => p.name)).toEqual(expect.arrayContaining(['spot']));
  });

  test('rendered charts join the view: their objects (in the release namespace) and their pods', () => {
    const release = {
      file: 'fixture/gitops/app.yaml',
      resource: 'Application argocd/demo',
      chart: 'demo',
      version: '1.0.0',
      releaseName: 'demo',
      namespace: 'demo',
    } as HelmRelease;
    const rendered = [
      { release, objects: [deployment('demo', undefined as any, undefined), obj('ClusterRole', 'demo', undefined, {}, 'rbac.authorization.k8s.io/v1')] },
    ];
    const view = buildClusterView(env([]), platform, rendered);
    expect(view.charts).toBe(true);
    expect(view.objects.map((o) => [o.obj.kind, o.namespace, o.origin])).toEqual([
      ['Deployment', 'demo', 'chart'],
      ['ClusterRole', undefined, 'chart'],
    ]);
    expect(view.pods).toEqual([
      expect.objectContaining({ origin: 'chart', namespace: 'demo', createdBy: 'demo 1.0.0', at: 'Deployment demo/demo spec.template.spec' }),
    ]);
  });

  test('an operator version without pod data is reported, not guessed', () => {
    const e = env([obj('Milvus', 'm', 'rag', { spec: { mode: 'standalone' } }, 'milvus.io/v1beta1')]);
    const withOtherPin: EnvironmentOutput = {
      ...e,
      manifests: [
        ...e.manifests,
        {
          file: 'fixture/gitops/milvus.yaml',
          app: 'gitops',
          obj: obj(
            'Application',
            'milvus-operator',
            'argocd',
            { spec: { source: { repoURL: 'https://x', chart: 'milvus-operator', targetRevision: '9.9.9' }, destination: { namespace: 'milvus-operator' } } },
            'argoproj.io/v1alpha1',
          ),
        },
      ],
    };
    expect(buildClusterView(withOtherPin, platform).unmodelled.map((u) => u.message)).toEqual([
      expect.stringContaining('no pod data for milvus-operator 9.9.9'),
    ]);
  });
});

describe('admission-limit-range', () => {
  test('fails: Pulsar at the operator defaults in rag — 2048Mi and 1024Mi requests above the 512Mi limit the LimitRange fills in', () => {
    const f = ofRule(env([guardRails('rag'), milvusWithDefaultPulsar()]), 'admission-limit-range');
    expect(f.map((x) => x.message.split(':')[1].trim())).toEqual([
      'container bookie requests memory 2Gi, above its memory limit 512Mi that LimitRange rag/rag-defaults fills in (its default)',
      'container broker requests memory 2Gi, above its memory limit 512Mi that LimitRange rag/rag-defaults fills in (its default)',
      'container proxy requests memory 1Gi, above its memory limit 512Mi that LimitRange rag/rag-defaults fills in (its default)',
    ]);
    expect(f[0]).toMatchObject({ resource: 'Milvus rag/milvus', severity: 'error' });
  });

  test('passes: the default model’s Milvus, whose Pulsar components carry their own requests and limits', () => {
    for (const name of ['aws-prod', 'azure-prod']) expect(ofRule(distEnv(name), 'admission-limit-range')).toEqual([]);
    expect(ofRule(env([guardRails('rag'), deployment('small', 'rag', { requests: { memory: '256Mi' } })]), 'admission-limit-range')).toEqual([]);
  });

  test('min, max and maxLimitRequestRatio per container, after defaulting (a limit alone makes the request)', () => {
    const range = obj('LimitRange', 'bounds', 'ns', {
      spec: { limits: [{ type: 'Container', min: { cpu: '50m' }, max: { memory: '1Gi' }, maxLimitRequestRatio: { cpu: '2' } }] },
    });
    const msgs = (resources: Record<string, unknown> | undefined) =>
      ofRule(env([range, deployment('d', 'ns', resources)]), 'admission-limit-range').map((f) => f.message);
    expect(msgs({ requests: { cpu: '100m' }, limits: { cpu: '200m', memory: '1Gi' } })).toEqual([]);
    expect(msgs({ limits: { cpu: '100m', memory: '512Mi' } })).toEqual([]);
    const bad = msgs({ requests: { cpu: '10m' }, limits: { cpu: '500m', memory: '2Gi' } })[0];
    expect(bad).toContain('cpu request 10m is below the minimum 50m of LimitRange ns/bounds');
    expect(bad).toContain('memory limit 2Gi is above the maximum 1Gi of LimitRange ns/bounds');
    expect(bad).toContain('cpu limit/request ratio 50 (500m / 10m) is above 2');
    expect(msgs(undefined)[0]).toContain('no memory limit, and LimitRange ns/bounds has a maximum (1Gi) and no default');
  });
});

describe('admission-resource-quota', () => {
  const quota = (hard: Record<string, string>) => obj('ResourceQuota', 'q', 'ns', { spec: { hard } });
  test('fails: the pods at their minimum replicas need more than the quota', () => {
    const f = ofRule(
      env([quota({ 'requests.memory': '1Gi', pods: '2' }), deployment('d', 'ns', { requests: { memory: '512Mi' }, limits: { memory: '512Mi' } }, 3)]),
      'admission-resource-quota',
    );
    expect(f.map((x) => x.message)).toEqual([
      expect.stringContaining('ResourceQuota ns/q: the pods that will run need requests.memory 1536Mi, above its hard 1Gi'),
      expect.stringContaining('need pods 3, above its hard 2'),
    ]);
  });

  test('fails: a container leaves unset what the quota constrains and no LimitRange defaults it', () => {
    const f = ofRule(env([quota({ 'limits.cpu': '4' }), guardRails('ns'), deployment('d', 'ns', { requests: { cpu: '100m' } })]), 'admission-resource-quota');
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining('constrains limits.cpu, and a container sets none')]);
  });

  test('passes: within the quota, LimitRange defaults counted; the default model has no quota to exceed', () => {
    expect(
      ofRule(
        env([quota({ 'requests.memory': '2Gi', 'limits.memory': '2Gi' }), guardRails('ns'), deployment('d', 'ns', undefined, 3)]),
        'admission-resource-quota',
      ),
    ).toEqual([]);
    for (const e of dist.environments) expect(ofRule(e, 'admission-resource-quota')).toEqual([]);
  });
});

describe('admission-pod-security', () => {
  const release = {
    file: 'fixture/gitops/app.yaml',
    resource: 'Application argocd/demo',
    chart: 'demo',
    version: '1.0.0',
    releaseName: 'demo',
    namespace: 'ns',
  } as HelmRelease;
  const ns = obj('Namespace', 'ns', undefined, { metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } });
  const chartPod = (securityContext: Record<string, unknown>) => {
    const d = deployment('demo', 'ns', undefined) as any;
    d.spec.template.spec.containers[0].securityContext = securityContext;
    return [{ release, objects: [d] }];
  };
  test('fails: a chart’s privileged pod in a namespace that enforces baseline', () => {
    const f = ofRule(env([ns]), 'admission-pod-security', chartPod({ privileged: true }));
    expect(f).toEqual([
      expect.objectContaining({
        resource: 'Application argocd/demo',
        message: expect.stringContaining('enforces Pod Security "baseline", which rejects the pod'),
      }),
    ]);
  });
  test('passes: the same pod unprivileged; the default model’s Spark pods in their namespace', () => {
    expect(ofRule(env([ns]), 'admission-pod-security', chartPod({ privileged: false }))).toEqual([]);
    for (const e of dist.environments) expect(ofRule(e, 'admission-pod-security')).toEqual([]);
  });
  test('an Argo CD Application that creates its namespace gives it its managedNamespaceMetadata level: a chart pod there is judged by it', () => {
    const application = (options: string[]) =>
      obj(
        'Application',
        'demo',
        'argocd',
        {
          spec: {
            destination: { namespace: 'ns', server: 'https://kubernetes.default.svc' },
            syncPolicy: { syncOptions: options, managedNamespaceMetadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
          },
        },
        'argoproj.io/v1alpha1',
      );
    expect(ofRule(env([application(['CreateNamespace=true'])]), 'admission-pod-security', chartPod({ privileged: false }))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('enforces Pod Security "restricted"') }),
    ]);
    // Without CreateNamespace=true Argo CD writes no metadata: the namespace is not the Application's.
    expect(ofRule(env([application([])]), 'admission-pod-security', chartPod({ privileged: false }))).toEqual([]);
  });
});

describe('admission-pod-security on the pods milvus-operator 1.3.8 builds', () => {
  const rag = (level: string) => obj('Namespace', 'rag', undefined, { metadata: { name: 'rag', labels: { 'pod-security.kubernetes.io/enforce': level } } });
  const milvus = () => structuredClone(distEnv('aws-prod').manifests.find((m) => m.obj.kind === 'Milvus')!.obj) as any;
  const rejected = (e: EnvironmentOutput) => ofRule(e, 'admission-pod-security').map((f) => f.message);

  test('the data: etcd and Pulsar from their charts, the Milvus containers with components.securityContext, the config init container fixed', () => {
    const pods = buildClusterView(env([milvus()]), platform).pods;
    const at = (name: string) => pods.find((p) => p.at === name)!;
    expect(at('etcd').spec.securityContext).toEqual({ fsGroup: 1001 });
    expect(at('etcd').containers[0].securityContext).toEqual({ runAsUser: 1001, runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(at('pulsar bookkeeper').spec.securityContext).toEqual({ fsGroup: 0, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(at('pulsar broker').spec.securityContext).toBeUndefined();
    expect(at('pulsar broker').containers.map((c) => [c.name, c.securityContext])).toEqual([
      ['wait-zookeeper-ready', undefined],
      ['wait-bookkeeper-ready', undefined],
      ['broker', undefined],
    ]);
    const proxy = at('milvus proxy');
    expect(proxy.spec.securityContext).toBeUndefined();
    expect(proxy.containers.map((c) => [c.name, c.securityContext?.runAsNonRoot, c.securityContext?.seccompProfile])).toEqual([
      ['config', true, undefined],
      ['proxy', undefined, { type: 'RuntimeDefault' }],
    ]);
    // components.runAsNonRoot gives the pod runAsNonRoot and UID 1000; the volume-permissions init container runs as root.
    const m = milvus();
    m.spec.components.runAsNonRoot = true;
    m.spec.dependencies.etcd.inCluster.values.volumePermissions = { enabled: true };
    const more = buildClusterView(env([m]), platform).pods;
    expect(more.find((p) => p.at === 'milvus proxy')!.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000 });
    expect(more.find((p) => p.at === 'etcd')!.containers.find((c) => c.name === 'volume-permissions')!.securityContext).toEqual({ runAsUser: 0 });
  });

  test('fails: rag at restricted rejects etcd (no seccomp profile, capabilities not dropped), Pulsar and Milvus', () => {
    const messages = rejected(env([rag('restricted'), milvus()]));
    const etcd = messages.find((m) => m.startsWith('etcd (built by milvus-operator 1.3.8)'))!;
    expect(etcd).toContain('enforces Pod Security "restricted"');
    expect(etcd).toContain('seccompProfile_restricted: pod or container "etcd"');
    expect(etcd).toContain('capabilities_restricted: container "etcd"');
    expect(etcd).not.toContain('runAsNonRoot');
    // The operator's config init container carries only runAsNonRoot and runAsUser, whatever the resource sets.
    expect(messages.find((m) => m.startsWith('milvus proxy '))).toContain('allowPrivilegeEscalation: initContainer "config"');
    expect(messages.find((m) => m.startsWith('pulsar broker '))).toContain(
      'container "broker" (added by milvus-operator 1.3.8) must set securityContext.allowPrivilegeEscalation=false',
    );
  });

  test('passes: the default model at baseline; at restricted, etcd once the resource’s values complete its container context', () => {
    expect(rejected(env([rag('baseline'), milvus()]))).toEqual([]);
    const m = milvus();
    m.spec.dependencies.etcd.inCluster.values.containerSecurityContext = { capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
    const messages = rejected(env([rag('restricted'), m]));
    expect(messages.some((x) => x.startsWith('etcd '))).toBe(false);
    expect(messages.some((x) => x.startsWith('milvus proxy '))).toBe(true);
  });
});

describe('network-flow-endpoints', () => {
  const rule = CLUSTER_RULES.find((r) => r.id === 'network-flow-endpoints')!;
  const prod = distEnv('aws-prod');
  const view = buildClusterView(prod, platform);
  const api = { name: 'rag-api', namespace: 'rag', labels: { 'app.kubernetes.io/name': 'rag-api' } };
  const withFlows = (flows: Flow[]) => rule.check({ ...view, flows });

  test('the view carries pod labels: the templates’, and the ones operators set', () => {
    const at = (name: string) => view.pods.find((p) => p.at === name)!.labels;
    expect(at('milvus proxy')).toMatchObject({ 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/instance': 'milvus', 'milvus.io/service': 'true' });
    expect(at('etcd')).toMatchObject({ 'app.kubernetes.io/name': 'etcd', 'app.kubernetes.io/instance': 'milvus-etcd' });
    expect(at('pulsar bookkeeper')).toMatchObject({ app: 'pulsar', release: 'milvus-pulsar', component: 'bookie' });
    expect(at('driver')).toMatchObject({ 'spark-role': 'driver', 'app.kubernetes.io/component': 'driver' });
  });

  test('fails: a flow whose destination labels no pod carries, named with the flow and the labels', () => {
    const gone = { name: 'milvus', namespace: 'rag', labels: { 'app.kubernetes.io/name': 'milvus-v2' } };
    const f = withFlows([podFlow(api, gone, tcpPorts(19530), 'searches the vector index')]);
    expect(f).toEqual([
      expect.objectContaining({
        resource: 'flow rag/rag-api -> rag/milvus',
        message: expect.stringMatching(
          /^its destination milvus selects no pod: nothing in namespace rag carries app\.kubernetes\.io\/name=milvus-v2 .*searches the vector index/,
        ),
      }),
    ]);
  });

  test('fails: a source that selects nothing, and a destination port its pods do not serve', () => {
    const ghost = { name: 'ghost', namespace: 'rag', labels: { app: 'ghost' } };
    const etcd = { name: 'milvus etcd', namespace: 'rag', labels: { 'app.kubernetes.io/name': 'etcd' } };
    const f = withFlows([podFlow(ghost, api, tcpPorts(8080), 'calls the API'), podFlow(api, etcd, tcpPorts(2381), 'reads etcd')]);
    expect(f.map((x) => x.message)).toEqual([
      expect.stringContaining('its source ghost selects no pod: nothing in namespace rag carries app=ghost'),
      expect.stringMatching(
        /^its destination milvus etcd does not serve TCP\/2381: the pods it selects \(etcd\) declare TCP\/2379 \(client\), TCP\/2380 \(peer\)/,
      ),
    ]);
  });

  test('passes: flows to pods that exist on ports they serve; every declared flow of the default model', () => {
    const milvus = { name: 'milvus', namespace: 'rag', labels: { 'app.kubernetes.io/name': 'milvus' } };
    expect(withFlows([podFlow(api, milvus, tcpPorts(19530, 9091), 'searches the vector index')])).toEqual([]);
    for (const e of dist.environments) expect(ofRule(e, 'network-flow-endpoints')).toEqual([]);
  });
});

describe('the fix: Pulsar sized in the Milvus resource', () => {
  test('every Pulsar component has a memory limit equal to its request, and its JVM (heap + direct memory) fits inside it with room to spare', () => {
    const mib = (s: string) => Number(/(\d+)m/.exec(s)![1]);
    for (const [component, r] of Object.entries(PULSAR_RESOURCES)) {
      const opts = Object.values(r.jvm).join(' ');
      const heap = mib(/-Xmx(\d+m)/.exec(opts)![1]);
      const direct = /MaxDirectMemorySize=(\d+m)/.exec(opts) ? mib(/MaxDirectMemorySize=(\d+m)/.exec(opts)![1]) : 0;
      expect({ component, fits: heap + direct + 256 <= amountOf('memory', r.memory)! / 2 ** 20 }).toEqual({ component, fits: true });
    }
  });
});

describe('validate with the cluster view', () => {
  test('the rules are listed with reasons, and a waiver in the model silences one for one resource', () => {
    expect(CLUSTER_RULES.map((r) => r.id)).toEqual([
      'admission-limit-range',
      'admission-resource-quota',
      'admission-pod-security',
      'scheduling-fits-pool',
      'scheduling-not-on-spot',
      'scheduling-pool-scaled',
      'scheduling-pool-capacity',
      'chart-storage-class-exists',
      'network-flow-endpoints',
      'identity-subject-exists',
      'identity-annotation-exists',
      'k8s-service-account-exists',
      'monitoring-scrape-coverage',
    ]);
    const copy = path.join(tempDir('admission'), 'dist');
    fs.cpSync(path.join(REPO, 'dist'), copy, { recursive: true });
    const file = path.join(copy, 'aws-prod/kubernetes/rag/milvus-milvus.yaml');
    const { stringify } = require('yaml');
    fs.writeFileSync(file, stringify(milvusWithDefaultPulsar()));
    const report = validateOutput(copy, platform);
    expect(report.findings.filter((f) => f.rule === 'admission-limit-range')).toHaveLength(3);

    const spec = structuredClone(defaultPlatform) as any;
    const reason = 'Pulsar is resized in PLAT-77; the LimitRange exemption is tracked there';
    spec.environments[1].waivers = [{ rule: 'admission-limit-range', resource: 'Milvus rag/milvus', reason }];
    const waived = validateOutput(copy, loadPlatform(spec));
    expect(waived.findings).toEqual([]);
    expect(waived.waived).toHaveLength(3);
  });
});

describe('the pods the Prometheus Operator of kube-prometheus-stack 88.5.3 builds from the chart’s Prometheus and Alertmanager', () => {
  const release = {
    file: 'azure-dev/gitops/operators/kube-prometheus-stack/helmrelease-kube-prometheus-stack.yaml',
    resource: 'HelmRelease flux-system/kube-prometheus-stack',
    chart: 'kube-prometheus-stack',
    version: '88.5.3',
    releaseName: 'kube-prometheus-stack',
    namespace: 'monitoring',
  } as HelmRelease;
  const restricted = { seccompProfile: { type: 'RuntimeDefault' } };
  /** The chart's Prometheus as it renders it (securityContext, storage from the values), with `spec` over it. */
  const prometheus = (spec: Record<string, unknown> = {}): K8sObject =>
    obj(
      'Prometheus',
      'kube-prometheus-stack-prometheus',
      'monitoring',
      {
        spec: {
          replicas: 1,
          shards: 1,
          portName: 'http-web',
          version: 'v3.14.0-distroless',
          resources: { requests: { cpu: '250m', memory: '1536Mi' }, limits: { memory: '3Gi' } },
          securityContext: { fsGroup: 2000, runAsGroup: 2000, runAsNonRoot: true, runAsUser: 1000, ...restricted },
          storage: {
            volumeClaimTemplate: {
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'managed-csi-premium' },
            },
          },
          ...spec,
        },
      },
      'monitoring.coreos.com/v1',
    );
  const alertmanager = (spec: Record<string, unknown> = {}): K8sObject =>
    obj(
      'Alertmanager',
      'kube-prometheus-stack-alertmanager',
      'monitoring',
      {
        spec: {
          replicas: 1,
          portName: 'http-web',
          version: 'v0.34.0',
          resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          securityContext: { fsGroup: 2000, runAsGroup: 2000, runAsNonRoot: true, runAsUser: 1000, ...restricted },
          ...spec,
        },
      },
      'monitoring.coreos.com/v1',
    );
  const operatorDeployment = (flags: string[]): K8sObject =>
    obj(
      'Deployment',
      'kube-prometheus-stack-operator',
      'monitoring',
      { spec: { template: { spec: { containers: [{ name: 'kube-prometheus-stack', args: ['--prometheus-config-reloader=quay.io/x:v0.93.1', ...flags] }] } } } },
      'apps/v1',
    );
  const chartFlags = [
    '--config-reloader-cpu-request=0',
    '--config-reloader-cpu-limit=0',
    '--config-reloader-memory-request=0',
    '--config-reloader-memory-limit=0',
  ];
  const rendered = (objects: K8sObject[]): RenderedRelease[] => [{ release, objects }];
  const azureDev = distEnv('azure-dev');
  const built = (objects: K8sObject[]) =>
    buildClusterView(azureDev, platform, rendered(objects)).pods.filter((p) => p.createdBy === 'kube-prometheus-stack 88.5.3' && p.origin === 'operator');
  const byAt = (pods: ReturnType<typeof built>, at: string) => pods.find((p) => p.at === at)!;

  test('the data: replicas, containers with the operator’s securityContext and ports, the reloaders’ resources from the operator’s flags, labels, the claim', () => {
    const pods = built([prometheus(), alertmanager(), operatorDeployment(chartFlags)]);
    expect(pods.map((p) => [p.at, p.workloadKind, p.minReplicas, p.namespace, p.origin])).toEqual([
      ['Prometheus monitoring/kube-prometheus-stack-prometheus prometheus', 'StatefulSet', 1, 'monitoring', 'operator'],
      ['Alertmanager monitoring/kube-prometheus-stack-alertmanager alertmanager', 'StatefulSet', 1, 'monitoring', 'operator'],
    ]);
    const prom = byAt(pods, 'Prometheus monitoring/kube-prometheus-stack-prometheus prometheus');
    expect(prom.containers.map((c) => [c.field, c.name, (c.ports ?? []).map((p) => `${p.name}:${p.containerPort}/${p.protocol}`)])).toEqual([
      ['initContainers', 'init-config-reloader', ['reloader-init:8081/TCP']],
      ['containers', 'prometheus', ['http-web:9090/TCP']],
      ['containers', 'config-reloader', ['reloader-web:8080/TCP']],
    ]);
    for (const c of prom.containers)
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    // The chart passes `0` for every reloader flag: no resources; the main container gets spec.resources.
    expect(prom.containers.find((c) => c.name === 'config-reloader')!.resources).toEqual({});
    expect(prom.containers.find((c) => c.name === 'prometheus')!.resources).toEqual({ requests: { cpu: '250m', memory: '1536Mi' }, limits: { memory: '3Gi' } });
    expect(prom.labels).toEqual({
      'app.kubernetes.io/version': '3.14.0-distroless',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/instance': 'kube-prometheus-stack-prometheus',
      'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus',
      'operator.prometheus.io/shard': '0',
      prometheus: 'kube-prometheus-stack-prometheus',
    });
    expect(prom.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'prometheus-kube-prometheus-stack-prometheus-db' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'managed-csi-premium' },
      },
    ]);
    const am = byAt(pods, 'Alertmanager monitoring/kube-prometheus-stack-alertmanager alertmanager');
    expect(am.containers.map((c) => [c.name, (c.ports ?? []).map((p) => `${p.name}:${p.containerPort}/${p.protocol}`)])).toEqual([
      ['init-config-reloader', ['reloader-init:8081/TCP']],
      ['alertmanager', ['http-web:9093/TCP', 'mesh-tcp:9094/TCP', 'mesh-udp:9094/UDP']],
      ['config-reloader', ['reloader-web:8080/TCP']],
    ]);
    expect(am.labels).toMatchObject({ 'app.kubernetes.io/name': 'alertmanager', alertmanager: 'kube-prometheus-stack-alertmanager' });
    // Without the operator's Deployment, the flags' defaults (10m / 50Mi, request = limit); Alertmanager without a memory request gets 200Mi.
    const defaults = built([prometheus(), alertmanager({ resources: {} })]);
    expect(
      byAt(defaults, 'Prometheus monitoring/kube-prometheus-stack-prometheus prometheus').containers.find((c) => c.name === 'config-reloader')!.resources,
    ).toEqual({
      requests: { cpu: '10m', memory: '50Mi' },
      limits: { cpu: '10m', memory: '50Mi' },
    });
    expect(
      byAt(defaults, 'Alertmanager monitoring/kube-prometheus-stack-alertmanager alertmanager').containers.find((c) => c.name === 'alertmanager')!.resources,
    ).toEqual({
      requests: { memory: '200Mi' },
    });
  });

  test('spec.replicas 2 gives 2 pods; Prometheus shards multiply them, one StatefulSet per shard', () => {
    expect(built([prometheus({ replicas: 2 }), alertmanager({ replicas: 2 })]).map((p) => [p.at.split(' ').pop(), p.minReplicas])).toEqual([
      ['prometheus', 2],
      ['alertmanager', 2],
    ]);
    const sharded = built([prometheus({ replicas: 2, shards: 2 })]);
    expect(sharded.map((p) => [p.at, p.minReplicas, p.labels['operator.prometheus.io/shard']])).toEqual([
      ['Prometheus monitoring/kube-prometheus-stack-prometheus prometheus shard 0', 2, '0'],
      ['Prometheus monitoring/kube-prometheus-stack-prometheus prometheus shard 1', 2, '1'],
    ]);
  });

  test('admission-pod-security: the chart’s security contexts pass restricted in monitoring; without seccompProfile and runAsNonRoot they are rejected', () => {
    const podSecurity = (objects: K8sObject[]) =>
      checkClusterView(buildClusterView(azureDev, platform, rendered(objects))).filter(
        (f) => f.rule === 'admission-pod-security' && /^(Prometheus|Alertmanager) /.test(f.message),
      );
    expect(podSecurity([prometheus(), alertmanager(), operatorDeployment(chartFlags)])).toEqual([]);
    const found = podSecurity([prometheus({ securityContext: { fsGroup: 2000 } }), alertmanager({ securityContext: { fsGroup: 2000 } })]);
    expect(found.map((f) => f.message.split(':')[0])).toEqual([
      'Prometheus monitoring/kube-prometheus-stack-prometheus prometheus (built by kube-prometheus-stack 88.5.3)',
      'Alertmanager monitoring/kube-prometheus-stack-alertmanager alertmanager (built by kube-prometheus-stack 88.5.3)',
    ]);
    expect(found[0].message).toContain('namespace monitoring enforces Pod Security "restricted"');
    expect(found[0].message).toMatch(/runAsNonRoot/);
  });

  test('scheduling-pool-capacity counts their requests: a Prometheus asking for more than the system pool holds is reported', () => {
    const capacity = (objects: K8sObject[]) =>
      checkClusterView(buildClusterView(azureDev, platform, rendered(objects))).filter((f) => f.rule === 'scheduling-pool-capacity');
    expect(capacity([prometheus(), alertmanager()])).toEqual([]);
    // 8 × (2 CPU, 8Gi): each fits a Standard_D4s_v5, together more than the pool's 4 nodes.
    const [f] = capacity([prometheus({ replicas: 8, resources: { requests: { cpu: '2', memory: '8Gi' } } }), alertmanager()]);
    expect(f.resource).toBe('node pool system (cluster.systemPool)');
    expect(f.message).toContain('Prometheus monitoring/kube-prometheus-stack-prometheus prometheus');
  });

  test('chart-storage-class-exists reads the volumeClaimTemplate: a class the cluster lacks is reported on the release', () => {
    const storage = (objects: K8sObject[]) =>
      checkClusterView(buildClusterView(azureDev, platform, rendered(objects))).filter((f) => f.rule === 'chart-storage-class-exists');
    expect(storage([prometheus()])).toEqual([]);
    const claim = { volumeClaimTemplate: { spec: { resources: { requests: { storage: '50Gi' } }, storageClassName: 'fast-ssd' } } };
    expect(storage([prometheus({ storage: claim })])).toEqual([
      expect.objectContaining({
        file: release.file,
        resource: release.resource,
        message: expect.stringMatching(
          /^Prometheus monitoring\/kube-prometheus-stack-prometheus prometheus \(built by kube-prometheus-stack 88\.5\.3\) volumeClaimTemplates\[0\] \(prometheus-kube-prometheus-stack-prometheus-db\): names StorageClass fast-ssd, which neither the output nor the cluster has/,
        ),
      }),
    ]);
  });
});
