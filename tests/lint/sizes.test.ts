// The size check of `npm run lint` (scripts/lint/sizes.mjs), shown to fail on fixtures: a source file
// over 400 lines and a function over 200 lines fail, files and functions at the limits pass, and
// test files are not source. Fixtures are written into the real tree and removed afterwards.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { MAX_FILE_LINES, MAX_FUNCTION_LINES, oversized, sourceFiles } from '../../scripts/lint/sizes.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'lint', 'sizes.mjs');

/** A file of `lines` lines: a one-line opener and constants. */
const longFile = (lines: number): string =>
  ['// A fixture of the size check.', ...Array.from({ length: lines - 1 }, (_, i) => `export const c${i} = ${i};`)].join('\n') + '\n';
/** A function spanning `lines` lines (its braces included), nested in one spanning three more. */
const longFunction = (lines: number): string =>
  [
    '// A fixture of the size check.',
    'export function outer(): () => number {',
    '  const inner = (): number => {',
    '    let n = 0;',
    ...Array.from({ length: lines - 4 }, () => '    n += 1;'),
    '    return n;',
    '  };',
    '  return inner;',
    '}',
  ].join('\n') + '\n';

/** Runs the check the way `npm run lint` does (no arguments: the whole tree) or on `files`. */
const run = (...files: string[]) => spawnSync(process.execPath, [SCRIPT, ...files], { cwd: ROOT, encoding: 'utf8' });

describe('npm run lint: size check', () => {
  test('a file over 400 lines fails, one of 400 passes', () => {
    assert.equal(MAX_FILE_LINES, 400);
    assert.deepEqual(oversized('x.ts', longFile(400)), []);
    assert.deepEqual(
      oversized('x.ts', longFile(401)).map((f) => [f.kind, f.lines]),
      [['file', 401]],
    );
  });

  test('a function over 200 lines fails by name (nested ones too, outer ones as well), one of 200 passes', () => {
    assert.equal(MAX_FUNCTION_LINES, 200);
    assert.deepEqual(oversized('x.mjs', longFunction(197)), [], 'the outer function spans exactly 200 lines');
    const found = oversized('x.ts', longFunction(201));
    assert.deepEqual(
      found.map((f) => [f.kind, f.name, f.lines]),
      [
        ['function', 'outer', 204],
        ['function', 'inner', 201],
      ],
    );
    assert.equal(found[1]?.line, 3);
  });

  test('the command fails on the fixtures in the tree, names them, and passes once they are gone', () => {
    const dir = `packages/core/src/lint-fixture-sizes-${process.pid}`;
    try {
      mkdirSync(join(ROOT, dir), { recursive: true });
      writeFileSync(join(ROOT, dir, 'long-file.ts'), longFile(401));
      writeFileSync(join(ROOT, dir, 'long-function.ts'), longFunction(201));
      // A test file of the same length is not source.
      writeFileSync(join(ROOT, dir, 'long.test.ts'), longFunction(300));
      assert.ok(sourceFiles(ROOT).includes(`${dir}/long-file.ts`), 'untracked files are checked too');
      const failed = run();
      assert.equal(failed.status, 1, failed.stdout + failed.stderr);
      assert.match(failed.stderr, new RegExp(`${dir}/long-file\\.ts:1 +file has 401 lines`));
      assert.match(failed.stderr, new RegExp(`${dir}/long-function\\.ts:3 +function inner has 201 lines`));
      assert.doesNotMatch(failed.stderr, /long\.test\.ts/);
      const strict = run(`${dir}/long-file.ts`);
      assert.equal(strict.status, 1, strict.stderr);
    } finally {
      rmSync(join(ROOT, dir), { recursive: true, force: true });
    }
    const clean = run();
    assert.equal(clean.status, 0, clean.stderr);
    assert.equal(clean.stderr, '');
  });
});
