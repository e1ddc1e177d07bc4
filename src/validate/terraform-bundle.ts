/**
 * Builds the compact Terraform provider-schema bundles the validator ships with
 * (`src/validate/schemas/terraform-<provider>.json`), so `npm run validate` works without ../shared.
 *
 *   npm run schemas                                  # synthesizes into a temp dir, then bundles
 *   node -r ./ts-register.js src/validate/terraform-bundle.ts [DIR]   # bundles the types used by DIR's cdk.tf.json files
 *
 * A bundle has the shape of `terraform providers schema -json` (one provider), cut down to the provider
 * block plus the resource and data source types in use (those found in the output, plus
 * FIXTURE_TYPES), with descriptions and other fields the validator does not read removed. Output is
 * compact JSON with sorted keys, so regenerating from the same inputs gives the same bytes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles } from '../synth/writer';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Where the committed bundles live. */
export const BUNDLE_DIR = path.join(__dirname, 'schemas');

/** The full vendored schemas (`terraform providers schema -json` output); absent for most users. */
export const FULL_SCHEMA_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'schemas', 'terraform');

export interface BundledProvider {
  /** Local name used in required_providers and as the resource type prefix. */
  readonly name: string;
  readonly source: string;
  /** File name in FULL_SCHEMA_DIR. */
  readonly schemaFile: string;
  /** File name in BUNDLE_DIR. */
  readonly bundleFile: string;
}

export const BUNDLED_PROVIDERS: readonly BundledProvider[] = [
  { name: 'aws', source: 'registry.terraform.io/hashicorp/aws', schemaFile: 'aws.schema.json', bundleFile: 'terraform-aws.json' },
  { name: 'azurerm', source: 'registry.terraform.io/hashicorp/azurerm', schemaFile: 'azurerm.schema.json', bundleFile: 'terraform-azurerm.json' },
];

export interface TypeSelection {
  readonly resources: readonly string[];
  readonly dataSources: readonly string[];
}

/**
 * Types the test fixtures (test/validate/fixtures/terraform/, test/validate/terraform.test.ts) use.
 * Some also appear in the synthesized output today; they are listed anyway so the validator tests
 * do not depend on what the stacks happen to contain.
 */
export const FIXTURE_TYPES: TypeSelection = {
  resources: [
    'aws_eks_cluster',
    'aws_iam_role',
    'aws_launch_template',
    'aws_s3_bucket',
    'aws_security_group',
    'azurerm_kubernetes_cluster',
    'azurerm_resource_group',
    'azurerm_storage_account',
  ],
  dataSources: ['aws_availability_zones', 'aws_iam_policy_document', 'azurerm_client_config'],
};

// ---------------------------------------------------------------------------------------------
// Schema types (the subset of `terraform providers schema -json` the validator reads)

export type SchemaType = string | readonly [string, ...unknown[]];

export interface SchemaAttribute {
  readonly type?: SchemaType;
  readonly nested_type?: SchemaNestedType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly deprecated?: boolean;
}

export interface SchemaNestedType {
  readonly attributes: Readonly<Record<string, SchemaAttribute>>;
  readonly nesting_mode: 'single' | 'list' | 'set' | 'map';
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface SchemaBlockType {
  readonly nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  readonly min_items?: number;
  readonly max_items?: number;
  readonly block: SchemaBlock;
}

export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, SchemaAttribute>>;
  readonly block_types?: Readonly<Record<string, SchemaBlockType>>;
  readonly deprecated?: boolean;
}

export interface Schema {
  readonly block: SchemaBlock;
}

export interface ProviderSchema {
  readonly provider?: Schema;
  readonly resource_schemas?: Readonly<Record<string, Schema>>;
  readonly data_source_schemas?: Readonly<Record<string, Schema>>;
}

/** Present in bundles only: a bundle holds a subset of the provider's types. */
export interface BundleInfo {
  readonly complete: false;
  readonly generator: string;
  readonly provider_version?: string;
}

export interface ProviderSchemaDocument {
  readonly format_version: string;
  readonly provider_schemas: Readonly<Record<string, ProviderSchema>>;
  readonly bundle?: BundleInfo;
}

// ---------------------------------------------------------------------------------------------
// Pure part

const ATTRIBUTE_KEYS = ['computed', 'deprecated', 'optional', 'required'] as const;

