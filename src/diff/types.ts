import type { CostDelta } from '../cost/delta';
import type { ForcedChange } from './force-new';

export type { ForcedChange } from './force-new';

/**
 * The drift report: what a fresh synth would change in the committed output. "added" means the
 * synth produces something the committed output lacks; "removed", the reverse.
 */

export type Change = 'added' | 'removed' | 'changed';

export type EntryKind = 'resource' | 'data' | 'output' | 'setting';

/** One Terraform address: `aws_s3_bucket.lakehouse`, `data.aws_eks_cluster.cluster`, `output.x`, `provider.aws`, `terraform`. */
export interface EntryChange {
  readonly address: string;
  readonly kind: EntryKind;
  readonly change: Change;
  /** Top-level attributes that differ (changed entries only). */
  readonly attributes?: readonly string[];
  /** Changed resources: attribute changes the provider cannot make in place (src/diff/force-new.ts), when there are any. */
  readonly forced?: readonly ForcedChange[];
  /** Changed resources whose type or provider version has no force-new list: replacement is not ruled out. */
  readonly unchecked?: string;
}

/** A resource whose address changed: Terraform destroys the old address and creates the new one. */
export interface Replacement {
  readonly from: string;
  readonly to: string;
  /** Name-like attributes that differ too (empty when the bodies are identical). */
  readonly differs: readonly string[];
}

export interface StackCounts {
  readonly resources: number;
  readonly dataSources: number;
  readonly outputs: number;
}

export interface StackDiff {
  readonly stack: string;
  /** Relative to the output directory: `<env>/terraform/<stack>/cdk.tf.json`. */
  readonly file: string;
  readonly change: Change;
  readonly replacements: readonly Replacement[];
  /** Everything else that differs, sorted by address; removed resources are the destroys. */
  readonly entries: readonly EntryChange[];
  /** What the stack holds on the side where it exists (for a stack added or removed as a whole). */
  readonly counts: StackCounts;
}

export interface ObjectChange {
  /** `<app> <Kind> <namespace>/<name>` (`<app> <Kind> <name>` when cluster-scoped). */
  readonly id: string;
  readonly app: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly change: Change;
  /** The file on each side it was read from (two when the object moved files). */
  readonly files: readonly string[];
  /** Paths that differ (changed objects only). */
  readonly paths?: readonly string[];
}

export interface AppDiff {
  readonly app: string;
  readonly change: Change;
  readonly objects: readonly ObjectChange[];
}

/** A file whose difference no object or resource change explains. */
export interface FileChange {
  /** Relative to the output directory. */
  readonly file: string;
  readonly change: Change;
  /** `formatting only`, `not valid YAML: …` */
  readonly note?: string;
}

export interface EnvironmentDiff {
  /** `.` for files at the top of the output directory. */
  readonly environment: string;
  readonly change: Change;
  readonly terraform: readonly StackDiff[];
  readonly kubernetes: readonly AppDiff[];
  readonly files: readonly FileChange[];
  /** What the change does to the estimated monthly cost (from <env>/cost.json on each side), when that differs. */
  readonly cost?: CostDelta;
}

export interface DiffReport {
  /** What was compared against: `dist/`, `HEAD:dist/`. */
  readonly against: string;
  /** The environments synthesized. */
  readonly environments: readonly string[];
  /** Files compared on each side. */
  readonly files: { readonly committed: number; readonly synthesized: number };
  /** Only the environments that differ, sorted. */
  readonly diffs: readonly EnvironmentDiff[];
}
