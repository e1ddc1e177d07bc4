/** IAM policy documents found in Terraform JSON, normalised for the IAM rules. */
import type { EnvironmentOutput } from '../output';
import { allResources, blocks, type ResourceRef } from './references';

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: string[];
  readonly notActions: boolean;
  readonly resources: string[];
  readonly principals: { type: string; identifiers: string[] }[];
  /** test → variable → values. */
  readonly conditions: { test: string; variable: string; values: string[] }[];
}

/** A policy attribute the pack could not read: every IAM rule would silently skip it. */
export interface UnreadablePolicy {
  readonly owner: ResourceRef;
  readonly attribute: string;
}

export interface PolicyDocument {
  readonly owner: ResourceRef;
  /** Which attribute held it: `policy`, `assume_role_policy`, `inline_policy.policy`. */
  readonly attribute: string;
  /** Identity policies grant permissions to a principal; resource policies (bucket, key, queue) guard a resource. */
  readonly kind: 'identity' | 'trust' | 'resource';
  readonly statements: Statement[];
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function fromJson(doc: any): Statement[] {
  const raw: any[] = Array.isArray(doc?.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : [];
  return raw.map((s: any) => {
    const principal = s.Principal;
    const principals =
      principal === '*' ? [{ type: '*', identifiers: ['*'] }] : Object.entries(principal ?? {}).map(([type, ids]) => ({ type, identifiers: list(ids) }));
    const conditions: Statement['conditions'] = [];
    for (const [test, byVar] of Object.entries<Record<string, unknown>>(s.Condition ?? {}))
      for (const [variable, values] of Object.entries(byVar)) conditions.push({ test, variable, values: list(values) });
    return {
      sid: s.Sid,
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: list(s.Action ?? s.NotAction),
      notActions: s.NotAction !== undefined,
      resources: list(s.Resource ?? s.NotResource),
      principals,
      conditions,
    } satisfies Statement;
  });
}

/** aws_iam_policy_document data sources, keyed by `data.aws_iam_policy_document.<name>` in their file. */
function dataDocuments(env: EnvironmentOutput): Map<string, Statement[]> {
  const out = new Map<string, Statement[]>();
  for (const tf of env.terraform) {
    for (const [name, body] of Object.entries<Record<string, any>>(tf.json.data?.aws_iam_policy_document ?? {})) {
      const statements: Statement[] = blocks(body.statement).map((s) => ({
        sid: s.sid,
        effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
        actions: list(s.actions ?? s.not_actions),
        notActions: s.not_actions !== undefined,
        resources: list(s.resources ?? s.not_resources),
        principals: blocks(s.principals).map((p) => ({ type: String(p.type), identifiers: list(p.identifiers) })),
        conditions: blocks(s.condition).map((c) => ({ test: String(c.test), variable: String(c.variable), values: list(c.values) })),
      }));
      out.set(`${tf.file}\u0000data.aws_iam_policy_document.${name}`, statements);
    }
  }
  return out;
}

function parseDocument(value: unknown, file: string, data: Map<string, Statement[]>): Statement[] | undefined {
  if (typeof value !== 'string') return undefined;
  const ref = /^\$\{(data\.aws_iam_policy_document\.[\w-]+)\.json\}$/.exec(value);
  if (ref) return data.get(`${file}\u0000${ref[1]}`);
  try {
    return fromJson(JSON.parse(value));
  } catch {
    return undefined;
  }
}

const IDENTITY_POLICY_TYPES = new Set(['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy']);
const RESOURCE_POLICY_ATTRIBUTES: Record<string, string> = {
  aws_s3_bucket_policy: 'policy',
  aws_sqs_queue_policy: 'policy',
  aws_kms_key: 'policy',
  aws_sns_topic_policy: 'policy',
  aws_ecr_repository_policy: 'policy',
  aws_secretsmanager_secret_policy: 'policy',
  aws_vpc_endpoint: 'policy',
};

/** Every IAM document in an environment's Terraform, with what kind of policy it is. */
export function policyDocuments(env: EnvironmentOutput): PolicyDocument[] {
  return readPolicies(env).documents;
}

/** Policy attributes that are neither JSON nor a reference to an aws_iam_policy_document. */
export function unreadablePolicies(env: EnvironmentOutput): UnreadablePolicy[] {
  return readPolicies(env).unreadable;
}

function readPolicies(env: EnvironmentOutput): { documents: PolicyDocument[]; unreadable: UnreadablePolicy[] } {
  const data = dataDocuments(env);
  const out: PolicyDocument[] = [];
  const unreadable: UnreadablePolicy[] = [];
  const add = (owner: ResourceRef, attribute: string, kind: PolicyDocument['kind'], value: unknown) => {
    if (value === undefined) return;
    const statements = parseDocument(value, owner.file, data);
    if (statements) out.push({ owner, attribute, kind, statements });
    else unreadable.push({ owner, attribute });
  };
  for (const r of allResources(env)) {
    if (IDENTITY_POLICY_TYPES.has(r.type)) add(r, 'policy', 'identity', r.body.policy);
    if (r.type === 'aws_iam_role') {
      add(r, 'assume_role_policy', 'trust', r.body.assume_role_policy);
      for (const inline of blocks(r.body.inline_policy)) add(r, 'inline_policy.policy', 'identity', inline.policy);
    }
    const attribute = RESOURCE_POLICY_ATTRIBUTES[r.type];
    if (attribute) add(r, attribute, 'resource', r.body[attribute]);
  }
  return { documents: out, unreadable };
}

/** Read-only by naming convention: what an action can do without changing anything. */
export function isReadOnlyAction(action: string): boolean {
  const verb = action.split(':')[1] ?? '';
  return /^(Describe|Get|List|Head|Search|Query|Scan|Select|Lookup|BatchGet|Check|Validate|View|Filter)/.test(verb);
}
