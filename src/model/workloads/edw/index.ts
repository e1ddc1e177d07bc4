/** The event-driven workload: producer → queue → KEDA-scaled consumers (on Spot) → table. */
import type { Workload } from '../workload';
import { edwFlows, edwScrapes } from './flows';
import { edwNames } from './names';
import { resolveEdw } from './resolve';
import { validateEdw } from './rules';
import { EDW_SHAPE } from './shape';

export const EDW: Workload<'edw'> = {
  shape: EDW_SHAPE,
  validate: validateEdw,
  resolve: resolveEdw,
  podSecurity: { level: 'restricted' },
  names: edwNames,
  // Its consumers scale on the queue length through KEDA.
  platformNeeds: ({ edw }) => ({ awsInterfaceEndpoints: [], keda: edw.keda, postgres: false }),
  // KEDA comes from its chart unless the AKS add-on runs it.
  flows: edwFlows,
  scrapes: edwScrapes,
  // Its queue and table are cloud services: no claims.
  volumes: () => [],
  operators: (env) => (env.edw.keda === 'helm' ? ['keda'] : []),
};
