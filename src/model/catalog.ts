/**
 * Facts about the clouds that validation and defaults rely on: regions, instance and VM size
 * families, Kubernetes versions and the EKS add-on versions pinned for each.
 */
import { ownEntry } from './lookup';
import type { Cloud, EksAddonName } from './types';

/** Regions we know, with how many availability zones a subnet layout may spread over. */
export const REGIONS: Readonly<Record<Cloud, Readonly<Record<string, number>>>> = {
  aws: {
    'us-east-1': 6,
    'us-east-2': 3,
    'us-west-1': 2,
    'us-west-2': 4,
    'ca-central-1': 3,
    'eu-west-1': 3,
    'eu-west-2': 3,
    'eu-west-3': 3,
    'eu-central-1': 3,
    'eu-central-2': 3,
    'eu-north-1': 3,
    'eu-south-1': 3,
    'eu-south-2': 3,
    'ap-south-1': 3,
    'ap-southeast-1': 3,
    'ap-southeast-2': 3,
    'ap-northeast-1': 3,
    'ap-northeast-2': 4,
    'ap-northeast-3': 3,
    'sa-east-1': 3,
    'me-central-1': 3,
    'af-south-1': 3,
  },
  azure: {
    eastus: 3,
    eastus2: 3,
    centralus: 3,
    southcentralus: 3,
    westus2: 3,
    westus3: 3,
    northcentralus: 1,
    westus: 1,
    canadacentral: 3,
    brazilsouth: 3,
    northeurope: 3,
    westeurope: 3,
    uksouth: 3,
    francecentral: 3,
    germanywestcentral: 3,
    swedencentral: 3,
    switzerlandnorth: 3,
    norwayeast: 3,
    italynorth: 3,
    polandcentral: 3,
    australiaeast: 3,
    japaneast: 3,
    koreacentral: 3,
    southeastasia: 3,
    centralindia: 3,
    uaenorth: 3,
    southafricanorth: 3,
  },
};

/**
 * A Kubernetes minor on one managed service: when it was released there and when its standard support ends
 * (`YYYY-MM-DD`, or `YYYY-MM` where the provider publishes only the month: out of support from that month on).
 * EKS then bills extended support ($0.60 instead of $0.10 per cluster hour) or, with upgrade policy STANDARD,
 * upgrades the control plane itself; AKS leaves the version without community support (LTS needs the Premium tier).
 */
export interface KubernetesRelease {
  readonly released: string;
  readonly endOfStandardSupport: string;
}

/**
 * The Kubernetes minors each managed service offers, with their support calendar (EKS: docs.aws.amazon.com
 * kubernetes-versions release calendar; AKS: learn.microsoft.com aks supported-kubernetes-versions). Versions
 * past standard support stay listed so an existing cluster can step through them one minor at a time (both
 * services upgrade one minor per step); the model warns about them (support.ts).
 */
export const KUBERNETES_VERSIONS: Readonly<Record<Cloud, Readonly<Record<string, KubernetesRelease>>>> = {
  aws: {
    '1.33': { released: '2025-05-28', endOfStandardSupport: '2026-07-29' },
    '1.34': { released: '2025-10-06', endOfStandardSupport: '2026-12-02' },
    '1.35': { released: '2026-01-28', endOfStandardSupport: '2027-03-27' },
  },
  azure: {
    '1.33': { released: '2025-06', endOfStandardSupport: '2026-07' },
    '1.34': { released: '2025-11', endOfStandardSupport: '2026-11' },
    '1.35': { released: '2026-03', endOfStandardSupport: '2027-03' },
    '1.36': { released: '2026-06', endOfStandardSupport: '2027-06' },
  },
};

/** The minors a cloud offers, oldest first. */
export function offeredVersions(cloud: Cloud): string[] {
  return Object.keys(KUBERNETES_VERSIONS[cloud]).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

/**
 * EKS add-on versions pinned per Kubernetes minor version (from `aws eks describe-addon-versions`; 1.35: the EKS
 * user guide's latest-version tables for vpc-cni, coredns and kube-proxy; aws-ebs-csi-driver and
 * eks-pod-identity-agent from published describe-addon-versions output for 1.35, see the README).
 */
export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<EksAddonName, string>>>> = {
  '1.33': {
    'vpc-cni': 'v1.20.3-eksbuild.1',
    coredns: 'v1.12.4-eksbuild.1',
    'kube-proxy': 'v1.33.3-eksbuild.10',
    'aws-ebs-csi-driver': 'v1.50.1-eksbuild.1',
    'eks-pod-identity-agent': 'v1.3.8-eksbuild.2',
  },
  '1.34': {
    'vpc-cni': 'v1.20.3-eksbuild.1',
    coredns: 'v1.12.4-eksbuild.1',
    'kube-proxy': 'v1.34.0-eksbuild.4',
    'aws-ebs-csi-driver': 'v1.50.1-eksbuild.1',
    'eks-pod-identity-agent': 'v1.3.8-eksbuild.2',
  },
  '1.35': {
    'vpc-cni': 'v1.21.1-eksbuild.7',
    coredns: 'v1.13.2-eksbuild.4',
    'kube-proxy': 'v1.35.3-eksbuild.2',
    'aws-ebs-csi-driver': 'v1.60.0-eksbuild.1',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.2',
  },
};

/**
 * EKS-optimised Amazon Linux 2023 AMI releases (github.com/awslabs/amazon-eks-ami releases): the managed node
 * group `release_version` each one has per Kubernetes minor. One release names every node's image: the node
 * groups' release_version and Karpenter's `al2023@<release>` alias.
 */
export const EKS_AL2023_AMI_RELEASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  v20260714: { '1.33': '1.33.13-20260714', '1.34': '1.34.9-20260714', '1.35': '1.35.6-20260714' },
};

