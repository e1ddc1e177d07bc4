import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from '../../src/validate/findings';
import {
  ABSOLUTE_PATH,
  TERRAFORM_VERSION_GAP_ALLOWANCES,
  isExpression,
  loadBundles,
  validateTerraformDir,
  validateTerraformDocument,
  type ValidateOptions,
} from '../../src/validate/terraform';
import {
  BUNDLE_DIR,
  BUNDLED_PROVIDERS,
  FIXTURE_TYPES,
  FULL_SCHEMA_DIR,
  buildBundleFromFull,
  buildTerraformBundle,
  bundleTypes,
  stableStringify,
  typesInDocuments,
  type ProviderSchemaDocument,
} from '../../src/validate/terraform-bundle';

const FIXTURES = path.join(__dirname, 'fixtures', 'terraform');
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, rel), 'utf8'));
const VALID_AWS = read('valid/aws/cdk.tf.json');
const VALID_AZURE = read('valid/azure/cdk.tf.json');
const SYNTHETIC: ProviderSchemaDocument = read('synthetic.schema.json');
const bundles = loadBundles();

type Doc = Record<string, any>;
const clone = (d: Doc): Doc => JSON.parse(JSON.stringify(d));
const aws = () => clone(VALID_AWS);
const azure = () => clone(VALID_AZURE);
const cluster = (d: Doc) => d.resource.aws_eks_cluster.cluster;
/** No ../shared: the validator knows only the bundles (the situation of a user of the product). */
const BUNDLE_ONLY: ValidateOptions = { fullSchemas: () => [] };
const run = (doc: unknown, options: ValidateOptions = BUNDLE_ONLY, schemas = bundles) => validateTerraformDocument(doc, 'cdk.tf.json', schemas, options);
const f = (resource: string, rule: string, message: string, severity: 'error' | 'warning' = 'error'): Finding => ({
  file: 'cdk.tf.json',
  resource,
  rule,
  severity,
  message,
});
const schema = (resource: string, message: string, severity: 'error' | 'warning' = 'error') => f(resource, 'tf-schema', message, severity);

/** Applies `edit` to a copy of `base` and validates it. */
function check(base: () => Doc, edit: (d: Doc) => void, options?: ValidateOptions): Finding[] {
  const d = base();
  edit(d);
  return run(d, options);
}

describe('fixtures', () => {
  test('the valid fixtures have no findings', () => {
    expect(run(VALID_AWS)).toEqual([]);
    expect(run(VALID_AZURE)).toEqual([]);
    expect(validateTerraformDir(path.join(FIXTURES, 'valid'))).toEqual([]);
  });

  test('validateTerraformDir names files relative to the directory, reports unparsable files', () => {
    expect(validateTerraformDir(path.join(FIXTURES, 'invalid'))).toEqual([
      {
        file: 'aws-dev/cdk.tf.json',
        resource: 'aws_eks_cluster.cluster',
        rule: 'tf-schema',
        severity: 'error',
        message: 'vpc_config.endpoint_public_access: expected bool, got string "maybe"',
      },
      {
        file: 'aws-dev/cdk.tf.json',
        resource: 'terraform',
        rule: 'tf-no-absolute-paths',
        severity: 'error',
        message: 'backend.local.path: absolute file-system path "/home/builder/platform/terraform.tfstate"',
      },
      {
        file: 'aws-dev/cdk.tf.json',
        resource: 'terraform',
        rule: 'tf-provider-pinned',
        severity: 'error',
        message: 'required_providers.aws.source: "aws" is not fully qualified; use "registry.terraform.io/hashicorp/aws"',
      },
      {
        file: 'aws-dev/cdk.tf.json',
        resource: 'terraform',
        rule: 'tf-provider-pinned',
        severity: 'error',
        message: 'required_providers.aws.version: ">= 6.0" is not pinned; use an exact version or "~>"',
      },
      {
        file: 'aws-dev/cdk.tf.json',
        resource: 'terraform',
        rule: 'tf-remote-backend',
        severity: 'error',
        message: 'backend "local" keeps state on one machine; configure a remote backend such as s3 or azurerm',
      },
      { file: 'broken/cdk.tf.json', resource: 'terraform', rule: 'tf-schema', severity: 'error', message: expect.stringMatching(/^not valid JSON: /) },
    ]);
  });
});

