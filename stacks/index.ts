/** Builds the Terraform stacks of one environment; only the environment's cloud is loaded. */
import type { App } from 'cdktf';
import { byCloud, type EnvironmentContext } from '../src/model/context';
import { buildCloudStacks } from './cloud-stacks';
import type { PlatformStack } from './constructs/platform-stack';

export function buildStacks(app: App, ctx: EnvironmentContext): PlatformStack[] {
  // Required lazily: loading one cloud's provider classes is the bulk of synth time.
  return byCloud(ctx, {
    aws: (aws) => buildCloudStacks(app, aws, (require('./aws') as typeof import('./aws')).AWS_STACKS),
    azure: (azure) => buildCloudStacks(app, azure, (require('./azure') as typeof import('./azure')).AZURE_STACKS),
  });
}
