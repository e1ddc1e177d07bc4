import type { EnvironmentNames } from './naming';
import type { Environment, Platform } from './types';

/** Values only the cloud knows, from `terraform output -json` of a stack of this environment. */
export interface TerraformOutputs {
  /** The output's value; a miss is recorded and synth reports every miss instead of writing anything. */
  require(stack: string, name: string): string;
}

/** What every stack layer and chart receives: the resolved model of one environment and its names. */
export interface EnvironmentContext {
  readonly platform: Platform;
  readonly env: Environment;
  readonly names: EnvironmentNames;
  /** Charts read cloud-assigned values here; stacks never need them. */
  readonly outputs: TerraformOutputs;
}
