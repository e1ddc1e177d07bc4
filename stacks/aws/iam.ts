/**
 * IAM policy documents built in TypeScript: plain objects with a fixed key order, serialised with
 * JSON.stringify so the output is deterministic. Terraform references (tokens) inside them render
 * as `${...}` interpolations that Terraform resolves at plan time.
 */
import type { EnvironmentContext } from '../../src/model/context';

/** The partition every derived ARN uses (naming.ts' roleArn() assumes the same). */
export const PARTITION = 'aws';

export type ConditionBlock = Record<string, Record<string, string | readonly string[]>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[]; readonly Federated?: string };
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

/** A policy document as a JSON string (key order as written: Version, Statement). */
export function policyDocument(statements: readonly PolicyStatement[], id?: string): string {
  return JSON.stringify(id ? { Version: '2012-10-17', Id: id, Statement: statements } : { Version: '2012-10-17', Statement: statements });
}

export function awsManagedPolicyArn(name: string): string {
  return `arn:${PARTITION}:iam::aws:policy/${name}`;
}

/**
 * Trust policy for an AWS service principal, optionally conditioned (confused-deputy protection).
 * A Kubernetes service account's trust policies are in identity.ts.
 */
export function serviceTrustPolicy(service: string, actions: readonly string[] = ['sts:AssumeRole'], condition?: ConditionBlock): string {
  return policyDocument([
    { Effect: 'Allow', Principal: { Service: service }, Action: actions.length === 1 ? actions[0] : actions, ...(condition ? { Condition: condition } : {}) },
  ]);
}

/**
 * An S3 "directory" as clients address it: its bare key and everything below it. S3A HEADs the bare key first, and a
 * listing names the bare prefix as well as what is under it (Hadoop's least-privilege policies grant both:
 * hadoop-aws RoleModel.directory). `base` is an object ARN prefix or an `s3:prefix` value.
 */
export function directoryKeys(base: string): [string, string] {
  return [base, `${base}/*`];
}

/**
 * Refuses every `service` action on `resource` made without TLS: the same statement for buckets
 * (pass the bucket and its objects) and queues. `sid` for policies that keep an upstream Sid.
 */
export function denyInsecureTransport(service: 's3' | 'sqs', resource: string | readonly string[], sid = 'DenyInsecureTransport'): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Deny',
    Principal: '*',
    Action: `${service}:*`,
    Resource: resource,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** ARNs the stack derives from the model (no lookups, no cross-stack references). */
export function arns(ctx: EnvironmentContext<'aws'>) {
  const { region } = ctx.env;
  const account = ctx.env.aws.accountId;
  const names = ctx.names.aws;
  return {
    account,
    accountRoot: `arn:${PARTITION}:iam::${account}:root`,
    cluster: `arn:${PARTITION}:eks:${region}:${account}:cluster/${names.clusterName}`,
    logGroup: (name: string) => `arn:${PARTITION}:logs:${region}:${account}:log-group:${name}`,
    eventRule: (name: string) => `arn:${PARTITION}:events:${region}:${account}:rule/${name}`,
  };
}

/** Key policy: IAM in this account governs use of the key (the AWS default), plus any service grants. */
export function kmsKeyPolicy(accountRoot: string, extra: readonly PolicyStatement[] = []): string {
  return policyDocument([{ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: accountRoot }, Action: 'kms:*', Resource: '*' }, ...extra]);
}

/** Terraform logical id fragment: lowercase snake_case of a model name. */
export function snake(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Logical id fragment of an AWS managed policy name: `AmazonEKS_CNI_Policy` -> `amazon_eks_cni_policy`. */
export function policyId(policyName: string): string {
  const base = policyName.slice(policyName.lastIndexOf('/') + 1);
  return snake(base.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2'));
}

/** Log retention of the stack's log groups: the model's (per stage by default, `aws.logging`). */
export function logRetentionDays(ctx: EnvironmentContext<'aws'>): number {
  return ctx.env.aws.logging.retentionDays;
}
