// authenticateRequest: where the token is read from (cookie before Bearer), ambiguous cookies, oversized input and revocation hooks.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticateRequest, signedInAuthObject, type SessionClaims } from '@gatehouse/core';
import { findSessionToken } from '../src/authenticate-request.js';
import {
  createClock,
  createKeyFixture,
  createVerifier,
  requestWith,
  sessionClaims,
  signToken,
} from '../../../test-support/token-fixtures.js';

const ours = await createKeyFixture();
const clock = createClock();
const verifier = createVerifier(ours, clock, { cacheSize: 0 });
const alice = await signToken(ours.privateKey, sessionClaims({ sub: 'user_alice', sid: 'sess_alice' }));
const bob = await signToken(ours.privateKey, sessionClaims({ sub: 'user_bob', sid: 'sess_bob' }));

describe('token source', () => {
  test('no cookie and no header: signed out with session-token-missing', async () => {
    const state = await authenticateRequest(requestWith({}), { verifier });
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'session-token-missing');
    assert.equal(state.token, null);
    assert.equal(state.tokenSource, null);
    assert.equal(state.toAuth().isAuthenticated, false);
  });

  test('the __session cookie signs the request in', async () => {
    const state = await authenticateRequest(requestWith({ cookie: `theme=dark; __session=${alice}; other=1` }), { verifier });
    assert.equal(state.status, 'signed-in');
    assert.equal(state.tokenSource, 'cookie');
    assert.equal(state.token, alice);
    const auth = state.toAuth();
    assert.equal(auth.isAuthenticated, true);
    assert.equal(auth.userId, 'user_alice');
    assert.equal(auth.sessionId, 'sess_alice');
    assert.equal(await auth.getToken(), alice);
  });

  test('Authorization: Bearer is used when there is no cookie', async () => {
    const state = await authenticateRequest(requestWith({ authorization: `Bearer ${bob}` }), { verifier });
    assert.equal(state.status, 'signed-in');
    assert.equal(state.tokenSource, 'header');
    assert.equal(state.claims?.sub, 'user_bob');
  });

  test('the scheme is case-insensitive but must be Bearer', async () => {
    const lower = await authenticateRequest(requestWith({ authorization: `bearer ${bob}` }), { verifier });
    assert.equal(lower.status, 'signed-in');
    for (const authorization of [`Basic ${bob}`, bob, `Bearer`, `Bearer ${bob} extra`, `Token ${bob}`]) {
      const state = await authenticateRequest(requestWith({ authorization }), { verifier });
      assert.equal(state.status, 'signed-out', authorization.slice(0, 12));
      assert.equal(state.reason, 'session-token-missing');
    }
  });

  test('the cookie is preferred over the header', async () => {
    const state = await authenticateRequest(requestWith({ cookie: `__session=${alice}`, authorization: `Bearer ${bob}` }), { verifier });
    assert.equal(state.status, 'signed-in');
    assert.equal(state.tokenSource, 'cookie');
    assert.equal(state.claims?.sub, 'user_alice');
  });

  test('a bad cookie does not fall back to a good header (fail closed, no credential shopping)', async () => {
    const state = await authenticateRequest(requestWith({ cookie: '__session=garbage', authorization: `Bearer ${bob}` }), { verifier });
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'token-invalid');
    assert.equal(state.tokenSource, 'cookie');
  });

  test('two different __session cookies are refused (session-token-ambiguous), even if both are valid', async () => {
    const state = await authenticateRequest(requestWith({ cookie: `__session=${alice}; __session=${bob}` }), { verifier });
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'session-token-ambiguous');
    assert.equal(state.token, null);
    // Ambiguity is not resolved by a Bearer header either.
    const withHeader = await authenticateRequest(
      requestWith({ cookie: `__session=${alice}; __session=garbage`, authorization: `Bearer ${bob}` }),
      { verifier },
    );
    assert.equal(withHeader.reason, 'session-token-ambiguous');
  });

  test('the same __session cookie sent twice is not ambiguous', async () => {
    const state = await authenticateRequest(requestWith({ cookie: `__session=${alice}; __session=${alice}` }), { verifier });
    assert.equal(state.status, 'signed-in');
  });

  test('a 12 KB garbage token is refused as malformed (token-invalid), from the cookie and from the header', async () => {
    const garbage = 'A'.repeat(12 * 1024);
    const threeSegments = `${'A'.repeat(4096)}.${'B'.repeat(4096)}.${'C'.repeat(4096)}`;
    for (const token of [garbage, threeSegments]) {
      const fromCookie = await authenticateRequest(requestWith({ cookie: `__session=${token}` }), { verifier });
      assert.equal(fromCookie.status, 'signed-out');
      assert.equal(fromCookie.reason, 'token-invalid');
      const fromHeader = await authenticateRequest(requestWith({ authorization: `Bearer ${token}` }), { verifier });
      assert.equal(fromHeader.reason, 'token-invalid');
    }
  });

  test('a valid token padded past the 8 KB limit is refused before parsing', async () => {
    const padded = await signToken(ours.privateKey, sessionClaims({ pad: 'x'.repeat(9000) }));
    assert.ok(padded.length > 8192);
    const state = await authenticateRequest(requestWith({ cookie: `__session=${padded}` }), { verifier });
    assert.equal(state.reason, 'token-invalid');
  });

  test('findSessionToken reports the source without verifying', () => {
    assert.deepEqual(findSessionToken(new Headers({ cookie: '__session=abc' })), { token: 'abc', source: 'cookie' });
    assert.deepEqual(findSessionToken(new Headers({ authorization: 'Bearer abc' })), { token: 'abc', source: 'header' });
    assert.deepEqual(findSessionToken(new Headers({ cookie: '__session=a; __session=b' })), {
      token: null,
      reason: 'session-token-ambiguous',
    });
    assert.deepEqual(findSessionToken(new Headers()), { token: null, reason: null });
  });
});

