/** What the Spark pods must reach (the ports are the ones the chart pins: spark.driver.port, spark.blockManager.port). */
import { cloudFlows, podFlow, tcpPorts, type Flow, type PodRef } from '../../flows';
import type { Environment } from '../../types';
import type { WithWorkloads } from '../enabled';
import { LAKEHOUSE_AWS_IDENTITY } from './identities';

const spark = (role: 'driver' | 'executor'): PodRef => ({
  name: `spark ${role}`,
  namespace: 'lakehouse',
  labels: { 'app.kubernetes.io/name': 'spark', 'app.kubernetes.io/component': role },
});
const DRIVER_PORT = 7078;
const BLOCK_MANAGER_PORT = 7079;

export function lakehouseFlows(env: WithWorkloads<Environment, 'lakehouse'>): Flow[] {
  const [driver, executor] = [spark('driver'), spark('executor')];
  return [
    ...[driver, executor].flatMap((pods) =>
      cloudFlows(env, 'lakehouse', pods, { identity: LAKEHOUSE_AWS_IDENTITY, services: ['s3', 'glue'] }, { services: ['dfs', 'blob'] }),
    ),
    { from: driver, to: { kind: 'api-server' }, why: 'creates, watches and deletes its executor pods' },
    podFlow(executor, driver, tcpPorts(DRIVER_PORT, BLOCK_MANAGER_PORT), 'registers with the driver and sends results'),
    podFlow(driver, executor, tcpPorts(BLOCK_MANAGER_PORT), 'fetches blocks and broadcasts'),
    podFlow(executor, executor, tcpPorts(BLOCK_MANAGER_PORT), 'shuffle and decommissioning block migration'),
  ];
}
