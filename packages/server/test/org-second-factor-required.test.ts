// Issue #18: an organization can require a second factor from its members. Set through the backend
// API (in-process and over HTTP with a secret key) and the dashboard; a member without a second
// factor who makes the org active gets a pending session (the setup-mfa task), so the org's context
// is refused until they add one; the personal account and other orgs stay open to them.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackendClient, createBackendHttpClient, generateSecretKey } from '@gatehouse/server';
import { BACKEND_PREFIX } from '../src/backend/client.js';
import { totpCode } from '../src/factors/codes.js';
import { API, authenticate, createTestInstance, send, type CookieJar, type TestInstance } from '../../../test-support/instance.js';
import { startHttpServer, type TestHttpServer } from '../../../test-support/http-server.js';
import { activate, as, createOrg, failure, join, member, orgSnapshot, payload, type Member } from '../../../test-support/org-setup.js';

const SECRET_KEY = generateSecretKey();
const FORM = 'application/x-www-form-urlencoded';

let t: TestInstance;
let server: TestHttpServer;
let owner: Member;
let bob: Member;
let admin: Member;
let acme: { id: string; slug: string };
let open: { id: string; slug: string };

before(async () => {
  t = await createTestInstance({ secretKeys: [SECRET_KEY] });
  server = await startHttpServer(t.gatehouse);
  owner = await member(t, 'owner@example.com');
  bob = await member(t, 'bob@example.com');
  admin = await member(t, 'admin@example.com');
  await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
  acme = await createOrg(t, owner, { name: 'Acme' });
  open = await createOrg(t, owner, { name: 'Open' });
  await join(t, owner, acme.id, bob);
  await join(t, owner, open.id, bob);
});
after(async () => {
  await server.close();
  await t.close();
});

/** A refresh, as the browser makes one when its token was stamped stale by a change to the org. */
const refreshed = async (who: Member) => assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar: who.jar })).status, 200);
const session = async (jar: CookieJar) => (await send(t, `${API}/session`, { jar })).body as { status: string; tasks: string[] };
const sessionStatus = (who: Member) =>
  (t.db.prepare('SELECT status FROM sessions WHERE id = ?').get(who.sessionId) as { status: string }).status;
const requiredColumn = (orgId: string) =>
  (t.db.prepare('SELECT second_factor_required AS v FROM organizations WHERE id = ?').get(orgId) as { v: number }).v;