describe('tf-schema: resource types', () => {
  test('unknown resource type: only a bundle → ambiguous message naming the generator', () => {
    expect(check(aws, (d) => (d.resource.aws_s3_bukket = { x: { bucket: 'a' } }))).toEqual([
      schema('aws_s3_bukket.x', 'resource type aws_s3_bukket is not in the bundled schema (unknown to the provider, or run npm run schemas)'),
    ]);
    expect(check(aws, (d) => (d.resource.aws_s3_bucket.x = { bucket: 'a' }))).toEqual([]);
  });

  test('with the full schema: "run npm run schemas" and "unknown type" are told apart', () => {
    const full: ProviderSchemaDocument = {
      format_version: '1.0',
      provider_schemas: { 'registry.terraform.io/hashicorp/aws': { resource_schemas: { aws_sns_topic: { block: {} }, aws_s3_bucket: { block: {} } } } },
    };
    const options = { fullSchemas: () => [full] };
    expect(check(aws, (d) => (d.resource.aws_sns_topic = { t: {} }), options)).toEqual([
      schema('aws_sns_topic.t', 'resource type aws_sns_topic is not in the bundled schema: run npm run schemas to regenerate src/validate/schemas'),
    ]);
    expect(check(aws, (d) => (d.resource.aws_s3_bukket = { x: {} }), options)).toEqual([
      schema('aws_s3_bukket.x', 'unknown resource type aws_s3_bukket (not in registry.terraform.io/hashicorp/aws 6.19.0) (did you mean "aws_s3_bucket"?)'),
    ]);
  });

  test('a complete schema (not a bundle) reports unknown types directly', () => {
    const doc = demoDoc({ demo_thingy: { x: {} } });
    expect(run(doc, {}, [SYNTHETIC])).toEqual([
      schema('demo_thingy.x', 'unknown resource type demo_thingy (not in registry.terraform.io/acme/demo) (did you mean "demo_thing"?)'),
    ]);
  });

  test('a provider without a bundled schema is an error, not a silent skip', () => {
    expect(check(aws, (d) => (d.resource.random_id = { x: { byte_length: 8 } }))).toEqual(
      expect.arrayContaining([schema('random_id.x', 'no schema for provider registry.terraform.io/hashicorp/random (bundled: aws, azurerm); not checked')]),
    );
  });

  test('terraform_data (built-in provider) is known', () => {
    expect(check(aws, (d) => (d.resource.terraform_data = { marker: { input: { a: [1, 2] }, triggers_replace: ['x'] } }))).toEqual([]);
    expect(check(aws, (d) => (d.resource.terraform_data = { marker: { output: 'x' } }))).toEqual([
      schema('terraform_data.marker', 'output: computed-only attribute cannot be set'),
    ]);
  });

  test('deprecated resource type → warning', () => {
    expect(run(demoDoc({ demo_old: { x: { name: 'a' } } }), {}, [SYNTHETIC])).toEqual([
      schema('demo_old.x', 'resource type demo_old is deprecated', 'warning'),
    ]);
  });
});

describe('tf-schema: attributes and blocks', () => {
  test('unknown attribute', () => {
    expect(check(aws, (d) => (cluster(d).nme = 'acme'))).toEqual([schema('aws_eks_cluster.cluster', 'nme: unknown attribute (did you mean "name"?)')]);
    expect(check(aws, (d) => (cluster(d).bootstrap_self_managed_addons = false))).toEqual([]);
  });

  test('unknown block (nested)', () => {
    expect(check(aws, (d) => (cluster(d).vpc_config.bogus_config = { enabled: true }))).toEqual([
      schema('aws_eks_cluster.cluster', 'vpc_config.bogus_config: unknown block'),
    ]);
    expect(check(aws, (d) => (cluster(d).upgrade_policy = { support_type: 'STANDARD' }))).toEqual([]);
  });

  test('missing required attribute (absent or null), also inside blocks', () => {
    expect(check(aws, (d) => delete cluster(d).role_arn)).toEqual([schema('aws_eks_cluster.cluster', 'role_arn: required attribute missing')]);
    expect(check(aws, (d) => (cluster(d).role_arn = null))).toEqual([schema('aws_eks_cluster.cluster', 'role_arn: required attribute missing')]);
    expect(check(aws, (d) => delete cluster(d).encryption_config[0].resources)).toEqual([
      schema('aws_eks_cluster.cluster', 'encryption_config[0].resources: required attribute missing'),
    ]);
    expect(check(aws, (d) => (cluster(d).role_arn = '${var.role_arn}'))).toEqual([]);
  });

  test('missing required block (min_items ≥ 1); a dynamic block satisfies it', () => {
    expect(check(aws, (d) => delete cluster(d).vpc_config)).toEqual([schema('aws_eks_cluster.cluster', 'vpc_config: required block missing (min_items 1)')]);
    expect(check(aws, (d) => delete cluster(d).encryption_config[0].provider)).toEqual([
      schema('aws_eks_cluster.cluster', 'encryption_config[0].provider: required block missing (min_items 1)'),
    ]);
    expect(
      check(aws, (d) => {
        delete cluster(d).vpc_config;
        cluster(d).dynamic = { vpc_config: { for_each: '${var.vpcs}', content: { subnet_ids: '${vpc_config.value}' } } };
      }),
    ).toEqual([]);
  });

  test('computed-only attribute set; computed+optional is fine', () => {
    expect(check(aws, (d) => (cluster(d).arn = 'arn:aws:eks:eu-west-1:1:cluster/acme'))).toEqual([
      schema('aws_eks_cluster.cluster', 'arn: computed-only attribute cannot be set'),
    ]);
    expect(check(aws, (d) => (cluster(d).deletion_protection = true))).toEqual([]);
  });

  test('max_items exceeded', () => {
    const vpc = (d: Doc) => cluster(d).vpc_config;
    expect(check(aws, (d) => (cluster(d).vpc_config = [vpc(d), vpc(d)]))).toEqual([
      schema('aws_eks_cluster.cluster', 'vpc_config: 2 blocks, at most 1 allowed (max_items)'),
    ]);
    expect(check(aws, (d) => (cluster(d).vpc_config = [vpc(d)]))).toEqual([]);
  });

  test('min_items not met', () => {
    expect(check(aws, (d) => (cluster(d).vpc_config = []))).toEqual([
      schema('aws_eks_cluster.cluster', 'vpc_config: 0 block(s), at least 1 required (min_items)'),
    ]);
    expect(run(demoDoc({ demo_thing: { x: { ...DEMO_THING, rule: [{ priority: 1 }] } } }), {}, [SYNTHETIC])).toEqual([
      schema('demo_thing.x', 'rule: 1 block(s), at least 2 required (min_items)'),
    ]);
    expect(run(demoDoc({ demo_thing: { x: DEMO_THING } }), {}, [SYNTHETIC])).toEqual([]);
  });

  test('empty array = no blocks, which is fine for an optional block', () => {
    expect(check(aws, (d) => (cluster(d).encryption_config = []))).toEqual([]);
  });

  test('deprecated attribute and block → warnings', () => {
    expect(check(aws, (d) => (d.resource.aws_s3_bucket.documents.acl = 'private'))).toEqual([
      schema('aws_s3_bucket.documents', 'acl: attribute is deprecated', 'warning'),
    ]);
    expect(check(aws, (d) => (d.resource.aws_s3_bucket.documents.versioning = { enabled: true }))).toEqual([
      schema('aws_s3_bucket.documents', 'versioning: block is deprecated', 'warning'),
    ]);
    expect(check(aws, (d) => (d.resource.aws_s3_bucket.documents.object_lock_enabled = false))).toEqual([]);
  });
});

