// Impersonation in Chromium (issue #22, acceptance): alice (an instance admin) presses "Sign in as this user" on bob in the
// dashboard; the app shows the banner, bob's actions are audited with both identities, "Stop impersonating" returns to
// alice, the impersonation session ends at its (short, configured) limit, and an admin cannot be impersonated.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../test-support/chromium.js';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';

const CLI = resolve(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'cli', 'main.js');
const DASH = '/api/gatehouse/dashboard';
const PASSWORD = 'gatehouse-demo';
const LIMIT_SECONDS = 8;

describe('impersonation in the example app', () => {
  let server: AppServer;
  let browser: Browser;
  before(async () => {
    server = await startAppServer({
      testClock: true,
      env: { GATEHOUSE_DEMO: '1', GATEHOUSE_IMPERSONATION_LIFETIME: String(LIMIT_SECONDS) },
    });
    browser = await launchChromium();
    // carol becomes an instance admin too (alice is the demo's).
    const cli = spawnSync(process.execPath, [CLI, 'users', 'set-admin', 'carol@example.com'], {
      env: { ...process.env, GATEHOUSE_DATABASE_FILE: server.databaseFile, GATEHOUSE_DEV_SECRET: '1', NODE_ENV: 'production' },
      encoding: 'utf8',
    });
    assert.equal(cli.status, 0, cli.stderr);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const userId = (email: string) => {
    const db = new BetterSqlite3(server.databaseFile, { readonly: true });
    try {
      return (db.prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: string }).id;
    } finally {
      db.close();
    }
  };
  const auditRows = (action: string) => {
    const db = new BetterSqlite3(server.databaseFile, { readonly: true });
    try {
      return db.prepare('SELECT actor_id, subject_id, data FROM audit_events WHERE action = ? ORDER BY id').all(action) as {
        actor_id: string | null;
        subject_id: string | null;
        data: string;
      }[];
    } finally {
      db.close();
    }
  };

  async function signInAsAlice(page: Page): Promise<void> {
    const res = await page.request.post('/api/gatehouse/sign-in', {
      data: { email: 'alice@example.com', password: PASSWORD },
      headers: { origin: server.baseUrl },
    });
    assert.equal(res.status(), 200);
  }
  async function impersonateBob(page: Page): Promise<void> {
    await page.goto(`${DASH}/users/${userId('bob@example.com')}`);
    await page.getByRole('button', { name: 'Sign in as this user' }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole('status').filter({ hasText: 'You are signed in as' }).waitFor();
  }

  test('the banner shows, actions are audited with both identities, and "Stop impersonating" returns to the admin', async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    try {
      await signInAsAlice(page);
      const alice = userId('alice@example.com');
      const bob = userId('bob@example.com');
      // No button for an admin, and a forged form post is refused with nothing started.
      await page.goto(`${DASH}/users/${userId('carol@example.com')}`);
      assert.equal(await page.getByRole('button', { name: 'Sign in as this user' }).count(), 0);
      const forged = await page.request.post(`${DASH}/users/${userId('carol@example.com')}`, {
        form: { action: 'impersonate' },
        headers: { origin: server.baseUrl },
        maxRedirects: 0,
      });
      assert.equal(forged.status(), 403);
      assert.equal(auditRows('impersonation.started').length, 0);

      await impersonateBob(page);
      const banner = page.locator('.gatehouse-impersonation-banner');
      assert.match((await banner.textContent()) ?? '', /bob@example\.com/);
      assert.equal(await banner.getAttribute('data-actor'), alice);
      // An action as bob, from the page: audited with bob as the actor and alice behind him.
      const created = await page.evaluate(async () => {
        const res = await fetch('/api/gatehouse/organizations', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Bob Impersonated Inc' }),
        });
        return res.status;
      });
      assert.equal(created, 200);
      const [row] = auditRows('organization.created').filter((r) => r.actor_id === bob);
      assert.ok(row);
      assert.deepEqual((JSON.parse(row.data) as { act?: unknown }).act, { sub: alice });
      assert.deepEqual(
        auditRows('impersonation.started').map((r) => [r.actor_id, r.subject_id]),
        [[alice, bob]],
      );

      await page.getByRole('button', { name: 'Stop impersonating' }).click();
      await page.waitForURL(`**${DASH}/users/${bob}`);
      assert.equal(await page.getByRole('button', { name: 'Sign in as this user' }).count(), 1);
      assert.deepEqual(
        auditRows('impersonation.ended').map((r) => r.actor_id),
        [alice],
      );
    } finally {
      await context.close();
    }
  });

  test('the impersonation session ends after its limit', async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    try {
      await signInAsAlice(page);
      await impersonateBob(page);
      // Through the proxy, which refreshes a live session in place: only an ended one is a 401.
      assert.equal((await page.request.get('/api/me')).status(), 200, 'alive before its limit');
      // The server's clock moves past the limit and the clock skew a token is allowed (5 s by
      // default), with no sleep: the token has expired and the proxy cannot refresh the session.
      server.advanceClock((LIMIT_SECONDS + 5 + 1) * 1000);
      assert.equal((await page.request.get('/api/me')).status(), 401, 'the impersonation session outlived its limit');
      await page.goto('/');
      assert.equal(await page.locator('.gatehouse-impersonation-banner').count(), 0);
      const db = new BetterSqlite3(server.databaseFile, { readonly: true });
      try {
        const rows = db.prepare("SELECT status FROM sessions WHERE actor_id IS NOT NULL AND status != 'ended'").all() as {
          status: string;
        }[];
        assert.deepEqual(
          rows.map((r) => r.status),
          ['expired'],
        );
      } finally {
        db.close();
      }
    } finally {
      await context.close();
    }
  });
});
