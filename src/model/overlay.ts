/**
 * YAML overlays: a file with the PlatformSpec shape applied on top of the default model.
 * An environment whose name exists is merged into it (mappings merge key by key, lists and
 * values replace); a new name adds an environment, which must then be complete. The result is
 * validated by the same rules as src/platform.ts.
 */
import { LineCounter, parseDocument } from 'yaml';
import { ModelError, type Problem } from './problems';
import type { PlatformSpec } from './types';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses overlay text; YAML syntax errors become problems named by file, line and column. */
export function parseOverlay(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ModelError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { path: pos ? `${source}:${pos.line}:${pos.col}` : source, message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') };
      }),
    );
  }
  return doc.toJS() ?? {};
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
    return out;
  }
  return structuredClone(over);
}

/** The base spec with the overlay applied; problems with the overlay's own structure are thrown. */
export function applyOverlay(base: PlatformSpec, overlay: unknown, source: string): unknown {
  const problems: Problem[] = [];
  if (!isPlainObject(overlay)) throw new ModelError([{ path: source, message: 'an overlay must be a mapping with `environments` (and optionally `name`)' }]);
  const result: Record<string, unknown> = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overlay)) {
    if (key !== 'environments') result[key] = structuredClone(value);
  }
  if ('environments' in overlay) {
    const envs = overlay.environments;
    if (!Array.isArray(envs)) {
      problems.push({ path: 'environments', message: 'expected a list of environments in the overlay' });
    } else {
      const merged = [...(result.environments as unknown[])];
      envs.forEach((env, i) => {
        if (!isPlainObject(env) || typeof env.name !== 'string') {
          problems.push({ path: `${source}: environments[${i}]`, message: 'each overlay environment needs a `name` to merge into or add' });
          return;
        }
        const at = merged.findIndex((e) => isPlainObject(e) && e.name === env.name);
        if (at >= 0) merged[at] = deepMerge(merged[at], env);
        else merged.push(structuredClone(env));
      });
      result.environments = merged;
    }
  }
  if (problems.length > 0) throw new ModelError(problems);
  return result;
}