describe('tf-schema: value shapes', () => {
  const eks = 'aws_eks_cluster.cluster';

  test('string for bool; accepted conversions "true"/"false"/"1"/"0"', () => {
    expect(check(aws, (d) => (cluster(d).vpc_config.endpoint_public_access = 'maybe'))).toEqual([
      schema(eks, 'vpc_config.endpoint_public_access: expected bool, got string "maybe"'),
    ]);
    expect(check(aws, (d) => (cluster(d).vpc_config.endpoint_public_access = 'True'))).toEqual([
      schema(eks, 'vpc_config.endpoint_public_access: expected bool, got string "True"'),
    ]);
    expect(check(aws, (d) => (cluster(d).vpc_config.endpoint_public_access = 1))).toEqual([
      schema(eks, 'vpc_config.endpoint_public_access: expected bool, got number 1'),
    ]);
    for (const ok of [true, 'true', 'false', '1', '0']) expect(check(aws, (d) => (cluster(d).vpc_config.endpoint_public_access = ok))).toEqual([]);
  });

  test('number: numeric strings accepted, others not', () => {
    const role = (d: Doc) => d.resource.aws_iam_role.cluster;
    expect(check(aws, (d) => (role(d).max_session_duration = '1h'))).toEqual([
      schema('aws_iam_role.cluster', 'max_session_duration: expected number, got string "1h"'),
    ]);
    expect(check(aws, (d) => (role(d).max_session_duration = true))).toEqual([
      schema('aws_iam_role.cluster', 'max_session_duration: expected number, got boolean true'),
    ]);
    for (const ok of [3600, '3600', '3.6e3', '-1']) expect(check(aws, (d) => (role(d).max_session_duration = ok))).toEqual([]);
  });

  test('list for string; number and bool for string are converted', () => {
    expect(check(aws, (d) => (cluster(d).name = ['acme']))).toEqual([schema(eks, 'name: expected string, got array')]);
    expect(check(aws, (d) => (cluster(d).name = { a: 1 }))).toEqual([schema(eks, 'name: expected string, got object')]);
    expect(check(aws, (d) => (cluster(d).name = 42))).toEqual([]);
    expect(check(aws, (d) => (cluster(d).name = false))).toEqual([]);
  });

  test('string for list; wrong element type', () => {
    expect(check(aws, (d) => (cluster(d).enabled_cluster_log_types = 'api'))).toEqual([
      schema(eks, 'enabled_cluster_log_types: expected set(string), got string "api"'),
    ]);
    expect(check(aws, (d) => (cluster(d).enabled_cluster_log_types = ['api', ['audit']]))).toEqual([
      schema(eks, 'enabled_cluster_log_types[1]: expected string, got array'),
    ]);
    expect(check(aws, (d) => (cluster(d).enabled_cluster_log_types = ['api', '${var.extra_log_type}']))).toEqual([]);
  });

  test('map value type', () => {
    expect(check(aws, (d) => (cluster(d).tags = { team: { name: 'ml' } }))).toEqual([schema(eks, 'tags["team"]: expected string, got object')]);
    expect(check(aws, (d) => (cluster(d).tags = ['a']))).toEqual([schema(eks, 'tags: expected map(string), got array')]);
    expect(check(aws, (d) => (cluster(d).tags = { team: 'ml', tier: 1, critical: true }))).toEqual([]);
  });

  test('list of objects: every object attribute is required in Terraform JSON; unknown ones are rejected', () => {
    const sg = (d: Doc) => d.resource.aws_security_group.web;
    expect(
      check(aws, (d) => {
        delete sg(d).ingress[0].self;
        sg(d).ingress[0].port = 443;
      }),
    ).toEqual([
      schema('aws_security_group.web', 'ingress[0].port: unknown object attribute'),
      schema('aws_security_group.web', 'ingress[0].self: object attribute missing'),
    ]);
  });

  test('tuple, object with optional attributes, nested list, dynamic', () => {
    const thing = (extra: Doc) => demoDoc({ demo_thing: { x: { ...DEMO_THING, ...extra } } });
    const bad = (extra: Doc) => run(thing(extra), {}, [SYNTHETIC]).map((x) => x.message);
    expect(bad({ coords: ['a', 1] })).toEqual([]);
    expect(bad({ coords: ['a'] })).toEqual(['coords: expected tuple of 2 element(s), got 1']);
    expect(bad({ coords: ['a', 'b'] })).toEqual(['coords[1]: expected number, got string "b"']);
    expect(bad({ settings: { mode: 'fast' } })).toEqual([]);
    expect(bad({ settings: { size: 1 } })).toEqual(['settings.mode: object attribute missing']);
    expect(bad({ matrix: [[1, '2'], ['x']] })).toEqual(['matrix[1][0]: expected number, got string "x"']);
    expect(bad({ anything: { any: ['shape', 1, null] } })).toEqual([]);
  });

  test('nested_type attributes (single, list, map)', () => {
    const bad = (extra: Doc) => run(demoDoc({ demo_thing: { x: { ...DEMO_THING, ...extra } } }), {}, [SYNTHETIC]).map((x) => x.message);
    expect(bad({ ports: [{ port: 80 }, { port: '443' }], owner: { email: 'a@b' }, members: { ann: { role: 'admin' } } })).toEqual([]);
    expect(bad({ ports: [{ port: 80 }, { port: 81 }, { port: 82 }] })).toEqual(['ports: 3 item(s), at most 2 allowed (max_items)']);
    expect(bad({ ports: [{ uid: 'x' }] })).toEqual(['ports[0].port: required attribute missing', 'ports[0].uid: computed-only attribute cannot be set']);
    expect(bad({ owner: {} })).toEqual(['owner.email: required attribute missing']);
    expect(bad({ members: { ann: { rol: 'admin' } } })).toEqual([
      'members["ann"].rol: unknown attribute (did you mean "role"?)',
      'members["ann"].role: required attribute missing',
    ]);
  });

  test('nesting modes single, group and map; a block as object or array of objects', () => {
    const bad = (extra: Doc) => run(demoDoc({ demo_thing: { x: { ...DEMO_THING, ...extra } } }), {}, [SYNTHETIC]).map((x) => x.message);
    expect(bad({ target: [{ ref: 'a' }] })).toEqual([]);
    expect(bad({ target: [{ ref: 'a' }, { ref: 'b' }] })).toEqual(['target: 2 blocks, at most 1 allowed (max_items)']);
    expect(bad({ options: { verbose: 'true' } })).toEqual([]);
    expect(bad({ options: [{}, {}] })).toEqual(['options: 2 blocks, at most 1 allowed (max_items)']);
    expect(bad({ listener: { http: { port: 80 }, https: [{ port: 443 }] } })).toEqual([]);
    expect(bad({ listener: { http: { port: 'eighty' } } })).toEqual(['listener["http"].port: expected number, got string "eighty"']);
    expect(bad({ legacy: [{ flag: true }] })).toEqual(['legacy: block is deprecated']);
  });
});

