/**
 * The base of every Terraform stack: one environment, one state file, a remote backend, pinned and
 * fully qualified providers, and a JSON rendering that is the same on every machine.
 */
import { App, AzurermBackend, S3Backend, TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';

// cdktf captures a full stack trace for every token it creates, only to decorate error messages;
// that was a sixth of synth time. cdktf is pinned at its final release (0.21.0), so this internal
// export is stable: replace it with one that records nothing.
// (require, not import: a compiled `import *` namespace is read-only.)
(require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] }).captureStackTrace = () => [];

// cdktf resolves every element of a stack, then the whole merged stack again, visiting every value
// with three regular expressions and two fresh closures: most of the Terraform half of synth time.
// Most values are plain (no token can hide in them), and resolving returns a plain value as it is;
// so the walk is done here, handing cdktf only the values that may hold a token. The same internal
// export as above (cdktf's calls read it from the module object at call time).
const cdktfTokens = require('cdktf/lib/_tokens') as { resolve: (scope: unknown, obj: unknown, preparing?: boolean) => unknown };
const resolveWithCdktf = cdktfTokens.resolve;
const cdktfUtil = require('cdktf/lib/util') as { deepMerge: (target: object, ...sources: unknown[]) => object };
cdktfTokens.resolve = (scope, obj, preparing = false) => resolvePlain(obj, (value) => resolveWithCdktf(scope, value, preparing));

/**
 * A string cdktf returns unchanged: no brace (every token marker and escape has one), nothing its
 * encoded-number pattern could match (a digit, sign or dot before an `e`), not a map token's value.
 */
function isPlainString(s: string): boolean {
  return !/[{}]|[-|\d.+]e/.test(s) && s !== 'String Map Token Value' && s !== 'Any Map Token Value';
}

/** A number cdktf returns unchanged: an encoded token is a huge double; -123456789 is its number-map token. */
function isPlainNumber(n: number): boolean {
  return Number.isSafeInteger(n) && n !== -123456789;
}

function isPlainLeaf(value: unknown): boolean {
  return typeof value === 'string' ? isPlainString(value) : typeof value === 'number' ? isPlainNumber(value) : true;
}

/** Resolves as cdktf does (undefined dropped from objects and lists), passing to `cdktf` each value that is not plain. */
export function resolvePlain(value: unknown, cdktf: (value: unknown) => unknown): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return isPlainString(value) ? value : cdktf(value);
  if (typeof value === 'number') return isPlainNumber(value) ? value : cdktf(value);
  if (Array.isArray(value)) {
    // cdktf reads a list holding a list or number token as one token: all of it goes to cdktf.
    if (!value.every(isPlainLeaf)) return cdktf(value);
    const out: unknown[] = [];
    for (const item of value) {
      const resolved = resolvePlain(item, cdktf);
      if (resolved !== undefined) out.push(resolved);
    }
    return out;
  }
  const proto = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { resolve?: unknown }).resolve === 'function') return cdktf(value);
  const keys = Object.keys(value as object);
  if (!keys.every(isPlainString)) return cdktf(value);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = resolvePlain((value as Record<string, unknown>)[key], cdktf);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}
import { forCloud } from '../../src/model/cloud';
import type { EnvironmentContext } from '../../src/model/context';
import { stateKey } from '../../src/model/naming';
import type { Cloud, Environment, WorkloadName } from '../../src/model/types';

/** Provider versions match the generated bindings in package.json, so every attribute we set exists. */
export const PROVIDER_REQUIREMENTS = {
  aws: { source: 'registry.terraform.io/hashicorp/aws', version: '6.25.0' },
  azurerm: { source: 'registry.terraform.io/hashicorp/azurerm', version: '4.55.0' },
} as const;

/** Terraform each cloud's backend needs: the S3 backend's `use_lockfile` is GA in 1.11 (experimental in 1.10). */
export const TERRAFORM_REQUIRED_VERSION: Readonly<Record<Cloud, string>> = { aws: '>= 1.11.0', azure: '>= 1.10.0' };

/**
 * A stack of one environment. `C` narrows it to a cloud (every layer under stacks/aws takes an
 * `AwsStack`), `W` to the workloads it is built for (the `edw` stack is an `AwsStack<'edw'>`), so a
 * layer reads `stack.ctx.names.edw.aws` with no assertion.
 */
export class PlatformStack<C extends Cloud = Cloud, W extends WorkloadName = never> extends TerraformStack {
  /** What every layer of a stack needs to know (the same context the charts get). */
  readonly ctx: EnvironmentContext<C, W>;

