/** Bad input of every class is refused with its path, all at once (issue 16): the model's load and the overlay parser. */
import { findProblems, loadPlatform } from '../../src/model/load';
import { applyOverlay, decodeOverlay, MAX_NESTING_DEPTH, parseOverlay } from '../../src/model/overlay';
import { ModelError, type Problem } from '../../src/model/problems';
import { cronProblem } from '../../src/model/rules';
import { defaultPlatform } from '../../src/platform';

type Spec = any;
const base = (): Spec => structuredClone(defaultPlatform);
const SOURCE = 'overlay.yaml';
const overlay = (yaml: string) => applyOverlay(defaultPlatform, parseOverlay(yaml, SOURCE), SOURCE);

/** The problems a ModelError thrown by `fn` carries (fails when nothing is thrown). */
function thrownProblems(fn: () => unknown): readonly Problem[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ModelError) return err.problems;
    throw err;
  }
  throw new Error('expected a ModelError');
}

function problemsAfter(mutate: (spec: Spec) => void): Problem[] {
  const spec = base();
  mutate(spec);
  return findProblems(spec);
}

describe('prototype names', () => {
  it('are refused as overlay keys, with their paths, at every level', () => {
    expect(thrownProblems(() => overlay('__proto__: { name: x }\nenvironments: [{ name: aws-dev, cluster: { constructor: 1 } }]\n'))).toEqual([
      { path: 'overlay.yaml: __proto__', message: expect.stringMatching(/^is a reserved name \(__proto__, constructor, prototype\)/) },
      { path: 'overlay.yaml: environments[0].cluster.constructor', message: expect.stringMatching(/^is a reserved name/) },
    ]);
    expect(thrownProblems(() => overlay('environments: [{ name: aws-dev, tags: { prototype: x } }]'))).toEqual([
      { path: 'overlay.yaml: environments[0].tags.prototype', message: expect.stringMatching(/^is a reserved name/) },
    ]);
  });

  it('are listed with the other problems of the overlay structure', () => {
    expect(thrownProblems(() => overlay('environments: [{ name: aws-dev, constructor: 1 }, { name: aws-dev }]\n'))).toEqual([
      { path: 'overlay.yaml: environments[0].constructor', message: expect.stringMatching(/^is a reserved name/) },
      { path: 'overlay.yaml: environments[1].name', message: expect.stringMatching(/is also listed at overlay\.yaml: environments\[0\]/) },
    ]);
  });

  it('are refused as keys of the model itself, in mappings of fields and of free keys', () => {
    const problems = problemsAfter((s) => {
      s.environments[0].tags = { constructor: 'x' };
      s.environments[0].network.constructor = 'y';
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'environments[0].tags.constructor', message: expect.stringMatching(/^is a reserved name/) },
        { path: 'environments[0].network.constructor', message: expect.stringMatching(/^is a reserved name/) },
      ]),
    );
  });

  it('as a model version of the catalog are unknown versions, not a crash', () => {
    const problems = problemsAfter((s) => (s.environments[2].workloads.rag.openai = { chat: { model: 'gpt-5', version: 'constructor', deployment: 'chat' } }));
    expect(problems).toEqual([
      { path: 'environments[2].workloads.rag.openai.chat', message: expect.stringMatching(/^"gpt-5" has no version "constructor" in the model catalog/) },
    ]);
  });

  it('never pass as a region, a version, a size or a model of the catalog', () => {
    const problems = problemsAfter((s) => {
      s.environments[0].region = 'constructor';
      s.environments[2].region = 'toString';
      s.environments[0].cluster.kubernetesVersion = 'constructor';
      s.environments[0].cluster.amiRelease = 'hasOwnProperty';
      s.environments[2].cluster.systemPool.sizes = ['constructor'];
      // azure-prod: a known region, so that its models are looked up.
      s.environments[3].workloads.rag.openai = { ...s.environments[3].workloads.rag.openai, chat: { model: 'constructor', version: '1', deployment: 'chat' } };
    });
    const byPath = (path: string) => problems.filter((p) => p.path === path).map((p) => p.message);
    expect(byPath('environments[0].region')).toEqual([expect.stringMatching(/^"constructor" is not a known aws region/)]);
    expect(byPath('environments[2].region')).toEqual([expect.stringMatching(/^"toString" is not a known azure region/)]);
    expect(byPath('environments[0].cluster.kubernetesVersion')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^"constructor" is not a supported EKS version/)]),
    );
    expect(byPath('environments[2].cluster.systemPool.sizes[0]')).toEqual([expect.stringMatching(/^"constructor" is not a known VM size/)]);
    expect(
      problems.some((p) => p.path.startsWith('environments[3].workloads.rag.openai.chat') && /"constructor" is not in the model catalog/.test(p.message)),
    ).toBe(true);
    // An unknown region is one problem, at region: no "not served in toString" for every model besides.
    expect(
      problems
        .filter((p) => p.path.startsWith('environments[0].') || p.path.startsWith('environments[2].'))
        .map((p) => p.message)
        .join('\n'),
    ).not.toMatch(/not served in|not offered as/);
  });
});

