// Lint: typescript-eslint's recommended rules plus a few security-minded ones.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'scratch/**', 'test-results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly', fetch: 'readonly' } },
    rules: {
      'no-eval': 'error',
      // Validators deliberately match control characters to reject them.
      'no-control-regex': 'off',
      'preserve-caught-error': 'warn',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      // Only config/ reads the environment (DESIGN.md).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read configuration through src/server/config' }],
    },
  },
  {
    files: ['src/server/config/**', 'test/**', 'scripts/**', 'bench/**', '**/*.test.ts', '**/*.e2e.ts', 'src/web/vite.config.ts', 'src/server/cli/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
