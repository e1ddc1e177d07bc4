/**
 * GPU training placement and storage, per cloud.
 *
 * Placement: required node affinity on the job's pool label (`platform-synth.io/pool In [<pool>]`:
 * the managed node group, Karpenter NodePool or AKS pool of that name labels its nodes so) and
 * tolerations for exactly the taints that pool's nodes carry:
 * - every GPU node: `nvidia.com/gpu=true:NoSchedule` (AWS node groups and NodePools, AKS GPU pools);
 * - Spot pools also their Spot taint: AKS `kubernetes.azure.com/scalesetpriority=spot:NoSchedule`, Karpenter's
 *   Spot NodePools `platform-synth.io/spot=true:NoSchedule` (gpuPoolTaints).
 *
 * Scratch: the root filesystem is read-only, so everything ML libraries write goes to emptyDirs on
 * the node's disk (the GPU EC2NodeClass's root volume on AWS, the OS disk on AKS): /tmp (TRAINING_TMP_SIZE; tokenizers, compiled kernels,
 * `tempfile`) and /cache (CACHE_SIZE; Hugging Face models and datasets, torch hub weights, pip and
 * Triton caches through HF_HOME, TORCH_HOME and XDG_CACHE_HOME). The container requests and limits the
 * ephemeral storage they add up to (plus its logs), so the scheduler places the pod on a node with that much disk and
 * the namespace's LimitRange never fills in a smaller default.
 *
 * Checkpoints: what a checkpoint is for on Spot is resuming after an interruption, which brings the
 * retry up on another node, often in another zone. A PVC created up front would be a zonal disk
 * (EBS, Azure Disk LRS): once bound, every retry of a 3-zone Spot pool could run only in that zone,
 * waiting there for Spot capacity. So, as SageMaker does (checkpointConfig): the job writes to a
 * local CHECKPOINT_DIR, a generic ephemeral volume of the platform's block class created in the zone
 * of each pod and deleted with it, and copies each checkpoint to CHECKPOINT_URI in the artifact store
 * (the training identity's read/write prefix), from which a retry resumes. The URI is per Job
 * (JOB_NAME), so a CronJob's next run starts afresh, like a new SageMaker job.
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
/** /tmp of a training pod: room for tokenizers' and compilers' temporary files, far above the platform's 64Mi default. */
export const TRAINING_TMP_SIZE = '10Gi';
/** The cache of downloaded models, datasets and compiled kernels: a 7B-parameter model in fp16 is about 14 GiB. */
export const CACHE_SIZE = '50Gi';
export const CACHE_MOUNT = '/cache';
/** Where the libraries look for their caches: all under CACHE_MOUNT. */
export const CACHE_ENV: Readonly<Record<string, string>> = {
  HF_HOME: `${CACHE_MOUNT}/huggingface`,
  TORCH_HOME: `${CACHE_MOUNT}/torch`,
  XDG_CACHE_HOME: CACHE_MOUNT,
};
/** The label the Job controller puts on its pods (Kubernetes 1.27+): the Job's name, one per CronJob run. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

/** Room for the container's logs, which count against its ephemeral-storage limit too (the root is read-only). */
export const LOG_HEADROOM_GI = 1;

/** The ephemeral storage of a training container, its request and limit: its emptyDirs (both sized in Gi) and its logs. */
export function trainingEphemeralStorage(): string {
  return `${parseInt(TRAINING_TMP_SIZE, 10) + parseInt(CACHE_SIZE, 10) + LOG_HEADROOM_GI}Gi`;
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
