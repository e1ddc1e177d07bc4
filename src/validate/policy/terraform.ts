/** Rules on Terraform itself, whatever the provider. */
import { allResources } from './references';
import type { PolicyRule, Violation } from './rule';

/** First segments of references whose values never reach a state file. */
const STATELESS_REFERENCES = new Set(['ephemeral', 'var', 'local', 'each', 'count', 'path', 'terraform', 'self']);

/** `type.name.` (managed resource) or `data.type.name.` references in a Terraform expression. */
function stateReferences(expression: string): string[] {
  const out: string[] = [];
  for (const m of expression.matchAll(/(?<![\w.])([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)/g)) {
    const [, first, second, third] = m;
    if (STATELESS_REFERENCES.has(first)) continue;
    out.push(first === 'data' ? `data.${second}.${third}` : `${first}.${second}`);
  }
  return out;
}

/** Every `*_wo` argument under `body` (blocks included), with its path. */
function writeOnlyArguments(body: unknown, at = ''): { at: string; value: string }[] {
  if (Array.isArray(body)) return body.flatMap((v, i) => writeOnlyArguments(v, `${at}[${i}]`));
  if (!body || typeof body !== 'object') return [];
  return Object.entries(body).flatMap(([key, value]) => {
    const path = at ? `${at}.${key}` : key;
    if (key.endsWith('_wo') && typeof value === 'string') return [{ at: path, value }];
    return writeOnlyArguments(value, path);
  });
}

export const terraformRules: readonly PolicyRule[] = [
  {
    id: 'terraform-write-only-from-state',
    reason:
      "A write-only argument (`*_wo`) keeps a secret out of its resource's state only if the value comes from no other resource or data source: their attributes are in the state too.",
    check: (ctx) =>
      allResources(ctx.env).flatMap((r): Violation[] =>
        writeOnlyArguments(r.body)
          .filter((a) => a.value.includes('${'))
          .flatMap((a) => {
            const refs = [...new Set(stateReferences(a.value))];
            return refs.length
              ? [
                  {
                    file: r.file,
                    resource: r.address,
                    message: `${a.at} comes from ${refs.join(', ')}, whose state holds the value: use a function or an ephemeral value`,
                  },
                ]
              : [];
          }),
      ),
  },
];
