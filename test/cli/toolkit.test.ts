/** The shared CLI toolkit on its own: the commands' tests cover it end to end. */
import * as fs from 'fs';
import * as path from 'path';
import {
  guarded,
  defaultModelOptions,
  loadModel,
  loadModelOrExit,
  modelFlag,
  parseCommandFlags,
  parseFlags,
  renderedFiles,
  reportSynthesisError,
  reportUsage,
  selectEnvironments,
  startCommand,
  synthesizeSelected,
  UnknownEnvironmentError,
  UsageError,
  warnSkippedApps,
  type ModelOptions,
} from '../../src/cli/toolkit';
import { ModelError } from '../../src/model/problems';
import { MissingOutputsError, type MissingOutput } from '../../src/synth/outputs';
import type { RenderedEnvironment, synthesizeEnvironment } from '../../src/synth/synthesize';
import { captureIo, tempDir } from '../synth/helpers';

/** Every flag parseFlags hands out, with its value when the handler asks for one. */
function flagsOf(argv: string[], valued: string[] = ['--env', '--config']): Array<[string, string?]> {
  const seen: Array<[string, string?]> = [];
  parseFlags(argv, (flag, value) => {
    if (valued.includes(flag)) seen.push([flag, value()]);
    else if (flag === '--quiet') seen.push([flag]);
    else return false;
    return true;
  });
  return seen;
}

const usageError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error('no UsageError');
};

const parseModel = (argv: string[]): ModelOptions => {
  const options = defaultModelOptions();
  parseFlags(argv, (flag, value) => modelFlag(options, flag, value));
  return options;
};

describe('parseFlags', () => {
  it('reads --flag value, --flag=value and bare flags, in order', () => {
    expect(flagsOf(['--env', 'a', '--quiet', '--config=b.yaml'])).toEqual([['--env', 'a'], ['--quiet'], ['--config', 'b.yaml']]);
  });

  it('splits --flag=value at the first "=" only', () => {
    expect(flagsOf(['--config=x=y.yaml'])).toEqual([['--config', 'x=y.yaml']]);
  });

  it('an unknown flag or a positional argument is a usage error naming it', () => {
    expect(usageError(() => flagsOf(['--quiet', '--envs', 'a']))).toBe('unknown argument "--envs"');
    expect(usageError(() => flagsOf(['stray']))).toBe('unknown argument "stray"');
    expect(usageError(() => flagsOf(['--bogus=1']))).toBe('unknown argument "--bogus=1"');
  });

  it('a flag without its value is a usage error, at the end or given empty', () => {
    expect(usageError(() => flagsOf(['--env']))).toBe('--env needs a value');
    expect(usageError(() => flagsOf(['--config=']))).toBe('--config needs a value');
    expect(usageError(() => flagsOf(['--env', '']))).toBe('--env needs a value');
  });

  it('--help and -h stop with an empty usage error, before any later argument is looked at', () => {
    expect(usageError(() => flagsOf(['--help', '--bogus']))).toBe('');
    expect(usageError(() => flagsOf(['--quiet', '-h']))).toBe('');
  });
});

describe('modelFlag', () => {
  it('repeated --env and comma lists add up, in order, without empty names', () => {
    expect(parseModel(['--env', 'a,b', '--env=c', '--env', ',d,,']).envs).toEqual(['a', 'b', 'c', 'd']);
  });

  it('--config is kept as given, --outputs is made absolute, --allow-missing-outputs is a switch', () => {
    const options = parseModel(['--config', 'my.yaml', '--outputs', 'some/outputs', '--allow-missing-outputs']);
    expect(options).toEqual({ envs: [], config: 'my.yaml', outputs: path.resolve('some/outputs'), allowMissingOutputs: true, debug: false });
    expect(parseModel(['--debug']).debug).toBe(true);
  });

  it('leaves other flags to the command, untouched', () => {
    const options = defaultModelOptions();
    const value = jest.fn(() => 'x');
    expect(modelFlag(options, '--out', value)).toBe(false);
    expect(value).not.toHaveBeenCalled();
    expect(options).toEqual(defaultModelOptions());
  });

  it('the defaults are fresh each time: one command adding environments does not change the next', () => {
    const first = defaultModelOptions();
    first.envs.push('aws-dev');
    expect(defaultModelOptions().envs).toEqual([]);
  });
});