describe('YAML that cannot be an overlay', () => {
  it('an alias bomb is refused with the file name, not thrown', () => {
    let bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 0, prev = 'a'; i < 9; prev = `b${i}`, i++) bomb += `b${i}: &b${i} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
    expect(thrownProblems(() => parseOverlay(bomb, SOURCE))).toEqual([{ path: SOURCE, message: expect.stringMatching(/expands more than 100 YAML aliases/) }]);
  });

  it('two documents in one file', () => {
    expect(thrownProblems(() => parseOverlay('name: acme\n---\nname: other\n', SOURCE))).toEqual([
      { path: 'overlay.yaml:2:1', message: 'holds more than one YAML document (a `---` line between documents); an overlay is one document' },
    ]);
  });

  it('UTF-16 (with or without a byte order mark) and text that is not UTF-8', () => {
    const utf16 = Buffer.from('\ufeffname: acme\n', 'utf16le');
    expect(thrownProblems(() => decodeOverlay(utf16, SOURCE))).toEqual([{ path: SOURCE, message: expect.stringMatching(/^is UTF-16/) }]);
    expect(thrownProblems(() => decodeOverlay(Buffer.from('name: acme\n', 'utf16le'), SOURCE))).toEqual([
      { path: SOURCE, message: expect.stringMatching(/^contains NUL bytes/) },
    ]);
    expect(thrownProblems(() => decodeOverlay(Buffer.from([0x6e, 0x3a, 0x20, 0xc3, 0x28]), SOURCE))).toEqual([
      { path: SOURCE, message: expect.stringMatching(/^is not valid UTF-8/) },
    ]);
    expect(decodeOverlay(Buffer.from('\ufeffname: acme\n', 'utf8'), SOURCE)).toBe('name: acme\n');
  });

  it('nesting deeper than the limit, in flow and block style, and far deeper than the parser can take', () => {
    const flow = (depth: number) => `name: ${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(() => overlay(flow(MAX_NESTING_DEPTH - 2))).not.toThrow();
    expect(thrownProblems(() => overlay(flow(MAX_NESTING_DEPTH)))).toEqual([
      { path: expect.stringMatching(/^overlay\.yaml: name(\[0\])+$/), message: 'nests mappings and lists deeper than 64 levels' },
    ]);
    const block = Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
    expect(thrownProblems(() => overlay(block))).toEqual([
      { path: expect.stringMatching(/^overlay\.yaml: k(\.k)+$/), message: expect.stringMatching(/deeper than 64/) },
    ]);
    for (const problem of thrownProblems(() => parseOverlay(flow(1000), SOURCE)))
      expect(problem.message).toBe('nests mappings and lists deeper than 64 levels');
  });
});

