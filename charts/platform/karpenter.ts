import type { App } from 'cdk8s';
import type { EnvironmentContext } from '../../src/model/context';
import { NODE_ROOT_VOLUME_GIB } from '../../src/model/cluster';
import { karpenterLimits } from '../../src/model/karpenter';
import type { CapacityType, NamedPoolSpec } from '../../src/model/types';
import {
  Ec2NodeClass,
  Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType,
  Ec2NodeClassSpecMetadataOptionsHttpEndpoint,
  Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6,
  Ec2NodeClassSpecMetadataOptionsHttpTokens,
} from '../imports/karpenter.k8s.aws';
import {
  NodePool,
  NodePoolSpecDisruptionConsolidationPolicy,
  NodePoolSpecLimits,
  NodePoolSpecTemplateSpecRequirements,
  NodePoolSpecTemplateSpecRequirementsOperator,
  NodePoolSpecTemplateSpecTaintsEffect,
} from '../imports/karpenter.sh';
import { AppChart } from '../lib/app-chart';
import { CAPACITY_LABEL, GPU_RESOURCE, POOL_LABEL, SPOT_NODES, type Taint } from '../../src/model/scheduling';
import { gpuPoolTaints } from '../lib/scheduling';

/** EC2NodeClass names; NodePools refer to them by name. */
export const NODE_CLASS_DEFAULT = 'default';
export const NODE_CLASS_GPU = 'gpu';

/** Tag that the network and cluster stacks put on node subnets and the node security group. */
export const DISCOVERY_TAG = 'karpenter.sh/discovery';

/** Nodes are replaced after this age: AMI and kernel fixes reach every node within it. */
const EXPIRE_AFTER = '720h';
/** How long a draining node waits for blocking pods (PDBs, do-not-disrupt) before it is forced: expiry stays bounded. */
const TERMINATION_GRACE_PERIOD = { cpu: '24h', gpu: '48h' } as const;
const CONSOLIDATE_AFTER = { cpu: '2m', gpu: '5m' } as const;

/**
 * Karpenter EC2NodeClasses and NodePools: an AWS chart (charts/index.ts builds it on AWS only). On Azure
 * the Spot and GPU pools are AKS node pools in Terraform.
 */
export class KarpenterChart extends AppChart<never, 'aws'> {
  constructor(app: App, ctx: EnvironmentContext<'aws'>) {
    super(app, 'karpenter', ctx);

    const karpenterGpuPools = ctx.env.cluster.gpuPools.filter((p) => p.provisioner === 'karpenter');
    const names = [...ctx.env.cluster.spotPools, ...karpenterGpuPools].map((p) => p.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`${ctx.env.name}: spot and Karpenter GPU pools share the name "${duplicate}"; NodePool names must be unique`);

    this.nodeClass(NODE_CLASS_DEFAULT, NODE_ROOT_VOLUME_GIB.karpenter.cpu);
    // Same AMI alias: for GPU instance types Karpenter resolves it to the NVIDIA variant of the release.
    if (karpenterGpuPools.length > 0) this.nodeClass(NODE_CLASS_GPU, NODE_ROOT_VOLUME_GIB.karpenter.gpu);

    for (const pool of ctx.env.cluster.spotPools) {
      const limits = karpenterLimits(pool, { gpu: false });
      new NodePool(this, `nodepool-${pool.name}`, {
        metadata: { name: pool.name },
        spec: {
          template: {
            // No capacity label: a node may be either (karpenter.sh/capacity-type, which Karpenter sets, says which).
            metadata: { labels: { [POOL_LABEL]: pool.name } },
            spec: {
              nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: NODE_CLASS_DEFAULT },
              // Both capacity types allowed: Karpenter launches Spot first and falls back to
              // on-demand only when Spot is unavailable, so interruptible work never starves.
              requirements: requirements(pool, ['spot', 'on-demand']),
              // Only pods that accept interruptions (and tolerate it) land here, even on a fallback node.
              taints: nodePoolTaints(SPOT_NODES.aws.taints),
              expireAfter: EXPIRE_AFTER,
              terminationGracePeriod: TERMINATION_GRACE_PERIOD.cpu,
            },
          },
          disruption: {
            consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
            consolidateAfter: CONSOLIDATE_AFTER.cpu,
            budgets: [{ nodes: '10%' }],
          },
          // The pool's max in nodes, and as capacity: max nodes of its largest size (src/model/karpenter.ts).
          limits: { cpu: NodePoolSpecLimits.fromNumber(limits.cpu), nodes: NodePoolSpecLimits.fromNumber(limits.nodes) },
        },
      });
    }

