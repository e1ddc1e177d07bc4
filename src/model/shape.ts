/**
 * Shapes: the runtime description of what a user may write, checked before any rule runs (every key
 * known, every value of the right type, every required field present). Each builder carries the
 * TypeScript type it describes, so a workload's shape is checked against its spec type at compile
 * time: a missing or extra field, a string where the type has a union of literals, or an enum that
 * lists fewer values than the type are all type errors. The spec interface is written once; the
 * shape can no longer drift from it.
 */
import { isReservedKey, RESERVED_KEY_MESSAGE } from './lookup';
import { quote, type Problem } from './problems';

export type Shape =
  | { readonly kind: 'string'; readonly oneOf?: readonly string[] }
  | { readonly kind: 'integer' }
  | { readonly kind: 'number' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'array'; readonly items: Shape }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Field>> }
  | { readonly kind: 'map'; readonly values: Shape };

export interface Field {
  readonly shape: Shape;
  readonly required?: boolean;
}

declare const DESCRIBES: unique symbol;
/** A shape of values of type `T` (the type lives only at compile time; invariant, so `string` and a literal union differ). */
export type ShapeOf<T> = Shape & { readonly [DESCRIBES]?: (value: T) => T };

/** A required field of type `T`. */
export interface RequiredField<T> extends Field {
  readonly shape: ShapeOf<T>;
  readonly required: true;
}
/** An optional field of type `T`. */
export interface OptionalField<T> extends Field {
  readonly shape: ShapeOf<T>;
  readonly required?: false;
}

/** The fields of an object type: each key, required exactly where the type requires it. */
export type FieldsOf<T> = { readonly [K in keyof T]-?: undefined extends T[K] ? OptionalField<NonNullable<T[K]>> : RequiredField<T[K]> };

export const str: ShapeOf<string> = { kind: 'string' };
export const int: ShapeOf<number> = { kind: 'integer' };
/** Any finite number, fractions included (usage figures such as 0.5 GB). */
export const num: ShapeOf<number> = { kind: 'number' };
export const bool: ShapeOf<boolean> = { kind: 'boolean' };
export const list = <T>(items: ShapeOf<T>): ShapeOf<T[]> => ({ kind: 'array', items });
export const strings: ShapeOf<string[]> = list(str);
export const map = <T>(values: ShapeOf<T>): ShapeOf<Record<string, T>> => ({ kind: 'map', values });
export const obj = <T>(fields: FieldsOf<NoInfer<T>>): ShapeOf<T> => ({ kind: 'object', fields: fields as Readonly<Record<string, Field>> });
export const req = <T>(shape: ShapeOf<T>): RequiredField<T> => ({ shape, required: true });
export const opt = <T>(shape: ShapeOf<T>): OptionalField<T> => ({ shape });
/** One of the literals of `T`, every one of them: a record keyed by the union cannot leave one out. */
export const oneOf = <T extends string>(values: Readonly<Record<T, true>>): ShapeOf<T> => ({ kind: 'string', oneOf: Object.keys(values) });

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${quote(value)}`;
}

function describe(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
      return shape.oneOf ? `one of ${shape.oneOf.map((v) => JSON.stringify(v)).join(', ')}` : 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'map':
      return 'a mapping';
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Appends a problem for every place `value` departs from `shape`. */
export function checkShape(value: unknown, shape: Shape, path: string, problems: Problem[]): void {
  switch (shape.kind) {
    case 'string':
      if (typeof value !== 'string') problems.push({ path, message: `expected ${describe(shape)}, got ${typeName(value)}` });
      else if (shape.oneOf && !shape.oneOf.includes(value)) problems.push({ path, message: `${quote(value)} is not ${describe(shape)}` });
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) problems.push({ path, message: `expected a whole number, got ${typeName(value)}` });
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push({ path, message: `expected a number, got ${typeName(value)}` });
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push({ path, message: `expected true or false, got ${typeName(value)}` });
      return;
    case 'array':
      if (!Array.isArray(value)) {
        problems.push({ path, message: `expected a list, got ${typeName(value)}` });
        return;
      }
      value.forEach((item, i) => checkShape(item, shape.items, `${path}[${i}]`, problems));
      return;
    case 'map':
      if (!isPlainObject(value)) {
        problems.push({ path, message: `expected a mapping, got ${typeName(value)}` });
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (isReservedKey(k)) problems.push({ path: `${path}.${k}`, message: RESERVED_KEY_MESSAGE });
        else checkShape(v, shape.values, `${path}.${k}`, problems);
      }
      return;
    case 'object': {
      if (!isPlainObject(value)) {
        problems.push({ path, message: `expected a mapping, got ${typeName(value)}` });
        return;
      }
      const known = Object.keys(shape.fields);
      for (const key of Object.keys(value)) {
        if (isReservedKey(key)) problems.push({ path: join(path, key), message: RESERVED_KEY_MESSAGE });
        else if (!Object.hasOwn(shape.fields, key)) problems.push({ path: join(path, key), message: `unknown key (expected one of: ${known.join(', ')})` });
      }
      for (const [key, field] of Object.entries(shape.fields)) {
        const child = value[key];
        if (child === undefined || child === null) {
          if (field.required) problems.push({ path: join(path, key), message: `is required (${describe(field.shape)})` });
          continue;
        }
        checkShape(child, field.shape, join(path, key), problems);
      }
    }
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
