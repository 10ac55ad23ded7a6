#!/usr/bin/env node
// The size check of `npm run lint`: no source file over 400 lines and no function over 200 lines
// (CONVENTIONS.md; issue #14). Source is every script outside the test folders: a long file or
// function is where a concept is hiding that deserves its own name. Exits 1 and lists the offenders.
//
//   node scripts/lint/sizes.mjs            the repository's source files (git ls-files)
//   node scripts/lint/sizes.mjs FILE...    only these files (the fixture test uses this)

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import ts from 'typescript';

export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 200;

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
/** Tests, their fixtures and generated or vendored files are not source. */
const NOT_SOURCE = [/(^|\/)test\//, /(^|\/)tests\//, /\.test\.tsx?$/, /\.d\.(m|c)?ts$/, /(^|\/)(dist|\.next|node_modules)\//];

/** The repository's source files, relative to `root`. */
export function sourceFiles(root) {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  return listed
    .split('\n')
    .filter((file) => SOURCE.test(file) && !NOT_SOURCE.some((pattern) => pattern.test(file)))
    .sort();
}

/** A readable name for a function node: its own, its variable's, its property's, or `(anonymous)`. */
function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)))
    return parent.name.getText();
  return '(anonymous)';
}

/**
 * What is too long in one file's text: the file itself (over MAX_FILE_LINES) and every function,
 * method or arrow function (nested ones included) spanning more than MAX_FUNCTION_LINES.
 * @param {string} file a path, for the messages and the parser's choice of dialect
 * @param {string} text
 * @returns {{ file: string, line: number, kind: 'file' | 'function', name: string, lines: number }[]}
 */
export function oversized(file, text) {
  const found = [];
  const total = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (total > MAX_FILE_LINES) found.push({ file, line: 1, kind: 'file', name: file, lines: total });
  const kind = /\.tsx$/.test(file) ? ts.ScriptKind.TSX : /\.(m|c)?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) found.push({ file, line: start + 1, kind: 'function', name: nameOf(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Offenders being split under issue #14, allowed until then. Each must still offend (a stale entry
 * fails the check too), so the list only shrinks: `file` for a file, `file#name` for a function.
 */
export const PENDING = [];

/** The key of an offender in PENDING. */
const keyOf = (f) => (f.kind === 'file' ? f.file : `${f.file}#${f.name}`);

/** The offenders among `files` (paths relative to `root`). */
export function checkSizes(root, files = sourceFiles(root)) {
  return files.flatMap((file) => oversized(file, readFileSync(resolve(root, file), 'utf8')));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(import.meta.dirname, '..', '..');
  const args = process.argv.slice(2);
  const all = checkSizes(root, args.length ? args.map((file) => relative(root, resolve(file))) : undefined);
  // Explicit files are checked strictly; the whole tree allows the pending offenders, and only them.
  const pending = args.length ? [] : PENDING;
  const found = all.filter((f) => !pending.includes(keyOf(f)));
  const stale = pending.filter((key) => !all.some((f) => keyOf(f) === key));
  for (const f of found) {
    const limit = f.kind === 'file' ? MAX_FILE_LINES : MAX_FUNCTION_LINES;
    console.error(`${f.file}:${f.line}  ${f.kind} ${f.kind === 'file' ? '' : `${f.name} `}has ${f.lines} lines (at most ${limit})`);
  }
  for (const key of stale) console.error(`${key} is within the limits now: remove it from PENDING in scripts/lint/sizes.mjs`);
  if (stale.length && !found.length) process.exit(1);
  if (found.length) {
    console.error(`\n✖ ${found.length} over the size limits: split them by concept.`);
    process.exit(1);
  }
}
