/**
 * The project's Terraform schema check (what contract.test.ts runs on every stack) catches what it should on
 * azurerm resources; and a snapshot of the azure-prod platform stack.
 */
import { fullSchemasPresent, type Json, renderEnvironment, schemaFindings } from '../helpers';

function render(envName: string): Json {
  return renderEnvironment(envName).stacks.platform;
}

const describeWithSchema = fullSchemasPresent ? describe : describe.skip;

describeWithSchema('the schema check against the azurerm provider schema', () => {
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
