/**
 * The registry of workloads: one module per `WorkloadName`, each holding its shape, rules, defaults,
 * names and operators (src/model/workloads/<name>/). Adding a name to `WorkloadName` is a compile
 * error here until its module exists; the model reads every workload from this table.
 */
import type { WorkloadName } from '../types';
import { EDW } from './edw';
import { LAKEHOUSE } from './lakehouse';
import { MLOPS } from './mlops';
import { RAG } from './rag';
import type { Workload } from './workload';

export const WORKLOADS: { readonly [W in WorkloadName]: Workload<W> } = { edw: EDW, rag: RAG, mlops: MLOPS, lakehouse: LAKEHOUSE };

export { hasWorkload, type WithWorkloads } from './enabled';
export type { Workload, WorkloadNames, WorkloadSettings } from './workload';
