/**
 * The base of every chart: one chart is one app directory, dist/<env>/kubernetes/<appName>/.
 * Object names come from the model (never construct-path hashes) and every object carries the
 * platform's standard labels.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { EnvironmentContext } from '../../src/model/context';

export const MANAGED_BY = 'platform-synth';

export function standardLabels(ctx: EnvironmentContext, appName: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/part-of': ctx.platform.name,
    'platform-synth.io/app': appName,
    'platform-synth.io/environment': ctx.env.name,
  };
}

export class AppChart extends Chart {
  /** The directory under dist/<env>/kubernetes; keep it stable, GitOps objects point at it. */
  readonly appName: string;
  readonly ctx: EnvironmentContext;

  constructor(scope: Construct, appName: string, ctx: EnvironmentContext, namespace?: string) {
    super(scope, appName, { labels: standardLabels(ctx, appName), namespace, disableResourceNameHashes: true });
    this.appName = appName;
    this.ctx = ctx;
  }
}
