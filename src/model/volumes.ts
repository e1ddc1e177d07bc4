/**
 * The persistent volumes the platform's pods claim in an environment's cluster, each in the platform's block class
 * (src/model/cluster.ts): what `npm run cost` prices beside the Terraform resources, since no Terraform resource
 * holds them (the CSI driver creates each disk when its claim binds). Each workload declares its own
 * (src/model/workloads/<name>/), the platform its Prometheus.
 */
import { operatorsFor } from './operators';
import type { Environment, WorkloadName } from './types';
import { WORKLOAD_NAMES } from './types';
import { hasWorkload, WORKLOADS } from './workloads';

export interface ClusterVolume {
  /** Stable across runs, within its stack: `etcd`, `prometheus`, `checkpoints-finetune`. */
  readonly name: string;
  /** The stack whose pods claim it: a workload, or `platform`. */
  readonly stack: string;
  /** What it holds, for a reader: `Milvus etcd data`. */
  readonly label: string;
  /** Each volume's requested size, a Kubernetes quantity (`50Gi`). */
  readonly size: string;
  /** How many of them (one per replica). */
  readonly count: number;
  /**
   * `always`: bound from the first apply on (a StatefulSet's or an operator's claims, kept while the environment
   * lives). `training`: a generic ephemeral volume, created with each training pod and deleted with it.
   */
  readonly lifetime: 'always' | 'training';
}

/** kube-prometheus-stack 88.5.3 leaves `prometheus.prometheusSpec.replicas` at 1: one Prometheus, one volume. */
export const PROMETHEUS_REPLICAS = 1;

/** Every persistent volume of `env`'s cluster: the platform's first, then each enabled workload's, in workload order. */
export function clusterVolumes(env: Environment): ClusterVolume[] {
  const platform: ClusterVolume[] = operatorsFor(env).includes('kube-prometheus-stack')
    ? [
        {
          name: 'prometheus',
          stack: 'platform',
          label: 'Prometheus TSDB',
          size: `${env.observability.volumeGi}Gi`,
          count: PROMETHEUS_REPLICAS,
          lifetime: 'always',
        },
      ]
    : [];
  return [...platform, ...WORKLOAD_NAMES.flatMap((w) => volumesOf(env, w))];
}

function volumesOf<W extends WorkloadName>(env: Environment, w: W): readonly ClusterVolume[] {
  return hasWorkload(env, w) ? WORKLOADS[w].volumes(env) : [];
}
