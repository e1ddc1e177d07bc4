/** Every network flow an environment needs: its workloads' (src/model/workloads/<name>/flows.ts) and Prometheus's scrapes (./scrapes.ts). */
import type { Flow } from './flows';
import { scrapeFlows } from './scrapes';
import type { Environment } from './types';
import { environmentFlows } from './workloads';

export function platformFlows(env: Environment): Flow[] {
  return [...environmentFlows(env), ...scrapeFlows(env)];
}
