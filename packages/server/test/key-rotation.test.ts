// Key rotation: the overlap window, retirement, JWKS contents and audit rows, on a fake clock.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { createCookieJar, createTestInstance, refresh, signUp, type TestInstance } from './helpers.js';

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
    const newKid = await t.gatehouse.keys.rotate();
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
    await t.gatehouse.keys.rotate();
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
      await t.gatehouse.keys.rotate();
      t.advance(11);
      assert.equal((await refresh(t, jar)).status, 200);
      const fresh = jar.get('__session')!;
      // The other process has not seen the new key yet; it re-reads the key table on the unknown kid.
      assert.equal((await other.gatehouse.authenticate(cookieRequest(fresh))).status, 'signed-in');
    } finally {
      await other.close({ keepFiles: true });
    }
  });
});
