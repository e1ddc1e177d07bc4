/** Hybrid MLOps as a user writes it (MlopsSpec) and as stacks and charts read it (MlopsSettings). */
import type { CapacityType, GpuPoolSpec, WorkloadToggle } from '../../types';

/** Hybrid MLOps: GPU training (in cluster or burst), MLflow tracking, KServe and Seldon serving. */
export interface MlopsSpec extends WorkloadToggle {
  /** The MLflow tracking server. Required when enabled. */
  mlflow?: {
    image: string;
    cpu?: string;
    memory?: string;
    replicas?: number;
    /**
     * Serve Prometheus metrics on /metrics (`mlflow server --expose-prometheus`) and have Prometheus scrape them. The
     * image must include prometheus-flask-exporter (`pip install mlflow[extras]`): plain `mlflow` does not, and the
     * server would not start without it. Default: false.
     */
    metrics?: boolean;
  };
  /** MLflow's PostgreSQL. */
  database?: {
    /** AWS RDS instance class. Default: db.t4g.medium (prod db.r6g.large). */
    instanceClass?: string;
    /** Azure Flexible Server SKU. Default: B_Standard_B1ms (prod GP_Standard_D2ds_v5). */
    sku?: string;
    /** Default: 20 (prod 100). */
    storageGb?: number;
    /** PostgreSQL major version. Default: 16. */
    version?: string;
  };
  /** Training jobs: on the cluster's GPU pools, or (AWS, burst on) on SageMaker. Default: none. */
  training?: TrainingJobSpec[];
  /** Models served from the artifact store. Default: none. */
  models?: ServedModelSpec[];
  /**
   * DNS domain of the served models' hostnames (`<model>-<namespace>.<domain>`), which the ingress gateway
   * routes by: point a wildcard record at the gateway's internal load balancer. Default: none, and the
   * models are reachable inside the cluster only (Knative's cluster-local domain, `svc.cluster.local`).
   */
  servingDomain?: string;
  /** Burst to the managed service (SageMaker / Azure ML). Default: off. */
  burst?: BurstSpec;
}

/** Where a training entry runs: a Job or CronJob on a GPU pool, or a SageMaker training job through the ACK controller. */
export type TrainingTarget = 'cluster' | 'sagemaker';

export interface TrainingJobSpec {
  /** DNS-1123 label; the Job (or CronJob) name, or the start of the SageMaker job's. */
  name: string;
  /**
   * Pinned; `repository:tag` names a repository of the environment's registry. A SageMaker job's image is in
   * the `training` repository (the only one its execution role may pull).
   */
  image: string;
  /** Default: `cluster`. `sagemaker`: AWS with burst enabled only; the cluster-only fields below are refused. */
  runOn?: TrainingTarget;
  /** Cluster jobs (required there): the GPU pool (cluster.gpuPools[].name) whose nodes run it: its size class and capacity. */
  pool?: string;
  /** Cluster: GPUs per pod. Default: 1. */
  gpus?: number;
  /** Cluster: cron schedule (5 fields) for a CronJob; without it a Job. */
  schedule?: string;
  /** Cluster: container command and arguments. Default: the image's. */
  command?: string[];
  /** Default: 86400 (one day). On SageMaker the stopping condition's maxRuntimeInSeconds (at most 28 days). */
  activeDeadlineSeconds?: number;
  /** Cluster: default 4 (Spot interruptions are retried). */
  backoffLimit?: number;
  /** Cluster: checkpoint volume size. Default: 50Gi. */
  checkpointSize?: string;
  /** SageMaker jobs only. */
  sagemaker?: SageMakerTrainingSpec;
}

/** A SageMaker training job (sagemaker.services.k8s.aws/v1alpha1 TrainingJob, created by the ACK controller). */
export interface SageMakerTrainingSpec {
  /** Default: burst.instanceType. */
  instanceType?: string;
  /** Default: 1; at most burst.maxNodes. */
  instanceCount?: number;
  /** ML storage volume of each instance, in GB. Default: 50. */
  volumeSizeGb?: number;
  /** `spot` (default): managed Spot training, resumed from its checkpoints after an interruption; or `on-demand`. */
  capacity?: CapacityType;
  /** Spot: the most the job may take, waits for capacity included. Default: twice activeDeadlineSeconds (at most 28 days). */
  maxWaitSeconds?: number;
  /** Given to the image's `train` program (/opt/ml/input/config/hyperparameters.json): SageMaker runs `<image> train`. */
  hyperParameters?: Record<string, string>;
  /** Part of the job's name: raise it to run an unchanged entry again (a SageMaker job name runs once). Default: 1. */
  run?: number;
}