describe('tf-schema: ${…} expressions', () => {
  test('accepted in any value position', () => {
    const e = '${var.x}';
    const edits: ((d: Doc) => void)[] = [
      (d) => (cluster(d).vpc_config.endpoint_public_access = e), // bool
      (d) => (d.resource.aws_iam_role.cluster.max_session_duration = e), // number
      (d) => (cluster(d).enabled_cluster_log_types = e), // whole set
      (d) => (cluster(d).vpc_config.subnet_ids = ['subnet-1', e]), // set element
      (d) => (cluster(d).tags = e), // whole map
      (d) => (cluster(d).tags = { a: e, b: `prefix-${e}-suffix` }), // map value, template
      (d) => (cluster(d).vpc_config = e), // a whole block
      (d) => (cluster(d).encryption_config = [{ resources: ['secrets'], provider: e }]), // nested block
      (d) => (d.resource.aws_security_group.web.ingress = e), // list of objects
      (d) => (d.resource.aws_security_group.web.count = e), // meta-argument
      (d) => (d.resource.aws_s3_bucket.documents.for_each = '${toset(var.names)}'),
      (d) => (cluster(d).vpc_config.endpoint_public_access = '%{if var.public}true%{else}false%{endif}'), // template directive
    ];
    for (const edit of edits) expect(check(aws, edit)).toEqual([]);
  });

  test('$${ is an escape, not an expression', () => {
    expect(isExpression('$${var.x}')).toBe(false);
    expect(isExpression('$$${var.x}')).toBe(true);
    expect(check(aws, (d) => (cluster(d).vpc_config.endpoint_public_access = '$${var.x}'))).toEqual([
      schema('aws_eks_cluster.cluster', 'vpc_config.endpoint_public_access: expected bool, got string "$${var.x}"'),
    ]);
  });
});

