/** What the burst (`mlops.burst`) gives each cloud's training entries: the one table of that difference. */
import type { OperatorName } from '../../operators';
import type { Cloud } from '../../types';

export interface BurstTraining {
  /** Operators installed where burst is on: what turns a training entry into a managed job. */
  readonly operators: readonly OperatorName[];
  /** Why a training entry cannot run on the managed service from the model here; undefined where it can. */
  readonly refused?: string;
}

export const BURST_TRAINING: { readonly [C in Cloud]: BurstTraining } = {
  // A TrainingJob per entry, created in SageMaker by the ACK controller (its role: the mlops stack's).
  aws: { operators: ['ack-sagemaker-controller'] },
  // The workspace and its compute cluster exist (mlops stack); nothing submits jobs to them from the model.
  azure: {
    operators: [],
    refused: 'is AWS only (SageMaker); on Azure, burst jobs run through Azure ML, which the model does not deliver jobs to yet: run this entry on the cluster',
  },
};