function stripAttribute(a: any): SchemaAttribute {
  const out: Record<string, unknown> = {};
  for (const k of ATTRIBUTE_KEYS) if (a[k] === true) out[k] = true;
  if (a.type !== undefined) out.type = a.type;
  if (a.nested_type !== undefined) {
    const n = a.nested_type;
    out.nested_type = { attributes: stripAttributes(n.attributes ?? {}), nesting_mode: n.nesting_mode, ...counts(n) };
  }
  return out as SchemaAttribute;
}

function stripAttributes(attrs: Record<string, any>): Record<string, SchemaAttribute> {
  const out: Record<string, SchemaAttribute> = {};
  for (const [name, a] of Object.entries(attrs)) out[name] = stripAttribute(a);
  return out;
}

function counts(x: any): { min_items?: number; max_items?: number } {
  const out: { min_items?: number; max_items?: number } = {};
  if (typeof x.min_items === 'number' && x.min_items > 0) out.min_items = x.min_items;
  if (typeof x.max_items === 'number' && x.max_items > 0) out.max_items = x.max_items;
  return out;
}

function stripBlock(b: any): SchemaBlock {
  const out: Record<string, unknown> = {};
  if (b.attributes) out.attributes = stripAttributes(b.attributes);
  if (b.block_types) {
    const bts: Record<string, SchemaBlockType> = {};
    for (const [name, bt] of Object.entries<any>(b.block_types)) {
      bts[name] = { block: stripBlock(bt.block ?? {}), nesting_mode: bt.nesting_mode, ...counts(bt) };
    }
    out.block_types = bts;
  }
  if (b.deprecated === true) out.deprecated = true;
  return out as SchemaBlock;
}

function pick(schemas: Record<string, any> | undefined, names: readonly string[]): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const name of [...new Set(names)].sort()) {
    const s = schemas?.[name];
    if (s) out[name] = { block: stripBlock(s.block ?? {}) };
  }
  return out;
}

/**
 * The bundle of `schemaJson` (a `terraform providers schema -json` document) for `types`: the
 * provider block plus those resource and data source types the schema has (others are left out),
 * keeping only what the validator reads. Pure; key order is normalized by `stableStringify`.
 */
export function buildTerraformBundle(schemaJson: unknown, types: TypeSelection, info: { providerVersion?: string } = {}): ProviderSchemaDocument {
  const doc = schemaJson as { format_version?: string; provider_schemas?: Record<string, any> };
  if (!doc || typeof doc !== 'object' || !doc.provider_schemas) throw new Error('not a `terraform providers schema -json` document (no provider_schemas)');
  const providers: Record<string, ProviderSchema> = {};
  for (const [source, ps] of Object.entries(doc.provider_schemas)) {
    providers[source] = {
      provider: { block: stripBlock(ps.provider?.block ?? {}) },
      resource_schemas: pick(ps.resource_schemas, types.resources),
      data_source_schemas: pick(ps.data_source_schemas, types.dataSources),
    };
  }
  return {
    bundle: {
      complete: false,
      generator: 'npm run schemas (src/validate/terraform-bundle.ts)',
      ...(info.providerVersion ? { provider_version: info.providerVersion } : {}),
    },
    format_version: doc.format_version ?? '1.0',
    provider_schemas: providers,
  };
}

/** The resource and data source types a bundle holds (what to rebuild it from). */
export function bundleTypes(bundle: ProviderSchemaDocument): TypeSelection {
  const resources: string[] = [];
  const dataSources: string[] = [];
  for (const ps of Object.values(bundle.provider_schemas)) {
    resources.push(...Object.keys(ps.resource_schemas ?? {}));
    dataSources.push(...Object.keys(ps.data_source_schemas ?? {}));
  }
  return { resources: resources.sort(), dataSources: dataSources.sort() };
}

