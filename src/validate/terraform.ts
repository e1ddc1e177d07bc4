/**
 * Offline validation of synthesized Terraform JSON (`cdk.tf.json`) against provider schemas in the
 * format of `terraform providers schema -json`: the bundles in src/validate/schemas/ (see
 * terraform-bundle.ts), or full schemas when given.
 *
 * Rules:
 *  - tf-schema: resources, data sources and provider blocks against the schema (types, attributes,
 *    blocks, required/computed, block counts, value shapes, meta-arguments); deprecated → warning.
 *  - tf-provider-pinned: required_providers entries have a fully qualified source and a pinned version.
 *  - tf-remote-backend: a backend other than `local` (or a `cloud` block) is configured.
 *  - tf-no-absolute-paths: no local file-system paths in the file (see ABSOLUTE_PATH).
 *
 * Value conversions accepted (the ones Terraform itself performs when converting config):
 *  - any string containing an unescaped `${` or `%{` is an expression template: accepted for any type;
 *  - number → string and bool → string;
 *  - string → number when it is a decimal number literal ("10", "-1.5", "1e3");
 *  - string → bool for "true", "false", "1", "0" (cty's rule; "True" or "yes" are rejected);
 *  - a JSON array for a list, set or tuple; a JSON object for a map or object.
 * A nested block may be written as one object or as an array of objects (both are Terraform JSON).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Finding, Severity } from './findings';
import { sortFindings } from './findings';
import {
  BUNDLE_DIR,
  BUNDLED_PROVIDERS,
  FULL_SCHEMA_DIR,
  findTerraformFiles,
  type ProviderSchemaDocument,
  type Schema,
  type SchemaAttribute,
  type SchemaBlock,
  type SchemaBlockType,
  type SchemaNestedType,
  type SchemaType,
} from './terraform-bundle';

// ---------------------------------------------------------------------------------------------
// Version gap

/**
 * Findings that are accepted because our generated bindings (aws 6.25.0, azurerm 4.55.0) and the
 * vendored schemas (aws 6.19.0, azurerm 4.65.0) disagree. Each entry names one resource type (or
 * provider) and one attribute path (block names joined with `.`, no indices; empty for the type
 * itself) and suppresses only tf-schema findings on exactly that path. Keep it short and explain why.
 */
export interface VersionGapAllowance {
  readonly kind: 'resource' | 'data' | 'provider';
  /** Resource or data source type, or the provider's local name for `provider`. */
  readonly type: string;
  /** `vpc_config.endpoint_public_access`; '' = the type itself is unknown to the schema. */
  readonly attribute: string;
  readonly reason: string;
}

export const TERRAFORM_VERSION_GAP_ALLOWANCES: readonly VersionGapAllowance[] = [
  {
    kind: 'resource',
    type: 'azurerm_federated_identity_credential',
    attribute: 'parent_id',
    reason: 'required by the pinned azurerm 4.55.0; 4.65.0 deprecates it for user_assigned_identity_id, which 4.55.0 does not have',
  },
  {
    kind: 'resource',
    type: 'azurerm_federated_identity_credential',
    attribute: 'resource_group_name',
    reason: 'required by the pinned azurerm 4.55.0; deprecated in 4.65.0 along with parent_id',
  },
];

// ---------------------------------------------------------------------------------------------
// Schema loading

export interface ValidateOptions {
  /** Defaults to TERRAFORM_VERSION_GAP_ALLOWANCES. */
  readonly allowances?: readonly VersionGapAllowance[];
  /**
   * Full provider schemas, consulted only when a type is missing from a bundle, to tell "run
   * npm run schemas" from "no such type". Returns [] when not available.
   */
  readonly fullSchemas?: () => readonly ProviderSchemaDocument[];
}

/** The schema documents of every bundled provider found in `dir`, by the file name `fileOf` gives; read once per key. */
function schemaReader(dir: string, fileOf: (p: (typeof BUNDLED_PROVIDERS)[number]) => string): () => ProviderSchemaDocument[] {
  let cache: ProviderSchemaDocument[] | undefined;
  return () => {
    cache ??= BUNDLED_PROVIDERS.map((p) => path.join(dir, fileOf(p)))
      .filter((file) => fs.existsSync(file))
      .map((file) => JSON.parse(fs.readFileSync(file, 'utf8')));
    return cache;
  };
}

/** The committed bundles (src/validate/schemas/terraform-*.json), read once. */
export const loadBundles = schemaReader(BUNDLE_DIR, (p) => p.bundleFile);

