/** Policy rules over AWS Terraform resources. */
import { bedrockInvokeArns, parseBedrockModel } from '../../model/ai-models';
import { isReadOnlyAction, policyDocuments, unreadablePolicies, type Statement } from './iam';
import { allResources, attachedTo, blocks, isFalse, isTrue, ofType, refersTo } from './references';
import type { PolicyContext, PolicyRule, Violation } from './rule';
import { KARPENTER_INTERRUPTION_EVENTS } from '../../model/karpenter';

/** The lowest Terraform a `required_version` admits, as [major, minor] (undefined: no lower bound). */
export function minimumTerraform(constraint: unknown): [number, number] | undefined {
  if (typeof constraint !== 'string') return undefined;
  let min: [number, number] | undefined;
  for (const part of constraint.split(',')) {
    const m = /^\s*(>=|>|~>|=)?\s*v?(\d+)\.(\d+)/.exec(part);
    if (!m) continue;
    const v: [number, number] = [Number(m[2]), Number(m[3])];
    if (!min || v[0] > min[0] || (v[0] === min[0] && v[1] > min[1])) min = v;
  }
  return min;
}

/** The S3 backend's `use_lockfile` is generally available from Terraform 1.11 (opt-in experimental in 1.10). */
export const S3_LOCKFILE_MIN_TERRAFORM: [number, number] = [1, 11];

/** The detail-types the EventBridge rules of one stack (file) match. */
function eventDetailTypes(ctx: PolicyContext, file: string): Set<string> {
  const types = new Set<string>();
  for (const rule of ofType(ctx.env, 'aws_cloudwatch_event_rule').filter((r) => r.file === file)) {
    try {
      const pattern = JSON.parse(String(rule.body.event_pattern));
      for (const t of Array.isArray(pattern['detail-type']) ? pattern['detail-type'] : []) types.add(String(t));
    } catch {
      // A pattern no rule can read adds nothing.
    }
  }
  return types;
}

const bucketRule = (id: string, reason: string, check: (ctx: PolicyContext, bucket: ReturnType<typeof ofType>[number]) => string | undefined): PolicyRule => ({
  id,
  reason,
  check: (ctx) =>
    ofType(ctx.env, 'aws_s3_bucket').flatMap((bucket) => {
      const message = check(ctx, bucket);
      return message ? [{ file: bucket.file, resource: bucket.address, message }] : [];
    }),
});

function tlsOnlyStatement(statements: Statement[]): boolean {
  return statements.some(
    (s) =>
      s.effect === 'Deny' &&
      s.actions.some((a) => a === 's3:*' || a === '*') &&
      s.conditions.some((c) => c.test === 'Bool' && c.variable === 'aws:SecureTransport' && c.values.includes('false')),
  );
}

/**
 * Write actions that take no resource ARN (the Service Authorization Reference lists no resource type for them):
 * allowed on Resource "*" only under a condition on the key that scopes them.
 */
const UNSCOPABLE_WRITES: Readonly<Record<string, string>> = { 'cloudwatch:PutMetricData': 'cloudwatch:namespace' };

const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

const INFERENCE_PROFILE_ARN = /^arn:aws:bedrock:([a-z0-9-]+):(\d{12}):inference-profile\/(.+)$/;
const allowsInvoke = (actions: string[]) => actions.some((a) => a === 'bedrock:InvokeModel' || a === 'bedrock:InvokeModel*' || a === 'bedrock:*');

