/** Unit specs sit beside the code; integration and e2e specs under each app's or lib's test/. */
const paths = require('./tsconfig.json').compilerOptions.paths;

const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: '(apps|libs|test)/.*\\.(spec|e2e-spec|int-spec)\\.ts$',
  // The web app's own unit tests run in Vitest (jsdom); its browser specs (apps/web/test) run here.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/web/src/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // content-disposition 3 (under @fastify/static), @scure/base 2 and @noble/hashes 2 (under otplib), and temporal-polyfill (a test-only reference) ship ESM only; Node 20 loads them natively, jest needs them compiled.
    '^.+/node_modules/(content-disposition|@scure/base|@noble/hashes|temporal-polyfill|temporal-utils)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  // Any node_modules path but those packages, however deep they are nested (@noble/hashes sits under @otplib/plugin-crypto-noble).
  transformIgnorePatterns: ['^(?!.*/node_modules/(content-disposition|@scure/base|@noble/hashes|temporal-polyfill|temporal-utils)/).*/node_modules/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  setupFilesAfterEnv: ['<rootDir>/test/per-file-database.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
