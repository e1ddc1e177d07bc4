import { contextFor, type EnvironmentContext } from '../src/model/context';
import type { Environment, Platform } from '../src/model/types';
import { DEFAULT_OUTPUTS_DIR, OutputsFile } from '../src/synth/outputs';

/** The context synth gives stacks and charts, with the default model's example Terraform outputs. */
export function testContext(platform: Platform, env: Environment, outputsDir: string = DEFAULT_OUTPUTS_DIR): EnvironmentContext {
  return contextFor(platform, env, new OutputsFile(outputsDir, env.name));
}
