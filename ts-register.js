/**
 * Runs the TypeScript sources directly: `node -r ./ts-register.js src/cli.ts`.
 * A CommonJS require hook over esbuild (no type-check; `npm run typecheck` does that). The first
 * .ts file loaded compiles every source under src/, stacks/ and charts/ in one esbuild call, in
 * memory: one call costs about what compiling two files one by one does. A general loader such
 * as tsx spends most of a second before the first line runs; synth time is mostly start-up, so
 * that matters. jest.transform.js uses the same options.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');
const { createHash } = require('crypto');
const { buildSync, transformSync, version: esbuildVersion } = require('esbuild');

const ROOT = __dirname;
const SOURCE_DIRS = ['src', 'stacks', 'charts'];
const OPTIONS = { format: 'cjs', target: 'node20' };
// As tsc does under `strict` (alwaysStrict): e.g. writing to a frozen object throws.
const STRICT = '"use strict";';
// Node reads inline source maps only with --enable-source-maps; without it they are megabytes parsed for nothing.
const SOURCE_MAPS = process.execArgv.includes('--enable-source-maps') || /--enable-source-maps/.test(process.env.NODE_OPTIONS ?? '');

/** One file, on its own (jest, and files outside the source folders). */
function compile(source, filename, sourcemap) {
  return transformSync(source, { ...OPTIONS, banner: STRICT, loader: 'ts', sourcefile: filename, sourcemap });
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

let compiled;
/** filename → JavaScript, for every source file, from one esbuild call (or the cache). */
function compileAll() {
  const entryPoints = allSources();
  const hash = createHash('sha256').update(esbuildVersion).update(JSON.stringify(OPTIONS)).update(STRICT).update(String(SOURCE_MAPS));
  for (const file of entryPoints) hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  const cacheFile = path.join(CACHE_DIR, `${hash.digest('hex')}.json`);
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    compiled = new Map(Object.entries(cached).map(([rel, code]) => [path.join(ROOT, rel), code]));
    return;
  } catch {
    // no cache yet, or unreadable: compile
  }
  const result = buildSync({
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
    const staging = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(staging, JSON.stringify(toCache));
    fs.renameSync(staging, cacheFile);
  } catch {
    // a read-only checkout still runs, just without the cache
  }
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  if (!compiled) compileAll();
  const code = compiled.get(filename) ?? compile(fs.readFileSync(filename, 'utf8'), filename, SOURCE_MAPS ? 'inline' : false).code;
  module._compile(code, filename);
};

// Loaded by `node -r` (not by jest.transform.js, which only wants compile()): also cache module resolution and V8's compiled code.
if (module.parent && module.parent.id === 'internal/preload') {
  try {
    require('./module-cache').install(CACHE_DIR, allSources());
  } catch {
    // a read-only checkout still runs, just without these caches
  }
}

module.exports = { compile, OPTIONS };