export type ModelFramework = 'sklearn' | 'xgboost' | 'lightgbm' | 'pytorch' | 'tensorflow' | 'onnx';

export interface ServedModelSpec {
  /** DNS-1123 label; the InferenceService name. */
  name: string;
  framework: ModelFramework;
  /** Path of the model under the artifact store's models/ prefix, e.g. `iris/v1`. */
  path: string;
  /**
   * KServe canary rollout (the model runs on Knative, whose revisions carry the split): the percent of
   * traffic the latest revision (the current `path`) gets, the rest staying on the last one rolled out.
   * Roll out a new version by changing `path` with the canary share (e.g. 10); promote it with 100 (all
   * traffic to it, which makes it the rolled-out revision, as removing the field does in KServe's flow; the
   * model stays on Knative for the next canary); roll back with 0. Default: none (Standard mode, no canary).
   */
  canaryPercent?: number;
  /** Default: 1 (prod 2). */
  minReplicas?: number;
  /** Default: 3 (prod 6). */
  maxReplicas?: number;
  /** Default: 500m / 1Gi. */
  cpu?: string;
  memory?: string;
  /** A/B test in Seldon Core: a challenger model path and its share of traffic. */
  abTest?: { challengerPath: string; challengerPercent: number };
}

export interface BurstSpec {
  enabled: boolean;
  /** AWS SageMaker training instance type. Default: ml.g5.xlarge. */
  instanceType?: string;
  /** Azure ML compute cluster VM size. Default: Standard_NC4as_T4_v3. */
  vmSize?: string;
  /** Default: 4. */
  maxNodes?: number;
  /** Azure: low-priority VMs. Default: true. */
  lowPriority?: boolean;
  /**
   * AWS: SageMaker jobs always run in the VPC's private subnets (VpcConfig); with network isolation their container
   * has no network at all (SageMaker still moves data, checkpoints and the model through the VPC). Default: true in
   * prod (private-only), false in dev (the container may call AWS through the VPC's endpoints).
   */
  networkIsolation?: boolean;
}

// Resolved: every default applied, read-only. Stacks and charts only ever see these.

export interface MlopsSettings {
  readonly mlflow: Readonly<{ image: string; cpu: string; memory: string; replicas: number; metrics: boolean }>;
  readonly database: Readonly<{ instanceClass: string; sku: string; storageGb: number; version: string }>;
  /** The cluster's training jobs (`runOn: cluster`): images resolved against the environment's registry, pool to the cluster's GPU pool. */
  readonly training: readonly Readonly<{
    name: string;
    image: string;
    pool: Readonly<Required<GpuPoolSpec>>;
    gpus: number;
    schedule?: string;
    command: readonly string[];
    activeDeadlineSeconds: number;
    backoffLimit: number;
    checkpointSize: string;
  }>[];
  /** The SageMaker training jobs (`runOn: sagemaker`, AWS with burst on), in the model's order; none elsewhere. */
  readonly sagemakerTraining: readonly Readonly<{
    name: string;
    image: string;
    instanceType: string;
    instanceCount: number;
    volumeSizeGb: number;
    capacity: CapacityType;
    maxRuntimeSeconds: number;
    /** Spot only. */
    maxWaitSeconds?: number;
    hyperParameters: Readonly<Record<string, string>>;
    run: number;
  }>[];
  readonly models: readonly Readonly<{
    name: string;
    framework: ModelFramework;
    path: string;
    canaryPercent?: number;
    minReplicas: number;
    maxReplicas: number;
    cpu: string;
    memory: string;
    abTest?: Readonly<{ challengerPath: string; challengerPercent: number }>;
  }>[];
  readonly burst: Readonly<{ enabled: boolean; instanceType: string; vmSize: string; maxNodes: number; lowPriority: boolean; networkIsolation: boolean }>;
  /** The served models' domain: the model's, or the cluster-local CLUSTER_LOCAL_DOMAIN. */
  readonly servingDomain: string;
}

/** Knative's default domain since 1.8: routes under it are cluster-local, never exposed on the external gateway. */
export const CLUSTER_LOCAL_DOMAIN = 'svc.cluster.local';
