import * as path from 'path';
import { CLUSTER_STORAGE, isZonalStorage } from '../../src/model/cluster';
import { MILVUS_OPERATOR_CLAIMS } from '../../src/model/operator-claims';
import { OPERATORS } from '../../src/model/operators';
import { readOutput, type EnvironmentOutput, type K8sObject } from '../../src/validate/output';
import { POLICY_RULES } from '../../src/validate/policy';
import type { PolicyContext } from '../../src/validate/policy/rule';

function k8sEnv(...objs: K8sObject[]): EnvironmentOutput {
  return { name: 'env', terraform: [], manifests: objs.map((obj, i) => ({ file: `env/kubernetes/app/${i}.yaml`, app: 'app', obj })), files: [] };
}

function check(ruleId: string, env: EnvironmentOutput, over: Partial<PolicyContext> = {}) {
  const rule = POLICY_RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return rule.check({ env, cloud: 'aws', stage: 'prod', zones: 3, ...over });
}

const gp3 = (isDefault = true): K8sObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'gp3', ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
  provisioner: 'ebs.csi.aws.com',
  parameters: { type: 'gp3', encrypted: 'true' },
});
const pvc = (name: string, storageClassName?: string, accessModes = ['ReadWriteOnce']): K8sObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'ml' },
  spec: { accessModes, ...(storageClassName !== undefined ? { storageClassName } : {}), resources: { requests: { storage: '10Gi' } } },
});
const job = (volume: Record<string, unknown>, pod: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'train', namespace: 'ml' },
  spec: { template: { spec: { ...pod, containers: [{ name: 'train', image: 'train:1' }], volumes: [{ name: 'ckpt', ...volume }] } } },
});
const milvus = (dependencies: Record<string, unknown>, mode = 'cluster'): K8sObject => ({
  apiVersion: 'milvus.io/v1beta1',
  kind: 'Milvus',
  metadata: { name: 'milvus', namespace: 'rag' },
  spec: { mode, dependencies },
});

