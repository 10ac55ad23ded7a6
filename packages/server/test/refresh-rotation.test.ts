// POST /refresh: a new __session each time; the client token rotates once per grace window, and reusing a rotated-out token after it revokes the client.

import { after, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  authenticate,
  createCookieJar,
  createTestInstance,
  refresh,
  setCookie,
  signUp,
  type CookieJar,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;
let jar: CookieJar;
let sessionId: string;
const instances: TestInstance[] = [];

beforeEach(async () => {
  t = await createTestInstance();
  instances.push(t);
  jar = createCookieJar();
  const response = await signUp(t, 'rot@example.com', jar);
  assert.equal(response.status, 200);
  sessionId = (response.body as { sessionId: string }).sessionId;
});
after(async () => {
  for (const instance of instances) await instance.close();
});

const CLIENT_INVALID = { error: { code: 'client_invalid', message: 'The client token is not valid.' } };

describe('refresh', () => {
  test('mints a new __session with fresh times; inside the grace window the client token is not rotated', async () => {
    const firstSession = jar.get('__session');
    const firstClient = jar.get('__client');
    t.advance(5); // < 10 s grace since sign-up
    const response = await refresh(t, jar);
    assert.equal(response.status, 200);
    const body = response.body as { jwt: string; sessionId: string; userId: string };
    assert.deepEqual(Object.keys(body).sort(), ['jwt', 'sessionId', 'userId']);
    assert.equal(body.sessionId, sessionId);
    assert.equal(setCookie(response, '__client'), undefined, 'no rotation inside the grace window');
    assert.match(setCookie(response, '__session') ?? '', /; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.equal(jar.get('__client'), firstClient);
    assert.notEqual(jar.get('__session'), firstSession);
    assert.equal(jar.get('__session'), body.jwt);
    const state = await authenticate(t, jar);
    assert.equal(state.status, 'signed-in');
    assert.equal(state.claims?.iat, t.clock.now / 1000);
    assert.equal(state.claims?.exp, t.clock.now / 1000 + 60);
  });

  test('after the grace window the client token rotates; the old one still works inside the new window', async () => {
    const original = jar.get('__client') as string;
    t.advance(10); // exactly the grace window: rotate
    const rotated = await refresh(t, jar);
    assert.equal(rotated.status, 200);
    const next = jar.get('__client') as string;
    assert.ok(setCookie(rotated, '__client'));
    assert.notEqual(next, original);
    assert.equal(next.split('.')[0], original.split('.')[0], 'same client, new secret');

    t.advance(9); // a parallel request that still carried the old cookie
    const stale = createCookieJar({ __client: original });
    const late = await refresh(t, stale);
    assert.equal(late.status, 200);
    assert.equal(setCookie(late, '__client'), undefined, 'a rotated-out token never rotates again');
    assert.equal(t.sessionStatus(sessionId), 'active');

    // The current token keeps working.
    t.advance(1);
    assert.equal((await refresh(t, jar)).status, 200);
  });

  // Regression: the revocation and audit row were written inside the refresh transaction and then rolled back by the throw.
  test('reusing a rotated-out token after the grace window is theft: 401, client revoked, audited, current token dead', async () => {
    const original = jar.get('__client') as string;
    t.advance(30);
    assert.equal((await refresh(t, jar)).status, 200); // rotates: jar now holds the current token
    const current = jar.get('__client') as string;
    assert.notEqual(current, original);
    const liveSessionToken = jar.get('__session') as string;
    t.advance(1);
    assert.equal((await refresh(t, jar)).status, 200); // the successor is presented: the original retires

    t.advance(11); // past the grace window since the successor was seen
    const thief = createCookieJar({ __client: original });
    const reuse = await refresh(t, thief);
    assert.equal(reuse.status, 401);
    assert.deepEqual(reuse.body, CLIENT_INVALID);
    assert.deepEqual(reuse.setCookies, [
      '__session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
      '__client=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
    ]);
    assert.ok(!reuse.text.includes(original) && !reuse.text.includes(current));

    // Every session of that client is revoked, on disk.
    const statuses = t.db.prepare('SELECT status FROM sessions WHERE client_id = ?').all(original.split('.')[0]) as { status: string }[];
    assert.deepEqual(statuses, [{ status: 'revoked' }]);
    assert.equal(t.sessionStatus(sessionId), 'revoked');
    const audit = t.db.prepare("SELECT subject_id, data FROM audit_events WHERE action = 'client.token_reuse'").all() as {
      subject_id: string;
      data: string;
    }[];
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.subject_id, original.split('.')[0]);
    assert.deepEqual(JSON.parse(audit[0]?.data ?? '{}'), { sessions: [sessionId] });

    // The previously valid client token no longer refreshes...
    const after = await refresh(t, jar);
    assert.equal(after.status, 401);
    assert.deepEqual(after.body, { error: { code: 'session_invalid', message: 'There is no active session on this client.' } });
    // ...and the still-unexpired session token is refused at once.
    const state = await authenticate(t, createCookieJar({ __session: liveSessionToken }));
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'session-revoked');
  });

  test('the revocation survives the in-memory list expiring (it is on disk, not only in memory)', async () => {
    const original = jar.get('__client') as string;
    t.advance(30);
    assert.equal((await refresh(t, jar)).status, 200);
    t.advance(1);
    assert.equal((await refresh(t, jar)).status, 200); // the successor is presented
    t.advance(11);
    assert.equal((await refresh(t, createCookieJar({ __client: original }))).status, 401);
    t.advance(600); // long after the revocation list forgets the session id
    const retry = await refresh(t, jar);
    assert.equal(retry.status, 401);
    assert.equal((retry.body as { error: { code: string } }).error.code, 'session_invalid');
  });

  test('unknown, malformed, missing or ambiguous client cookies are 401 client_invalid and clear the cookies', async () => {
    const [id] = (jar.get('__client') as string).split('.');
    const before = t.counts();
    for (const value of [`${id}.${'A'.repeat(43)}`, 'client_aaaaaaaaaaaaaaaaaaaaaaaaaa.' + 'A'.repeat(43), 'garbage', `${id}.`, '']) {
      const response = await refresh(t, createCookieJar({ __client: value }));
      assert.equal(response.status, 401, value);
      assert.deepEqual(
        response.body,
        value === '' ? { error: { code: 'client_invalid', message: 'There is no client cookie; sign in again.' } } : CLIENT_INVALID,
      );
    }
    const none = await refresh(t, createCookieJar());
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { error: { code: 'client_invalid', message: 'There is no client cookie; sign in again.' } });
    const ambiguous = await t.gatehouse.handle(
      new Request(`http://localhost:3000${API}/refresh`, {
        method: 'POST',
        headers: { cookie: `__client=${jar.get('__client')}; __client=other`, origin: 'http://localhost:3000' },
      }),
    );
    assert.equal(ambiguous.status, 401);
    assert.deepEqual(t.counts(), before);
    assert.equal(t.sessionStatus(sessionId), 'active', 'a wrong secret for a real client id does not revoke it');
  });
});

