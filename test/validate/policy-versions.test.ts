import type { EnvironmentOutput, K8sObject } from '../../src/validate/output';
import { POLICY_RULES } from '../../src/validate/policy';

const FILE = 'env/terraform/platform/cdk.tf.json';
const env = (resource: Record<string, Record<string, any>>, ...objs: K8sObject[]): EnvironmentOutput => ({
  name: 'env',
  terraform: [{ file: FILE, stack: 'platform', json: { resource } }],
  manifests: objs.map((obj, i) => ({ file: `env/kubernetes/platform/${i}.yaml`, app: 'platform', obj })),
  files: [FILE],
});
const check = (id: string, e: EnvironmentOutput) => POLICY_RULES.find((r) => r.id === id)!.check({ env: e, cloud: 'aws', stage: 'prod' });

const eks = (extra: object = {}) => ({ aws_eks_cluster: { cluster: { name: 'c', version: '1.35', ...extra } } });
const group = (extra: object) => ({ cluster_name: '${aws_eks_cluster.cluster.name}', ...extra });
const nodeClass = (alias: string): K8sObject => ({
  apiVersion: 'karpenter.k8s.aws/v1',
  kind: 'EC2NodeClass',
  metadata: { name: 'default' },
  spec: { amiSelectorTerms: [{ alias }] },
});

describe('version and node image rules', () => {
  it('eks-upgrade-policy: the support type is set explicitly', () => {
    expect(check('eks-upgrade-policy', env(eks({ upgrade_policy: { support_type: 'STANDARD' } })))).toEqual([]);
    expect(check('eks-upgrade-policy', env(eks({ upgrade_policy: [{ support_type: 'EXTENDED' }] })))).toEqual([]);
    expect(check('eks-upgrade-policy', env(eks()))).toEqual([
      { file: FILE, resource: 'aws_eks_cluster.cluster', message: 'upgrade_policy.support_type is not set (STANDARD or EXTENDED)' },
    ]);
  });

  it("eks-node-group-release-pinned: release_version is set, for the group's minor", () => {
    const pinned = { version: '1.35', release_version: '1.35.6-20260714' };
    expect(check('eks-node-group-release-pinned', env({ ...eks(), aws_eks_node_group: { g: group(pinned) } }))).toEqual([]);
    expect(check('eks-node-group-release-pinned', env({ ...eks(), aws_eks_node_group: { g: group({}) } }))[0].message).toMatch(/release_version is not set/);
    // No version on the group: the cluster's minor counts.
    expect(check('eks-node-group-release-pinned', env({ ...eks(), aws_eks_node_group: { g: group({ release_version: '1.34.9-20260714' }) } }))[0].message).toBe(
      'release_version 1.34.9-20260714 is an AMI for Kubernetes 1.34, but the group runs 1.35',
    );
    expect(check('eks-node-group-release-pinned', env({ ...eks(), aws_eks_node_group: { g: group({ release_version: 'latest' }) } }))).toHaveLength(1);
  });

  it('eks-node-image-consistent: node groups and Karpenter run one AL2023 release', () => {
    const groups = { aws_eks_node_group: { a: group({ release_version: '1.35.6-20260714' }), b: group({ release_version: '1.35.6-20260714' }) } };
    expect(check('eks-node-image-consistent', env(groups, nodeClass('al2023@v20260714')))).toEqual([]);
    expect(check('eks-node-image-consistent', env(groups, nodeClass('bottlerocket@v1.50.0')))).toEqual([]);
    expect(check('eks-node-image-consistent', env(groups, nodeClass('al2023@v20250807')))).toEqual([
      {
        file: 'env/kubernetes/platform/0.yaml',
        resource: expect.stringContaining('EC2NodeClass'),
        message: 'amiSelectorTerms alias al2023@v20250807 is not the release the managed node groups run (v20260714)',
      },
    ]);
    const split = { aws_eks_node_group: { a: group({ release_version: '1.35.6-20260714' }), b: group({ release_version: '1.35.5-20260625' }) } };
    expect(check('eks-node-image-consistent', env(split))[0].message).toBe('managed node groups run different AMI releases (v20260625, v20260714)');
  });

  const aks = (pool: object, extra: object = {}) => ({
    azurerm_kubernetes_cluster: {
      k: { kubernetes_version: '1.35', node_os_upgrade_channel: 'NodeImage', default_node_pool: { name: 'system', ...pool }, ...extra },
    },
  });
  const userPool = (extra: object) => ({
    azurerm_kubernetes_cluster_node_pool: { spot: { kubernetes_cluster_id: '${azurerm_kubernetes_cluster.k.id}', ...extra } },
  });

  it("aks-node-pool-version: every pool carries the cluster's orchestrator_version", () => {
    expect(check('aks-node-pool-version', env({ ...aks({ orchestrator_version: '1.35' }), ...userPool({ orchestrator_version: '1.35' }) }))).toEqual([]);
    expect(check('aks-node-pool-version', env({ ...aks({}), ...userPool({ orchestrator_version: '1.34' }) }))).toEqual([
      { file: FILE, resource: 'azurerm_kubernetes_cluster.k default_node_pool system', message: 'orchestrator_version is not set' },
      { file: FILE, resource: 'azurerm_kubernetes_cluster_node_pool.spot', message: "orchestrator_version 1.34 is not the cluster's kubernetes_version 1.35" },
    ]);
  });

  it('aks-node-os-upgrade-channel: node images are patched by a channel', () => {
    expect(check('aks-node-os-upgrade-channel', env(aks({})))).toEqual([]);
    expect(check('aks-node-os-upgrade-channel', env(aks({}, { node_os_upgrade_channel: 'None' })))[0].message).toMatch(/is "None", not NodeImage/);
    expect(check('aks-node-os-upgrade-channel', env(aks({}, { node_os_upgrade_channel: undefined })))[0].message).toMatch(/is not set/);
  });
});
