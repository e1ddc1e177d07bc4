/**
 * Which in-place attribute changes make Terraform destroy and recreate a resource (ForceNew in the
 * provider's schema, or a CustomizeDiff that calls ForceNew), per provider version and resource type.
 * Provider schemas (`terraform providers schema -json`) do not carry this; it lives in provider source,
 * so it is kept here by hand, each entry naming the provider file it was read from.
 *
 * Only what a version lists is known: a resource type or provider version missing here is reported as
 * "not checked", never as in-place. Facts were read from hashicorp/terraform-provider-azurerm at tag
 * v4.55.0 (the version @cdktf/provider-azurerm 14.23.1 binds) and from stored snapshots of
 * hashicorp/terraform-provider-aws files (the commit named per entry; the v6.25.0 tag that
 * @cdktf/provider-aws 21.22.1 binds could not be checked out, see `verified`).
 */
import { canonical, isPlain } from './values';

/** `replace`: Terraform plans destroy-and-create. `rotate`: the provider recreates a node pool's nodes in place through `temporary_name_for_rotation`. */
export type ForceNewEffect = 'replace' | 'rotate';

export interface ForceNewRule {
  /** Dotted path through nested blocks, without list indices: `default_node_pool.vm_size`. */
  readonly path: string;
  readonly effect?: ForceNewEffect;
  /** Only when the provider's CustomizeDiff condition holds for the two values; `describe` says when. */
  readonly when?: { readonly test: (before: unknown, after: unknown) => boolean; readonly describe: string };
  /** For `rotate`: the attribute that must be set on the synthesized side, or the provider fails the apply. */
  readonly rotation?: string;
  /**
   * A ForceNew block: the SDK forces a new resource when the block is added or removed (its count
   * changes); changes inside it follow the nested attributes' own rules.
   */
  readonly block?: true;
}

export interface ResourceForceNew {
  /** What a replacement recreates, for the report: `node group`. */
  readonly noun: string;
  /** The provider source file (and the commit or tag) the rules were read from. */
  readonly source: string;
  readonly rules: readonly ForceNewRule[];
}

export interface ProviderForceNew {
  /** `hashicorp/aws` */
  readonly provider: string;
  readonly version: string;
  /** How the version's source was read, for the report and the README. */
  readonly verified: string;
  readonly resources: Readonly<Record<string, ResourceForceNew>>;
}

const always = (...paths: string[]): ForceNewRule[] => paths.map((path) => ({ path }));
const block = (path: string): ForceNewRule => ({ path, block: true });
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));

const AWS_REPO = 'hashicorp/terraform-provider-aws';
const aws = (file: string, commit: string) => `${AWS_REPO} internal/service/${file} (stored snapshot ${commit.slice(0, 12)})`;

