/** What the Spark pods must reach (the ports are the ones the chart pins: spark.driver.port, spark.blockManager.port). */
import { cloudFlows, podFlow, tcpPorts, type Flow, type PodRef } from '../../flows';
import type { Environment } from '../../types';
import type { WithWorkloads } from '../enabled';
import type { ScrapeTarget } from '../../scrapes';
import { LAKEHOUSE_AWS_IDENTITY } from './identities';

const spark = (role: 'driver' | 'executor'): PodRef => ({
  name: `spark ${role}`,
  namespace: 'lakehouse',
  labels: { 'app.kubernetes.io/name': 'spark', 'app.kubernetes.io/component': role },
});
const DRIVER_PORT = 7078;
const BLOCK_MANAGER_PORT = 7079;
/** The driver's UI port (spark.ui.port's default), which Spark names `spark-ui` on the driver pod (Kubernetes Constants UI_PORT_NAME). */
export const SPARK_UI_PORT = 4040;

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

/**
 * Each driver's executor metrics (`/metrics/executors/prometheus` on its UI port, with spark.ui.prometheus.enabled,
 * which charts/lakehouse/spark-conf.ts sets: its default is false before Spark 4.0), per job. A run's duration and
 * outcome come from the Spark operator's own metrics (src/model/scrapes.ts).
 */
export function lakehouseScrapes(): ScrapeTarget[] {
  return [
    {
      name: 'lakehouse-spark-driver',
      pods: spark('driver'),
      port: { port: SPARK_UI_PORT, protocol: 'TCP', name: 'spark-ui' },
      path: '/metrics/executors/prometheus',
      podTargetLabels: ['platform-synth.io/spark-job'],
    },
  ];
}
