// Lint rules for the whole repository: ESLint's and typescript-eslint's recommended sets, zero warnings allowed
// (`npm run lint` runs with --max-warnings 0). Type-aware rules are left out: tsc --noEmit already type-checks,
// and the untyped rules run in seconds.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/*.d.ts', 'bench/out/**', 'examples/**/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: globals.node },
    rules: {
      // `_name` marks a parameter kept for its position in a signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An empty catch is a deliberate best effort (cleanup, a probe); an empty block anywhere else is a slip.
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Tests read JSON documents the CLI printed; typing each one would only restate the assertions.
    files: ['test/**/*.ts', '**/*.test.ts', 'bench/**'],
    // They also build hostile inputs out of control characters on purpose.
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-control-regex': 'off', 'no-regex-spaces': 'off' },
  },
);
