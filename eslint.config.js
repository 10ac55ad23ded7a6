// Lint rules for the whole workspace: typescript-eslint's recommended set plus the layering rules
// (no import cycles, no Node in edge-reachable code, no `instanceof` on error classes).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { edgeReachableFiles } from './scripts/lint/edge-files.mjs';

const root = import.meta.dirname;

/** Node built-ins, the Node-only service package, and the frameworks core must not know about. */
const NODE_ONLY = ['node:*', '@gatehouse/server'];
const FRAMEWORKS = ['@gatehouse/nextjs', '@gatehouse/nextjs/*', 'next', 'next/*', 'react', 'react-dom'];
/** `Buffer` is Node's; edge code feature-detects it through `globalThis` or uses Web APIs. */
const NO_BUFFER = { name: 'Buffer', message: 'Edge-reachable code runs without Node: use Uint8Array / TextEncoder / base64url from jose.' };

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/.next/**',
      '**/node_modules/**',
      'apps/*/next-env.d.ts',
      'apps/.example-pass-through/**',
      // The earlier revision the before-vs-after bench case checks out and builds.
      'bench/.exp/**',
      // Public Clerk apps kept as they were written (their own lint setup, not this repository's).
      'apps/clerk-*/**',
      'tests/lint/fixtures/**',
    ],
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
      // A bundler may load a package twice (the proxy carries its own copy of core), and then
      // `instanceof` on an error class silently fails: errors are told apart by `code` / `name`.
      // The built-in classes are global, so checks against them stay allowed.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "BinaryExpression[operator='instanceof'][right.type='Identifier'][right.name=/Error$/]:not([right.name=/^(Error|TypeError|RangeError|SyntaxError|EvalError|ReferenceError|URIError|AggregateError)$/])",
          message:
            'Tell errors apart by their `code` or `name` (e.g. isGatehouseError(e) && e.code === ...), never by instanceof on an error class.',
        },
      ],
    },
  },
  {
    // No import cycles inside any package: each folder's dependencies point one way.
    files: ['packages/*/src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['packages/*/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // @gatehouse/core runs on the edge: Web APIs only, and nothing from the layers above it.
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...NODE_ONLY, ...FRAMEWORKS] }],
      'no-restricted-globals': ['error', NO_BUFFER],
    },
  },
  {
    // Everything the edge build of @gatehouse/nextjs/server reaches from its entry.
    files: edgeReachableFiles(root),
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: NODE_ONLY, allowTypeImports: true }] }],
      'no-restricted-globals': ['error', NO_BUFFER],
    },
  },
  {
    // @gatehouse/server never depends on the framework glue.
    files: ['packages/server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: FRAMEWORKS }],
    },
  },
);
