/**
 * Cluster layer: the AKS control plane with its system node pool, and the user-assigned identity it runs as.
 */
import { platformNeeds } from '../../src/model/workloads';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { hostAddress } from '../../src/model/cidr';
import { CAPACITY_LABEL, POOL_LABEL } from '../../src/model/scheduling';
import type { AzureStack } from '../constructs/platform-stack';
import { azureNames, inGroupOf, nodeZones, tagsOf } from './common';
import { roleAssignment } from './identity';
import type { AzureMonitoring } from './monitoring';
import type { AzureNetwork } from './network';
import { rotationPoolName } from './node-pools';

export interface AzureCluster {
  readonly cluster: KubernetesCluster;
  readonly identity: UserAssignedIdentity;
}

/** Name of the default (system) node pool and of the temporary pool AKS uses to rotate it. */
export const SYSTEM_POOL_NAME = 'system';
export const SYSTEM_POOL_ROTATION_NAME = rotationPoolName(SYSTEM_POOL_NAME);

/** Weekly windows so automatic patch and node-image upgrades never start in business hours. */
const UPGRADE_WINDOW = { frequency: 'Weekly', interval: 1, dayOfWeek: 'Sunday', startTime: '02:00', utcOffset: '+00:00', duration: 4 };
const NODE_OS_WINDOW = { ...UPGRADE_WINDOW, dayOfWeek: 'Saturday' };

export function buildCluster(stack: AzureStack, network: AzureNetwork, monitoring: AzureMonitoring): AzureCluster {
  const { env } = stack.ctx;
  const names = azureNames(stack);
  const azure = env.azure;
  const inGroup = inGroupOf(network.resourceGroup);

  // Control-plane identity we own (not system-assigned), so its VNet permission exists before the cluster.
  const identity = new UserAssignedIdentity(stack, 'cluster_identity', {
    name: names.clusterIdentityName,
    ...inGroup,
    ...tagsOf(stack),
  });
  // AKS joins nodes to our subnets and validates their NAT gateway: it needs Network Contributor on the VNet.
  const networkContributor = roleAssignment(stack, 'cluster_identity_network_contributor', {
    scope: network.virtualNetwork.id,
    roleName: 'Network Contributor',
    principalId: identity.principalId,
  });

  // A public API with no allowed ranges would be open to the internet: the model reads that as private.
  const privateApi = env.cluster.privateApi || env.network.apiAllowedCidrs.length === 0;
  const system = env.cluster.systemPool;

  const cluster = new KubernetesCluster(stack, 'kubernetes_cluster', {
    name: names.clusterName,
    ...inGroup,
    dnsPrefix: names.dnsPrefix,
    nodeResourceGroup: names.nodeResourceGroupName,
    // MAJOR.MINOR only: the patch channel moves the patch version without Terraform seeing drift.
    kubernetesVersion: env.cluster.kubernetesVersion,
    automaticUpgradeChannel: 'patch',
    nodeOsUpgradeChannel: 'NodeImage',
    maintenanceWindowAutoUpgrade: UPGRADE_WINDOW,
    maintenanceWindowNodeOs: NODE_OS_WINDOW,
    skuTier: env.stage === 'prod' ? 'Standard' : 'Free',

    identity: { type: 'UserAssigned', identityIds: [identity.id] },
    // Entra ID only: no static admin kubeconfig; Kubernetes authorization through Azure RBAC.
    localAccountDisabled: true,
    roleBasedAccessControlEnabled: true,
    azureActiveDirectoryRoleBasedAccessControl: {
      azureRbacEnabled: true,
      tenantId: azure.tenantId,
      adminGroupObjectIds: [...azure.adminGroupObjectIds],
    },
    oidcIssuerEnabled: true,
    workloadIdentityEnabled: true,
    azurePolicyEnabled: true,
    // Removes unused (possibly vulnerable) images from nodes.
    imageCleanerEnabled: true,
    imageCleanerIntervalHours: 48,

    ...(privateApi
      ? {
          // API server only on a private endpoint in the node subnet, resolved through an AKS-managed
          // private DNS zone; no public FQDN either.
          privateClusterEnabled: true,
          privateClusterPublicFqdnEnabled: false,
        }
      : {
          apiServerAccessProfile: {
            // Outside a private cluster, nodes reach the API server through the NAT gateway's address.
            authorizedIpRanges: [...env.network.apiAllowedCidrs, `${network.natPublicIp.ipAddress}/32`],
          },
        }),

    networkProfile: {
      // Azure CNI overlay: pods get addresses from pod_cidr, not the VNet, so the VNet stays small.
      networkPlugin: 'azure',
      networkPluginMode: 'overlay',
      // Cilium (eBPF) enforces NetworkPolicy and replaces kube-proxy's iptables: it is AKS's recommended,
      // Microsoft-supported engine for overlay, where Calico would add a second, community-supported dataplane.
      networkPolicy: 'cilium',
      networkDataPlane: 'cilium',
      podCidr: env.network.podCidr,
      serviceCidr: env.network.serviceCidr,
      dnsServiceIp: hostAddress(env.network.serviceCidr, 10),
      loadBalancerSku: 'standard',
      outboundType: 'userAssignedNATGateway',
    },

    // KEDA as the AKS add-on (in kube-system) when the event-driven workload uses it; absent otherwise.
    ...(platformNeeds(env).keda === 'aks-addon' ? { workloadAutoscalerProfile: { kedaEnabled: true } } : {}),

    omsAgent: { logAnalyticsWorkspaceId: monitoring.workspace.id, msiAuthForMonitoringEnabled: true },

    defaultNodePool: {
      name: SYSTEM_POOL_NAME,
      temporaryNameForRotation: SYSTEM_POOL_ROTATION_NAME,
      // Nodes follow the control plane's minor when the model moves it (AKS upgrades pools separately).
      orchestratorVersion: env.cluster.kubernetesVersion,
      vmSize: system.sizes[0],
      vnetSubnetId: network.subnets.system.id,
      autoScalingEnabled: true,
      minCount: system.min,
      maxCount: system.max,
      // Untainted, like the EKS system node group: the cluster's on-demand CPU capacity for add-ons, operators,
      // APIs and Spark drivers (Spot and GPU pools are tainted). With CriticalAddonsOnly, pods that must not run
      // on Spot would have no node at all; priority classes keep platform pods first.
      onlyCriticalAddonsEnabled: false,
      zones: nodeZones(env),
      nodeLabels: { [POOL_LABEL]: SYSTEM_POOL_NAME, [CAPACITY_LABEL]: 'on-demand' },
      upgradeSettings: { maxSurge: '33%', drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 0 },
      ...tagsOf(stack),
    },

    ...tagsOf(stack),
    dependsOn: [networkContributor, ...network.clusterPrerequisites],
  });

  return { cluster, identity };
}