describe('setting it', () => {
  test('the backend API sets and clears it, in-process and over HTTP; the organization shows it', async () => {
    const http = createBackendHttpClient({ serviceUrl: `${server.url}${API}`, secretKey: SECRET_KEY });
    const on = await http.organizations.updateOrganization(acme.id, { secondFactorRequired: true });
    assert.equal(on.secondFactorRequired, true);
    assert.equal(requiredColumn(acme.id), 1);
    assert.equal(
      (await createBackendClient(t.gatehouse).organizations.getOrganization({ organizationId: acme.slug })).secondFactorRequired,
      true,
    );
    const off = await createBackendClient(t.gatehouse).organizations.updateOrganization(acme.slug, { secondFactorRequired: false });
    assert.equal(off.secondFactorRequired, false);
    assert.equal(requiredColumn(acme.id), 0);
    // A new organization can be created with it.
    const created = await http.organizations.createOrganization({ name: 'Strict', createdBy: owner.userId, secondFactorRequired: true });
    assert.equal(created.secondFactorRequired, true);
    assert.equal(requiredColumn(created.id), 1);
  });

  test('a wrong value over HTTP is a 400; the members’ API does not take it (even from the org admin); nothing is written', async () => {
    await refreshed(owner);
    const before = orgSnapshot(t);
    const res = await fetch(`${server.url}${API}${BACKEND_PREFIX}/organizations/${acme.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ secondFactorRequired: 'yes' }),
    });
    assert.equal(res.status, 400);
    const patched = await as(t, owner, `/organizations/${acme.id}`, { method: 'PATCH', json: { secondFactorRequired: true } });
    assert.deepEqual(failure(patched), [400, 'invalid_body']);
    assert.deepEqual(orgSnapshot(t), before);
  });

  test('the dashboard shows it and an instance admin turns it on and off (audited as the admin); anyone else gets the 404', async () => {
    const dash = `${API}/dashboard/organizations/${acme.id}`;
    const post = (jar: CookieJar, required: string) =>
      send(t, dash, {
        method: 'POST',
        jar,
        rawBody: new URLSearchParams({ action: 'second-factor', required }).toString(),
        contentType: FORM,
      });
    assert.match((await send(t, dash, { jar: admin.jar })).text, /not required/);
    const before = orgSnapshot(t);
    assert.equal((await post(bob.jar, 'on')).status, 404);
    assert.deepEqual(orgSnapshot(t), before);
    assert.equal((await post(admin.jar, 'on')).status, 303);
    assert.equal(requiredColumn(acme.id), 1);
    assert.match((await send(t, dash, { jar: admin.jar })).text, /required from every member/);
    const audit = t.db
      .prepare("SELECT actor_id, subject_id FROM audit_events WHERE action = 'organization.updated' ORDER BY id DESC LIMIT 1")
      .get();
    assert.deepEqual(audit, { actor_id: admin.userId, subject_id: acme.id });
    assert.equal((await post(admin.jar, 'off')).status, 303);
    assert.equal(requiredColumn(acme.id), 0);
  });
});

describe('a member without a second factor', () => {
  before(async () => {
    await createBackendClient(t.gatehouse).organizations.updateOrganization(acme.id, { secondFactorRequired: true });
  });

  test('making the org active gives a pending session with the setup-mfa task; the org context is refused', async () => {
    await refreshed(bob);
    const jwt = await activate(t, bob, acme.id);
    assert.equal(payload(jwt).sts, 'pending');
    assert.equal(sessionStatus(bob), 'pending');
    assert.deepEqual((await session(bob.jar)).tasks, ['setup-mfa']);
    // A pending session is signed out to the app (Clerk's default): no org context to act in.
    const state = await authenticate(t, bob.jar);
    assert.equal(state.claims?.sts, 'pending');
    // A refresh alone changes nothing.
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar: bob.jar })).status, 200);
    assert.equal((await authenticate(t, bob.jar)).claims?.sts, 'pending');
    // A token for the org without switching is pending too.
    const minted = await as(t, bob, '/tokens', { json: { organizationId: acme.id } });
    assert.equal(minted.status, 200, minted.text);
    assert.equal(payload((minted.body as { jwt: string }).jwt).sts, 'pending');
  });

  test('the personal account and an org that does not require one stay open', async () => {
    assert.equal(payload(await activate(t, bob, open.id)).sts, undefined);
    assert.equal(sessionStatus(bob), 'active');
    assert.equal(payload(await activate(t, bob, null)).sts, undefined);
    assert.equal(payload(await activate(t, bob, acme.id)).sts, 'pending');
  });

  test('turned on while the org is active: the session is pending at its next refresh; turned off, active again', async () => {
    await createBackendClient(t.gatehouse).organizations.updateOrganization(acme.id, { secondFactorRequired: false });
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar: owner.jar })).status, 200);
    assert.equal(payload(await activate(t, owner, acme.id)).sts, undefined);
    t.clock.now += 5_000;
    await createBackendClient(t.gatehouse).organizations.updateOrganization(acme.id, { secondFactorRequired: true });
    // The members' older tokens are stamped stale: the next request refreshes into the new status.
    assert.notEqual((await authenticate(t, owner.jar)).status, 'signed-in');
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar: owner.jar })).status, 200);
    assert.equal((await authenticate(t, owner.jar)).claims?.sts, 'pending');
    assert.deepEqual((await session(owner.jar)).tasks, ['setup-mfa']);
    await createBackendClient(t.gatehouse).organizations.updateOrganization(acme.id, { secondFactorRequired: false });
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar: owner.jar })).status, 200);
    assert.equal((await authenticate(t, owner.jar)).claims?.sts, undefined);
    await createBackendClient(t.gatehouse).organizations.updateOrganization(acme.id, { secondFactorRequired: true });
  });

  test('adding an authenticator app while pending makes the session active in the org', async () => {
    await refreshed(bob);
    await activate(t, bob, acme.id);
    const started = await as(t, bob, '/me/factors/totp', { method: 'POST' });
    assert.equal(started.status, 200, started.text);
    const secret = (started.body as { secret: string }).secret;
    const confirmed = await as(t, bob, '/me/factors/totp/confirm', { json: { code: totpCode(secret, t.clock.now) } });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar: bob.jar })).status, 200);
    const state = await authenticate(t, bob.jar);
    assert.equal(state.claims?.sts, undefined);
    assert.equal(state.claims?.o?.id, acme.id);
    assert.equal(sessionStatus(bob), 'active');
    assert.deepEqual((await session(bob.jar)).tasks, []);
  });
});
