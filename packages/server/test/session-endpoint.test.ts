// GET /api/gatehouse/session (401 signed out, 200 with the user) and the public JWKS at /.well-known/jwks.json.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { importJWK, jwtVerify } from 'jose';
import { API, createCookieJar, createTestInstance, send, signUp, type TestInstance } from '../../../test-support/instance.js';

let t: TestInstance;
before(async () => {
  t = await createTestInstance();
});
after(async () => {
  await t.close();
});

const UNAUTHENTICATED = { error: { code: 'unauthenticated', message: 'You are not signed in.' } };

describe('GET /session', () => {
  test('401 unauthenticated with WWW-Authenticate when signed out', async () => {
    const response = await send(t, `${API}/session`);
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, UNAUTHENTICATED);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  test('401 for a garbage or expired session token', async () => {
    const garbage = await send(t, `${API}/session`, { jar: createCookieJar({ __session: 'garbage' }) });
    assert.equal(garbage.status, 401);
    assert.deepEqual(garbage.body, UNAUTHENTICATED);
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'expired@example.com', jar)).status, 200);
    t.advance(65); // 60 s lifetime + 5 s skew
    const expired = await send(t, `${API}/session`, { jar });
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, UNAUTHENTICATED);
  });

  test('200 with the user, session id, claims and expiry when signed in (cookie or Bearer)', async () => {
    const jar = createCookieJar();
    const signedUp = await signUp(t, 'me@example.com', jar);
    const { user, sessionId } = signedUp.body as { user: { id: string }; sessionId: string };
    const response = await send(t, `${API}/session`, { jar });
    assert.equal(response.status, 200);
    const body = response.body as { user: unknown; sessionId: string; claims: Record<string, unknown>; expiresAt: number };
    // The session's user carries every email address in Clerk's shape (issue #16): here the one primary address.
    const addressId = `idn_${user.id.slice('user_'.length)}`;
    const emailAddresses = [{ id: addressId, emailAddress: 'me@example.com', verification: { status: 'unverified' } }];
    // …and its connected provider accounts (issue #17): none for a password sign-up.
    assert.deepEqual(body.user, { ...user, emailAddresses, externalAccounts: [] });
    assert.equal(body.sessionId, sessionId);
    assert.equal(body.claims.sub, user.id);
    assert.equal(body.claims.sid, sessionId);
    assert.equal(body.claims.v, 2);
    assert.equal(body.expiresAt, t.clock.now + 60_000);
    const bearer = await send(t, `${API}/session`, { headers: { authorization: `Bearer ${jar.get('__session')}` } });
    assert.equal(bearer.status, 200);
    assert.equal((bearer.body as { sessionId: string }).sessionId, sessionId);
  });
});

describe('JWKS', () => {
  test('serves only public members, and the key verifies our session tokens', async () => {
    const response = await send(t, '/.well-known/jwks.json');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    const { keys } = response.body as { keys: Array<Record<string, unknown>> };
    assert.equal(keys.length, 1);
    const [key] = keys as [Record<string, unknown>];
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']) assert.ok(!(secret in key), secret);
    assert.equal(key.kty, 'RSA');
    assert.equal(key.alg, 'RS256');
    assert.equal(key.use, 'sig');
    assert.match(String(key.kid), /^key_[a-z2-7]{26}$/);

    const jar = createCookieJar();
    assert.equal((await signUp(t, 'jwks@example.com', jar)).status, 200);
    const token = jar.get('__session') as string;
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(key, 'RS256'), { currentDate: new Date(t.clock.now) });
    assert.equal(protectedHeader.kid, key.kid);
    assert.equal(payload.iss, t.gatehouse.settings.issuer);
  });

  test('the JWKS is also reachable under the API base path', async () => {
    const response = await send(t, `${API}/jwks`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, t.gatehouse.jwks());
  });
});
