/**
 * Scheduling on the cluster view (src/validate/cluster/scheduling.ts): each rule with a failing and a passing fixture,
 * the allocatable arithmetic per cloud, and the defects of the default model it found (fixed in src/platform.ts);
 * and the rendered charts' claims (chart-storage-class-exists).
 */
import * as path from 'path';
import { describeSize, AZURE_GPU_SIZES } from '../../src/model/catalog';
import { loadPlatform } from '../../src/model/load';
import { defaultPlatform } from '../../src/platform';
import { buildClusterView, checkClusterView, type RenderedRelease } from '../../src/validate/cluster';
import { allocatable } from '../../src/validate/cluster/nodes';
import type { HelmRelease } from '../../src/validate/helm/releases';
import { readOutput, type EnvironmentOutput, type K8sObject } from '../../src/validate/output';
import { REPO } from '../synth/helpers';

const platform = loadPlatform(defaultPlatform);
const dist = readOutput(path.join(REPO, 'dist'));
const distEnv = (name: string) => dist.environments.find((e) => e.name === name)!;

const MiB = 2 ** 20;
const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' };
const SPOT_TOLERATION = { key: 'platform-synth.io/spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' };
const toPool = (pool: string) => ({
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'platform-synth.io/pool', operator: 'In', values: [pool] }] }],
    },
  },
});

/** An environment of the model (its pools) with these objects, and the NodePools and GitOps releases of its dist/ unless left out. */
function fixture(
  name: string,
  objs: K8sObject[],
  keep: (o: K8sObject) => boolean = (o) => o.kind === 'NodePool' || o.kind === 'Application' || o.kind === 'HelmRelease',
) {
  const base = distEnv(name);
  const kept = base.manifests.filter((m) => keep(m.obj));
  return {
    ...base,
    manifests: [...kept, ...objs.map((obj, i) => ({ file: `${name}/kubernetes/app/${obj.kind.toLowerCase()}-${i}.yaml`, app: 'app', obj }))],
  } as EnvironmentOutput;
}

function workload(kind: string, name: string, pod: Record<string, unknown>, resources: Record<string, unknown>, replicas = 1): K8sObject {
  const template = { metadata: { labels: { app: name } }, spec: { ...pod, containers: [{ name: 'app', image: 'x@sha256:0', resources }] } };
  const spec = kind === 'Job' ? { template } : kind === 'DaemonSet' ? { selector: { matchLabels: { app: name } }, template } : { replicas, template };
  return { apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, metadata: { name, namespace: 'apps' }, spec } as K8sObject;
}

const findings = (e: EnvironmentOutput, rule: string, rendered?: RenderedRelease[], p = platform) =>
  checkClusterView(buildClusterView(e, p, rendered)).filter((f) => f.rule === rule);

describe('allocatable: what a node offers pods after the kubelet', () => {
  test('EKS: 11 MiB × max pods + 255 MiB and 100 MiB eviction; CPU 6 % + 1 % + 2 × 0.5 % + 0.25 % per further core', () => {
    // m6i.xlarge: 4 vCPUs, 16 GiB, 58 pods by its ENIs.
    expect(allocatable('aws', { name: 'm6i.xlarge', ...describeSize('aws', 'm6i.xlarge') })).toEqual({ cpu: 3920, memory: (16384 - 893 - 100) * MiB, gpus: 0 });
    // g5.12xlarge: 48 vCPUs, 192 GiB, 4 GPUs; 234 pods.
    expect(allocatable('aws', { name: 'g5.12xlarge', ...describeSize('aws', 'g5.12xlarge') })).toEqual({
      cpu: 48000 - (60 + 10 + 10 + 44 * 2.5),
      memory: (192 * 1024 - (11 * 234 + 255) - 100) * MiB,
      gpus: 4,
    });
  });

  test('AKS 1.29+: the lesser of 20 MB × 250 pods + 50 MB and 25 % of memory, 100 MiB eviction; CPU from the table', () => {
    expect(allocatable('azure', { name: 'Standard_D8s_v5', ...describeSize('azure', 'Standard_D8s_v5') })).toEqual({
      cpu: 8000 - 180,
      memory: (32768 - 5050 - 100) * MiB,
      gpus: 0,
    });
    // 4 vCPU / 16 GiB: 25 % (4096 MiB) is less than 5050.
    expect(allocatable('azure', { name: 'Standard_D4s_v5', ...describeSize('azure', 'Standard_D4s_v5') })?.memory).toBe((16384 - 4096 - 100) * MiB);
  });

  test('the catalog knows every size’s memory: t3.medium has 2 vCPUs, r-family 8 GiB per vCPU, every Azure GPU size', () => {
    expect(describeSize('aws', 't3.medium')).toMatchObject({ vcpus: 2, memoryGiB: 4 });
    expect(describeSize('aws', 'r6i.2xlarge')).toMatchObject({ vcpus: 8, memoryGiB: 64 });
    expect(describeSize('aws', 'c6i.xlarge')).toMatchObject({ vcpus: 4, memoryGiB: 8 });
    expect(describeSize('aws', 'p4d.24xlarge')).toMatchObject({ vcpus: 96, memoryGiB: 1152, gpus: 8 });
    expect(describeSize('azure', 'Standard_E8s_v5')).toMatchObject({ vcpus: 8, memoryGiB: 64 });
    for (const size of Object.keys(AZURE_GPU_SIZES)) expect(describeSize('azure', size)?.memoryGiB).toBeGreaterThan(0);
  });
});

