/**
 * YAML overlays: a file with the PlatformSpec shape applied on top of the default model.
 * An environment whose name exists is merged into it (mappings merge key by key, lists and
 * values replace); a new name adds an environment, which must then be complete. The result is
 * validated by the same rules as src/platform.ts. An empty overlay (no content, only comments,
 * or `{}`) changes nothing: the model is the default one.
 */
import { LineCounter, parseDocument } from 'yaml';
import { isReservedKey, RESERVED_KEY_MESSAGE } from './lookup';
import { ModelError, quote, type Problem } from './problems';
import type { PlatformSpec } from './types';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Aliases a document may expand: the yaml package's guard against an alias bomb (exponential expansion). */
export const MAX_ALIAS_COUNT = 100;
/** How deep mappings and lists may nest: the model's own depth is under 10; deeper is a mistake or an attack. */
export const MAX_NESTING_DEPTH = 64;

/** The overlay file's bytes as text: UTF-8 only (a UTF-8 byte order mark is dropped), else a problem naming the file. */
export function decodeOverlay(bytes: Uint8Array, source: string): string {
  const bad = (message: string) => new ModelError([{ path: source, message }]);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw bad('is UTF-16 (it starts with a UTF-16 byte order mark); save the overlay as UTF-8');
  if (bytes.includes(0)) throw bad('contains NUL bytes (UTF-16 or a binary file?); an overlay is UTF-8 text');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw bad('is not valid UTF-8 text; save the overlay as UTF-8');
  }
}

/** Parses overlay text; YAML syntax errors become problems named by file, line and column. */
export function parseOverlay(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ModelError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { path: pos ? `${source}:${pos.line}:${pos.col}` : source, message: parseErrorMessage(e.code, e.message) };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml package throws a ReferenceError past maxAliasCount, and a deep enough document overflows the stack.
    if (err instanceof ReferenceError)
      throw new ModelError([{ path: source, message: `expands more than ${MAX_ALIAS_COUNT} YAML aliases (an alias bomb?); write the values out` }]);
    if (err instanceof RangeError) throw new ModelError([{ path: source, message: nestingMessage() }]);
    throw err;
  }
  return value ?? {};
}

function nestingMessage(): string {
  return `nests mappings and lists deeper than ${MAX_NESTING_DEPTH} levels`;
}

/** A YAML error's first line, said in the overlay's terms where the parser's wording is about its API. */
function parseErrorMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'holds more than one YAML document (a `---` line between documents); an overlay is one document';
  if (code === 'RESOURCE_EXHAUSTION') return nestingMessage();
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Reserved keys (with their paths) and nesting past MAX_NESTING_DEPTH: found before anything is merged. */
function checkKeysAndDepth(value: unknown, path: string, depth: number, source: string, problems: Problem[]): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_NESTING_DEPTH) {
    problems.push({ path: path ? `${source}: ${path}` : source, message: nestingMessage() });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkKeysAndDepth(v, `${path}[${i}]`, depth + 1, source, problems));
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (isReservedKey(k)) problems.push({ path: `${source}: ${at}`, message: RESERVED_KEY_MESSAGE });
    else checkKeysAndDepth(v, at, depth + 1, source, problems);
  }
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = Object.hasOwn(base, k) ? deepMerge(base[k], v) : structuredClone(v);
    return out;
  }
  return structuredClone(over);
}

/** The base spec with the overlay applied; problems with the overlay's own structure are thrown. */
export function applyOverlay(base: PlatformSpec, overlay: unknown, source: string): unknown {
  if (!isPlainObject(overlay)) throw new ModelError([{ path: source, message: 'an overlay must be a mapping with `environments` (and optionally `name`)' }]);
  const problems: Problem[] = [];
  checkKeysAndDepth(overlay, '', 0, source, problems);
  // Nothing is merged past a reserved key or a nesting too deep; the other problems of the overlay's structure are still listed.
  const mergeable = problems.length === 0;
  const result: Record<string, unknown> = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overlay)) {
    if (key !== 'environments' && mergeable) result[key] = structuredClone(value);
  }
  if (Object.hasOwn(overlay, 'environments')) {
    const envs = overlay.environments;
    if (!Array.isArray(envs)) {
      problems.push({ path: 'environments', message: 'expected a list of environments in the overlay' });
    } else {
      const merged = [...(result.environments as unknown[])];
      const listed = new Map<string, number>();
      envs.forEach((env, i) => {
        if (!isPlainObject(env) || typeof env.name !== 'string') {
          problems.push({ path: `${source}: environments[${i}]`, message: 'each overlay environment needs a `name` to merge into or add' });
          return;
        }
        // Merging a second entry of one name into the first would hide which one was meant.
        const first = listed.get(env.name);
        if (first !== undefined) {
          problems.push({
            path: `${source}: environments[${i}].name`,
            message: `${quote(env.name)} is also listed at ${source}: environments[${first}]; list each environment once`,
          });
          return;
        }
        listed.set(env.name, i);
        if (!mergeable) return;
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
