/** Builds the Terraform stacks of one environment; only the environment's cloud is loaded. */
import type { App } from 'cdktf';
import type { EnvironmentContext } from '../src/model/context';
import type { PlatformStack } from './constructs/platform-stack';

export function buildStacks(app: App, ctx: EnvironmentContext): PlatformStack[] {
  // Required lazily: loading one cloud's provider classes is the bulk of synth time.
  if (ctx.env.cloud === 'aws') return (require('./aws') as typeof import('./aws')).buildAwsStacks(app, ctx);
  return (require('./azure') as typeof import('./azure')).buildAzureStacks(app, ctx);
}
