/** What the EDW producer and consumers must reach: the queue, and the consumers' table. */
import { cloudFlows, type Flow, type PodRef } from '../../flows';
import type { ScrapeTarget } from '../../scrapes';
import type { Environment } from '../../types';
import type { WithWorkloads } from '../enabled';
import { EDW_CONSUMER_AWS_IDENTITY, EDW_PRODUCER_AWS_IDENTITY } from './identities';

const pods = (name: string): PodRef => ({ name, namespace: 'edw', labels: { 'app.kubernetes.io/name': name } });

/** The consumer container's one port (charts/edw/edw.ts): its health endpoint, and its metrics where it serves them. */
export const CONSUMER_PORT_NAME = 'health';

/** The consumer's own metrics, on its port, where the model says which path serves them. */
export function edwScrapes(env: WithWorkloads<Environment, 'edw'>): ScrapeTarget[] {
  const { port, metricsPath } = env.edw.consumer;
  return metricsPath
    ? [{ name: 'edw-consumer', pods: pods('edw-consumer'), port: { port, protocol: 'TCP', name: CONSUMER_PORT_NAME }, path: metricsPath }]
    : [];
}

export function edwFlows(env: WithWorkloads<Environment, 'edw'>): Flow[] {
  return [
    ...cloudFlows(env, 'edw', pods('edw-producer'), { identity: EDW_PRODUCER_AWS_IDENTITY, services: ['sqs'] }, { services: ['queue'] }),
    ...cloudFlows(env, 'edw', pods('edw-consumer'), { identity: EDW_CONSUMER_AWS_IDENTITY, services: ['sqs', 'dynamodb'] }, { services: ['queue', 'table'] }),
  ];
}
