/**
 * Cross-cloud comparison: an environment written again for the other cloud (./equivalents.ts), validated as any
 * model is, synthesized and priced; then both estimates side by side, component by component.
 */
import { hasRegistryHost } from '../model/images';
import { findProblems } from '../model/load';
import { formatProblems } from '../model/problems';
import type { AwsAccountSpec, AzureAccountSpec, Cloud, ClusterSpec, EnvironmentSpec, PlatformSpec, WorkloadsSpec } from '../model/types';
import { BURST_DEFAULTS } from '../model/workloads/mlops/resolve';
import { REGION_EQUIVALENTS, SERVICE_EQUIVALENTS, SIZE_EQUIVALENTS } from './equivalents';
import type { Estimate, Range } from './estimate';
import { lineLabel, usd } from './format';

export const OTHER_CLOUD: Readonly<Record<Cloud, Cloud>> = { aws: 'azure', azure: 'aws' };

/** Account ids for a cloud the model has no environment of (the documentation ids of src/platform.ts). */
const EXAMPLE_ACCOUNTS: { readonly aws: AwsAccountSpec; readonly azure: AzureAccountSpec } = {
  aws: { accountId: '111111111111' },
  azure: { subscriptionId: '00000000-0000-0000-0000-000000000001', tenantId: '00000000-0000-0000-0000-0000000000aa' },
};

export interface Translation {
  readonly spec: EnvironmentSpec;
  /** The assumptions: each size and the region as translated, and what is left to the other cloud's defaults. */
  readonly assumptions: readonly string[];
}

export class TranslationError extends Error {}

/** `envSpec` (an environment of `platform`) written for the other cloud. Throws TranslationError where that is not possible. */
export function translateEnvironment(platform: PlatformSpec, envSpec: EnvironmentSpec): Translation {
  const from = envSpec.cloud;
  const to = OTHER_CLOUD[from];
  const assumptions: string[] = [];
  // The user's own counterpart, where the model has one: the other cloud's environment of the same stage.
  const twin = platform.environments.find((e) => e.cloud === to && e.stage === envSpec.stage) ?? platform.environments.find((e) => e.cloud === to);
  const region = twin?.region ?? REGION_EQUIVALENTS[from][envSpec.region];
  if (!region)
    throw new TranslationError(`${envSpec.name}: no ${to} region stands for ${envSpec.region} (add one to REGION_EQUIVALENTS in src/cost/equivalents.ts)`);
  assumptions.push(`region: ${envSpec.region} → ${region}${twin ? ` (as ${twin.name})` : ''}`);

  const sizes = new Map<string, string>();
  const size = (s: string): string => {
    const eq = SIZE_EQUIVALENTS[from][s];
    if (!eq) throw new TranslationError(`${envSpec.name}: no ${to} size stands for ${s} (add one to SIZE_EQUIVALENTS in src/cost/equivalents.ts)`);
    sizes.set(s, `${s} → ${eq.to}${eq.note ? ` (${eq.note})` : ''}`);
    return eq.to;
  };
  const c = envSpec.cluster;
  // AKS pools take one size: the first's equivalent; EKS pools take the equivalents of all (deduplicated).
  const poolSizes = (list: readonly string[]) => (to === 'azure' ? [size(list[0])] : [...new Set(list.map(size))]);
  const cluster: ClusterSpec = {
    kubernetesVersion: c.kubernetesVersion,
    ...(c.privateApi !== undefined ? { privateApi: c.privateApi } : {}),
    systemPool: { ...c.systemPool, sizes: poolSizes(c.systemPool.sizes) },
    gpuPools: (c.gpuPools ?? []).map(({ provisioner: _, ...p }) => ({ ...p, sizes: poolSizes(p.sizes) })),
    spotPools: (c.spotPools ?? []).map((p) => ({ ...p, sizes: poolSizes(p.sizes) })),
    repositories: to === 'aws' ? imageRepositories(envSpec.workloads) : [...(c.repositories ?? [])],
    ...(c.gatewayNamespace ? { gatewayNamespace: c.gatewayNamespace } : {}),
  };
  const burst = envSpec.workloads?.mlops?.burst;
  if (burst?.enabled) size(from === 'aws' ? (burst.instanceType ?? BURST_DEFAULTS.instanceType) : (burst.vmSize ?? BURST_DEFAULTS.vmSize));
  assumptions.push(...[...sizes.values()].map((s) => `size: ${s}`), ...SERVICE_EQUIVALENTS);

  const account = to === 'aws' ? { aws: twin?.aws ?? EXAMPLE_ACCOUNTS.aws } : { azure: twin?.azure ?? EXAMPLE_ACCOUNTS.azure };
  const spec = {
    name: envSpec.name,
    cloud: to,
    stage: envSpec.stage,
    region,
    ...account,
    // The pod CIDR is Azure CNI overlay's (AKS only).
    network: to === 'aws' ? (({ podCidr: _, ...n }) => n)(envSpec.network) : { ...envSpec.network },
    cluster,
    ...(envSpec.tags ? { tags: envSpec.tags } : {}),
    workloads: translateWorkloads(envSpec.workloads, to, size),
    ...(envSpec.gitops ? { gitops: envSpec.gitops } : {}),
    ...(envSpec.observability ? { observability: envSpec.observability } : {}),
    ...(envSpec.usage ? { usage: envSpec.usage } : {}),
  } as EnvironmentSpec;
  const problems = findProblems({ name: platform.name, environments: [spec] });
  if (problems.length > 0) throw new TranslationError(`${envSpec.name} cannot be written for ${to}:\n${formatProblems(problems)}`);
  return { spec, assumptions };
}

