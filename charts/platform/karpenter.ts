import type { App } from 'cdk8s';
import type { EnvironmentContext } from '../../src/model/context';
import { AppChart } from '../lib/app-chart';

/** Karpenter EC2NodeClass and NodePools (AWS). */
export class KarpenterChart extends AppChart {
  constructor(app: App, ctx: EnvironmentContext) {
    super(app, 'karpenter', ctx);
  }
}
