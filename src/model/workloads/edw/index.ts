/** The event-driven workload: producer → queue → KEDA-scaled consumers (on Spot) → table. */
import type { Workload } from '../workload';
import { EDW_AWS_IDENTITIES } from './identities';
import { edwNames } from './names';
import { resolveEdw } from './resolve';
import { validateEdw } from './rules';
import { EDW_SHAPE } from './shape';

export const EDW: Workload<'edw'> = {
  shape: EDW_SHAPE,
  validate: validateEdw,
  resolve: resolveEdw,
  awsIdentities: EDW_AWS_IDENTITIES,
  podSecurity: 'restricted',
  names: edwNames,
  // KEDA comes from its chart unless the AKS add-on runs it.
  // Its consumers scale on the queue length through KEDA.
  platformNeeds: ({ edw }) => ({ awsInterfaceEndpoints: [], keda: edw.keda, postgres: false }),
  operators: (env) => (env.edw.keda === 'helm' ? ['keda'] : []),
};
