// `gatehouse migrate-code` as a real child process on temp copies of Next apps: the Clerk apps under apps/clerk-* are exactly their
// public origin plus this codemod, a second run changes nothing, other Clerk packages are mapped or left alone and reported, and
// a directory that is not a Next App Router app is refused with nothing written.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../../../test-support/instance.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ORIGINS = fileURLToPath(new URL('fixtures/clerk-origin', import.meta.url));
/** What the build or the codemod leaves that is not part of the app's source (the .env holds a fresh random secret). */
const NOT_SOURCE = new Set(['node_modules', '.next', 'next-env.d.ts', '.env', 'tsconfig.tsbuildinfo']);

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function migrate(cwd: string, args: string[] = []): Run {
  const result = spawnSync(process.execPath, [MAIN, 'migrate-code', ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: cwd },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function temp(): string {
  const dir = makeTempDir();
  temps.push(dir);
  return dir;
}

/** Every file under `dir` (relative path -> content), without build output and the generated .env. */
function tree(dir: string, base = dir): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_SOURCE.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of tree(path, base)) files.set(k, v);
    else files.set(relative(base, path), readFileSync(path).toString('base64'));
  }
  return files;
}

/** Writes `files` (relative path -> text) under `dir`. */
function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const fixtures = readdirSync(ORIGINS)
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.replace(/\.json$/, ''));

describe('the Clerk app fixtures are their public origin plus `gatehouse migrate-code`', () => {
  test('there is an origin record for every apps/clerk-* fixture', () => {
    const apps = readdirSync(join(ROOT, 'apps')).filter((name) => name.startsWith('clerk-'));
    assert.deepEqual(apps.map((name) => name.replace(/^clerk-/, '')).sort(), [...fixtures].sort());
  });

  for (const name of fixtures) {
    test(`apps/clerk-${name}: the origin's files, migrated, give the fixture byte for byte; a second run changes nothing`, () => {
      const origin = JSON.parse(readFileSync(join(ORIGINS, `${name}.json`), 'utf8')) as {
        repository: string;
        commit: string;
        files: Record<string, string>;
      };
      const fixture = join(ROOT, 'apps', `clerk-${name}`);
      assert.match(readFileSync(join(fixture, 'ORIGIN.md'), 'utf8'), new RegExp(`${origin.repository}[\\s\\S]*${origin.commit}`));
      // The fixture's untouched files plus the origin's versions of the files the codemod changes; without the route it adds.
      const dir = join(temp(), name);
      cpSync(fixture, dir, { recursive: true, filter: (src) => !NOT_SOURCE.has(src.split('/').at(-1) ?? '') });
      rmSync(join(dir, 'ORIGIN.md'));
      const appDir = existsSync(join(dir, 'src', 'app')) ? join(dir, 'src') : dir;
      rmSync(join(appDir, 'app', 'api', 'gatehouse'), { recursive: true });
      write(dir, origin.files);

      const run = migrate(dir);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.match(run.stdout, /package\.json: removed @clerk\/nextjs from dependencies/);
      assert.match(run.stdout, /package\.json: added @gatehouse\/nextjs \^0\.1\.0 to dependencies/);
      assert.match(run.stdout, /route\.ts: added/);
      assert.match(run.stdout, /\.env: created with GATEHOUSE_SECRET/);
      for (const file of Object.keys(origin.files).filter((f) => f !== 'package.json')) {
        assert.ok(run.stdout.includes(`${file}: `), `${file} is reported`);
      }

      const expected = tree(fixture);
      expected.delete('ORIGIN.md');
      assert.deepEqual(tree(dir), expected);
      const env = readFileSync(join(dir, '.env'), 'utf8');
      const secret = /^GATEHOUSE_SECRET=([A-Za-z0-9_-]{64})$/m.exec(env)?.[1];
      assert.ok(secret, env);
      assert.equal(statSync(join(dir, '.env')).mode & 0o777, 0o600);
      assert.ok(!run.stdout.includes(secret), 'the secret is never printed');

      const again = migrate(dir);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /already migrated, nothing to change/);
      assert.deepEqual(tree(dir), expected);
      assert.equal(readFileSync(join(dir, '.env'), 'utf8'), env);
    });
  }
});

