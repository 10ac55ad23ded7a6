// Issue #23: docs/compat.md covers every export of @clerk/nextjs 7, @clerk/nextjs/server and @clerk/nextjs/errors, read
// from Clerk's published type declarations (the root devDependency), and every row it marks
// `present` is exported by Gatehouse's matching entry point (from the built declarations).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

/** The names a package entry point exports, from its declaration files. */
function exportsOf(specifier: string): Set<string> {
  // Resolved as a module of the repository would resolve it (the file need not exist).
  const resolved = ts.resolveModuleName(specifier, join(ROOT, 'tests', 'compat', 'probe.mts'), OPTIONS, ts.sys).resolvedModule;
  assert.ok(resolved, `${specifier} does not resolve: run npm install (and npm run build:packages)`);
  const program = ts.createProgram([resolved.resolvedFileName], OPTIONS);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(resolved.resolvedFileName);
  assert.ok(file, resolved.resolvedFileName);
  const symbol = checker.getSymbolAtLocation(file);
  assert.ok(symbol, `${resolved.resolvedFileName} is not a module`);
  return new Set(checker.getExportsOfModule(symbol).map((s) => s.name));
}

/** The rows of the section `## \`heading\``: export name -> status. */
function documented(heading: string): Map<string, string> {
  const doc = readFileSync(join(ROOT, 'docs', 'compat.md'), 'utf8');
  const start = doc.indexOf(`## \`${heading}\``);
  assert.notEqual(start, -1, `docs/compat.md has no section for ${heading}`);
  const next = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, next === -1 ? undefined : next);
  const rows = new Map<string, string>();
  for (const match of section.matchAll(/^\| `([^`]+)` +\| (present|absent) +\| *(.*?) *\|$/gm)) {
    assert.ok(match[2] === 'present' || match[3]!.length > 0, `${heading}: ${match[1]} is absent without a reason`);
    rows.set(match[1]!, match[2]!);
  }
  return rows;
}

describe('docs/compat.md against Clerk 7 (issue #23)', () => {
  // The least number of names each Clerk entry point exports (a guard against reading an empty module).
  for (const [clerk, gatehouse, least] of [
    ['@clerk/nextjs', '@gatehouse/nextjs', 40],
    ['@clerk/nextjs/server', '@gatehouse/nextjs/server', 40],
    ['@clerk/nextjs/errors', '@gatehouse/nextjs/errors', 8],
  ] as const) {
    test(`${clerk}: every export is listed, and every "present" row is exported by ${gatehouse}`, () => {
      const theirs = exportsOf(clerk);
      assert.ok(theirs.size > least, `only ${theirs.size} exports read from ${clerk}`);
      const rows = documented(clerk);
      const missing = [...theirs].filter((name) => !rows.has(name)).sort();
      assert.deepEqual(missing, [], `docs/compat.md does not cover these exports of ${clerk}`);
      const ours = exportsOf(gatehouse);
      const claimed = [...rows].filter(([name, status]) => status === 'present' && !ours.has(name)).map(([name]) => name);
      assert.deepEqual(claimed, [], `docs/compat.md says present, ${gatehouse} does not export`);
      const unexported = [...rows].filter(([name, status]) => status === 'absent' && ours.has(name)).map(([name]) => name);
      assert.deepEqual(unexported, [], `docs/compat.md says absent, ${gatehouse} exports`);
    });
  }
});
