/** Tests are transpiled by esbuild (no type-check: `npm run typecheck` does that once). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/jest.transform.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
};
