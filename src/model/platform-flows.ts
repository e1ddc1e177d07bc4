/** Every network flow an environment needs: its workloads' (src/model/workloads/<name>/flows.ts), Prometheus's scrapes and the monitoring stack's own (./scrapes.ts). */
import type { Flow } from './flows';
import { monitoringFlows, scrapeFlows } from './scrapes';
import type { Environment } from './types';
import { environmentFlows } from './workloads';

export function platformFlows(env: Environment): Flow[] {
  return [...environmentFlows(env), ...scrapeFlows(env), ...monitoringFlows(env)];
}
