// Issue #17: the GitHub preset against a stand-in of GitHub's endpoints, per-organization SSO by verified domain, and connection configuration (environment, stored, secrets never shown).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  ORIGIN,
  authenticate,
  createCookieJar,
  createTestInstance,
  send,
  type CookieJar,
  type TestInstance,
} from '../../../../test-support/instance.js';
import { connectionsFromEnv } from '../../src/oauth/presets.js';
import { startGithubStandIn, startOidcStandIn, type GithubStandIn, type OidcStandIn } from './stand-ins.js';

let t: TestInstance;
let github: GithubStandIn;
let idp: OidcStandIn;
const txt = new Map<string, string[]>();

before(async () => {
  github = await startGithubStandIn('gh-client', 'gh-secret');
  idp = await startOidcStandIn('org-client', 'org-secret');
  t = await createTestInstance({
    oauth: {
      connections: [{ id: 'github', preset: 'github', clientId: 'gh-client', clientSecret: 'gh-secret', baseUrl: github.url }],
      resolveTxt: async (name) => txt.get(name) ?? [],
    },
  });
});
after(async () => {
  await t.close();
  await github.close();
  await idp.close();
});

/** The user's addresses as verified (how they got verified, by code or link, is the accounts suite's business). */
async function markVerified(userId: string): Promise<void> {
  await t.gatehouse.store.updateUser(userId, { email_verified: 1 });
  for (const address of await t.gatehouse.store.listEmailAddresses(userId))
    await t.gatehouse.store.updateEmailAddress(address.id, { verified: 1 });
}

async function flow(body: Record<string, unknown>, jar: CookieJar = createCookieJar()): Promise<{ jar: CookieJar; location: string }> {
  const res = await send(t, `${API}/oauth/start`, { json: { redirectUrlComplete: '/dashboard', ...body }, jar });
  assert.equal(res.status, 200, res.text);
  const authorize = await fetch((res.body as { externalVerificationRedirectURL: string }).externalVerificationRedirectURL, {
    redirect: 'manual',
  });
  const back = new URL(authorize.headers.get('location') ?? '');
  assert.equal(back.origin, ORIGIN);
  const done = await send(t, `${back.pathname}${back.search}`, { jar });
  assert.equal(done.status, 303);
  return { jar, location: done.headers.get('location') ?? '' };
}

async function userOf(jar: CookieJar): Promise<string | null> {
  const state = await authenticate(t, jar);
  return state.status === 'signed-in' ? state.claims.sub : null;
}

describe('GitHub preset (against a stand-in of GitHub)', () => {
  test('signs up with the primary verified address from /user/emails', async () => {
    github.user = {
      id: 583231,
      login: 'octocat',
      name: 'Mona Lisa Octocat',
      avatar_url: 'https://avatars.example/583231',
      emails: [
        { email: 'old@example.com', primary: false, verified: false, visibility: null },
        { email: 'Octocat@Example.com', primary: true, verified: true, visibility: 'public' },
      ],
    };
    const { jar, location } = await flow({ strategy: 'oauth_github' });
    assert.equal(location, '/dashboard');
    const user = await t.gatehouse.getUser((await userOf(jar)) ?? '');
    assert.equal(user?.email, 'octocat@example.com');
    assert.equal(user?.firstName, 'Mona');
    assert.equal(user?.lastName, 'Lisa Octocat');
    assert.deepEqual(
      user?.externalAccounts?.map((a) => [a.provider, a.externalId, a.username]),
      [['oauth_github', '583231', 'octocat']],
    );
  });

  test('an unverified primary address is refused, nothing created', async () => {
    github.user = {
      id: 7,
      login: 'sneaky',
      name: null,
      avatar_url: '',
      emails: [{ email: 'octocat@example.com', primary: true, verified: false, visibility: null }],
    };
    const users = t.counts().users;
    const { jar, location } = await flow({ strategy: 'oauth_github', signInUrl: '/login' });
    assert.equal(location, '/login?gatehouse_oauth_error=oauth_email_unverified');
    assert.equal(await userOf(jar), null);
    assert.equal(t.counts().users, users);
  });

  test('the button list shows GitHub under its strategy', async () => {
    const res = await send(t, `${API}/oauth/connections`);
    assert.deepEqual(res.body, { connections: [{ id: 'github', strategy: 'oauth_github', name: 'GitHub', provider: 'github' }] });
  });
});

