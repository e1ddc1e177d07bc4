/**
 * The contract every Terraform stack keeps, asserted once for every (cloud, environment, stack) of the default
 * model: a remote backend with the state key `<env>/<stack>.tfstate`, pinned providers pointed at the
 * environment's account, a clean and deterministic rendering, no cross-stack references, logical ids the code
 * chose, the standard tags on everything that takes tags, and a clean run of the project's own schema validator.
 * The per-workload files hold only what is particular to each stack.
 *
 * The table is built from the model and `buildStacks` (the entry synth uses), so a new environment or workload
 * is covered without touching this file; the expected stack lists below make sure nothing drops out unnoticed.
 */
import type { Environment } from '../../src/model/types';
import { EXAMPLE_AZURE_SUBSCRIPTION, EXAMPLE_AZURE_TENANT } from '../../src/platform';
import {
  awsDefaultTagOverrides,
  awsTaggable,
  azureBindingTagCoverage,
  azureTagCoverage,
  fullSchemasPresent,
  hashSuffixedIds,
  type Json,
  logicalIds,
  nonSnakeCaseNames,
  providerSchema,
  renderEnvironment,
  renderingProblems,
  resolvedDefault,
  schemaFindings,
} from './helpers';

/** The stacks of each environment of the default model, in build order: the one place the full list is asserted. */
const EXPECTED_STACKS: Record<string, string[]> = {
  'aws-dev': ['platform', 'edw', 'rag', 'mlops', 'lakehouse'],
  'aws-prod': ['platform', 'edw', 'rag', 'mlops', 'lakehouse'],
  'azure-dev': ['platform', 'edw', 'rag', 'mlops', 'lakehouse'],
  'azure-prod': ['platform', 'edw', 'rag', 'mlops', 'lakehouse'],
};

/** Written out rather than read from the model, so a tag lost in the model is caught too. */
const standardTags = (envName: string) => ({ 'cost-center': 'ml-platform', environment: envName, 'managed-by': 'platform-synth', project: 'acme' });

interface Row {
  cloud: Environment['cloud'];
  env: string;
  stack: string;
  environment: Environment;
  json: Json;
}

const environments = resolvedDefault.environments.map((environment) => ({ environment, rendered: renderEnvironment(environment.name) }));
const table: Row[] = environments.flatMap(({ environment, rendered }) =>
  rendered.stackNames.map((stack) => ({ cloud: environment.cloud, env: environment.name, stack, environment, json: rendered.stacks[stack] })),
);

/** A second rendering of each environment, made on first use, to compare against. */
const again = new Map<string, Record<string, Json>>();
const renderedAgain = (envName: string) => {
  if (!again.has(envName)) again.set(envName, renderEnvironment(envName).stacks);
  return again.get(envName)!;
};

function expectedBackend({ cloud, env, stack, environment }: Row): Json {
  const key = `${env}/${stack}.tfstate`;
  if (cloud === 'aws') return { s3: { bucket: environment.aws!.stateBucket, key, region: environment.region, encrypt: true, use_lockfile: true } };
  return {
    azurerm: {
      container_name: 'tfstate',
      key,
      resource_group_name: 'rg-acme-tfstate',
      storage_account_name: env === 'azure-prod' ? 'acmetfstateprod' : 'acmetfstatedev',
      subscription_id: EXAMPLE_AZURE_SUBSCRIPTION,
      tenant_id: EXAMPLE_AZURE_TENANT,
      use_azuread_auth: true,
    },
  };
}

/** Namespaces each Azure stack registers beyond azurerm's core set (absent when none). */
const AZURE_RESOURCE_PROVIDERS: Record<string, (env: Row['environment']) => Json | undefined> = {
  platform: () => ({
    resource_providers_to_register: [
      'Microsoft.ContainerService',
      'Microsoft.ContainerRegistry',
      'Microsoft.OperationalInsights',
      'microsoft.insights',
      'Microsoft.PolicyInsights',
    ],
  }),
  rag: () => ({ resource_providers_to_register: ['Microsoft.CognitiveServices', 'Microsoft.DataFactory'] }),
  mlops: (env) => ({
    resource_providers_to_register: [
      'Microsoft.KeyVault',
      'Microsoft.DBforPostgreSQL',
      ...(env.mlops?.burst.enabled ? ['Microsoft.MachineLearningServices', 'Microsoft.OperationalInsights', 'microsoft.insights'] : []),
    ],
  }),
  lakehouse: (env) => (env.lakehouse?.purview ? { resource_providers_to_register: ['Microsoft.Purview'] } : undefined),
};