describe('tf-schema: meta-arguments', () => {
  test('all meta-arguments of the valid fixture are accepted (depends_on, count, for_each, provider, lifecycle, provisioner, connection)', () => {
    const body = { ...cluster(aws()), ...aws().resource.aws_security_group.web };
    delete body.for_each;
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['depends_on', 'count', 'provider', 'lifecycle', 'provisioner', 'connection']));
    expect(Object.keys(aws().resource.aws_s3_bucket.documents)).toContain('for_each');
    expect(run(VALID_AWS)).toEqual([]);
  });

  test('a bad lifecycle key is rejected', () => {
    expect(check(aws, (d) => (cluster(d).lifecycle.prevent_destroi = true))).toEqual([
      schema(
        'aws_eks_cluster.cluster',
        'lifecycle.prevent_destroi: unknown lifecycle argument (allowed: create_before_destroy, prevent_destroy, ignore_changes, replace_triggered_by, precondition, postcondition) (did you mean "prevent_destroy"?)',
      ),
    ]);
  });

  test('lifecycle values: ignore_changes names schema attributes; conditions need both fields', () => {
    expect(check(aws, (d) => (cluster(d).lifecycle.ignore_changes = ['tagz']))).toEqual([
      schema('aws_eks_cluster.cluster', 'lifecycle.ignore_changes[0]: unknown attribute "tagz" (did you mean "tags"?)'),
    ]);
    expect(check(aws, (d) => (cluster(d).lifecycle.ignore_changes = 'all'))).toEqual([]);
    expect(check(aws, (d) => (cluster(d).lifecycle.prevent_destroy = 'yes'))).toEqual([
      schema('aws_eks_cluster.cluster', 'lifecycle.prevent_destroy: expected bool, got string "yes"'),
    ]);
    expect(check(aws, (d) => (cluster(d).lifecycle.precondition = [{ condition: 'true' }]))).toEqual([
      schema('aws_eks_cluster.cluster', 'lifecycle.precondition[0].error_message: required attribute missing'),
    ]);
  });

  test('bad count, for_each, depends_on', () => {
    const sg = 'aws_security_group.web';
    expect(check(aws, (d) => (d.resource.aws_security_group.web.count = -1))).toEqual([
      schema(sg, 'count: expected a whole number or an expression, got number -1'),
    ]);
    expect(check(aws, (d) => (d.resource.aws_security_group.web.count = '2'))).toEqual([]);
    expect(check(aws, (d) => (d.resource.aws_s3_bucket.documents.for_each = ['a', 'b']))).toEqual([
      schema('aws_s3_bucket.documents', 'for_each: expected a map or an expression (a JSON array is a tuple; wrap it in toset()), got array'),
    ]);
    expect(check(aws, (d) => (cluster(d).depends_on = 'aws_iam_role.cluster'))).toEqual([
      schema('aws_eks_cluster.cluster', 'depends_on: expected a list of resource addresses, got string "aws_iam_role.cluster"'),
    ]);
  });

  test('data sources: lifecycle has only precondition/postcondition; no provisioners', () => {
    const az = (d: Doc) => d.data.aws_availability_zones.available;
    expect(check(aws, (d) => (az(d).lifecycle = { postcondition: { condition: '${length(self.names) > 1}', error_message: 'x' } }))).toEqual([]);
    expect(check(aws, (d) => (az(d).lifecycle = { create_before_destroy: true }))).toEqual([
      schema('data.aws_availability_zones.available', 'lifecycle.create_before_destroy: unknown lifecycle argument (allowed: precondition, postcondition)'),
    ]);
    expect(check(aws, (d) => (az(d).provisioner = { 'local-exec': { command: 'x' } }))).toEqual([
      schema('data.aws_availability_zones.available', 'provisioner: unknown block'),
    ]);
  });

  test('dynamic blocks: unknown block name, missing content', () => {
    expect(check(aws, (d) => (cluster(d).dynamic = { vpc_konfig: { for_each: '${var.x}', content: {} } }))).toEqual([
      schema('aws_eks_cluster.cluster', 'dynamic.vpc_konfig: unknown block for dynamic (did you mean "vpc_config"?)'),
    ]);
    expect(check(aws, (d) => (cluster(d).dynamic = { encryption_config: { for_each: '${var.x}' } }))).toEqual([
      schema('aws_eks_cluster.cluster', 'dynamic.encryption_config.content: required in a dynamic block'),
    ]);
    expect(check(aws, (d) => (cluster(d).dynamic = { encryption_config: { for_each: '${var.x}', content: { resources: 'x' } } }))).toEqual([
      schema('aws_eks_cluster.cluster', 'dynamic.encryption_config.content.provider: required block missing (min_items 1)'),
      schema('aws_eks_cluster.cluster', 'dynamic.encryption_config.content.resources: expected set(string), got string "x"'),
    ]);
  });
});