describe('migrate-code on small apps', () => {
  const pkg = (deps: Record<string, string>) => `${JSON.stringify({ name: 'app', private: true, dependencies: deps }, null, 2)}\n`;

  test('maps themes, localizations and types; keeps and reports what has no counterpart (and the package it needs)', () => {
    const dir = temp();
    write(dir, {
      'package.json': pkg({
        '@clerk/backend': '^2.0.0',
        '@clerk/localizations': '^3.0.0',
        '@clerk/nextjs': '^6.20.0',
        '@clerk/themes': '^2.0.0',
        '@clerk/types': '^4.0.0',
        next: '15.5.18',
        react: '^19.2.6',
        'react-dom': '^19.2.6',
      }),
      'src/app/layout.tsx': [
        "import { ClerkProvider } from '@clerk/nextjs';",
        'import { dark } from "@clerk/themes";',
        "import { frFR } from '@clerk/localizations';",
        "import { shadesOfPurple } from '@clerk/ui/themes';",
        "import { ui, type Appearance } from '@clerk/ui';",
        "import type { UserResource } from '@clerk/types';",
        "import type { OrganizationResource } from '@clerk/shared/types';",
        '',
      ].join('\n'),
      'src/app/api/me/route.js': [
        "const { auth } = require('@clerk/nextjs/server');",
        "const webhooks = await import('@clerk/nextjs/webhooks');",
        "import { createClerkClient } from '@clerk/backend';",
        "import { isClerkAPIResponseError } from '@clerk/nextjs/errors';",
        "import { clerkDevelopmentCache } from '@clerk/nextjs/internal';",
        '',
      ].join('\n'),
      'src/types/globals.d.ts': "export {};\ndeclare module '@clerk/types' {}\n",
      'src/app/notes.md': "import '@clerk/nextjs' stays in prose\n",
    });
    const run = migrate(temp(), [dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      readFileSync(join(dir, 'src/app/layout.tsx'), 'utf8'),
      [
        "import { ClerkProvider } from '@gatehouse/nextjs';",
        'import { dark } from "@gatehouse/nextjs/themes";',
        "import { frFR } from '@gatehouse/nextjs/localizations';",
        "import { shadesOfPurple } from '@gatehouse/nextjs/themes';",
        "import { ui, type Appearance } from '@gatehouse/nextjs/themes';",
        "import type { UserResource } from '@gatehouse/nextjs/types';",
        "import type { OrganizationResource } from '@gatehouse/nextjs/types';",
        '',
      ].join('\n'),
    );
    const route = readFileSync(join(dir, 'src/app/api/me/route.js'), 'utf8');
    assert.match(route, /require\('@gatehouse\/nextjs\/server'\)/);
    assert.match(route, /import\('@gatehouse\/nextjs\/webhooks'\)/);
    assert.match(route, /from '@clerk\/backend'/);
    assert.match(route, /from '@gatehouse\/nextjs\/errors'/);
    assert.match(route, /from '@clerk\/nextjs\/internal'/);
    assert.equal(readFileSync(join(dir, 'src/types/globals.d.ts'), 'utf8'), "export {};\ndeclare module '@gatehouse/nextjs/types' {}\n");
    assert.equal(readFileSync(join(dir, 'src/app/notes.md'), 'utf8'), "import '@clerk/nextjs' stays in prose\n");
    assert.match(run.stdout, /Left alone \(no Gatehouse counterpart[^\n]*\n {2}src\/app\/api\/me\/route\.js: @clerk\/backend\n/);
    assert.match(run.stdout, /src\/app\/api\/me\/route\.js: @clerk\/nextjs\/internal/);
    assert.doesNotMatch(run.stdout, /: @clerk\/nextjs\/errors/);
    // @clerk/nextjs is still imported (its /internal): it stays, next to @gatehouse/nextjs; the fully mapped ones go.
    const deps = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
    assert.deepEqual(Object.keys(deps), ['@clerk/backend', '@clerk/nextjs', '@gatehouse/nextjs', 'next', 'react', 'react-dom']);
    assert.equal(deps.next, '15.5.18', 'a range at or above the floor stays as written');
    // TypeScript app (a .tsx file): the handler route is route.ts, under src/app.
    assert.ok(existsSync(join(dir, 'src/app/api/gatehouse/[...gatehouse]/route.ts')));
  });

  test('raises next and react below the releases Gatehouse supports; keeps an existing GATEHOUSE_SECRET', () => {
    const dir = temp();
    const envLocal = 'GATEHOUSE_SECRET=kept-as-it-is\n';
    write(dir, {
      'package.json': pkg({ '@clerk/nextjs': '^7.0.0', next: '16.2.4', react: '~19.1.0', 'react-dom': '19.2.6' }),
      'app/page.jsx': "import { SignIn } from '@clerk/nextjs';\nexport default SignIn;\n",
      '.env.local': envLocal,
    });
    const run = migrate(dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /next 16\.2\.4 -> \^16\.4\.1/);
    assert.match(run.stdout, /react ~19\.1\.0 -> \^19\.2\.6/);
    assert.doesNotMatch(run.stdout, /react-dom/);
    const deps = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
    assert.deepEqual(deps, { '@gatehouse/nextjs': '^0.1.0', next: '^16.4.1', react: '^19.2.6', 'react-dom': '19.2.6' });
    assert.ok(existsSync(join(dir, 'app/api/gatehouse/[...gatehouse]/route.js')), 'a JavaScript app gets route.js');
    assert.ok(!existsSync(join(dir, '.env')), 'no second secret next to the one .env.local sets');
    assert.equal(readFileSync(join(dir, '.env.local'), 'utf8'), envLocal);
  });

  test('refuses what is not a Next App Router app, writing nothing', () => {
    const cases: { files: Record<string, string>; message: RegExp }[] = [
      { files: {}, message: /is not a Next\.js app: it has no package\.json/ },
      { files: { 'package.json': '{ "name": ' }, message: /package\.json is not valid JSON/ },
      { files: { 'package.json': pkg({ '@clerk/clerk-react': '^5.0.0' }), 'app/page.tsx': '' }, message: /has no `next` dependency/ },
      { files: { 'package.json': pkg({ next: '^16.4.1' }), 'pages/index.tsx': '' }, message: /has no app\/ or src\/app\/ directory/ },
    ];
    for (const { files, message } of cases) {
      const dir = temp();
      write(dir, files);
      const before = tree(dir);
      const run = migrate(dir);
      assert.equal(run.code, 1, run.stdout);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.deepEqual(tree(dir), before);
      assert.ok(!existsSync(join(dir, '.env')));
    }
    const usage = migrate(temp(), ['a', 'b']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unexpected argument b/);
  });
});
