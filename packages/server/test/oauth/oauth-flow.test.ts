// Issue #17: sign-in with an OpenID provider through the auth API: sign-up, sign-in, the linking rule, one-time state, and every refused callback writes nothing but its audit row.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  ORIGIN,
  PASSWORD,
  authenticate,
  createCookieJar,
  createTestInstance,
  send,
  signUp,
  type CookieJar,
  type TestInstance,
} from '../../../../test-support/instance.js';
import { startOidcStandIn, type OidcStandIn } from './stand-ins.js';
import { generateSecretKey } from '@gatehouse/server';
import { scrape } from '../../../../test-support/metrics-scrape.js';

const CLIENT_ID = 'gatehouse-test';
const CLIENT_SECRET = 'stand-in-client-secret-0123456789';
const SECRET_KEY = generateSecretKey();

let t: TestInstance;
let idp: OidcStandIn;

before(async () => {
  idp = await startOidcStandIn(CLIENT_ID, CLIENT_SECRET);
  t = await createTestInstance({
    secretKeys: [SECRET_KEY],
    oauth: {
      connections: [{ id: 'acme', name: 'Acme ID', issuer: idp.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      timeoutSeconds: 1,
    },
  });
});
after(async () => {
  await t.close();
  await idp.close();
});

interface Started {
  jar: CookieJar;
  authorizeUrl: URL;
}

/** The user's addresses as verified (how they got verified, by code or link, is the accounts suite's business). */
async function markVerified(userId: string): Promise<void> {
  await t.gatehouse.store.updateUser(userId, { email_verified: 1 });
  for (const address of await t.gatehouse.store.listEmailAddresses(userId))
    await t.gatehouse.store.updateEmailAddress(address.id, { verified: 1 });
}

async function start(jar = createCookieJar(), body: Record<string, unknown> = {}): Promise<Started> {
  const res = await send(t, `${API}/oauth/start`, {
    json: { strategy: 'oauth_custom_acme', redirectUrlComplete: '/dashboard', signInUrl: '/sign-in', ...body },
    jar,
  });
  assert.equal(res.status, 200, res.text);
  const authorizeUrl = new URL((res.body as { externalVerificationRedirectURL: string }).externalVerificationRedirectURL);
  return { jar, authorizeUrl };
}

/** The browser at the provider: it answers with a redirect to our callback (code and state, or an error). */
async function atProvider(authorizeUrl: URL): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(res.status, 302);
  return new URL(res.headers.get('location') ?? '');
}

async function callback(jar: CookieJar, url: URL): Promise<{ status: number; location: string }> {
  assert.equal(url.origin, ORIGIN, 'the provider redirects to the exact redirect URI');
  const res = await send(t, `${url.pathname}${url.search}`, { jar });
  return { status: res.status, location: res.headers.get('location') ?? '' };
}

async function fullFlow(jar = createCookieJar(), body: Record<string, unknown> = {}) {
  const { authorizeUrl } = await start(jar, body);
  return callback(jar, await atProvider(authorizeUrl));
}

function rows(table: string): number {
  return (t.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Users, sessions, clients and external accounts: what a refused callback must leave unchanged. */
function written() {
  return { users: rows('users'), sessions: rows('sessions'), clients: rows('clients'), external: rows('external_accounts') };
}

function lastFailure(): Record<string, unknown> | undefined {
  const row = t.db.prepare("SELECT data FROM audit_events WHERE action = 'oauth.failed' ORDER BY id DESC LIMIT 1").get() as
    { data: string } | undefined;
  return row ? (JSON.parse(row.data) as Record<string, unknown>) : undefined;
}

async function refused(outcome: Promise<{ status: number; location: string }>, reason: string): Promise<void> {
  const before = written();
  const { status, location } = await outcome;
  assert.equal(status, 303);
  assert.equal(location, `/sign-in?gatehouse_oauth_error=${reason}`);
  assert.deepEqual(written(), before, 'nothing was created');
  assert.equal(lastFailure()?.reason, reason, 'the refusal is audited');
}

describe('the authorization request', () => {
  test('uses the code flow with PKCE S256, state, nonce and the exact redirect URI; the flow cookie is HttpOnly and short-lived', async () => {
    const res = await send(t, `${API}/oauth/start`, { json: { strategy: 'oauth_custom_acme' } });
    const url = new URL((res.body as { externalVerificationRedirectURL: string }).externalVerificationRedirectURL);
    assert.equal(url.origin + url.pathname, `${idp.url}/authorize`);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((url.searchParams.get('state') ?? '').length >= 32);
    assert.ok((url.searchParams.get('nonce') ?? '').length >= 32);
    assert.equal(url.searchParams.get('redirect_uri'), `${ORIGIN}${API}/oauth/callback`);
    const cookie = res.setCookies.find((c) => c.startsWith('__gatehouse_oauth='));
    assert.match(cookie ?? '', /; Path=\/api\/gatehouse\/oauth; Max-Age=600; HttpOnly; SameSite=Lax$/);
    // The verifier travels sealed: neither it nor the state can be read from the cookie.
    assert.ok(!cookie?.includes(url.searchParams.get('state') ?? '-'));
  });

  test('an unknown strategy and a cross-site start are refused', async () => {
    const unknown = await send(t, `${API}/oauth/start`, { json: { strategy: 'oauth_google' } });
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body as { error: { code: string } }).error.code, 'bad_request');
    const crossSite = await send(t, `${API}/oauth/start`, { json: { strategy: 'oauth_custom_acme' }, origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    const extra = await send(t, `${API}/oauth/start`, { json: { strategy: 'oauth_custom_acme', admin: true } });
    assert.equal(extra.status, 400);
  });

  test('the public connection list names the buttons and never a secret', async () => {
    const res = await send(t, `${API}/oauth/connections`);
    assert.deepEqual(res.body, { connections: [{ id: 'acme', strategy: 'oauth_custom_acme', name: 'Acme ID', provider: 'oidc' }] });
    assert.ok(!res.text.includes(CLIENT_SECRET));
  });
});

describe('accounts', () => {
  test('a provider sign-up creates the user with the verified email; signing in again is the same user', async () => {
    idp.user = { sub: 'alice-1', email: 'Alice@Example.com', email_verified: true, given_name: 'Alice', family_name: 'Liddell' };
    const jar = createCookieJar();
    const first = await fullFlow(jar);
    assert.deepEqual(first, { status: 303, location: '/dashboard' });
    const state = await authenticate(t, jar);
    assert.equal(state.status, 'signed-in');
    const userId = state.status === 'signed-in' ? state.claims.sub : '';
    const user = await t.gatehouse.getUser(userId);
    assert.equal(user?.email, 'alice@example.com');
    assert.equal(user?.emailVerified, true);
    assert.equal(user?.firstName, 'Alice');
    assert.equal(user?.externalAccounts?.length, 1);
    const account = user?.externalAccounts?.[0];
    assert.equal(account?.provider, 'oauth_custom_acme');
    assert.equal(account?.externalId, 'alice-1');
    assert.equal(account?.emailAddress, 'alice@example.com');
    assert.equal(account?.verification.status, 'verified');
    assert.ok(!jar.get('__gatehouse_oauth'), 'the flow cookie is cleared');

    const users = rows('users');
    const again = createCookieJar();
    assert.equal((await fullFlow(again)).location, '/dashboard');
    const second = await authenticate(t, again);
    assert.equal(second.status === 'signed-in' ? second.claims.sub : null, userId);
    assert.equal(rows('users'), users, 'no second user');
  });

  test('an existing account whose address is verified is linked by a verified provider email', async () => {
    const signedUp = await signUp(t, 'bob@example.com');
    const bobId = (signedUp.body as { user: { id: string } }).user.id;
    // Verification of the address (accounts, #16) is not what this test is about: mark it verified.
    await markVerified(bobId);
    idp.user = { sub: 'bob-1', email: 'bob@example.com', email_verified: true };
    const jar = createCookieJar();
    assert.equal((await fullFlow(jar)).location, '/dashboard');
    const state = await authenticate(t, jar);
    assert.equal(state.status === 'signed-in' ? state.claims.sub : null, bobId);
    assert.equal((await t.gatehouse.oauth.listExternalAccounts(bobId)).length, 1);
  });

  test('a provider asserting email_verified: false never links, nor signs up', async () => {
    const signedUp = await signUp(t, 'carol@example.com');
    const carolId = (signedUp.body as { user: { id: string } }).user.id;
    await markVerified(carolId);
    for (const flag of [false, 'true', undefined]) {
      idp.user = { sub: `mallory-${String(flag)}`, email: 'carol@example.com', email_verified: flag };
      await refused(fullFlow(), 'oauth_email_unverified');
    }
    idp.user = { sub: 'newcomer', email: 'newcomer@example.com', email_verified: false };
    await refused(fullFlow(), 'oauth_email_unverified');
    assert.equal((await t.gatehouse.oauth.listExternalAccounts(carolId)).length, 0);
  });

  test('an account whose own address is unverified is not handed to a provider user', async () => {
    await signUp(t, 'dave@example.com');
    idp.user = { sub: 'dave-1', email: 'dave@example.com', email_verified: true };
    await refused(fullFlow(), 'oauth_account_exists');
  });

  test('a signed-in user connects a provider from their profile; the account cannot then sign in another user', async () => {
    const jar = createCookieJar();
    const signedUp = await signUp(t, 'erin@example.com', jar);
    const erinId = (signedUp.body as { user: { id: string } }).user.id;
    idp.user = { sub: 'erin-at-acme', email: 'someone-else@example.com', email_verified: false };
    const linked = await fullFlow(jar, { intent: 'link', redirectUrlComplete: '/account' });
    assert.deepEqual(linked, { status: 303, location: '/account' });
    const accounts = await send(t, `${API}/external-accounts`, { jar });
    const data = (accounts.body as { data: Array<{ id: string; externalId: string }> }).data;
    assert.deepEqual(
      data.map((a) => a.externalId),
      ['erin-at-acme'],
    );
    // Another signed-in user cannot take it over.
    const other = createCookieJar();
    await signUp(t, 'frank@example.com', other);
    await refused(fullFlow(other, { intent: 'link' }), 'oauth_account_in_use');
    // Linking needs a session.
    const anonymous = await send(t, `${API}/oauth/start`, { json: { strategy: 'oauth_custom_acme', intent: 'link' } });
    assert.equal(anonymous.status, 401);
    // Erin has a password: she may disconnect it.
    const id = data[0]?.id ?? '';
    const removed = await send(t, `${API}/external-accounts/${id}`, { method: 'DELETE', jar });
    assert.equal(removed.status, 200);
    assert.equal((await t.gatehouse.oauth.listExternalAccounts(erinId)).length, 0);
    const again = await send(t, `${API}/external-accounts/${id}`, { method: 'DELETE', jar });
    assert.equal(again.status, 404);
  });

  test('a user with a second factor cannot skip it through a provider (refused, nothing created)', async () => {
    idp.user = { sub: 'mfa-1', email: 'mfa@example.com', email_verified: true };
    const jar = createCookieJar();
    await fullFlow(jar);
    const state = await authenticate(t, jar);
    const userId = state.status === 'signed-in' ? state.claims.sub : '';
    const at = t.clock.now;
    // A verified authenticator, as enrolment (issue #18) leaves it.
    await t.gatehouse.store.insertFactor({
      id: 'totp_oauthtestfactor000000000',
      user_id: userId,
      kind: 'totp',
      status: 'verified',
      name: 'Authenticator',
      secret_sealed: 'sealed',
      last_step: null,
      credential_id: null,
      public_key: null,
      device_type: null,
      last_used_at: null,
      created_at: at,
      updated_at: at,
    });
    await refused(fullFlow(), 'oauth_second_factor_required');
  });

  test('the last way to sign in cannot be removed', async () => {
    idp.user = { sub: 'gina-1', email: 'gina@example.com', email_verified: true };
    const jar = createCookieJar();
    await fullFlow(jar);
    const list = await send(t, `${API}/external-accounts`, { jar });
    const id = (list.body as { data: Array<{ id: string }> }).data[0]?.id ?? '';
    const res = await send(t, `${API}/external-accounts/${id}`, { method: 'DELETE', jar });
    assert.equal(res.status, 409);
    assert.equal((res.body as { error: { code: string } }).error.code, 'conflict');
    assert.equal(rows('external_accounts') > 0, true);
    const state = await authenticate(t, jar);
    const userId = state.status === 'signed-in' ? state.claims.sub : '';
    assert.equal((await t.gatehouse.oauth.listExternalAccounts(userId)).length, 1);
  });
});

describe('refused callbacks: back to sign-in with the reason, nothing written, audited', () => {
  before(() => {
    idp.user = { sub: 'hank-1', email: 'hank@example.com', email_verified: true };
  });

  test('provider sign-ins count in gatehouse_sign_ins_total: success, and a refused callback by its reason', async () => {
    const signIns = async () => {
      const series = await scrape(t, SECRET_KEY);
      return (outcome: string) => series.get(`gatehouse_sign_ins_total{outcome="${outcome}"}`) ?? 0;
    };
    const before = await signIns();
    assert.equal((await fullFlow()).location, '/dashboard');
    const { jar, authorizeUrl } = await start();
    const back = await atProvider(authorizeUrl);
    back.searchParams.set('state', 'not-the-state');
    await refused(callback(jar, back), 'oauth_state_invalid');
    const after = await signIns();
    assert.equal(after('success') - before('success'), 1);
    assert.equal(after('oauth_state_invalid') - before('oauth_state_invalid'), 1);
  });

  test('tampered state', async () => {
    const { jar, authorizeUrl } = await start();
    const back = await atProvider(authorizeUrl);
    back.searchParams.set('state', `${back.searchParams.get('state')}x`);
    await refused(callback(jar, back), 'oauth_state_invalid');
  });

  test('no flow cookie (a callback planted in another browser) and a forged cookie', async () => {
    const { authorizeUrl } = await start();
    const back = await atProvider(authorizeUrl);
    await refused(callback(createCookieJar(), back), 'oauth_state_invalid');
    await refused(
      callback(createCookieJar({ __gatehouse_oauth: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..a.b.c' }), back),
      'oauth_state_invalid',
    );
  });

  test('a replayed callback (same code and state) and a used code under a new flow', async () => {
    const { jar, authorizeUrl } = await start();
    const back = await atProvider(authorizeUrl);
    const replay = jar.clone();
    assert.equal((await callback(jar, back)).location, '/dashboard');
    await refused(callback(replay, back), 'oauth_state_used');
    // The same code presented with a fresh, valid state: the provider refuses the second exchange.
    const fresh = await start();
    const freshBack = await atProvider(fresh.authorizeUrl);
    freshBack.searchParams.set('code', back.searchParams.get('code') ?? '');
    await refused(callback(fresh.jar, freshBack), 'oauth_code_invalid');
  });

  test('an ID token with another nonce, for another audience, or from another issuer', async () => {
    for (const [tamper, reason] of [
      [{ nonce: 'not-the-nonce' }, 'oauth_nonce_mismatch'],
      [{ aud: 'another-client' }, 'oauth_token_invalid'],
      [{ iss: 'http://127.0.0.1:1/other' }, 'oauth_token_invalid'],
    ] as const) {
      const { jar, authorizeUrl } = await start();
      const back = await atProvider(authorizeUrl);
      idp.tamper = tamper;
      await refused(callback(jar, back), reason);
    }
  });

  test('denied consent and a provider error', async () => {
    for (const [deny, reason] of [
      ['access_denied', 'oauth_access_denied'],
      ['server_error', 'oauth_provider_error'],
    ] as const) {
      const { jar, authorizeUrl } = await start();
      idp.deny = deny;
      await refused(callback(jar, await atProvider(authorizeUrl)), reason);
    }
  });

  test('an expired flow', async () => {
    const { jar, authorizeUrl } = await start();
    const back = await atProvider(authorizeUrl);
    t.advance(601);
    await refused(callback(jar, back), 'oauth_flow_expired');
  });

  test('a slow provider: the exchange times out, no half-created user', async () => {
    const { jar, authorizeUrl } = await start();
    const back = await atProvider(authorizeUrl);
    idp.delayMs = 2500; // longer than the instance's 1 s provider timeout
    try {
      await refused(callback(jar, back), 'oauth_provider_unavailable');
    } finally {
      idp.delayMs = 0;
    }
  });

  test('the app callback page gets the reason when it is the redirect URL', async () => {
    const { jar, authorizeUrl } = await start(createCookieJar(), { redirectUrl: '/sso-callback' });
    idp.deny = 'access_denied';
    const res = await callback(jar, await atProvider(authorizeUrl));
    assert.equal(res.location, '/sso-callback?gatehouse_oauth_error=oauth_access_denied');
    const ok = await start(createCookieJar(), { redirectUrl: '/sso-callback', redirectUrlComplete: 'https://evil.example/x' });
    const done = await callback(ok.jar, await atProvider(ok.authorizeUrl));
    assert.equal(done.location, '/sso-callback?redirect_url_complete=%2F', 'a foreign redirect is replaced by /');
  });
});

describe('provider down', () => {
  test('a start against an unreachable issuer answers 503 and writes nothing', async () => {
    const down = await createTestInstance({
      oauth: { connections: [{ id: 'gone', issuer: 'http://127.0.0.1:9/', clientId: 'x', clientSecret: 'y' }], timeoutSeconds: 1 },
    });
    try {
      const before = down.counts();
      const res = await send(down, `${API}/oauth/start`, { json: { strategy: 'oauth_custom_gone' } });
      assert.equal(res.status, 503);
      assert.equal((res.body as { error: { code: string } }).error.code, 'service_unavailable');
      assert.deepEqual(down.counts(), before);
    } finally {
      await down.close();
    }
  });
});

describe('password users are unaffected', () => {
  test('a password sign-in still works for a linked account', async () => {
    const res = await send(t, `${API}/sign-in`, { json: { email: 'bob@example.com', password: PASSWORD } });
    assert.equal(res.status, 200);
  });
});
