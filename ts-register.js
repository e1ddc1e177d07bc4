/**
 * Runs the TypeScript sources directly: `node -r ./ts-register.js src/cli.ts`.
 * A CommonJS require hook over esbuild (no type-check; `npm run typecheck` does that). The first
 * .ts file loaded compiles every source under src/, stacks/ and charts/ in one esbuild call, in
 * memory: one call costs about what compiling two files one by one does. A general loader such
 * as tsx spends most of a second before the first line runs; synth time is mostly start-up, so
 * that matters. jest.transform.js uses the same options.
 *
 * Under `node -r`, the main module (src/cli.ts, src/diff/cli.ts, ...) is loaded as one bundle of
 * itself and everything it requires, packages included, built once per set of sources and
 * packages and kept in the cache folder: one file to read and one V8 code cache instead of some
 * 800 modules to resolve, read (22 MB, mostly the provider bindings' comments) and look up, a
 * third of a synth. Each source keeps its own CommonJS wrapper, strict mode, `__dirname` and
 * require order, and each package file its own `__dirname`, so the bundle runs as the modules would.
 * PLATFORM_SYNTH_NO_BUNDLE=1, `--debug` and source maps load module by module (a stack then names each
 * file and line); so does any run whose bundle cannot be built. Packages are keyed by npm's
 * node_modules/.package-lock.json: a package edited in place (patch-package, npm link) is seen after
 * the next npm install.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');
const { createHash } = require('crypto');
const { isAscii } = require('buffer');
const { spawnSync } = require('child_process');
// esbuild's API (9 ms to load) only when something is compiled; a run from the caches never needs it.
const esbuild = () => require('esbuild');
const esbuildVersion = require('esbuild/package.json').version;

const ROOT = __dirname;
// A staging file's name: unique per thread (a synth's worker thread writes these caches too).
const STAGING_ID = `${process.pid}-${require('worker_threads').threadId}`;
const SOURCE_DIRS = ['src', 'stacks', 'charts'];
const OPTIONS = { format: 'cjs', target: 'node20' };
// As tsc does under `strict` (alwaysStrict): e.g. writing to a frozen object throws.
const STRICT = '"use strict";';
// Node reads inline source maps only with --enable-source-maps; without it they are megabytes parsed for nothing.
const SOURCE_MAPS = process.execArgv.includes('--enable-source-maps') || /--enable-source-maps/.test(process.env.NODE_OPTIONS ?? '');

/** One file, on its own (jest, and files outside the source folders). */
function compile(source, filename, sourcemap) {
  return esbuild().transformSync(source, { ...OPTIONS, banner: STRICT, loader: 'ts', sourcefile: filename, sourcemap });
}

function sourceFiles(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

// Compiled sources are cached by content: a second run with unchanged sources skips esbuild. One
// folder per checkout: git worktrees may share node_modules, and each keeps only its newest entry.
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'ts-register', createHash('sha256').update(ROOT).digest('hex').slice(0, 16));

let sources;
function allSources() {
  sources ??= SOURCE_DIRS.flatMap((d) => (fs.existsSync(path.join(ROOT, d)) ? sourceFiles(path.join(ROOT, d), []) : [])).sort();
  return sources;
}

