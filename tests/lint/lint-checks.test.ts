// The layering checks of `npm run lint` (issue #14), each shown to fail on a fixture: an import
// cycle, an unused export and an unused file, `instanceof` on an error class, and `node:` or
// `Buffer` in code the edge build reaches. Fixtures are written into the real tree (the checks run
// with the project's own configuration) and removed afterwards.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { edgeReachableFiles, EDGE_ENTRIES } from '../../scripts/lint/edge-files.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** Writes `files` (path relative to the repository -> text), runs `body`, then removes `dir`. */
async function withFixture(dir: string, files: Record<string, string>, body: () => Promise<void>): Promise<void> {
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(ROOT, path, '..'), { recursive: true });
      writeFileSync(join(ROOT, path), text);
    }
    await body();
  } finally {
    rmSync(join(ROOT, dir), { recursive: true, force: true });
  }
}

/** The rule ids ESLint reports for `text` linted as if it were the file at `filePath`. */
async function rulesFor(text: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('npm run lint: layering checks', () => {
  test('an import cycle inside a package fails import-x/no-cycle; the same files without the cycle pass', async () => {
    const dir = `packages/core/src/lint-fixture-${process.pid}`;
    await withFixture(
      dir,
      {
        [`${dir}/a.ts`]: "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n",
        [`${dir}/b.ts`]: "import { a } from './a.js';\nexport const b = (): number => a() - 1;\n",
      },
      async () => {
        const results = await eslint.lintFiles([`${dir}/*.ts`]);
        const rules = results.flatMap((r) => r.messages.map((m) => m.ruleId));
        assert.deepEqual(rules, ['import-x/no-cycle', 'import-x/no-cycle']);
        writeFileSync(join(ROOT, dir, 'b.ts'), 'export const b = (): number => 1;\n');
        const clean = await new ESLint({ cwd: ROOT, cache: false }).lintFiles([`${dir}/*.ts`]);
        assert.deepEqual(
          clean.flatMap((r) => r.messages),
          [],
        );
      },
    );
  });

  test('instanceof on an error class fails; instanceof on the built-in Error and a code check pass', async () => {
    const file = 'packages/server/src/lint-fixture.ts';
    const bad =
      "import { TokenVerificationError } from '@gatehouse/core';\nexport const f = (e: unknown) => e instanceof TokenVerificationError;\n";
    assert.deepEqual(await rulesFor(bad, file), ['no-restricted-syntax']);
    const alsoBad = 'class OwnError extends Error {}\nexport const f = (e: unknown) => e instanceof OwnError;\n';
    assert.deepEqual(await rulesFor(alsoBad, file), ['no-restricted-syntax']);
    const good =
      "import { isGatehouseError } from '@gatehouse/core';\nexport const f = (e: unknown) => (isGatehouseError(e) && e.code === 'unauthenticated') || e instanceof Error;\n";
    assert.deepEqual(await rulesFor(good, file), []);
  });

  test('node: imports and Buffer fail in core and in every file the edge build reaches, not in Node-only glue', async () => {
    const edgeFiles = edgeReachableFiles(ROOT);
    assert.ok(edgeFiles.includes(EDGE_ENTRIES[0]!), 'the edge entry is among the checked files');
    assert.ok(edgeFiles.includes('packages/nextjs/src/server/middleware-core.ts'), 'files the entry imports are checked too');
    assert.ok(!edgeFiles.includes('packages/nextjs/src/server/backend.ts'), 'Node-only glue is not');

    const nodeImport = "import { createHash } from 'node:crypto';\nexport const h = () => createHash('sha256');\n";
    const buffer = "export const b = (s: string) => Buffer.from(s).toString('base64url');\n";
    const service = "import { createGatehouse } from '@gatehouse/server';\nexport const g = createGatehouse;\n";
    for (const file of ['packages/core/src/lint-fixture.ts', 'packages/nextjs/src/server/middleware-core.ts']) {
      assert.deepEqual(await rulesFor(nodeImport, file), ['no-restricted-imports'], `${file}: node:`);
      assert.deepEqual(await rulesFor(buffer, file), ['no-restricted-globals'], `${file}: Buffer`);
      assert.deepEqual(await rulesFor(service, file), ['no-restricted-imports'], `${file}: @gatehouse/server`);
    }
    // The Node proxy may use all three.
    for (const text of [nodeImport, buffer]) assert.deepEqual(await rulesFor(text, 'packages/nextjs/src/server/backend.ts'), []);
  });

  test('the edge set follows imports transitively from the entry', async () => {
    const dir = `packages/nextjs/src/lint-fixture-${process.pid}`;
    await withFixture(
      dir,
      {
        [`${dir}/entry.ts`]: "export { a } from './a.js';\n",
        [`${dir}/a.ts`]: "import type { B } from './types.js';\nexport { b as a } from './deep/b.js';\nexport type { B };\n",
        [`${dir}/deep/b.ts`]: 'export const b = 1;\n',
        [`${dir}/types.ts`]: 'export type B = number;\n',
        [`${dir}/unreached.ts`]: 'export const u = 1;\n',
      },
      async () => {
        const files = edgeReachableFiles(ROOT, [`${dir}/entry.ts`]);
        assert.deepEqual(files, [`${dir}/a.ts`, `${dir}/deep/b.ts`, `${dir}/entry.ts`, `${dir}/types.ts`]);
      },
    );
  });

  test('knip fails on an unused export and on an unused file, and passes without them', async () => {
    const dir = `packages/core/test/lint-fixture-${process.pid}`;
    const knip = () => spawnSync('npx', ['knip', '--no-progress', '--no-config-hints'], { cwd: ROOT, encoding: 'utf8' });
    await withFixture(
      dir,
      {
        [`${dir}/entry.test.ts`]: "import { used } from './lib.js';\nexport const check = used;\n",
        [`${dir}/lib.ts`]: 'export const used = 1;\nexport const neverImported = 2;\n',
        [`${dir}/orphan.ts`]: 'export const orphan = 3;\n',
      },
      async () => {
        const run = knip();
        assert.equal(run.status, 1, run.stdout + run.stderr);
        assert.match(run.stdout, /Unused files[\s\S]*orphan\.ts/);
        assert.match(run.stdout, /Unused exports[\s\S]*neverImported/);
        assert.doesNotMatch(run.stdout, /\bused\b.*lib\.ts/);
        rmSync(join(ROOT, dir, 'orphan.ts'));
        writeFileSync(join(ROOT, dir, 'lib.ts'), 'export const used = 1;\n');
        const clean = knip();
        assert.equal(clean.status, 0, clean.stdout + clean.stderr);
      },
    );
  });
});
