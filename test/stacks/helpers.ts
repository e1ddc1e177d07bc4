/**
 * Plumbing the stack tests share: rendering an environment's stacks, reading the rendered Terraform JSON,
 * and checking it against the vendored provider schemas with the project's own validator (the one
 * `npm run validate` uses). What every stack must satisfy is asserted once, in contract.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { resolvePlatform } from '../../src/model/defaults';
import { namesFor } from '../../src/model/naming';
import type { EnvironmentSpec, PlatformSpec, WorkloadName } from '../../src/model/types';
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

/** The default model with `workload` left out of every environment (a copy: the default model stays untouched). */
export function withoutWorkload(workload: WorkloadName): PlatformSpec {
  const spec: PlatformSpec = structuredClone(defaultPlatform);
  for (const env of spec.environments) delete env.workloads![workload];
  return spec;
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

/**
 * An Azure budget's start (`"start_date":"2026-12-01T00:00:00Z"`): the first of the month the model names
 * (budget.startMonth), the one timestamp a rendering may hold, since it is the model's and not the time of synth.
 */
export const withoutBudgetStart = (text: string) => text.replace(/"start_date": ?"\d{4}-\d{2}-01T00:00:00Z"/g, '"start_date":"<budget.startMonth>"');

/** What a rendered stack must never contain, each with what it is: an empty list for a clean rendering. */
export function renderingProblems(json: Json): string[] {
  const text = withoutBudgetStart(JSON.stringify(json));
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
  // Terraform's own resources (terraform_data) have no azurerm binding and no tags.
  if (!type.startsWith('azurerm_')) return false;
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

/**
 * The default renderings of one workload's stack in `<cloud>-dev` and `<cloud>-prod`: every stack of each
 * environment (a workload test also reads the platform stack), the workload's own, and [env, json] pairs for it.each.
 */
export function devAndProd(cloud: 'aws' | 'azure', stack: string) {
  const devStacks = renderStacks(`${cloud}-dev`);
  const prodStacks = renderStacks(`${cloud}-prod`);
  const dev = devStacks[stack];
  const prod = prodStacks[stack];
  const envs: [string, Json][] = [
    [`${cloud}-dev`, dev],
    [`${cloud}-prod`, prod],
  ];
  const stacksOf: Record<string, Record<string, Json>> = { [`${cloud}-dev`]: devStacks, [`${cloud}-prod`]: prodStacks };
  return { devStacks, prodStacks, dev, prod, envs, stacksOf };
}

/** A workload's addresses: exactly `common` in dev, and `common` plus `prodOnly` (private endpoints and the like) in prod. */
export function expectAddresses(dev: Json, prod: Json, common: string[], prodOnly: string[]): void {
  expect(addresses(dev)).toEqual(common);
  expect(addresses(prod)).toEqual([...common, ...prodOnly].sort());
}

/** A stack's outputs: exactly these names, each with this value (description and flags aside). */
export function expectOutputValues(json: Json, values: Record<string, string>): void {
  expect(json.output).toEqual(Object.fromEntries(Object.entries(values).map(([name, value]) => [name, expect.objectContaining({ value })])));
}

/** The resources every private S3 bucket of a workload comes with (hardenedBucket in stacks/aws/workload.ts), `n` buckets of them. */
export const s3BucketCounts = (n: number): Record<string, number> => ({
  aws_s3_bucket: n,
  aws_s3_bucket_lifecycle_configuration: n,
  aws_s3_bucket_ownership_controls: n,
  aws_s3_bucket_policy: n,
  aws_s3_bucket_public_access_block: n,
  aws_s3_bucket_server_side_encryption_configuration: n,
  aws_s3_bucket_versioning: n,
});

/**
 * The trust policy of a role bound through EKS Pod Identity, spelled out (not built by the stack's code): only
 * the Pod Identity agent, and only for a session tagged with this cluster, namespace and service account.
 */
export const podIdentityTrust = (clusterName: string, namespace: string, serviceAccount: string): Json[] => [
  {
    Sid: 'AllowEksPodIdentity',
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: {
      StringEquals: {
        'aws:RequestTag/eks-cluster-name': clusterName,
        'aws:RequestTag/kubernetes-namespace': namespace,
        'aws:RequestTag/kubernetes-service-account': serviceAccount,
      },
    },
  },
];

/** The trust policy of a role an AWS service assumes (`sagemaker`), only on behalf of this account (confused deputy). */
export const serviceTrust = (service: string, account: string): Json[] => [
  {
    Effect: 'Allow',
    Principal: { Service: `${service}.amazonaws.com` },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': account } },
  },
];

/**
 * `renderEnvironment` for a test that reads a few stacks by name: the stacks in `picked` (undefined where the
 * environment does not build one) beside the environment, its names and the stack order.
 */
export function renderPicking<S extends string>(...picked: S[]) {
  return (envName: string, spec?: PlatformSpec) => {
    const { stacks, ...rendered } = renderEnvironment(envName, spec);
    return { ...rendered, ...(Object.fromEntries(picked.map((s) => [s, stacks[s]])) as Record<S, Json>) };
  };
}

/** With `workload` left out of the model, none of `envNames` builds its stack (named like the workload). */
export function expectNoWorkloadStack(workload: WorkloadName, envNames: string[]): void {
  const spec = withoutWorkload(workload);
  for (const envName of envNames) {
    const { stackNames, stacks } = renderEnvironment(envName, spec);
    expect(stackNames).not.toContain(workload);
    expect(stacks[workload]).toBeUndefined();
  }
}

/** The AWS platform stack of one environment as the cluster and network layers read it: the JSON, the environment and its AWS names. */
export function renderAwsPlatform(envName: string, spec?: PlatformSpec) {
  const { stacks, env, names } = renderEnvironment(envName, spec);
  return { json: stacks.platform, env, names: names.aws! };
}

/** The issuer an Azure workload stack federates with: read from the AKS cluster data source, never a cross-stack reference. */
export const AKS_OIDC_ISSUER = '${data.azurerm_kubernetes_cluster.kubernetes_cluster.oidc_issuer_url}';
const IN_WORKLOAD_GROUP = ref('azurerm_resource_group', 'resource_group', 'name');

/**
 * An Azure workload stack's storage account carries every setting of the platform's hardening
 * (hardenedStorageAccount in stacks/azure/workload.ts), spelled out here so a setting dropped there fails
 * for every workload: Entra ID only, HTTPS and TLS 1.2, no public containers, double encryption, ZRS and
 * private in prod. `extra` is what the workload adds (hierarchical namespace, key types). Returns the account.
 */
export function expectHardenedStorageAccount(json: Json, envName: string, name: string, extra: Json = {}): Json {
  const isProd = envOf(envName).stage === 'prod';
  const account = one(json, 'azurerm_storage_account', 'storage_account');
  expect(Object.keys(of(json, 'azurerm_storage_account'))).toEqual(['storage_account']);
  expect(account).toMatchObject({
    name,
    resource_group_name: IN_WORKLOAD_GROUP,
    account_kind: 'StorageV2',
    account_tier: 'Standard',
    account_replication_type: isProd ? 'ZRS' : 'LRS',
    https_traffic_only_enabled: true,
    min_tls_version: 'TLS1_2',
    shared_access_key_enabled: false,
    default_to_oauth_authentication: true,
    local_user_enabled: false,
    allow_nested_items_to_be_public: false,
    cross_tenant_replication_enabled: false,
    infrastructure_encryption_enabled: true,
    public_network_access_enabled: !isProd,
    ...extra,
  });
  return account;
}

/**
 * Entra Workload Identity of an Azure workload stack: exactly these user-assigned identities
 * (`<key>_identity`, with its name), each with exactly one federated credential
 * (`<key>_federated_identity_credential`) that trusts only `subject` (`system:serviceaccount:<ns>:<sa>`)
 * of the cluster's issuer, for the token exchange audience.
 */
export function expectFederatedIdentities(json: Json, identities: Record<string, { name: string; subject: string }>): void {
  const keys = Object.keys(identities).sort();
  // Sorted after the suffix: `mlflow_db_admin_identity` sorts before `mlflow_identity`.
  expect(Object.keys(of(json, 'azurerm_user_assigned_identity')).sort()).toEqual(keys.map((k) => `${k}_identity`).sort());
  expect(Object.keys(of(json, 'azurerm_federated_identity_credential')).sort()).toEqual(keys.map((k) => `${k}_federated_identity_credential`).sort());
  for (const [key, { name, subject }] of Object.entries(identities)) {
    expect(one(json, 'azurerm_user_assigned_identity', `${key}_identity`)).toMatchObject({ name, resource_group_name: IN_WORKLOAD_GROUP });
    expect(one(json, 'azurerm_federated_identity_credential', `${key}_federated_identity_credential`)).toMatchObject({
      subject,
      audience: ['api://AzureADTokenExchange'],
      issuer: AKS_OIDC_ISSUER,
      resource_group_name: IN_WORKLOAD_GROUP,
      parent_id: ref('azurerm_user_assigned_identity', `${key}_identity`, 'id'),
    });
  }
}
