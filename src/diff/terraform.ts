/**
 * Compares one Terraform stack (cdk.tf.json) by address, the way `terraform plan` would see it,
 * and finds resources whose address changed: Terraform destroys and recreates those unless told
 * with a `moved` block or `terraform state mv`.
 */
import type { Change, EntryChange, EntryKind, Replacement, StackCounts, StackDiff } from './types';
import { checkForceNew } from './force-new';
import { differingKeys, equal, isPlain } from './values';

export type TerraformJson = Record<string, unknown>;

interface Entry {
  readonly address: string;
  readonly kind: EntryKind;
  /** The resource or data source type. */
  readonly type?: string;
  readonly body: unknown;
}

/** Top-level blocks keyed by name, and the address prefix Terraform gives them. */
const NAMED_BLOCKS: Record<string, [prefix: string, kind: EntryKind]> = {
  output: ['output', 'output'],
  provider: ['provider', 'setting'],
  variable: ['var', 'setting'],
  module: ['module', 'setting'],
  locals: ['local', 'setting'],
};

export function entriesOf(json: TerraformJson): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [key, value] of Object.entries(json)) {
    if ((key === 'resource' || key === 'data') && isPlain(value) && Object.values(value).every(isPlain)) {
      const kind = key === 'data' ? 'data' : 'resource';
      for (const [type, byName] of Object.entries(value as Record<string, Record<string, unknown>>))
        for (const [name, body] of Object.entries(byName)) {
          const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
          out.set(address, { address, kind, type, body });
        }
    } else if (key in NAMED_BLOCKS && isPlain(value)) {
      const [prefix, kind] = NAMED_BLOCKS[key];
      for (const [name, body] of Object.entries(value)) out.set(`${prefix}.${name}`, { address: `${prefix}.${name}`, kind, body });
    } else {
      // `terraform` (backend, required_providers), `moved`, anything cdktf adds later: one entry each.
      out.set(key, { address: key, kind: 'setting', body: value });
    }
  }
  return out;
}

function countsOf(entries: ReadonlyMap<string, Entry>): StackCounts {
  const all = [...entries.values()];
  return {
    resources: all.filter((e) => e.kind === 'resource').length,
    dataSources: all.filter((e) => e.kind === 'data').length,
    outputs: all.filter((e) => e.kind === 'output').length,
  };
}

/**
 * Attributes that carry a resource's name rather than its configuration: a resource renamed in the
 * model usually changes its address and these together.
 */
const NAME_LIKE = /^(tags|tags_all|bucket|bucket_prefix|identifier|identifier_prefix)$|(^|_)name(_prefix)?$/;

export const isNameLike = (attribute: string): boolean => NAME_LIKE.test(attribute);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The body with references to renamed addresses written as the old ones, so they compare equal. */
function withOldAddresses(body: unknown, oldByNew: ReadonlyMap<string, string>): unknown {
  if (oldByNew.size === 0) return body;
  const pattern = new RegExp(`(?<![\\w.-])(${[...oldByNew.keys()].map(escape).join('|')})(?![\\w-])`, 'g');
  return JSON.parse(JSON.stringify(body).replace(pattern, (address) => oldByNew.get(address)!));
}

/**
 * Pairs removed and added resources of the same type whose bodies are identical, or differ only in
 * name-like attributes. Repeats until nothing new pairs up, because a renamed resource's dependents
 * (a bucket's policy) differ only through their references to it.
 */
function findReplacements(removed: readonly Entry[], added: readonly Entry[]): Replacement[] {
  const pairs: Replacement[] = [];
  const oldByNew = new Map<string, string>();
  const taken = new Set<string>();
  for (let progress = true; progress;) {
    progress = false;
    // Identical bodies first, so a name-only match never takes an exact one's partner.
    for (const strict of [true, false]) {
      for (const from of removed) {
        if (taken.has(from.address)) continue;
        for (const to of added) {
          if (taken.has(to.address) || to.type !== from.type) continue;
          const body = withOldAddresses(to.body, oldByNew);
          const differs = differingKeys(from.body, body);
          const match = equal(from.body, body) || (!strict && differs.length > 0 && differs.every(isNameLike));
          if (!match) continue;
          pairs.push({ from: from.address, to: to.address, differs });
          oldByNew.set(to.address, from.address);
          taken.add(from.address).add(to.address);
          progress = true;
          break;
        }
      }
      if (progress) break;
    }
  }
  return pairs.sort((a, b) => (a.from < b.from ? -1 : 1));
}

/**
 * The providers a stack pins, by local name (`aws` → `hashicorp/aws` 6.25.0): which provider a
 * resource type belongs to is its prefix, as Terraform infers it without a `provider` argument.
 */
function providersOf(json: TerraformJson | undefined): Map<string, { source: string; version?: string }> {
  const out = new Map<string, { source: string; version?: string }>();
  const terraform = json?.terraform;
  const required = isPlain(terraform) && isPlain(terraform.required_providers) ? terraform.required_providers : {};
  for (const [name, spec] of Object.entries(required)) {
    const source = isPlain(spec) && typeof spec.source === 'string' ? spec.source.replace(/^registry\.terraform\.io\//, '') : `hashicorp/${name}`;
    const version = isPlain(spec) && typeof spec.version === 'string' ? spec.version : undefined;
    out.set(name, { source, ...(version ? { version } : {}) });
  }
  return out;
}

/** Undefined when the two sides are equal as Terraform sees them. */
export function compareStack(stack: string, file: string, committed: TerraformJson | undefined, synthesized: TerraformJson | undefined): StackDiff | undefined {
  const before = committed ? entriesOf(committed) : new Map<string, Entry>();
  const after = synthesized ? entriesOf(synthesized) : new Map<string, Entry>();
  const change: Change = !committed ? 'added' : !synthesized ? 'removed' : 'changed';
  const removed = [...before.values()].filter((e) => !after.has(e.address));
  const added = [...after.values()].filter((e) => !before.has(e.address));
  const replacements =
    change === 'changed'
      ? findReplacements(
          removed.filter((e) => e.kind === 'resource'),
          added.filter((e) => e.kind === 'resource'),
        )
      : [];
  const paired = new Set(replacements.flatMap((r) => [r.from, r.to]));

  const entries: EntryChange[] = [];
  for (const e of removed) if (!paired.has(e.address)) entries.push({ address: e.address, kind: e.kind, change: 'removed' });
  for (const e of added) if (!paired.has(e.address)) entries.push({ address: e.address, kind: e.kind, change: 'added' });
  const providers = providersOf(synthesized ?? committed);
  for (const [address, e] of before) {
    const other = after.get(address);
    if (!other || equal(e.body, other.body)) continue;
    const attributes = differingKeys(e.body, other.body);
    if (e.kind !== 'resource' || !e.type) {
      entries.push({ address, kind: e.kind, change: 'changed', attributes });
      continue;
    }
    const provider = providers.get(e.type.split('_')[0]);
    const check = checkForceNew(e.type, e.body, other.body, attributes, provider?.source, provider?.version);
    entries.push({
      address,
      kind: e.kind,
      change: 'changed',
      attributes,
      ...(check.forced.length > 0 ? { forced: check.forced } : {}),
      ...(check.unchecked ? { unchecked: check.unchecked } : {}),
    });
  }
  if (change === 'changed' && entries.length === 0 && replacements.length === 0) return undefined;
  entries.sort((a, b) => (a.address < b.address ? -1 : 1));
  return { stack, file, change, replacements, entries, counts: countsOf(synthesized ? after : before) };
}
