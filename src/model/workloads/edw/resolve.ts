/** Defaults of the event-driven workload. */
import { resolveImage } from '../../images';
import type { Cloud, EnvironmentSpec, KedaInstall } from '../../types';
import { DEFAULT_CONSUMER_HEALTH_PATH, type EdwSettings, type EdwSpec } from './spec';

/** KEDA from its Helm chart on AWS; on Azure the AKS add-on by default. */
export const DEFAULT_KEDA_INSTALL: Readonly<Record<Cloud, KedaInstall>> = { aws: 'helm', azure: 'aks-addon' };

/** The workload's settings with every default applied. */
export function resolveEdw(platformName: string, spec: EnvironmentSpec, edw: EdwSpec): EdwSettings {
  const scaleToZero = edw.scaling?.scaleToZero ?? true;
  const cpu = edw.consumer?.cpu ?? '250m';
  return {
    images: {
      consumer: resolveImage(platformName, spec, edw.images!.consumer),
      producer: resolveImage(platformName, spec, edw.images!.producer),
    },
    queue: {
      fifo: edw.queue?.fifo ?? false,
      messageRetentionSeconds: edw.queue?.messageRetentionSeconds ?? 345600,
      visibilityTimeoutSeconds: edw.queue?.visibilityTimeoutSeconds ?? 60,
      maxReceiveCount: edw.queue?.maxReceiveCount ?? 5,
    },
    scaling: {
      minReplicas: edw.scaling?.minReplicas ?? (scaleToZero ? 0 : 1),
      maxReplicas: edw.scaling?.maxReplicas ?? 20,
      messagesPerReplica: edw.scaling?.messagesPerReplica ?? 5,
      activationMessages: edw.scaling?.activationMessages ?? 1,
      pollingIntervalSeconds: edw.scaling?.pollingIntervalSeconds ?? 15,
      cooldownSeconds: edw.scaling?.cooldownSeconds ?? 120,
      scaleToZero,
    },
    producer: { messages: edw.producer?.messages ?? 100, ...(edw.producer?.schedule ? { schedule: edw.producer.schedule } : {}) },
    consumer: {
      port: edw.consumer?.port ?? 8080,
      healthPath: edw.consumer?.healthPath ?? DEFAULT_CONSUMER_HEALTH_PATH,
      ...(edw.consumer?.metricsPath ? { metricsPath: edw.consumer.metricsPath } : {}),
      cpu,
      memory: edw.consumer?.memory ?? '256Mi',
    },
    keda: edw.keda ?? DEFAULT_KEDA_INSTALL[spec.cloud],
  };
}
