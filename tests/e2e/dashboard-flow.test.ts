// The instance admins' dashboard in Chromium against a real HTTP server hosting the handler (issue #9):
// an admin signs in and uses every page; a non-admin and an anonymous visitor get no dashboard; a
// user named <script>alert(1)</script> renders inert; a cross-site form post is refused.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../test-support/chromium.js';
import { startHandlerServer, type HandlerServer } from '../../test-support/handler-server.js';

const PASSWORD = 'correct horse battery staple';
const XSS = '<script>alert(1)</script>';
const DASH = '/api/gatehouse/dashboard';

describe('dashboard in Chromium', () => {
  let server: HandlerServer;
  let browser: Browser;
  let attacker: Server;
  let attackerUrl: string;
  const ids: Record<string, string> = {};
  let orgId = '';

  before(async () => {
    const [s, b] = await Promise.allSettled([
      startHandlerServer({
        jwtTemplates: [{ name: 'api', claims: { email: '{{user.primary_email_address}}', org_role: '{{org.role}}' } }],
      }),
      launchChromium(),
    ]);
    if (s.status === 'fulfilled') server = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (s.status === 'rejected') throw s.reason;
    if (b.status === 'rejected') throw b.reason;
    const g = server.gatehouse;
    for (const [key, email, firstName] of [
      ['admin', 'admin@example.com', 'Ada'],
      ['bob', 'bob@example.com', 'Bob'],
      ['carol', 'carol@example.com', 'Carol'],
      ['evil', 'evil@example.com', XSS],
    ] as const) {
      ids[key] = (await g.users.create({ email, password: PASSWORD, firstName })).id;
    }
    await g.users.setInstanceAdmin(ids.admin ?? '', true);
    orgId = (await g.organizations.createOrganization(ids.carol ?? '', { name: 'Acme', slug: 'acme' })).organization.id;
    await g.organizations.addMember(orgId, ids.bob ?? '', 'org:member');

    // The attacker's site: another host (127.0.0.2 is cross-site to 127.0.0.1) with a form that
    // posts a ban to the dashboard.
    attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<form id="f" method="post" action="${server.baseUrl}${DASH}/users/${ids.carol}">
<input type="hidden" name="action" value="ban"><button>Win a prize</button></form>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.2', resolve));
    const address = attacker.address();
    attackerUrl = `http://127.0.0.2:${typeof address === 'object' && address ? address.port : 0}/`;
  });

  after(async () => {
    await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
    await Promise.all([browser?.close(), server?.stop()]);
  });

  /** A fresh browser profile; dialogs (an alert from injected script) and CSP violations fail the test. */
  async function withContext(fn: (context: BrowserContext, page: Page) => Promise<void>): Promise<void> {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) problems.push(`csp: ${message.text()}`);
    });
    try {
      await fn(context, page);
      assert.deepEqual(problems, []);
    } catch (error) {
      const shown = await page.textContent('body').catch(() => null);
      if (error instanceof Error)
        error.message += `\n--- page: ${page.url()}\n${(shown ?? '').slice(0, 600)}\n--- server output ---\n${server.output()}`;
      throw error;
    } finally {
      await context.close();
    }
  }

  /** Signs in on the dashboard's sign-in page; resolves once the browser left it. */
  async function signIn(page: Page, email: string): Promise<number | undefined> {
    await page.goto(`${DASH}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    const landed = page.waitForResponse((r) => new URL(r.url()).pathname === `${DASH}/users`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const status = (await landed).status();
    await page.waitForURL(`**${DASH}/users`);
    return status;
  }

  /** What an anonymous or non-admin request could change: every table's rows, read from the database. */
  async function snapshot(): Promise<string> {
    const g = server.gatehouse;
    const users = await g.users.list({ limit: 1000 });
    const audit = await g.audit.query({ limit: 1000 });
    const roles = await g.roleAdmin.list();
    const settings = await g.instanceSettings.get();
    return JSON.stringify({ users, audit: audit.events.map((e) => e.id), roles, settings });
  }

  test('an anonymous visitor gets no dashboard: redirected to sign in, nothing written', async () => {
    const before = await snapshot();
    await withContext(async (_context, page) => {
      const response = await page.goto(`${DASH}/users`);
      assert.equal(new URL(page.url()).pathname, `${DASH}/sign-in`);
      const first = await response?.request().redirectedFrom()?.response();
      assert.equal(first?.status(), 303);
      assert.equal(await page.getByText('bob@example.com').count(), 0);
      const post = await page.request.post(`${DASH}/users/${ids.bob}`, { form: { action: 'ban' }, headers: { origin: server.baseUrl } });
      assert.equal(post.status(), 401);
    });
    assert.equal(await snapshot(), before);
  });

  test('a signed-in user who is not an instance admin gets the 404 of an unknown endpoint, nothing written', async () => {
    await withContext(async (_context, page) => {
      assert.equal(await signIn(page, 'bob@example.com'), 404);
      const before = await snapshot();
      assert.match((await page.textContent('body')) ?? '', /No such endpoint/);
      const post = await page.request.post(`${DASH}/users/${ids.carol}`, { form: { action: 'ban' }, headers: { origin: server.baseUrl } });
      assert.equal(post.status(), 404);
      assert.equal(await snapshot(), before);
    });
  });

  test('an instance admin uses every page; the XSS-named user renders inert', async () => {
    await withContext(async (_context, page) => {
      // Bob, signed in elsewhere: his session works until the ban.
      const bobs = await browser.newContext({ baseURL: server.baseUrl });
      const carols = await browser.newContext({ baseURL: server.baseUrl });
      try {
        assert.equal(
          (await bobs.request.post('/api/gatehouse/sign-in', { data: { email: 'bob@example.com', password: PASSWORD } })).status(),
          200,
        );
        assert.equal((await bobs.request.get('/api/gatehouse/session')).status(), 200);
        const carolIn = await carols.request.post('/api/gatehouse/sign-in', { data: { email: 'carol@example.com', password: PASSWORD } });
        const carolSession = ((await carolIn.json()) as { sessionId: string }).sessionId;

        // Sign in; the users list shows everyone, the XSS name as text.
        assert.equal(await signIn(page, 'admin@example.com'), 200);
        await page.getByRole('heading', { name: 'Users' }).waitFor();
        await page.getByRole('cell', { name: XSS }).waitFor();
        assert.equal(await page.locator('main script').count(), 0);
        await page.getByLabel('Search').fill('bob');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.waitForURL(/q=bob/);
        assert.equal(await page.getByRole('link', { name: 'carol@example.com' }).count(), 0);

        // Ban Bob: his session is refused at once.
        await page.getByRole('link', { name: 'bob@example.com' }).click();
        await page.getByRole('button', { name: /^Ban/ }).click();
        await page.getByRole('status').filter({ hasText: 'Banned bob@example.com' }).waitFor();
        assert.equal((await bobs.request.get('/api/gatehouse/session')).status(), 401);
        assert.equal((await bobs.request.post('/api/gatehouse/refresh', { headers: { origin: server.baseUrl } })).status(), 401);

        // Revoke one of Carol's sessions.
        await page.goto(`${DASH}/users/${ids.carol}`);
        await page
          .getByRole('row', { name: new RegExp(carolSession) })
          .getByRole('button', { name: 'Revoke' })
          .click();
        await page
          .getByRole('status')
          .filter({ hasText: `Revoked session ${carolSession}` })
          .waitFor();
        assert.equal((await carols.request.get('/api/gatehouse/session')).status(), 401);

        // Make Bob an admin of Acme.
        await page.getByRole('link', { name: 'Organizations' }).click();
        await page.getByRole('link', { name: 'Acme' }).click();
        await page.getByLabel('Role of bob@example.com').selectOption('org:admin');
        await page
          .getByRole('row', { name: /bob@example\.com/ })
          .getByRole('button', { name: 'Change role' })
          .click();
        await page.getByRole('status').filter({ hasText: 'Role changed to org:admin' }).waitFor();
        assert.equal((await server.gatehouse.store.findMembership(orgId, ids.bob ?? ''))?.role, 'org:admin');

        // Create a role.
        await page.getByRole('link', { name: 'Roles' }).click();
        await page.getByLabel('Key').fill('org:editor');
        await page.getByLabel('Name').fill('Editor');
        await page.getByLabel(/Permissions/).fill('org:posts:edit');
        await page.getByRole('button', { name: 'Create role' }).click();
        await page.getByRole('status').filter({ hasText: 'Created role org:editor' }).waitFor();
        await page.getByRole('cell', { name: 'org:posts:edit' }).waitFor();

        // Preview a template for Carol in Acme: the claims appear as the form changes, no submit.
        await page.getByRole('link', { name: 'JWT templates' }).click();
        await page.getByLabel('User', { exact: true }).fill('carol@example.com');
        await page.getByLabel('Organization', { exact: true }).fill('acme');
        const preview = page.locator('#preview');
        await preview.filter({ hasText: '"org_role": "admin"' }).waitFor();
        assert.match((await preview.textContent()) ?? '', /"email": "carol@example\.com"/);
        assert.equal(new URL(page.url()).search, '');
        // A draft edited in place previews too.
        await page.getByLabel(/Claims/).fill('{ "who": "{{user.id}}" }');
        await preview.filter({ hasText: ids.carol ?? '' }).waitFor();
        // Save the draft as a stored template: it is listed as stored in the database.
        await page.getByLabel('Name', { exact: true }).fill('who');
        await page.getByRole('button', { name: 'Save template' }).click();
        await page.getByRole('status').filter({ hasText: 'Created JWT template who' }).waitFor();
        await page.getByRole('cell', { name: 'database' }).waitFor();
        assert.equal((await server.gatehouse.templateAdmin.list()).find((t) => t.name === 'who')?.source, 'database');

        // Edit a setting.
        await page.getByRole('link', { name: 'Settings' }).click();
        await page.getByLabel('Session lifetime (seconds)').fill('86400');
        await page.getByRole('button', { name: 'Save settings' }).click();
        await page.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
        assert.equal((await server.gatehouse.instanceSettings.get()).settings.sessionLifetimeSeconds, 86400);

        // Filter the audit log.
        await page.getByRole('link', { name: 'Audit log' }).click();
        await page.getByLabel('Action').fill('user.banned');
        await page.getByLabel('Actor').fill('admin@example.com');
        await page.getByRole('button', { name: 'Filter' }).click();
        await page.waitForURL(/action=user\.banned/);
        const actions = await page.locator('tbody tr td:nth-child(2)').allTextContents();
        assert.deepEqual(actions, ['user.banned']);

        // The XSS-named user's own page: the name is text, no script ran (a dialog would fail the test).
        await page.goto(`${DASH}/users/${ids.evil}`);
        await page.getByRole('cell', { name: XSS }).waitFor();

        // Sign out: back on the sign-in page, and the dashboard is gone for this browser.
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL(`**${DASH}/sign-in`);
        await page.goto(`${DASH}/users`);
        assert.equal(new URL(page.url()).pathname, `${DASH}/sign-in`);
      } finally {
        await Promise.all([bobs.close(), carols.close()]);
      }
    });
  });

  test('a cross-site form post is refused and writes nothing', async () => {
    await withContext(async (_context, page) => {
      assert.equal(await signIn(page, 'admin@example.com'), 200);
      const before = await snapshot();
      await page.goto(attackerUrl);
      const [refused] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === `${DASH}/users/${ids.carol}`),
        page.getByRole('button', { name: 'Win a prize' }).click(),
      ]);
      assert.equal(refused.status(), 403);
      assert.equal(refused.request().method(), 'POST');
      assert.equal((await server.gatehouse.users.find(ids.carol ?? ''))?.banned, false);
      assert.equal(await snapshot(), before);
    });
  });
});
