#!/usr/bin/env node
// Writes docs/openapi.json from the built @gatehouse/server (run `npm run openapi`); `--check` fails when the file is stale.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const { openApiDocument } = await import(resolve(root, 'packages/server/dist/http/openapi.js'));
const { version } = JSON.parse(readFileSync(resolve(root, 'packages/server/package.json'), 'utf8'));
const file = resolve(root, 'docs/openapi.json');
const text = `${JSON.stringify(openApiDocument(version), null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('docs/openapi.json is stale: run `npm run openapi` and commit it.');
    process.exit(1);
  }
  console.log('docs/openapi.json is up to date.');
} else {
  writeFileSync(file, text);
  console.log(`Wrote docs/openapi.json (${Object.keys(JSON.parse(text).paths).length} paths).`);
}
