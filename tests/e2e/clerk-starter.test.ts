// Clerk's Next.js auth starter template (apps/clerk-starter: its origin plus `gatehouse migrate-code`), built with the
// template's .env.example values and driven in Chromium: the landing page's <SignInButton> to the app's own <SignIn/>
// page, on to the hosted sign-up and into the protected dashboard with Clerk's user, session and organization fields,
// the protected route handler, the organization panel once an organization is active, and sign-out from <UserButton>.
// Needs `npm run build` and Debian's Chromium.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useClerkApp } from '../../test-support/clerk-app.js';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'starter.user@example.com';
/** The template's .env.example, as a deployment copies it (the build inlines the same values, see the root build script). */
const TEMPLATE_ENV = {
  NEXT_PUBLIC_CLERK_SIGN_IN_URL: '/sign-in',
  NEXT_PUBLIC_CLERK_SIGN_IN_FORCE_REDIRECT_URL: '/dashboard',
  NEXT_PUBLIC_CLERK_SIGN_UP_FORCE_REDIRECT_URL: '/dashboard',
};
const FETCH = { 'sec-fetch-dest': 'empty', accept: 'application/json' };

describe("Clerk's Next.js auth starter template (apps/clerk-starter) migrated with the codemod", () => {
  const app = useClerkApp('clerk-starter', TEMPLATE_ENV);
  const { step, sessionCookie } = app;
  /** The value the dashboard's <UserDetails> shows next to a label. */
  const row = (label: string) => app.page.locator(`div.grid-cols-2:has(> span.font-semibold:text-is("${label}")) span.truncate`);

  test('signed out: the landing page renders; the dashboard sends to the sign-in page; the protected API answers 401', () =>
    step(async () => {
      const home = await app.page.goto('/');
      assert.equal(home?.status(), 200);
      await app.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      const dashboard = await fetch(`${app.server.baseUrl}/dashboard`, { redirect: 'manual', headers: { accept: 'text/html' } });
      assert.equal(dashboard.status, 307);
      const location = new URL(dashboard.headers.get('location')!, app.server.baseUrl);
      assert.equal(location.pathname, '/sign-in');
      assert.equal(location.searchParams.get('redirect_url'), '/dashboard');
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${app.server.baseUrl}/api/protected`, { method, headers: FETCH });
        assert.equal(res.status, 401, method);
      }
      assert.equal(await sessionCookie(), undefined);
    }));

  test("<SignInButton> to the app's <SignIn/> page, on to sign-up; signing up lands on the dashboard with Clerk's fields", () =>
    step(async () => {
      await app.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/sign-in');
      await app.page.getByRole('link', { name: 'Sign up', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/api/gatehouse/pages/sign-up');
      await app.page.getByLabel('Email').fill(EMAIL);
      await app.page.getByLabel('Password').fill(PASSWORD);
      await app.page.getByRole('button', { name: 'Sign up', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/dashboard');
      // <UserDetails>: user.emailAddresses[0].emailAddress, user.id, session.id, session.status, Dates formatted.
      assert.equal(await row('Email').textContent(), EMAIL);
      assert.match((await row('User ID').textContent()) ?? '', /^user_/);
      assert.match((await row('Session ID').textContent()) ?? '', /^sess_/);
      assert.equal(await row('Status').textContent(), 'active');
      assert.match((await row('Joined on').textContent()) ?? '', /^[A-Z][a-z]{2} \d{1,2}, \d{4}$/);
      assert.match((await row('Session expiration').textContent()) ?? '', /^\d{1,2}\/\d{1,2}\/\d{4}, /);
      assert.equal(await app.page.getByText('Organization detail').count(), 0, 'no organization panel without an active organization');
      assert.equal((await sessionCookie())?.httpOnly, true);
      // The protected route handler, from the page (its cookies).
      const api = await app.page.evaluate(async () => {
        const res = await fetch('/api/protected', { method: 'POST' });
        return { status: res.status, body: (await res.json()) as { message: string } };
      });
      assert.equal(api.status, 200);
      assert.equal(api.body.message, 'Protected POST endpoint accessed successfully');
      // The app's <SignIn/> page sends a signed-in visitor on instead of showing the form.
      await app.page.goto('/sign-in');
      await app.page.waitForURL((url) => url.pathname === '/dashboard');
    }));

  test('with an active organization the dashboard shows its panel: name, membersCount, pendingInvitationsCount', () =>
    step(async () => {
      // No named functions inside evaluate: the test's transpiler would wrap them in a helper the page does not have.
      const status = await app.page.evaluate(async () => {
        const headers = { 'content-type': 'application/json' };
        const created = await fetch('/api/gatehouse/organizations', {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'Starter Co' }),
        });
        const { organization } = (await created.json()) as { organization: { id: string } };
        const body = JSON.stringify({ organization: organization.id });
        const active = await fetch('/api/gatehouse/sessions/active-organization', { method: 'POST', headers, body });
        return [created.status, active.status];
      });
      assert.deepEqual(status, [200, 200]);
      await app.page.reload();
      await app.page.getByText('Organization detail').waitFor();
      assert.equal(await row('Name').textContent(), 'Starter Co');
      assert.equal(await row('Members').textContent(), '1');
      assert.equal(await row('Pending invitations').textContent(), '0');
    }));

  test('sign-out from the <UserButton> menu: the landing page signed out, the dashboard locked again', () =>
    step(async () => {
      await app.page.locator('.gatehouse-user-button button[aria-haspopup]').click();
      await app.page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/');
      await app.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      assert.equal(await sessionCookie(), undefined);
      await app.page.goto('/dashboard');
      await app.page.waitForURL((url) => url.pathname === '/sign-in');
    }));
});
