/** The model's list of waivable rule ids is the validator's rules, exactly (the model reads it without importing them). */
import { WAIVABLE_RULE_IDS } from '../../src/model/waivable-rules';
import { CLUSTER_RULES } from '../../src/validate/cluster';
import { POLICY_RULES } from '../../src/validate/policy';

describe('WAIVABLE_RULE_IDS', () => {
  it('lists every policy and cluster-view rule once, and nothing else', () => {
    const real = [...POLICY_RULES, ...CLUSTER_RULES].map((r) => r.id);
    expect([...WAIVABLE_RULE_IDS].sort()).toEqual([...new Set(real)].sort());
    expect(new Set(WAIVABLE_RULE_IDS).size).toBe(WAIVABLE_RULE_IDS.length);
  });
});
