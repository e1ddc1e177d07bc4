/**
 * The LLM catalog: which Bedrock and Azure OpenAI models the RAG platform may name, where each is served
 * (in the region itself, or through which system-defined inference profile and destination regions, or per
 * deployment SKU) and its lifecycle. Model rules refuse a retired model or one the region does not serve and
 * warn on a legacy one; the Bedrock IAM and endpoint policies take their ARNs from here.
 *
 * Sources, read 2026-12-02 (README, *RAG platform*, says which facts could not be confirmed):
 * - Bedrock ids and the geo profiles offered: Anthropic, "Claude on Amazon Bedrock (legacy)" model table;
 *   lifecycle: AWS Bedrock user guide, "Model lifecycle"; authorization of profile calls: AWS Bedrock user guide,
 *   "Prerequisites for inference profiles" (the profile ARN and the foundation model in each of its Regions).
 * - Azure OpenAI: MicrosoftDocs/azure-ai-docs, includes/model-matrix/{standard-models,standard-global,datazone-standard}.md
 *   and includes/retirement/models.md (ms.date 2025-12-16).
 */
import { ownEntry } from './lookup';
import { clip, quote } from './problems';
import type { Cloud } from './types';

/** `legacy`: still served, with a date after which it is not; `retired`: calls fail. Dates are ISO days. */
export type ModelLifecycle =
  | { readonly state: 'active' }
  | { readonly state: 'legacy'; readonly since: string; readonly retires: string }
  | { readonly state: 'retired'; readonly since: string };

export type ModelKind = 'chat' | 'embedding';

/** A system-defined cross-region inference profile: called from a source region, served in any destination region. */
export interface InferenceProfileFacts {
  readonly sources: readonly string[];
  readonly destinations: readonly string[];
}

export interface BedrockModelFacts {
  readonly kind: ModelKind;
  readonly lifecycle: ModelLifecycle;
  /** Regions that serve the model on demand by its own id. */
  readonly inRegion: readonly string[];
  /** Geo profiles by id prefix (`eu` → `eu.<model>`). */
  readonly profiles: Readonly<Record<string, InferenceProfileFacts>>;
  /** Vector sizes an embedding model can produce. */
  readonly dimensions?: readonly number[];
}

export type OpenAiSku = 'Standard' | 'GlobalStandard' | 'DataZoneStandard' | 'ProvisionedManaged';

export interface OpenAiVersionFacts {
  readonly lifecycle: ModelLifecycle;
  /** Regions per deployment SKU; a SKU not listed is offered nowhere we know of. */
  readonly skus: Readonly<Partial<Record<OpenAiSku, readonly string[]>>>;
}

export interface OpenAiModelFacts {
  readonly kind: ModelKind;
  readonly versions: Readonly<Record<string, OpenAiVersionFacts>>;
  readonly dimensions?: readonly number[];
}

/** The EU geo profiles of the Claude models below; assumed, not confirmed (README): check with `aws bedrock get-inference-profile`. */
const EU_CLAUDE_PROFILE: InferenceProfileFacts = {
  sources: ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'],
  destinations: ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'],
};

/** The US geo profiles of the same models; assumed, not confirmed, like the EU ones. */
const US_CLAUDE_PROFILE: InferenceProfileFacts = { sources: ['us-east-1', 'us-east-2', 'us-west-2'], destinations: ['us-east-1', 'us-east-2', 'us-west-2'] };

export const BEDROCK_MODELS: Readonly<Record<string, BedrockModelFacts>> = {
  // Reached in eu-west-1 only through the eu. profile while it was served.
  'anthropic.claude-3-5-sonnet-20240620-v1:0': { kind: 'chat', lifecycle: { state: 'retired', since: '2025-10-22' }, inRegion: [], profiles: {} },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': { kind: 'chat', lifecycle: { state: 'retired', since: '2026-04-28' }, inRegion: [], profiles: {} },
  // Claude 4.5 and later are served through inference profiles only.
  'anthropic.claude-sonnet-4-5-20250929-v1:0': {
    kind: 'chat',
    lifecycle: { state: 'active' },
    inRegion: [],
    profiles: { eu: EU_CLAUDE_PROFILE, us: US_CLAUDE_PROFILE },
  },
  'anthropic.claude-sonnet-4-6': { kind: 'chat', lifecycle: { state: 'active' }, inRegion: [], profiles: { eu: EU_CLAUDE_PROFILE, us: US_CLAUDE_PROFILE } },
  'amazon.titan-embed-text-v2:0': {
    kind: 'embedding',
    lifecycle: { state: 'active' },
    inRegion: [
      'us-east-1',
      'us-west-2',
      'ca-central-1',
      'eu-central-1',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'ap-northeast-1',
      'ap-south-1',
      'ap-southeast-2',
    ],
    profiles: {},
    dimensions: [256, 512, 1024],
  },
};