const AWS_6_25_0: ProviderForceNew = {
  provider: 'hashicorp/aws',
  version: '6.25.0',
  verified:
    'read from stored snapshots of the provider files (commits named per entry), not the v6.25.0 tag; aws_db_instance.identifier is left out because #31232 (provider 5.0) made it renamable in place',
  resources: {
    aws_eks_cluster: {
      noun: 'EKS cluster',
      source: aws('eks/cluster.go', '00555dc5b38f92abbfa230badea0ed0754cea81e'),
      // vpc_config.subnet_ids, security_group_ids, endpoint access and version update in place.
      rules: [
        ...always(
          'name',
          'role_arn',
          'bootstrap_self_managed_addons',
          'access_config.bootstrap_cluster_creator_admin_permissions',
          'kubernetes_network_config.ip_family',
          'kubernetes_network_config.service_ipv4_cidr',
          'outpost_config.control_plane_instance_type',
        ),
        block('remote_network_config'),
        // customdiff.ForceNewIfChange("encryption_config"): envelope encryption cannot be turned off.
        {
          path: 'encryption_config',
          when: { test: (b, a) => b !== undefined && b !== null && (a === undefined || a === null), describe: 'when encryption_config is removed' },
        },
      ],
    },
    aws_eks_node_group: {
      noun: 'node group',
      source: aws('eks/node_group.go', '012e0a32f0686212f447447fd3d81c3d0ce256ad'),
      // scaling_config, update_config, labels, taint, version, release_version and launch_template.version update in place.
      rules: always(
        'ami_type',
        'capacity_type',
        'cluster_name',
        'disk_size',
        'instance_types',
        'node_group_name',
        'node_group_name_prefix',
        'node_role_arn',
        'subnet_ids',
        'launch_template.id',
        'launch_template.name',
        'remote_access.ec2_ssh_key',
        'remote_access.source_security_group_ids',
      ).concat(block('remote_access')),
    },
    aws_db_instance: {
      noun: 'DB instance',
      source: aws('rds/instance.go', '00e4b23838859616dd0ebc9d1fd9364c0f6bff22'),
      // instance_class, engine_version, allocated_storage, db_subnet_group_name, multi_az, … update in place.
      rules: always(
        'availability_zone',
        'character_set_name',
        'custom_iam_instance_profile',
        'db_name',
        'engine',
        'kms_key_id',
        'nchar_character_set_name',
        'snapshot_identifier',
        'storage_encrypted',
        'timezone',
        'username',
      ).concat(block('restore_to_point_in_time')),
    },
    aws_s3_bucket: {
      noun: 'bucket',
      // The file's repository and commit are not confirmed: found by text search of stored sources (ForceNew on these three).
      source: `${AWS_REPO} internal/service/s3/bucket.go (stored text, commit unconfirmed)`,
      rules: always('bucket', 'bucket_prefix', 'object_lock_enabled'),
    },
    aws_sqs_queue: {
      noun: 'queue',
      source: aws('sqs/queue.go', '00a35305dc1b297a6fcdecdfbba33f1e63c3da39'),
      rules: always('name', 'name_prefix', 'fifo_queue'),
    },
    aws_iam_role: {
      noun: 'IAM role',
      source: aws('iam/role.go', '0040ea6911af00bea2cca6dbb14e86829826ad8e'),
      rules: always('name', 'name_prefix', 'path'),
    },
    aws_dynamodb_table: {
      noun: 'DynamoDB table',
      source: aws('dynamodb/table.go', '01335dd3cd3dff10ace08b5250b7302d4dbb0e04'),
      rules: always(
        'name',
        'hash_key',
        'range_key',
        'local_secondary_index.name',
        'local_secondary_index.range_key',
        'local_secondary_index.projection_type',
        'local_secondary_index.non_key_attributes',
        'restore_source_name',
        'restore_to_latest_time',
        'restore_date_time',
      ).concat(block('local_secondary_index')),
    },
    aws_vpc: {
      noun: 'VPC',
      source: aws('ec2/vpc_.go', '00081ce41cc691433ac19bf42227cdabffd0454d'),
      rules: always('cidr_block', 'ipv4_ipam_pool_id', 'ipv4_netmask_length'),
    },
    aws_subnet: {
      noun: 'subnet',
      source: aws('ec2/vpc_subnet.go', '00cda125a19d31754cb0d073cf551264c57955cb'),
      rules: always(
        'availability_zone',
        'availability_zone_id',
        'cidr_block',
        'vpc_id',
        // The snapshot also has ForceNew IPAM attributes (ipv4_ipam_pool_id, …) that the aws 6.19.0 schema lacks: left out, unverified for 6.25.0.
        'ipv6_native',
        'outpost_arn',
      ),
    },
    aws_kms_key: {
      noun: 'KMS key',
      source: aws('kms/key.go', '00a35305dc1b297a6fcdecdfbba33f1e63c3da39'),
      rules: always('custom_key_store_id', 'customer_master_key_spec', 'key_usage', 'multi_region', 'xks_key_id'),
    },
  },
};

const AZ_TAG = 'v4.55.0';
const az = (file: string) => `hashicorp/terraform-provider-azurerm internal/services/${file} (tag ${AZ_TAG})`;
/** commonschema.Location() and commonschema.ResourceGroupName() are ForceNew. */
const PLACE = ['location', 'resource_group_name'];

