// The verified-token cache: never accepts past exp, stays within cacheSize, and is dropped when the trusted key set changes.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticateRequestNow, createLocalKeySet, createSessionTokenVerifier, type KeyResolver } from '@gatehouse/core';
import {
  ISSUER,
  T0,
  assertAccepted,
  assertRefused,
  createClock,
  base64url,
  createKeyFixture,
  sessionClaims,
  signToken,
  requestWith,
  type Clock,
} from '../../../test-support/token-fixtures.js';

const ours = await createKeyFixture();

/** A key resolver whose trust and revision the test controls, counting every key lookup. */
function controlledResolver(): KeyResolver & { lookups: number; trusted: boolean; bump(): void; onLookup?: () => void } {
  const inner = createLocalKeySet([ours.publicJwk]);
  let revision = 0;
  const resolver = {
    lookups: 0,
    trusted: true,
    onLookup: undefined as (() => void) | undefined,
    get revision() {
      return revision;
    },
    bump() {
      revision += 1;
    },
    async getKey(kid: string, alg: string) {
      resolver.lookups += 1;
      const key = resolver.trusted ? await inner.getKey(kid, alg) : null;
      resolver.onLookup?.();
      return key;
    },
  };
  return resolver;
}

function verifierOver(keys: KeyResolver, clock: Clock, cacheSize?: number) {
  return createSessionTokenVerifier({ keys, issuer: ISSUER, now: () => clock.now, ...(cacheSize === undefined ? {} : { cacheSize }) });
}

const tokens = await Promise.all([1, 2, 3, 4].map((i) => signToken(ours.privateKey, sessionClaims({ jti: `jti${i}`, sid: `sess_${i}` }))));
const [a, b, c] = tokens as [string, string, string, string];

