import { buildCharts } from '../../charts/index';
import { KarpenterChart } from '../../charts/platform/karpenter';
import { PlatformChart } from '../../charts/platform/platform';
import type { EnvironmentContext } from '../../src/model/context';
import type { PlatformSpec } from '../../src/model/types';
import { validateManifest } from '../../src/validate/kubernetes';
import { chartKit, newApp, specWith, testEachValid, expectKustomizationListsEveryFile } from './helpers';

// Karpenter's chart is an AWS chart: its contexts are the AWS environments'.
const { contexts, ctxOf, render, files: parsedFilesOf } = chartKit(KarpenterChart, (e) => e.cloud === 'aws');
function nodePool(ctx: EnvironmentContext<'aws'>, name: string): any {
  const obj = parsedFilesOf(ctx).get(`karpenter/nodepool-${name}.yaml`);
  if (!obj) throw new Error(`no NodePool ${name}`);
  return obj;
}
function nodeClass(ctx: EnvironmentContext<'aws'>, name: string): any {
  const obj = parsedFilesOf(ctx).get(`karpenter/ec2nodeclass-${name}.yaml`);
  if (!obj) throw new Error(`no EC2NodeClass ${name}`);
  return obj;
}
function requirement(pool: any, key: string): string[] | undefined {
  return pool.spec.template.spec.requirements.find((r: any) => r.key === key && r.operator === 'In')?.values;
}

/** A copy of the default model with aws-dev changed by `edit`. */
function withAwsDev(edit: (env: any) => void): PlatformSpec {
  return specWith('aws-dev', edit);
}

const awsEnvs = ['aws-dev', 'aws-prod'];

