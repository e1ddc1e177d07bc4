/**
 * Structural comparison of parsed JSON/YAML values: key order never matters (it is formatting),
 * array order does (containers, rules and list attributes are ordered).
 */

type Plain = Record<string, unknown>;

export const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with keys sorted at every depth: equal strings mean equal values. */
export function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v) =>
      isPlain(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, v[k]]),
          )
        : v,
    ) ?? 'undefined'
  );
}

export const equal = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** Top-level keys whose values differ, sorted; empty when either side is not an object. */
export function differingKeys(a: unknown, b: unknown): string[] {
  if (!isPlain(a) || !isPlain(b)) return [];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !equal(a[k], b[k])).sort();
}

const segment = (key: string) => (/^[A-Za-z_][\w-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/**
 * The deepest paths at which two values differ (`spec.template.spec.containers[0].image`,
 * `metadata.labels["app.kubernetes.io/name"]`), sorted. Arrays of different lengths are one path.
 */
export function differingPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlain(a) && isPlain(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((k) => differingPaths(a[k], b[k], prefix + segment(k)));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((item, i) => differingPaths(item, b[i], `${prefix}[${i}]`));
  return equal(a, b) ? [] : [prefix.replace(/^\./, '') || '(whole value)'];
}
