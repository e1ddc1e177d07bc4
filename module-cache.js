/**
 * Two persistent caches for loading CommonJS modules, used by ts-register.js under `node -r`.
 *
 * Resolution: where each `require(request)` from a folder led last time. Resolving looks for
 * files, reads package.json files and follows symbolic links, a tenth of a synth. The table is
 * valid for one set of files: its name holds the sources' paths (ts-register.js lists them) and
 * the size and time of node_modules/.package-lock.json, which npm rewrites on every install.
 *
 * Code: a V8 code cache for every module (Node 20 has no module.enableCompileCache).
 * Compiling the provider bindings, cdktf and cdk8s is about a fifth of a synth; V8 can instead
 * deserialize the code it compiled last time. One file holds the code of every module a run used,
 * produced at exit so it includes the functions that run compiled lazily.
 *
 * A module's entry is used only if its source is unchanged: files under node_modules are matched
 * by size and modification time (hashing 18 MB of provider code would cost more than it saves),
 * a bundle by the digest in its file name, all others (the compiled TypeScript) by a hash of their text. V8 also rejects code produced by
 * another V8 version or with other flags; such a module is compiled normally and stored anew.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const crypto = require('crypto');
const Module = require('module');
const { Buffer } = require('buffer');
const { isMainThread, threadId } = require('worker_threads');
/**
 * A worker thread keeps caches of its own (its entry's modules): the threads of one process exit at different
 * times, and each writes its whole file, so one shared file would keep only the last writer's entries.
 */
const THREAD = isMainThread ? '' : 'thread-';
/** A staging file's suffix: unique per thread of a process. */
const STAGING = `${process.pid}-${threadId}.tmp`;

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** Sources whose key the caller already knows (ts-register.js's bundles, named by their own digest): no hash of their text. */
const known = new Map();

/** `content` of `filename` is identified by `key`: its code-cache entry is matched by that instead of a hash of the text. */
function knownKey(filename, content, key) {
  known.set(filename, { content, key });
}

function keyOf(filename, content) {
  const given = known.get(filename);
  if (given && given.content === content) return given.key;
  if (filename.includes(NODE_MODULES)) {
    const stat = fs.statSync(filename);
    return `${stat.size}:${stat.mtimeMs}`;
  }
  return crypto.hash('sha1', content);
}

/**
 * The cache file: a 4-byte header length, a JSON header { filename: [key, offset, length] }, then
 * the code. Entries are read one by one when their module loads, so each buffer is garbage once V8
 * has its code (reading the whole file would keep all of it in memory for the whole run).
 */
function open(file) {
  try {
    const fd = fs.openSync(file, 'r');
    const length = Buffer.alloc(4);
    fs.readSync(fd, length, 0, 4, 0);
    const headerLength = length.readUInt32LE(0);
    const header = Buffer.alloc(headerLength);
    fs.readSync(fd, header, 0, headerLength, 4);
    const entries = new Map(Object.entries(JSON.parse(header.toString('utf8'))));
    const body = 4 + headerLength;
    const data = ([, offset, size]) => {
      const buffer = Buffer.allocUnsafe(size);
      fs.readSync(fd, buffer, 0, size, body + offset);
      return buffer;
    };
    return { entries, data, close: () => fs.closeSync(fd) };
  } catch {
    return { entries: new Map(), data: () => undefined, close: () => {} };
  }
}

function write(file, entries) {
  const header = {};
  const blobs = [];
  let offset = 0;
  for (const [name, { key, data }] of entries) {
    header[name] = [key, offset, data.length];
    blobs.push(data);
    offset += data.length;
  }
  const headerBuffer = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBuffer.length, 0);
  try {
    const staging = `${file}.${STAGING}`;
    fs.writeFileSync(staging, Buffer.concat([length, headerBuffer, ...blobs]));
    fs.renameSync(staging, file);
  } catch {
    // a read-only checkout still runs, just without the cache
  }
}

/** `require` as Node builds it for a module. */
function makeRequire(mod) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

function cacheResolution(file) {
  let table;
  try {
    table = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    table = {};
  }
  let added = false;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveCached(request, parent, isMain, options) {
    if (options || !parent || !parent.filename || request.startsWith('node:') || Module.isBuiltin(request)) return resolve.apply(this, arguments);
    const key = `${path.dirname(parent.filename)}\0${request}`;
    const known = table[key];
    if (known !== undefined) return known;
    const filename = resolve.apply(this, arguments);
    table[key] = filename;
    added = true;
    return filename;
  };
  process.once('exit', () => {
    if (!added) return;
    try {
      for (const old of fs.readdirSync(path.dirname(file)))
        if (old.startsWith('resolve-') && old.startsWith('resolve-thread-') === Boolean(THREAD)) fs.rmSync(path.join(path.dirname(file), old), { force: true });
      const staging = `${file}.${STAGING}`;
      fs.writeFileSync(staging, JSON.stringify(table));
      fs.renameSync(staging, file);
    } catch {
      // no cache next time
    }
  });
}

function cacheCode(file) {
  const cache = open(file);
  /** Scripts compiled without usable cached code this run: their code is stored at exit. */
  const fresh = [];
  Module.prototype._compile = function compileWithCache(content, filename) {
    // A shebang line is no JavaScript inside the module wrapper; keep the line, drop the text.
    if (content.startsWith('#!')) content = '//' + content;
    const key = keyOf(filename, content);
    const entry = cache.entries.get(filename);
    const cachedData = entry && entry[0] === key ? cache.data(entry) : undefined;
    const script = new vm.Script(Module.wrap(content), { filename, cachedData, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    if (!cachedData || script.cachedDataRejected) fresh.push({ filename, key, script });
    const fn = script.runInThisContext({ displayErrors: true });
    return fn.call(this.exports, this.exports, makeRequire(this), this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    if (fresh.length > 0) {
      // Entries of modules this run did not load (another command's) are kept.
      const entries = new Map();
      for (const [name, entry] of cache.entries) entries.set(name, { key: entry[0], data: cache.data(entry) });
      for (const { filename, key, script } of fresh) entries.set(filename, { key, data: script.createCachedData() });
      write(file, entries);
    }
    cache.close();
  });
}

/**
 * `dir`: the cache folder. `sources`: every source file's path, so that adding or removing one
 * invalidates the resolution table.
 */
function install(dir, sources) {
  fs.mkdirSync(dir, { recursive: true });
  let lock = '';
  try {
    const stat = fs.statSync(path.join(__dirname, 'node_modules', '.package-lock.json'));
    lock = `${stat.size}:${stat.mtimeMs}`;
  } catch {
    // no npm install record: resolution is cached by the sources alone
  }
  const world = crypto.createHash('sha256').update(process.version).update(lock).update(sources.join('\0')).digest('hex').slice(0, 16);
  cacheResolution(path.join(dir, `resolve-${THREAD}${world}.json`));
  cacheCode(path.join(dir, `v8-${THREAD}${process.version}-${process.arch}.bin`));
}

module.exports = { install, knownKey };
