/**
 * `npm run dashboard-picture`: writes docs/dashboard-mlops.svg, the layout of the MLOps dashboard of the default
 * model's aws-prod (the README shows it). test/charts/observability.test.ts fails when the committed file differs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { dashboardLayoutSvg } from '../charts/observability/dashboard-picture';
import { dashboards } from '../charts/observability/dashboards';
import { REPO_ROOT } from './cli/toolkit';
import { loadPlatform } from './model/load';
import { defaultPlatform } from './platform';

/** The README's picture: which environment's dashboard, and where it is committed. */
export const PICTURED = { environment: 'aws-prod', uid: 'platform-synth-mlops', file: path.join('docs', 'dashboard-mlops.svg') } as const;

export function picturedSvg(): string {
  const env = loadPlatform(defaultPlatform).environments.find((e) => e.name === PICTURED.environment)!;
  const dashboard = dashboards(env).find((d) => d.uid === PICTURED.uid);
  if (!dashboard) throw new Error(`${PICTURED.environment} has no dashboard ${PICTURED.uid}`);
  return dashboardLayoutSvg(dashboard);
}

if (require.main === module) {
  const file = path.join(REPO_ROOT, PICTURED.file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, picturedSvg());
  process.stdout.write(`wrote ${PICTURED.file}\n`);
}
