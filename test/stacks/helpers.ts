/**
 * Plumbing the stack tests share: rendering an environment's stacks, reading the rendered Terraform JSON,
 * and checking it against the vendored provider schemas with the project's own validator (the one
 * `npm run validate` uses). What every stack must satisfy is asserted once, in contract.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { resolvePlatform } from '../../src/model/defaults';
import { namesFor } from '../../src/model/naming';
import type { EnvironmentSpec, PlatformSpec } from '../../src/model/types';
import { defaultPlatform, EXAMPLE_AZURE_SUBSCRIPTION } from '../../src/platform';
import { loadFullSchemas, validateTerraformDocument } from '../../src/validate/terraform';
import { BUNDLED_PROVIDERS, FULL_SCHEMA_DIR } from '../../src/validate/terraform-bundle';
import { newTerraformApp } from '../../stacks/constructs/platform-stack';
import { buildStacks } from '../../stacks/index';
import { testContext } from '../context';

export type Json = Record<string, any>;

/**
 * Every stack of one environment of `spec`, rendered: by stack name, plus the order, context and names.
 * Built through `buildStacks`, the entry synth uses, so the tests do not depend on per-cloud builder names.
 */
export function renderEnvironment(envName: string, spec: PlatformSpec = defaultPlatform) {
  const platform = resolvePlatform(spec);
  const env = platform.environments.find((e) => e.name === envName);
  if (!env) throw new Error(`no environment ${envName}`);
  const ctx = testContext(platform, env);
  const stacks = buildStacks(newTerraformApp(), ctx);
  const byName: Record<string, Json> = Object.fromEntries(stacks.map((s) => [s.stackName, s.render() as Json]));
  return { stackNames: stacks.map((s) => s.stackName), stacks: byName, env, names: ctx.names };
}

/** The rendered stacks of one environment, by stack name (in build order). */
export const renderStacks = (envName: string, spec?: PlatformSpec): Record<string, Json> => renderEnvironment(envName, spec).stacks;

/** The default model, resolved once: its environments and their names, as the stacks see them. */
export const resolvedDefault = resolvePlatform(defaultPlatform);
export function envOf(envName: string) {
  const env = resolvedDefault.environments.find((e) => e.name === envName);
  if (!env) throw new Error(`no environment ${envName} in the default model`);
  return env;
}
export const namesOf = (envName: string) => namesFor(resolvedDefault, envOf(envName));

/**
 * The ids of an Azure environment's platform resources as workload stacks compute them from names (no
 * remote state), spelled out here so a test catches a computed id that drifts from the platform stack.
 */
