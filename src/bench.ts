/**
 * `npm run bench`: synth time and peak memory, each measured in a fresh process (module loading
 * included), side by side with the app a cdktf user starts from, generated here in a temporary
 * folder. A benchmark, not a test: it prints, never fails.
 *
 * - the reference: a `cdktf init --template=typescript` style app (main.ts: the aws and azurerm
 *   provider indexes, one S3 bucket, one storage account, app.synth()). cdktf runs it with
 *   `npx ts-node main.ts`; ts-node is not installed here, so two hooks over the same TypeScript
 *   stand in for it: one type-checks each file through the language service before running it
 *   (ts-node's default), one only transpiles (ts-node --transpile-only).
 * - `npm run synth` of the default model into a new folder (cold), then again into the same folder
 *   (nothing changed), then `--env aws-dev` alone; and into a new folder in /dev/shm (memory), which
 *   shows how much of a cold synth is the disk (some 700 files);
 * - generated models of 10, 50 and 200 environments (synth in one process, models built in memory).
 * Every run writes into a folder of its own, and all of them are removed at the end, never between runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPlatform } from './model/load';
import type { EnvironmentSpec, PlatformSpec } from './model/types';
import { defaultPlatform } from './platform';
import { DEFAULT_OUTPUTS_DIR } from './synth/outputs';
import { synthesizeEnvironment } from './synth/synthesize';
import { writeOutputWhile } from './synth/writer';

/** A model of `count` environments cycling through the default ones, each with its own name, network and (AWS) account or (Azure) tenant. */
export function generatedPlatform(count: number): PlatformSpec {
  const environments: EnvironmentSpec[] = [];
  for (let i = 0; i < count; i++) {
    const template = structuredClone(defaultPlatform.environments[i % defaultPlatform.environments.length]);
    template.name = `${template.name}-${String(i).padStart(2, '0')}`;
    // A /16 each up to 10.255; beyond that, /20s from 10.0.0.0 (sizes up to about 300 environments).
    template.network.cidr = i < 156 ? `10.${100 + i}.0.0/16` : `10.${Math.floor((i - 156) / 16)}.${((i - 156) % 16) * 16}.0/20`;
    // An account per AWS environment (as AWS recommends, and as Glue's per-account catalog needs for the lakehouse).
    if (template.aws) {
      const account = String(100000000000 + i);
      template.aws.clusterAdminArns = template.aws.clusterAdminArns?.map((a) => a.replace(template.aws!.accountId, account));
      template.aws.accountId = account;
    }
    // A tenant per Azure environment: a tenant has one Purview account (the lakehouse's catalog in prod).
    if (template.azure) template.azure.tenantId = `00000000-0000-0000-0000-${String(0xb0000 + i).padStart(12, '0')}`;
    environments.push(template);
  }
  return { name: defaultPlatform.name, environments };
}

interface Measurement {
  environments: number;
  /** From process start (module loading included) to files written. */
  totalMs: number;
  synthMs: number;
  /** The part of synthMs until the last environment is rendered (its files written meanwhile by the writer's worker). */
  renderMs: number;
  peakRssMb: number;
}

/**
 * Terraform outputs for a generated model: each generated environment gets the example outputs of
 * the default environment it copies, in a temporary folder. Returns that folder.
 */
export function generatedOutputs(count: number, dir: string): string {
  for (let i = 0; i < count; i++) {
    const template = defaultPlatform.environments[i % defaultPlatform.environments.length].name;
    const from = path.join(DEFAULT_OUTPUTS_DIR, template);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, `${template}-${String(i).padStart(2, '0')}`), { recursive: true });
  }
  return dir;
}

/**
 * One synth of the default model (count 0) or of a generated one, written to a new folder under `parent`
 * (removed afterwards unless `keep`: the benchmark removes its folders only when it has measured everything).
 */
