/**
 * Jest transformer: TypeScript → CommonJS with esbuild (the compiler tsx already uses for synth).
 * No type-check here; `npm run typecheck` does that once.
 */
const { createHash } = require('crypto');
const { readFileSync } = require('fs');
const { transformSync, version } = require('esbuild');

// Cached transforms are keyed by this file's own text too, so editing it invalidates the cache.
const SELF = readFileSync(__filename, 'utf8');

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256').update(SELF).update(version).update(filename).update('\0').update(source).digest('hex');
  },
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
      // As tsc does under `strict` (alwaysStrict): e.g. writing to a frozen object throws.
      banner: '"use strict";',
    });
    return { code, map };
  },
};
