/** What a user may write under `workloads.edw`; checked against EdwSpec at compile time. */
import { bool, int, obj, oneOf, opt, req, str } from '../../shape';
import type { EdwSpec } from './spec';

export const EDW_SHAPE = obj<EdwSpec>({
  enabled: req(bool),
  images: opt(obj({ consumer: req(str), producer: req(str) })),
  queue: opt(obj({ fifo: opt(bool), messageRetentionSeconds: opt(int), visibilityTimeoutSeconds: opt(int), maxReceiveCount: opt(int) })),
  scaling: opt(
    obj({
      minReplicas: opt(int),
      maxReplicas: opt(int),
      messagesPerReplica: opt(int),
      activationMessages: opt(int),
      pollingIntervalSeconds: opt(int),
      cooldownSeconds: opt(int),
      scaleToZero: opt(bool),
    }),
  ),
  producer: opt(obj({ messages: opt(int), schedule: opt(str) })),
  consumer: opt(obj({ port: opt(int), healthPath: opt(str), metricsPath: opt(str), cpu: opt(str), memory: opt(str) })),
  keda: opt(oneOf({ 'aks-addon': true, helm: true })),
});
