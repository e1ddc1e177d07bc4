/**
 * Jest transformer: TypeScript → CommonJS with the same esbuild options as ts-register.js, which
 * runs synth. No type-check here; `npm run typecheck` does that once.
 */
const { createHash } = require('crypto');
const { readFileSync } = require('fs');
const { version } = require('esbuild');
const { compile } = require('./ts-register');

// Cached transforms are keyed by both files' text too, so editing either invalidates the cache.
const SELF = readFileSync(__filename, 'utf8') + readFileSync(require.resolve('./ts-register'), 'utf8');

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256').update(SELF).update(version).update(filename).update('\0').update(source).digest('hex');
  },
  process(source, filename) {
    const { code, map } = compile(source, filename, 'external');
    return { code, map };
  },
};