describe('KarpenterChart', () => {
  test('emits exactly the node classes and NodePools the model asks for, in <kind>-<name>.yaml files', () => {
    expect([...render(ctxOf('aws-dev')).keys()].sort()).toEqual([
      'karpenter/ec2nodeclass-default.yaml',
      'karpenter/ec2nodeclass-gpu.yaml',
      'karpenter/kustomization.yaml',
      'karpenter/nodepool-gpu.yaml',
      'karpenter/nodepool-spot.yaml',
    ]);
    // aws-prod's `gpu` pool is a managed node group (Terraform): no NodePool for it.
    expect([...render(ctxOf('aws-prod')).keys()].sort()).toEqual([
      'karpenter/ec2nodeclass-default.yaml',
      'karpenter/ec2nodeclass-gpu.yaml',
      'karpenter/kustomization.yaml',
      'karpenter/nodepool-gpuspot.yaml',
      'karpenter/nodepool-spot.yaml',
    ]);
  });

  test.each(awsEnvs)('%s: kustomization.yaml lists every file, and file names match kind and name', (envName) => {
    const files = render(ctxOf(envName));
    expectKustomizationListsEveryFile(files, 'karpenter');
    for (const [path, obj] of parsedFilesOf(ctxOf(envName))) {
      expect(path).toBe(`karpenter/${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`);
    }
  });

  test('rendering is deterministic', () => {
    expect([...render(ctxOf('aws-prod'))]).toEqual([...render(ctxOf('aws-prod'))]);
  });

  test('GPU NodePool: taint, capacity type, limits, disruption, node class', () => {
    const dev = nodePool(ctxOf('aws-dev'), 'gpu');
    // A Spot GPU pool carries the platform's Spot taint too: only pods meant for Spot GPUs land there.
    expect(dev.spec.template.spec.taints).toEqual([
      { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' },
      { key: 'platform-synth.io/spot', value: 'true', effect: 'NoSchedule' },
    ]);
    expect(requirement(dev, 'karpenter.sh/capacity-type')).toEqual(['spot']);
    expect(requirement(dev, 'node.kubernetes.io/instance-type')).toEqual(['g5.xlarge', 'g6.xlarge']);
    // max 2 × (1 GPU, 4 vCPUs per xlarge)
    expect(dev.spec.limits).toEqual({ 'nvidia.com/gpu': 2, cpu: 8, nodes: 2 });
    expect(dev.spec.disruption.consolidationPolicy).toBe('WhenEmpty');
    expect(dev.spec.disruption.consolidateAfter).toMatch(/^\d+[smh]$/);
    expect(dev.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' });
    expect(dev.spec.template.metadata.labels).toEqual({ 'platform-synth.io/pool': 'gpu', 'platform-synth.io/capacity': 'spot' });

    const prod = nodePool(ctxOf('aws-prod'), 'gpuspot');
    // max 8 × (1 GPU, 8 vCPUs per 2xlarge)
    expect(prod.spec.limits).toEqual({ 'nvidia.com/gpu': 8, cpu: 64, nodes: 8 });
  });

  test('GPU limits use the largest GPU and vCPU count among the sizes', () => {
    const spec = withAwsDev((env) => {
      env.cluster.gpuPools = [
        { name: 'train', sizes: ['g5.12xlarge', 'g5.48xlarge', 'g5.2xlarge'], min: 0, max: 3, capacity: 'on-demand', provisioner: 'karpenter' },
      ];
      // The default training job names the pool replaced here.
      env.workloads!.mlops!.training = [];
    });
    const pool = nodePool(ctxOf('aws-dev', spec), 'train');
    // g5.48xlarge: 8 GPUs, 192 vCPUs
    expect(pool.spec.limits).toEqual({ 'nvidia.com/gpu': 24, cpu: 576, nodes: 3 });
    expect(requirement(pool, 'karpenter.sh/capacity-type')).toEqual(['on-demand']);
    expect(pool.spec.template.metadata.labels['platform-synth.io/capacity']).toBe('on-demand');
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
  });

  test('node-group GPU pools get no NodePool, and no gpu node class when no pool uses it', () => {
    const spec = withAwsDev((env) => {
      env.cluster.gpuPools = [{ name: 'gpu', sizes: ['g5.xlarge'], min: 0, max: 2, capacity: 'on-demand', provisioner: 'node-group' }];
    });
    expect([...parsedFilesOf(ctxOf('aws-dev', spec)).keys()].sort()).toEqual(['karpenter/ec2nodeclass-default.yaml', 'karpenter/nodepool-spot.yaml']);
  });

  test('Spot NodePool: Spot first with on-demand fallback, consolidation, cpu limit', () => {
    const dev = nodePool(ctxOf('aws-dev'), 'spot');
    expect(requirement(dev, 'karpenter.sh/capacity-type')).toEqual(['spot', 'on-demand']);
    expect(requirement(dev, 'node.kubernetes.io/instance-type')).toEqual(['m6i.xlarge', 'm6a.xlarge', 'm7i.xlarge', 'm7a.xlarge']);
    expect(requirement(dev, 'kubernetes.io/arch')).toEqual(['amd64']);
    expect(requirement(dev, 'kubernetes.io/os')).toEqual(['linux']);
    // No capacity label: a fallback node is on-demand (karpenter.sh/capacity-type says which), so the pool cannot call its nodes `spot`.
    expect(dev.spec.template.metadata.labels).toEqual({ 'platform-synth.io/pool': 'spot' });
    // Tainted: once the system nodes are full, a pod that does not accept Spot (a database, an online API) waits for
    // Cluster Autoscaler to grow the system pool instead of being given a Spot node.
    expect(dev.spec.template.spec.taints).toEqual([{ key: 'platform-synth.io/spot', value: 'true', effect: 'NoSchedule' }]);
    expect(dev.spec.disruption).toMatchObject({ consolidationPolicy: 'WhenEmptyOrUnderutilized' });
    expect(dev.spec.disruption.consolidateAfter).toMatch(/^\d+[smh]$/);
    expect(dev.spec.template.spec.expireAfter).toMatch(/^\d+h$/);
    expect(dev.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' });
    // max 10 × c6i.xlarge (4 vCPUs, the largest)
    expect(dev.spec.limits).toEqual({ cpu: 40, nodes: 10 });
    // max 30 × c6i.2xlarge (8 vCPUs)
    // Sizes of 4 and 8 vCPUs: the cpu limit alone would let 60 of the smaller ones run; the node limit keeps the model's max.
    expect(nodePool(ctxOf('aws-prod'), 'spot').spec.limits).toEqual({ cpu: 240, nodes: 30 });
  });

  test.each(awsEnvs)('%s: EC2NodeClasses: role, pinned AMI, discovery tags, IMDSv2, encrypted gp3 root', (envName) => {
    const ctx = ctxOf(envName);
    const cluster = ctx.names.aws.clusterName;
    const sizes: Record<string, number> = {};
    for (const name of ['default', 'gpu']) {
      const spec = nodeClass(ctx, name).spec;
      expect(spec.role).toBe(`acme-${envName}-karpenter-node`);
      expect(spec.role).toBe(ctx.names.aws.karpenterNodeRoleName);
      expect(spec.instanceProfile).toBeUndefined(); // CEL: exactly one of role / instanceProfile
      expect(spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20260714' }]);
      expect(spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': cluster } }]);
      expect(spec.securityGroupSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': cluster } }]);
      expect(cluster).toBe(`acme-${envName}`);
      expect(spec.metadataOptions).toEqual({
        httpEndpoint: 'enabled',
        httpProtocolIPv6: 'disabled',
        httpPutResponseHopLimit: 1,
        httpTokens: 'required',
      });
      expect(spec.associatePublicIPAddress).toBe(false);
      expect(spec.blockDeviceMappings).toHaveLength(1);
      const root = spec.blockDeviceMappings[0];
      expect(root).toMatchObject({ rootVolume: true, ebs: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true } });
      sizes[name] = parseInt(root.ebs.volumeSize, 10);
      expect(spec.tags).toEqual(ctx.env.tags);
      expect(spec.tags.environment).toBe(envName);
    }
    expect(sizes.gpu).toBeGreaterThan(sizes.default);
  });

  test('the AMI alias comes from the model and is never @latest', () => {
    const spec = withAwsDev((env) => {
      env.cluster.karpenter = { amiAlias: 'al2023@v20250901' };
    });
    expect(nodeClass(ctxOf('aws-dev', spec), 'default').spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20250901' }]);
    for (const ctx of contexts().filter((c) => c.env.cloud === 'aws')) {
      for (const obj of parsedFilesOf(ctx).values()) {
        if (obj.kind !== 'EC2NodeClass') continue;
        for (const term of obj.spec.amiSelectorTerms) {
          // The CRD's CEL rules: family@version, supported family.
          expect(term.alias).toMatch(/^(al2|al2023|bottlerocket)@v\d+/);
          expect(term.alias).not.toMatch(/@latest$/);
        }
      }
    }
  });

  test('Azure environments get no Karpenter objects (the chart takes an AWS context only)', () => {
    const everyEnv = chartKit(PlatformChart).contexts();
    expect(everyEnv.filter((c) => c.env.cloud === 'azure')).not.toHaveLength(0);
    for (const ctx of everyEnv) {
      expect(
        buildCharts(newApp(), ctx)
          .map((c) => c.appName)
          .includes('karpenter'),
      ).toBe(ctx.env.cloud === 'aws');
    }
    expect(contexts().map((c) => c.env.name)).toEqual(awsEnvs);
  });

  test('a pool name shared by a spot and a Karpenter GPU pool is a clear error', () => {
    const spec = withAwsDev((env) => {
      env.cluster.gpuPools[0].name = 'spot';
      env.workloads!.mlops!.training![0].pool = 'spot';
    });
    expect(() => render(ctxOf('aws-dev', spec))).toThrow(/share the name "spot"/);
  });

  test('an unknown instance type is an error, not a zero limit', () => {
    const spec = withAwsDev((env) => {
      env.cluster.spotPools[0].sizes = ['x9.large'];
    });
    expect(() => render(ctxOf('aws-dev', spec))).toThrow(/unknown AWS instance type "x9.large"/);
  });

  describe('CRD schema', () => {
    const emitted = contexts()
      .filter((c) => c.env.cloud === 'aws')
      .flatMap((ctx) => [...parsedFilesOf(ctx)].map(([path, obj]) => [`${ctx.env.name}/${path}`, obj] as const));

    test('there is something to validate', () => {
      expect(emitted.length).toBe(8);
    });

    testEachValid(emitted, '%s is valid against its CRD');

    test.each(emitted.filter(([, o]) => o.kind === 'NodePool'))('%s respects the CRD CEL rules we rely on', (_path, obj) => {
      for (const r of obj.spec.template.spec.requirements) if (r.operator === 'In') expect(r.values.length).toBeGreaterThan(0);
      for (const key of Object.keys(obj.spec.template.metadata.labels)) {
        expect(key.split('/')[0]).not.toMatch(/karpenter\.sh$|karpenter\.k8s\.aws$/);
      }
      expect(obj.spec.template.metadata.labels['kubernetes.io/hostname']).toBeUndefined();
    });

    // A broken NodePool is caught by the same validator, at the right paths.
    test('the validator rejects a typo, a missing field, a bad enum and a bad pattern', () => {
      const [, pool] = emitted.find(([, o]) => o.kind === 'NodePool')!;
      const broken = structuredClone(pool);
      broken.spec.template.spec.nodeClasRef = broken.spec.template.spec.nodeClassRef; // typo
      delete broken.spec.template.spec.nodeClassRef;
      broken.spec.disruption.consolidationPolicy = 'Always';
      broken.spec.disruption.consolidateAfter = '5 minutes';
      const paths = validateManifest(broken).map((e) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'spec.template.spec.nodeClasRef',
          'spec.template.spec.nodeClassRef',
          'spec.disruption.consolidationPolicy',
          'spec.disruption.consolidateAfter',
        ]),
      );
    });
  });
});