let digest;
/** A digest of every source file's path and text and of how they are compiled. */
function sourcesDigest() {
  if (digest) return digest;
  // Reading and hashing every source costs 15 to 20 ms; their stat lines cost 1. A file's ctime changes with any write
  // (and cannot be set back), so the same stat lines mean the same texts, and the digest computed last time holds.
  const stats = allSources().map((file) => [file, fs.statSync(file, { bigint: true })]);
  // How the sources are compiled is part of the digest: it keys the memo too (a source-maps run, a new esbuild).
  const compiledHow = () => createHash('sha256').update(esbuildVersion).update(JSON.stringify(OPTIONS)).update(STRICT).update(String(SOURCE_MAPS));
  const statKey = compiledHow().update(__filename);
  for (const [file, s] of stats) statKey.update(`${path.relative(ROOT, file)}\0${s.size}\0${s.mtimeNs}\0${s.ctimeNs}\0${s.ino}\n`);
  const memo = path.join(CACHE_DIR, `sources-${statKey.digest('hex').slice(0, 32)}`);
  try {
    const known = fs.readFileSync(memo, 'utf8');
    if (/^[0-9a-f]{64}$/.test(known)) return (digest = known);
  } catch {
    // not computed for these files yet
  }
  const hash = compiledHow();
  for (const [file] of stats) hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  digest = hash.digest('hex');
  // As git does with its index: a file changed within the last seconds could change again within the clock's
  // granularity and keep its stat line, so the digest is remembered only once every file has been still for a while.
  const settled = stats.every(([, s]) => Date.now() - Number(s.ctimeMs) > 2000);
  if (settled) {
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      for (const old of fs.readdirSync(CACHE_DIR)) if (old.startsWith('sources-')) fs.rmSync(path.join(CACHE_DIR, old), { force: true });
      const staging = `${memo}.${STAGING_ID}.tmp`;
      fs.writeFileSync(staging, digest);
      fs.renameSync(staging, memo);
    } catch {
      // a read-only checkout still runs, just without the memo
    }
  }
  return digest;
}

let compiled;
/** filename → JavaScript, for every source file, from one esbuild call (or the cache). */
function compileAll() {
  const entryPoints = allSources();
  const cacheFile = path.join(CACHE_DIR, `${sourcesDigest()}.json`);
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    compiled = new Map(Object.entries(cached).map(([rel, code]) => [path.join(ROOT, rel), code]));
    return;
  } catch {
    // no cache yet, or unreadable: compile
  }
  const result = esbuild().buildSync({
    ...OPTIONS,
    banner: { js: STRICT },
    entryPoints,
    outbase: ROOT,
    outdir: path.join(ROOT, '.compiled'),
    write: false,
    bundle: false,
    sourcemap: SOURCE_MAPS ? 'inline' : false,
    logLevel: 'silent',
  });
  compiled = new Map();
  const toCache = {};
  for (const file of result.outputFiles) {
    const rel = path.relative(path.join(ROOT, '.compiled'), file.path).replace(/\.js$/, '.ts');
    compiled.set(path.join(ROOT, rel), file.text);
    toCache[rel] = file.text;
  }
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Only the newest compilation is worth keeping.
    for (const old of fs.readdirSync(CACHE_DIR)) if (/^[0-9a-f]{64}\.json$/.test(old)) fs.rmSync(path.join(CACHE_DIR, old), { force: true });
    const staging = `${cacheFile}.${STAGING_ID}.tmp`;
    fs.writeFileSync(staging, JSON.stringify(toCache));
    fs.renameSync(staging, cacheFile);
  } catch {
    // a read-only checkout still runs, just without the cache
  }
}

/** npm rewrites node_modules/.package-lock.json on every install: its size and time stand for the installed packages. */
function packagesStamp() {
  try {
    const stat = fs.statSync(path.join(ROOT, 'node_modules', '.package-lock.json'));
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'none';
  }
}

const own = (filename) => `var __dirname = ${JSON.stringify(path.dirname(filename))}, __filename = ${JSON.stringify(filename)};`;

/**
 * A source as it runs inside the bundle: its own `__dirname` and `__filename` (in a bundle they would be
 * the bundle's), declared on the line of its "use strict" (no line moves); and `require.main === module`
 * true in the main module only (inside its wrapper `module` is the wrapper's, so the test is false elsewhere).
 */
function asBundled(code, filename, isMain) {
  const body = code.startsWith(STRICT) ? `${STRICT}${own(filename)}${code.slice(STRICT.length)}` : `${own(filename)}${code}`;
  return isMain ? body.replace(/\brequire\.main === module\b/g, 'true') : body;
}

/** A leading "use strict" directive (after comments): the declaration goes after it, or the file would lose strict mode. */
const DIRECTIVE = /^((?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])use strict\2;?)/;

/** A package file with its own `__dirname` and `__filename` too, on its first line of code. */
function packageAsBundled(text, filename) {
  const shebang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1) : '';
  const rest = text.slice(shebang.length);
  const directive = DIRECTIVE.exec(rest);
  const at = directive ? directive[1].length : 0;
  // A directive written without its semicolon gets one: the declaration follows on the same line.
  const end = directive && !directive[1].endsWith(';') ? ';' : '';
  return `${shebang}${rest.slice(0, at)}${end}${own(filename)}${rest.slice(at)}`;
}

