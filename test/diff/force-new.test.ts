/** The force-new list and its use by compareStack, on small hand-made stacks. */
import * as fs from 'fs';
import * as path from 'path';
import { checkForceNew, FORCE_NEW, valueAt } from '../../src/diff/force-new';
import { totals } from '../../src/diff/report';
import { compareStack } from '../../src/diff/terraform';

const AWS = { aws: { source: 'registry.terraform.io/hashicorp/aws', version: '6.25.0' } };
const AZURERM = { azurerm: { source: 'registry.terraform.io/hashicorp/azurerm', version: '4.55.0' } };

const NODE_GROUP = {
  cluster_name: 'acme',
  node_group_name: 'system',
  capacity_type: 'ON_DEMAND',
  instance_types: ['m6i.large'],
  scaling_config: { desired_size: 2, max_size: 4, min_size: 2 },
  subnet_ids: ['${aws_subnet.a.id}'],
  tags: { project: 'acme' },
};
const stack = (providers: object, resource: object) => ({ terraform: { required_providers: providers }, resource });
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** The changed entry for `address` when `edit` is applied to a copy of `resource` (committed → synthesized). */
function changed(providers: object, resource: Record<string, Record<string, object>>, address: string, edit: (r: any) => void) {
  const after = copy(resource);
  edit(after);
  const diff = compareStack('s', 'f', stack(providers, resource), stack(providers, after))!;
  return diff.entries.find((e) => e.address === address)!;
}

describe('force-new attribute changes', () => {
  const aws = { aws_eks_node_group: { system: NODE_GROUP }, aws_s3_bucket: { lake: { bucket: 'acme-lake' } } };

  it('a node group capacity_type change is a REPLACE with the attribute and why; counted as a replacement', () => {
    const entry = changed(AWS, aws, 'aws_eks_node_group.system', (r) => (r.aws_eks_node_group.system.capacity_type = 'SPOT'));
    expect(entry.forced).toEqual([{ attribute: 'capacity_type', effect: 'replace', reason: 'capacity_type forces a new node group' }]);
    expect(entry.unchecked).toBeUndefined();
    expect(
      totals([{ environment: 'e', change: 'changed', terraform: [{ ...compareStackOf(entry), entries: [entry] }], kubernetes: [], files: [] }]),
    ).toMatchObject({
      replaced: 1,
      replacedByAttribute: 1,
      resourcesChanged: 0,
    });
  });

  it('scaling_config.max_size and tags change in place: no forced change, nothing unchecked', () => {
    const entry = changed(AWS, aws, 'aws_eks_node_group.system', (r) => {
      r.aws_eks_node_group.system.scaling_config.max_size = 9;
      r.aws_eks_node_group.system.tags.owner = 'data';
    });
    expect(entry.attributes).toEqual(['scaling_config', 'tags']);
    expect(entry.forced).toBeUndefined();
    expect(entry.unchecked).toBeUndefined();
  });

  it('an S3 bucket name change in place (same address) is a REPLACE', () => {
    const entry = changed(AWS, aws, 'aws_s3_bucket.lake', (r) => (r.aws_s3_bucket.lake.bucket = 'acme-lakehouse'));
    expect(entry.forced?.map((f) => `${f.effect} ${f.attribute}`)).toEqual(['replace bucket']);
  });

  it('instance_types and subnet_ids (lists) force a new node group; a ForceNew block only when added or removed', () => {
    const entry = changed(AWS, aws, 'aws_eks_node_group.system', (r) => {
      r.aws_eks_node_group.system.instance_types = ['m6i.xlarge'];
      r.aws_eks_node_group.system.subnet_ids = ['${aws_subnet.b.id}'];
      r.aws_eks_node_group.system.remote_access = { ec2_ssh_key: 'k' };
    });
    expect(entry.forced?.map((f) => f.attribute)).toEqual(['instance_types', 'subnet_ids', 'remote_access.ec2_ssh_key', 'remote_access']);
  });

  it('aws_db_instance.identifier renames in place in provider 6.x; storage_encrypted forces a new instance', () => {
    const db = { aws_db_instance: { main: { identifier: 'acme', storage_encrypted: true, instance_class: 'db.t4g.medium' } } };
    expect(changed(AWS, db, 'aws_db_instance.main', (r) => (r.aws_db_instance.main.identifier = 'acme-2')).forced).toBeUndefined();
    expect(changed(AWS, db, 'aws_db_instance.main', (r) => (r.aws_db_instance.main.storage_encrypted = false)).forced?.map((f) => f.attribute)).toEqual([
      'storage_encrypted',
    ]);
  });

  it('a type or provider version without a list is reported as not checked, never as in place', () => {
    const eip = { aws_eip: { nat: { domain: 'vpc', tags: { a: 'b' } } } };
    expect(changed(AWS, eip, 'aws_eip.nat', (r) => (r.aws_eip.nat.domain = 'standard')).unchecked).toBe(
      'no force-new list for aws_eip in hashicorp/aws 6.25.0',
    );
    // A change of tags only cannot replace anything: no note.
    expect(changed(AWS, eip, 'aws_eip.nat', (r) => (r.aws_eip.nat.tags = { a: 'c' })).unchecked).toBeUndefined();
    const newer = { aws: { source: 'hashicorp/aws', version: '6.30.0' } };
    const entry = changed(newer, aws, 'aws_eks_node_group.system', (r) => (r.aws_eks_node_group.system.capacity_type = 'SPOT'));
    expect(entry.forced).toBeUndefined();
    expect(entry.unchecked).toBe('no force-new list for hashicorp/aws 6.30.0 (lists: 6.25.0)');
  });
});