// Issue #15, item 3: a refresh whose answer is lost must not sign the user out, and reuse is any earlier token.
describe('lost refresh answers and reuse of older tokens', () => {
  const reuseAudits = () =>
    (t.db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'client.token_reuse'").get() as { n: number }).n;

  test('a rotation whose answer never arrived: the old token keeps refreshing (no theft), and a new successor is issued', async () => {
    const original = jar.get('__client') as string;
    t.advance(30);
    const lost = await refresh(t, createCookieJar({ __client: original })); // the answer is dropped on the way back
    assert.equal(lost.status, 200);
    assert.ok(setCookie(lost, '__client'), 'the refresh rotated');

    t.advance(60); // long past the grace window: the browser still holds the original token
    const retry = await refresh(t, jar);
    assert.equal(retry.status, 200);
    assert.equal(t.sessionStatus(sessionId), 'active');
    assert.equal(reuseAudits(), 0, 'no theft alert for a lost answer');
    const successor = jar.get('__client') as string;
    assert.notEqual(successor, original, 'a new successor replaces the one that was lost');
    assert.ok(setCookie(retry, '__client'));

    // The browser presents the new successor: from then on the original is retired.
    t.advance(1);
    assert.equal((await refresh(t, jar)).status, 200);
    t.advance(11);
    const reuse = await refresh(t, createCookieJar({ __client: original }));
    assert.equal(reuse.status, 401);
    assert.equal(t.sessionStatus(sessionId), 'revoked');
    assert.equal(reuseAudits(), 1);
  });

  test('a successor that was never presented is not accepted once it is replaced, and raises no alarm', async () => {
    const original = jar.get('__client') as string;
    t.advance(30);
    const lost = await refresh(t, createCookieJar({ __client: original }));
    const lostToken = /^__client=([^;]+)/.exec(setCookie(lost, '__client') ?? '')?.[1] as string;
    assert.ok(lostToken);
    t.advance(60);
    assert.equal((await refresh(t, jar)).status, 200); // re-issued
    const before = reuseAudits();
    const stale = await refresh(t, createCookieJar({ __client: decodeURIComponent(lostToken) }));
    assert.equal(stale.status, 401);
    assert.equal(reuseAudits(), before);
    assert.equal(t.sessionStatus(sessionId), 'active');
  });

  test('a token two rotations back is reuse too: client revoked and audited', async () => {
    const first = jar.get('__client') as string;
    // Refresh every 11 s (as a browser would) until the token has rotated twice.
    const seen = [first];
    for (let i = 0; i < 10 && seen.length < 3; i++) {
      t.advance(11);
      assert.equal((await refresh(t, jar)).status, 200);
      if (jar.get('__client') !== seen.at(-1)) seen.push(jar.get('__client') as string);
    }
    assert.equal(seen.length, 3, 'two rotations');
    t.advance(1);
    assert.equal((await refresh(t, jar)).status, 200); // the newest successor is seen
    t.advance(11);
    const reuse = await refresh(t, createCookieJar({ __client: first }));
    assert.equal(reuse.status, 401);
    assert.deepEqual(reuse.body, CLIENT_INVALID);
    assert.equal(t.sessionStatus(sessionId), 'revoked');
    assert.equal(reuseAudits(), 1);
    assert.equal((await refresh(t, jar)).status, 401, 'the current token is dead too');
  });

  test('parallel requests with the predecessor inside the grace window after the successor was seen still succeed', async () => {
    const original = jar.get('__client') as string;
    t.advance(11);
    assert.equal((await refresh(t, jar)).status, 200); // rotates
    t.advance(1);
    assert.equal((await refresh(t, jar)).status, 200); // successor seen
    t.advance(9);
    const parallel = await refresh(t, createCookieJar({ __client: original }));
    assert.equal(parallel.status, 200);
    assert.equal(setCookie(parallel, '__client'), undefined);
    assert.equal(t.sessionStatus(sessionId), 'active');
  });
});