describe('scheduling-fits-pool', () => {
  test('fails: a pod larger than any node of the pools it may use, every pool’s reason named', () => {
    const [f] = findings(fixture('aws-dev', [workload('Deployment', 'big', {}, { requests: { cpu: '1', memory: '20Gi' } })]), 'scheduling-fits-pool');
    expect(f.message).toContain('fits no node pool');
    expect(f.message).toContain('system: its largest node (m6i.xlarge) offers pods less than the pod requests: memory 20Gi > 15Gi');
    expect(f.message).toContain('gpu: taint nvidia.com/gpu=true:NoSchedule is not tolerated');
    expect(f.message).toContain('spot: taint platform-synth.io/spot=true:NoSchedule is not tolerated');
  });

  test('passes: the same pod at 8Gi fits the system pool', () => {
    expect(findings(fixture('aws-dev', [workload('Deployment', 'ok', {}, { requests: { cpu: '1', memory: '8Gi' } })]), 'scheduling-fits-pool')).toEqual([]);
  });

  test('fails: a GPU pod that does not tolerate the GPU taint; passes with the toleration and the pool’s label', () => {
    const gpu = { requests: { cpu: '1', memory: '8Gi', 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } };
    const [f] = findings(fixture('aws-prod', [workload('Job', 'train', {}, gpu)]), 'scheduling-fits-pool');
    expect(f.message).toMatch(/gpu: taint nvidia\.com\/gpu=true:NoSchedule is not tolerated/);
    expect(f.message).toMatch(/system: its largest node \(m6i\.2xlarge\) .* nvidia\.com\/gpu 1 > 0/);
    expect(
      findings(fixture('aws-prod', [workload('Job', 'train', { tolerations: [GPU_TOLERATION], affinity: toPool('gpu') }, gpu)]), 'scheduling-fits-pool'),
    ).toEqual([]);
  });

  test('fails: a required node affinity no pool’s labels satisfy', () => {
    const [f] = findings(
      fixture('aws-dev', [workload('Deployment', 'lost', { affinity: toPool('nowhere') }, { requests: { cpu: '100m', memory: '128Mi' } })]),
      'scheduling-fits-pool',
    );
    expect(f.message).toContain('system: node affinity requires platform-synth.io/pool in [nowhere] (its nodes: platform-synth.io/pool=system)');
  });

  test('DaemonSets take their requests from every node they run on: a pod that fits alone no longer does', () => {
    const pod = workload('Deployment', 'wide', {}, { requests: { cpu: '1', memory: '13Gi' } });
    expect(findings(fixture('aws-dev', [pod]), 'scheduling-fits-pool')).toEqual([]);
    const agent = workload('DaemonSet', 'agent', {}, { requests: { cpu: '100m', memory: '3Gi' } });
    const [f] = findings(fixture('aws-dev', [pod, agent]), 'scheduling-fits-pool');
    expect(f.resource).toBe('Deployment apps/wide');
    expect(f.message).toContain('memory 13Gi > 12Gi');
  });

  test('with the charts rendered, GPUs exist only where the NVIDIA device plugin runs', () => {
    const release = {
      file: 'aws-prod/gitops/apps/dp.yaml',
      resource: 'Application argocd/dp',
      chart: 'nvidia-device-plugin',
      version: '0.18.2',
      releaseName: 'dp',
      namespace: 'nvidia-device-plugin',
    } as HelmRelease;
    const plugin = (affinity: Record<string, unknown>) => [
      {
        release,
        objects: [workload('DaemonSet', 'nvidia-device-plugin', { tolerations: [GPU_TOLERATION, SPOT_TOLERATION], affinity }, { requests: { cpu: '10m' } })],
      },
    ];
    const job = workload(
      'Job',
      'train',
      { tolerations: [GPU_TOLERATION], affinity: toPool('gpu') },
      { requests: { cpu: '1', 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } },
    );
    const [f] = findings(fixture('aws-prod', [job]), 'scheduling-fits-pool', plugin(toPool('elsewhere')));
    expect(f.message).toContain('gpu: no NVIDIA device plugin runs on its nodes, so they advertise no nvidia.com/gpu');
    expect(findings(fixture('aws-prod', [job]), 'scheduling-fits-pool', plugin(toPool('gpu')))).toEqual([]);
  });
});