  /** `stackName` is the directory under dist/<env>/terraform and the state key; keep it stable. */
  constructor(
    app: App,
    readonly stackName: string,
    ctx: EnvironmentContext<C, W>,
  ) {
    super(app, stackName);
    this.ctx = ctx;
    const key = stateKey(ctx.env.name, stackName);
    forCloud<Environment, void>(ctx.env as Environment, {
      aws: (env) => {
        new S3Backend(this, { bucket: env.aws.stateBucket, key, region: env.region, encrypt: true });
        // S3-native locking: no DynamoDB lock table to manage.
        this.addOverride('terraform.backend.s3.use_lockfile', true);
      },
      azure: ({ azure }) => {
        new AzurermBackend(this, {
          resourceGroupName: azure.state.resourceGroup,
          storageAccountName: azure.state.storageAccount,
          containerName: azure.state.container,
          key,
          subscriptionId: azure.subscriptionId,
          tenantId: azure.tenantId,
          useAzureadAuth: true,
        });
      },
    });
    this.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION[ctx.env.cloud]);
  }

  /**
   * What cdktf's toTerraform() returns without its `//` section, which normaliseTerraform drops anyway: each
   * element of this stack (not of a stack inside it) resolved and deep-merged in construct order, then the
   * stack's overrides. toTerraform() also resolves every element's metadata into that section and then the whole
   * merged stack a second time, although each element was already resolved (resolving a resolved value changes
   * nothing): a third of a stack's rendering. Only overrides that hold a token need that second pass.
   */
  private terraformOfElements(): Record<string, unknown> {
    const json: Record<string, unknown> = {};
    const visit = (construct: IConstruct): void => {
      if (TerraformElement.isTerraformElement(construct)) cdktfUtil.deepMerge(json, cdktfTokens.resolve(this, construct.toTerraform()));
      for (const child of construct.node.children) if (!TerraformStack.isStack(child)) visit(child);
    };
    visit(this);
    // The overrides addOverride() records (cdktf 0.21.0's field, as pinned: see the token walk above), merged as
    // cdktf merges them (an undefined deletes).
    const overrides = (this as unknown as { rawOverrides: object }).rawOverrides;
    cdktfUtil.deepMerge(json, overrides);
    let tokens = false;
    resolvePlain(overrides, () => (tokens = true));
    return tokens ? (cdktfTokens.resolve(this, json) as Record<string, unknown>) : json;
  }

  /** The stack as Terraform JSON: cdktf's bookkeeping removed, providers fully qualified, keys sorted. */
  render(): Record<string, unknown> {
    const json = this.terraformOfElements() as { terraform?: { required_providers?: Record<string, unknown> } };
    const required = json.terraform?.required_providers;
    if (required) {
      for (const name of Object.keys(required)) {
        const pinned = PROVIDER_REQUIREMENTS[name as keyof typeof PROVIDER_REQUIREMENTS];
        if (!pinned) throw new Error(`stack ${this.stackName}: provider ${name} has no pinned source and version`);
        required[name] = { ...pinned };
      }
    }
    return normaliseTerraform(json) as Record<string, unknown>;
  }
}

/** A stack of an AWS environment, built for workloads `W`. */
export type AwsStack<W extends WorkloadName = never> = PlatformStack<'aws', W>;
/** A stack of an Azure environment, built for workloads `W`. */
export type AzureStack<W extends WorkloadName = never> = PlatformStack<'azure', W>;

/** Terraform outputs of a stack, by output name. */
export type StackOutputs = Readonly<Record<string, { readonly value: string; readonly description: string }>>;

export function addOutputs(stack: TerraformStack, outputs: StackOutputs): void {
  for (const [id, output] of Object.entries(outputs)) new TerraformOutput(stack, id, output);
}

/** Drops cdktf's `//` metadata (construct paths, cdktf version) and sorts object keys, recursively. */
export function normaliseTerraform(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseTerraform);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key === '//') continue;
      const v = normaliseTerraform((value as Record<string, unknown>)[key]);
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 && (key === 'output' || key === 'overrides')) continue;
      out[key] = v;
    }
    return out;
  }
  return value;
}

/** A cdktf App that never touches the disk: stacks are rendered in memory by render(). */
export function newTerraformApp(): App {
  return new App({ outdir: '.', skipValidation: false, context: { excludeStackIdFromLogicalIds: 'true', allowSepCharsInLogicalIds: 'true' } });
}