/** The properties the provider cycles a pool for (`cycleNodePoolProperties` in its Update). */
const CYCLED = [
  'fips_enabled',
  'host_encryption_enabled',
  'kubelet_config',
  'kubelet_disk_type',
  'linux_os_config',
  'max_pods',
  'node_public_ip_enabled',
  'os_disk_size_gb',
  'os_disk_type',
  'pod_subnet_id',
  'snapshot_id',
  'ultra_ssd_enabled',
  'vm_size',
  'vnet_subnet_id',
  'zones',
];
const rotated = (prefix: string, extra: string[] = []): ForceNewRule[] =>
  [...CYCLED, ...extra].map((p) => ({ path: `${prefix}${p}`, effect: 'rotate', rotation: `${prefix}temporary_name_for_rotation` }));
/** ForceNewIfChange("…drain_timeout_in_minutes"): old != 0 && new == 0. */
const drainTimeout = (path: string): ForceNewRule => ({
  path,
  when: { test: (b, a) => num(b) !== 0 && num(a) === 0, describe: 'when it is unset after being set' },
});

const AZURERM_4_55_0: ProviderForceNew = {
  provider: 'hashicorp/azurerm',
  version: '4.55.0',
  verified: `read from hashicorp/terraform-provider-azurerm at tag ${AZ_TAG}`,
  resources: {
    azurerm_kubernetes_cluster: {
      noun: 'AKS cluster',
      source: az('containers/kubernetes_cluster_resource.go and containers/kubernetes_nodepool.go'),
      rules: [
        ...always(
          'name',
          ...PLACE,
          'dns_prefix',
          'dns_prefix_private_cluster',
          'node_resource_group',
          'private_cluster_enabled',
          'private_dns_zone_id',
          'role_based_access_control_enabled',
          'disk_encryption_set_id',
          'network_profile.network_plugin',
          'network_profile.network_mode',
          'network_profile.dns_service_ip',
          'network_profile.pod_cidr',
          'network_profile.pod_cidrs',
          'network_profile.service_cidr',
          'network_profile.service_cidrs',
          'network_profile.load_balancer_sku',
          'network_profile.ip_versions',
          'default_node_pool.type',
          'default_node_pool.capacity_reservation_group_id',
          'default_node_pool.gpu_instance',
          'default_node_pool.node_public_ip_prefix_id',
          'default_node_pool.proximity_placement_group_id',
          'default_node_pool.host_group_id',
        ),
        // ForceNewIf("default_node_pool.0.name"): renaming the default pool recreates the cluster
        // (unless the old name is the rotation name, i.e. a resize that failed half-way).
        { path: 'default_node_pool.name' },
        drainTimeout('default_node_pool.upgrade_settings.drain_timeout_in_minutes'),
        {
          path: 'network_profile.network_policy',
          when: { test: (b) => str(b) !== '', describe: 'when a network policy was already set' },
        },
        {
          path: 'network_profile.network_data_plane',
          when: { test: (b) => str(b) !== '', describe: 'when a data plane was already set' },
        },
        {
          path: 'network_profile.network_plugin_mode',
          when: { test: (_b, a) => str(a).toLowerCase() !== 'overlay', describe: 'unless the new mode is overlay' },
        },
        ...rotated('default_node_pool.', ['only_critical_addons_enabled']),
      ],
    },
    azurerm_kubernetes_cluster_node_pool: {
      noun: 'node pool',
      source: az('containers/kubernetes_cluster_node_pool_resource.go'),
      rules: [
        ...always(
          'name',
          'kubernetes_cluster_id',
          'host_group_id',
          'capacity_reservation_group_id',
          'eviction_policy',
          'gpu_instance',
          'node_public_ip_prefix_id',
          'os_type',
          'priority',
          'proximity_placement_group_id',
          'spot_max_price',
          'windows_profile.outbound_nat_enabled',
        ),
        drainTimeout('upgrade_settings.drain_timeout_in_minutes'),
        ...rotated(''),
      ],
    },
    azurerm_storage_account: {
      noun: 'storage account',
      source: az('storage/storage_account_resource.go'),
      rules: [
        ...always(
          'name',
          ...PLACE,
          'account_tier',
          'edge_zone',
          'is_hns_enabled',
          'nfsv3_enabled',
          'dns_endpoint_type',
          'queue_encryption_key_type',
          'table_encryption_key_type',
          'infrastructure_encryption_enabled',
        ),
        {
          path: 'account_kind',
          when: { test: (b, a) => !(str(b) === 'Storage' && str(a) === 'StorageV2'), describe: 'except Storage → StorageV2' },
        },
        {
          path: 'account_replication_type',
          when: {
            test: (b, a) => {
              const zonal = (v: unknown) => ['ZRS', 'GZRS', 'RAGZRS'].includes(str(v).toUpperCase());
              const local = (v: unknown) => ['LRS', 'GRS', 'RAGRS'].includes(str(v).toUpperCase());
              return (local(b) && zonal(a)) || (zonal(b) && local(a));
            },
            describe: 'between zone-redundant and non-zone-redundant',
          },
        },
      ],
    },
    azurerm_postgresql_flexible_server: {
      noun: 'PostgreSQL server',
      source: az('postgres/postgresql_flexible_server_resource.go'),
      rules: [
        ...always('name', ...PLACE, 'delegated_subnet_id', 'point_in_time_restore_time_in_utc', 'source_server_id', 'geo_redundant_backup_enabled'),
        { path: 'version', when: { test: (b, a) => num(b) > num(a), describe: 'when downgraded' } },
        { path: 'administrator_login', when: { test: (b) => str(b) !== '', describe: 'once set' } },
        { path: 'storage_mb', when: { test: (b, a) => num(a) > 0 && num(b) > num(a), describe: 'when shrunk' } },
      ],
    },
    azurerm_key_vault: {
      noun: 'key vault',
      source: az('keyvault/key_vault_resource.go'),
      // tenant_id, sku_name, network_acls and purge_protection_enabled (on) update in place.
      rules: always('name', ...PLACE),
    },
    azurerm_cognitive_account: {
      noun: 'cognitive account',
      source: az('cognitive/cognitive_account_resource.go'),
      rules: [...always('name', ...PLACE, 'kind'), { path: 'custom_subdomain_name', when: { test: (b) => str(b) !== '', describe: 'once set' } }],
    },
    azurerm_subnet: {
      noun: 'subnet',
      source: az('network/subnet_resource.go'),
      rules: always('name', 'resource_group_name', 'virtual_network_name'),
    },
    azurerm_virtual_network: {
      noun: 'virtual network',
      source: az('network/virtual_network_resource.go'),
      // address_space updates in place.
      rules: always('name', ...PLACE, 'edge_zone'),
    },
    azurerm_resource_group: {
      noun: 'resource group',
      source: az('resource/resource_group_resource.go'),
      rules: always('name', 'location'),
    },
    azurerm_user_assigned_identity: {
      noun: 'managed identity',
      source: az('managedidentity/user_assigned_identity_resource.go'),
      rules: always('name', ...PLACE),
    },
    azurerm_container_registry: {
      noun: 'container registry',
      source: az('containers/container_registry_resource.go'),
      rules: always('name', ...PLACE, 'zone_redundancy_enabled'),
    },
  },
};