    for (const pool of karpenterGpuPools) {
      const limits = karpenterLimits(pool, { gpu: true });
      new NodePool(this, `nodepool-${pool.name}`, {
        metadata: { name: pool.name },
        spec: {
          template: {
            metadata: { labels: { [POOL_LABEL]: pool.name, [CAPACITY_LABEL]: pool.capacity } },
            spec: {
              nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: NODE_CLASS_GPU },
              requirements: requirements(pool, [pool.capacity]),
              taints: nodePoolTaints(gpuPoolTaints('aws', pool.capacity)),
              expireAfter: EXPIRE_AFTER,
              terminationGracePeriod: TERMINATION_GRACE_PERIOD.gpu,
            },
          },
          disruption: {
            // WhenEmpty: consolidation never moves a running training job to save money; idle
            // GPU nodes (the expensive case) are still removed.
            consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY,
            consolidateAfter: CONSOLIDATE_AFTER.gpu,
            budgets: [{ nodes: '10%' }],
          },
          limits: {
            cpu: NodePoolSpecLimits.fromNumber(limits.cpu),
            nodes: NodePoolSpecLimits.fromNumber(limits.nodes),
            [GPU_RESOURCE]: NodePoolSpecLimits.fromNumber(limits.gpus!),
          },
        },
      });
    }
  }

  private nodeClass(name: string, rootVolumeGiB: number): void {
    const { env, names } = this.ctx;
    const clusterName = names.aws.clusterName;
    new Ec2NodeClass(this, `ec2nodeclass-${name}`, {
      metadata: { name },
      spec: {
        role: names.aws.karpenterNodeRoleName,
        // Pinned release: `@latest` would roll every node whenever AWS publishes an AMI.
        amiSelectorTerms: [{ alias: env.cluster.karpenter.amiAlias }],
        subnetSelectorTerms: [{ tags: { [DISCOVERY_TAG]: clusterName } }],
        securityGroupSelectorTerms: [{ tags: { [DISCOVERY_TAG]: clusterName } }],
        // Nodes live in private subnets; never a public IP even if a public subnet were tagged.
        associatePublicIpAddress: false,
        // IMDSv2 only, hop limit 1: pods cannot reach the node role's credentials through IMDS.
        metadataOptions: {
          httpEndpoint: Ec2NodeClassSpecMetadataOptionsHttpEndpoint.ENABLED,
          httpProtocolIPv6: Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6.DISABLED,
          httpPutResponseHopLimit: 1,
          httpTokens: Ec2NodeClassSpecMetadataOptionsHttpTokens.REQUIRED,
        },
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda', // the AL2023 root device
            rootVolume: true,
            ebs: {
              volumeSize: `${rootVolumeGiB}Gi`,
              volumeType: Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3,
              encrypted: true,
              deleteOnTermination: true,
            },
          },
        ],
        tags: { ...env.tags },
      },
    });
  }
}

const TAINT_EFFECTS: Readonly<Record<Taint['effect'], NodePoolSpecTemplateSpecTaintsEffect>> = {
  NoSchedule: NodePoolSpecTemplateSpecTaintsEffect.NO_SCHEDULE,
  PreferNoSchedule: NodePoolSpecTemplateSpecTaintsEffect.PREFER_NO_SCHEDULE,
  NoExecute: NodePoolSpecTemplateSpecTaintsEffect.NO_EXECUTE,
};

function nodePoolTaints(taints: readonly Taint[]) {
  return taints.map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECTS[t.effect] }));
}

function requirements(pool: NamedPoolSpec, capacity: readonly CapacityType[]): NodePoolSpecTemplateSpecRequirements[] {
  const In = NodePoolSpecTemplateSpecRequirementsOperator.IN;
  return [
    { key: 'node.kubernetes.io/instance-type', operator: In, values: [...pool.sizes] },
    { key: 'karpenter.sh/capacity-type', operator: In, values: [...capacity] },
    { key: 'kubernetes.io/arch', operator: In, values: ['amd64'] },
    { key: 'kubernetes.io/os', operator: In, values: ['linux'] },
  ];
}
