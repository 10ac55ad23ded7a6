// The Next 15 fixture (apps/fixture-clerk: Clerk's documented code, edge middleware.ts) in its production
// build: anonymous and under-privileged refusals over HTTP, sign-in in Chromium, the admin route once an
// org admin, the expired-token handshake, and Clerk's modal sign-in, <SignIn/> for a signed-in visitor and
// <InviteMembersButton>. Needs `npm run build` and Debian's Chromium.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AppServer } from '../../test-support/app-server.js';
import { startAppWithBrowser } from '../../test-support/browser-app.js';
import { raw } from '../../test-support/raw-http.js';

const TOKEN_TTL_S = 2;
/** Core's default clock skew when checking exp. */
const CLOCK_SKEW_S = 5;
const PASSWORD = 'correct horse battery staple';
const DOCUMENT = { 'sec-fetch-dest': 'document', accept: 'text/html' };
const FETCH = { 'sec-fetch-dest': 'empty', accept: 'application/json' };

describe('Next 15 fixture written as Clerk documents it (edge middleware.ts)', () => {
  let server: AppServer;
  let browser: Browser;
  /**
   * The browser's address: where `next start -H 127.0.0.1` listens. Next 15 names that origin
   * `localhost` in the middleware's request.nextUrl; the middleware's redirects still keep the
   * browser on 127.0.0.1 (they reach it as relative Locations), so its host-only cookies follow.
   */
  let baseUrl: string;

  before(async () => {
    // The development inbox stands in for a mailer, so invitations can be sent.
    ({ server, browser } = await startAppWithBrowser({
      app: 'fixture-clerk',
      sessionTokenTtlSeconds: TOKEN_TTL_S,
      testClock: true,
      env: { GATEHOUSE_DEV_INBOX: '1' },
    }));
    baseUrl = server.baseUrl;
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  const get = (path: string, headers: Record<string, string>, method = 'GET') =>
    fetch(`${server.baseUrl}${path}`, { method, headers, redirect: 'manual' });

  async function signUpOverApi(email: string): Promise<void> {
    const res = await fetch(`${server.baseUrl}/api/gatehouse/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.baseUrl },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    assert.equal(res.status, 200, await res.text());
  }

  async function signInInBrowser(page: Page, email: string): Promise<void> {
    await page.goto('/sign-in?redirect_url=%2Fdashboard');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard');
    assert.match((await page.getByTestId('user-id').textContent()) ?? '', /^user_/);
  }

  test('signed out: pages redirect to sign-in, APIs answer 401, public pages render', async () => {
    try {
      assert.equal((await get('/', DOCUMENT)).status, 200);
      for (const path of ['/dashboard', '/admin']) {
        const res = await get(path, DOCUMENT);
        assert.equal(res.status, 307, path);
        // Relative: on the origin the browser used (127.0.0.1), not Next 15's `localhost`.
        assert.match(res.headers.get('location') ?? '', /^\/sign-in\?/, path);
        const location = new URL(res.headers.get('location')!, server.baseUrl);
        assert.equal(location.pathname, '/sign-in');
        assert.equal(location.searchParams.get('redirect_url'), path);
      }
      for (const [path, method] of [
        ['/api/data', 'GET'],
        ['/api/data', 'POST'],
        ['/api/token', 'GET'],
        ['/api/me', 'GET'],
      ] as const) {
        const res = await get(path, FETCH, method);
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unauthenticated');
      }
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- server output ---\n${server.output()}`;
      throw error;
    }
  });

  test('a forged Host never chooses the redirect: another host is ignored, and no Location leaves the loopback address', async () => {
    for (const headers of <Record<string, string>[]>[
      { host: 'evil.example' },
      { host: 'evil.example:80' },
      { host: '127.0.0.1:1' },
      { 'x-forwarded-host': 'evil.example' },
    ]) {
      const res = await raw(server.baseUrl, { target: '/dashboard', headers: { ...headers, ...DOCUMENT } });
      assert.equal(res.status, 307, JSON.stringify(headers));
      const location = res.location ?? '';
      assert.ok(!location.includes('evil.example'), `${JSON.stringify(headers)} -> ${location}`);
      assert.ok(!location.includes(':1/'), `${JSON.stringify(headers)} -> ${location}`);
      assert.ok(location.startsWith('/') ? !location.startsWith('//') : new URL(location).hostname === 'localhost', location);
      assert.equal(new URL(location, server.baseUrl).pathname, '/sign-in');
    }
  });

  test('sign in in Chromium; a member without the admin role gets 404 / 403; an org admin gets through', async () => {
    const email = 'fixture.admin@example.com';
    await signUpOverApi(email);
    const context = await browser.newContext({ baseURL: baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    try {
      await signInInBrowser(page, email);
      // currentUser() as Clerk's docs read it: user.primaryEmailAddress?.emailAddress.
      assert.equal(await page.getByTestId('email').textContent(), email);
      // useUser() in a client component reads it the same way.
      assert.equal(await page.getByTestId('client-email').textContent(), email);
      const call = (path: string, method = 'GET', body?: unknown) =>
        page.evaluate(
          async ([p, m, b]) => {
            const res = await fetch(p as string, {
              method: m as string,
              headers: { 'content-type': 'application/json' },
              ...(b === undefined ? {} : { body: JSON.stringify(b) }),
            });
            return { status: res.status, body: (await res.text()) as string };
          },
          [path, method, body] as const,
        );
      // No organization yet: not an admin anywhere.
      const admin = await page.goto('/admin');
      assert.equal(admin?.status(), 404);
      assert.equal((await call('/api/data', 'POST')).status, 403);
      const token = await call('/api/token');
      assert.equal(token.status, 200);
      assert.equal(JSON.parse(token.body).token.split('.').length, 3, 'getToken({ template }) minted a JWT');
      assert.equal(JSON.parse((await call('/api/me')).body).id.startsWith('user_'), true);

      // Create an organization (the creator is its admin) and make it active.
      const created = await call('/api/gatehouse/organizations', 'POST', { name: 'Fixture Inc' });
      assert.equal(created.status, 200, created.body);
      const orgId =
        (JSON.parse(created.body) as { organization?: { id: string }; id?: string }).organization?.id ?? JSON.parse(created.body).id;
      const activated = await call('/api/gatehouse/sessions/active-organization', 'POST', { organization: orgId });
      assert.equal(activated.status, 200, activated.body);
      const adminAgain = await page.goto('/admin');
      assert.equal(adminAgain?.status(), 200);
      const write = await call('/api/data', 'POST');
      assert.equal(write.status, 200, write.body);
      assert.deepEqual(JSON.parse(write.body), { written: true, orgId });
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- page: ${page.url()}\n--- server output ---\n${server.output()}`;
      throw error;
    } finally {
      await context.close();
    }
  });

  test('an expired session token: the document goes through the handshake and lands signed in; an API call gets 401', async () => {
    const email = 'fixture.handshake@example.com';
    await signUpOverApi(email);
    const context = await browser.newContext({ baseURL: baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    try {
      await signInInBrowser(page, email);
      const userId = await page.getByTestId('user-id').textContent();
      // Leave the app so the browser SDK cannot refresh. The edge middleware verifies with the
      // machine's clock, so the server's clock goes back past the token's lifetime and the skew for
      // one refresh: the browser then holds a token that is expired for both, and the clock returns.
      await page.goto('about:blank');
      server.setClock(-(TOKEN_TTL_S + CLOCK_SKEW_S + 2) * 1000);
      const backdated = await context.request.post('/api/gatehouse/refresh', { headers: { origin: baseUrl }, data: {} });
      server.setClock(0);
      assert.equal(backdated.status(), 200, await backdated.text());
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

      const api = await get('/api/data', { ...FETCH, cookie });
      assert.equal(api.status, 401, 'no handshake for a fetch: signed out (session-token-expired)');

      const hops: string[] = [];
      page.on('response', (res) => {
        if (res.status() === 307) hops.push(new URL(res.url()).pathname);
      });
      await page.goto('/dashboard');
      assert.equal(new URL(page.url()).pathname, '/dashboard');
      assert.equal(await page.getByTestId('user-id').textContent(), userId);
      assert.deepEqual(hops, ['/dashboard', '/api/gatehouse/handshake'], 'one handshake round trip');
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- page: ${page.url()}\n--- server output ---\n${server.output()}`;
      throw error;
    } finally {
      await context.close();
    }
  });

  // Issue #23: Clerk's modal sign-in, <SignIn/> for a signed-in visitor, and <InviteMembersButton>.
  test('modal sign-in on the home page, then <SignIn/> sends the signed-in visitor on, then an admin invites from the modal', async () => {
    const email = 'modal@example.com';
    const signUp = await fetch(`${server.baseUrl}/api/gatehouse/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.baseUrl },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    assert.equal(signUp.status, 200, await signUp.text());

    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    try {
      await page.goto('/');
      await page.getByRole('button', { name: 'Sign in here' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Email', { exact: true }).fill(email);
      await dialog.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
      // Back on the page it was opened from, signed in (the header's user button), the dialog gone.
      await page.getByRole('button', { name: `Account: ${email}` }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await page.getByRole('dialog').count(), 0);

      // Signed in: the sign-in page does not show its form but goes on to redirect_url.
      await page.goto('/sign-in?redirect_url=%2Fdashboard');
      await page.waitForURL((url) => url.pathname === '/dashboard');
      assert.equal(await page.getByRole('form', { name: 'Sign in' }).count(), 0);

      // No organization: no invite button.
      await page.goto('/');
      await page.getByRole('heading', { name: 'Public home' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Invite a member' }).count(), 0);

      // An organization this user administers, made active: the button opens the invite form.
      const call = (path: string, body: unknown) =>
        page.evaluate(
          async ([p, b]) => {
            const res = await fetch(p as string, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(b),
            });
            return { status: res.status, body: await res.text() };
          },
          [path, body] as const,
        );
      const created = await call('/api/gatehouse/organizations', { name: 'Modal Inc' });
      assert.equal(created.status, 200, created.body);
      const orgId = (JSON.parse(created.body) as { organization: { id: string } }).organization.id;
      assert.equal((await call('/api/gatehouse/sessions/active-organization', { organization: orgId })).status, 200);
      await page.reload();
      await page.getByRole('button', { name: 'Invite a member' }).click();
      const invite = page.getByRole('dialog');
      await invite.getByLabel('Email', { exact: true }).fill('invitee@example.com');
      await invite.getByRole('button', { name: 'Send invitation' }).click();
      await page.waitForFunction(() =>
        /Invitation sent|error|not|could/i.test(document.querySelector('[role="dialog"]')?.textContent ?? ''),
      );
      assert.match((await invite.textContent()) ?? '', /Invitation sent to invitee@example\.com\./);
      const list = await page.evaluate(async (id) => {
        const res = await fetch(`/api/gatehouse/organizations/${id}/invitations`);
        return { status: res.status, body: await res.text() };
      }, orgId);
      assert.equal(list.status, 200, list.body);
      assert.match(list.body, /invitee@example\.com/);
      await page.keyboard.press('Escape');
      assert.equal(await page.getByRole('dialog').count(), 0);
    } finally {
      await context.close();
    }
  });
});
