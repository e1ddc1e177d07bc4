/** loadPlatform(): shape check → rules → defaults. Throws a ModelError with every problem at once. */
import { resolvePlatform } from './defaults';
import { ModelError, type Problem } from './problems';
import { PLATFORM_SHAPE } from './schema';
import { checkShape } from './shape';
import type { Platform, PlatformSpec } from './types';
import { validatePlatform } from './validate';
import { CLOUDS } from './cloud';
import { checkRagModels } from './workloads/rag/rules';

/** Every problem in a spec of unknown shape; empty when it can be resolved. */
export function findProblems(spec: unknown): Problem[] {
  const problems: Problem[] = [];
  checkShape(spec, PLATFORM_SHAPE, '', problems);
  if (spec && typeof spec === 'object' && !Array.isArray(spec)) problems.push(...validatePlatform(spec as PlatformSpec));
  return dedupe(problems);
}

export function loadPlatform(spec: unknown): Platform {
  const problems = findProblems(spec);
  if (problems.length > 0) throw new ModelError(problems);
  return resolvePlatform(spec as PlatformSpec);
}

/** What the model may do but should change soon (a legacy LLM model), with paths: printed, never fatal. */
export function findWarnings(spec: PlatformSpec): Problem[] {
  const warnings: Problem[] = [];
  const ignore = () => undefined;
  (spec.environments ?? []).forEach((env, i) => {
    const cloud = CLOUDS.find((c) => c === env?.cloud);
    if (env && typeof env === 'object') checkRagModels(env, `environments[${i}]`, cloud, ignore, (path, message) => warnings.push({ path, message }));
  });
  return warnings;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
