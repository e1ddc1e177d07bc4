/**
 * The rendered Azure stacks against the vendored azurerm provider schema (`terraform providers schema -json`):
 * every resource type exists, every attribute and block we set exists (recursively), no required attribute
 * or block is missing, and block counts respect min/max items. Also a snapshot of azure-prod.
 */
import { fullSchemasPresent, type Json, providerSchema, renderEnvironment, schemaFindings, azureTagCoverage } from '../helpers';
import { resolvePlatform } from '../../../src/model/defaults';
import { defaultPlatform } from '../../../src/platform';

function render(envName: string): Json {
  return renderEnvironment(envName).stacks.platform;
}

const describeWithSchema = fullSchemasPresent ? describe : describe.skip;

describeWithSchema('azure platform stack against the azurerm provider schema', () => {
  const provider = fullSchemasPresent ? providerSchema('azurerm') : {};

  it.each(['azure-dev', 'azure-prod'])('%s: every resource, attribute and block is valid for the schema', (envName) => {
    expect(schemaFindings(render(envName), envName)).toEqual([]);
  });

  it.each(['azure-dev', 'azure-prod'])('%s: every resource whose schema has tags carries the environment tags', (envName) => {
    const json = render(envName);
    const expected = resolvePlatform(defaultPlatform).environments.find((e) => e.name === envName)!.tags;
    expect(azureTagCoverage(json, provider, expected).untagged).toEqual([]);
  });

  it('the checker itself catches unknown attributes, computed-only ones, missing required ones and too many blocks', () => {
    const resource = {
      azurerm_resource_group: { r: { bogus: 1, location: 'westeurope', depends_on: [] } },
      azurerm_user_assigned_identity: { u: { name: 'u', resource_group_name: 'rg', location: 'westeurope', principal_id: 'x' } },
      azurerm_kubernetes_cluster_node_pool: {
        p: { name: 'p', kubernetes_cluster_id: 'x', vm_size: 'y', upgrade_settings: [{ max_surge: '1' }, { max_surge: '1' }] },
      },
    };
    const problems = schemaFindings({ resource }, 'f').filter((p) => p.includes(' tf-schema '));
    expect(problems).toEqual([
      expect.stringMatching(/azurerm_kubernetes_cluster_node_pool\.p: upgrade_settings: 2 blocks, at most 1/),
      expect.stringMatching(/azurerm_resource_group\.r: bogus: unknown attribute/),
      expect.stringMatching(/azurerm_resource_group\.r: name: required attribute missing/),
      expect.stringMatching(/azurerm_user_assigned_identity\.u: principal_id: /),
    ]);
  });
});

describe('azure-prod snapshot', () => {
  it('matches the reviewed rendering', () => {
    expect(render('azure-prod')).toMatchSnapshot();
  });
});