describe('per-organization SSO', () => {
  let orgId: string;
  before(async () => {
    const owner = await t.gatehouse.users.create({ email: 'owner@acme.test' });
    const org = await t.gatehouse.organizations.createOrganization(owner.id, { name: 'Acme Corp' });
    orgId = org.organization.id;
    const saved = await t.gatehouse.oauth.connections.save(
      { id: 'acme_sso', name: 'Acme SSO', issuer: idp.url, clientId: 'org-client', clientSecret: 'org-secret' },
      { organizationId: orgId, defaultRole: 'org:member' },
    );
    assert.equal(saved.strategy, 'enterprise_sso');
    assert.equal(JSON.stringify(saved).includes('org-secret'), false, 'the secret is never returned');
    await t.gatehouse.oauth.domains.add('acme_sso', 'acme.test');
  });

  test('an unverified domain routes nowhere', async () => {
    const res = await send(t, `${API}/oauth/start`, { json: { strategy: 'enterprise_sso', identifier: 'ivy@acme.test' } });
    assert.equal(res.status, 400);
  });

  test('a user of the verified domain goes to the org provider and lands as a member with the default role', async () => {
    await t.gatehouse.oauth.domains.verifyByAdmin('acme.test');
    idp.user = { sub: 'ivy-at-acme', email: 'ivy@acme.test', email_verified: true, given_name: 'Ivy' };
    const res = await send(t, `${API}/oauth/start`, { json: { strategy: 'enterprise_sso', identifier: 'Ivy@ACME.test' } });
    assert.equal(new URL((res.body as { externalVerificationRedirectURL: string }).externalVerificationRedirectURL).origin, idp.url);
    const { jar, location } = await flow({ strategy: 'enterprise_sso', identifier: 'ivy@acme.test' });
    assert.equal(location, '/dashboard');
    const userId = (await userOf(jar)) ?? '';
    const memberships = await t.gatehouse.organizations.listUserMemberships(userId);
    assert.deepEqual(
      memberships.map((m) => [m.organization.id, m.role]),
      [[orgId, 'org:member']],
    );
    const user = await t.gatehouse.getUser(userId);
    assert.equal(user?.externalAccounts?.[0]?.provider, 'enterprise_sso');
  });

  test("the org's provider is not trusted for addresses outside its verified domains", async () => {
    const victim = await t.gatehouse.users.create({ email: 'victim@elsewhere.test' });
    await markVerified(victim.id);
    idp.user = { sub: 'evil', email: 'victim@elsewhere.test', email_verified: true };
    const { jar, location } = await flow({ strategy: 'enterprise_sso', identifier: 'ivy@acme.test' });
    assert.equal(location, '/sign-in?gatehouse_oauth_error=oauth_email_unverified');
    assert.equal(await userOf(jar), null);
    assert.equal((await t.gatehouse.oauth.listExternalAccounts(victim.id)).length, 0);
  });

  test('domain verification by DNS TXT through the pluggable resolver', async () => {
    const domain = await t.gatehouse.oauth.domains.add('acme_sso', 'corp.acme.test');
    await assert.rejects(t.gatehouse.oauth.domains.verifyByDns('corp.acme.test'), { code: 'bad_request' });
    txt.set(domain.txtRecord.name, ['unrelated', domain.txtRecord.value]);
    const verified = await t.gatehouse.oauth.domains.verifyByDns('corp.acme.test');
    assert.equal(verified.verified, true);
    await assert.rejects(t.gatehouse.oauth.domains.add('acme_sso', 'corp.acme.test'), { code: 'conflict' });
    await assert.rejects(t.gatehouse.oauth.domains.add('acme_sso', 'not a domain'), { code: 'bad_request' });
  });
});

describe('connection configuration', () => {
  test('GATEHOUSE_OAUTH_<ID>_* variables', () => {
    const env = {
      GATEHOUSE_OAUTH_GOOGLE_PRESET: 'google',
      GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: 'g-id',
      GATEHOUSE_OAUTH_GOOGLE_CLIENT_SECRET: 'g-secret',
      GATEHOUSE_OAUTH_OKTA_ISSUER: 'https://example.okta.com',
      GATEHOUSE_OAUTH_OKTA_CLIENT_ID: 'o-id',
      GATEHOUSE_OAUTH_OKTA_NAME: 'Okta',
      GATEHOUSE_OAUTH_OKTA_SCOPES: 'openid email,profile',
    };
    assert.deepEqual(connectionsFromEnv(env), [
      { id: 'google', preset: 'google', clientId: 'g-id', clientSecret: 'g-secret' },
      { id: 'okta', name: 'Okta', issuer: 'https://example.okta.com', clientId: 'o-id', scopes: ['openid', 'email', 'profile'] },
    ]);
    assert.throws(() => connectionsFromEnv({ GATEHOUSE_OAUTH_X_ISSUER: 'https://x.example' }), /GATEHOUSE_OAUTH_X_\*: clientId/);
    assert.throws(
      () =>
        connectionsFromEnv({
          GATEHOUSE_OAUTH_X_PRESET: 'google',
          GATEHOUSE_OAUTH_X_ISSUER: 'https://x.example',
          GATEHOUSE_OAUTH_X_CLIENT_ID: 'a',
        }),
      /preset or an issuer/,
    );
  });

  test('plain-HTTP issuers only on loopback; configured connections are read-only', async () => {
    await assert.rejects(t.gatehouse.oauth.connections.save({ id: 'lan', issuer: 'http://idp.example', clientId: 'a' }), {
      code: 'bad_request',
    });
    await assert.rejects(t.gatehouse.oauth.connections.save({ id: 'github', preset: 'github', clientId: 'a' }), { code: 'conflict' });
    const saved = await t.gatehouse.oauth.connections.save({
      id: 'local',
      issuer: 'http://127.0.0.1:1',
      clientId: 'a',
      clientSecret: 'kept-secret',
    });
    assert.equal(saved.hasClientSecret, true);
    const stored = t.db.prepare("SELECT client_secret_sealed FROM oauth_connections WHERE id = 'local'").get() as {
      client_secret_sealed: string;
    };
    assert.ok(!stored.client_secret_sealed.includes('kept-secret'), 'sealed at rest');
    await t.gatehouse.oauth.connections.remove('local');
  });
});
