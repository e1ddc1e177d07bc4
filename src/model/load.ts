/** loadPlatform(): shape check → rules → defaults. Throws a ModelError with every problem at once. */
import { resolvePlatform } from './defaults';
import { ModelError, type Problem } from './problems';
import { PLATFORM_SHAPE } from './schema';
import { checkShape } from './shape';
import type { Platform, PlatformSpec } from './types';
import { validatePlatform } from './validate';
import { CLOUDS } from './cloud';
import { checkRagModels } from './workloads/rag/rules';
import { findNameLimitProblems } from './name-limits';
import { SECRET_PATTERNS } from './secret-patterns';

/** Every problem in a spec of unknown shape; empty when it can be resolved. */
export function findProblems(spec: unknown): Problem[] {
  const problems: Problem[] = [];
  checkShape(spec, PLATFORM_SHAPE, '', problems);
  if (spec && typeof spec === 'object' && !Array.isArray(spec)) problems.push(...validatePlatform(spec as PlatformSpec));
  const secrets: Secret[] = [];
  findSecrets(spec, '', secrets);
  // Another rule may quote the value (clipped, so its start): the secret is named by its path only, never printed.
  const quoting = (p: Problem) => secrets.some((s) => s.path === p.path || `${p.path}: ${p.message}`.includes(s.text.slice(0, 20)));
  const found = dedupe([...secrets.map((s) => ({ path: s.path, message: s.message })), ...problems.filter((p) => !quoting(p))]);
  // Derived names are checked on the resolved model, where every name exists, whatever synth later reads.
  return found.length > 0 ? found : findNameLimitProblems(resolvePlatform(spec as PlatformSpec));
}

export function loadPlatform(spec: unknown): Platform {
  const problems = findProblems(spec);
  if (problems.length > 0) throw new ModelError(problems);
  return resolvePlatform(spec as PlatformSpec);
}

interface Secret {
  readonly path: string;
  /** The string that holds it. */
  readonly text: string;
  readonly message: string;
}

/** Every string of the model (keys too) read with the output's secret patterns: a credential pasted into a field would land in many files. */
function findSecrets(value: unknown, path: string, out: Secret[]): void {
  const scan = (text: string, at: string, what: string) => {
    const found = SECRET_PATTERNS.find((p) => p.re.test(text));
    if (found)
      out.push({
        path: at,
        text,
        message: `${what} ${found.what}; secrets never go into the model (keep them in Secrets Manager / Key Vault, or a Secret created in the cluster)`,
      });
  };
  if (typeof value === 'string') scan(value, path, 'holds');
  else if (Array.isArray(value)) value.forEach((v, i) => findSecrets(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      // A key is named by where it is, not by itself.
      scan(k, path || '(top level)', 'has a key that is');
      findSecrets(v, at, out);
    }
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
