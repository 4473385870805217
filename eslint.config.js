// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The dependency rule of the style guide: the core never imports an adapter or an SDK. */
const coreMayNotImport = [
  { group: ['bullmq', 'ioredis', 'jsforce', 'ws', '@ringcentral/*', '@rc-ex/*'], message: 'Core code talks to ports, not SDKs.' },
  { group: ['**/ringcentral/**', '!**/ringcentral/*.schema.ts', '**/queue/**', '**/simulators/**', '**/*.adapter.ts'], message: 'Core code must not depend on adapters.' },
  // The validated event type is the contract at the edge: core code may import its types, nothing else.
  { group: ['**/ringcentral/*.schema.ts'], allowTypeImports: true, message: 'Core code may import only the types of the event schema.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/out/**', '.ci/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/mapping/**/*.ts', 'src/sync/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: coreMayNotImport }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