/** The workloads with the settings only the source cloud has left to the other cloud's defaults. */
function translateWorkloads(w: WorkloadsSpec | undefined, to: Cloud, size: (s: string) => string): WorkloadsSpec {
  if (!w) return {};
  const out: WorkloadsSpec = {};
  if (w.edw) {
    const { keda: _keda, queue, ...edw } = w.edw;
    const { fifo: _fifo, ...rest } = queue ?? {};
    out.edw = { ...edw, ...(queue ? { queue: rest } : {}) };
  }
  if (w.rag) {
    const { bedrock: _b, openai: _o, embeddingDimension: _d, ...rag } = w.rag;
    out.rag = rag;
  }
  if (w.mlops) {
    const { database, burst, training, ...mlops } = w.mlops;
    const { instanceClass: _i, sku: _s, ...db } = database ?? {};
    out.mlops = {
      ...mlops,
      ...(database ? { database: db } : {}),
      // Azure's burst takes no jobs from the model: SageMaker jobs stay on AWS.
      ...(training ? { training: training.filter((t) => t.runOn !== 'sagemaker') } : {}),
      ...(burst
        ? {
            burst: {
              enabled: burst.enabled,
              ...(burst.maxNodes !== undefined ? { maxNodes: burst.maxNodes } : {}),
              ...(burst.enabled && to === 'azure' ? { vmSize: size(burst.instanceType ?? BURST_DEFAULTS.instanceType) } : {}),
              // SageMaker training's instance of the equivalent EC2 size (the one the assumptions print).
              ...(burst.enabled && to === 'aws' ? { instanceType: `ml.${size(burst.vmSize ?? BURST_DEFAULTS.vmSize)}` } : {}),
            },
          }
        : {}),
    };
  }
  if (w.lakehouse) {
    const { tableFormat: _t, purview: _p, ...lakehouse } = w.lakehouse;
    out.lakehouse = lakehouse;
  }
  return out;
}

/** The repositories of the workloads' short image references (ECR holds only the ones the model names). */
function imageRepositories(workloads: WorkloadsSpec | undefined): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, key: string) => {
    if (typeof value === 'string' && (key === 'image' || key === 'consumer' || key === 'producer') && !hasRegistryHost(value))
      found.add(value.split(/[:@]/)[0]);
    else if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(workloads, '');
  return [...found].sort();
}

export interface Comparison {
  readonly environment: string;
  readonly estimates: readonly [Estimate, Estimate];
  readonly assumptions: readonly string[];
}

/** The side-by-side table: a row per component (matched by line id), each cloud's typical monthly cost, and the totals. */
export function formatComparison(c: Comparison): string[] {
  const [a, b] = c.estimates;
  const ids = [...new Set([...a.lines.map((l) => l.id), ...b.lines.map((l) => l.id)])];
  const find = (e: Estimate, id: string) => e.lines.find((l) => l.id === id);
  const w = Math.max(30, ...[...a.lines, ...b.lines].map((l) => lineLabel(l).length));
  const head = (e: Estimate) => `${e.cloud} ${e.region}`;
  const cell = (e: Estimate, id: string) => {
    const l = find(e, id);
    return [(l ? lineLabel(l) : '—').padEnd(w), (l ? usd(l.monthly.typical) : '').padStart(12)];
  };
  const out = [
    `${c.environment}: the same workloads on both clouds, typical monthly cost in USD (list prices of ${a.taken === b.taken ? a.taken : `${a.taken} and ${b.taken}`})`,
    `  ${head(a).padEnd(w)} ${''.padStart(12)}   ${head(b)}`,
  ];
  for (const id of ids) out.push(`  ${cell(a, id).join(' ')}   ${cell(b, id).join(' ')}`);
  const total = (r: Range) => `${usd(r.min)} / ${usd(r.typical)} / ${usd(r.max)}`;
  out.push(`  ${'total (typical)'.padEnd(w)} ${usd(a.total.typical).padStart(12)}   ${''.padEnd(w)} ${usd(b.total.typical).padStart(12)}`);
  out.push(`  min / typical / max: ${a.cloud} ${total(a.total)}; ${b.cloud} ${total(b.total)}`);
  const diff = b.total.typical - a.total.typical;
  out.push(
    `  ${b.cloud} is ${usd(Math.abs(diff))} a month ${diff >= 0 ? 'more' : 'less'} than ${a.cloud} (${a.total.typical ? ((diff / a.total.typical) * 100).toFixed(0) : '–'}%)`,
  );
  out.push('  assumptions:', ...c.assumptions.map((s) => `    - ${s}`));
  for (const e of [a, b]) if (e.missingPrices.length > 0) out.push(`  not priced on ${e.cloud} (${e.region}): ${e.missingPrices.join(', ')}`);
  return out;
}