/** The full vendored schemas from ../shared when present (large: read only on demand, once). */
export const loadFullSchemas = schemaReader(FULL_SCHEMA_DIR, (p) => p.schemaFile);

/** Terraform's built-in provider (terraform.io/builtin/terraform), which no schema file covers. */
const BUILTIN_SOURCE = 'terraform.io/builtin/terraform';
const BUILTIN: ProviderSchemaDocument = {
  format_version: '1.0',
  provider_schemas: {
    [BUILTIN_SOURCE]: {
      provider: { block: {} },
      resource_schemas: {
        terraform_data: {
          block: {
            attributes: {
              id: { type: 'string', computed: true },
              input: { type: 'dynamic', optional: true },
              output: { type: 'dynamic', computed: true },
              triggers_replace: { type: 'dynamic', optional: true },
            },
          },
        },
      },
      data_source_schemas: {
        terraform_remote_state: {
          block: {
            attributes: {
              backend: { type: 'string', required: true },
              config: { type: 'dynamic', optional: true },
              defaults: { type: 'dynamic', optional: true },
              outputs: { type: 'dynamic', computed: true },
              workspace: { type: 'string', optional: true },
            },
          },
        },
      },
    },
  },
};

interface ProviderEntry {
  readonly source: string;
  readonly schema: {
    readonly provider?: Schema;
    readonly resource_schemas?: Readonly<Record<string, Schema>>;
    readonly data_source_schemas?: Readonly<Record<string, Schema>>;
  };
  readonly partial: boolean;
  readonly version?: string;
}

function indexSchemas(docs: readonly ProviderSchemaDocument[]): Map<string, ProviderEntry> {
  const out = new Map<string, ProviderEntry>();
  for (const doc of [BUILTIN, ...docs]) {
    for (const [source, schema] of Object.entries(doc.provider_schemas ?? {})) {
      out.set(normalizeSource(source), { source, schema, partial: doc.bundle?.complete === false, version: doc.bundle?.provider_version });
    }
  }
  return out;
}

/** `aws` → `registry.terraform.io/hashicorp/aws`, `hashicorp/aws` → the same; lower-cased. */
export function normalizeSource(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}

