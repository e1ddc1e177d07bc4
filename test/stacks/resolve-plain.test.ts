import { App, DefaultTokenResolver, Fn, StringConcat, TerraformStack, Token, Tokenization } from 'cdktf';
import { resolvePlain } from '../../stacks/constructs/platform-stack';

describe("the plain-value walk in front of cdktf's resolve", () => {
  const app = new App();
  const stack = new TerraformStack(app, 'resolve');

  it('returns plain values as they are, dropping undefined, and never calls cdktf for them', () => {
    const cdktf = jest.fn((v: unknown) => v);
    const value = { a: 'x', b: [1, 'y', { c: true, d: null, e: undefined }], f: undefined, g: {} };
    expect(resolvePlain(value, cdktf)).toEqual({ a: 'x', b: [1, 'y', { c: true, d: null }], g: {} });
    expect(cdktf).not.toHaveBeenCalled();
  });

  it('hands cdktf every value that could hold a token, and a list holding a token whole', () => {
    const seen: unknown[] = [];
    const cdktf = (v: unknown) => (seen.push(v), 'resolved');
    const list = ['a', Token.asString(Fn.upper('b'))];
    const value = { expr: '${aws_s3_bucket.b.arn}', number: 1.5, exp: '1e5', list, map: { [Token.asString(Fn.upper('k'))]: 1 } };
    expect(resolvePlain(value, cdktf)).toEqual({ expr: 'resolved', number: 'resolved', exp: 'resolved', list: 'resolved', map: 'resolved' });
    expect(seen).toContain(list);
  });

  it('resolves a mix of plain values and tokens exactly as cdktf alone does', () => {
    const tokens = require('cdktf/lib/_tokens') as { resolve: (scope: unknown, obj: unknown) => unknown };
    const value = {
      s: Token.asString(Fn.upper('x')),
      inText: `prefix-${Token.asString(Fn.lower('Y'))}`,
      n: [Token.asNumber(Fn.lengthOf(['a'])), 2],
      l: Token.asList(Fn.split(',', 'a,b')),
      plain: { a: ['1e5', '${x}', 'a}b', 3, 0.5, undefined], b: undefined, c: [{ d: 'e' }] },
    };
    const alone = Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
    expect(tokens.resolve(stack, value)).toEqual(alone);
  });
});

describe("PlatformStack.render: each element resolved once, no `//` section (instead of cdktf's toTerraform)", () => {
  it("renders every stack of every environment exactly as cdktf's toTerraform, normalised, would", () => {
    const { loadModel } = require('../../src/cli/toolkit') as typeof import('../../src/cli/toolkit');
    const { buildStacks } = require('../../stacks/index') as typeof import('../../stacks/index');
    const { contextFor } = require('../../src/model/context') as typeof import('../../src/model/context');
    const { newTerraformApp, normaliseTerraform, PROVIDER_REQUIREMENTS } =
      require('../../stacks/constructs/platform-stack') as typeof import('../../stacks/constructs/platform-stack');
    const platform = loadModel();
    const outputs = { require: () => 'unused' };
    let compared = 0;
    for (const env of platform.environments)
      for (const stack of buildStacks(newTerraformApp(), contextFor(platform, env, outputs))) {
        // cdktf's own rendering: metadata merged into `//`, the merged stack resolved a second time.
        const cdktf = stack.toTerraform() as { terraform: { required_providers: Record<string, unknown> } };
        for (const name of Object.keys(cdktf.terraform.required_providers))
          cdktf.terraform.required_providers[name] = { ...PROVIDER_REQUIREMENTS[name as keyof typeof PROVIDER_REQUIREMENTS] };
        expect(stack.render()).toEqual(normaliseTerraform(cdktf));
        compared++;
      }
    expect(compared).toBe(20);
  });

  it('merges overrides as cdktf does: an undefined deletes, a token is resolved', () => {
    const { loadModel } = require('../../src/cli/toolkit') as typeof import('../../src/cli/toolkit');
    const { buildStacks } = require('../../stacks/index') as typeof import('../../stacks/index');
    const { contextFor } = require('../../src/model/context') as typeof import('../../src/model/context');
    const { newTerraformApp, normaliseTerraform, PROVIDER_REQUIREMENTS } =
      require('../../stacks/constructs/platform-stack') as typeof import('../../stacks/constructs/platform-stack');
    const platform = loadModel();
    const [stack] = buildStacks(newTerraformApp(), contextFor(platform, platform.environments[0], { require: () => 'unused' }));
    stack.addOverride('terraform.required_version', undefined);
    stack.addOverride('locals.upper', Fn.upper('x'));
    const cdktf = stack.toTerraform() as { terraform: { required_providers: Record<string, unknown> } };
    for (const name of Object.keys(cdktf.terraform.required_providers))
      cdktf.terraform.required_providers[name] = { ...PROVIDER_REQUIREMENTS[name as keyof typeof PROVIDER_REQUIREMENTS] };
    const rendered = stack.render() as { terraform: Record<string, unknown>; locals: Record<string, unknown> };
    expect(rendered.terraform.required_version).toBeUndefined();
    expect(rendered.locals.upper).toBe('${upper("x")}');
    expect(rendered).toEqual(normaliseTerraform(cdktf));
  });
});
