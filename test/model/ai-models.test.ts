import { AZURE_OPENAI_MODELS, BEDROCK_MODELS, bedrockInvokeArns } from '../../src/model/ai-models';
import { findProblems, findWarnings, loadPlatform } from '../../src/model/load';
import type { PlatformSpec, RagSettings } from '../../src/model/types';
import { defaultPlatform } from '../../src/platform';

const AWS_DEV = 0;
const AZ_DEV = 2;

function after(mutate: (spec: PlatformSpec) => void): { problems: ReturnType<typeof findProblems>; warnings: ReturnType<typeof findWarnings> } {
  const spec: PlatformSpec = structuredClone(defaultPlatform);
  mutate(spec);
  return { problems: findProblems(spec), warnings: findWarnings(spec) };
}
const rag = (s: PlatformSpec, i: number) => s.environments[i].workloads!.rag!;

describe('the LLM model catalog', () => {
  it('serves the default models in the default regions without errors; Azure chat (gpt-5) warns as legacy', () => {
    const { problems, warnings } = after(() => undefined);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      {
        path: 'environments[2].workloads.rag.openai.chat',
        message: expect.stringMatching(/"gpt-5" 2025-08-07 is legacy since 2026-08-07 and is retired on 2027-02-06/),
      },
      { path: 'environments[3].workloads.rag.openai.chat', message: expect.stringMatching(/legacy/) },
    ]);
  });

  it('refuses a retired Bedrock model at its path', () => {
    const { problems } = after((s) => (rag(s, AWS_DEV).bedrock = { chatModelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }));
    expect(problems).toContainEqual({
      path: 'environments[0].workloads.rag.bedrock.chatModelId',
      message: expect.stringMatching(/retired on 2025-10-22/),
    });
  });

  it('refuses a model the region serves only through a profile, and names the profile', () => {
    const { problems } = after((s) => (rag(s, AWS_DEV).bedrock = { chatModelId: 'anthropic.claude-sonnet-4-6' }));
    expect(problems).toContainEqual({
      path: 'environments[0].workloads.rag.bedrock.chatModelId',
      message: '"anthropic.claude-sonnet-4-6" is not served in eu-west-1 on demand; use the inference profile "eu.anthropic.claude-sonnet-4-6"',
    });
  });

  it('refuses a profile the region cannot call, a model outside the catalog and a chat model used for embeddings', () => {
    const { problems } = after((s) => {
      s.environments[AWS_DEV].region = 'us-east-1';
      rag(s, AWS_DEV).bedrock = { chatModelId: 'eu.anthropic.claude-sonnet-4-6', embeddingModelId: 'eu.anthropic.claude-sonnet-4-6' };
      rag(s, 1).bedrock = { chatModelId: 'cohere.command-r-v1:0' };
    });
    const messages = (path: string) => problems.filter((p) => p.path === path).map((p) => p.message);
    expect(messages('environments[0].workloads.rag.bedrock.chatModelId')).toEqual([expect.stringMatching(/cannot be called from us-east-1/)]);
    expect(messages('environments[0].workloads.rag.bedrock.embeddingModelId')).toEqual([
      '"eu.anthropic.claude-sonnet-4-6" is a chat model, not a embedding model',
      expect.stringMatching(/cannot be called from us-east-1/),
    ]);
    expect(messages('environments[1].workloads.rag.bedrock.chatModelId')).toEqual([
      expect.stringMatching(/not in the model catalog \(src\/model\/ai-models\.ts/),
    ]);
  });

  it("defaults the chat model to the region's geo profile", () => {
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    spec.environments[AWS_DEV].region = 'us-east-1';
    expect(findProblems(spec)).toEqual([]);
    const env = loadPlatform(spec).environments[AWS_DEV];
    expect((env.rag as RagSettings<'aws'>).bedrock.chatModelId).toBe('us.anthropic.claude-sonnet-4-6');
  });

  it('refuses a retired Azure OpenAI version and a SKU the region does not offer', () => {
    const retired = after((s) => (rag(s, AZ_DEV).openai = { chat: { model: 'gpt-4o', version: '2024-08-06' } }));
    expect(retired.problems).toEqual([
      { path: 'environments[2].workloads.rag.openai.chat', message: '"gpt-4o" 2024-08-06 was retired on 2026-03-31; calls to it fail' },
    ]);
    // The old default: text-embedding-3-small has no Standard deployments in westeurope.
    const standard = after((s) => (rag(s, AZ_DEV).openai = { embedding: { sku: 'Standard' } }));
    expect(standard.problems).toEqual([
      {
        path: 'environments[2].workloads.rag.openai.embedding',
        message: '"text-embedding-3-small" 1 is not offered as Standard in westeurope (there: GlobalStandard)',
      },
    ]);
  });

  it('reads embedding sizes from the catalog (one spelling of the dimensions)', () => {
    const { problems } = after((s) => {
      rag(s, AZ_DEV).openai = { embedding: { model: 'text-embedding-3-large' } };
      rag(s, AZ_DEV).embeddingDimension = 1536;
    });
    expect(problems).toEqual([
      { path: 'environments[2].workloads.rag.embeddingDimension', message: '1536 is not a size text-embedding-3-large produces (256, 1024, 3072)' },
    ]);
  });

  it('gives a profile ARN in the caller region plus the foundation model in each destination region', () => {
    expect(bedrockInvokeArns('eu.anthropic.claude-sonnet-4-6', 'eu-west-1', '111111111111')).toEqual([
      'arn:aws:bedrock:eu-west-1:111111111111:inference-profile/eu.anthropic.claude-sonnet-4-6',
      ...BEDROCK_MODELS['anthropic.claude-sonnet-4-6'].profiles.eu.destinations.map(
        (r) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-sonnet-4-6`,
      ),
    ]);
    expect(bedrockInvokeArns('amazon.titan-embed-text-v2:0', 'eu-west-1', '111111111111')).toEqual([
      'arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0',
    ]);
  });

  it('dates every legacy and retired entry as ISO days, legacy retiring after it became legacy', () => {
    const lifecycles = [
      ...Object.values(BEDROCK_MODELS).map((m) => m.lifecycle),
      ...Object.values(AZURE_OPENAI_MODELS).flatMap((m) => Object.values(m.versions).map((v) => v.lifecycle)),
    ];
    for (const l of lifecycles) {
      if (l.state === 'active') continue;
      expect(l.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (l.state === 'legacy') expect(l.retires > l.since).toBe(true);
    }
  });
});