export function benchmarkSynth(count: number, parent = os.tmpdir(), keep = false): { environments: number; synthMs: number; renderMs: number } {
  const workDir = fs.mkdtempSync(path.join(parent, 'platform-synth-bench-'));
  try {
    const spec = count === 0 ? defaultPlatform : generatedPlatform(count);
    const outputsDir = count === 0 ? DEFAULT_OUTPUTS_DIR : generatedOutputs(count, path.join(workDir, 'outputs'));
    const started = performance.now();
    const platform = loadPlatform(spec);
    let rendered = 0;
    // As synth writes: each environment's files while the next renders.
    writeOutputWhile(path.join(workDir, 'dist'), (stage) => {
      const files = new Map<string, string>();
      for (const env of platform.environments) {
        const one = synthesizeEnvironment(platform, env, { outputsDir }).files;
        for (const [p, c] of one) files.set(p, c);
        stage(one);
      }
      rendered = performance.now();
      return files;
    });
    return { environments: platform.environments.length, synthMs: Math.round(performance.now() - started), renderMs: Math.round(rendered - started) };
  } finally {
    if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function worker(count: number, parent: string): void {
  const { environments, synthMs, renderMs } = benchmarkSynth(count, parent, true);
  const result: Measurement = {
    environments,
    renderMs,
    totalMs: Math.round(performance.now()),
    synthMs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const REGISTER = path.join(__dirname, '..', 'ts-register.js');
const REPO = path.join(__dirname, '..');

function measureWorker(count: number, parent: string): Measurement {
  const result = spawnSync(process.execPath, ['-r', REGISTER, __filename, '--worker', String(count), parent], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`benchmark worker failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Measurement;
}

interface Run {
  ms: number;
  peakRssMb: number;
}

/** One process: wall time from spawn to exit, and its peak RSS (which it reports at exit through RSS_FILE). */
function timeProcess(args: string[], cwd: string): Run {
  const rssFile = path.join(os.tmpdir(), `platform-synth-bench-rss-${process.pid}`);
  const started = performance.now();
  const result = spawnSync(process.execPath, ['-r', RSS_PRELOAD, ...args], { cwd, encoding: 'utf8', env: { ...process.env, RSS_FILE: rssFile } });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  const peakRssMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  fs.rmSync(rssFile, { force: true });
  return { ms, peakRssMb };
}

let RSS_PRELOAD = '';

/** The reference app, as `cdktf init --template=typescript` lays it out, and the two hooks that stand in for ts-node. */
function writeReference(dir: string): void {
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  fs.writeFileSync(
    path.join(dir, 'main.ts'),
    `import { Construct } from 'constructs';
import { App, TerraformStack } from 'cdktf';
import * as aws from '@cdktf/provider-aws';
import * as azurerm from '@cdktf/provider-azurerm';

class MyStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new aws.provider.AwsProvider(this, 'aws', { region: 'eu-west-1' });
    new aws.s3Bucket.S3Bucket(this, 'bucket', { bucket: 'platform-synth-bench' });
    new azurerm.provider.AzurermProvider(this, 'azurerm', { features: [{}] });
    new azurerm.storageAccount.StorageAccount(this, 'storage', {
      name: 'platformsynthbench',
      resourceGroupName: 'bench',
      location: 'westeurope',
      accountTier: 'Standard',
      accountReplicationType: 'LRS',
    });
  }
}

const app = new App();
new MyStack(app, 'reference');
app.synth();
`,
  );
  // cdktf init's tsconfig.json (its compiler options; ts-node reads the same file).
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        alwaysStrict: true,
        experimentalDecorators: true,
        inlineSourceMap: true,
        inlineSources: true,
        lib: ['es2018'],
        module: 'CommonJS',
        noFallthroughCasesInSwitch: true,
        noImplicitAny: true,
        noImplicitReturns: true,
        noImplicitThis: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        resolveJsonModule: true,
        strict: true,
        strictNullChecks: true,
        strictPropertyInitialization: true,
        stripInternal: true,
        target: 'ES2018',
        skipLibCheck: true,
        types: [],
      },
      include: ['**/*.ts'],
      exclude: ['node_modules', 'cdktf.out'],
    }),
  );
  // ts-node's default: each file is type-checked (language service, the project's tsconfig) and fails on any error, then runs.
  fs.writeFileSync(
    path.join(dir, 'ts-node-check.js'),
    `const ts = require('typescript');
const fs = require('fs');
const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(__dirname + '/tsconfig.json', ts.sys.readFile).config, ts.sys, __dirname);
const options = { ...parsed.options, noEmit: false, declaration: false, inlineSourceMap: false, sourceMap: true };
const roots = new Set();
const service = ts.createLanguageService({
  getScriptFileNames: () => [...roots],
  getScriptVersion: () => '1',
  getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
  getCurrentDirectory: () => __dirname,
  getCompilationSettings: () => options,
  getDefaultLibFileName: ts.getDefaultLibFilePath,
  fileExists: ts.sys.fileExists,
  readFile: ts.sys.readFile,
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
}, ts.createDocumentRegistry());
require.extensions['.ts'] = (module, filename) => {
  roots.add(filename);
  const problems = [...service.getSyntacticDiagnostics(filename), ...service.getSemanticDiagnostics(filename)];
  if (problems.length) throw new Error(ts.formatDiagnostics(problems, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => __dirname, getNewLine: () => '\\n' }));
  const js = service.getEmitOutput(filename).outputFiles.find((f) => f.name.endsWith('.js'));
  module._compile(js.text, filename);
};
`,
  );
  // ts-node --transpile-only: each file on its own, no types.
  fs.writeFileSync(
    path.join(dir, 'ts-node-transpile.js'),
    `const ts = require('typescript');
const fs = require('fs');
const options = { ...ts.parseJsonConfigFileContent(ts.readConfigFile(__dirname + '/tsconfig.json', ts.sys.readFile).config, ts.sys, __dirname).options, declaration: false };
require.extensions['.ts'] = (module, filename) => module._compile(ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions: options, fileName: filename }).outputText, filename);
`,
  );
  // Every measured process reports its own peak RSS at exit.
  fs.writeFileSync(RSS_PRELOAD, `process.on('exit', () => require('fs').writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS)));\n`);
}

interface Row {
  label: string;
  runs: Run[];
}

function summary(row: Row): { ms: number; peakRssMb: number } {
  return { ms: median(row.runs.map((r) => r.ms)), peakRssMb: median(row.runs.map((r) => r.peakRssMb)) };
}

function main(): void {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-bench-'));
  RSS_PRELOAD = path.join(work, 'rss.js');
  const reference = path.join(work, 'reference');
  fs.mkdirSync(reference);
  writeReference(reference);
  const synth = (out: string, ...extra: string[]) => timeProcess(['-r', REGISTER, path.join(REPO, 'src', 'cli.ts'), '--out', out, '--quiet', ...extra], REPO);
  // The same synth into memory-backed storage, when the machine has it: what is left without the disk.
  const shm = fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/platform-synth-bench-') : undefined;
  const rows: Record<'check' | 'transpile' | 'cold' | 'noop' | 'one' | 'memory', Row> = {
    check: { label: 'reference, type-checked (ts-node default)', runs: [] },
    transpile: { label: 'reference, transpile-only', runs: [] },
    cold: { label: 'npm run synth, new output folder', runs: [] },
    noop: { label: 'npm run synth, nothing changed', runs: [] },
    one: { label: 'npm run synth -- --env aws-dev', runs: [] },
    memory: { label: 'npm run synth, new folder in /dev/shm', runs: [] },
  };
  let generated: (Omit<Measurement, 'environments'> & { count: number })[];
  try {
    // Once before measuring, as after any change of sources or packages: builds the main module's bundle and V8 code cache (ts-register.js).
    synth(path.join(work, 'dist-warm-up'));
    // Interleaved, so that the shared machine's slow and fast moments fall on both sides alike.
    for (let i = 0; i < runs; i++) {
      rows.check.runs.push(timeProcess(['-r', './ts-node-check.js', 'main.ts'], reference));
      rows.transpile.runs.push(timeProcess(['-r', './ts-node-transpile.js', 'main.ts'], reference));
      const out = path.join(work, `dist-${i}`);
      rows.cold.runs.push(synth(out));
      rows.noop.runs.push(synth(out));
      rows.one.runs.push(synth(out, '--env', 'aws-dev'));
      if (shm) rows.memory.runs.push(synth(path.join(shm, `dist-${i}`)));
    }
    if (!fs.existsSync(path.join(reference, 'cdktf.out', 'stacks', 'reference', 'cdk.tf.json'))) throw new Error('the reference app wrote no cdk.tf.json');
    measureWorker(1, work); // the worker's own bundle and code cache, built before measuring
    generated = ([10, 50, 200] as const).map((count) => {
      const samples = Array.from({ length: Math.min(runs, 3) }, () => measureWorker(count, work));
      return {
        count,
        totalMs: median(samples.map((s) => s.totalMs)),
        synthMs: median(samples.map((s) => s.synthMs)),
        renderMs: median(samples.map((s) => s.renderMs)),
        peakRssMb: median(samples.map((s) => s.peakRssMb)),
      };
    });
  } finally {
    // Only now: on ext4 without a journal, creating a file scans the inodes deleted in the last 30 s or so
    // (the kernel's recently_deleted()), so removing one run's tree would slow the next run's writes severalfold.
    fs.rmSync(work, { recursive: true, force: true });
    if (shm) fs.rmSync(shm, { recursive: true, force: true });
  }

  const fmt = (n: number, width: number, digits = 0) => n.toFixed(digits).padStart(width);
  console.log(
    `platform-synth benchmark: median of ${runs} fresh processes each; node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'})`,
  );
  console.log(`${'run'.padEnd(44)} ${'wall ms'.padStart(8)} ${'peak RSS MB'.padStart(12)}`);
  for (const row of Object.values(rows)) {
    if (row.runs.length === 0) continue;
    const m = summary(row);
    console.log(`${row.label.padEnd(44)} ${fmt(m.ms, 8)} ${fmt(m.peakRssMb, 12)}`);
  }
  const cold = summary(rows.cold);
  for (const key of ['check', 'transpile'] as const) {
    const ref = summary(rows[key]);
    console.log(`${rows[key].label} / synth: ${(ref.ms / cold.ms).toFixed(1)}x the time, ${(ref.peakRssMb / cold.peakRssMb).toFixed(1)}x the peak RSS`);
  }
  console.log(
    `\n${'generated model'.padEnd(20)} ${'envs'.padStart(5)} ${'total ms'.padStart(9)} ${'synth ms'.padStart(9)} ${'render ms'.padStart(10)} ${'peak RSS MB'.padStart(12)}`,
  );
  for (const g of generated)
    console.log(`${'generated'.padEnd(20)} ${fmt(g.count, 5)} ${fmt(g.totalMs, 9)} ${fmt(g.synthMs, 9)} ${fmt(g.renderMs, 10)} ${fmt(g.peakRssMb, 12)}`);
  const [ten, fifty, twoHundred] = generated;
  const perEnv = (key: 'synthMs' | 'renderMs') =>
    `${((fifty[key] - ten[key]) / 40).toFixed(1)} ms (10 → 50), ${((twoHundred[key] - fifty[key]) / 150).toFixed(1)} ms (50 → 200)`;
  console.log(`per extra environment: synth ${perEnv('synthMs')}; render alone (no disk) ${perEnv('renderMs')}`);
  console.log('targets: synth ≥ 20x faster and ≤ 1/10 the peak RSS of the reference; ≤ 60 ms per extra environment');
}

if (process.argv[2] === '--worker') worker(Number(process.argv[3]), process.argv[4]);
else if (require.main === module) main();