describe('scheduling-not-on-spot', () => {
  const onSpot = { tolerations: [SPOT_TOLERATION], affinity: toPool('spot') };
  const small = { requests: { cpu: '500m', memory: '1Gi' } };

  test('fails: a long-running Deployment and a StatefulSet that may be placed on the Spot pool', () => {
    const found = findings(
      fixture('aws-dev', [workload('Deployment', 'api', onSpot, small), workload('StatefulSet', 'db', onSpot, small)]),
      'scheduling-not-on-spot',
    );
    expect(found.map((f) => [f.resource, f.message])).toEqual([
      [
        'Deployment apps/api',
        expect.stringContaining(
          'may be placed on Spot pool spot (it tolerates its taints and matches their labels), but must not run on Spot: a long-running Deployment',
        ),
      ],
      ['StatefulSet apps/db', expect.stringContaining('a StatefulSet keeps state and identity that an interruption takes away')],
    ]);
  });

  test('passes: a Job on Spot, and a Deployment KEDA scales (a queue consumer)', () => {
    const scaled: K8sObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'consumer', namespace: 'apps' },
      spec: { scaleTargetRef: { name: 'consumer' }, triggers: [] },
    };
    expect(
      findings(
        fixture('aws-dev', [workload('Job', 'batch', onSpot, small), workload('Deployment', 'consumer', onSpot, small), scaled]),
        'scheduling-not-on-spot',
      ),
    ).toEqual([]);
  });

  test('fails: a Spot NodePool without a taint, which any pending pod may be given', () => {
    const e = fixture('aws-dev', []);
    const untainted = e.manifests.map((m) => {
      if (m.obj.kind !== 'NodePool' || m.obj.metadata.name !== 'spot') return m;
      const obj = structuredClone(m.obj) as any;
      delete obj.spec.template.spec.taints;
      return { ...m, obj };
    });
    const found = findings({ ...e, manifests: untainted }, 'scheduling-not-on-spot');
    expect(found).toEqual([
      expect.objectContaining({ resource: 'NodePool spot', message: expect.stringContaining('and no NoSchedule taint: any pending pod may be given one') }),
    ]);
  });
});

describe('scheduling-pool-scaled', () => {
  test('fails: aws-prod’s GPU node group (min 0) without Cluster Autoscaler in the GitOps output; passes with it (dist/)', () => {
    const withoutAutoscaler = fixture(
      'aws-prod',
      [],
      (o) => o.kind === 'NodePool' || ((o.kind === 'Application' || o.kind === 'HelmRelease') && !o.metadata.name.includes('cluster-autoscaler')),
    );
    const found = findings(withoutAutoscaler, 'scheduling-pool-scaled');
    expect(found.map((f) => f.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('pool gpu (min 0, max 4) is scaled by cluster-autoscaler, which the GitOps output does not install: it stays at 0 nodes'),
      ]),
    );
    expect(findings(distEnv('aws-prod'), 'scheduling-pool-scaled')).toEqual([]);
  });
});

describe('scheduling-pool-capacity', () => {
  test('fails: more replicas than the system pool holds at its maximum', () => {
    const [f] = findings(fixture('aws-dev', [workload('Deployment', 'many', {}, { requests: { cpu: '1', memory: '4Gi' } }, 20)]), 'scheduling-pool-capacity');
    expect(f.resource).toBe('node pool system (cluster.systemPool)');
    expect(f.message).toContain(
      'pool system is the only place for 1 pod template, which request cpu 20, memory 80Gi at their minimum replicas: more than 4 × m6i.xlarge offers (15680m, 60.1Gi)',
    );
  });

  test('passes: the default model in every environment, its charts and operator pods included', () => {
    for (const e of dist.environments) expect(findings(e, 'scheduling-pool-capacity')).toEqual([]);
  });
});

