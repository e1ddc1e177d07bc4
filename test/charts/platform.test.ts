import { parse } from 'yaml';
import { PRIORITY_CLASSES } from '../../src/model/scheduling';
import { NODE_EXPORTER_NAMESPACE } from '../../src/model/observability';
import { WORKLOADS as WORKLOAD_MODULES } from '../../src/model/workloads';
import { PlatformChart, POD_SECURITY_REASON_ANNOTATION } from '../../charts/platform/platform';
import type { PlatformSpec } from '../../src/model/types';
import { validateManifest } from '../../src/validate/kubernetes';
import { chartKit, specWith, testEachValid } from './helpers';

const { contexts, render, objects, ofKind, all } = chartKit(PlatformChart);
const WORKLOADS = ['rag', 'mlops', 'lakehouse', 'edw'];

/** Only rag and edw switched on in azure-dev. */
function partialSpec(): PlatformSpec {
  return specWith('azure-dev', (azureDev) => {
    azureDev.workloads = { rag: azureDev.workloads!.rag, edw: azureDev.workloads!.edw, mlops: { enabled: false } };
  });
}
const partial = contexts(partialSpec()).find((c) => c.env.name === 'azure-dev')!;

describe('PlatformChart', () => {
  test.each(all)('%s: a namespace for platform-system, each enabled workload and the node exporter', (_name, ctx) => {
    expect(
      ofKind(ctx, 'Namespace')
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(['platform-system', ...WORKLOADS, NODE_EXPORTER_NAMESPACE].sort());
  });

  test('the node exporter’s namespace (kube-prometheus-stack sends its pods there) is privileged, saying why; none with observability off', () => {
    const [ns] = ofKind(partial, 'Namespace').filter((n) => n.metadata.name === NODE_EXPORTER_NAMESPACE);
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'platform-synth.io/tier': 'operator',
    });
    expect(ns.metadata.annotations[POD_SECURITY_REASON_ANNOTATION]).toMatch(/^prometheus-node-exporter 4\.56\.1 .*hostPath/);
    const off = contexts(specWith('azure-dev', (e) => (e.observability = { enabled: false }))).find((c) => c.env.name === 'azure-dev')!;
    expect(ofKind(off, 'Namespace').map((n) => n.metadata.name)).not.toContain(NODE_EXPORTER_NAMESPACE);
  });

  test('only enabled workloads get a namespace and guard rails', () => {
    expect(
      ofKind(partial, 'Namespace')
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(['edw', NODE_EXPORTER_NAMESPACE, 'platform-system', 'rag']);
    const namespaced = objects(partial).filter((o) => o.metadata.namespace);
    expect([...new Set(namespaced.map((o) => o.metadata.namespace))].sort()).toEqual(['edw', 'rag']);
  });

  test.each(all)(
    '%s: every namespace enforces Pod Security restricted but rag (Milvus) and mlops (Seldon, for the A/B test), each saying why; audit and warn restricted',
    (_name, ctx) => {
      const lowered: Record<string, RegExp> = {
        rag: /^Milvus: the Milvus 2\.5 image runs as root/,
        mlops: /^Seldon Core 1\.18\.2 gives the containers it adds no restricted/,
      };
      for (const ns of ofKind(ctx, 'Namespace').filter((n) => n.metadata.name !== NODE_EXPORTER_NAMESPACE)) {
        const why = lowered[ns.metadata.name];
        expect(ns.metadata.labels).toMatchObject({
          'pod-security.kubernetes.io/enforce': why ? 'baseline' : 'restricted',
          'pod-security.kubernetes.io/enforce-version': `v${ctx.env.cluster.kubernetesVersion}`,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        });
        if (why) expect(ns.metadata.annotations[POD_SECURITY_REASON_ANNOTATION]).toMatch(why);
        else expect(ns.metadata.annotations).toBeUndefined();
      }
    },
  );

  test('mlops enforces restricted where no model has an A/B test: only Seldon lowers it', () => {
    const spec = specWith('aws-dev', (e) => {
      for (const m of e.workloads!.mlops!.models ?? []) delete m.abTest;
    });
    const ctx = contexts(spec).find((c) => c.env.name === 'aws-dev')!;
    const mlops = ofKind(ctx, 'Namespace').find((n) => n.metadata.name === 'mlops');
    expect(mlops.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(mlops.metadata.annotations).toBeUndefined();
  });

  test("a workload namespace enforces the level the workload's module declares", () => {
    const ctx = all.find(([name]) => name === 'aws-dev')![1];
    const namespace = (name: string) => ofKind(ctx, 'Namespace').find((n) => n.metadata.name === name);
    expect(namespace('edw').metadata.labels['pod-security.kubernetes.io/enforce']).toBe(WORKLOAD_MODULES.edw.podSecurity.level);
    const replaced = jest.replaceProperty(WORKLOAD_MODULES, 'edw', { ...WORKLOAD_MODULES.edw, podSecurity: { level: 'baseline', reason: 'a test' } });
    try {
      expect(namespace('edw').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
      expect(namespace('edw').metadata.annotations).toEqual({ [POD_SECURITY_REASON_ANNOTATION]: 'a test' });
    } finally {
      replaced.restore();
    }
  });

  test.each(all)('%s: default deny (ingress and egress) in every workload namespace', (_name, ctx) => {
    const policies = ofKind(ctx, 'NetworkPolicy');
    for (const ns of WORKLOADS) {
      const denies = policies.filter((p) => p.metadata.namespace === ns && !p.spec.ingress && !p.spec.egress && p.spec.policyTypes.length === 2);
      expect(denies).toHaveLength(1);
      expect(denies[0].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
    // platform-system is left to the operator charts (webhooks, API server egress).
    expect(policies.filter((p) => p.metadata.namespace === 'platform-system')).toEqual([]);
  });

  test.each(all)('%s: DNS egress to kube-dns only, UDP and TCP 53', (_name, ctx) => {
    for (const ns of WORKLOADS) {
      const dns = ofKind(ctx, 'NetworkPolicy').filter((p) => p.metadata.namespace === ns && p.spec.egress);
      expect(dns).toHaveLength(1);
      expect(dns[0].spec).toEqual({
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      });
    }
  });

  test.each(all)('%s: a LimitRange with default requests and a memory limit in every workload namespace', (_name, ctx) => {
    const ranges = ofKind(ctx, 'LimitRange');
    expect(ranges.map((r) => r.metadata.namespace).sort()).toEqual([...WORKLOADS].sort());
    for (const r of ranges) {
      const [item] = r.spec.limits;
      expect(item.type).toBe('Container');
      expect(Object.keys(item.defaultRequest).sort()).toEqual(['cpu', 'memory']);
      expect(item.default.memory).toBeDefined();
    }
  });

  test.each(all)('%s: priority classes for platform, serving and batch', (_name, ctx) => {
    const classes = Object.fromEntries(ofKind(ctx, 'PriorityClass').map((p) => [p.metadata.name, p]));
    expect(Object.keys(classes).sort()).toEqual(Object.values(PRIORITY_CLASSES).sort());
    for (const pc of Object.values<any>(classes)) {
      expect(pc.globalDefault).toBe(false);
      expect(pc.description.length).toBeGreaterThan(10);
      expect(pc.value).toBeLessThanOrEqual(1_000_000_000); // the user-defined maximum
    }
    const critical = classes[PRIORITY_CLASSES.platformCritical];
    const online = classes[PRIORITY_CLASSES.online];
    const batch = classes[PRIORITY_CLASSES.batch];
    expect(critical.value).toBeGreaterThan(online.value);
    expect(online.value).toBeGreaterThan(batch.value);
    expect(batch.preemptionPolicy).toBe('Never');
    expect(online.preemptionPolicy).toBe('PreemptLowerPriority');
  });

  test.each(all)('%s: <kind>-<name>.yaml files, all listed in kustomization.yaml', (_name, ctx) => {
    const files = render(ctx);
    const kustomization = parse(files.get('platform/kustomization.yaml')!);
    const manifests = [...files.keys()].filter((p) => !p.endsWith('kustomization.yaml'));
    expect(kustomization).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: manifests.map((p) => p.replace('platform/', '')).sort(),
    });
    for (const path of manifests) {
      const obj = parse(files.get(path)!);
      expect(path).toBe(`platform/${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`);
    }
    // 6 namespaces (the node exporter's too), 3 priority classes, 2 policies and 1 LimitRange per workload namespace, EKS's default StorageClass
    expect(manifests).toHaveLength(6 + 3 + 3 * 4 + (ctx.env.cloud === 'aws' ? 1 : 0));
  });

  test.each(all)(
    '%s: the default StorageClass EKS lacks (gp3, encrypted, WaitForFirstConsumer); none on AKS, whose built-in default stays the only one',
    (_name, ctx) => {
      const classes = objects(ctx).filter((o) => o.kind === 'StorageClass');
      if (ctx.env.cloud === 'azure') {
        expect(classes).toEqual([]);
        return;
      }
      expect(classes).toHaveLength(1);
      expect(classes[0]).toMatchObject({
        metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: 'ebs.csi.aws.com',
        parameters: { type: 'gp3', encrypted: 'true' },
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Delete',
        allowVolumeExpansion: true,
      });
      expect(classes[0].metadata.namespace).toBeUndefined();
    },
  );

  test('rendering is deterministic', () => {
    const [, ctx] = all[0];
    expect([...render(ctx)]).toEqual([...render(ctx)]);
  });

  describe('Kubernetes 1.28 schema', () => {
    const emitted = [...all, ['azure-dev (partial)', partial] as const].flatMap(([name, ctx]) =>
      objects(ctx).map((o) => [`${name}: ${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`, o] as const),
    );

    testEachValid(emitted);

    test('the validator rejects unknown and mistyped fields', () => {
      const [, policy] = emitted.find(([, o]) => o.kind === 'NetworkPolicy')!;
      const broken = structuredClone(policy);
      broken.spec.policyType = ['Ingress'];
      broken.spec.podSelector = 'all';
      const errors = validateManifest(broken).map((e) => e.path);
      expect(errors).toEqual(expect.arrayContaining(['spec.policyType', 'spec.podSelector']));
    });
  });
});
