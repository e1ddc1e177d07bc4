/** The cluster view of each environment and the checks that run on it (README: "The cluster view"). */
import type { Finding } from '../findings';
import { ADMISSION_RULES, unmodelledFindings, type ClusterRule } from './admission';
import { FLOW_ENDPOINT_RULES } from '../flows/endpoints';
import { SCHEDULING_RULES } from './scheduling';
import { STORAGE_RULES } from './storage';
import { REFERENCE_RULES } from './references';
import { SCRAPE_RULES } from './scrapes';
import type { ClusterView } from './view';

export { buildClusterView, type ClusterView, type RenderedRelease, type ViewObject, type ViewPod } from './view';
export type { NodePool, NodeSize } from './nodes';
export type { ClusterRule } from './admission';

/** Every rule on the cluster view, listed by `--rules` and waivable in the model like the policy rules. */
export const CLUSTER_RULES: readonly ClusterRule[] = [
  ...ADMISSION_RULES,
  ...SCHEDULING_RULES,
  ...STORAGE_RULES,
  ...FLOW_ENDPOINT_RULES,
  ...REFERENCE_RULES,
  ...SCRAPE_RULES,
];

/** The findings of every cluster rule on one view; the view's gaps are reported under admission-limit-range (it needs every pod). */
export function checkClusterView(view: ClusterView): Finding[] {
  return [
    ...unmodelledFindings(view).map((v) => ({ ...v, rule: 'admission-limit-range', severity: 'error' as const })),
    ...CLUSTER_RULES.flatMap((rule) => rule.check(view).map((v) => ({ ...v, rule: rule.id, severity: 'error' as const }))),
  ];
}