export const awsRules: PolicyRule[] = [
  {
    id: 'bedrock-profile-destinations',
    reason: 'Bedrock authorizes a profile call on the profile and on the foundation model in the region it routes to: allow each destination region.',
    check: (ctx) =>
      policyDocuments(ctx.env).flatMap((doc) => {
        const allows = doc.statements.filter((s) => s.effect === 'Allow' && allowsInvoke(s.actions));
        const allowed = new Set(allows.flatMap((s) => s.resources));
        return allows.flatMap((s) =>
          s.resources.flatMap((arn) => {
            const m = INFERENCE_PROFILE_ARN.exec(arn);
            if (!m) return [];
            const [, region, account, id] = m;
            const at = { file: doc.owner.file, resource: doc.owner.address };
            if (!parseBedrockModel(id).facts?.profiles[id.split('.')[0]])
              return [
                {
                  ...at,
                  severity: 'warning' as const,
                  message: `${doc.attribute}: profile ${id} is not in the model catalog; its destination regions are unchecked`,
                },
              ];
            const missing = bedrockInvokeArns(id, region, account)
              .slice(1)
              .filter((a) => !allowed.has(a));
            return missing.length ? [{ ...at, message: `${doc.attribute}: allows ${id} but not ${missing.join(', ')}` }] : [];
          }),
        );
      }),
  },
  {
    id: 'terraform-s3-lockfile-version',
    reason: "The S3 backend's use_lockfile is GA from Terraform 1.11 (experimental in 1.10): required_version must not admit older releases.",
    check: (ctx) =>
      ctx.env.terraform.flatMap((tf) => {
        const block = (tf.json as { terraform?: { backend?: { s3?: { use_lockfile?: unknown } }; required_version?: unknown } }).terraform;
        if (block?.backend?.s3?.use_lockfile !== true) return [];
        const min = minimumTerraform(block.required_version);
        const [major, minor] = S3_LOCKFILE_MIN_TERRAFORM;
        if (min && (min[0] > major || (min[0] === major && min[1] >= minor))) return [];
        return [
          {
            file: tf.file,
            resource: 'terraform',
            message: `backend s3 sets use_lockfile but required_version ${JSON.stringify(block.required_version ?? null)} admits Terraform below ${major}.${minor}`,
          },
        ];
      }),
  },
  {
    id: 'karpenter-interruption-events',
    reason: 'Karpenter drains a node ahead of its interruption only for the events its queue receives: each one its reference template routes needs a rule.',
    check: (ctx) =>
      ofType(ctx.env, 'aws_sqs_queue')
        .filter((q) => ofType(ctx.env, 'aws_cloudwatch_event_target').some((t) => t.file === q.file && refersTo(t.body.arn, q.address)))
        .filter((q) => eventDetailTypes(ctx, q.file).has(KARPENTER_INTERRUPTION_EVENTS.spot_interruption.detailType))
        .flatMap((q) => {
          const have = eventDetailTypes(ctx, q.file);
          const missing = Object.values(KARPENTER_INTERRUPTION_EVENTS)
            .map((e) => e.detailType)
            .filter((t) => !have.has(t));
          return missing.length
            ? [{ file: q.file, resource: q.address, message: `no EventBridge rule sends ${missing.map((m) => JSON.stringify(m)).join(', ')}` }]
            : [];
        }),
  },
  {
    id: 'iam-policy-readable',
    reason: 'A policy the pack cannot read is a policy no IAM rule checks: write it as JSON or an aws_iam_policy_document.',
    check: (ctx) =>
      unreadablePolicies(ctx.env).map((p) => ({
        file: p.owner.file,
        resource: p.owner.address,
        message: `${p.attribute} is not JSON (a Terraform expression with quotes inside an interpolation?); compute such values in a local`,
      })),
  },
  bucketRule('s3-public-access-blocked', 'A bucket without a full public access block can be made public by one ACL or policy change.', (ctx, bucket) => {
    const blocksFor = attachedTo(ctx.env, bucket, 'aws_s3_bucket_public_access_block', 'bucket');
    if (blocksFor.length === 0) return 'has no aws_s3_bucket_public_access_block';
    const off = PUBLIC_ACCESS_FLAGS.filter((flag) => !isTrue(blocksFor[0].body[flag]));
    return off.length ? `public access block leaves ${off.join(', ')} off` : undefined;
  }),
  bucketRule('s3-sse-kms', 'Data at rest is encrypted with a KMS key we control and audit.', (ctx, bucket) => {
    const configs = attachedTo(ctx.env, bucket, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket');
    const algorithms = configs
      .flatMap((c) => blocks(c.body.rule))
      .flatMap((r) => blocks(r.apply_server_side_encryption_by_default))
      .map((d) => d.sse_algorithm);
    if (algorithms.length === 0) return 'has no server-side encryption configuration';
    return algorithms.every((a) => a === 'aws:kms' || a === 'aws:kms:dsse') ? undefined : `encrypts with ${algorithms.join(', ')}, not aws:kms`;
  }),
  bucketRule('s3-versioning', 'Versioning lets data be recovered after an overwrite or delete.', (ctx, bucket) => {
    const versioning = attachedTo(ctx.env, bucket, 'aws_s3_bucket_versioning', 'bucket');
    const status = versioning.flatMap((v) => blocks(v.body.versioning_configuration)).map((c) => c.status);
    return status.includes('Enabled') ? undefined : 'has no versioning with status Enabled';
  }),
  bucketRule('s3-tls-only', 'Requests over plain HTTP are refused by the bucket policy.', (ctx, bucket) => {
    const policies = policyDocuments(ctx.env).filter((d) => d.owner.type === 'aws_s3_bucket_policy' && refersTo(d.owner.body.bucket, bucket.address));
    return policies.some((p) => tlsOnlyStatement(p.statements)) ? undefined : 'has no bucket policy denying requests without aws:SecureTransport';
  }),
  {
    id: 'rds-private-encrypted',
    reason: 'Databases are reachable only from the private network and encrypted at rest.',
    check: (ctx) =>
      [...ofType(ctx.env, 'aws_db_instance'), ...ofType(ctx.env, 'aws_rds_cluster')].flatMap((db) => {
        const out: Violation[] = [];
        if (isTrue(db.body.publicly_accessible)) out.push({ file: db.file, resource: db.address, message: 'publicly_accessible is true' });
        if (!isTrue(db.body.storage_encrypted)) out.push({ file: db.file, resource: db.address, message: 'storage_encrypted is not true' });
        return out;
      }),
  },
  {
    id: 'eks-private-api',
    reason: 'A prod cluster API is reachable only from the private network.',
    check: (ctx) =>
      ctx.stage !== 'prod'
        ? []
        : ofType(ctx.env, 'aws_eks_cluster').flatMap((c) => {
            const vpc = blocks(c.body.vpc_config)[0] ?? {};
            const out: Violation[] = [];
            if (!isFalse(vpc.endpoint_public_access))
              out.push({ file: c.file, resource: c.address, message: 'vpc_config.endpoint_public_access is not false in prod' });
            if (!isTrue(vpc.endpoint_private_access))
              out.push({ file: c.file, resource: c.address, message: 'vpc_config.endpoint_private_access is not true' });
            return out;
          }),
  },
  {
    id: 'eks-secrets-encryption',
    reason: 'Kubernetes Secrets are envelope-encrypted with a KMS key.',
    check: (ctx) =>
      ofType(ctx.env, 'aws_eks_cluster').flatMap((c) => {
        const resources = blocks(c.body.encryption_config).flatMap((e) => (Array.isArray(e.resources) ? e.resources : []));
        return resources.includes('secrets') ? [] : [{ file: c.file, resource: c.address, message: 'has no encryption_config for secrets' }];
      }),
  },
  {
    id: 'eks-control-plane-logging',
    reason: 'API, audit and authenticator logs are kept for incident response.',
    check: (ctx) =>
      ofType(ctx.env, 'aws_eks_cluster').flatMap((c) => {
        const enabled: string[] = Array.isArray(c.body.enabled_cluster_log_types) ? c.body.enabled_cluster_log_types : [];
        const missing = ['api', 'audit', 'authenticator'].filter((t) => !enabled.includes(t));
        return missing.length ? [{ file: c.file, resource: c.address, message: `enabled_cluster_log_types lacks ${missing.join(', ')}` }] : [];
      }),
  },
  {
    id: 'iam-no-wildcard-action',
    reason: 'An Allow of every action grants more than any workload needs.',
    check: (ctx) =>
      policyDocuments(ctx.env).flatMap((doc) =>
        doc.statements
          .filter((s) => s.effect === 'Allow' && !s.notActions && s.actions.some((a) => a === '*' || a === '*:*'))
          .map((s) => ({ file: doc.owner.file, resource: doc.owner.address, message: `${doc.attribute}: statement ${s.sid ?? '(no Sid)'} allows Action "*"` })),
      ),
  },
  {
    id: 'iam-no-write-on-wildcard-resource',
    reason:
      'Write actions name the resources they may change; Resource "*" is for read-only actions (and writes that take no ARN, under their scoping condition).',
    check: (ctx) =>
      policyDocuments(ctx.env)
        .filter((doc) => doc.kind === 'identity')
        .flatMap((doc) =>
          doc.statements
            .filter((s) => s.effect === 'Allow' && s.resources.includes('*'))
            .flatMap((s) => {
              const scoped = (a: string) => UNSCOPABLE_WRITES[a] !== undefined && s.conditions.some((c) => c.variable === UNSCOPABLE_WRITES[a]);
              const writes = s.actions.filter((a) => !isReadOnlyAction(a) && !scoped(a));
              return writes.length
                ? [
                    {
                      file: doc.owner.file,
                      resource: doc.owner.address,
                      message: `statement ${s.sid ?? '(no Sid)'} allows write actions on Resource "*": ${writes.join(', ')}`,
                    },
                  ]
                : [];
            }),
        ),
  },
  {
    id: 'iam-trust-role-by-condition',
    reason:
      'A trust naming another IAM role as its principal cannot be created before that role exists, and IAM rewrites the ARN to the role’s unique id, so recreating the role locks it out: trust the account and name the role in an aws:PrincipalArn condition.',
    check: (ctx) =>
      policyDocuments(ctx.env)
        .filter((d) => d.kind === 'trust')
        .flatMap((doc) =>
          doc.statements
            .filter((s) => s.effect === 'Allow')
            .flatMap((s) =>
              s.principals
                .filter((p) => p.type === 'AWS')
                .flatMap((p) => p.identifiers.filter((id) => /^arn:[^:]+:iam::[^:]*:role\//.test(id)))
                .map((role) => ({
                  file: doc.owner.file,
                  resource: doc.owner.address,
                  message: `${doc.attribute}: statement ${s.sid ?? '(no Sid)'} names role ${role} as its principal; trust its account and put the role in an ArnEquals aws:PrincipalArn condition`,
                })),
            ),
        ),
  },
  {
    id: 'iam-trust-one-service-account',
    reason: 'A role assumed from Kubernetes is bound to exactly one service account, so no other pod can use it.',
    check: (ctx) => {
      const out: Violation[] = [];
      const docs = policyDocuments(ctx.env).filter((d) => d.kind === 'trust');
      for (const doc of docs) {
        for (const s of doc.statements.filter((st) => st.effect === 'Allow')) {
          const at = { file: doc.owner.file, resource: doc.owner.address };
          if (s.actions.includes(WEB_IDENTITY)) {
            const sub = s.conditions.filter((c) => c.variable.endsWith(':sub'));
            const aud = s.conditions.filter((c) => c.variable.endsWith(':aud'));
            const subOk =
              sub.length === 1 &&
              sub[0].test === 'StringEquals' &&
              sub[0].values.length === 1 &&
              /^system:serviceaccount:[^:*]+:[^:*]+$/.test(sub[0].values[0]);
            if (!subOk)
              out.push({ ...at, message: 'web-identity trust must have one StringEquals :sub condition naming one system:serviceaccount:<namespace>:<name>' });
            if (!(aud.length === 1 && aud[0].values.length === 1 && aud[0].values[0] === 'sts.amazonaws.com'))
              out.push({ ...at, message: 'web-identity trust must have one :aud condition equal to sts.amazonaws.com' });
          }
          const podIdentity = s.principals.some((p) => p.type === 'Service' && p.identifiers.includes('pods.eks.amazonaws.com'));
          if (podIdentity) {
            const associations = allResources(ctx.env).filter(
              (r) =>
                (r.type === 'aws_eks_pod_identity_association' && refersTo(r.body.role_arn, doc.owner.address)) ||
                (r.type === 'aws_eks_addon' && blocks(r.body.pod_identity_association).some((p) => refersTo(p.role_arn, doc.owner.address))),
            );
            if (associations.length !== 1)
              out.push({ ...at, message: `pod-identity role is used by ${associations.length} associations; it must be bound to exactly one service account` });
            const sa = s.conditions.filter((c) => c.variable === 'aws:RequestTag/kubernetes-service-account');
            if (!(sa.length === 1 && sa[0].values.length === 1))
              out.push({ ...at, message: 'pod-identity trust must name one service account in an aws:RequestTag/kubernetes-service-account condition' });
          }
        }
      }
      return out;
    },
  },
];
