// Clerk's public App Router quickstart (apps/clerk-quickstart: its origin plus `gatehouse migrate-code`) in its production build,
// driven in Chromium: <SignUpButton> to the hosted sign-up page and back signed in, <Show> and <UserButton> follow the session,
// sign-out from the user menu, a wrong password refused, <SignInButton> signs in again. Needs `npm run build` and Debian's Chromium.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAppServer, type AppServer } from './app-server.js';
import { launchChromium } from './chromium.js';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'quickstart.user@example.com';

describe('Clerk quickstart app (apps/clerk-quickstart) migrated with the codemod', () => {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    [server, browser] = await Promise.all([startAppServer({ app: 'clerk-quickstart' }), launchChromium()]);
    context = await browser.newContext({ baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  const header = () => page.locator('header');
  const sessionCookie = async () => (await context.cookies()).find((c) => c.name === '__session');

  /** Runs `body`; a failure carries the page's address and the server's output. */
  async function step(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- page: ${page.url()}\n--- server output ---\n${server.output()}`;
      throw error;
    }
  }

  async function assertSignedOut(): Promise<void> {
    await header().getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    assert.equal(await header().getByRole('button', { name: 'Sign up', exact: true }).count(), 1);
    assert.equal(await header().locator('.gatehouse-user-button').count(), 0, '<Show when="signed-in"> renders nothing');
  }

  async function assertSignedIn(): Promise<void> {
    await header().locator('.gatehouse-user-button').waitFor();
    assert.match((await header().locator('.gatehouse-user-button').textContent()) ?? '', new RegExp(EMAIL.replace('.', '\\.')));
    assert.equal(
      await header().getByRole('button', { name: 'Sign in', exact: true }).count(),
      0,
      '<Show when="signed-out"> renders nothing',
    );
  }

  test('signed out: the page renders with <SignInButton> and <SignUpButton>, no session cookie', () =>
    step(async () => {
      const res = await page.goto('/');
      assert.equal(res?.status(), 200);
      await assertSignedOut();
      assert.equal(await sessionCookie(), undefined);
    }));

  test('<SignUpButton> leads to the hosted sign-up page; signing up comes back to the page signed in', () =>
    step(async () => {
      await header().getByRole('button', { name: 'Sign up', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/api/gatehouse/pages/sign-up');
      assert.equal(new URL(page.url()).searchParams.get('redirect_url'), '/');
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign up', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await assertSignedIn();
      const cookie = await sessionCookie();
      assert.ok(cookie, 'a __session cookie is set');
      assert.equal(cookie.httpOnly, true);
      // A fresh load renders signed in too (the session is the server's, not the page's memory).
      await page.reload();
      await assertSignedIn();
    }));

  test('sign-out from the <UserButton> menu: signed out again, and it sticks across a reload', () =>
    step(async () => {
      await header().locator('.gatehouse-user-button button[aria-haspopup]').click();
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await assertSignedOut();
      await page.reload();
      await assertSignedOut();
      assert.equal(await sessionCookie(), undefined);
    }));

  test('<SignInButton>: a wrong password is refused on the hosted page; the right one signs in and comes back', () =>
    step(async () => {
      await header().getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/api/gatehouse/pages/sign-in');
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill('not the password at all');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByText('That email and password do not match.').waitFor();
      assert.equal(await sessionCookie(), undefined);
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await assertSignedIn();
    }));
});