function expectedProviders({ cloud, stack, environment }: Row): { required: Json; provider: Json } {
  if (cloud === 'aws') {
    return {
      required: { aws: { source: 'registry.terraform.io/hashicorp/aws', version: '6.25.0' } },
      provider: {
        aws: [{ region: environment.region, allowed_account_ids: [environment.aws!.accountId], default_tags: [{ tags: standardTags(environment.name) }] }],
      },
    };
  }
  return {
    required: { azurerm: { source: 'registry.terraform.io/hashicorp/azurerm', version: '4.55.0' } },
    provider: {
      azurerm: [
        {
          // Workload stacks create storage through Resource Manager only: their provider never calls a data plane.
          features: stack === 'platform' ? [{}] : [{ storage: [{ data_plane_available: false }] }],
          subscription_id: EXAMPLE_AZURE_SUBSCRIPTION,
          storage_use_azuread: true,
          // azurerm's minimal set plus what the stack uses (stacks/azure/provider.ts), never the implicit legacy set.
          resource_provider_registrations: 'core',
          ...(AZURE_RESOURCE_PROVIDERS[stack]?.(environment) ?? {}),
        },
      ],
    },
  };
}

describe('stacks of the default model', () => {
  it('covers every environment of the model', () => {
    expect(resolvedDefault.environments.map((e) => e.name)).toEqual(Object.keys(EXPECTED_STACKS));
  });

  it.each(environments.map(({ environment, rendered }) => [environment.name, rendered.stackNames] as const))(
    '%s builds the platform stack and one stack per enabled workload, in order',
    (envName, stackNames) => {
      expect(stackNames).toEqual(EXPECTED_STACKS[envName]);
    },
  );

  it('gives every stack of every environment a state key of its own', () => {
    const keys = table.map((row) => Object.values(row.json.terraform.backend as Record<string, Json>)[0].key);
    expect(keys).toHaveLength(table.length);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(resolvedDefault.environments.map((e) => e.name))('%s carries the standard tags in the model', (envName) => {
    expect(environments.find((e) => e.environment.name === envName)!.environment.tags).toEqual(standardTags(envName));
  });
});

describe.each(table)('$env/$stack', (row) => {
  const { cloud, env, stack, json } = row;
  const itWithSchema = fullSchemasPresent ? it : it.skip;

  it(`keeps its state in the environment's remote backend under ${env}/${stack}.tfstate`, () => {
    expect(json.terraform.backend).toEqual(expectedBackend(row));
  });

  it("pins a fully qualified provider and Terraform, and points the provider at the environment's account", () => {
    const { required, provider } = expectedProviders(row);
    expect(json.terraform.required_providers).toEqual(required);
    expect(json.provider).toEqual(provider);
    // The S3 backend's use_lockfile is GA in Terraform 1.11 (experimental in 1.10); a stack may ask for more, never less.
    const [, major, minor] = /^>= (\d+)\.(\d+)\.\d+$/.exec(json.terraform.required_version) ?? [];
    expect(Number(major) * 1000 + Number(minor)).toBeGreaterThanOrEqual(json.terraform.backend.s3?.use_lockfile ? 1011 : 1010);
  });

  it('renders without cdktf metadata, machine paths, placeholders, timestamps or secrets', () => {
    expect(renderingProblems(json)).toEqual([]);
  });

  it('renders the same JSON every time', () => {
    expect(JSON.stringify(renderedAgain(env)[stack])).toBe(JSON.stringify(json));
  });

  it('has no cross-stack references: no remote state', () => {
    expect(json.data?.terraform_remote_state).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain('terraform_remote_state');
  });

  it('uses logical ids chosen by the code: snake_case, no construct-path hashes', () => {
    expect(logicalIds(json).length).toBeGreaterThan(0);
    expect(nonSnakeCaseNames(json)).toEqual([]);
    expect(hashSuffixedIds(json)).toEqual([]);
  });

  if (cloud === 'aws') {
    it('tags everything through the provider default tags, and no resource overrides one', () => {
      expect(json.provider.aws[0].default_tags).toEqual([{ tags: standardTags(env) }]);
      expect(awsDefaultTagOverrides(json, standardTags(env))).toEqual([]);
    });

    itWithSchema('has resources that take the default tags (tags_all in the aws schema)', () => {
      expect(awsTaggable(json, providerSchema('aws')).length).toBeGreaterThan(0);
    });
  } else {
    it('carries exactly the standard tags on every resource whose binding takes tags', () => {
      const { untagged, tagged } = azureBindingTagCoverage(json, standardTags(env));
      expect(untagged).toEqual([]);
      expect(tagged).toBeGreaterThan(0);
    });

    itWithSchema('carries exactly the standard tags on every resource whose azurerm schema takes tags', () => {
      const { untagged, tagged } = azureTagCoverage(json, providerSchema('azurerm'), standardTags(env));
      expect(untagged).toEqual([]);
      expect(tagged).toBeGreaterThan(0);
    });
  }

  itWithSchema('sets only resource types, data sources, attributes and blocks the provider schema knows', () => {
    expect(schemaFindings(json, `${env}/${stack}`)).toEqual([]);
  });
});