describe('long values in messages', () => {
  it('are cut at 80 characters with their length', () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const problems = problemsAfter((s) => {
      s.environments[0].region = huge;
      s.environments[0].cloud = huge;
    });
    expect(problems.find((p) => p.path === 'environments[0].region')).toBeUndefined(); // no cloud: no region check
    const cloud = problems.find((p) => p.path === 'environments[0].cloud')!;
    expect(cloud.message).toBe(`"${'x'.repeat(79)}… (2097152 characters) is not one of "aws", "azure"`);
    const region = problemsAfter((s) => (s.environments[0].region = huge)).find((p) => p.path === 'environments[0].region')!;
    expect(region.message.length).toBeLessThan(600);
    expect(region.message).toMatch(/… \(2097152 characters\) is not a known aws region/);
    expect(new ModelError(problems).message.length).toBeLessThan(2000);
  });

  it('and long keys in paths likewise, when the problems are printed', () => {
    const key = 'k'.repeat(100_000);
    const problems = problemsAfter((s) => (s.environments[0].network[key] = 1));
    expect(problems).toEqual([{ path: `environments[0].network.${key}`, message: expect.stringMatching(/^unknown key/) }]);
    expect(new ModelError(problems).message).toContain(`  environments[0].network.${'k'.repeat(80)}… (100000 characters): unknown key`);
    expect(new ModelError(problems).message.length).toBeLessThan(500);
  });

  it('a model id from input is quoted clipped in the catalog checks too', () => {
    const problems = problemsAfter(
      (s) => (s.environments[2].workloads.rag.openai = { chat: { model: 'gpt-'.repeat(1000), version: '1', deployment: 'chat' } }),
    );
    const message = problems.find((p) => p.path === 'environments[2].workloads.rag.openai.chat')!.message;
    expect(message).toMatch(/^"gpt-gpt-[^"]*… \(4000 characters\) is not in the model catalog/);
  });
});

describe('an overlay environment', () => {
  it('listed twice is refused with both paths, whether new or existing', () => {
    const staging = `{ name: aws-staging, cloud: aws, stage: dev, region: us-west-2, aws: { accountId: "333333333333" }, network: { cidr: 10.50.0.0/16, apiAllowedCidrs: [198.51.100.0/24] }, cluster: { kubernetesVersion: "1.33", systemPool: { sizes: [m6i.large], min: 1, max: 2 } } }`;
    expect(
      thrownProblems(() => overlay(`environments: [${staging}, { name: aws-dev, region: us-east-1 }, ${staging}, { name: aws-dev, region: us-west-2 }]`)),
    ).toEqual([
      { path: 'overlay.yaml: environments[2].name', message: '"aws-staging" is also listed at overlay.yaml: environments[0]; list each environment once' },
      { path: 'overlay.yaml: environments[3].name', message: '"aws-dev" is also listed at overlay.yaml: environments[1]; list each environment once' },
    ]);
  });
});

describe('an empty overlay', () => {
  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing to change yet\n'],
    ['an empty mapping', '{}\n'],
    ['an empty document', '---\n'],
  ])('(%s) leaves the default model unchanged', (_, text) => {
    expect(overlay(text)).toEqual(defaultPlatform);
  });
});

describe('waivers', () => {
  it('naming a rule that does not exist are refused at load', () => {
    const reason = 'accepted by the platform review board';
    expect(
      problemsAfter((s) => {
        s.environments[0].waivers = [
          { rule: 'k8s-no-such-rule', resource: 'Deployment edw/consumer', reason },
          { rule: 'k8s-resources', resource: 'Deployment edw/consumer', reason },
        ];
      }),
    ).toEqual([{ path: 'environments[0].waivers[0].rule', message: 'no rule is called "k8s-no-such-rule" (`npm run validate -- --rules` lists them)' }]);
  });
});

describe('secrets in the model', () => {
  const TOKEN = `ghp_${'A1b2C3d4E5'.repeat(4).slice(0, 36)}`;

  it.each([
    ['a GitHub token in the repository URL', `https://${TOKEN}@github.com/acme/platform.git`, /holds a GitHub token/],
    ['a user and password in the repository URL', 'https://deploy:s3cr3t-Pa55@github.com/acme/platform.git', /holds credentials in a URL/],
  ])('%s is refused by its path, without the secret', (_, repoUrl, message) => {
    const problems = problemsAfter((s) => (s.environments[0].gitops = { tool: 'argocd', repoUrl }));
    expect(problems).toEqual([{ path: 'environments[0].gitops.repoUrl', message: expect.stringMatching(message) }]);
    expect(new ModelError(problems).message).not.toContain(repoUrl.slice(8, 20));
  });

  it('is found in any string, and in keys (named by where the key is)', () => {
    const problems = problemsAfter((s) => {
      s.environments[1].tags = { owner: 'AKIAABCDEFGHIJKLMNOP', [TOKEN]: 'x' };
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'environments[1].tags.owner', message: expect.stringMatching(/^holds an AWS access key id/) },
        { path: 'environments[1].tags', message: expect.stringMatching(/^has a key that is a GitHub token/) },
      ]),
    );
    expect(JSON.stringify(problems)).not.toContain(TOKEN);
  });

  it('lets a URL with a user and no password through (ssh, git@)', () => {
    for (const repoUrl of ['ssh://git@github.com/acme/platform.git', 'git@github.com:acme/platform.git', 'https://github.com/acme/platform.git'])
      expect(problemsAfter((s) => (s.environments[0].gitops = { tool: 'argocd', repoUrl }))).toEqual([]);
  });
});