/** The StackDiff fields totals() needs beside entries. */
const compareStackOf = (_e: unknown) => ({
  stack: 's',
  file: 'f',
  change: 'changed' as const,
  replacements: [],
  counts: { resources: 1, dataSources: 0, outputs: 0 },
});

describe('AKS node pools: replacement and rotation (azurerm 4.55.0)', () => {
  const pools = {
    azurerm_kubernetes_cluster_node_pool: { spot: { name: 'spot', priority: 'Spot', vm_size: 'Standard_D4s_v5', eviction_policy: 'Delete', max_count: 3 } },
    azurerm_kubernetes_cluster: {
      aks: {
        name: 'acme',
        default_node_pool: { name: 'system', vm_size: 'Standard_D4s_v5', temporary_name_for_rotation: 'systemtmp', max_count: 3 },
        network_profile: { network_plugin: 'azure', network_policy: 'calico' },
      },
    },
  };
  const pool = (edit: (p: any) => void) =>
    changed(AZURERM, pools, 'azurerm_kubernetes_cluster_node_pool.spot', (r) => edit(r.azurerm_kubernetes_cluster_node_pool.spot));
  const cluster = (edit: (c: any) => void) => changed(AZURERM, pools, 'azurerm_kubernetes_cluster.aks', (r) => edit(r.azurerm_kubernetes_cluster.aks));

  it('a pool priority change forces a new node pool; max_count does not', () => {
    expect(pool((p) => (p.priority = 'Regular')).forced).toEqual([{ attribute: 'priority', effect: 'replace', reason: 'priority forces a new node pool' }]);
    expect(pool((p) => (p.max_count = 5)).forced).toBeUndefined();
  });

  it('a pool vm_size change without temporary_name_for_rotation fails the apply (BLOCKED); with it, the pool rotates', () => {
    expect(pool((p) => (p.vm_size = 'Standard_D8s_v5')).forced).toEqual([
      expect.objectContaining({ attribute: 'vm_size', effect: 'blocked', reason: expect.stringMatching(/temporary_name_for_rotation is unset/) }),
    ]);
    const rotated = pool((p) => Object.assign(p, { vm_size: 'Standard_D8s_v5', temporary_name_for_rotation: 'spottmp' })).forced!;
    expect(rotated.map((f) => `${f.effect} ${f.attribute}`)).toEqual(['rotate vm_size']);
    expect(rotated[0].reason).toContain('"spottmp"');
  });

  it('default_node_pool: vm_size rotates (rotation name set), renaming the pool replaces the cluster', () => {
    expect(cluster((c) => (c.default_node_pool.vm_size = 'Standard_D8s_v5')).forced?.map((f) => `${f.effect} ${f.attribute}`)).toEqual([
      'rotate default_node_pool.vm_size',
    ]);
    expect(cluster((c) => (c.default_node_pool.name = 'core')).forced?.map((f) => `${f.effect} ${f.attribute}`)).toEqual(['replace default_node_pool.name']);
    expect(cluster((c) => (c.default_node_pool.max_count = 6)).forced).toBeUndefined();
  });

  it('conditional ForceNew: network_policy only once one was set; drain timeout only when unset', () => {
    expect(cluster((c) => (c.network_profile.network_policy = 'cilium')).forced?.[0].reason).toBe(
      'network_profile.network_policy forces a new AKS cluster (when a network policy was already set)',
    );
    const unset = copy(pools);
    delete (unset.azurerm_kubernetes_cluster.aks.network_profile as { network_policy?: string }).network_policy;
    expect(
      changed(AZURERM, unset, 'azurerm_kubernetes_cluster.aks', (r) => (r.azurerm_kubernetes_cluster.aks.network_profile.network_policy = 'cilium')).forced,
    ).toBeUndefined();
    expect(
      checkForceNew(
        'azurerm_kubernetes_cluster_node_pool',
        { upgrade_settings: { drain_timeout_in_minutes: 30 } },
        { upgrade_settings: {} },
        ['upgrade_settings'],
        'hashicorp/azurerm',
        '4.55.0',
      ).forced,
    ).toHaveLength(1);
    expect(
      checkForceNew(
        'azurerm_kubernetes_cluster_node_pool',
        { upgrade_settings: {} },
        { upgrade_settings: { drain_timeout_in_minutes: 30 } },
        ['upgrade_settings'],
        'hashicorp/azurerm',
        '4.55.0',
      ).forced,
    ).toEqual([]);
  });
});

