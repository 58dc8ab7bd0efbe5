// Layering is part of lint: libs never import apps, apps never import each other.
import tseslint from 'typescript-eslint';

const APPS = ['gateway', 'scheduling', 'session-log', 'payroll', 'state-reporting'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through @sessionledger/config' }],
    },
  },
  {
    files: ['libs/config/**', 'libs/testing/**', 'test/**', 'bench/**', 'scripts/**', '**/*.spec.ts', '**/*-spec.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['libs/**/src/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/**', '../../apps/*'], message: 'libs never depend on apps' }] }],
    },
  },
  {
    // The web app reaches the API only through the generated client, so a call the API does not accept does not compile.
    files: ['apps/web/src/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'fetch', message: 'Call the API through useApi() (@sessionledger/api-client)' }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/*/src/**', '**/libs/**', '@sessionledger/*', '!@sessionledger/api-client'], message: 'the web app shares only the API client with the back end' }] },
      ],
    },
  },
  { files: ['apps/web/src/api/**'], rules: { 'no-restricted-globals': 'off' } },
  ...APPS.map((app) => ({
    files: [`apps/${app}/src/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: APPS.filter((other) => other !== app).map((other) => ({
            group: [`**/apps/${other}/**`, `../../${other}/**`],
            message: 'services talk only through messages in @sessionledger/contracts',
          })),
        },
      ],
    },
  })),
);
