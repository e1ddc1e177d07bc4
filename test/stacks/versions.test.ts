import { block, of, renderAwsPlatform, renderEnvironment } from './helpers';
import { EKS_AL2023_AMI_RELEASES } from '../../src/model/catalog';
import type { PlatformSpec } from '../../src/model/types';
import { defaultPlatform } from '../../src/platform';

function withCluster(envName: string, cluster: Partial<PlatformSpec['environments'][number]['cluster']>): PlatformSpec {
  const spec: PlatformSpec = structuredClone(defaultPlatform);
  const env = spec.environments.find((e) => e.name === envName)!;
  env.cluster = { ...env.cluster, ...cluster };
  return spec;
}

describe('EKS version and node images', () => {
  it('sets the upgrade policy explicitly: STANDARD by default, EXTENDED where the model asks', () => {
    expect(block(renderAwsPlatform('aws-prod').json.resource.aws_eks_cluster.cluster.upgrade_policy)).toEqual({ support_type: 'STANDARD' });
    const extended = renderAwsPlatform('aws-prod', withCluster('aws-prod', { upgradePolicy: 'EXTENDED' })).json;
    expect(block(extended.resource.aws_eks_cluster.cluster.upgrade_policy)).toEqual({ support_type: 'EXTENDED' });
  });

  it("pins every managed node group to the cluster's minor and the AMI release Karpenter's alias names", () => {
    const { json, env } = renderAwsPlatform('aws-prod');
    const groups = Object.values(of(json, 'aws_eks_node_group'));
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) {
      expect(g.version).toBe('1.35');
      expect(g.release_version).toBe(EKS_AL2023_AMI_RELEASES[env.cluster.amiRelease]['1.35']);
      expect(env.cluster.karpenter.amiAlias).toBe(`al2023@v${g.release_version.split('-')[1]}`);
    }
  });

  it('moves node groups and Karpenter together when the model picks another release', () => {
    const release = Object.keys(EKS_AL2023_AMI_RELEASES)[0];
    const { json, env } = renderAwsPlatform('aws-dev', withCluster('aws-dev', { kubernetesVersion: '1.34', amiRelease: release }));
    expect(of(json, 'aws_eks_node_group').system_node_group).toMatchObject({ version: '1.34', release_version: EKS_AL2023_AMI_RELEASES[release]['1.34'] });
    expect(env.cluster.karpenter.amiAlias).toBe(`al2023@${release}`);
  });
});

describe('AKS version', () => {
  it("gives the default and every user node pool the cluster's MAJOR.MINOR, so a minor upgrade reaches the nodes", () => {
    const json = renderEnvironment('azure-prod', withCluster('azure-prod', { kubernetesVersion: '1.36' })).stacks.platform;
    const aks = of(json, 'azurerm_kubernetes_cluster').kubernetes_cluster;
    expect(aks.kubernetes_version).toBe('1.36');
    expect(block(aks.default_node_pool).orchestrator_version).toBe('1.36');
    const pools = Object.values(of(json, 'azurerm_kubernetes_cluster_node_pool'));
    expect(pools.length).toBeGreaterThan(0);
    for (const p of pools) expect(p.orchestrator_version).toBe('1.36');
  });
});
