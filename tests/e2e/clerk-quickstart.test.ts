// Clerk's public App Router quickstart (apps/clerk-quickstart: its origin plus `gatehouse migrate-code`) in its production build,
// driven in Chromium: <SignUpButton> to the hosted sign-up page and back signed in, <Show> and <UserButton> follow the session,
// sign-out from the user menu, a wrong password refused, <SignInButton> signs in again. Needs `npm run build` and Debian's Chromium.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useClerkApp } from '../../test-support/clerk-app.js';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'quickstart.user@example.com';

describe('Clerk quickstart app (apps/clerk-quickstart) migrated with the codemod', () => {
  const app = useClerkApp('clerk-quickstart');
  const { step, sessionCookie } = app;
  const header = () => app.page.locator('header');

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
      const res = await app.page.goto('/');
      assert.equal(res?.status(), 200);
      await assertSignedOut();
      assert.equal(await sessionCookie(), undefined);
    }));

  test('<SignUpButton> leads to the hosted sign-up page; signing up comes back to the page signed in', () =>
    step(async () => {
      await header().getByRole('button', { name: 'Sign up', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/api/gatehouse/pages/sign-up');
      assert.equal(new URL(app.page.url()).searchParams.get('redirect_url'), '/');
      await app.page.getByLabel('Email').fill(EMAIL);
      await app.page.getByLabel('Password').fill(PASSWORD);
      await app.page.getByRole('button', { name: 'Sign up', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/');
      await assertSignedIn();
      const cookie = await sessionCookie();
      assert.ok(cookie, 'a __session cookie is set');
      assert.equal(cookie.httpOnly, true);
      // A fresh load renders signed in too (the session is the server's, not the page's memory).
      await app.page.reload();
      await assertSignedIn();
    }));

  test('sign-out from the <UserButton> menu: signed out again, and it sticks across a reload', () =>
    step(async () => {
      await header().locator('.gatehouse-user-button button[aria-haspopup]').click();
      await app.page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await assertSignedOut();
      await app.page.reload();
      await assertSignedOut();
      assert.equal(await sessionCookie(), undefined);
    }));

  test('<SignInButton>: a wrong password is refused on the hosted page; the right one signs in and comes back', () =>
    step(async () => {
      await header().getByRole('button', { name: 'Sign in', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/api/gatehouse/pages/sign-in');
      await app.page.getByLabel('Email').fill(EMAIL);
      await app.page.getByLabel('Password').fill('not the password at all');
      await app.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await app.page.getByText('That email and password do not match.').waitFor();
      assert.equal(await sessionCookie(), undefined);
      await app.page.getByLabel('Email').fill(EMAIL);
      await app.page.getByLabel('Password').fill(PASSWORD);
      await app.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/');
      await assertSignedIn();
    }));
});