const TEXT_EMBEDDING_3_GLOBAL = [
  'australiaeast',
  'brazilsouth',
  'canadaeast',
  'eastus',
  'eastus2',
  'francecentral',
  'germanywestcentral',
  'italynorth',
  'japaneast',
  'koreacentral',
  'norwayeast',
  'polandcentral',
  'southafricanorth',
  'southcentralus',
  'southindia',
  'spaincentral',
  'swedencentral',
  'switzerlandnorth',
  'uaenorth',
  'uksouth',
  'westeurope',
  'westus',
  'westus3',
];
const TEXT_EMBEDDING_3_DATA_ZONE = ['centralus', 'eastus', 'eastus2', 'northcentralus', 'southcentralus', 'westus', 'westus3'];

export const AZURE_OPENAI_MODELS: Readonly<Record<string, OpenAiModelFacts>> = {
  'gpt-4o': {
    kind: 'chat',
    versions: {
      '2024-08-06': { lifecycle: { state: 'retired', since: '2026-03-31' }, skus: {} },
      '2024-11-20': { lifecycle: { state: 'retired', since: '2026-06-05' }, skus: {} },
    },
  },
  'gpt-4.1': { kind: 'chat', versions: { '2025-04-14': { lifecycle: { state: 'retired', since: '2026-10-14' }, skus: {} } } },
  'gpt-5': {
    kind: 'chat',
    versions: {
      // gpt-5's own row is missing from the retirement table read; these are gpt-5-mini's and gpt-5-nano's (same release).
      '2025-08-07': {
        lifecycle: { state: 'legacy', since: '2026-08-07', retires: '2027-02-06' },
        skus: {
          DataZoneStandard: [
            'centralus',
            'eastus',
            'eastus2',
            'francecentral',
            'germanywestcentral',
            'italynorth',
            'northcentralus',
            'polandcentral',
            'southcentralus',
            'spaincentral',
            'swedencentral',
            'westeurope',
            'westus',
            'westus3',
          ],
        },
      },
    },
  },
  'gpt-5.1': {
    kind: 'chat',
    versions: {
      '2025-11-13': {
        lifecycle: { state: 'legacy', since: '2026-11-13', retires: '2027-05-15' },
        skus: { DataZoneStandard: ['eastus', 'eastus2', 'francecentral', 'swedencentral'] },
      },
    },
  },
  // Deprecation no earlier than 2026-12-12, retirement no earlier than 2027-05-12.
  'gpt-5.2': { kind: 'chat', versions: { '2025-12-11': { lifecycle: { state: 'active' }, skus: { DataZoneStandard: ['centralus', 'eastus2'] } } } },
  // Retirement "no earlier than 2026-10-30"; no date announced in the table read.
  'text-embedding-3-small': {
    kind: 'embedding',
    dimensions: [256, 512, 1024, 1536],
    versions: {
      '1': {
        lifecycle: { state: 'active' },
        skus: {
          Standard: ['australiaeast', 'canadaeast', 'eastus', 'eastus2', 'japaneast', 'switzerlandnorth', 'uaenorth', 'westus'],
          GlobalStandard: TEXT_EMBEDDING_3_GLOBAL,
          DataZoneStandard: TEXT_EMBEDDING_3_DATA_ZONE,
        },
      },
    },
  },
  'text-embedding-3-large': {
    kind: 'embedding',
    dimensions: [256, 1024, 3072],
    versions: { '1': { lifecycle: { state: 'active' }, skus: { GlobalStandard: TEXT_EMBEDDING_3_GLOBAL, DataZoneStandard: TEXT_EMBEDDING_3_DATA_ZONE } } },
  },
};

/** A Bedrock model field: a foundation-model id, or a system-defined profile `<geo>.<model id>`. */
export interface BedrockModelRef {
  readonly modelId: string;
  /** The geo prefix when the field names an inference profile. */
  readonly profile?: string;
  readonly facts?: BedrockModelFacts;
}

export function parseBedrockModel(id: string): BedrockModelRef {
  const own = ownEntry(BEDROCK_MODELS, id);
  if (own) return { modelId: id, facts: own };
  const dot = id.indexOf('.');
  const modelId = id.slice(dot + 1);
  const facts = ownEntry(BEDROCK_MODELS, modelId);
  return facts ? { modelId, profile: id.slice(0, dot), facts } : { modelId: id };
}

/**
 * What a caller in `region` must be allowed to invoke for a model field: the foundation model there, or the
 * profile's ARN and the foundation model in every destination region (Bedrock authorizes the call on both).
 */