describe('parseCommandFlags', () => {
  const parse = (argv: string[]) => {
    const asked: string[] = [];
    const options = { ...defaultModelOptions(), out: 'dist' };
    const parsed = parseCommandFlags(argv, options, (flag, value) => {
      asked.push(flag);
      if (flag !== '--out') return false;
      options.out = value();
      return true;
    });
    return { options: parsed, asked };
  };

  it('the model flags are taken first; the command sees only its own', () => {
    const { options, asked } = parse(['--env', 'aws-dev', '--out', 'elsewhere', '--allow-missing-outputs']);
    expect(options).toMatchObject({ envs: ['aws-dev'], out: 'elsewhere', allowMissingOutputs: true });
    expect(asked).toEqual(['--out']);
  });

  it('a flag neither knows is a usage error', () => {
    expect(usageError(() => parse(['--out', 'x', '--dist', 'y']))).toBe('unknown argument "--dist"');
  });
});

describe('loading the model', () => {
  it('without an overlay is the default model', () => {
    expect(loadModel().environments.map((e) => e.name)).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
  });

  it('an unreadable overlay is a model problem at its path', () => {
    const missing = path.join(tempDir('toolkit'), 'absent.yaml');
    expect(() => loadModel(missing)).toThrow(ModelError);
    expect(() => loadModel(missing)).toThrow(`${missing}: cannot read overlay: ENOENT`);
  });

  it('an overlay is applied, its problems named by its file name', () => {
    const config = path.join(tempDir('toolkit'), 'overlay.yaml');
    fs.writeFileSync(config, 'environments: [{ name: aws-dev, region: mars-1 }]\n');
    expect(() => loadModel(config)).toThrow(/environments\[0\]\.region: "mars-1" is not a known aws region/);
    fs.writeFileSync(config, 'environments: [\n');
    expect(() => loadModel(config)).toThrow(/^1 problem in the platform model:\n {2}overlay\.yaml:2:1: /);
  });

  it('loadModelOrExit prints the problems, then the note, and gives exit 2; a valid model is returned', () => {
    const { io, out, err } = captureIo();
    const missing = path.join(tempDir('toolkit'), 'absent.yaml');
    expect(loadModelOrExit(missing, io, 'Nothing was written.')).toBe(2);
    expect(err).toEqual([`1 problem in the platform model:\n  ${missing}: cannot read overlay: ENOENT`, 'Nothing was written.']);
    expect(out).toEqual([]);
    const ok = captureIo();
    expect(loadModelOrExit(undefined, ok.io)).toMatchObject({ environments: expect.any(Array) });
    // The default model loads with the warnings of its legacy models (the Azure chat model), one per environment.
    expect(ok.err).toEqual([
      expect.stringMatching(/^warning: environments\[2\]\.workloads\.rag\.openai\.chat: "gpt-5" 2025-08-07 is legacy/),
      expect.stringMatching(/^warning: environments\[3\]\.workloads\.rag\.openai\.chat: /),
    ]);
  });
});

