/**
 * The length limits of the names the platform derives (src/model/naming.ts), per cloud, checked on the resolved
 * model at load: a name too long for its cloud fails only at apply, and nothing else reads every name (synth with
 * --allow-missing-outputs writes what it renders unchecked).
 */
import { namesFor } from './naming';
import type { Problem } from './problems';
import { q } from './rules';
import type { Cloud, Environment, Platform } from './types';

interface NameLimit {
  /** The names fields it applies to, by key (in src/model/naming.ts and each workload's names.ts). */
  readonly key: RegExp;
  readonly max: number;
  readonly what: string;
}

const NAME_LIMITS: { readonly [C in Cloud]: readonly NameLimit[] } = {
  aws: [
    { key: /RoleName$/, max: 64, what: 'IAM role name' },
    { key: /[qQ]ueueName$/, max: 80, what: 'SQS queue name' },
    { key: /^clusterName$/, max: 100, what: 'EKS cluster name' },
    { key: /[bB]ucket$/, max: 63, what: 'S3 bucket name' },
    { key: /^dbIdentifier$/, max: 63, what: 'RDS instance identifier' },
    { key: /[kK]msAlias$/, max: 256, what: 'KMS alias' },
  ],
  azure: [
    { key: /IdentityName$/, max: 128, what: 'managed identity name' },
    { key: /[rR]esourceGroupName$/, max: 90, what: 'resource group name' },
    { key: /^clusterName$/, max: 63, what: 'AKS cluster name' },
    { key: /^dnsPrefix$/, max: 54, what: 'AKS DNS prefix' },
    { key: /^vnetName$/, max: 64, what: 'virtual network name' },
    { key: /^postgresServerName$/, max: 63, what: 'PostgreSQL server name' },
  ],
};

/** Names derived from a served model's name, by the names field that derives them. */
const PER_MODEL = /^serving(Role|Identity)Name$/;

/** Every derived name longer than its cloud allows, named by the model field to shorten. */
export function findNameLimitProblems(platform: Platform): Problem[] {
  const problems: Problem[] = [];
  platform.environments.forEach((env, i) => {
    const limits = NAME_LIMITS[env.cloud];
    const check = (key: string, name: string, path: string, shorten: string) => {
      const limit = limits.find((l) => l.key.test(key));
      if (limit && name.length > limit.max)
        problems.push({
          path,
          message: `the derived ${limit.what} ${q(name)} is ${name.length} characters; ${env.cloud === 'aws' ? 'AWS' : 'Azure'} allows ${limit.max}: ${shorten}`,
        });
    };
    walk(namesFor(platform, env), (key, value) => {
      if (typeof value === 'string') check(key, value, `environments[${i}].name`, 'use a shorter environment or platform name');
      else if (PER_MODEL.test(key))
        servedModels(env).forEach((model, j) =>
          check(key, (value as (model: string) => string)(model), `environments[${i}].workloads.mlops.models[${j}].name`, 'use a shorter model name'),
        );
    });
  });
  return problems;
}

function servedModels(env: Environment): readonly string[] {
  return (env.mlops?.models ?? []).map((m) => m.name);
}

/** Calls `visit` with every string and function of the names, by its key. */
function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (!value || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'function') visit(key, v);
    else walk(v, visit);
  }
}