/**
 * Writes the bundle of `entry` to `out` (run as `node ts-register.js --bundle ENTRY OUT DIGEST`: esbuild's plugins
 * need its asynchronous API). Refuses (exit 1) unless the sources are those the parent keyed the bundle by, before
 * and after the build: a checkout that changes meanwhile must not be filed under the old sources' key.
 */
async function writeBundle(entry, out, expected) {
  if (sourcesDigest() !== expected) throw new Error('the sources changed before the bundle was built');
  if (!compiled) compileAll();
  const result = await esbuild().build({
    ...OPTIONS,
    // A plain entry requiring the main module: a directive in the entry would make the whole bundle strict, packages too.
    stdin: { contents: `require(${JSON.stringify(entry)});`, resolveDir: ROOT, sourcefile: 'bundle-entry.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    write: false,
    sourcemap: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'own-dirname',
        setup(b) {
          // The sources as compileAll compiled them: CommonJS, each with its own "use strict".
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            const code = compiled.get(args.path);
            return code === undefined ? undefined : { contents: asBundled(code, args.path, args.path === entry), loader: 'js' };
          });
          b.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, (args) => ({
            contents: packageAsBundled(fs.readFileSync(args.path, 'utf8'), args.path),
            loader: 'js',
          }));
        },
      },
    ],
  });
  digest = undefined;
  sources = undefined;
  if (sourcesDigest() !== expected) throw new Error('the sources changed while the bundle was built');
  const staging = `${out}.${STAGING_ID}.tmp`;
  fs.writeFileSync(staging, asAscii(result.outputFiles[0].text));
  fs.renameSync(staging, out);
}

/**
 * esbuild writes code ASCII-only (its default charset), except the comments it keeps, a few of which hold `…` or
 * `→` (and regular expressions and tagged templates, where it keeps characters as written). Escaped, the bundle
 * is all ASCII and loads as a one-byte string: 8 MB instead of 16, read in a third of the time. An escape changes
 * nothing in a comment but would in a regular expression or a template's raw text, so the escaped text is kept
 * only when esbuild, dropping the comments, prints the same program for both (a second each, once per build).
 */
function asAscii(text) {
  const escaped = text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped === text) return text;
  const program = (code) => esbuild().transformSync(code, { loader: 'js', minifyWhitespace: true }).code;
  return program(escaped) === program(text) ? escaped : text;
}

/** A bundle's text: one-byte when it is all ASCII (as asAscii mostly makes it), else decoded as UTF-8. */
function readBundle(file) {
  const bytes = fs.readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** A build that takes longer has hung: the run goes on module by module. */
const BUNDLE_TIMEOUT_MS = 300_000;

/** The bundle of the main module `filename`, from the cache or built now, and its file name; undefined when it cannot be built. */
function mainBundle(filename) {
  const key = createHash('sha256').update(sourcesDigest()).update(packagesStamp()).update(process.version).update(fs.readFileSync(__filename)).update(filename);
  const prefix = `bundle-${path.relative(ROOT, filename).replace(/[^A-Za-z0-9]/g, '_')}-`;
  const file = path.join(CACHE_DIR, `${prefix}${key.digest('hex').slice(0, 32)}.js`);
  try {
    return { code: readBundle(file), file };
  } catch {
    // not built yet for these sources and packages
  }
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Older bundles of this entry (not this one if another process just wrote it), and staging files an interrupted build left.
    for (const old of fs.readdirSync(CACHE_DIR)) {
      const at = path.join(CACHE_DIR, old);
      if (old.startsWith(prefix) && old.endsWith('.js') && old !== path.basename(file)) fs.rmSync(at, { force: true });
      else if (old.startsWith('bundle-') && old.endsWith('.tmp') && Date.now() - fs.statSync(at).mtimeMs > 2 * BUNDLE_TIMEOUT_MS)
        fs.rmSync(at, { force: true });
    }
  } catch {
    return undefined;
  }
  const built = spawnSync(process.execPath, [__filename, '--bundle', filename, file, sourcesDigest()], { stdio: 'ignore', timeout: BUNDLE_TIMEOUT_MS });
  if (built.status !== 0) return undefined;
  try {
    return { code: readBundle(file), file };
  } catch {
    return undefined;
  }
}