describe('k8s-storage-class-exists', () => {
  const rule = 'k8s-storage-class-exists';

  test('EKS without a default class: a claim naming no class stays Pending (the Milvus defect); with the platform gp3 default it binds', () => {
    const [finding] = check(rule, k8sEnv(pvc('data')));
    expect(finding).toMatchObject({ resource: 'PersistentVolumeClaim ml/data' });
    expect(finding.message).toMatch(/no default one/);
    expect(check(rule, k8sEnv(gp3(), pvc('data')))).toEqual([]);
  });

  test('a named class must exist in the output or be built into the cluster: AKS has managed-csi-premium, EKS has nothing', () => {
    expect(check(rule, k8sEnv(pvc('data', 'managed-csi-premium')), { cloud: 'azure' })).toEqual([]);
    expect(check(rule, k8sEnv(pvc('data')), { cloud: 'azure' })).toEqual([]);
    const [eks] = check(rule, k8sEnv(gp3(), pvc('data', 'managed-csi-premium')));
    expect(eks.message).toMatch(/names StorageClass managed-csi-premium, which neither the output nor the cluster has \(gp3\)/);
    expect(check(rule, k8sEnv(gp3(false), pvc('data', 'gp3')))).toEqual([]);
  });

  test('volumeClaimTemplates and generic ephemeral volumes are claims too', () => {
    const sts: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'ml' },
      spec: { template: { spec: { containers: [] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'fast' } }] },
    };
    const ephemeral = job({ ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } });
    const findings = check(rule, k8sEnv(sts, ephemeral));
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^spec.volumeClaimTemplates\[0\] \(data\): names StorageClass fast/),
      expect.stringMatching(/^spec.template.spec.volumes\[0\] \(ckpt, ephemeral\): names no StorageClass/),
    ]);
    expect(check(rule, k8sEnv(gp3(), ephemeral))).toEqual([]);
  });

  test('storageClassName "" needs a PersistentVolume to bind to', () => {
    expect(check(rule, k8sEnv(gp3(), pvc('static', '')))[0].message).toMatch(/dynamic provisioning off/);
    expect(check(rule, k8sEnv(gp3(), pvc('static', ''), { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv' } }))).toEqual([]);
  });

  test('a second default class is reported on the class the output adds (AKS already has one)', () => {
    const [finding] = check(rule, k8sEnv(gp3()), { cloud: 'azure' });
    expect(finding).toMatchObject({ resource: 'StorageClass gp3' });
    expect(finding.message).toMatch(/beside default \(built into AKS\)/);
  });

  describe('claims the Milvus operator creates from the CR (data for its pinned version)', () => {
    test('the data is for the version the model pins', () => {
      expect(Object.keys(MILVUS_OPERATOR_CLAIMS)).toContain(OPERATORS['milvus-operator'].version);
    });

    test('cluster mode with defaults: etcd, MinIO and Pulsar volumes take the default class, which EKS lacks', () => {
      const findings = check(rule, k8sEnv(milvus({})));
      expect(findings.map((f) => f.message.split(' (created')[0])).toEqual([
        'etcd data',
        'MinIO data',
        'Pulsar ZooKeeper data',
        'Pulsar BookKeeper journal',
        'Pulsar BookKeeper ledgers',
      ]);
      expect(findings[0]).toMatchObject({ resource: 'Milvus rag/milvus' });
      expect(findings[0].message).toMatch(/created by milvus-operator 1\.3\.8\): names no StorageClass/);
      expect(check(rule, k8sEnv(gp3(), milvus({})))).toEqual([]);
    });

    test('explicit classes in the values are read where each chart takes them; external dependencies create no claim', () => {
      const cr = milvus({
        etcd: { inCluster: { values: { persistence: { storageClass: 'fast' } } } },
        storage: { external: true },
        pulsar: {
          inCluster: {
            values: { zookeeper: { volumes: { data: { storageClassName: 'gp3' } } }, bookkeeper: { volumes: { journal: { storageClassName: 'slow' } } } },
          },
        },
      });
      const messages = check(rule, k8sEnv(gp3(false), cr)).map((f) => f.message);
      expect(messages).toEqual([
        expect.stringMatching(/^etcd data .*names StorageClass fast/),
        expect.stringMatching(/^Pulsar BookKeeper journal .*names StorageClass slow/),
        expect.stringMatching(/^Pulsar BookKeeper ledgers .*names no StorageClass/),
      ]);
    });

    test('standalone: rocksmq claim from its persistence spec; only when enabled and no existing claim', () => {
      const deps = (persistence: Record<string, unknown>) => ({ etcd: { external: true }, storage: { external: true }, rocksmq: { persistence } });
      const on = { enabled: true, persistentVolumeClaim: { spec: { storageClassName: 'missing' } } };
      expect(check(rule, k8sEnv(gp3(), milvus(deps(on), 'standalone')))[0].message).toMatch(/^rocksmq data .*names StorageClass missing/);
      expect(check(rule, k8sEnv(milvus(deps({ ...on, persistentVolumeClaim: { existingClaim: 'mine' } }), 'standalone')))).toEqual([]);
      expect(check(rule, k8sEnv(milvus(deps({ enabled: false }), 'standalone')))).toEqual([]);
    });

    test('an operator version without data is reported, not guessed', () => {
      const argo: K8sObject = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'milvus-operator', namespace: 'argocd' },
        spec: { source: { repoURL: 'https://zilliztech.github.io/milvus-operator', chart: 'milvus-operator', targetRevision: '9.9.9' } },
      };
      const [finding] = check(rule, k8sEnv(gp3(), argo, milvus({})));
      expect(finding.message).toMatch(/milvus-operator 9\.9\.9 has no claim data/);
    });
  });
});

