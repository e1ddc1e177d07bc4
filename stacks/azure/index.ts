import type { App } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { PlatformStack } from '../constructs/platform-stack';

/** Azure stacks of one environment. */
export function buildAzureStacks(app: App, ctx: EnvironmentContext): PlatformStack[] {
  return [new PlatformStack(app, 'platform', ctx)];
}
