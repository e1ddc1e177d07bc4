/**
 * A small hand-written typed interface for the Spark operator's resources (sparkoperator.k8s.io/v1beta2,
 * kubeflow spark-operator v2), covering only the fields this chart sets. The two CRDs
 * (../shared/schemas/crds/sparkoperator.k8s.io_*.yaml) are ~25k lines each; generated classes would
 * cost seconds of type-checking for nothing used (DESIGN.md). Every emitted object is validated
 * against the full CRD schemas in test/charts/lakehouse.test.ts, so a field added here that the CRD
 * does not know fails there.
 */
import { typedResource } from '../lib/typed-resource';
import type { ScratchVolume } from '../lib/pod';
import type { Affinity, EnvVar, PodSecurityContext, SecurityContext, Toleration, VolumeMount } from 'cdk8s-plus-28/lib/imports/k8s';

export const SPARK_API_VERSION = 'sparkoperator.k8s.io/v1beta2';

/** What the driver and the executors have in common. */
export interface SparkPodSpec {
  /** Whole cores: the pod's CPU request and `spark.{driver,executor}.cores`. */
  readonly cores: number;
  /** The container's CPU limit. */
  readonly coreLimit: string;
  /** JVM heap (`2g`); the operator adds the overhead to the pod's memory request and limit. */
  readonly memory: string;
  readonly serviceAccount: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly priorityClassName?: string;
  readonly affinity?: Affinity;
  readonly tolerations?: readonly Toleration[];
  readonly podSecurityContext: PodSecurityContext;
  readonly securityContext: SecurityContext;
  readonly volumeMounts: readonly VolumeMount[];
  readonly env?: readonly EnvVar[];
  /** A pod template Spark starts from (settings the CRD has no field for). */
  readonly template?: { readonly spec: { readonly automountServiceAccountToken: boolean } };
}

export interface SparkExecutorSpec extends SparkPodSpec {
  /** Fixed executor count (without dynamic allocation). */
  readonly instances?: number;
  /** Delete executor pods when the application ends. */
  readonly deleteOnTermination: boolean;
}

export interface SparkRestartPolicy {
  readonly type: 'Never' | 'Always' | 'OnFailure';
  readonly onFailureRetries?: number;
  readonly onFailureRetryInterval?: number;
  readonly onSubmissionFailureRetries?: number;
  readonly onSubmissionFailureRetryInterval?: number;
}

export interface SparkDynamicAllocation {
  readonly enabled: true;
  readonly initialExecutors: number;
  readonly minExecutors: number;
  readonly maxExecutors: number;
  /** Without an external shuffle service, executors holding shuffle data are kept until it is no longer needed. */
  readonly shuffleTrackingEnabled: true;
}

export interface SparkApplicationSpec {
  readonly type: 'Python' | 'Scala' | 'Java' | 'R';
  readonly pythonVersion?: '3';
  readonly mode: 'cluster';
  readonly sparkVersion: string;
  readonly image: string;
  readonly imagePullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  readonly mainApplicationFile: string;
  readonly mainClass?: string;
  readonly arguments?: readonly string[];
  /** `spark.*` properties, passed to spark-submit as --conf. */
  readonly sparkConf: Readonly<Record<string, string>>;
  readonly restartPolicy: SparkRestartPolicy;
  readonly dynamicAllocation?: SparkDynamicAllocation;
  readonly volumes: readonly ScratchVolume[];
  readonly driver: SparkPodSpec;
  readonly executor: SparkExecutorSpec;
}

export interface ScheduledSparkApplicationSpec {
  readonly schedule: string;
  readonly timeZone: string;
  readonly concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
  readonly successfulRunHistoryLimit: number;
  readonly failedRunHistoryLimit: number;
  readonly template: SparkApplicationSpec;
}

/** The `SparkApplication` custom resource: the operator submits it once. */
export const SparkApplication = typedResource<SparkApplicationSpec>(SPARK_API_VERSION, 'SparkApplication');

/** The `ScheduledSparkApplication` custom resource: the operator creates a SparkApplication per run. */
export const ScheduledSparkApplication = typedResource<ScheduledSparkApplicationSpec>(SPARK_API_VERSION, 'ScheduledSparkApplication');