describe('the fixes in the default model', () => {
  /** The model as it was: smaller system pools, and aws-dev's Spot pool of 2-vCPU / 8 GiB sizes. */
  function before() {
    const spec = structuredClone(defaultPlatform) as any;
    const byName = (n: string) => spec.environments.find((e: any) => e.name === n).cluster;
    byName('aws-dev').systemPool = { sizes: ['m6i.large'], min: 2, max: 3 };
    byName('aws-prod').systemPool = { sizes: ['m6i.xlarge'], min: 3, max: 6 };
    byName('azure-prod').systemPool = { sizes: ['Standard_D4s_v5'], min: 3, max: 5 };
    return loadPlatform(spec);
  }

  test('the system pools as they were could not hold the pods only they take; now they do', () => {
    const old = before();
    for (const name of ['aws-dev', 'aws-prod', 'azure-prod']) {
      expect(findings(distEnv(name), 'scheduling-pool-capacity', undefined, old)).toEqual([
        expect.objectContaining({ resource: 'node pool system (cluster.systemPool)' }),
      ]);
      expect(findings(distEnv(name), 'scheduling-pool-capacity')).toEqual([]);
    }
  });

  test('aws-dev’s Spark executors (2 cores, 8g + overhead) fit no size of the old Spot NodePool; they fit the new one', () => {
    const e = distEnv('aws-dev');
    const oldSizes = e.manifests.map((m) => {
      if (m.obj.kind !== 'NodePool' || m.obj.metadata.name !== 'spot') return m;
      const obj = structuredClone(m.obj) as any;
      obj.spec.template.spec.requirements.find((r: any) => r.key === 'node.kubernetes.io/instance-type').values = [
        'm6i.large',
        'm6a.large',
        'm7i.large',
        'c6i.xlarge',
      ];
      return { ...m, obj };
    });
    const found = findings({ ...e, manifests: oldSizes }, 'scheduling-fits-pool');
    expect(found.map((f) => f.resource)).toContain('ScheduledSparkApplication lakehouse/daily-pipeline');
    expect(found[0].message).toContain('spot: its largest node');
    expect(findings(e, 'scheduling-fits-pool')).toEqual([]);
  });

  test('every scheduling rule passes on the committed dist/', () => {
    for (const e of dist.environments) expect(checkClusterView(buildClusterView(e, platform)).filter((f) => f.rule.startsWith('scheduling-'))).toEqual([]);
  });
});

describe('chart-storage-class-exists', () => {
  const release = {
    file: 'aws-dev/gitops/apps/db.yaml',
    resource: 'Application argocd/aws-dev-operator-db',
    chart: 'db',
    version: '1.0.0',
    releaseName: 'db',
    namespace: 'db',
  } as HelmRelease;
  const statefulSet = (storageClassName?: string): RenderedRelease[] => [
    {
      release,
      objects: [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db' },
          spec: {
            template: { spec: { containers: [{ name: 'db', image: 'db@sha256:0' }] } },
            volumeClaimTemplates: [
              { metadata: { name: 'data' }, spec: { ...(storageClassName ? { storageClassName } : {}), resources: { requests: { storage: '1Gi' } } } },
            ],
          },
        } as K8sObject,
      ],
    },
  ];

  test('fails: a chart’s volumeClaimTemplate naming a class the cluster does not have, reported on its release', () => {
    const found = findings(distEnv('aws-dev'), 'chart-storage-class-exists', statefulSet('fast-ssd'));
    expect(found).toEqual([
      expect.objectContaining({
        file: 'aws-dev/gitops/apps/db.yaml',
        resource: 'Application argocd/aws-dev-operator-db',
        message: expect.stringMatching(
          /^StatefulSet db\/db spec\.volumeClaimTemplates\[0\] \(data\): names StorageClass fast-ssd, which neither the output nor the cluster has \(gp3\)$/,
        ),
      }),
    ]);
  });

  test('passes: the platform’s gp3, or no class where the platform makes gp3 the default', () => {
    expect(findings(distEnv('aws-dev'), 'chart-storage-class-exists', statefulSet('gp3'))).toEqual([]);
    expect(findings(distEnv('aws-dev'), 'chart-storage-class-exists', statefulSet())).toEqual([]);
  });
});
