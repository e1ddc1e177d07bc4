/**
 * GPU training placement and storage, per cloud.
 *
 * Placement: required node affinity on the job's pool label (`platform-synth.io/pool In [<pool>]`:
 * the managed node group, Karpenter NodePool or AKS pool of that name labels its nodes so) and
 * tolerations for exactly the taints that pool's nodes carry:
 * - every GPU node: `nvidia.com/gpu=true:NoSchedule` (AWS node groups and NodePools, AKS GPU pools);
 * - AKS Spot pools also `kubernetes.azure.com/scalesetpriority=spot:NoSchedule`;
 * - AWS Spot nodes carry no Spot taint, so nothing more there.
 *
 * Checkpoints: one ReadWriteOnce PVC per job. AWS: StorageClass `gp3` (EBS CSI add-on, encrypted,
 * WaitForFirstConsumer so the volume is created in the zone the first pod lands in); no chart
 * emits one, so this app does. Azure: AKS's built-in `managed-csi-premium` (Premium SSD; the GPU
 * VM sizes support premium storage).
 */
import type { Affinity, Toleration } from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentContext } from '../../src/model/context';
import type { MlopsSettings } from '../../src/model/types';
import { POOL_LABEL } from '../../src/model/scheduling';
import { gpuPoolTaints, tolerate } from '../lib/scheduling';

export type TrainingJob = MlopsSettings['training'][number];

/** Requests per GPU (the model has no CPU/memory for training): fits a T4 4-vCPU VM and a g5.xlarge. */
export const TRAINING_RESOURCES_PER_GPU = { cpuMillis: 2000, memoryGi: 8 } as const;
/** Shared memory for data loaders (PyTorch workers exchange batches through /dev/shm). */
export const SHM_SIZE = '1Gi';
export const CHECKPOINT_MOUNT = '/checkpoints';

export function checkpointClaimName(job: TrainingJob): string {
  return `${job.name}-checkpoints`;
}

export function trainingTolerations(ctx: EnvironmentContext, job: TrainingJob): Toleration[] {
  // The taints on the nodes of the job's pool (the cluster layer sets exactly these).
  return gpuPoolTaints(ctx.env.cloud, job.pool.capacity).map(tolerate);
}

export function trainingAffinity(job: TrainingJob): Affinity {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: [job.pool.name] }] }],
      },
    },
  };
}

export function trainingRequests(job: TrainingJob): { cpu: string; memory: string } {
  return { cpu: `${TRAINING_RESOURCES_PER_GPU.cpuMillis * job.gpus}m`, memory: `${TRAINING_RESOURCES_PER_GPU.memoryGi * job.gpus}Gi` };
}
