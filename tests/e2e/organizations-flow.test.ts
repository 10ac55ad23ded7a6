// Organizations in Chromium against the example app's production server, driven through the SDK's
// components: alice signs up, creates Acme (active at once), invites bob from OrganizationProfile;
// bob signs up in another browser, opens the link from the dev inbox, accepts and has Acme active;
// alice's role change and removal reach bob's very next API call; the UserButton lists alice's
// sessions and "Sign out of all devices" ends them all. Needs `npm run build` and /usr/bin/chromium.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { clickAndLandOn, fillCredentials, submitAndLandOn, useBrowserApp } from '../../test-support/browser-app.js';

const PASSWORD = 'correct horse battery staple';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

interface Me {
  userId: string;
  orgId: string | null;
  orgRole: string | null;
  orgSlug: string | null;
}

/** GET /api/me with the context's cookies (what the browser's next API call would see). */
async function me(context: BrowserContext): Promise<Me> {
  const res = await context.request.get('/api/me', { headers: { accept: 'application/json' } });
  assert.equal(res.status(), 200, `/api/me answered ${res.status()}: ${await res.text()}`);
  const body = (await res.json()) as Partial<Me>;
  // auth() leaves the org fields undefined on the personal account; JSON drops them.
  return { userId: body.userId ?? '', orgId: body.orgId ?? null, orgRole: body.orgRole ?? null, orgSlug: body.orgSlug ?? null };
}

/** Fills the sign-up form and waits for the dashboard; fails with the form's error if it shows one. */
async function signUp(page: Page, email: string, redirectPath = '/dashboard'): Promise<void> {
  await page.goto('/sign-up');
  await fillCredentials(page, email, PASSWORD);
  await submitAndLandOn(page, 'Sign up', redirectPath);
}

