// The walking skeleton, in Chromium against the example app's production server: sign up, stay
// signed in across reloads and past the session token's lifetime (the proxy refreshes in place),
// sign out, sign in again. Needs `npm run build` first and Debian's Chromium at /usr/bin/chromium.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Cookie, type Page, type Request as PwRequest, type Response as PwResponse } from 'playwright-core';
import { fillCredentials, submitAndLandOn, useBrowserApp } from '../../test-support/browser-app.js';

const TOKEN_TTL_S = 3;
/** Core's default clock skew when checking exp. */
const CLOCK_SKEW_S = 5;
const EMAIL = 'walking.skeleton@example.com';
const PASSWORD = 'correct horse battery staple';

function tokenClaims(token: string): { exp: number; iat: number; sub: string; sid: string } {
  const payload = token.split('.')[1];
  assert.ok(payload, 'the session cookie holds a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number; iat: number; sub: string; sid: string };
}

function findCookie(cookies: Cookie[], name: string): Cookie | undefined {
  return cookies.find((c) => c.name === name);
}

function cookieHeader(cookies: Cookie[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Records every redirect (3xx) response the page sees, and every main-frame document request. */
function watchNavigations(page: Page): {
  redirects: Array<{ status: number; url: string; location: string }>;
  documents: string[];
  stop: () => void;
} {
  const redirects: Array<{ status: number; url: string; location: string }> = [];
  const documents: string[] = [];
  const onResponse = (res: PwResponse) => {
    if (res.status() >= 300 && res.status() < 400)
      redirects.push({ status: res.status(), url: res.url(), location: res.headers()['location'] ?? '' });
  };
  const onRequest = (req: PwRequest) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) documents.push(req.url());
  };
  page.on('response', onResponse);
  page.on('request', onRequest);
  return {
    redirects,
    documents,
    stop: () => {
      page.off('response', onResponse);
      page.off('request', onRequest);
    },
  };
}

async function shownEmail(page: Page): Promise<string> {
  const email = page.getByTestId('user-email');
  await email.waitFor({ state: 'visible', timeout: 10_000 });
  return (await email.textContent())?.trim() ?? '';
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

describe('sign-in flow in Chromium (token lifetime 3 s)', () => {
  const app = useBrowserApp({ sessionTokenTtlSeconds: TOKEN_TTL_S, testClock: true });
  const withContext = app.withPage;

  test('sign up, stay signed in past the token lifetime, sign out, sign in again', async () => {
    await withContext(async (context, page) => {
      // Sign up.
      await page.goto('/sign-up');
      await fillCredentials(page, EMAIL, PASSWORD);
      await submitAndLandOn(page, 'Sign up', '/dashboard');
      assert.equal(await shownEmail(page), EMAIL);

      // The cookies: HttpOnly and SameSite=Lax, both of them.
      let cookies = await context.cookies();
      for (const name of ['__session', '__client']) {
        const cookie = findCookie(cookies, name);
        assert.ok(cookie, `${name} is set`);
        assert.equal(cookie.httpOnly, true, `${name} is HttpOnly`);
        assert.equal(cookie.sameSite, 'Lax', `${name} is SameSite=Lax`);
      }
      assert.equal(await page.evaluate(() => document.cookie.includes('__session') || document.cookie.includes('__client')), false);

      // Reload: still signed in.
      await page.reload();
      assert.equal(pathOf(page), '/dashboard');
      assert.equal(await shownEmail(page), EMAIL);

      // Leave the app so the browser SDK cannot refresh proactively, then move the server's clock
      // past the session token's lifetime and the verifier's clock skew: only the proxy can save us now.
      await page.goto('about:blank');
      cookies = await context.cookies();
      const oldSession = findCookie(cookies, '__session')?.value;
      assert.ok(oldSession, '__session is still there before the wait');
      const { exp, iat, sid } = tokenClaims(oldSession);
      assert.ok(exp - iat <= TOKEN_TTL_S, `the server issues ${TOKEN_TTL_S} s tokens (exp - iat = ${exp - iat})`);
      app.server.advanceClock(Math.max(0, (exp + CLOCK_SKEW_S + 1) * 1000 - Date.now()));

      // Navigate to the dashboard with the expired token: refreshed in place, no redirect.
      const watch = watchNavigations(page);
      const response = await page.goto('/dashboard');
      assert.ok(response, 'a document response');
      assert.equal(response.status(), 200);
      assert.equal(response.request().redirectedFrom(), null, 'the document request was not redirected');
      assert.equal(pathOf(page), '/dashboard');
      assert.equal(await shownEmail(page), EMAIL);
      const setCookie = (await response.headerValues('set-cookie')).join('\n');
      assert.match(setCookie, /(^|\n)__session=/, 'the proxy set a fresh __session on the document response');

      // And a reload after that.
      await page.reload();
      assert.equal(pathOf(page), '/dashboard');
      assert.equal(await shownEmail(page), EMAIL);
      watch.stop();
      assert.deepEqual(
        watch.redirects.filter((r) => r.location.includes('/sign-in')),
        [],
        'no redirect to sign-in',
      );
      assert.deepEqual(watch.redirects, [], 'no redirect at all: the token was refreshed in place');
      // Exactly the two document loads we asked for (navigate, reload): nothing bounced anywhere.
      assert.deepEqual(
        watch.documents.map((url) => new URL(url).pathname),
        ['/dashboard', '/dashboard'],
        `document requests: ${JSON.stringify(watch.documents)}`,
      );

      cookies = await context.cookies();
      const newSession = findCookie(cookies, '__session');
      assert.ok(newSession, '__session is set after the refresh');
      assert.notEqual(newSession.value, oldSession, 'the proxy replaced the expired __session');
      assert.equal(newSession.httpOnly, true);
      assert.equal(newSession.sameSite, 'Lax');
      const fresh = tokenClaims(newSession.value);
      assert.ok(fresh.exp > exp, 'the new token expires later');
      assert.equal(fresh.sid, sid, 'same session, refreshed');
      const signedInCookies = cookies;

      // Sign out, from the UserButton's panel.
      await page.getByRole('button', { name: `Account: ${EMAIL}` }).click();
      const signOut = page.getByRole('button', { name: 'Sign out', exact: true });
      await Promise.all([page.waitForURL((url) => url.pathname === '/'), signOut.click()]);
      cookies = await context.cookies();
      const remaining = cookies.filter((c) => c.name === '__session' || c.name === '__client');
      assert.deepEqual(
        remaining.map((c) => c.name),
        [],
        'sign-out clears the session cookies',
      );

      // The dashboard is now a redirect to sign-in: with the browser's remaining cookies...
      const raw = await fetch(`${app.server.baseUrl}/dashboard`, {
        redirect: 'manual',
        headers: { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', accept: 'text/html', cookie: cookieHeader(cookies) },
      });
      await raw.arrayBuffer();
      assert.equal(raw.status, 307);
      assert.ok(
        (raw.headers.get('location') ?? '').endsWith('/sign-in?redirect_url=%2Fdashboard'),
        `Location: ${raw.headers.get('location')}`,
      );
      // ...and with the cookies from before sign-out (the session ended on the server, not just in the browser).
      const replay = await fetch(`${app.server.baseUrl}/dashboard`, {
        redirect: 'manual',
        headers: { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', accept: 'text/html', cookie: cookieHeader(signedInCookies) },
      });
      await replay.arrayBuffer();
      assert.equal(replay.status, 307, 'old cookies replayed after sign-out do not get in');
      assert.ok((replay.headers.get('location') ?? '').endsWith('/sign-in?redirect_url=%2Fdashboard'));

      // ...and in the browser.
      await page.goto('/dashboard');
      await page.waitForURL((url) => url.pathname === '/sign-in');
      assert.equal(new URL(page.url()).searchParams.get('redirect_url'), '/dashboard');

      // Sign in again from there: back to the dashboard.
      await fillCredentials(page, EMAIL, PASSWORD);
      await submitAndLandOn(page, 'Sign in', '/dashboard');
      assert.equal(await shownEmail(page), EMAIL);
      const again = findCookie(await context.cookies(), '__session');
      assert.ok(again, '__session is set after signing in again');
      assert.notEqual(tokenClaims(again.value).sid, sid, 'signing in again starts a new session');
    });
  });

  test('a wrong password shows an error and stays on sign-in', async () => {
    await withContext(async (context, page) => {
      // Make sure the account exists whatever ran before.
      const signUp = await fetch(`${app.server.baseUrl}/api/gatehouse/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: app.server.baseUrl },
        body: JSON.stringify({ email: 'wrong.password@example.com', password: PASSWORD }),
      });
      assert.equal(signUp.status, 200, await signUp.text());

      await page.goto('/sign-in?redirect_url=%2Fdashboard');
      await page.getByLabel('Email', { exact: true }).fill('wrong.password@example.com');
      await page.getByLabel('Password', { exact: true }).fill(`${PASSWORD} but wrong`);
      const answer = page.waitForResponse((res) => res.url().endsWith('/api/gatehouse/sign-in'));
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      assert.equal((await answer).status(), 401);
      // The form's own alert (Next's route announcer is an empty role=alert too).
      const alert = page.getByRole('form', { name: 'Sign in' }).getByRole('alert');
      await alert.waitFor({ state: 'visible' });
      assert.match((await alert.textContent()) ?? '', /incorrect/i);
      assert.equal(pathOf(page), '/sign-in');
      assert.equal(new URL(page.url()).searchParams.get('redirect_url'), '/dashboard');
      const cookies = await context.cookies();
      assert.equal(findCookie(cookies, '__session'), undefined, 'no session cookie');
      assert.equal(findCookie(cookies, '__client'), undefined, 'no client cookie');
    });
  });
});