describe('k8s-zonal-volume-pins-job', () => {
  const rule = 'k8s-zonal-volume-pins-job';
  const claimed = { persistentVolumeClaim: { claimName: 'ckpt' } };

  test('fails: a retried Job on a 3-zone cluster mounting a pre-created ReadWriteOnce EBS claim (the training defect)', () => {
    const [finding] = check(rule, k8sEnv(gp3(), pvc('ckpt', 'gp3'), job(claimed)));
    expect(finding).toMatchObject({ resource: 'Job ml/train' });
    expect(finding.message).toMatch(/claim ckpt is a ReadWriteOnce volume of gp3, a zonal disk; .* of the 3 the cluster spans/);
    // The default class counts too; and CronJobs retry as well.
    expect(check(rule, k8sEnv(gp3(), pvc('ckpt'), job(claimed)))).toHaveLength(1);
    const cron: K8sObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'ml' },
      spec: { jobTemplate: job(claimed).spec && { spec: job(claimed).spec } },
    };
    expect(check(rule, k8sEnv(gp3(), pvc('ckpt', 'gp3'), cron))).toHaveLength(1);
  });

  test('fails on AKS Premium LRS disks, passes on zone-redundant ones and on Azure Files', () => {
    expect(check(rule, k8sEnv(pvc('ckpt', 'managed-csi-premium'), job(claimed)), { cloud: 'azure' })).toHaveLength(1);
    const zrs: K8sObject = { ...gp3(false), metadata: { name: 'zrs' }, provisioner: 'disk.csi.azure.com', parameters: { skuName: 'Premium_ZRS' } };
    expect(check(rule, k8sEnv(zrs, pvc('ckpt', 'zrs'), job(claimed)), { cloud: 'azure' })).toEqual([]);
    expect(check(rule, k8sEnv(pvc('ckpt', 'azurefile-csi'), job(claimed)), { cloud: 'azure' })).toEqual([]);
  });

  test('passes: a generic ephemeral volume (one per pod, in its zone), a shared ReadWriteMany volume, one zone, or a zone chosen on purpose', () => {
    const ephemeral = { ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3' } } } };
    expect(check(rule, k8sEnv(gp3(), job(ephemeral)))).toEqual([]);
    expect(check(rule, k8sEnv(gp3(), pvc('ckpt', 'gp3', ['ReadWriteMany']), job(claimed)))).toEqual([]);
    expect(check(rule, k8sEnv(gp3(), pvc('ckpt', 'gp3'), job(claimed)), { zones: 1 })).toEqual([]);
    const pinned = { nodeSelector: { 'topology.kubernetes.io/zone': 'eu-west-1a' } };
    expect(check(rule, k8sEnv(gp3(), pvc('ckpt', 'gp3'), job(claimed, pinned)))).toEqual([]);
  });

  test('a Deployment is not a retried job (a single-replica stateful server keeps its disk by design)', () => {
    const deployment: K8sObject = { ...job(claimed), kind: 'Deployment', apiVersion: 'apps/v1' };
    expect(check(rule, k8sEnv(gp3(), pvc('ckpt', 'gp3'), deployment))).toEqual([]);
  });
});

describe('storage data', () => {
  test('block classes are zonal disks that exist on their cloud', () => {
    expect(isZonalStorage(CLUSTER_STORAGE.aws.created[0])).toBe(true);
    expect(CLUSTER_STORAGE.azure.builtIn.map((c) => c.name)).toContain(CLUSTER_STORAGE.azure.block);
    expect(CLUSTER_STORAGE.aws.created.map((c) => c.name)).toContain(CLUSTER_STORAGE.aws.block);
    // One default per cloud: EKS's the platform's, AKS's its own.
    for (const cloud of ['aws', 'azure'] as const)
      expect([...CLUSTER_STORAGE[cloud].builtIn, ...CLUSTER_STORAGE[cloud].created].filter((c) => c.isDefault)).toHaveLength(1);
  });

  test('the committed dist: StorageClasses come only from the platform app', () => {
    const output = readOutput(path.resolve(__dirname, '../../dist'));
    const classes = output.environments.flatMap((e) => e.manifests.filter((m) => m.obj.kind === 'StorageClass'));
    expect(classes.map((m) => m.file).sort()).toEqual([
      'aws-dev/kubernetes/platform/storageclass-gp3.yaml',
      'aws-prod/kubernetes/platform/storageclass-gp3.yaml',
    ]);
  });
});
