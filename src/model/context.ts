import type { EnvironmentNames } from './naming';
import type { Environment, Platform } from './types';

/** What every stack layer and chart receives: the resolved model of one environment and its names. */
export interface EnvironmentContext {
  readonly platform: Platform;
  readonly env: Environment;
  readonly names: EnvironmentNames;
}