describe('tf-schema: provider blocks and data sources', () => {
  test('provider block: unknown attribute, wrong type, aliases named', () => {
    expect(check(aws, (d) => (d.provider.aws[0].regoin = 'eu-west-1'))).toEqual([schema('provider aws', 'regoin: unknown attribute (did you mean "region"?)')]);
    expect(check(aws, (d) => (d.provider.aws[1].max_retries = 'five'))).toEqual([schema('provider aws.us', 'max_retries: expected number, got string "five"')]);
    expect(check(aws, (d) => (d.provider.aws[0].default_tags = [{ tags: { a: 'b' } }]))).toEqual([]);
  });

  test('provider block: object form, deprecated attribute, required attribute, missing schema', () => {
    expect(check(azure, (d) => (d.provider.azurerm.skip_provider_registration = true))).toEqual([
      schema('provider azurerm', 'skip_provider_registration: attribute is deprecated', 'warning'),
    ]);
    const doc = demoDoc({});
    doc.provider = { demo: { legacy_mode: true } };
    expect(run(doc, {}, [SYNTHETIC])).toEqual([
      schema('provider demo', 'endpoint: required attribute missing'),
      schema('provider demo', 'legacy_mode: attribute is deprecated', 'warning'),
    ]);
    expect(check(aws, (d) => (d.provider.google = { project: 'x' }))).toEqual([
      schema('provider google', 'no schema for provider registry.terraform.io/hashicorp/google (bundled: aws, azurerm); not checked'),
      f('terraform', 'tf-provider-pinned', 'required_providers.google: provider google is used but not declared'),
    ]);
  });

  test('data sources: unknown type, unknown and computed-only attributes, nested required', () => {
    const data = 'data.aws_iam_policy_document.assume';
    expect(check(aws, (d) => (d.data.aws_iam_policy_documents = { x: {} }))).toEqual([
      schema(
        'data.aws_iam_policy_documents.x',
        'data source aws_iam_policy_documents is not in the bundled schema (unknown to the provider, or run npm run schemas)',
      ),
    ]);
    expect(check(aws, (d) => (d.data.aws_availability_zones.available.statee = 'available'))).toEqual([
      schema('data.aws_availability_zones.available', 'statee: unknown attribute (did you mean "state"?)'),
    ]);
    expect(check(aws, (d) => (d.data.aws_iam_policy_document.assume.json = '{}'))).toEqual([schema(data, 'json: computed-only attribute cannot be set')]);
    expect(check(aws, (d) => delete d.data.aws_iam_policy_document.assume.statement[0].principals[0].identifiers)).toEqual([
      schema(data, 'statement[0].principals[0].identifiers: required attribute missing'),
    ]);
    expect(check(azure, (d) => (d.data.azurerm_client_config.current.tenant_id = 'x'))).toEqual([
      schema('data.azurerm_client_config.current', 'tenant_id: computed-only attribute cannot be set'),
    ]);
  });
});

describe('version-gap allowances', () => {
  test('start empty; every entry names a type, an attribute path and a reason', () => {
    for (const a of TERRAFORM_VERSION_GAP_ALLOWANCES) {
      expect(a.type).toMatch(/^[a-z0-9_]+$/);
      expect(a.reason.length).toBeGreaterThan(10);
    }
    expect(new Set(TERRAFORM_VERSION_GAP_ALLOWANCES.map((a) => `${a.kind} ${a.type} ${a.attribute}`)).size).toBe(TERRAFORM_VERSION_GAP_ALLOWANCES.length);
  });

  test('an allowance suppresses exactly its type and attribute path', () => {
    const allowances = [{ kind: 'resource' as const, type: 'aws_eks_cluster', attribute: 'vpc_config.new_flag', reason: 'added in aws 6.2x (test)' }];
    const edit = (d: Doc) => {
      cluster(d).vpc_config.new_flag = true;
      cluster(d).vpc_config.other_flag = true;
      d.resource.aws_iam_role.cluster.new_flag = true;
    };
    expect(check(aws, edit, { ...BUNDLE_ONLY, allowances }).map((x) => `${x.resource} ${x.message}`)).toEqual([
      'aws_eks_cluster.cluster vpc_config.other_flag: unknown attribute',
      'aws_iam_role.cluster new_flag: unknown attribute',
    ]);
  });
});