describe('valueAt', () => {
  it('reads through blocks rendered as objects or one-element lists, and maps over longer lists', () => {
    expect(valueAt({ a: { b: 1 } }, 'a.b')).toBe(1);
    expect(valueAt({ a: [{ b: 1 }] }, 'a.b')).toBe(1);
    expect(valueAt({ a: [{ b: 1 }, { b: 2 }] }, 'a.b')).toEqual([1, 2]);
    expect(valueAt({ a: ['x'] }, 'a')).toEqual(['x']);
    expect(valueAt({}, 'a.b')).toBeUndefined();
  });
});

describe('the list itself', () => {
  /** The bundled provider schemas (one version off the list's, same attribute names): every listed path must exist. */
  const schemaOf = (name: string) => {
    const json = JSON.parse(fs.readFileSync(path.join(__dirname, '../../src/validate/schemas', `terraform-${name}.json`), 'utf8'));
    return Object.values(json.provider_schemas as Record<string, { resource_schemas: Record<string, { block: Block }> }>)[0].resource_schemas;
  };
  interface Block {
    attributes?: Record<string, unknown>;
    block_types?: Record<string, { block: Block }>;
  }
  const exists = (block: Block | undefined, segments: string[]): boolean => {
    if (!block) return false;
    const [head, ...rest] = segments;
    if (rest.length === 0) return head in (block.attributes ?? {}) || head in (block.block_types ?? {});
    return exists(block.block_types?.[head]?.block, rest);
  };

  it.each(FORCE_NEW.map((p) => [p.provider, p]))(
    '%s: every path names an attribute of the provider schema, and every entry cites its source',
    (_name, list) => {
      const schemas = schemaOf(list.provider.split('/')[1]);
      const missing: string[] = [];
      for (const [type, resource] of Object.entries(list.resources)) {
        expect(resource.source).toMatch(/^hashicorp\/terraform-provider-(aws|azurerm) internal\/services?\//);
        if (!schemas[type]) continue;
        for (const rule of resource.rules) if (!exists(schemas[type].block, rule.path.split('.'))) missing.push(`${type}.${rule.path}`);
      }
      expect(missing).toEqual([]);
    },
  );

  it('the versions listed are the ones the cdktf provider packages bind', () => {
    const bound = (pkg: string) => JSON.parse(fs.readFileSync(require.resolve(`@cdktf/${pkg}/package.json`), 'utf8')).cdktf.provider.version;
    expect(FORCE_NEW.map((p) => `${p.provider} ${p.version}`)).toEqual([
      `hashicorp/aws ${bound('provider-aws')}`,
      `hashicorp/azurerm ${bound('provider-azurerm')}`,
    ]);
  });
});
