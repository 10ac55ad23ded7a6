// The source files the edge build of @gatehouse/nextjs can reach: the edge entry and every file it
// imports, transitively (relative imports; @gatehouse/core is edge-only by its own lint rule).
// ESLint applies the edge rules (no `node:*`, no `Buffer`, no service package) to exactly these.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Where the edge build starts (the `edge-light` export of `@gatehouse/nextjs/server`). */
export const EDGE_ENTRIES = ['packages/nextjs/src/server/edge.ts'];

/** The file a relative specifier (`./x.js`) names in the source tree, or null when there is none. */
function resolveSource(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(m?js|jsx)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}.tsx`, join(stem, 'index.ts'), base]) {
    if (existsSync(candidate) && /\.(ts|tsx)$/.test(candidate)) return candidate;
  }
  return null;
}

/**
 * Every file reachable from `entries` (paths relative to `root`), as paths relative to `root`.
 * @param {string} root the repository root
 * @param {readonly string[]} [entries]
 * @returns {string[]}
 */
export function edgeReachableFiles(root, entries = EDGE_ENTRIES) {
  const seen = new Set();
  const queue = entries.map((entry) => resolve(root, entry)).filter((file) => existsSync(file));
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveSource(file, fileName);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen].map((file) => relative(root, file)).sort();
}