export function bedrockInvokeArns(id: string, region: string, account: string): string[] {
  const ref = parseBedrockModel(id);
  const foundationModel = (r: string) => `arn:aws:bedrock:${r}::foundation-model/${ref.modelId}`;
  if (!ref.profile) return [foundationModel(region)];
  const destinations = (ref.facts && ownEntry(ref.facts.profiles, ref.profile))?.destinations ?? [];
  return [`arn:aws:bedrock:${region}:${account}:inference-profile/${id}`, ...destinations.map(foundationModel)];
}

/** How `region` calls a foundation model: by its own id where served in-region, else through a geo profile the region may call. */
export function bedrockModelFor(modelId: string, region: string): string {
  const facts = ownEntry(BEDROCK_MODELS, modelId);
  if (!facts || facts.inRegion.includes(region)) return modelId;
  const geo = Object.entries(facts.profiles).find(([, p]) => p.sources.includes(region))?.[0];
  return geo ? `${geo}.${modelId}` : modelId;
}

/** Vector sizes of an embedding model of either cloud, when the catalog knows it. */
export function embeddingDimensions(cloud: Cloud, model: string): readonly number[] | undefined {
  return cloud === 'aws' ? parseBedrockModel(model).facts?.dimensions : ownEntry(AZURE_OPENAI_MODELS, model)?.dimensions;
}

export interface ModelFindings {
  readonly errors: string[];
  readonly warnings: string[];
}

function lifecycleFindings(what: string, lifecycle: ModelLifecycle, out: ModelFindings): void {
  if (lifecycle.state === 'retired') out.errors.push(`${what} was retired on ${lifecycle.since}; calls to it fail`);
  if (lifecycle.state === 'legacy') out.warnings.push(`${what} is legacy since ${lifecycle.since} and is retired on ${lifecycle.retires}; plan the move`);
}

/** Problems of a Bedrock model field for `kind` in `region`: unknown, retired, wrong kind, not served there (with the profile that is). */
export function checkBedrockModel(id: string, kind: ModelKind, region: string): ModelFindings {
  const out: ModelFindings = { errors: [], warnings: [] };
  const ref = parseBedrockModel(id);
  const facts = ref.facts;
  if (!facts) {
    out.errors.push(`${quote(id)} is not in the model catalog (src/model/ai-models.ts: ${Object.keys(BEDROCK_MODELS).join(', ')})`);
    return out;
  }
  if (facts.kind !== kind) out.errors.push(`"${id}" is a ${facts.kind} model, not a ${kind} model`);
  lifecycleFindings(`"${id}"`, facts.lifecycle, out);
  if (ref.profile) {
    const profile = ownEntry(facts.profiles, ref.profile);
    if (!profile) out.errors.push(`${quote(id)} is not an inference profile of ${ref.modelId} (profiles: ${Object.keys(facts.profiles).join(', ') || 'none'})`);
    else if (!profile.sources.includes(region))
      out.errors.push(`${quote(id)} cannot be called from ${clip(region)} (source regions: ${profile.sources.join(', ')})`);
  } else if (!facts.inRegion.includes(region)) {
    const via = Object.entries(facts.profiles).find(([, p]) => p.sources.includes(region));
    out.errors.push(`${quote(id)} is not served in ${clip(region)} on demand${via ? `; use the inference profile "${via[0]}.${id}"` : ''}`);
  }
  return out;
}

/** Problems of an Azure OpenAI deployment (model, version, SKU) in `region`. */
export function checkOpenAiModel(model: string, version: string, sku: string, kind: ModelKind, region: string): ModelFindings {
  const out: ModelFindings = { errors: [], warnings: [] };
  const facts = ownEntry(AZURE_OPENAI_MODELS, model);
  if (!facts) {
    out.errors.push(`${quote(model)} is not in the model catalog (src/model/ai-models.ts: ${Object.keys(AZURE_OPENAI_MODELS).join(', ')})`);
    return out;
  }
  if (facts.kind !== kind) out.errors.push(`"${model}" is a ${facts.kind} model, not a ${kind} model`);
  const v = ownEntry(facts.versions, version);
  if (!v) {
    out.errors.push(`${quote(model)} has no version ${quote(version)} in the model catalog (${Object.keys(facts.versions).join(', ')})`);
    return out;
  }
  lifecycleFindings(`"${model}" ${version}`, v.lifecycle, out);
  if (v.lifecycle.state === 'retired') return out;
  const regions = ownEntry(v.skus, sku);
  if (!regions?.includes(region)) {
    const offered = Object.entries(v.skus)
      .filter(([, rs]) => rs.includes(region))
      .map(([s]) => s);
    out.errors.push(`"${model}" ${version} is not offered as ${clip(sku)} in ${clip(region)}${offered.length ? ` (there: ${offered.join(', ')})` : ''}`);
  }
  return out;
}