export const FORCE_NEW: readonly ProviderForceNew[] = [AWS_6_25_0, AZURERM_4_55_0];

export function forceNewFor(provider: string, version: string | undefined): ProviderForceNew | undefined {
  return FORCE_NEW.find((p) => p.provider === provider && p.version === version);
}

/** One attribute change the provider cannot make in place (or makes by recreating nodes). */
export interface ForcedChange {
  /** Dotted path of the attribute: `capacity_type`, `default_node_pool.vm_size`. */
  readonly attribute: string;
  /**
   * `replace`: Terraform destroys and recreates the resource. `rotate`: the provider recreates the
   * pool's nodes through temporary_name_for_rotation, the resource stays. `blocked`: a rotation is
   * needed but temporary_name_for_rotation is unset, so the provider fails the apply.
   */
  readonly effect: 'replace' | 'rotate' | 'blocked';
  readonly reason: string;
}

/** What the force-new check found for a changed resource. */
export interface ForceNewCheck {
  readonly forced: readonly ForcedChange[];
  /** Set when there is no list for the resource type at the provider version: nothing was ruled out. */
  readonly unchecked?: string;
}

/** The value at a dotted path; blocks may be objects or lists of objects (one-element lists read as their element). */
export function valueAt(body: unknown, path: string): unknown {
  let value: unknown = body;
  for (const key of path.split('.')) {
    if (Array.isArray(value) && value.length === 1) value = value[0];
    if (Array.isArray(value)) value = value.map((item) => (isPlain(item) ? item[key] : undefined));
    else value = isPlain(value) ? value[key] : undefined;
    if (value === undefined) return undefined;
  }
  return Array.isArray(value) && value.length === 1 && isPlain(value[0]) ? value[0] : value;
}

