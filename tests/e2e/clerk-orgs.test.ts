// Clerk's organizations example "disable personal account" (apps/clerk-orgs: clerk/orgs, its origin plus `gatehouse
// migrate-code`; Next 15, next/font/google built offline) driven in Chromium: the dashboard locked signed out, sign-up on
// the app's own <SignUp/> into the dashboard, an organization created from <OrganizationSwitcher> and shown by
// useOrganization() (membersCount), role-gated invitations (the admin invites, the invited member cannot), and
// sign-out from <UserButton>. Needs `npm run build` and Debian's Chromium.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useClerkApp } from '../../test-support/clerk-app.js';

const PASSWORD = 'correct horse battery staple';
const ADMIN = 'orgs.admin@example.com';
const MEMBER = 'orgs.member@example.com';

describe("Clerk's organizations example (apps/clerk-orgs) migrated with the codemod", () => {
  // The development inbox stands in for a mailer, so invitations can be sent.
  const app = useClerkApp('clerk-orgs', { GATEHOUSE_DEV_INBOX: '1' });
  const { step, sessionCookie } = app;
  /** A JSON call to the auth API from the page (its cookies); no named functions inside (see clerk-starter). */
  const api = (path: string, body?: unknown) =>
    app.page.evaluate(
      async ([p, b]) => {
        const res = await fetch(`/api/gatehouse${p as string}`, {
          method: b === undefined ? 'GET' : 'POST',
          headers: { 'content-type': 'application/json' },
          ...(b === undefined ? {} : { body: JSON.stringify(b) }),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      },
      [path, body] as const,
    );

  test('signed out: the marketing page renders; the dashboard sends to the sign-in page', () =>
    step(async () => {
      const home = await app.page.goto('/');
      assert.equal(home?.status(), 200);
      await app.page.getByRole('button', { name: 'Sign In with Clerk' }).waitFor();
      const res = await fetch(`${app.server.baseUrl}/dashboard`, { redirect: 'manual', headers: { accept: 'text/html' } });
      assert.equal(res.status, 307);
      // Relative (Next 15 under -H 127.0.0.1 keeps the browser on 127.0.0.1), to the app's signInUrl.
      assert.match(res.headers.get('location') ?? '', /^\/sign-in\?redirect_url=%2Fdashboard$/);
      assert.equal(await sessionCookie(), undefined);
    }));

  test("sign-up on the app's <SignUp/> lands on the dashboard (signUpForceRedirectUrl); no organization yet", () =>
    step(async () => {
      await app.page.goto('/sign-up');
      await app.page.getByLabel('Email', { exact: true }).fill(ADMIN);
      await app.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await app.page.getByRole('button', { name: 'Sign up', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/dashboard');
      await app.page.getByText('No active organization found.').waitFor();
      assert.equal((await sessionCookie())?.httpOnly, true);
    }));

  test('<OrganizationSwitcher> creates an organization; it is active and useOrganization() shows it', () =>
    step(async () => {
      await app.page.locator('.gatehouse-organization-switcher button[aria-haspopup]').click();
      await app.page.getByRole('link', { name: 'Create organization' }).click();
      await app.page.waitForURL((url) => url.pathname === '/api/gatehouse/pages/create-organization');
      await app.page.getByLabel('Name').fill('Orgs Example Co');
      await app.page.getByRole('button', { name: 'Create' }).click();
      await app.page.waitForURL((url) => url.pathname === '/dashboard');
      await app.page.getByText('Active Organization').waitFor();
      const text = (await app.page.locator('main').textContent()) ?? '';
      assert.match(text, /Name:\s*Orgs Example Co/);
      assert.match(text, /Members Count:\s*1/);
      assert.match(text, /ID:\s*org_/);
    }));

  test('role-gated: the admin invites; the invited member joins (2 members) and may not invite', () =>
    step(async () => {
      const session = await api('/session');
      const orgId = (session.body as { claims: { o?: { id: string } } }).claims.o?.id;
      assert.ok(orgId, JSON.stringify(session.body));
      const invited = await api(`/organizations/${orgId}/invitations`, { email: MEMBER });
      assert.equal(invited.status, 200, JSON.stringify(invited.body));
      const inbox = (await api('/dev/inbox')).body as { messages: { to: string; url: string }[] };
      const token = new URL(inbox.messages.find((m) => m.to === MEMBER)!.url, app.server.baseUrl).searchParams.get('invitation_token');
      assert.ok(token);

      const member = await app.context.browser()!.newContext({ baseURL: app.server.baseUrl });
      try {
        const page = await member.newPage();
        await page.goto('/');
        const call = (path: string, body: unknown) =>
          page.evaluate(
            async ([p, b]) => {
              const res = await fetch(`/api/gatehouse${p as string}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(b),
              });
              return res.status;
            },
            [path, body] as const,
          );
        assert.equal(await call('/sign-up', { email: MEMBER, password: PASSWORD }), 200);
        assert.equal(await call('/invitations/accept', { token }), 200);
        assert.equal(await call('/sessions/active-organization', { organization: orgId }), 200);
        assert.equal(await call(`/organizations/${orgId}/invitations`, { email: 'someone@example.com' }), 403);
        await page.goto('/dashboard');
        await page.getByText('Active Organization').waitFor();
        assert.match((await page.locator('main').textContent()) ?? '', /Members Count:\s*2/);
      } finally {
        await member.close();
      }
    }));

  test('sign-out from <UserButton>: signed out, and the dashboard is locked again', () =>
    step(async () => {
      await app.page.goto('/dashboard');
      await app.page.locator('.gatehouse-user-button button[aria-haspopup]').click();
      await app.page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await app.page.waitForURL((url) => url.pathname === '/');
      assert.equal(await sessionCookie(), undefined);
      await app.page.goto('/dashboard');
      await app.page.waitForURL((url) => url.pathname === '/sign-in');
    }));
});
