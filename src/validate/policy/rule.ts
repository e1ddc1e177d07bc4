/** The shape of a policy rule: an id, a one-line reason, and a check over one environment's output. */
import type { Cloud, Environment, Stage } from '../../model/types';
import type { Severity } from '../findings';
import type { EnvironmentOutput } from '../output';

export interface PolicyContext {
  readonly env: EnvironmentOutput;
  /** From the model when the environment is in it, else inferred from the providers used. */
  readonly cloud: Cloud | undefined;
  /** From the model; an environment the model does not know is held to prod rules. */
  readonly stage: Stage;
  /** Availability zones of the cluster's pools, from the model; unknown: held to be more than one. */
  readonly zones?: number;
  /** The resolved environment, when the model has it (rules that check what the model declares, e.g. network flows). */
  readonly environment?: Environment;
}

export interface Violation {
  readonly file: string;
  /** Same naming as findings: `aws_s3_bucket.documents`, `Deployment edw/consumer`. */
  readonly resource: string;
  readonly message: string;
  /** Default `error`. */
  readonly severity?: Severity;
}

export interface PolicyRule {
  /** Stable, kebab-case: what waivers and reports name. */
  readonly id: string;
  /** One line: why the rule exists. */
  readonly reason: string;
  readonly check: (ctx: PolicyContext) => Violation[];
}