describe('organizations flow in Chromium', () => {
  const app = useBrowserApp({ env: { GATEHOUSE_DEV_INBOX: '1' } });

  test('create, invite, accept, change role, remove, sign out of all devices', { timeout: 90_000 }, async () => {
    const server = app.server;
    const { context: aliceContext, page: alice } = await app.newPage();
    try {
      // alice signs up and creates Acme from the switcher's "Create organization" entry.
      await signUp(alice, ALICE);
      assert.equal((await me(aliceContext)).orgId, null, 'a new user starts on the personal account');
      await alice.getByRole('button', { name: 'Organization: Personal account' }).click();
      await alice.getByRole('link', { name: 'Create organization' }).click();
      await alice.waitForURL((url) => url.pathname === '/organizations/new');
      await alice.getByLabel('Name').fill('Acme');
      assert.equal(await alice.getByLabel('Slug').inputValue(), 'acme', 'the slug follows the name');
      const form = alice.getByRole('form', { name: 'Create organization' });
      await clickAndLandOn(alice, form.getByRole('button', { name: 'Create organization' }), '/organization', form);

      // Acme is active: in the switcher, in the server's view, and on the profile page.
      await alice.getByRole('button', { name: 'Organization: Acme' }).waitFor();
      const aliceMe = await me(aliceContext);
      assert.equal(aliceMe.orgSlug, 'acme');
      assert.equal(aliceMe.orgRole, 'org:admin');
      await alice.getByRole('heading', { name: 'Acme', exact: true }).waitFor();

      // alice invites bob as a member.
      const invite = alice.getByRole('form', { name: 'Invite member' });
      await invite.getByLabel('Email').fill(BOB);
      await invite.getByLabel('Role').selectOption('org:member');
      await invite.getByRole('button', { name: 'Send invitation' }).click();
      await invite
        .getByRole('status')
        .filter({ hasText: `Invitation sent to ${BOB}` })
        .waitFor();
      await alice.getByRole('list', { name: 'Pending invitations' }).getByText(BOB).waitFor();

      // bob signs up in his own browser, finds the email in the dev inbox and opens its link.
      const { context: bobContext, page: bob } = await app.newPage();
      await signUp(bob, BOB);
      await bob.goto('/dev/inbox');
      const message = bob.getByRole('listitem').filter({ hasText: BOB });
      const link = message.getByRole('link', { name: 'You are invited to join Acme' });
      const href = (await link.getAttribute('href')) ?? '';
      assert.match(href, /\/accept-invitation\?invitation_token=[A-Za-z0-9_-]{43}$/);
      await link.click();
      await bob.waitForURL((url) => url.pathname === '/accept-invitation');
      const acceptPage = await bobContext.request.get(new URL(bob.url()).pathname + new URL(bob.url()).search);
      assert.equal(acceptPage.headers()['referrer-policy'], 'no-referrer', 'the page with the token sends no Referer');

      // He accepts: Acme becomes his active organization and the dashboard opens.
      await clickAndLandOn(bob, bob.getByRole('button', { name: 'Accept invitation' }), '/dashboard');
      await bob.getByRole('button', { name: 'Organization: Acme' }).waitFor();
      assert.equal(await bob.getByTestId('org-slug').textContent(), 'acme');
      const bobMe = await me(bobContext);
      assert.equal(bobMe.orgSlug, 'acme');
      assert.equal(bobMe.orgRole, 'org:member');
      // The link worked once.
      const reused = await bobContext.request.post('/api/gatehouse/invitations/accept', {
        headers: { origin: server.baseUrl },
        data: { token: new URL(href, server.baseUrl).searchParams.get('invitation_token') },
      });
      assert.equal(reused.status(), 400);

      // alice sees bob among the members (after a reload: the list is read when the page opens) and
      // makes him an admin: his very next API call carries the new role.
      await alice.reload();
      await alice.getByText('No pending invitations.').waitFor();
      const roleSelect = alice.getByLabel(`Role of ${BOB}`);
      const patched = alice.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/memberships/'));
      await roleSelect.selectOption('org:admin');
      assert.equal((await patched).status(), 200);
      const promoted = await me(bobContext);
      assert.equal(promoted.orgId, bobMe.orgId);
      assert.equal(promoted.orgRole, 'org:admin', 'the role change reached the next request');

      // alice removes bob: his next call has no organization at all.
      const removed = alice.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/memberships/'));
      await alice.getByRole('button', { name: `Remove ${BOB}` }).click();
      assert.equal((await removed).status(), 200);
      await alice.getByLabel(`Role of ${BOB}`).waitFor({ state: 'detached' });
      const gone = await me(bobContext);
      assert.equal(gone.userId, bobMe.userId, 'bob is still signed in');
      assert.equal(gone.orgId, null, 'the removal reached the next request');
      assert.equal(gone.orgRole, null);

      // alice also signs in on a second device (plain HTTP, its own cookies).
      const other = await fetch(`${server.baseUrl}/api/gatehouse/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.baseUrl, 'user-agent': 'curl/8.5.0' },
        body: JSON.stringify({ email: ALICE, password: PASSWORD }),
      });
      assert.equal(other.status, 200);
      const otherCookies = other.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ');

      // Her UserButton lists both sessions, this one marked current.
      await alice.getByRole('button', { name: `Account: ${ALICE}` }).click();
      const devices = alice.getByRole('list', { name: 'Signed-in devices' });
      await devices.getByRole('listitem').nth(1).waitFor();
      assert.equal(await devices.getByRole('listitem').count(), 2);
      const current = devices.getByRole('listitem').filter({ hasText: '(current)' });
      assert.equal(await current.count(), 1);
      assert.doesNotMatch((await current.textContent()) ?? '', /curl/);
      assert.match((await devices.getByRole('listitem').filter({ hasText: 'curl' }).textContent()) ?? '', /last active/);

      // "Sign out of all devices": this browser leaves, and both sessions are over.
      const before = (await aliceContext.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      await clickAndLandOn(alice, alice.getByRole('button', { name: 'Sign out of all devices' }), '/');
      for (const cookie of [before, otherCookies]) {
        const res = await fetch(`${server.baseUrl}/dashboard`, {
          redirect: 'manual',
          headers: { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', accept: 'text/html', cookie },
        });
        await res.arrayBuffer();
        assert.equal(res.status, 307);
        assert.match(res.headers.get('location') ?? '', /\/sign-in\?redirect_url=%2Fdashboard$/);
      }
      const remaining = (await aliceContext.cookies()).filter((c) => c.name === '__session' || c.name === '__client');
      assert.deepEqual(remaining, [], 'the browser dropped its session cookies');
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- alice: ${alice.url()}\n--- server output ---\n${server.output()}`;
      throw error;
    }
  });
});
