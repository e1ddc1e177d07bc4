/** The policy pack: every rule, by id. */
import { flowRules } from '../flows';
import { awsRules } from './aws';
import { azureRules } from './azure';
import { costAllocationRules } from './cost-allocation';
import { kubernetesRules } from './kubernetes';
import { podSecurityRules } from './pod-security';
import type { PolicyRule } from './rule';
import { storageRules } from './storage';
import { terraformRules } from './terraform';
import { versionRules } from './versions';

export const POLICY_RULES: readonly PolicyRule[] = [
  ...awsRules,
  ...azureRules,
  ...costAllocationRules,
  ...kubernetesRules,
  ...podSecurityRules,
  ...storageRules,
  ...terraformRules,
  ...versionRules,
  ...flowRules,
];

const ids = POLICY_RULES.map((r) => r.id);
const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
if (duplicate) throw new Error(`policy rule id ${duplicate} is defined twice`);
