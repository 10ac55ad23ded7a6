// Key rotation: the overlap window, retirement, JWKS contents and audit rows, on a fake clock.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { createLocalKeySet, createSessionTokenVerifier, type PublicJwk } from '@gatehouse/core';
import { createCookieJar, createTestInstance, refresh, signUp, type TestInstance } from '../../../test-support/instance.js';

const cookieRequest = (token: string) => new Request('http://localhost:3000/', { headers: { cookie: `__session=${token}` } });

describe('signing key rotation', () => {
  const instances: TestInstance[] = [];
  after(async () => {
    for (const t of instances) await t.close();
  });

  async function signedIn() {
    const t = await createTestInstance();
    instances.push(t);
    const jar = createCookieJar();
    assert.equal((await signUp(t, `rotate-${instances.length}@example.com`, jar)).status, 200);
    return { t, jar, token: jar.get('__session')! };
  }

  test('a token signed by the previous key verifies through the overlap window, then stops', async () => {
    const { t, jar, token } = await signedIn();
    const oldKid = decodeProtectedHeader(token).kid!;
    const newKid = await t.gatehouse.keys.rotate({ immediately: true });
    assert.notEqual(newKid, oldKid);

    // Still inside its own lifetime: the old-key token verifies after the rotation.
    assert.equal((await t.gatehouse.authenticate(cookieRequest(token))).status, 'signed-in');
    // New tokens are signed by the new key.
    t.advance(11);
    assert.equal((await refresh(t, jar)).status, 200);
    assert.equal(decodeProtectedHeader(jar.get('__session')!).kid, newKid);
    // Both keys are published during the overlap.
    assert.deepEqual(new Set(t.gatehouse.jwks().keys.map((k) => k.kid)), new Set([oldKid, newKid]));

    // Past the overlap (token lifetime + 60 s + skew) the previous key verifies nothing, even a
    // token whose own clock checks would pass (the clock-skew window is what lets us test this).
    const state = t.gatehouse.keys.current();
    const retireAt = state.retireAt.get(oldKid)!;
    assert.ok(retireAt > t.clock.now);
    t.clock.now = retireAt;
    const key = await t.gatehouse.keys.resolver.getKey(oldKid, 'RS256');
    assert.equal(key, null);
  });

  test('retiring a previous key refuses its tokens at once, cached or not', async () => {
    const { t, token } = await signedIn();
    const oldKid = decodeProtectedHeader(token).kid!;
    assert.equal((await t.gatehouse.authenticate(cookieRequest(token))).status, 'signed-in'); // now cached
    await t.gatehouse.keys.rotate({ immediately: true });
    assert.equal(await t.gatehouse.keys.retire(oldKid), true);
    const state = await t.gatehouse.authenticate(cookieRequest(token));
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'jwk-kid-mismatch');
    assert.deepEqual(
      t.gatehouse.jwks().keys.map((k) => k.kid),
      [t.gatehouse.keys.current().signingKey.kid],
    );
    const actions = (
      t.db.prepare('SELECT action, subject_id FROM audit_events WHERE action LIKE ?').all('keys.%') as {
        action: string;
        subject_id: string;
      }[]
    ).map((r) => `${r.action}:${r.subject_id === oldKid ? 'old' : 'new'}`);
    assert.deepEqual(actions.sort(), ['keys.retired:old', 'keys.rotated:new']);
  });

  test('the active key cannot be retired, and an unknown kid retires nothing', async () => {
    const { t, token } = await signedIn();
    const before = t.counts();
    assert.equal(await t.gatehouse.keys.retire(decodeProtectedHeader(token).kid!), false);
    assert.equal(await t.gatehouse.keys.retire('key_doesnotexist'), false);
    assert.deepEqual(t.counts(), before);
    assert.equal((await t.gatehouse.authenticate(cookieRequest(token))).status, 'signed-in');
  });

  test('a second instance on the same database picks up a rotation when it meets the new kid', async () => {
    const { t, jar } = await signedIn();
    const other = await createTestInstance({}, { dir: t.dir, clock: t.clock });
    try {
      await t.gatehouse.keys.rotate({ immediately: true });
      t.advance(11);
      assert.equal((await refresh(t, jar)).status, 200);
      const fresh = jar.get('__session')!;
      // The other process has not seen the new key yet; it re-reads the key table on the unknown kid.
      assert.equal((await other.gatehouse.authenticate(cookieRequest(fresh))).status, 'signed-in');
    } finally {
      await other.close({ keepFiles: true });
    }
  });

  // Issue #15, item 4: a verifier that honours the JWKS max-age and does not refetch on an unknown kid.
  test('a rotated-in key is published at least one JWKS max-age before it signs', async () => {
    const { t, jar, token } = await signedIn();
    const oldKid = decodeProtectedHeader(token).kid!;
    const fetchJwks = async () => {
      const response = await t.gatehouse.handle(new Request('http://localhost:3000/.well-known/jwks.json'));
      const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1]);
      return { keys: ((await response.json()) as { keys: PublicJwk[] }).keys, maxAge };
    };
    const cached = await fetchJwks(); // a verifier's cache, filled just before the rotation
    assert.ok(cached.maxAge > 0);
    const cachedVerifier = createSessionTokenVerifier({
      keys: createLocalKeySet(cached.keys),
      issuer: t.gatehouse.settings.issuer,
      now: () => t.clock.now,
      cacheSize: 0,
    });
    const rotatedAt = t.clock.now;
    const newKid = await t.gatehouse.keys.rotate();
    assert.notEqual(newKid, oldKid);
    assert.deepEqual(new Set((await fetchJwks()).keys.map((k) => k.kid)), new Set([oldKid, newKid]), 'published at once');

    // Until that cache has expired, every new token is still signed by a key it holds.
    for (const step of [11, 60, 120, 100]) {
      t.advance(step);
      assert.ok(t.clock.now < rotatedAt + cached.maxAge * 1000);
      assert.equal((await refresh(t, jar)).status, 200);
      const fresh = jar.get('__session')!;
      assert.equal(decodeProtectedHeader(fresh).kid, oldKid);
      assert.equal((await cachedVerifier.verify(fresh)).sid, (await t.gatehouse.authenticate(cookieRequest(fresh))).claims?.sid);
    }
    // Once it would have been refetched, the new key signs; the old one keeps verifying its tokens.
    const lastOld = jar.get('__session')!;
    t.clock.now = rotatedAt + cached.maxAge * 1000 + 6000;
    assert.equal((await refresh(t, jar)).status, 200);
    assert.equal(decodeProtectedHeader(jar.get('__session')!).kid, newKid);
    assert.equal((await t.gatehouse.authenticate(cookieRequest(jar.get('__session')!))).status, 'signed-in');
    t.clock.now -= 1000; // the last old-key token is still inside its lifetime plus skew here
    assert.equal((await t.gatehouse.authenticate(cookieRequest(lastOld))).status, 'signed-in');
    assert.ok(t.gatehouse.keys.current().retireAt.get(oldKid)! > t.clock.now);
  });

  test('rotating immediately (a suspected compromise) signs with the new key at once', async () => {
    const { t, jar, token } = await signedIn();
    const newKid = await t.gatehouse.keys.rotate({ immediately: true });
    assert.notEqual(newKid, decodeProtectedHeader(token).kid);
    t.advance(11);
    assert.equal((await refresh(t, jar)).status, 200);
    assert.equal(decodeProtectedHeader(jar.get('__session')!).kid, newKid);
  });
});
