/** Rules of the event-driven workload beyond its shape. */
import { checkCron, checkMetricsPath, isInt, isString, q, checkImage, checkQuantity, checkRange, checkWorkloadStorageAccount, type Report } from '../../rules';
import type { Cloud, EnvironmentSpec } from '../../types';
import { DEFAULT_CONSUMER_HEALTH_PATH } from './spec';

/** The workload's rules, where it is enabled: every problem reported with its path. */
export function validateEdw(env: EnvironmentSpec, base: string, platformName: string, cloud: Cloud | undefined, report: Report): void {
  const edw = env.workloads?.edw;
  if (!edw || typeof edw !== 'object' || edw.enabled !== true) return;
  const at = `${base}.workloads.edw`;
  if (!edw.images) report(`${at}.images`, 'is required when edw is enabled (consumer and producer images, pinned by tag or digest)');
  for (const role of ['consumer', 'producer'] as const) checkImage(env, edw.images?.[role], `${at}.images.${role}`, cloud, report);
  const queue = edw.queue ?? {};
  const range = (value: unknown, path: string, min: number, max: number) => checkRange(value, path, min, max, report);
  range(queue.messageRetentionSeconds, `${at}.queue.messageRetentionSeconds`, 60, 1209600);
  range(queue.visibilityTimeoutSeconds, `${at}.queue.visibilityTimeoutSeconds`, 0, 43200);
  range(queue.maxReceiveCount, `${at}.queue.maxReceiveCount`, 1, 1000);
  if (queue.fifo === true && cloud === 'azure') report(`${at}.queue.fifo`, 'Azure Queue Storage has no FIFO queues; remove it');

  const scaling = edw.scaling ?? {};
  range(scaling.maxReplicas, `${at}.scaling.maxReplicas`, 1, 1000);
  range(scaling.minReplicas, `${at}.scaling.minReplicas`, 0, 1000);
  range(scaling.messagesPerReplica, `${at}.scaling.messagesPerReplica`, 1, 100000);
  range(scaling.activationMessages, `${at}.scaling.activationMessages`, 0, 100000);
  range(scaling.pollingIntervalSeconds, `${at}.scaling.pollingIntervalSeconds`, 1, 3600);
  range(scaling.cooldownSeconds, `${at}.scaling.cooldownSeconds`, 0, 86400);
  if (isInt(scaling.minReplicas) && isInt(scaling.maxReplicas) && scaling.minReplicas > scaling.maxReplicas)
    report(`${at}.scaling.minReplicas`, `${scaling.minReplicas} is greater than maxReplicas ${scaling.maxReplicas}`);
  if ((scaling.scaleToZero ?? true) && isInt(scaling.minReplicas) && scaling.minReplicas > 0)
    report(`${at}.scaling.minReplicas`, `${scaling.minReplicas} contradicts scaleToZero (the default); set scaleToZero: false to keep replicas`);

  const producer = edw.producer ?? {};
  range(producer.messages, `${at}.producer.messages`, 1, 1000000);
  checkCron(producer.schedule, `${at}.producer.schedule`, '*/10 * * * *', report);
  const consumer = edw.consumer ?? {};
  range(consumer.port, `${at}.consumer.port`, 1024, 65535);
  if (isString(consumer.healthPath) && !consumer.healthPath.startsWith('/')) report(`${at}.consumer.healthPath`, `${q(consumer.healthPath)} must start with /`);
  checkMetricsPath(
    consumer.metricsPath,
    isString(consumer.healthPath) ? consumer.healthPath : DEFAULT_CONSUMER_HEALTH_PATH,
    `${at}.consumer.metricsPath`,
    report,
  );
  for (const key of ['cpu', 'memory'] as const) checkQuantity(consumer[key], `${at}.consumer.${key}`, report);
  if (edw.keda === 'aks-addon' && cloud === 'aws') report(`${at}.keda`, '"aks-addon" is the AKS KEDA add-on; on AWS KEDA is installed with Helm');

  checkWorkloadStorageAccount(env, at, platformName, 'edw', cloud, report);
}
