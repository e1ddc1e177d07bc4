/**
 * The registry of workloads: one module per `WorkloadName`, each holding its shape, rules, defaults,
 * names and operators (src/model/workloads/<name>/). Adding a name to `WorkloadName` is a compile
 * error here until its module exists; the model reads every workload from this table.
 */
import type { Flow } from '../flows';
import type { ScrapeTarget } from '../scrapes';
import type { Environment, WorkloadName } from '../types';
import { WORKLOAD_NAMES } from '../types';
import { hasWorkload } from './enabled';
import { EDW } from './edw';
import { LAKEHOUSE } from './lakehouse';
import { MLOPS } from './mlops';
import { RAG } from './rag';
import type { PlatformNeeds, Workload } from './workload';

export const WORKLOADS: { readonly [W in WorkloadName]: Workload<W> } = { edw: EDW, rag: RAG, mlops: MLOPS, lakehouse: LAKEHOUSE };

/** What the environment's enabled workloads need from the platform layer, together. */
export function platformNeeds(env: Environment): PlatformNeeds {
  const needs = WORKLOAD_NAMES.flatMap((w) => needsOf(env, w));
  return {
    awsInterfaceEndpoints: [...new Set(needs.flatMap((n) => n.awsInterfaceEndpoints))],
    keda: needs.find((n) => n.keda)?.keda,
    postgres: needs.some((n) => n.postgres),
  };
}

/** Every flow the environment's enabled workloads declare, in workload order. */
export function environmentFlows(env: Environment): Flow[] {
  return WORKLOAD_NAMES.flatMap((w) => flowsOf(env, w));
}

function flowsOf<W extends WorkloadName>(env: Environment, w: W): readonly Flow[] {
  return hasWorkload(env, w) ? WORKLOADS[w].flows(env) : [];
}

/** Every metrics endpoint the environment's enabled workloads declare, in workload order. */
export function workloadScrapes(env: Environment): ScrapeTarget[] {
  return WORKLOAD_NAMES.flatMap((w) => scrapesOf(env, w));
}

function scrapesOf<W extends WorkloadName>(env: Environment, w: W): readonly ScrapeTarget[] {
  return hasWorkload(env, w) ? WORKLOADS[w].scrapes(env) : [];
}

/** The workloads that scale through KEDA in this environment. */
export function kedaWorkloads(env: Environment): WorkloadName[] {
  return WORKLOAD_NAMES.filter((w) => needsOf(env, w).some((n) => n.keda));
}

function needsOf<W extends WorkloadName>(env: Environment, w: W): PlatformNeeds[] {
  return hasWorkload(env, w) ? [WORKLOADS[w].platformNeeds(env)] : [];
}

export { hasWorkload, type WithWorkloads } from './enabled';
export type { AwsInterfaceEndpoint, PlatformNeeds, Workload, WorkloadNames, WorkloadSettings } from './workload';