describe('cron schedules', () => {
  it.each([
    '0 2 * * *',
    '*/10 * * * *',
    '0 0-23/2 1,15 jan-jun mon-fri',
    '59 23 31 12 7',
    '0 3 * DEC SUN',
    '@hourly',
    '@daily',
    '@weekly',
    '@monthly',
    '@yearly',
    '@annually',
  ])('accepts %s', (schedule) => expect(cronProblem(schedule)).toBeUndefined());

  it.each([
    ['0 24 * * *', 'hour "24" must be from 0 to 23'],
    ['60 * * * *', 'minute "60" must be from 0 to 59'],
    ['0 0 0 * *', 'day of month "0" must be from 1 to 31'],
    ['0 0 32 * *', 'day of month "32" must be from 1 to 31'],
    ['0 0 * 13 *', 'month "13" must be from 1 to 12 or a name (jan, feb, mar, apr, may, jun, jul, aug, sep, oct, nov, dec)'],
    ['0 0 * * 8', 'day of week "8" must be from 0 to 7 or a name (sun, mon, tue, wed, thu, fri, sat)'],
    ['0 0 * * funday', 'day of week "funday" must be from 0 to 7 or a name (sun, mon, tue, wed, thu, fri, sat)'],
    ['*/0 * * * *', 'minute "*/0" has a step of 0'],
    ['0 5-1 * * *', 'hour "5-1" has a range 5-1 that runs backwards'],
    ['0 2 * *', 'has 4 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)'],
    ['@fortnightly', 'is not a cron macro (@yearly, @annually, @monthly, @weekly, @daily, @hourly)'],
  ])('refuses %s: %s', (schedule, problem) => expect(cronProblem(schedule)).toBe(problem));

  it('is checked at every schedule of the model, with its path', () => {
    const problems = problemsAfter((s) => {
      s.environments[1].workloads.edw.producer.schedule = '0 24 * * *';
      s.environments[1].workloads.mlops.training[0].schedule = '0 24 * * *';
      s.environments[1].workloads.lakehouse.jobs[3].schedule = '0 24 * * *';
    });
    const message = expect.stringMatching(/^"0 24 \* \* \*" is not a 5-field cron schedule \(e\.g\. "[^"]+"\): hour "24" must be from 0 to 23$/);
    expect(problems).toEqual([
      { path: 'environments[1].workloads.edw.producer.schedule', message },
      { path: 'environments[1].workloads.mlops.training[0].schedule', message },
      { path: 'environments[1].workloads.lakehouse.jobs[3].schedule', message },
    ]);
  });
});

describe('derived names', () => {
  it('an IAM role name over 64 characters is refused at load, named by the field to shorten', () => {
    const spec = base();
    spec.environments[0].name = 'aws-dev-eu-west-one1';
    const model = 'm'.repeat(39);
    spec.environments[0].workloads.mlops.models[0].name = model;
    const roleName = `acme-aws-dev-eu-west-one1-serve-${model}`;
    expect(roleName).toHaveLength(71);
    expect(thrownProblems(() => loadPlatform(spec))).toEqual([
      {
        path: 'environments[0].workloads.mlops.models[0].name',
        message: `the derived IAM role name "${roleName}" is 71 characters; AWS allows 64: use a shorter model name`,
      },
    ]);
  });
});