/** The AMI release nodes run unless the model picks another (`latest` would roll nodes unreviewed). */
export const DEFAULT_EKS_AMI_RELEASE = 'v20260714';

/** A managed node group's release_version for an AMI release and Kubernetes minor (validate.ts refuses a pair the catalog lacks). */
export function eksNodeGroupReleaseVersion(amiRelease: string, kubernetesVersion: string): string {
  const releases = ownEntry(EKS_AL2023_AMI_RELEASES, amiRelease);
  const version = releases && ownEntry(releases, kubernetesVersion);
  if (!version) throw new Error(`AMI release ${amiRelease} has no release_version for Kubernetes ${kubernetesVersion} in EKS_AL2023_AMI_RELEASES`);
  return version;
}

/**
 * The cluster-autoscaler chart per Kubernetes minor: Cluster Autoscaler's minor must be the cluster's (it embeds
 * that release's scheduler). Each is the newest chart whose appVersion has that minor (../shared/charts/SOURCES.md
 * note 5). A minor without one cannot have a managed node group that scales (validate.ts).
 */
export const CLUSTER_AUTOSCALER_CHART_VERSIONS: Readonly<Record<string, string>> = { '1.33': '9.51.0', '1.35': '9.59.0' };

export const EKS_ADDON_NAMES: readonly EksAddonName[] = ['vpc-cni', 'coredns', 'kube-proxy', 'aws-ebs-csi-driver', 'eks-pod-identity-agent'];

/** Milvus release the RAG platform runs by default (milvusdb/milvus image tag). */
export const DEFAULT_MILVUS_VERSION = 'v2.5.4';

/** AWS instance families with NVIDIA GPUs. */
export const AWS_GPU_FAMILIES = ['g4dn', 'g5', 'g6', 'g6e', 'gr6', 'p4d', 'p4de', 'p5', 'p5e', 'p5en'] as const;
/** AWS general-purpose, compute and memory families accepted for CPU pools (x86_64). */
export const AWS_CPU_FAMILIES = [
  'm5',
  'm5a',
  'm6i',
  'm6a',
  'm7i',
  'm7a',
  'c5',
  'c5a',
  'c6i',
  'c6a',
  'c7i',
  'c7a',
  'r5',
  'r5a',
  'r6i',
  'r6a',
  'r7i',
  'r7a',
  't3',
  't3a',
] as const;

const AWS_SIZE = /^([a-z][a-z0-9]*)\.(medium|large|xlarge|(\d+)xlarge|metal)$/;

/** GPUs per instance where it is not 1 (every other size of a GPU family carries one GPU). */
const AWS_MULTI_GPU: Readonly<Record<string, number>> = {
  'g4dn.12xlarge': 4,
  'g4dn.metal': 8,
  'g5.12xlarge': 4,
  'g5.24xlarge': 4,
  'g5.48xlarge': 8,
  'g6.12xlarge': 4,
  'g6.24xlarge': 4,
  'g6.48xlarge': 8,
  'g6e.12xlarge': 4,
  'g6e.24xlarge': 4,
  'g6e.48xlarge': 8,
  'gr6.8xlarge': 1,
  'p4d.24xlarge': 8,
  'p4de.24xlarge': 8,
  'p5.48xlarge': 8,
  'p5e.48xlarge': 8,
  'p5en.48xlarge': 8,
};

/** Azure VM sizes with NVIDIA GPUs and their GPU count. */
export const AZURE_GPU_SIZES: Readonly<Record<string, number>> = {
  Standard_NC4as_T4_v3: 1,
  Standard_NC8as_T4_v3: 1,
  Standard_NC16as_T4_v3: 1,
  Standard_NC64as_T4_v3: 4,
  Standard_NC24ads_A100_v4: 1,
  Standard_NC48ads_A100_v4: 2,
  Standard_NC96ads_A100_v4: 4,
  Standard_NC40ads_H100_v5: 1,
  Standard_NC80adis_H100_v5: 2,
  Standard_NV36ads_A10_v5: 1,
  Standard_NV72ads_A10_v5: 2,
  Standard_ND96asr_v4: 8,
  Standard_ND96amsr_A100_v4: 8,
  Standard_ND96isr_H100_v5: 8,
};

/** Azure general-purpose / compute / memory sizes accepted for CPU pools, e.g. Standard_D4s_v5. */
const AZURE_CPU_SIZE = /^Standard_(D|DS|E|ES|F|FS)(\d+)(a|l|d|s|as|ds|ads|ls|lds|ps|pds)?_v[3-6]$/;

