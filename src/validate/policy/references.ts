/** Reading Terraform JSON as rendered by cdktf: references are `${type.name.attr}` strings. */
import type { EnvironmentOutput } from '../output';

/** True when `value` (any JSON) contains a reference to the resource at `address` (`aws_s3_bucket.docs`). */
export function refersTo(value: unknown, address: string): boolean {
  const needle = `${address}.`;
  if (typeof value === 'string')
    return (
      value.includes('${') &&
      (value.includes(`{${needle}`) ||
        value.includes(` ${needle}`) ||
        value.includes(`(${needle}`) ||
        value.includes(`[${needle}`) ||
        value.includes(`,${needle}`))
    );
  if (Array.isArray(value)) return value.some((v) => refersTo(v, address));
  if (value && typeof value === 'object') return Object.values(value).some((v) => refersTo(v, address));
  return false;
}

export interface ResourceRef {
  readonly file: string;
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly body: Record<string, any>;
}

export function allResources(env: EnvironmentOutput): ResourceRef[] {
  const out: ResourceRef[] = [];
  for (const tf of env.terraform) {
    for (const [type, byName] of Object.entries(tf.json.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) out.push({ file: tf.file, type, name, address: `${type}.${name}`, body });
    }
  }
  return out;
}

export function ofType(env: EnvironmentOutput, type: string): ResourceRef[] {
  return allResources(env).filter((r) => r.type === type);
}

/** Resources of `type` in the same stack whose `attribute` refers to `target`. */
export function attachedTo(env: EnvironmentOutput, target: ResourceRef, type: string, attribute: string): ResourceRef[] {
  return ofType(env, type).filter((r) => r.file === target.file && refersTo(r.body[attribute], target.address));
}

/** A nested block as cdktf renders it (object, or list of objects) → list of objects. */
export function blocks(value: unknown): Record<string, any>[] {
  if (Array.isArray(value)) return value.filter((v) => v && typeof v === 'object');
  if (value && typeof value === 'object') return [value as Record<string, any>];
  return [];
}

/** Terraform booleans may arrive as true or "true". */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
export function isFalse(value: unknown): boolean {
  return value === false || value === 'false';
}
