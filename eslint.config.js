// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/build/**',
      '**/node_modules/**',
      '**/.turbo/**',
      'wordpress-plugin/**',
      'e2e/test-results/**',
      'e2e/playwright-report/**',
      '.cache/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Library code logs through the structured logger, never the console.
    files: ['packages/*/src/**/*.ts', 'packages/*/src/**/*.js'],
    ignores: ['packages/client/src/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // The browser SDK must not pull in server-only modules.
    files: ['packages/client/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The SDK runs in browsers.' },
            { group: ['@vip-presence/protocol/token'], message: 'Tokens are signed server side.' },
          ],
        },
      ],
    },
  },
);
