/**
 * Cost allocation: budgets (src/model/budget.ts) and cost reports select an environment's cost by its tags, so every
 * resource that takes tags must carry all of them. On AWS the provider's default_tags tag every resource, and each
 * launch template tags the instances, volumes and interfaces it launches (default_tags do not reach those); on Azure
 * each resource that has a `tags` argument sets them itself.
 */
import { STANDARD_TAG_KEYS } from '../../model/defaults';
import { loadBundles } from '../terraform';
import { allResources, blocks } from './references';
import type { PolicyContext, PolicyRule, Violation } from './rule';

/** The tags every resource must carry: the model's (standard ones included) or, without the model, the standard keys. */
function expectedTags(ctx: PolicyContext): Readonly<Record<string, string | undefined>> {
  return ctx.environment ? ctx.environment.tags : Object.fromEntries(STANDARD_TAG_KEYS.map((k) => [k, undefined]));
}

/** What `tags` lacks or gets wrong of `expected` (a value of undefined: any value). */
function missingTags(tags: unknown, expected: Readonly<Record<string, string | undefined>>): string[] {
  const have = (tags && typeof tags === 'object' ? tags : {}) as Record<string, unknown>;
  return Object.entries(expected)
    .filter(([k, v]) => !(k in have) || (v !== undefined && have[k] !== v))
    .map(([k, v]) => (k in have ? `${k} (is ${JSON.stringify(have[k])}, not ${JSON.stringify(v)})` : k));
}

let taggable: Set<string> | undefined;
/** Resource types whose schema has a `tags` argument, from the bundled provider schemas. */
function taggableTypes(): Set<string> {
  if (!taggable) {
    taggable = new Set();
    for (const doc of loadBundles())
      for (const provider of Object.values((doc as { provider_schemas?: Record<string, { resource_schemas?: Record<string, any> }> }).provider_schemas ?? {}))
        for (const [type, schema] of Object.entries(provider.resource_schemas ?? {})) if (schema?.block?.attributes?.tags) taggable.add(type);
  }
  return taggable;
}

/** The launch template's tag specification for each resource type it launches. */
const LAUNCHED = ['instance', 'volume', 'network-interface'];

export const costAllocationRules: readonly PolicyRule[] = [
  {
    id: 'cost-allocation-tags',
    reason: "Budgets and cost reports find an environment's cost by its tags: a resource without them is cost no budget sees.",
    check: (ctx) => {
      const expected = expectedTags(ctx);
      const out: Violation[] = [];
      const report = (file: string, resource: string, missing: string[], where: string) =>
        missing.length > 0 && out.push({ file, resource, message: `${where} lacks the cost allocation tags ${missing.join(', ')}` });
      for (const tf of ctx.env.terraform) {
        for (const provider of blocks(tf.json.provider?.aws))
          report(tf.file, 'provider.aws', missingTags(blocks(provider.default_tags)[0]?.tags, expected), 'default_tags');
      }
      const onAws = ctx.env.terraform.some((tf) => tf.json.provider?.aws);
      for (const r of allResources(ctx.env)) {
        if (r.type === 'aws_launch_template') {
          const specs = blocks(r.body.tag_specifications);
          for (const kind of LAUNCHED)
            report(r.file, r.address, missingTags(specs.find((s) => s.resource_type === kind)?.tags, expected), `tag_specifications for ${kind}`);
          continue;
        }
        // AWS resources take the provider's default_tags; Azure ones must set their own.
        if (onAws || !r.type.startsWith('azurerm_') || !taggableTypes().has(r.type)) continue;
        report(r.file, r.address, missingTags(r.body.tags, expected), 'tags');
      }
      return out;
    },
  },
];
