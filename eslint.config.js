// Lint rules for the whole workspace: typescript-eslint's recommended set plus the layering rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', 'apps/*/next-env.d.ts', 'apps/.example-pass-through/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        Request: 'readonly',
        Response: 'readonly',
        Headers: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        window: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // @gatehouse/core runs on the edge: Web APIs only, and nothing from the layers above it.
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', '@gatehouse/server', '@gatehouse/nextjs', '@gatehouse/nextjs/*', 'next', 'next/*', 'react', 'react-dom'] },
      ],
    },
  },
  {
    // @gatehouse/server never depends on the framework glue.
    files: ['packages/server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@gatehouse/nextjs', '@gatehouse/nextjs/*', 'next', 'next/*', 'react', 'react-dom'] },
      ],
    },
  },
);
