// Session lifetime on a fake clock: maxLifetimeSeconds ends a session as 'expired', inactivityTimeoutSeconds as 'abandoned'.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticate, createCookieJar, createTestInstance, refresh, signUp, type TestInstance } from '../../../test-support/instance.js';

const instances: TestInstance[] = [];
after(async () => {
  for (const instance of instances) await instance.close();
});

async function signedUp(options: Parameters<typeof createTestInstance>[0]) {
  const t = await createTestInstance(options);
  instances.push(t);
  const jar = createCookieJar();
  const response = await signUp(t, 'life@example.com', jar);
  assert.equal(response.status, 200);
  return { t, jar, sessionId: (response.body as { sessionId: string }).sessionId };
}

// Regression: the 'expired'/'abandoned' status used to be rolled back with the refresh transaction, leaving the session 'active'.
describe('maximum lifetime', () => {
  test('refresh works until maxLifetimeSeconds, then 401 session_invalid with status expired', async () => {
    const { t, jar, sessionId } = await signedUp({ maxLifetimeSeconds: 3600 });
    t.advance(3599);
    assert.equal((await refresh(t, jar)).status, 200);
    const lastToken = jar.get('__session') as string;
    t.advance(1); // exactly the maximum lifetime
    const response = await refresh(t, jar);
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { error: { code: 'session_invalid', message: 'The session has reached its maximum lifetime.' } });
    assert.equal(jar.get('__client'), undefined, 'cookies are cleared');
    assert.equal(jar.get('__session'), undefined);
    assert.equal(t.sessionStatus(sessionId), 'expired');
    const row = t.db.prepare('SELECT ended_at FROM sessions WHERE id = ?').get(sessionId) as { ended_at: number };
    assert.equal(row.ended_at, t.clock.now);
    // The token minted a second ago is refused at once.
    const state = await authenticate(t, createCookieJar({ __session: lastToken }));
    assert.equal(state.reason, 'session-revoked');
  });

  test('the default lifetime is 7 days', async () => {
    const { t, jar, sessionId } = await signedUp({});
    t.advance(7 * 24 * 3600 - 1);
    assert.equal((await refresh(t, jar)).status, 200);
    t.advance(1);
    assert.equal((await refresh(t, jar)).status, 401);
    assert.equal(t.sessionStatus(sessionId), 'expired');
  });

  test('activity does not extend the maximum lifetime', async () => {
    const { t, jar, sessionId } = await signedUp({ maxLifetimeSeconds: 120 });
    for (let i = 0; i < 3; i++) {
      t.advance(30);
      assert.equal((await refresh(t, jar)).status, 200);
    }
    t.advance(30);
    assert.equal((await refresh(t, jar)).status, 401);
    assert.equal(t.sessionStatus(sessionId), 'expired');
  });
});

describe('inactivity timeout', () => {
  test('activity keeps the session alive; a gap of inactivityTimeoutSeconds abandons it', async () => {
    const { t, jar, sessionId } = await signedUp({ inactivityTimeoutSeconds: 600 });
    t.advance(599);
    assert.equal((await refresh(t, jar)).status, 200);
    t.advance(599); // 1198 s after sign-up, but only 599 s idle
    assert.equal((await refresh(t, jar)).status, 200);
    assert.equal(t.sessionStatus(sessionId), 'active');
    t.advance(600);
    const response = await refresh(t, jar);
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { error: { code: 'session_invalid', message: 'The session ended after a period of inactivity.' } });
    assert.equal(t.sessionStatus(sessionId), 'abandoned');
  });

  test('an abandoned session stays ended: a later refresh with the same cookie is still refused', async () => {
    const { t, jar, sessionId } = await signedUp({ inactivityTimeoutSeconds: 60 });
    const client = jar.get('__client') as string;
    t.advance(61);
    assert.equal((await refresh(t, jar)).status, 401);
    t.advance(1);
    const again = await refresh(t, createCookieJar({ __client: client }));
    assert.equal(again.status, 401);
    assert.equal(t.sessionStatus(sessionId), 'abandoned');
  });
});
