// Issue #19 end to end: the `gatehouse import clerk` CLI on a generated Clerk export, then the Clerk-style fixture app (apps/fixture-clerk) in Chromium: the user signs in with their Clerk password, keeps their Clerk id, and the app's own row keyed by that id is still found.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import type { AppServer } from '../../test-support/app-server.js';
import { startAppWithBrowser } from '../../test-support/browser-app.js';
import { generateClerkExport, type ClerkExport } from '../../packages/server/test/fixtures/clerk-export.js';

const CLI = resolve(import.meta.dirname, '../../packages/server/dist/cli/main.js');

describe('moving a Clerk app: import, then sign in to the fixture app with the old password (issue #19)', () => {
  let dataDir: string;
  let exp: ClerkExport;
  let server: AppServer;
  let browser: Browser;
  const notesFile = () => join(dataDir, 'notes.json');

  const gatehouse = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], {
      cwd: dataDir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', GATEHOUSE_DATABASE_FILE: join(dataDir, 'gatehouse.db') },
    });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-import-e2e-'));
    exp = await generateClerkExport(dataDir, { users: 40, orgs: 2, membersPerOrg: 8 });
    // The app's own table, filled while it still ran on Clerk: keyed by Clerk user ids.
    writeFileSync(notesFile(), JSON.stringify({ [exp.users[2]!.id]: ['Written before the move'] }));
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('gatehouse import clerk: a dry run, the import, and a second run that changes nothing', () => {
    const dry = gatehouse('import', 'clerk', '--csv', exp.csvFile, '--pages', exp.pagesDir, '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^Dry run \(nothing written\)/);
    assert.match(dry.stdout, /users\s+41\s+0\s+0\s+0/);

    const run = gatehouse('import', 'clerk', '--csv', exp.csvFile, '--pages', exp.pagesDir, '--report', join(dataDir, 'report.json'));
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /users\s+41\s+0\s+0\s+0/);
    assert.match(run.stdout, /organizations\s+2\s+0\s+0\s+0/);
    assert.match(run.stdout, /memberships\s+16\s+0\s+0\s+0/);
    assert.match(run.stdout, new RegExp(`must reset it: 1\\n  ${exp.unknownHasherUser.id}`));
    for (const line of exp.malformedLines) assert.match(run.stdout, new RegExp(`users\\.csv:${line} `));
    assert.ok(!/\$2[ab]\$10\$/.test(run.stdout + run.stderr), 'no digest in the output');

    const again = gatehouse('import', 'clerk', '--csv', exp.csvFile, '--pages', exp.pagesDir);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /users\s+0\s+0\s+41\s+0/);

    const usage = gatehouse('import', 'clerk');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /give --csv, --pages, or both/);
  });

  test('in Chromium, an imported user signs in with their Clerk password, keeps the Clerk id, and the app finds its row', async () => {
    ({ server, browser } = await startAppWithBrowser({ app: 'fixture-clerk', dataDir, env: { FIXTURE_NOTES_FILE: notesFile() } }));
    // Next 15 builds middleware redirects on localhost (see next15-fixture.test.ts).
    const context = await browser.newContext({ baseURL: server.baseUrl.replace('127.0.0.1', 'localhost') });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const user = exp.users[2]!;
    try {
      await page.goto('/sign-in?redirect_url=%2Fdashboard');
      await page.getByLabel('Email', { exact: true }).fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/dashboard');
      assert.equal(await page.getByTestId('user-id').textContent(), user.id);
      assert.equal(await page.getByTestId('email').textContent(), user.email);
      assert.equal(await page.getByTestId('first-name').textContent(), 'First2');
      assert.deepEqual(await page.getByTestId('note').allTextContents(), ['Written before the move']);
      // clerkClient().users.getUser(userId) answers with the same id.
      const me = await page.evaluate(async () => (await fetch('/api/me')).json());
      assert.deepEqual(me, { id: user.id, firstName: 'First2' });
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- server output ---\n${server.output()}`;
      throw error;
    } finally {
      await context.close();
    }
    const db = new BetterSqlite3(server.databaseFile, { readonly: true });
    try {
      const row = db.prepare('SELECT password_hash FROM users WHERE id = ?').get(user.id) as { password_hash: string };
      assert.match(row.password_hash, /^\$argon2id\$/);
    } finally {
      db.close();
    }
  });
});