/** Compact JSON with object keys sorted at every level, newline-terminated. */
export function stableStringify(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sort((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(value)) + '\n';
}

/** Resource and data source types in the parsed documents. */
export function typesInDocuments(docs: readonly unknown[]): TypeSelection {
  const resources = new Set<string>();
  const dataSources = new Set<string>();
  const collect = (section: unknown, into: Set<string>) => {
    for (const part of Array.isArray(section) ? section : [section]) {
      if (part && typeof part === 'object') for (const t of Object.keys(part)) if (t !== '//') into.add(t);
    }
  };
  for (const doc of docs) {
    if (!doc || typeof doc !== 'object') continue;
    collect((doc as any).resource, resources);
    collect((doc as any).data, dataSources);
  }
  return { resources: [...resources].sort(), dataSources: [...dataSources].sort() };
}

/** `cdk.tf.json` files under `dir`, relative, sorted. */
export function findTerraformFiles(dir: string): string[] {
  return listFiles(dir).filter((f) => path.basename(f) === 'cdk.tf.json');
}

/** The provider version a SOURCES.md next to the schemas states (`registry.terraform.io/hashicorp/aws 6.19.0`). */
export function providerVersionFromSources(sourcesMd: string, source: string): string | undefined {
  const escaped = source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}\\s+v?(\\d+\\.\\d+\\.\\d+)`).exec(sourcesMd)?.[1];
}

/** Builds the bundle of one provider from FULL_SCHEMA_DIR (or `schemaDir`). */
export function buildBundleFromFull(provider: BundledProvider, types: TypeSelection, schemaDir = FULL_SCHEMA_DIR): ProviderSchemaDocument {
  const full = JSON.parse(fs.readFileSync(path.join(schemaDir, provider.schemaFile), 'utf8'));
  const sourcesPath = path.join(schemaDir, '..', 'SOURCES.md');
  const sources = fs.existsSync(sourcesPath) ? fs.readFileSync(sourcesPath, 'utf8') : '';
  return buildTerraformBundle(full, types, { providerVersion: providerVersionFromSources(sources, provider.source) });
}

// ---------------------------------------------------------------------------------------------
// Command

function synthesizeToTemp(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-schemas-'));
  execFileSync(process.execPath, ['-r', './ts-register.js', 'src/cli.ts', '--out', dir, '--quiet'], { cwd: REPO_ROOT, stdio: 'inherit' });
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function main(argv: readonly string[] = process.argv.slice(2)): number {
  if (argv.length > 1 || argv.some((a) => a.startsWith('-'))) {
    process.stderr.write('usage: node -r ./ts-register.js src/validate/terraform-bundle.ts [DIR-WITH-cdk.tf.json-FILES]\n');
    return 2;
  }
  if (!fs.existsSync(FULL_SCHEMA_DIR)) {
    process.stderr.write(`error: full provider schemas not found in ${FULL_SCHEMA_DIR}\n`);
    return 1;
  }
  const synth = argv[0] ? undefined : synthesizeToTemp();
  const dir = argv[0] ? path.resolve(argv[0]) : synth!.dir;
  try {
    const files = findTerraformFiles(dir);
    if (files.length === 0) {
      process.stderr.write(`error: no cdk.tf.json files under ${dir}\n`);
      return 1;
    }
    const used = typesInDocuments(files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))));
    const types: TypeSelection = {
      resources: [...new Set([...used.resources, ...FIXTURE_TYPES.resources])].sort(),
      dataSources: [...new Set([...used.dataSources, ...FIXTURE_TYPES.dataSources])].sort(),
    };
    const bundled = new Set<string>();
    fs.mkdirSync(BUNDLE_DIR, { recursive: true });
    for (const provider of BUNDLED_PROVIDERS) {
      const bundle = buildBundleFromFull(provider, types);
      const got = bundleTypes(bundle);
      got.resources.forEach((t) => bundled.add(t));
      got.dataSources.forEach((t) => bundled.add(`data.${t}`));
      const text = stableStringify(bundle);
      fs.writeFileSync(path.join(BUNDLE_DIR, provider.bundleFile), text);
      process.stdout.write(
        `${path.relative(REPO_ROOT, path.join(BUNDLE_DIR, provider.bundleFile))}: ${got.resources.length} resource types, ` +
          `${got.dataSources.length} data sources, ${(text.length / 1024).toFixed(1)} KiB\n`,
      );
    }
    const missing = [...types.resources, ...types.dataSources.map((t) => `data.${t}`)].filter((t) => !bundled.has(t));
    if (missing.length > 0) process.stdout.write(`not in any provider schema (left out): ${missing.join(', ')}\n`);
    return 0;
  } finally {
    synth?.cleanup();
  }
}

if (require.main === module) process.exitCode = main();