describe('session checks after verification', () => {
  test('checkSession can refuse a valid token (session-revoked) and is given its claims', async () => {
    const seen: string[] = [];
    const state = await authenticateRequest(requestWith({ cookie: `__session=${alice}` }), {
      verifier,
      checkSession: (claims) => {
        seen.push(claims.sid);
        return claims.sid === 'sess_alice' ? 'session-revoked' : null;
      },
    });
    assert.deepEqual(seen, ['sess_alice']);
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'session-revoked');
    assert.equal(state.toAuth().isAuthenticated, false);
  });

  test('checkSession returning null keeps the request signed in', async () => {
    const state = await authenticateRequest(requestWith({ cookie: `__session=${bob}` }), { verifier, checkSession: () => null });
    assert.equal(state.status, 'signed-in');
  });

  test('with sessionChecksVersion, a cached token that passed is checked again only after the version moves, and by any other check', async () => {
    const cached = createVerifier(ours, clock);
    let version = 7;
    let revoked = false;
    const seen: string[] = [];
    const checkSession = (claims: SessionClaims) => {
      seen.push(claims.sid);
      return revoked ? 'session-revoked' : null;
    };
    const options = { verifier: cached, checkSession, sessionChecksVersion: () => version };
    const statusOf = async (opts: Parameters<typeof authenticateRequest>[1]) =>
      (await authenticateRequest(requestWith({ cookie: `__session=${alice}` }), opts)).reason ?? 'signed-in';
    assert.equal(await statusOf(options), 'signed-in');
    assert.equal(await statusOf(options), 'signed-in');
    assert.deepEqual(seen, ['sess_alice'], 'passed under version 7, not asked again');
    revoked = true;
    version += 1; // a revocation recorded
    assert.equal(await statusOf(options), 'session-revoked');
    assert.equal(await statusOf(options), 'session-revoked', 'a refusal is never remembered as a pass');
    assert.equal(seen.length, 3);
    // Another check (another instance's lists) with the same version number is asked itself.
    const other = (claims: SessionClaims) => (seen.push(`other:${claims.sid}`), 'session-claims-stale' as const);
    revoked = false;
    assert.equal(await statusOf(options), 'signed-in');
    assert.equal(await statusOf({ verifier: cached, checkSession: other, sessionChecksVersion: () => version }), 'session-claims-stale');
    // Without a version every request is checked.
    assert.equal(await statusOf({ verifier: cached, checkSession }), 'signed-in');
    assert.equal(await statusOf({ verifier: cached, checkSession }), 'signed-in');
    assert.deepEqual(seen.slice(3), ['sess_alice', 'other:sess_alice', 'sess_alice', 'sess_alice']);
  });

  test('unexpected verifier failures propagate instead of being reported as a signed-out reason', async () => {
    const broken = { verify: async () => Promise.reject(new RangeError('boom')), clearCache() {} };
    await assert.rejects(authenticateRequest(requestWith({ cookie: `__session=${alice}` }), { verifier: broken }), RangeError);
  });
});

describe('auth object', () => {
  test('a signed-in auth object exposes the claims the way Clerk does', () => {
    const auth = signedInAuthObject(
      {
        ...(sessionClaims() as unknown as SessionClaims),
        fva: [3, -1],
        sts: 'pending',
        o: { id: 'org_1', slg: 'acme', rol: 'admin', per: 'manage', fpm: '1' },
        fea: 'o:dashboard',
        act: { sub: 'user_support' },
      },
      async () => 't',
    );
    assert.equal(auth.orgId, 'org_1');
    assert.equal(auth.orgSlug, 'acme');
    assert.equal(auth.orgRole, 'org:admin');
    assert.deepEqual(auth.orgPermissions, ['org:dashboard:manage']);
    assert.deepEqual(auth.factorVerificationAge, [3, -1]);
    assert.equal(auth.sessionStatus, 'pending');
    assert.deepEqual(auth.actor, { sub: 'user_support' });
  });

  test('without an active org, org fields are undefined and role checks fail', () => {
    const auth = signedInAuthObject(sessionClaims() as unknown as SessionClaims, async () => 't');
    assert.equal(auth.orgId, undefined);
    assert.equal(auth.orgRole, undefined);
    assert.equal(auth.orgPermissions, undefined);
    assert.equal(auth.factorVerificationAge, null);
    assert.equal(auth.sessionStatus, 'active');
    assert.equal(auth.has({ role: 'org:admin' }), false);
  });
});