/** Top-level attributes that never force a replacement: provider metadata and meta-arguments. */
const NEVER_FORCES = new Set(['tags', 'tags_all', 'depends_on', 'lifecycle', 'provider', 'timeouts', '//', 'count', 'for_each']);

/**
 * Checks a changed resource against the list for its provider version. `provider` is
 * `hashicorp/aws`, `version` what the stack's required_providers pins.
 */
export function checkForceNew(
  type: string,
  before: unknown,
  after: unknown,
  changed: readonly string[],
  provider: string | undefined,
  version: string | undefined,
): ForceNewCheck {
  if (changed.every((a) => NEVER_FORCES.has(a))) return { forced: [] };
  if (!provider) return { forced: [], unchecked: `no force-new list: the stack's required_providers has no ${type.split('_')[0]} provider` };
  const label = `${provider} ${version ?? '(no version pinned)'}`;
  const list = forceNewFor(provider, version);
  if (!list) {
    const known = FORCE_NEW.filter((p) => p.provider === provider).map((p) => p.version);
    return { forced: [], unchecked: `no force-new list for ${label}${known.length > 0 ? ` (lists: ${known.join(', ')})` : ''}` };
  }
  const resource = list.resources[type];
  if (!resource) return { forced: [], unchecked: `no force-new list for ${type} in ${label}` };
  const forced: ForcedChange[] = [];
  for (const rule of resource.rules) {
    const count = (v: unknown) => (v === undefined || v === null ? 0 : Array.isArray(v) ? v.length : 1);
    const b = rule.block ? count(valueAt(before, rule.path)) : valueAt(before, rule.path);
    const a = rule.block ? count(valueAt(after, rule.path)) : valueAt(after, rule.path);
    if (canonical(b) === canonical(a)) continue;
    if (rule.when && !rule.when.test(b, a)) continue;
    const condition = rule.when ? ` (${rule.when.describe})` : rule.block ? ' (block added or removed)' : '';
    if (rule.effect === 'rotate') {
      const rotation = valueAt(after, rule.rotation!);
      const pool = rule.path.startsWith('default_node_pool.') ? 'the default node pool' : 'the pool';
      forced.push(
        typeof rotation === 'string' && rotation !== ''
          ? {
              attribute: rule.path,
              effect: 'rotate',
              reason: `${rule.path} recreates ${pool}'s nodes through ${rule.rotation} "${rotation}"; the ${resource.noun} is kept`,
            }
          : {
              attribute: rule.path,
              effect: 'blocked',
              reason: `${rule.path} needs ${pool} rotated, but ${rule.rotation} is unset: ${label} fails the apply; set it (or replace the ${resource.noun})`,
            },
      );
    } else {
      forced.push({ attribute: rule.path, effect: 'replace', reason: `${rule.path} forces a new ${resource.noun}${condition}` });
    }
  }
  return { forced };
}
