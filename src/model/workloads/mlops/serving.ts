/** What model serving needs from the platform, decided by the model alone. */
import type { MlopsSettings } from './spec';

type ServedModel = MlopsSettings['models'][number];

/**
 * A model with a canary runs in KServe's Knative mode: KServe 0.20's `canaryTrafficPercent` splits traffic
 * between Knative revisions, and Standard mode ignores it.
 */
export const servesOnKnative = (model: ServedModel): boolean => model.canaryPercent !== undefined;

/** The SeldonDeployment of a model with an A/B test (its executor's `deployment_name` metric label too). */
export function seldonDeploymentName(model: string): string {
  return `${model}-ab`;
}
