import * as fs from 'fs';
import { testContext } from '../../context';
import * as path from 'path';
import { resolvePlatform } from '../../../src/model/defaults';
import { defaultPlatform } from '../../../src/platform';
import { buildAwsStacks } from '../../../stacks/aws';
import { newTerraformApp } from '../../../stacks/constructs/platform-stack';

type Json = Record<string, any>;

const platform = resolvePlatform(defaultPlatform);
function render(envName: string): Json {
  const env = platform.environments.find((e) => e.name === envName)!;
  const stacks = buildAwsStacks(newTerraformApp(), testContext(platform, env));
  expect(stacks[0].stackName).toBe('platform');
  return stacks[0].render() as Json;
}

const SCHEMA_PATH = path.join(__dirname, '../../../../shared/schemas/terraform/aws.schema.json');
/** Attributes the bindings (aws 6.25.0) know and the vendored schema (aws 6.19.0) does not: none today. */
const VERSION_GAP_ALLOWANCES: Readonly<Record<string, readonly string[]>> = {};
const META_ARGUMENTS = new Set(['depends_on', 'lifecycle', 'count', 'for_each', 'provider']);

describe('aws platform stack', () => {
  const rendered = { 'aws-dev': render('aws-dev'), 'aws-prod': render('aws-prod') };

  it('uses an S3 backend with a lock file and one state key per environment', () => {
    for (const [envName, json] of Object.entries(rendered)) {
      const env = platform.environments.find((e) => e.name === envName)!;
      expect(json.terraform.backend.s3).toEqual({
        bucket: env.aws!.stateBucket,
        key: `${envName}/platform.tfstate`,
        region: env.region,
        encrypt: true,
        use_lockfile: true,
      });
    }
  });

  it('pins a fully qualified AWS provider to the account with default tags', () => {
    for (const [envName, json] of Object.entries(rendered)) {
      const env = platform.environments.find((e) => e.name === envName)!;
      expect(json.terraform.required_providers).toEqual({ aws: { source: 'registry.terraform.io/hashicorp/aws', version: '6.25.0' } });
      expect(json.provider.aws).toEqual([
        { region: env.region, allowed_account_ids: [env.aws!.accountId], default_tags: [{ tags: { ...env.tags } }] },
      ]);
    }
  });

  it('exposes the outputs later steps read', () => {
    const outputs = rendered['aws-prod'].output;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['cluster_name', 'cluster_endpoint', 'oidc_issuer_url', 'oidc_provider_arn', 'node_role_name', 'karpenter_interruption_queue_name']),
    );
    expect(outputs.cluster_name.value).toBe('${aws_eks_cluster.cluster.name}');
    expect(outputs.oidc_issuer_url.value).toBe('${aws_eks_cluster.cluster.identity[0].oidc[0].issuer}');
    expect(outputs.karpenter_interruption_queue_name.value).toBe('${aws_sqs_queue.karpenter_interruption_queue.name}');
  });

  it('uses readable snake_case logical ids with no hash suffixes', () => {
    for (const json of Object.values(rendered)) {
      const ids = [
        ...Object.values({ ...json.resource, ...json.data } as Record<string, Json>).flatMap((byId) => Object.keys(byId)),
        ...Object.keys(json.output),
      ];
      expect(ids.length).toBeGreaterThan(50);
      for (const id of ids) {
        expect(id).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(id).not.toMatch(/_[0-9A-F]{8}$/i);
      }
    }
  });

  it('contains no cdktf metadata, absolute paths or placeholders', () => {
    for (const json of Object.values(rendered)) {
      const text = JSON.stringify(json);
      expect(text).not.toContain('"//"');
      expect(text).not.toMatch(/\/(home|tmp|Users|work)\//);
      expect(text).not.toMatch(/TODO|PLACEHOLDER|REPLACE_ME|\$\{TfToken/i);
    }
  });

  it('renders the same JSON every time', () => {
    expect(JSON.stringify(render('aws-prod'))).toBe(JSON.stringify(rendered['aws-prod']));
  });

  it('builds and renders aws-prod in well under a second', () => {
    const started = performance.now();
    render('aws-prod');
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1000);
  });

  (fs.existsSync(SCHEMA_PATH) ? it : it.skip)('sets only resource types, attributes and blocks the provider schema knows', () => {
    const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')).provider_schemas['registry.terraform.io/hashicorp/aws'];
    const problems: string[] = [];
    const checkBlock = (where: string, block: Json, body: Json, top: boolean) => {
      for (const [key, value] of Object.entries(body)) {
        if (top && META_ARGUMENTS.has(key)) continue;
        if (block.attributes?.[key]) {
          const attr = block.attributes[key];
          if (attr.computed && !attr.optional && !attr.required) problems.push(`${where}.${key} is read-only`);
          continue;
        }
        const nested = block.block_types?.[key];
        if (!nested) {
          if (!(VERSION_GAP_ALLOWANCES[where.split('.')[0]] ?? []).includes(key)) problems.push(`${where}.${key} is not in the schema`);
          continue;
        }
        const items = Array.isArray(value) ? value : [value];
        if (nested.max_items && items.length > nested.max_items) problems.push(`${where}.${key} has more than ${nested.max_items} items`);
        for (const item of items) checkBlock(`${where}.${key}`, nested.block, item as Json, false);
      }
      if (top) {
        for (const [name, attr] of Object.entries(block.attributes ?? {}) as [string, Json][]) {
          if (attr.required && !(name in body)) problems.push(`${where} lacks required ${name}`);
        }
        for (const [name, nested] of Object.entries(block.block_types ?? {}) as [string, Json][]) {
          if (nested.min_items && !(name in body)) problems.push(`${where} lacks required block ${name}`);
        }
      }
    };
    for (const json of Object.values(rendered)) {
      for (const [kind, schemas] of [['resource', schema.resource_schemas], ['data', schema.data_source_schemas]] as const) {
        for (const [type, byId] of Object.entries((json[kind] ?? {}) as Record<string, Json>)) {
          if (!schemas[type]) {
            problems.push(`${kind} ${type} does not exist`);
            continue;
          }
          for (const [id, body] of Object.entries(byId)) checkBlock(`${type}.${id}`, schemas[type].block, body as Json, true);
        }
      }
      for (const config of json.provider.aws) checkBlock('provider.aws', schema.provider.block, config, true);
    }
    expect(problems).toEqual([]);
  });

  it('matches the aws-prod snapshot', () => {
    expect(rendered['aws-prod']).toMatchSnapshot();
  });
});