// ---------------------------------------------------------------------------------------------
// Helpers

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Raw {
  readonly resource: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** For version-gap matching (tf-schema only). */
  readonly gap?: { kind: VersionGapAllowance['kind']; type: string; attribute: string };
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An unescaped `${` or `%{` (`$${` and `%%{` are literal). */
const TEMPLATE = /(?:^|[^$])(?:\$\$)*\$\{|(?:^|[^%])(?:%%)*%\{/;
export const isExpression = (v: unknown): boolean => typeof v === 'string' && TEMPLATE.test(v);

const NUMBER_LITERAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array`;
  if (typeof v === 'object') return 'object';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function typeName(t: SchemaType): string {
  if (typeof t === 'string') return t;
  const [kind, arg] = t as [string, unknown];
  if (kind === 'list' || kind === 'set' || kind === 'map') return `${kind}(${typeName(arg as SchemaType)})`;
  return kind;
}

const join = (p: string, key: string) => (p ? `${p}.${key}` : key);
const index = (p: string, i: number) => `${p}[${i}]`;
const mapKey = (p: string, k: string) => `${p}[${JSON.stringify(k)}]`;
/** The attribute path without indices or map keys, for version-gap matching. */
const schemaPath = (p: string) => p.replace(/\[[^\]]*\]/g, '');

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

function suggestion(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

/** Blocks in Terraform JSON: one object, or an array of them. */
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

// ---------------------------------------------------------------------------------------------
// Schema checks

/** A settable list/set-of-objects attribute seen as a block type (block syntax: every field optional). */
function attributeAsBlock(a: SchemaAttribute | undefined): SchemaBlockType | undefined {
  if (!a || (a.computed && !a.optional && !a.required) || !Array.isArray(a.type)) return undefined;
  const [kind, elem] = a.type as [string, unknown];
  if ((kind !== 'list' && kind !== 'set') || !Array.isArray(elem) || elem[0] !== 'object') return undefined;
  const fields = elem[1] as Record<string, SchemaType>;
  const attributes: Record<string, SchemaAttribute> = {};
  for (const [k, t] of Object.entries(fields)) attributes[k] = { type: t, optional: true };
  return { nesting_mode: kind, block: { attributes } };
}

const RESOURCE_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const DATA_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle']);
const PROVIDER_META = new Set(['alias', 'version']);
const RESOURCE_LIFECYCLE = new Set(['create_before_destroy', 'prevent_destroy', 'ignore_changes', 'replace_triggered_by', 'precondition', 'postcondition']);
const DATA_LIFECYCLE = new Set(['precondition', 'postcondition']);

class Checker {
  constructor(
    private readonly out: Raw[],
    private readonly resource: string,
    private readonly kind: VersionGapAllowance['kind'],
    private readonly type: string,
  ) {}

  report(p: string, message: string, severity: Severity = 'error'): void {
    this.out.push({
      resource: this.resource,
      rule: 'tf-schema',
      severity,
      message: p ? `${p}: ${message}` : message,
      gap: { kind: this.kind, type: this.type, attribute: schemaPath(p) },
    });
  }

  /** A block body: attributes, nested blocks, `dynamic` blocks; `meta` names allowed meta-arguments. */
  body(value: unknown, block: SchemaBlock, p: string, meta?: { names: ReadonlySet<string>; check: (key: string, v: unknown) => void }): void {
    if (isExpression(value)) return;
    if (!isObject(value)) {
      this.report(p, `expected a block (object), got ${describe(value)}`);
      return;
    }
    const attrs = block.attributes ?? {};
    const blocks = block.block_types ?? {};
    const dynamicNames = new Set<string>();
    for (const [key, v] of Object.entries(value)) {
      if (key === '//') continue; // Terraform JSON comment
      if (meta?.names.has(key)) {
        meta.check(key, v);
      } else if (Object.prototype.hasOwnProperty.call(attrs, key)) {
        this.attribute(v, attrs[key], join(p, key));
      } else if (Object.prototype.hasOwnProperty.call(blocks, key)) {
        this.blockType(v, blocks[key], join(p, key));
      } else if (key === 'dynamic') {
        for (const name of this.dynamic(v, block, join(p, key))) dynamicNames.add(name);
      } else {
        const what = isObject(v) || (Array.isArray(v) && v.length > 0 && v.every(isObject)) ? 'block' : 'attribute';
        this.report(join(p, key), `unknown ${what}${suggestion(key, [...Object.keys(attrs), ...Object.keys(blocks)])}`);
      }
    }
    for (const [name, a] of Object.entries(attrs)) {
      if (a.required && (value[name] === undefined || value[name] === null)) this.report(join(p, name), 'required attribute missing');
    }
    for (const [name, bt] of Object.entries(blocks)) {
      if ((bt.min_items ?? 0) > 0 && value[name] === undefined && !dynamicNames.has(name)) {
        this.report(join(p, name), `required block missing (min_items ${bt.min_items})`);
      }
    }
  }

  attribute(v: unknown, a: SchemaAttribute, p: string): void {
    if (a.computed && !a.optional && !a.required) {
      this.report(p, 'computed-only attribute cannot be set');
      return;
    }
    if (a.deprecated) this.report(p, 'attribute is deprecated', 'warning');
    if (v === null) return; // null = not set; a required one is reported by body()
    if (a.nested_type) this.nested(v, a.nested_type, p);
    else if (a.type !== undefined) this.value(v, a.type, p);
  }

  /** Attributes with nested_type (protocol 6 providers). */
  nested(v: unknown, n: SchemaNestedType, p: string): void {
    if (isExpression(v)) return;
    const one = (item: unknown, ip: string) => {
      if (isExpression(item) || item === null) return;
      if (!isObject(item)) return this.report(ip, `expected object, got ${describe(item)}`);
      this.body(item, { attributes: n.attributes }, ip);
    };
    let size: number;
    if (n.nesting_mode === 'single') {
      one(v, p);
      return;
    } else if (n.nesting_mode === 'map') {
      if (!isObject(v)) return this.report(p, `expected map of objects, got ${describe(v)}`);
      for (const [k, item] of Object.entries(v)) one(item, mapKey(p, k));
      size = Object.keys(v).length;
    } else {
      if (!Array.isArray(v)) return this.report(p, `expected ${n.nesting_mode} of objects, got ${describe(v)}`);
      v.forEach((item, i) => one(item, index(p, i)));
      size = v.length;
    }
    if (n.min_items && size < n.min_items) this.report(p, `${size} item(s), at least ${n.min_items} required (min_items)`);
    if (n.max_items && size > n.max_items) this.report(p, `${size} item(s), at most ${n.max_items} allowed (max_items)`);
  }

  /** A value against a cty type. */
  value(v: unknown, t: SchemaType, p: string): void {
    if (v === null || isExpression(v)) return;
    const bad = () => this.report(p, `expected ${typeName(t)}, got ${describe(v)}`);
    if (typeof t === 'string') {
      switch (t) {
        case 'dynamic':
          return;
        case 'string':
          if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') bad();
          return;
        case 'number':
          if (typeof v === 'number' || (typeof v === 'string' && NUMBER_LITERAL.test(v))) return;
          return bad();
        case 'bool':
          if (typeof v === 'boolean' || (typeof v === 'string' && ['true', 'false', '1', '0'].includes(v))) return;
          return bad();
        default:
          return this.report(p, `schema has unsupported type ${JSON.stringify(t)}`);
      }
    }
    const [kind, arg, optionalAttrs] = t as [string, any, string[] | undefined];
    switch (kind) {
      case 'list':
      case 'set':
        if (!Array.isArray(v)) return bad();
        v.forEach((item, i) => this.value(item, arg, index(p, i)));
        return;
      case 'map':
        if (!isObject(v)) return bad();
        for (const [k, item] of Object.entries(v)) this.value(item, arg, mapKey(p, k));
        return;
      case 'tuple': {
        if (!Array.isArray(v)) return bad();
        const elems = arg as SchemaType[];
        if (v.length !== elems.length) return this.report(p, `expected tuple of ${elems.length} element(s), got ${v.length}`);
        v.forEach((item, i) => this.value(item, elems[i], index(p, i)));
        return;
      }
      case 'object': {
        if (!isObject(v)) return bad();
        const fields = arg as Record<string, SchemaType>;
        const optional = new Set(optionalAttrs ?? []);
        for (const [k, item] of Object.entries(v)) {
          if (!Object.prototype.hasOwnProperty.call(fields, k)) this.report(join(p, k), `unknown object attribute${suggestion(k, Object.keys(fields))}`);
          else this.value(item, fields[k], join(p, k));
        }
        for (const k of Object.keys(fields)) if (!optional.has(k) && !(k in v)) this.report(join(p, k), 'object attribute missing');
        return;
      }
      default:
        return this.report(p, `schema has unsupported type ${JSON.stringify(t)}`);
    }
  }

  /** A nested block type: count limits by nesting mode, then each block body. */
  blockType(v: unknown, bt: SchemaBlockType, p: string): void {
    if (isExpression(v)) return; // dynamic value for an attributes-as-blocks list; counts unknown
    if (bt.block.deprecated) this.report(p, 'block is deprecated', 'warning');
    if (v === null) return;
    if (bt.nesting_mode === 'map') {
      // `"name": {"label": {…}}`; each label's body may itself be an array (Terraform JSON).
      let size = 0;
      for (const part of asList(v)) {
        if (!isObject(part)) {
          this.report(p, `expected an object of labelled blocks, got ${describe(part)}`);
          continue;
        }
        for (const [label, item] of Object.entries(part)) {
          for (const b of asList(item)) this.body(b, bt.block, mapKey(p, label));
          size++;
        }
      }
      this.counts(size, bt, p);
      return;
    }
    const items = Array.isArray(v) ? v : [v];
    items.forEach((item, i) => this.body(item, bt.block, Array.isArray(v) ? index(p, i) : p));
    const max = bt.nesting_mode === 'single' || bt.nesting_mode === 'group' ? 1 : bt.max_items;
    this.counts(items.length, { ...bt, max_items: max }, p);
  }

  private counts(size: number, bt: { min_items?: number; max_items?: number }, p: string): void {
    if (bt.min_items && size < bt.min_items) this.report(p, `${size} block(s), at least ${bt.min_items} required (min_items)`);
    if (bt.max_items && size > bt.max_items) this.report(p, `${size} blocks, at most ${bt.max_items} allowed (max_items)`);
  }

  /**
   * `"dynamic": {"ingress": {"for_each": …, "iterator": …, "labels": […], "content": {…}}}`; returns the
   * block names. Also accepted for a list/set-of-objects attribute (SDKv2 "attributes as blocks",
   * e.g. aws_security_group.ingress), whose content may then leave object attributes out.
   */
  dynamic(v: unknown, parent: SchemaBlock, p: string): string[] {
    const blocks = parent.block_types ?? {};
    const names: string[] = [];
    for (const part of asList(v)) {
      if (!isObject(part)) {
        this.report(p, `expected an object of dynamic blocks, got ${describe(part)}`);
        continue;
      }
      for (const [name, specs] of Object.entries(part)) {
        const np = join(p, name);
        const bt = blocks[name] ?? attributeAsBlock(parent.attributes?.[name]);
        if (!bt) {
          this.report(np, `unknown block for dynamic${suggestion(name, Object.keys(blocks))}`);
          continue;
        }
        names.push(name);
        for (const spec of asList(specs)) {
          if (!isObject(spec)) {
            this.report(np, `expected a dynamic block (object), got ${describe(spec)}`);
            continue;
          }
          for (const k of Object.keys(spec)) {
            if (!['for_each', 'iterator', 'labels', 'content', '//'].includes(k))
              this.report(join(np, k), 'unknown dynamic block argument (for_each, iterator, labels, content)');
          }
          if (spec.for_each === undefined) this.report(join(np, 'for_each'), 'required in a dynamic block');
          if (spec.content === undefined) this.report(join(np, 'content'), 'required in a dynamic block');
          else this.body(spec.content, bt.block, join(np, 'content'));
        }
      }
    }
    return names;
  }

  /** Meta-arguments of resources and data sources. */
  meta(key: string, v: unknown, block: SchemaBlock, isData: boolean): void {
    if (isExpression(v) && key !== 'lifecycle' && key !== 'depends_on') return;
    switch (key) {
      case 'count':
        if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0) && !(typeof v === 'string' && /^\d+$/.test(v))) {
          this.report(key, `expected a whole number or an expression, got ${describe(v)}`);
        }
        return;
      case 'for_each':
        if (!isObject(v)) this.report(key, `expected a map or an expression (a JSON array is a tuple; wrap it in toset()), got ${describe(v)}`);
        return;
      case 'depends_on':
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) this.report(key, `expected a list of resource addresses, got ${describe(v)}`);
        return;
      case 'provider':
        if (typeof v !== 'string' || !/^[a-zA-Z][\w-]*(\.[a-zA-Z][\w-]*)?$/.test(v))
          this.report(key, `expected "<provider>" or "<provider>.<alias>", got ${describe(v)}`);
        return;
      case 'lifecycle':
        for (const lc of asList(v)) this.lifecycle(lc, block, isData);
        return;
      case 'provisioner':
        for (const part of asList(v)) {
          if (!isObject(part)) this.report(key, `expected an object of provisioners, got ${describe(part)}`);
        }
        return;
      case 'connection':
        for (const part of asList(v)) {
          if (!isObject(part)) this.report(key, `expected a connection block (object), got ${describe(part)}`);
        }
        return;
    }
  }

  private lifecycle(v: unknown, block: SchemaBlock, isData: boolean): void {
    if (!isObject(v)) return this.report('lifecycle', `expected a lifecycle block (object), got ${describe(v)}`);
    const allowed = isData ? DATA_LIFECYCLE : RESOURCE_LIFECYCLE;
    const roots = new Set([...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})]);
    for (const [k, x] of Object.entries(v)) {
      const p = `lifecycle.${k}`;
      if (k === '//') continue;
      if (!allowed.has(k)) {
        this.report(p, `unknown lifecycle argument (allowed: ${[...allowed].join(', ')})${suggestion(k, allowed)}`);
        continue;
      }
      switch (k) {
        case 'create_before_destroy':
        case 'prevent_destroy':
          if (typeof x !== 'boolean' && x !== 'true' && x !== 'false') this.report(p, `expected bool, got ${describe(x)}`);
          break;
        case 'ignore_changes':
          if (x === 'all') break;
          if (!Array.isArray(x) || !x.every((e) => typeof e === 'string')) {
            this.report(p, `expected a list of attribute names or "all", got ${describe(x)}`);
            break;
          }
          x.forEach((e, i) => {
            const root = (e as string).replace(/^\$\{(.*)\}$/, '$1').split(/[.[]/)[0];
            if (!roots.has(root)) this.report(index(p, i), `unknown attribute "${root}"${suggestion(root, roots)}`);
          });
          break;
        case 'replace_triggered_by':
          if (!Array.isArray(x) || !x.every((e) => typeof e === 'string')) this.report(p, `expected a list of references, got ${describe(x)}`);
          break;
        case 'precondition':
        case 'postcondition':
          asList(x).forEach((c, i) => {
            const cp = Array.isArray(x) ? index(p, i) : p;
            if (!isObject(c)) return this.report(cp, `expected a condition block (object), got ${describe(c)}`);
            for (const ck of Object.keys(c))
              if (ck !== 'condition' && ck !== 'error_message' && ck !== '//') this.report(join(cp, ck), 'unknown argument (condition, error_message)');
            for (const ck of ['condition', 'error_message']) if (c[ck] === undefined) this.report(join(cp, ck), 'required attribute missing');
          });
          break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Document checks

const TOP_LEVEL = new Set([
  '//',
  'terraform',
  'provider',
  'resource',
  'data',
  'output',
  'variable',
  'locals',
  'module',
  'moved',
  'import',
  'removed',
  'check',
  'ephemeral',
]);

/** `{type: {name: body}}`, possibly split into an array of such objects; bodies may be arrays. */
function* labelled(section: unknown): Generator<[string, string, unknown]> {
  for (const part of asList(section)) {
    if (!isObject(part)) continue;
    for (const [type, byName] of Object.entries(part)) {
      if (type === '//') continue;
      for (const named of asList(byName)) {
        if (!isObject(named)) continue;
        for (const [name, body] of Object.entries(named)) {
          if (name === '//') continue;
          for (const b of asList(body)) yield [type, name, b];
        }
      }
    }
  }
}

function terraformBlock(doc: Record<string, Json>): Record<string, Json> {
  const merged: Record<string, Json> = {};
  for (const part of asList(doc.terraform)) if (isObject(part)) Object.assign(merged, part);
  return merged;
}

function requiredProviders(tf: Record<string, Json>): Record<string, Json> {
  const merged: Record<string, Json> = {};
  for (const part of asList(tf.required_providers)) if (isObject(part)) Object.assign(merged, part);
  return merged;
}

function localSource(local: string, required: Record<string, Json>): string {
  const entry = required[local];
  if (isObject(entry) && typeof entry.source === 'string') return normalizeSource(entry.source);
  if (local === 'terraform') return BUILTIN_SOURCE;
  return normalizeSource(local);
}

function checkSchemas(doc: Record<string, Json>, schemas: Map<string, ProviderEntry>, options: ValidateOptions, out: Raw[]): Set<string> {
  const required = requiredProviders(terraformBlock(doc));
  const usedLocals = new Set<string>();
  let full: Map<string, ProviderEntry> | undefined;
  const fullIndex = () => (full ??= indexSchemas(options.fullSchemas?.() ?? []));

  const describeSource = (e: ProviderEntry) => `${e.source}${e.version ? ` ${e.version}` : ''}`;

  // provider blocks
  for (const part of asList(doc.provider)) {
    if (!isObject(part)) continue;
    for (const [local, configs] of Object.entries(part)) {
      if (local === '//') continue;
      usedLocals.add(local);
      for (const config of asList(configs)) {
        const alias = isObject(config) && typeof config.alias === 'string' ? `.${config.alias}` : '';
        const c = new Checker(out, `provider ${local}${alias}`, 'provider', local);
        const entry = schemas.get(localSource(local, required));
        if (!entry) {
          c.report('', `no schema for provider ${localSource(local, required)} (bundled: ${BUNDLED_PROVIDERS.map((b) => b.name).join(', ')}); not checked`);
          continue;
        }
        c.body(config, entry.schema.provider?.block ?? {}, '', {
          names: PROVIDER_META,
          check: (key, v) => {
            if (key === 'alias' && typeof v !== 'string') c.report(key, `expected string, got ${describe(v)}`);
            if (key === 'version') c.report(key, 'version in a provider block is deprecated; use terraform.required_providers', 'warning');
          },
        });
      }
    }
  }

  // resources and data sources
  for (const isData of [false, true]) {
    for (const [type, name, body] of labelled(isData ? doc.data : doc.resource)) {
      const address = `${isData ? 'data.' : ''}${type}.${name}`;
      const kind = isData ? 'data' : 'resource';
      const what = isData ? 'data source' : 'resource type';
      const c = new Checker(out, address, kind, type);
      const providerArg = isObject(body) && typeof body.provider === 'string' ? body.provider : undefined;
      const local = providerArg ? providerArg.split('.')[0] : type.split('_')[0];
      usedLocals.add(local);
      const source = localSource(local, required);
      const entry = schemas.get(source);
      if (!entry) {
        c.report('', `no schema for provider ${source} (bundled: ${BUNDLED_PROVIDERS.map((b) => b.name).join(', ')}); not checked`);
        continue;
      }
      const table = isData ? entry.schema.data_source_schemas : entry.schema.resource_schemas;
      const schema = table?.[type];
      if (!schema) {
        if (!entry.partial) {
          c.report('', `unknown ${what} ${type} (not in ${describeSource(entry)})${suggestion(type, Object.keys(table ?? {}))}`);
        } else {
          const fullEntry = fullIndex().get(source);
          const fullTable = isData ? fullEntry?.schema.data_source_schemas : fullEntry?.schema.resource_schemas;
          if (!fullEntry) c.report('', `${what} ${type} is not in the bundled schema (unknown to the provider, or run npm run schemas)`);
          else if (fullTable?.[type]) c.report('', `${what} ${type} is not in the bundled schema: run npm run schemas to regenerate src/validate/schemas`);
          else c.report('', `unknown ${what} ${type} (not in ${describeSource(entry)})${suggestion(type, Object.keys(fullTable ?? {}))}`);
        }
        continue;
      }
      if (schema.block.deprecated) c.report('', `${what} ${type} is deprecated`, 'warning');
      const block = schema.block;
      c.body(body, block, '', { names: isData ? DATA_META : RESOURCE_META, check: (key, v) => c.meta(key, v, block, isData) });
    }
  }
  return usedLocals;
}

// ---------------------------------------------------------------------------------------------
// terraform block: providers, backend

/** Exact version (`6.25.0`, `= 6.25.0`) or pessimistic (`~> 6.25`). */
const CONSTRAINT = /^(=|!=|>=|<=|>|<|~>)?\s*v?\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?$/;

function checkTerraformBlock(doc: Record<string, Json>, usedLocals: ReadonlySet<string>, out: Raw[]): void {
  const tf = terraformBlock(doc);
  const push = (rule: string, message: string) => out.push({ resource: 'terraform', rule, severity: 'error', message });

  const required = requiredProviders(tf);
  for (const [local, entry] of Object.entries(required)) {
    if (local === '//') continue;
    const p = `required_providers.${local}`;
    if (!isObject(entry)) {
      push('tf-provider-pinned', `${p}: expected {source, version}, got ${describe(entry)} (no source)`);
      continue;
    }
    const source = entry.source;
    if (typeof source !== 'string') push('tf-provider-pinned', `${p}.source: missing; use "${normalizeSource(local)}"`);
    else if (!/^[a-z0-9.-]+\.[a-z]{2,}(:\d+)?\/[\w-]+\/[\w-]+$/i.test(source)) {
      push('tf-provider-pinned', `${p}.source: "${source}" is not fully qualified; use "${normalizeSource(source)}"`);
    }
    const version = entry.version;
    if (version === undefined) {
      push('tf-provider-pinned', `${p}.version: missing; pin an exact version or use "~>"`);
    } else if (typeof version !== 'string') {
      push('tf-provider-pinned', `${p}.version: expected a version constraint string, got ${describe(version)}`);
    } else {
      const parts = version.split(',').map((s) => s.trim());
      const invalid = parts.find((s) => !CONSTRAINT.test(s));
      if (invalid !== undefined) push('tf-provider-pinned', `${p}.version: "${version}" is not a valid version constraint`);
      else if (!parts.some((s) => /^(=\s*)?v?\d/.test(s) || s.startsWith('~>'))) {
        push('tf-provider-pinned', `${p}.version: "${version}" is not pinned; use an exact version or "~>"`);
      }
    }
  }
  for (const local of [...usedLocals].sort()) {
    if (local !== 'terraform' && !(local in required)) push('tf-provider-pinned', `required_providers.${local}: provider ${local} is used but not declared`);
  }

  const backends: string[] = [];
  for (const part of asList(tf.backend)) if (isObject(part)) backends.push(...Object.keys(part).filter((k) => k !== '//'));
  const cloud = tf.cloud !== undefined;
  if (backends.length === 0 && !cloud)
    push('tf-remote-backend', 'no backend configured (state would be local); configure a remote backend such as s3 or azurerm');
  else if (backends.length > 1) push('tf-remote-backend', `more than one backend: ${backends.join(', ')}`);
  if (backends.includes('local')) push('tf-remote-backend', 'backend "local" keeps state on one machine; configure a remote backend such as s3 or azurerm');
}

// ---------------------------------------------------------------------------------------------
// Absolute paths

/**
 * A local file-system path: a string that starts with (optionally after `file://`) one of the usual
 * roots of home, temp and build directories, a Windows drive (`C:\`, `C:/`) or a UNC path (`\\host`);
 * or such a path quoted inside a `${…}` expression (`${file("/home/me/x.json")}`). Not flagged:
 * IAM paths (`/`, `/service-role/`), log group names (`/aws/eks/x/cluster`), device names (`/dev/xvda`),
 * URL paths, ARNs.
 */
export const ABSOLUTE_PATH = /^(?:file:\/\/)?(?:\/(?:home|Users|tmp|var|private|root|work|opt|mnt|srv|builds|runner)(?:\/|$)|[A-Za-z]:[\\/]|\\\\[^\\])/;
const QUOTED_ABSOLUTE_PATH = /"(?:file:\/\/)?(?:\/(?:home|Users|tmp|var|private|root|work|opt|mnt|srv|builds|runner)\/|[A-Za-z]:[\\/])/;

function checkAbsolutePaths(doc: Record<string, Json>, out: Raw[]): void {
  const flag = (resource: string, p: string, s: string) =>
    out.push({ resource, rule: 'tf-no-absolute-paths', severity: 'error', message: `${p}: absolute file-system path ${describe(s).slice('string '.length)}` });
  const walk = (v: unknown, resource: string, p: string) => {
    if (typeof v === 'string') {
      if (ABSOLUTE_PATH.test(v) || (isExpression(v) && QUOTED_ABSOLUTE_PATH.test(v))) flag(resource, p, v);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, resource, index(p, i)));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, resource, /^[A-Za-z_][\w-]*$/.test(k) ? join(p, k) : mapKey(p, k));
  };
  for (const [top, section] of Object.entries(doc)) {
    if (top === 'resource' || top === 'data') {
      for (const [type, name, body] of labelled(section)) walk(body, `${top === 'data' ? 'data.' : ''}${type}.${name}`, '');
    } else if (top === 'provider' && isObject(section)) {
      for (const [local, configs] of Object.entries(section)) {
        for (const c of asList(configs)) walk(c, `provider ${local}${isObject(c) && typeof c.alias === 'string' ? `.${c.alias}` : ''}`, '');
      }
    } else if ((top === 'output' || top === 'variable' || top === 'module') && isObject(section)) {
      for (const [name, body] of Object.entries(section)) walk(body, `${top}.${name}`, '');
    } else if (top === 'terraform') {
      walk(section, 'terraform', '');
      // backend "local": any path/workspace_dir that is absolute, whatever its root
      for (const tfPart of asList(section)) {
        for (const b of asList(isObject(tfPart) ? tfPart.backend : undefined)) {
          if (!isObject(b) || !isObject(b.local)) continue;
          for (const key of ['path', 'workspace_dir']) {
            const v = b.local[key];
            if (typeof v === 'string' && /^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(v) && !ABSOLUTE_PATH.test(v)) flag('terraform', `backend.local.${key}`, v);
          }
        }
      }
    } else {
      walk(section, top, '');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

function allowed(f: Raw, allowances: readonly VersionGapAllowance[]): boolean {
  return !!f.gap && allowances.some((a) => a.kind === f.gap!.kind && a.type === f.gap!.type && a.attribute === f.gap!.attribute);
}

/**
 * Every finding for one parsed cdk.tf.json. `bundles` are schema documents (bundles or full
 * `terraform providers schema -json` output); `file` is how findings name the file.
 */
export function validateTerraformDocument(json: unknown, file: string, bundles: readonly ProviderSchemaDocument[], options: ValidateOptions = {}): Finding[] {
  const out: Raw[] = [];
  if (!isObject(json)) {
    return [{ file, resource: 'terraform', rule: 'tf-schema', severity: 'error', message: `expected a JSON object, got ${describe(json)}` }];
  }
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL.has(key))
      out.push({ resource: key, rule: 'tf-schema', severity: 'error', message: `unknown top-level block "${key}"${suggestion(key, TOP_LEVEL)}` });
  }
  const usedLocals = checkSchemas(json, indexSchemas(bundles), options, out);
  checkTerraformBlock(json, usedLocals, out);
  checkAbsolutePaths(json, out);
  const allowances = options.allowances ?? TERRAFORM_VERSION_GAP_ALLOWANCES;
  return sortFindings(out.filter((f) => !allowed(f, allowances)).map(({ resource, rule, severity, message }) => ({ file, resource, rule, severity, message })));
}

/** Validates every cdk.tf.json under `dir` against the committed bundles. */
export function validateTerraformDir(dir: string, options: ValidateOptions = {}): Finding[] {
  const bundles = loadBundles();
  const opts: ValidateOptions = { fullSchemas: loadFullSchemas, ...options };
  const findings: Finding[] = [];
  if (bundles.length < BUNDLED_PROVIDERS.length) {
    const missing = BUNDLED_PROVIDERS.filter((p) => !fs.existsSync(path.join(BUNDLE_DIR, p.bundleFile))).map((p) => p.bundleFile);
    findings.push({
      file: '.',
      resource: 'terraform',
      rule: 'tf-schema',
      severity: 'error',
      message: `schema bundle(s) missing: ${missing.join(', ')}; run npm run schemas`,
    });
  }
  for (const file of findTerraformFiles(dir)) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (err) {
      findings.push({ file, resource: 'terraform', rule: 'tf-schema', severity: 'error', message: `not valid JSON: ${(err as Error).message}` });
      continue;
    }
    findings.push(...validateTerraformDocument(json, file, bundles, opts));
  }
  return sortFindings(findings);
}
