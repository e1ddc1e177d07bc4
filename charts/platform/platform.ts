import type { App } from 'cdk8s';
import type { EnvironmentContext } from '../../src/model/context';
import { AppChart } from '../lib/app-chart';

/** Namespaces and priority classes of the platform. */
export class PlatformChart extends AppChart {
  constructor(app: App, ctx: EnvironmentContext) {
    super(app, 'platform', ctx);
  }
}
