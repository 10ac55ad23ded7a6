// Issue #17: connections, SSO domains and external accounts through the backend API (in-process and the same table over HTTP) and the instance admins' dashboard; secrets never shown.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackendClient, type BackendClient } from '@gatehouse/server';
import { API, createTestInstance, send, type CookieJar, type TestInstance } from '../../../../test-support/instance.js';
import { member } from '../../../../test-support/org-setup.js';

const SECRET = 'never-shown-client-secret-0123456789';
const FORM = 'application/x-www-form-urlencoded';
let t: TestInstance;
let client: BackendClient;
let adminJar: CookieJar;
let orgId: string;

before(async () => {
  t = await createTestInstance({
    oauth: { connections: [{ id: 'google', preset: 'google', clientId: 'g-id', clientSecret: SECRET }] },
  });
  client = createBackendClient(t.gatehouse);
  const admin = await member(t, 'admin@example.com');
  await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
  adminJar = admin.jar;
  const org = await client.organizations.createOrganization({ name: 'Acme', createdBy: admin.userId });
  orgId = org.id;
});
after(async () => {
  await t.close();
});

describe('backend API', () => {
  test('lists configured connections without secrets; saves an organization connection, its domain, and verifies it', async () => {
    const listed = await client.oauthConnections.list();
    assert.deepEqual(
      listed.data.map((c) => [c.id, c.strategy, c.source, c.hasClientSecret]),
      [['google', 'oauth_google', 'configured', true]],
    );
    const saved = await client.oauthConnections.save({
      id: 'acme_sso',
      issuer: 'https://idp.acme.example',
      clientId: 'acme',
      clientSecret: SECRET,
      organizationId: orgId,
      defaultRole: 'org:member',
    });
    assert.equal(saved.strategy, 'enterprise_sso');
    assert.equal(saved.organizationId, orgId);
    const domain = await client.oauthConnections.addDomain({ connectionId: 'acme_sso', domain: 'acme.example' });
    assert.equal(domain.verified, false);
    const verified = await client.oauthConnections.verifyDomain({ domain: 'acme.example', strategy: 'admin' });
    assert.equal(verified.verified, true);
    assert.ok(!JSON.stringify([listed, saved, await client.oauthConnections.list()]).includes(SECRET));
    await assert.rejects(client.oauthConnections.save({ id: 'x', issuer: 'https://x.example', clientId: 'a', defaultRole: 'org:nope' }), {
      code: 'bad_request',
    });
    await assert.rejects(client.oauthConnections.delete('google'), { code: 'conflict' });
  });

  test('a user with no external accounts; deleting an unknown one is 404', async () => {
    const user = await client.users.createUser({ emailAddress: 'zoe@example.com', password: 'correct horse battery staple' });
    assert.deepEqual((await client.users.getUserExternalAccounts(user.id)).data, []);
    await assert.rejects(client.users.deleteUserExternalAccount({ userId: user.id, externalAccountId: 'eac_aaaaaaaaaaaaaaaaaaaaaaaaaa' }), {
      code: 'not_found',
    });
  });
});

describe('dashboard', () => {
  const post = (fields: Record<string, string>) =>
    send(t, `${API}/dashboard/connections`, {
      method: 'POST',
      rawBody: new URLSearchParams(fields).toString(),
      contentType: FORM,
      jar: adminJar,
    });

  test('shows every connection and domain, never a secret; adds and removes a stored connection', async () => {
    const page = await send(t, `${API}/dashboard/connections`, { jar: adminJar });
    assert.equal(page.status, 200);
    assert.match(page.text, /oauth_google/);
    assert.match(page.text, /acme\.example/);
    assert.ok(!page.text.includes(SECRET));
    const added = await post({
      action: 'save',
      id: 'okta',
      name: 'Okta',
      issuer: 'https://acme.okta.example',
      clientId: 'o',
      clientSecret: SECRET,
    });
    assert.equal(added.status, 303);
    const after = await send(t, `${API}/dashboard/connections`, { jar: adminJar });
    assert.match(after.text, /Okta/);
    assert.ok(!after.text.includes(SECRET));
    const audit = t.db.prepare("SELECT data FROM audit_events WHERE action LIKE 'oauth_connection.%'").all() as { data: string }[];
    assert.ok(audit.length >= 2 && audit.every((r) => !r.data.includes(SECRET)), 'audited, without the secret');
    assert.equal((await post({ action: 'delete', id: 'okta' })).status, 303);
    assert.equal((await post({ action: 'delete', id: 'google' })).status, 409, 'configured connections are read-only');
  });

  test('a non-admin gets no connections page', async () => {
    const someone = await member(t, 'someone@example.com');
    const res = await send(t, `${API}/dashboard/connections`, { jar: someone.jar });
    assert.equal(res.status, 404);
  });
});