export interface SizeInfo {
  /** The family the size belongs to, e.g. `g5` or `Standard_NC..._v4`. */
  family: string;
  gpus: number;
  vcpus: number;
  /** The instance's memory in GiB (before the kubelet's reservations: src/validate/cluster/nodes.ts). */
  memoryGiB: number;
}

/**
 * GiB of memory per vCPU of each AWS family (the EC2 instance type pages): general purpose 4, compute 2, memory 8;
 * g4dn/g5/g6 4, g6e/gr6 8, p4d/p4de 12. Sizes off their family's ratio are in AWS_SIZE_OVERRIDES.
 */
const AWS_GIB_PER_VCPU = (family: string): number => {
  if (/^(g6e|gr6|r\d)/.test(family)) return 8;
  if (/^p4d/.test(family)) return 12;
  if (/^c\d/.test(family)) return 2;
  return 4;
};

/** AWS sizes whose vCPUs or memory do not follow the family's pattern (t3.medium has 2 vCPUs; p5 2 TiB). */
const AWS_SIZE_OVERRIDES: Readonly<Record<string, { vcpus: number; memoryGiB: number }>> = {
  't3.medium': { vcpus: 2, memoryGiB: 4 },
  't3a.medium': { vcpus: 2, memoryGiB: 4 },
  'p5.48xlarge': { vcpus: 192, memoryGiB: 2048 },
  'p5e.48xlarge': { vcpus: 192, memoryGiB: 2048 },
  'p5en.48xlarge': { vcpus: 192, memoryGiB: 2048 },
};

/** Memory (GiB) of the Azure GPU sizes (the sizes' pages under learn.microsoft.com/azure/virtual-machines/sizes). */
const AZURE_GPU_MEMORY_GIB: Readonly<Record<keyof typeof AZURE_GPU_SIZES & string, number>> = {
  Standard_NC4as_T4_v3: 28,
  Standard_NC8as_T4_v3: 56,
  Standard_NC16as_T4_v3: 110,
  Standard_NC64as_T4_v3: 440,
  Standard_NC24ads_A100_v4: 220,
  Standard_NC48ads_A100_v4: 440,
  Standard_NC96ads_A100_v4: 880,
  Standard_NC40ads_H100_v5: 320,
  Standard_NC80adis_H100_v5: 640,
  Standard_NV36ads_A10_v5: 440,
  Standard_NV72ads_A10_v5: 880,
  Standard_ND96asr_v4: 900,
  Standard_ND96amsr_A100_v4: 1900,
  Standard_ND96isr_H100_v5: 1900,
};

/** GiB per vCPU of the Azure CPU series: D 4 (the `l` low-memory variants 2), E 8, F 2. */
const AZURE_GIB_PER_VCPU = (series: string, variant: string): number => (series.startsWith('E') ? 8 : series.startsWith('F') || variant.includes('l') ? 2 : 4);

/** What a size is, or undefined if we do not know it (which validation reports). */
export function describeSize(cloud: Cloud, size: string): SizeInfo | undefined {
  return DESCRIBE_SIZE[cloud](size);
}

/** How each cloud's size names read: EC2 `<family>.<size>`, Azure `Standard_<series><vCPUs>…`. */
const DESCRIBE_SIZE: { readonly [C in Cloud]: (size: string) => SizeInfo | undefined } = {
  aws: (size) => {
    const m = AWS_SIZE.exec(size);
    if (!m) return undefined;
    const family = m[1];
    const gpuFamily = (AWS_GPU_FAMILIES as readonly string[]).includes(family);
    const cpuFamily = (AWS_CPU_FAMILIES as readonly string[]).includes(family);
    if (!gpuFamily && !cpuFamily) return undefined;
    const vcpus = m[2] === 'medium' ? 1 : m[2] === 'large' ? 2 : m[2] === 'xlarge' ? 4 : m[2] === 'metal' ? 96 : 4 * Number(m[3]);
    const shape = ownEntry(AWS_SIZE_OVERRIDES, size) ?? { vcpus, memoryGiB: vcpus * AWS_GIB_PER_VCPU(family) };
    return { family, gpus: gpuFamily ? (ownEntry(AWS_MULTI_GPU, size) ?? 1) : 0, ...shape };
  },
  azure: (size) => {
    const gpus = ownEntry(AZURE_GPU_SIZES, size);
    if (gpus !== undefined) {
      const vcpus = Number(/^Standard_N[CDV](\d+)/.exec(size)?.[1] ?? 0);
      return { family: size.replace(/^Standard_(N[CDV])\d+/, '$1'), gpus, vcpus, memoryGiB: AZURE_GPU_MEMORY_GIB[size] };
    }
    const m = AZURE_CPU_SIZE.exec(size);
    if (!m) return undefined;
    const vcpus = Number(m[2]);
    return { family: `${m[1]}${m[3] ?? ''}`, gpus: 0, vcpus, memoryGiB: vcpus * AZURE_GIB_PER_VCPU(m[1], m[3] ?? '') };
  },
};