describe('tf-provider-pinned', () => {
  const pinned = (entry: unknown) => check(aws, (d) => (d.terraform.required_providers.aws = entry)).filter((x) => x.rule === 'tf-provider-pinned');
  const src = 'registry.terraform.io/hashicorp/aws';

  test('short or partial source', () => {
    expect(pinned({ source: 'aws', version: '6.25.0' })).toEqual([
      f('terraform', 'tf-provider-pinned', 'required_providers.aws.source: "aws" is not fully qualified; use "registry.terraform.io/hashicorp/aws"'),
    ]);
    expect(pinned({ source: 'hashicorp/aws', version: '6.25.0' })).toEqual([
      f('terraform', 'tf-provider-pinned', 'required_providers.aws.source: "hashicorp/aws" is not fully qualified; use "registry.terraform.io/hashicorp/aws"'),
    ]);
    expect(pinned({ version: '6.25.0' })).toEqual([
      f('terraform', 'tf-provider-pinned', 'required_providers.aws.source: missing; use "registry.terraform.io/hashicorp/aws"'),
    ]);
    expect(pinned('6.25.0')).toEqual([
      f('terraform', 'tf-provider-pinned', 'required_providers.aws: expected {source, version}, got string "6.25.0" (no source)'),
    ]);
  });

  test('unpinned or missing version', () => {
    expect(pinned({ source: src, version: '>= 6.0' })).toEqual([
      f('terraform', 'tf-provider-pinned', 'required_providers.aws.version: ">= 6.0" is not pinned; use an exact version or "~>"'),
    ]);
    expect(pinned({ source: src, version: '>= 6.0, < 7.0' })).toEqual([
      f('terraform', 'tf-provider-pinned', 'required_providers.aws.version: ">= 6.0, < 7.0" is not pinned; use an exact version or "~>"'),
    ]);
    expect(pinned({ source: src })).toEqual([
      f('terraform', 'tf-provider-pinned', 'required_providers.aws.version: missing; pin an exact version or use "~>"'),
    ]);
    expect(pinned({ source: src, version: 'latest' })).toEqual([
      f('terraform', 'tf-provider-pinned', 'required_providers.aws.version: "latest" is not a valid version constraint'),
    ]);
    for (const version of ['6.25.0', '= 6.25.0', '~> 6.25', '~> 6.25.0', '>= 6.0, ~> 6.25']) expect(pinned({ source: src, version })).toEqual([]);
  });

  test('a provider in use must be declared', () => {
    expect(check(aws, (d) => delete d.terraform.required_providers.aws)).toEqual([
      f('terraform', 'tf-provider-pinned', 'required_providers.aws: provider aws is used but not declared'),
    ]);
  });
});

describe('tf-remote-backend', () => {
  const backend = (b: unknown) =>
    check(aws, (d) => (b === undefined ? delete d.terraform.backend : (d.terraform.backend = b))).filter((x) => x.rule === 'tf-remote-backend');

  test('local or missing backend', () => {
    expect(backend({ local: {} })).toEqual([
      f('terraform', 'tf-remote-backend', 'backend "local" keeps state on one machine; configure a remote backend such as s3 or azurerm'),
    ]);
    expect(backend(undefined)).toEqual([
      f('terraform', 'tf-remote-backend', 'no backend configured (state would be local); configure a remote backend such as s3 or azurerm'),
    ]);
  });

  test('remote backends and HCP Terraform', () => {
    for (const b of [{ s3: { bucket: 'b', key: 'k' } }, { azurerm: {} }, { gcs: { bucket: 'b' } }, { remote: {} }, { http: { address: 'https://x' } }])
      expect(backend(b)).toEqual([]);
    expect(
      check(aws, (d) => {
        delete d.terraform.backend;
        d.terraform.cloud = { organization: 'acme', workspaces: { name: 'x' } };
      }),
    ).toEqual([]);
  });
});

describe('tf-no-absolute-paths', () => {
  const paths = (value: unknown) => check(aws, (d) => (d.output.x = { value })).filter((x) => x.rule === 'tf-no-absolute-paths');

  test('local file-system paths are flagged wherever they are', () => {
    for (const bad of [
      '/home/me/x.json',
      '/Users/me/x',
      '/tmp/cdktf/asset.zip',
      '/var/folders/x',
      '/work/main/dist',
      '/opt/x',
      '/root/.aws',
      'C:\\Users\\me\\x',
      'D:/build/x',
      'file:///Users/me/x',
    ]) {
      expect(paths(bad)).toEqual([f('output.x', 'tf-no-absolute-paths', `value: absolute file-system path ${JSON.stringify(bad)}`)]);
    }
    expect(paths('${file("/home/me/policy.json")}')).toHaveLength(1);
    expect(check(aws, (d) => (cluster(d).tags.src = '/home/me/repo'))).toEqual([
      f('aws_eks_cluster.cluster', 'tf-no-absolute-paths', 'tags.src: absolute file-system path "/home/me/repo"'),
    ]);
    expect(check(aws, (d) => (d.terraform.backend = { local: { path: '/srv/state/x.tfstate' } })).filter((x) => x.rule === 'tf-no-absolute-paths')).toEqual([
      f('terraform', 'tf-no-absolute-paths', 'backend.local.path: absolute file-system path "/srv/state/x.tfstate"'),
    ]);
    expect(check(aws, (d) => (d.terraform.backend = { local: { workspace_dir: '/state' } })).filter((x) => x.rule === 'tf-no-absolute-paths')).toEqual([
      f('terraform', 'tf-no-absolute-paths', 'backend.local.workspace_dir: absolute file-system path "/state"'),
    ]);
  });

  test('IAM paths, ARNs, log groups, device names, URLs are not file paths', () => {
    for (const ok of [
      '/',
      '/service-role/',
      '/aws/eks/acme/cluster',
      '/aws/vpc/acme/flow-logs',
      '/dev/xvda',
      'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
      'https://example.com/home/x',
      'tmp/relative',
      'karpenter.sh/discovery',
    ]) {
      expect(ABSOLUTE_PATH.test(ok)).toBe(false);
      expect(paths(ok)).toEqual([]);
    }
  });
});

