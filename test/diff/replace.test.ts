/** `npm run diff` on attribute changes that force replacement, planted in copies of a fresh synth. */
import * as path from 'path';
import { runDiff } from '../../src/diff/cli';
import { captureIo } from '../synth/helpers';
import { cleanUp, copyDist, editJson, freshDist } from './helpers';

const diff = (dist: string, env: string, ...args: string[]) => {
  const { io, out } = captureIo();
  const code = runDiff(['--dist', dist, '--env', env, ...args], io);
  return { code, out: out.join('\n') };
};

/** The first resource of `type` in a stack that passes `test` (there must be one): its name. */
const first = (tf: any, type: string, test: (body: any) => boolean = () => true) => {
  const names = Object.keys(tf.resource[type]).filter((n) => test(tf.resource[type][n]));
  expect(names.length).toBeGreaterThan(0);
  return names[0];
};

describe('npm run diff: in-place changes that force replacement', () => {
  afterAll(() => {
    cleanUp();
  });

  it('aws-dev: a node group capacity_type and an S3 bucket name are REPLACE with the attribute; scaling_config.max_size and tags are not', () => {
    const fresh = freshDist('replace-aws', 'aws-dev');
    const dist = copyDist(fresh, 'aws-replace');
    const platform = path.join(dist, 'aws-dev/terraform/platform/cdk.tf.json');
    const lakehouse = path.join(dist, 'aws-dev/terraform/lakehouse/cdk.tf.json');
    let group = '';
    let role = '';
    editJson(platform, (tf) => {
      group = first(tf, 'aws_eks_node_group');
      const body = tf.resource.aws_eks_node_group[group];
      body.capacity_type = body.capacity_type === 'SPOT' ? 'ON_DEMAND' : 'SPOT';
      role = first(tf, 'aws_iam_role');
      tf.resource.aws_iam_role[role].tags = { planted: 'yes' };
    });
    editJson(lakehouse, (tf) => (tf.resource.aws_s3_bucket.lakehouse.bucket = 'planted-bucket-name'));

    const result = diff(dist, 'aws-dev');
    expect(result.out).toContain(`    REPLACE aws_eks_node_group.${group} (capacity_type): capacity_type forces a new node group`);
    expect(result.out).toContain('    REPLACE aws_s3_bucket.lakehouse (bucket): bucket forces a new bucket');
    expect(result.out).toContain(`    ~ aws_iam_role.${role} (tags)\n`);
    expect(result.out).toMatch(
      /^REPLACE: 2 Terraform resources would be destroyed and recreated because an attribute that forces replacement changed in place$/m,
    );
    expect(result.out).toMatch(/^drift: .*: 2 REPLACE, 1 resource changed$/m);
    const report = JSON.parse(diff(dist, 'aws-dev', '--json').out);
    expect(report.summary).toMatchObject({ replaced: 2, replacedByAttribute: 2, replacedByAddress: 0, resourcesChanged: 1 });
    const lake = report.diffs[0].terraform.find((s: { stack: string }) => s.stack === 'lakehouse');
    expect(lake.entries).toEqual([
      {
        address: 'aws_s3_bucket.lakehouse',
        kind: 'resource',
        change: 'changed',
        attributes: ['bucket'],
        forced: [{ attribute: 'bucket', effect: 'replace', reason: 'bucket forces a new bucket' }],
      },
    ]);

    // Only scaling_config.max_size differs: an in-place update.
    const inPlace = copyDist(fresh, 'aws-in-place');
    editJson(path.join(inPlace, 'aws-dev/terraform/platform/cdk.tf.json'), (tf) => (tf.resource.aws_eks_node_group[group].scaling_config.max_size += 3));
    const quiet = diff(inPlace, 'aws-dev');
    expect(quiet.out).toContain(`    ~ aws_eks_node_group.${group} (scaling_config)`);
    expect(quiet.out).not.toContain('REPLACE');
    expect(quiet.out).not.toContain('not checked');
  });

  it('azure-dev: a Spot pool priority is REPLACE; a user pool and the default pool vm_size ROTATE (every pool has a rotation name)', () => {
    const dist = copyDist(freshDist('replace-azure', 'azure-dev'), 'azure-replace');
    const platform = path.join(dist, 'azure-dev/terraform/platform/cdk.tf.json');
    let spot = '';
    let gpu = '';
    editJson(platform, (tf) => {
      const pools = tf.resource.azurerm_kubernetes_cluster_node_pool;
      spot = first(tf, 'azurerm_kubernetes_cluster_node_pool', (p) => p.priority === 'Spot');
      gpu = first(tf, 'azurerm_kubernetes_cluster_node_pool', (p) => p !== pools[spot]);
      expect(pools[gpu].temporary_name_for_rotation).toBeTruthy();
      pools[spot].priority = 'Regular';
      pools[gpu].vm_size = 'Standard_planted';
      const cluster = tf.resource.azurerm_kubernetes_cluster[first(tf, 'azurerm_kubernetes_cluster')];
      expect(cluster.default_node_pool.temporary_name_for_rotation).toBeTruthy();
      cluster.default_node_pool.vm_size = 'Standard_planted';
    });
    const result = diff(dist, 'azure-dev');
    expect(result.out).toContain(`    REPLACE azurerm_kubernetes_cluster_node_pool.${spot} (priority): priority forces a new node pool`);
    expect(result.out).toMatch(new RegExp(`    ROTATE azurerm_kubernetes_cluster_node_pool\\.${gpu} \\(vm_size\\)`));
    expect(result.out).toMatch(
      / {4}ROTATE azurerm_kubernetes_cluster\.\w+ \(default_node_pool\): default_node_pool\.vm_size recreates the default node pool's nodes/,
    );
    expect(result.out).toMatch(/^drift: .*: 1 REPLACE, 2 ROTATE$/m);
  });
});
