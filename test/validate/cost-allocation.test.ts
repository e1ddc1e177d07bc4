/** cost-allocation-tags: every resource an environment's budget must see carries its tags. */
import { loadPlatform } from '../../src/model/load';
import type { EnvironmentOutput } from '../../src/validate/output';
import { POLICY_RULES } from '../../src/validate/policy';
import { defaultPlatform } from '../../src/platform';

const FILE = 'env/terraform/platform/cdk.tf.json';
const rule = POLICY_RULES.find((r) => r.id === 'cost-allocation-tags')!;
const env = (json: Record<string, any>): EnvironmentOutput => ({
  name: 'env',
  terraform: [{ file: FILE, stack: 'platform', json }],
  manifests: [],
  files: [FILE],
});
const azureDev = loadPlatform(defaultPlatform).environments.find((e) => e.name === 'azure-dev')!;
const tags = { ...azureDev.tags };

describe('cost-allocation-tags', () => {
  it('Azure: a resource that takes tags and lacks one is named with the missing keys; one that takes none is not', () => {
    const { environment: _, ...partial } = tags;
    const found = rule.check({
      env: env({
        resource: {
          azurerm_storage_account: { ok: { name: 'a', tags }, bare: { name: 'b', tags: partial } },
          azurerm_role_assignment: { r: { scope: 'x' } },
        },
      }),
      cloud: 'azure',
      stage: 'dev',
      environment: azureDev,
    });
    expect(found).toEqual([{ file: FILE, resource: 'azurerm_storage_account.bare', message: 'tags lacks the cost allocation tags environment' }]);
  });

  it('a tag with the wrong value counts as missing', () => {
    const found = rule.check({
      env: env({ resource: { azurerm_storage_account: { s: { tags: { ...tags, environment: 'azure-prod' } } } } }),
      cloud: 'azure',
      stage: 'dev',
      environment: azureDev,
    });
    expect(found.map((v) => v.message)).toEqual(['tags lacks the cost allocation tags environment (is "azure-prod", not "azure-dev")']);
  });

  it('AWS: the provider’s default_tags and each launch template’s instance, volume and interface tags', () => {
    const awsTags = { project: 'acme', environment: 'env', 'managed-by': 'platform-synth' };
    const found = rule.check({
      env: env({
        provider: { aws: [{ default_tags: [{ tags: { project: 'acme' } }] }] },
        resource: { aws_launch_template: { lt: { tag_specifications: [{ resource_type: 'instance', tags: awsTags }] } }, aws_s3_bucket: { b: {} } },
      }),
      cloud: 'aws',
      stage: 'prod',
    });
    expect(found.map((v) => `${v.resource}: ${v.message}`)).toEqual([
      'provider.aws: default_tags lacks the cost allocation tags environment, managed-by',
      'aws_launch_template.lt: tag_specifications for volume lacks the cost allocation tags project, environment, managed-by',
      'aws_launch_template.lt: tag_specifications for network-interface lacks the cost allocation tags project, environment, managed-by',
    ]);
  });
});