describe('bad overlays of every class', () => {
  const aliasBomb = () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 0, prev = 'a'; i < 9; prev = `b${i}`, i++) text += `b${i}: &b${i} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
    return text;
  };
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['an alias bomb', aliasBomb(), /^ {2}bad\.yaml: expands more than 100 YAML aliases/m],
    ['two documents', 'name: acme\n---\nname: other\n', /^ {2}bad\.yaml:2:1: holds more than one YAML document/m],
    ['a UTF-16 file', Buffer.from('\ufeffname: acme\n', 'utf16le'), /^ {2}bad\.yaml: is UTF-16/m],
    [
      '1,000-deep nesting',
      `environments: ${'['.repeat(1000)}${']'.repeat(1000)}`,
      /^ {2}bad\.yaml(:\d+:\d+)?: nests mappings and lists deeper than 64 levels/m,
    ],
    ['a __proto__ key', 'environments: [{ name: aws-dev, __proto__: { region: x } }]\n', /^ {2}bad\.yaml: environments\[0\]\.__proto__: is a reserved name/m],
    [
      'a token in a URL',
      `environments: [{ name: aws-dev, gitops: { tool: argocd, repoUrl: "https://ghp_${'a'.repeat(36)}@github.com/acme/p.git" } }]\n`,
      /^ {2}environments\[0\]\.gitops\.repoUrl: holds a GitHub token/m,
    ],
  ];

  it.each(cases)('%s: every problem with its path, exit 2, no stack trace', (_, content, expected) => {
    const file = path.join(tempDir('bad-overlay'), 'bad.yaml');
    fs.writeFileSync(file, content);
    const { io, err } = captureIo();
    expect(loadModelOrExit(file, io)).toBe(2);
    const text = err.join('\n');
    expect(text).toMatch(/^\d+ problems? in the platform model:/);
    expect(text).toMatch(expected);
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain('a'.repeat(36));
  });

  it('an empty overlay is the default model', () => {
    const file = path.join(tempDir('empty-overlay'), 'empty.yaml');
    fs.writeFileSync(file, '# nothing yet\n');
    expect(loadModel(file)).toEqual(loadModel());
  });
});

describe('selectEnvironments', () => {
  const platform = loadModel();
  const names = (envs: readonly { name: string }[]) => envs.map((e) => e.name);

  it('none named is every environment; named ones come in the model order', () => {
    expect(names(selectEnvironments(platform, []))).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
    expect(names(selectEnvironments(platform, ['azure-dev', 'aws-dev', 'azure-dev']))).toEqual(['aws-dev', 'azure-dev']);
  });

  it('names every unknown environment and the known ones', () => {
    expect(() => selectEnvironments(platform, ['gcp-dev'])).toThrow(
      new UnknownEnvironmentError('unknown environment gcp-dev (known: aws-dev, aws-prod, azure-dev, azure-prod)'),
    );
    expect(() => selectEnvironments(platform, ['gcp-dev', 'aws-dev', 'onprem'])).toThrow(/^unknown environments gcp-dev, onprem \(known: /);
  });
});

describe('startCommand', () => {
  const USAGE = 'usage: test';
  const parse = (argv: readonly string[]) => parseModel([...argv]);

  it('--help prints only the usage and exits 0', () => {
    const { io, out, err } = captureIo();
    expect(startCommand(['--help'], io, USAGE, parse)).toBe(0);
    expect(err).toEqual([USAGE]);
    expect(out).toEqual([]);
  });

  it('a usage error prints the error, then the usage, and exits 2 (no failure note: nothing was attempted)', () => {
    const { io, err } = captureIo();
    expect(startCommand(['--env'], io, USAGE, parse, 'Nothing was written.')).toBe(2);
    expect(err).toEqual(['error: --env needs a value', USAGE]);
  });

  it('an unknown environment is an error followed by the failure note, exit 2', () => {
    const { io, err } = captureIo();
    expect(startCommand(['--env', 'gcp-dev'], io, USAGE, parse, 'Nothing was written.')).toBe(2);
    expect(err.filter((l) => !l.startsWith('warning: '))).toEqual([
      'error: unknown environment gcp-dev (known: aws-dev, aws-prod, azure-dev, azure-prod)',
      'Nothing was written.',
    ]);
  });

  it('gives the options, the model and the selected environments', () => {
    const { io, err } = captureIo();
    const start = startCommand(['--env', 'azure-prod'], io, USAGE, parse);
    expect(typeof start).toBe('object');
    if (typeof start === 'number') return;
    expect(start.options.envs).toEqual(['azure-prod']);
    expect(start.selected.map((e) => e.name)).toEqual(['azure-prod']);
    expect(start.platform.environments).toHaveLength(4);
    expect(err.filter((l) => !l.startsWith('warning: environments['))).toEqual([]);
  });

  it('an error that is not a usage error is not swallowed', () => {
    const boom = () => {
      throw new Error('bug');
    };
    expect(() => startCommand([], captureIo().io, USAGE, boom)).toThrow('bug');
  });
});

describe('reportUsage', () => {
  it('an empty message is a request for help (exit 0), any other an error (exit 2)', () => {
    const help = captureIo();
    expect(reportUsage(help.io, 'usage: x', '')).toBe(0);
    expect(help.err).toEqual(['usage: x']);
    const bad = captureIo();
    expect(reportUsage(bad.io, 'usage: x', 'unknown argument "y"')).toBe(2);
    expect(bad.err).toEqual(['error: unknown argument "y"', 'usage: x']);
  });
});

describe('synthesizing the selected environments', () => {
  const platform = loadModel();
  const rendered = (environment: string, files: Record<string, string>, skippedApps: RenderedEnvironment['skippedApps'] = []): RenderedEnvironment => ({
    environment,
    skippedApps,
    files: new Map(Object.entries(files)),
    stacks: 0,
    resources: 0,
    manifests: 0,
    milliseconds: 0,
  });
  const miss = (environment: string, name: string): MissingOutput => ({ environment, stack: 'edw', name, file: `outputs/${environment}/edw.json` });

  it('passes the outputs options to every environment, in order', () => {
    const calls: string[] = [];
    const fake: typeof synthesizeEnvironment = (_platform, env, options) => {
      calls.push(`${env.name} ${options.outputsDir} ${options.allowMissingOutputs}`);
      return rendered(env.name, {});
    };
    const options = { ...defaultModelOptions(), outputs: '/outs', allowMissingOutputs: true };
    const result = synthesizeSelected(platform, selectEnvironments(platform, ['aws-prod', 'azure-dev']), options, fake);
    expect(result.map((r) => r.environment)).toEqual(['aws-prod', 'azure-dev']);
    expect(calls).toEqual(['aws-prod /outs true', 'azure-dev /outs true']);
  });

  it('renders every environment before failing, so all missing outputs are named in one error', () => {
    const calls: string[] = [];
    const fake: typeof synthesizeEnvironment = (_platform, env) => {
      calls.push(env.name);
      if (env.name.startsWith('azure')) throw new MissingOutputsError([miss(env.name, 'client_id')]);
      return rendered(env.name, {});
    };
    let error: unknown;
    try {
      synthesizeSelected(platform, platform.environments, defaultModelOptions(), fake);
    } catch (err) {
      error = err;
    }
    expect(calls).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
    expect(error).toBeInstanceOf(MissingOutputsError);
    expect((error as MissingOutputsError).missing.map((m) => m.environment)).toEqual(['azure-dev', 'azure-prod']);
  });

  it('any other error stops at once', () => {
    const calls: string[] = [];
    const fake: typeof synthesizeEnvironment = (_platform, env) => {
      calls.push(env.name);
      throw new Error('planted');
    };
    expect(() => synthesizeSelected(platform, platform.environments, defaultModelOptions(), fake)).toThrow('planted');
    expect(calls).toEqual(['aws-dev']);
  });

  it('renderedFiles merges every environment’s files', () => {
    const files = renderedFiles([rendered('a', { 'a/x': '1', 'a/y': '2' }), rendered('b', { 'b/x': '3' })]);
    expect([...files]).toEqual([
      ['a/x', '1'],
      ['a/y', '2'],
      ['b/x', '3'],
    ]);
  });

  it('warns once per app left out, naming its missing outputs', () => {
    const { io, out, err } = captureIo();
    warnSkippedApps([rendered('azure-dev', {}, [{ app: 'edw', missing: [miss('azure-dev', 'a'), miss('azure-dev', 'b')] }]), rendered('aws-dev', {})], io);
    expect(err).toEqual(['warning: azure-dev: left out kubernetes/edw: missing Terraform outputs edw.a, edw.b']);
    expect(out).toEqual([]);
  });
});

describe('reportSynthesisError', () => {
  it('missing Terraform outputs are bad input: the list, then the note, exit 2', () => {
    const { io, err } = captureIo();
    const error = new MissingOutputsError([{ environment: 'azure-dev', stack: 'edw', name: 'id', file: 'o/azure-dev/edw.json' }]);
    expect(reportSynthesisError(error, io, { missingOutputs: 'note (missing)', failed: 'note (failed)' })).toBe(2);
    expect(err).toEqual([error.message, 'note (missing)']);
  });

  it('anything else is a failure on one line, exit 1; its stack only with debug', () => {
    const { io, err } = captureIo();
    const error = new Error('planted\nmore detail');
    expect(reportSynthesisError(error, io, { failed: 'Nothing was written.' })).toBe(1);
    expect(err).toEqual(['synthesis failed: planted', 'Nothing was written.']);
    const debug = captureIo();
    expect(reportSynthesisError(error, debug.io, { debug: true })).toBe(1);
    expect(debug.err).toEqual(['synthesis failed: planted', error.stack]);
    const bare = captureIo();
    expect(reportSynthesisError('a string', bare.io)).toBe(1);
    expect(bare.err).toEqual(['synthesis failed: a string']);
  });
});

describe('guarded: what escapes a command', () => {
  const crash = (argv: string[]) => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      const code = guarded(argv, () => {
        throw new Error('planted bug\nsecond line');
      });
      return { code, text: lines.join('') };
    } finally {
      spy.mockRestore();
    }
  };

  it('is one line and exit 1; the stack only with --debug', () => {
    expect(crash([])).toEqual({ code: 1, text: 'error: planted bug (--debug prints the stack)\n' });
    const debug = crash(['--debug']);
    expect(debug.code).toBe(1);
    expect(debug.text).toMatch(/^error: planted bug\nError: planted bug\nsecond line\n\s+at /);
  });

  it('passes the exit code through when nothing escapes', () => {
    expect(guarded([], () => 3)).toBe(3);
  });
});