const PRELOADED = Boolean(module.parent && module.parent.id === 'internal/preload');
// Not with --debug or source maps: a stack then names each source's own file and line, as module by module.
const BUNDLE_MAIN = PRELOADED && !process.env.PLATFORM_SYNTH_NO_BUNDLE && !SOURCE_MAPS && !process.argv.includes('--debug');
/** Entries of worker threads (loadInThread), bundled as a main module is. */
const threadEntries = new Set();

/**
 * The worker threads a main module uses (src/synth/kubernetes-worker.ts), started before its bundle loads, so that
 * both threads load at once on two cores rather than one after the other (a tenth of a synth). The main module
 * takes its thread with takeThread(entry); a thread it never takes (a usage error, say) does not hold the process.
 */
const THREADS_OF = new Map([[path.join(ROOT, 'src', 'cli.ts'), [path.join(ROOT, 'src', 'synth', 'kubernetes-thread.ts')]]]);
const threads = new Map();

function startThreads(main) {
  // PLATFORM_SYNTH_NO_THREAD=1: everything on the main thread (a machine with one core gains nothing from a second).
  if (process.env.PLATFORM_SYNTH_NO_THREAD) return;
  for (const entry of THREADS_OF.get(main) ?? []) {
    try {
      const { MessageChannel, Worker } = require('worker_threads');
      const { port1, port2 } = new MessageChannel();
      const boot = `require(${JSON.stringify(__filename)}).loadInThread(${JSON.stringify(entry)});`;
      // execArgv: [] keeps `-r ./ts-register.js` out: the thread loads this file itself, to load its entry as a bundle.
      const worker = new Worker(boot, { eval: true, execArgv: [], workerData: { port: port2 }, transferList: [port2] });
      worker.unref();
      // A failed thread only means the main thread does its work; its error must not end the process.
      worker.on('error', () => {});
      threads.set(entry, { worker, port: port1 });
    } catch {
      // no thread: the main module works alone
    }
  }
}

/** The thread started for `entry` ({ worker, port }), once; undefined when none was (jest, --debug, no bundle). */
function takeThread(entry) {
  const thread = threads.get(entry);
  threads.delete(entry);
  return thread;
}
globalThis[Symbol.for('platform-synth.threads')] = takeThread;

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  const main = module.id === '.';
  if ((main ? BUNDLE_MAIN : threadEntries.has(filename)) && allSources().includes(filename)) {
    if (main) startThreads(filename);
    const bundle = mainBundle(filename);
    if (bundle !== undefined) {
      // Its name holds the digest of everything it was built from: that keys its code cache (hashing 8 MB costs 15 ms).
      codeCache?.knownKey(filename, bundle.code, path.basename(bundle.file));
      return module._compile(bundle.code, filename);
    }
  }
  if (!compiled) compileAll();
  const code = compiled.get(filename) ?? compile(fs.readFileSync(filename, 'utf8'), filename, SOURCE_MAPS ? 'inline' : false).code;
  module._compile(code, filename);
};

// Loaded by `node -r` (not by jest.transform.js, which only wants compile()): also cache module resolution and V8's compiled code.
let codeCache;
function installCaches() {
  try {
    codeCache = require('./module-cache');
    codeCache.install(CACHE_DIR, allSources());
  } catch {
    // a read-only checkout still runs, just without these caches
  }
}
if (PRELOADED) installCaches();

/**
 * Loads the TypeScript `filename` as the entry of a worker thread, as `node -r` loads a main module: from its own
 * bundle and with the caches (a thread has its own module system, so nothing of the main thread's carries over).
 */
function loadInThread(filename) {
  if (!codeCache) installCaches();
  if (!process.env.PLATFORM_SYNTH_NO_BUNDLE && !SOURCE_MAPS) threadEntries.add(filename);
  require(filename);
}

if (require.main === module && process.argv[2] === '--bundle') {
  writeBundle(process.argv[3], process.argv[4], process.argv[5]).catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  });
}

module.exports = { compile, OPTIONS, sourcesDigest, loadInThread };