describe('bundles', () => {
  test('the committed bundles exist and cover the fixture types', () => {
    expect(bundles.map((b) => Object.keys(b.provider_schemas)[0])).toEqual(BUNDLED_PROVIDERS.map((p) => p.source));
    const types = bundles.map(bundleTypes);
    const resources = types.flatMap((t) => t.resources);
    const dataSources = types.flatMap((t) => t.dataSources);
    expect(resources).toEqual(expect.arrayContaining([...FIXTURE_TYPES.resources]));
    expect(dataSources).toEqual(expect.arrayContaining([...FIXTURE_TYPES.dataSources]));
    for (const b of bundles) expect(b.bundle).toMatchObject({ complete: false, provider_version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  test('the fixtures use only FIXTURE_TYPES', () => {
    expect(typesInDocuments([VALID_AWS, VALID_AZURE])).toEqual({
      resources: [...FIXTURE_TYPES.resources].sort(),
      dataSources: [...FIXTURE_TYPES.dataSources].sort(),
    });
  });

  (fs.existsSync(FULL_SCHEMA_DIR) ? test : test.skip)('each committed bundle matches its source (../shared) for its own type list', () => {
    for (const p of BUNDLED_PROVIDERS) {
      const committed = fs.readFileSync(path.join(BUNDLE_DIR, p.bundleFile), 'utf8');
      const rebuilt = stableStringify(buildBundleFromFull(p, bundleTypes(JSON.parse(committed))));
      expect(rebuilt === committed).toBe(true);
    }
  });

  test('buildTerraformBundle: strips descriptions, keeps only requested types, deterministic', () => {
    const full = {
      format_version: '1.0',
      provider_schemas: {
        'registry.terraform.io/acme/demo': {
          provider: {
            block: {
              attributes: { endpoint: { type: 'string', optional: true, description: 'x', description_kind: 'plain', sensitive: true } },
              description_kind: 'plain',
            },
          },
          resource_schemas: {
            demo_b: {
              version: 2,
              block: {
                attributes: { version: { type: 'string', required: true, description_kind: 'markdown' } },
                block_types: { x: { nesting_mode: 'list', min_items: 0, max_items: 1, block: { description: 'd', deprecated: true } } },
              },
            },
            demo_a: { version: 0, block: {} },
            demo_unused: { version: 0, block: {} },
          },
          data_source_schemas: { demo_d: { version: 0, block: {} } },
          ephemeral_resource_schemas: { demo_e: { version: 0, block: {} } },
        },
      },
    };
    const before = JSON.stringify(full);
    const bundle = buildTerraformBundle(full, { resources: ['demo_b', 'demo_a', 'demo_missing'], dataSources: [] }, { providerVersion: '1.2.3' });
    expect(JSON.stringify(full)).toBe(before); // pure
    expect(stableStringify(bundle)).toBe(
      '{"bundle":{"complete":false,"generator":"npm run schemas (src/validate/terraform-bundle.ts)","provider_version":"1.2.3"},"format_version":"1.0","provider_schemas":{"registry.terraform.io/acme/demo":{"data_source_schemas":{},"provider":{"block":{"attributes":{"endpoint":{"optional":true,"type":"string"}}}},"resource_schemas":{"demo_a":{"block":{}},"demo_b":{"block":{"attributes":{"version":{"required":true,"type":"string"}},"block_types":{"x":{"block":{"deprecated":true},"max_items":1,"nesting_mode":"list"}}}}}}}}\n',
    );
    expect(stableStringify(buildTerraformBundle(full, { resources: ['demo_a', 'demo_b'], dataSources: [] }, { providerVersion: '1.2.3' }))).toBe(
      stableStringify(bundle),
    );
  });
});

// ---------------------------------------------------------------------------------------------

/** A minimal valid demo_thing of the synthetic schema. */
const DEMO_THING = { name: 'x', target: { ref: 'a' }, rule: [{ priority: 1 }, { priority: 2 }] };

function demoDoc(resource: Doc): Doc {
  return {
    terraform: {
      backend: { s3: { bucket: 'b', key: 'k', region: 'eu-west-1' } },
      required_providers: { demo: { source: 'registry.terraform.io/acme/demo', version: '1.0.0' } },
    },
    resource,
  };
}
