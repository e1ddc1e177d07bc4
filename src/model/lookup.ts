/**
 * Lookups of keys that come from input (a region, a version, a size, a model id) in the model's tables.
 * A plain `table[key]` or `key in table` finds Object.prototype's members, so `region: constructor`
 * would pass as a known region: these look at the table's own keys only.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Whether the table itself holds `key`. */
export function hasOwnKey(table: object, key: string): boolean {
  return Object.hasOwn(table, key);
}

/** Keys no input may use: as object keys they reach Object.prototype (or read as if the model held them). */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export const isReservedKey = (key: string): boolean => RESERVED_KEYS.includes(key);

/** The problem message of a reserved key, one spelling for the shape check and the overlay. */
export const RESERVED_KEY_MESSAGE = `is a reserved name (${RESERVED_KEYS.join(', ')}) and cannot be a key`;