describe('verified-token cache', () => {
  test('a repeated token is verified once (the cache is actually used)', async () => {
    const keys = controlledResolver();
    const verifier = verifierOver(keys, createClock());
    await verifier.verify(a);
    await verifier.verify(a);
    await verifier.verify(a);
    assert.equal(keys.lookups, 1);
  });

  test('a cached token stops being accepted once it expires (fake clock)', async () => {
    const clock = createClock();
    const keys = controlledResolver();
    const verifier = verifierOver(keys, clock);
    await assertAccepted(verifier, a);
    clock.now = (T0 + 60) * 1000 + 4999;
    await assertAccepted(verifier, a);
    clock.now = (T0 + 60) * 1000 + 5000;
    await assertRefused(verifier, a, 'session-token-expired');
    assert.equal(keys.lookups, 1, 'the expiry was decided from the cache entry, not by re-verifying');
  });

  test('a cached token is not accepted before nbf either when the clock goes back', async () => {
    const clock = createClock();
    const verifier = verifierOver(controlledResolver(), clock);
    await assertAccepted(verifier, a);
    clock.now = (T0 - 60) * 1000;
    await assertRefused(verifier, a, 'session-token-nbf');
  });

  test('the cache holds at most cacheSize tokens, evicting the oldest first', async () => {
    const keys = controlledResolver();
    const verifier = verifierOver(keys, createClock(), 2);
    await verifier.verify(a);
    await verifier.verify(b);
    await verifier.verify(c); // evicts a
    assert.equal(keys.lookups, 3);
    await verifier.verify(c);
    await verifier.verify(b);
    assert.equal(keys.lookups, 3, 'b and c are still cached');
    await verifier.verify(a);
    assert.equal(keys.lookups, 4, 'a was evicted and had to be verified again');
  });

  test('cacheSize 0 turns the cache off', async () => {
    const keys = controlledResolver();
    const verifier = verifierOver(keys, createClock(), 0);
    await verifier.verify(a);
    await verifier.verify(a);
    assert.equal(keys.lookups, 2);
  });

  test('a failed verification is not cached', async () => {
    const keys = controlledResolver();
    const verifier = verifierOver(keys, createClock());
    keys.trusted = false;
    await assertRefused(verifier, a, 'jwk-kid-mismatch');
    keys.trusted = true;
    await assertAccepted(verifier, a);
  });

  test('a change of the key resolver revision drops cached verifications (a retired key stops working at once)', async () => {
    const keys = controlledResolver();
    const verifier = verifierOver(keys, createClock());
    await assertAccepted(verifier, a);
    keys.trusted = false; // the key is retired...
    await assertAccepted(verifier, a); // ...but nothing told the cache yet
    keys.bump(); // the key set changed
    await assertRefused(verifier, a, 'jwk-kid-mismatch');
  });

  test('clearCache() forces re-verification', async () => {
    const keys = controlledResolver();
    const verifier = verifierOver(keys, createClock());
    await assertAccepted(verifier, a);
    keys.trusted = false;
    verifier.clearCache();
    await assertRefused(verifier, a, 'jwk-kid-mismatch');
  });

  // Regression: the entry used to be stored under the revision read after the await, so it stayed cached as valid.
  test('a key set that changes while a token is being verified does not leave that token cached under the new revision', async () => {
    const keys = controlledResolver();
    const verifier = verifierOver(keys, createClock());
    // The key is retired (and the revision bumped) while this verification is in flight.
    keys.onLookup = () => {
      keys.onLookup = undefined;
      keys.trusted = false;
      keys.bump();
    };
    await verifier.verify(b); // it was trusted when looked up, so this one call succeeds
    await assertRefused(verifier, b, 'jwk-kid-mismatch');
  });

  test('a token that differs from a cached one only before its signature does not hit (the whole token must be equal)', async () => {
    const keys = controlledResolver();
    const verifier = verifierOver(keys, createClock());
    await assertAccepted(verifier, a);
    const [header, , signature] = a.split('.') as [string, string, string];
    const forged = `${header}.${base64url(JSON.stringify(sessionClaims({ sub: 'user_someoneelse' })))}.${signature}`;
    await assertRefused(verifier, forged, 'token-invalid-signature');
    // assertRefused asks twice (the verifier, then authenticateRequest): each time the signature was checked.
    assert.equal(keys.lookups, 3, 'the forged token was verified, not answered from the entry of the token it copies');
    assert.equal((await assertAccepted(verifier, a)).sub, 'user_testuser');
    assert.equal(keys.lookups, 3, 'the cached token is still cached');
  });

  test('verified claims are exactly the payload (frozen, no added key of any kind), and a cache hit answers has() as the first request did', async () => {
    const org = { id: 'org_acme', rol: 'admin', per: 'read,manage', fpm: '1' };
    const payload = sessionClaims({ sid: 'sess_org', o: org, fea: 'o:reports', fva: [3, -1] });
    const token = await signToken(ours.privateKey, payload);
    const verifier = verifierOver(controlledResolver(), createClock());
    const claims = await verifier.verify(token);
    assert.ok(Object.isFrozen(claims));
    // Nothing added, not even a non-enumerable or symbol-keyed slot (React refuses objects with
    // symbol properties as props to client components).
    assert.deepEqual(Reflect.ownKeys(claims), Object.keys(payload));
    assert.equal(JSON.stringify(claims), JSON.stringify(payload));
    // Shared by every hit, nested parts included: nothing can be changed for the next request.
    assert.ok(Object.isFrozen(claims.o) && Object.isFrozen(claims.fva));
    assert.throws(() => {
      (claims.fva as number[])[0] = 0;
    }, TypeError);
    assert.throws(() => {
      (claims.o as { rol: string }).rol = 'owner';
    }, TypeError);
    for (let i = 0; i < 3; i++) {
      const state = authenticateRequestNow(requestWith({ cookie: `__session=${token}` }), { verifier });
      assert.ok(!(state instanceof Promise) || i === 0);
      const auth = (await state).toAuth();
      assert.equal(auth.sessionClaims, claims, 'the cached claims object is shared');
      assert.deepEqual(auth.orgPermissions, ['org:reports:read']);
      assert.equal(auth.has({ permission: 'org:reports:read' }), true);
      assert.equal(auth.has({ permission: 'org:reports:manage' }), false);
      assert.equal(auth.has({ role: 'org:admin' }), true);
      assert.equal(auth.has({ reverification: { level: 'first_factor', afterMinutes: 5 } }), true);
      assert.throws(() => {
        (auth.factorVerificationAge as [number, number])[0] = 100;
      }, TypeError);
      // The copy app code gets changes nothing the next request reads.
      auth.orgPermissions?.push('org:reports:manage');
    }
  });
});
