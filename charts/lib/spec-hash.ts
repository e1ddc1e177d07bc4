/** A short hash of a definition, to name what must be a new object whenever it changes (a one-off Job, a SageMaker job). */
import { createHash } from 'crypto';

/** The same definition (whatever its key order) gives the same hash on every machine. */
export function specHash(definition: unknown, length: number): string {
  return createHash('sha256')
    .update(JSON.stringify(sorted(definition)))
    .digest('hex')
    .slice(0, length);
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  return value;
}
