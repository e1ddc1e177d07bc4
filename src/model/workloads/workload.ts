/**
 * The contract every workload module fulfils (src/model/workloads/<name>/index.ts). The registry in
 * ./index.ts holds one per `WorkloadName`, so a new workload is a compile error until it supplies
 * each part; the model (shape, rules, defaults, names, operators) reads it from there.
 */
import type { PodSecurity } from '../cluster';
import type { Flow } from '../flows';
import type { EnvironmentNames } from '../naming';
import type { OperatorName } from '../operators';
import type { Report } from '../rules';
import type { ScrapeTarget } from '../scrapes';
import type { ClusterVolume } from '../volumes';
import type { ShapeOf } from '../shape';
import type { Cloud, Environment, EnvironmentSpec, KedaInstall, WorkloadName, WorkloadSpecs } from '../types';
import type { WithWorkloads } from './enabled';

/** The settings of workload `W` once resolved, on either cloud. */
export type WorkloadSettings<W extends WorkloadName> = NonNullable<Environment[W]>;
/** The names of workload `W`'s resources, on either cloud. */
export type WorkloadNames<W extends WorkloadName> = NonNullable<EnvironmentNames[W]>;

/**
 * What a workload asks of the platform layer beside the cluster, so the platform's stacks read it here
 * instead of reaching into the workload's settings.
 */
export interface PlatformNeeds {
  /** AWS interface endpoints its pods reach privately, beyond the ones every environment has. */
  readonly awsInterfaceEndpoints: readonly AwsInterfaceEndpoint[];
  /** Where KEDA must run for it, when it scales through KEDA (AWS: the operator's role; Azure: maybe the AKS add-on). */
  readonly keda?: KedaInstall;
  /** A managed PostgreSQL server in the network (Azure: a delegated subnet and its private DNS zone). */
  readonly postgres: boolean;
}

/** Interface endpoints a workload may ask for: Bedrock's runtime (the RAG platform's LLM), Glue (the lakehouse's catalog). */
export type AwsInterfaceEndpoint = 'bedrock-runtime' | 'glue';

export interface Workload<W extends WorkloadName> {
  /** What a user may write under `workloads.<name>`; typed against the spec, so the two cannot drift. */
  readonly shape: ShapeOf<WorkloadSpecs[W]>;
  /** Rules beyond the shape, where the workload is enabled; every problem reported with its path. */
  readonly validate: (env: EnvironmentSpec, base: string, platformName: string, cloud: Cloud | undefined, report: Report) => void;
  /** Rules across environments (e.g. names that must be unique per account), when there are any. */
  readonly validateAcross?: (environments: EnvironmentSpec[], report: Report) => void;
  /** The settings stacks and charts read, every default applied. */
  readonly resolve: (platformName: string, spec: EnvironmentSpec, workload: WorkloadSpecs[W]) => WorkloadSettings<W>;
  /** The names of its resources on the environment's cloud, derived once. */
  readonly names: (platformName: string, env: WithWorkloads<Environment, W>, prefix: string) => WorkloadNames<W>;
  /**
   * Pod Security `enforce` level its own pods need in its namespace, with the reason when below restricted (audit and
   * warn stay `restricted`, so every departure is still reported). The containers operators add to its pods may lower
   * it further (src/model/pod-security.ts).
   */
  readonly podSecurity: PodSecurity;
  /** What it needs from the platform layer in this environment. */
  readonly platformNeeds: (env: WithWorkloads<Environment, W>) => PlatformNeeds;
  /** The operators (pinned charts) its resources need in this environment. */
  readonly operators: (env: WithWorkloads<Environment, W>) => readonly OperatorName[];
  /**
   * The network flows its pods need in this environment (DNS, API server, cloud endpoints, database, peers): `npm run
   * validate` checks each against the NetworkPolicies and the cloud's addressing (src/validate/flows/).
   */
  readonly flows: (env: WithWorkloads<Environment, W>) => readonly Flow[];
  /** The metrics endpoints of its pods that Prometheus scrapes (src/model/scrapes.ts), where observability is on. */
  readonly scrapes: (env: WithWorkloads<Environment, W>) => readonly ScrapeTarget[];
  /** The persistent volumes its pods claim in the cluster (src/model/volumes.ts), which `npm run cost` prices. */
  readonly volumes: (env: WithWorkloads<Environment, W>) => readonly ClusterVolume[];
}