export function azurePlatformIds(envName: string) {
  const rg = `/subscriptions/${EXAMPLE_AZURE_SUBSCRIPTION}/resourceGroups/rg-acme-${envName}`;
  const vnet = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-acme-${envName}`;
  return {
    vnet,
    endpoints: `${vnet}/subnets/snet-endpoints`,
    subnet: (name: string) => `${vnet}/subnets/${name}`,
    zone: (name: string) => `${rg}/providers/Microsoft.Network/privateDnsZones/${name}`,
    acr: `${rg}/providers/Microsoft.ContainerRegistry/registries/${namesOf(envName).azure!.containerRegistryName}`,
  };
}

/** The default model with one environment changed. */
export function withEnv(envName: string, change: (env: EnvironmentSpec) => EnvironmentSpec): PlatformSpec {
  return { ...defaultPlatform, environments: defaultPlatform.environments.map((e) => (e.name === envName ? change(e) : e)) };
}

/** The rendered resources of one type, by logical id ({} when none). */
export const of = (json: Json, type: string): Record<string, Json> => json.resource?.[type] ?? {};

/** One rendered resource; throws (listing what was rendered) when it is missing. */
export function one(json: Json, type: string, id: string): Json {
  const r = of(json, type)[id];
  if (!r) throw new Error(`${type}.${id} not rendered; have: ${Object.keys(of(json, type)).join(', ')}`);
  return r;
}

/** Blocks render as an object or a one-element list depending on nesting; tests read either. */
export function block(value: unknown): Json {
  return (Array.isArray(value) ? value[0] : value) as Json;
}

export function allResources(json: Json): { type: string; id: string; body: Json }[] {
  return Object.entries((json.resource ?? {}) as Record<string, Record<string, Json>>).flatMap(([type, byId]) =>
    Object.entries(byId).map(([id, body]) => ({ type, id, body })),
  );
}

/** A Terraform reference: ref('aws_sqs_queue.queue.arn') or ref('azurerm_x', 'id', 'attr'). */
export const ref = (...parts: string[]) => `\${${parts.join('.')}}`;

export const doc = (text: string) => JSON.parse(text);
/** The statements of a rendered IAM policy document. */
export const statements = (text: string): Json[] => doc(text).Statement;

/** Whether the full vendored provider schemas (../shared/schemas/terraform) are there; they are not committed. */
export const fullSchemasPresent = BUNDLED_PROVIDERS.every((p) => fs.existsSync(path.join(FULL_SCHEMA_DIR, p.schemaFile)));

/**
 * Every finding (errors and warnings) of `npm run validate`'s Terraform validator on a rendered stack,
 * against the full vendored schemas: unknown types, attributes and blocks, computed-only attributes, missing
 * required ones, block counts, value shapes. Known version gaps are the validator's own allowances.
 */
export function schemaFindings(json: Json, file: string): string[] {
  return validateTerraformDocument(json, file, loadFullSchemas()).map((f) => `${f.severity} ${f.rule} ${f.resource}: ${f.message}`);
}

/** The full vendored schema of one provider (`aws`, `azurerm`), e.g. to see which resource types take tags. */
export function providerSchema(local: 'aws' | 'azurerm'): Json {
  const source = `registry.terraform.io/hashicorp/${local}`;
  for (const d of loadFullSchemas() as Json[]) if (d.provider_schemas?.[source]) return d.provider_schemas[source];
  throw new Error(`no full schema for ${source} in ${FULL_SCHEMA_DIR}`);
}

/** What a rendered stack must never contain, each with what it is: an empty list for a clean rendering. */
export function renderingProblems(json: Json): string[] {
  const text = JSON.stringify(json);
  const checks: [string, boolean][] = [
    ['cdktf metadata ("//")', text.includes('"//"')],
    ['a local path', text.includes(process.cwd())],
    ['an absolute path of a machine', /\/(home|tmp|Users|work)\//.test(text)],
    ['an undefined value', text.includes('undefined')],
    ['an unresolved token or a placeholder', /TODO|PLACEHOLDER|REPLACE_ME|\$\{TfToken/i.test(text)],
    ['a timestamp', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)],
    ['a storage key, SAS or connection string', /AccountKey=|SharedAccessSignature|primary_access_key|connection_string/i.test(text)],
  ];
  return checks.filter(([, found]) => found).map(([what]) => what);
}

/** `type.id` of every resource, sorted: the Terraform addresses a stack plans. */
export function addresses(json: Json): string[] {
  return allResources(json)
    .map((r) => `${r.type}.${r.id}`)
    .sort();
}

/** How many resources of each type a stack creates. */
export function resourceCounts(json: Json): Record<string, number> {
  return Object.fromEntries(Object.entries((json.resource ?? {}) as Record<string, Json>).map(([type, byId]) => [type, Object.keys(byId).length]));
}

/** Every logical id a stack chooses: resource and data source ids and output names. */
export function logicalIds(json: Json): string[] {
  const dataIds = Object.values((json.data ?? {}) as Record<string, Json>).flatMap((byId) => Object.keys(byId));
  return [...allResources(json).map((r) => r.id), ...dataIds, ...Object.keys(json.output ?? {})];
}

/** Logical ids that are not snake_case (Terraform addresses people type). */
export function nonSnakeCaseNames(json: Json): string[] {
  return logicalIds(json).filter((id) => !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(id));
}

/** Logical ids that end like cdktf's construct-path hash (`_1A2B3C4D`), i.e. not chosen by the code. */
export function hashSuffixedIds(json: Json): string[] {
  return logicalIds(json).filter((id) => /_[0-9a-f]{6,}$/i.test(id) || /[0-9A-F]{8}$/.test(id));
}

/** Resources of a type `takesTags` accepts that do not carry exactly `expected`, and how many take tags. */
function tagCoverage(json: Json, takesTags: (type: string) => boolean, expected: Readonly<Record<string, string>>): { untagged: string[]; tagged: number } {
  const untagged: string[] = [];
  let tagged = 0;
  for (const { type, id, body } of allResources(json)) {
    if (!takesTags(type)) continue;
    tagged++;
    if (JSON.stringify(body.tags) !== JSON.stringify(expected)) untagged.push(`${type}.${id}`);
  }
  return { untagged, tagged };
}

/**
 * azurerm has no default tags: the resources whose schema (`provider`, from providerSchema('azurerm')) takes
 * tags but that do not carry exactly `expected`, and how many take tags at all.
 */
export function azureTagCoverage(json: Json, provider: Json, expected: Readonly<Record<string, string>>): { untagged: string[]; tagged: number } {
  return tagCoverage(json, (type) => Boolean(provider.resource_schemas[type]?.block.attributes?.tags), expected);
}

/** Whether the generated azurerm binding of a resource type has a `tags` argument (needs no schema file). */
export function azureBindingTakesTags(type: string): boolean {
  const mod = require(`@cdktf/provider-azurerm/lib/${type.replace(/^azurerm_/, '').replace(/_/g, '-')}`) as Record<string, unknown>;
  const cls = Object.values(mod).find((v) => typeof v === 'function' && (v as { tfResourceType?: string }).tfResourceType === type) as
    (new (...args: never[]) => object) | undefined;
  if (!cls) throw new Error(`no binding class for ${type}`);
  return 'tags' in cls.prototype;
}

/** Like azureTagCoverage, but by the generated bindings: runs without the vendored schemas. */
export function azureBindingTagCoverage(json: Json, expected: Readonly<Record<string, string>>): { untagged: string[]; tagged: number } {
  return tagCoverage(json, azureBindingTakesTags, expected);
}

/** aws: resources that set a tag with the key of a provider default tag (it would replace the environment's value). */
export function awsDefaultTagOverrides(json: Json, defaultTags: Readonly<Record<string, string>>): string[] {
  return allResources(json).flatMap(({ type, id, body }) =>
    Object.keys(body.tags ?? {})
      .filter((key) => key in defaultTags)
      .map((key) => `${type}.${id}: ${key}`),
  );
}

/** aws: the resources whose schema (`provider`, from providerSchema('aws')) has `tags_all`, i.e. that get the default tags. */
export function awsTaggable(json: Json, provider: Json): string[] {
  return allResources(json)
    .filter(({ type }) => provider.resource_schemas[type]?.block.attributes?.tags_all)
    .map(({ type, id }) => `${type}.${id}`)
    .sort();
}
