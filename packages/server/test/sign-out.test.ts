// POST /sign-out: ends the client's sessions, clears both cookies, and the still-unexpired session token is refused on the very next request.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  authenticate,
  createCookieJar,
  refresh,
  send,
  signIn,
  signUp,
  PASSWORD,
  instanceOfFile,
  CLEARED_COOKIES,
} from '../../../test-support/instance.js';

const t = instanceOfFile();

describe('sign-out', () => {
  test('ends the session, clears the cookies, and the old session token is refused at once (session-revoked)', async () => {
    const jar = createCookieJar();
    const response = await signUp(t, 'out@example.com', jar);
    const sessionId = (response.body as { sessionId: string }).sessionId;
    const sessionToken = jar.get('__session') as string;
    const clientToken = jar.get('__client') as string;
    t.advance(5);
    assert.equal((await authenticate(t, jar)).status, 'signed-in');

    const out = await send(t, `${API}/sign-out`, { method: 'POST', jar });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { signedOut: true });
    assert.deepEqual(out.setCookies, CLEARED_COOKIES);
    assert.equal(jar.header(), '');

    assert.equal(t.sessionStatus(sessionId), 'ended');
    const row = t.db.prepare('SELECT ended_at FROM sessions WHERE id = ?').get(sessionId) as { ended_at: number };
    assert.equal(row.ended_at, t.clock.now);
    const audit = t.db.prepare("SELECT data FROM audit_events WHERE action = 'session.ended'").all() as { data: string }[];
    assert.deepEqual(
      audit.map((a) => JSON.parse(a.data)),
      [{ sessions: [sessionId] }],
    );

    // The token is still inside its 60 s lifetime, yet refused on the very next request.
    const state = await authenticate(t, createCookieJar({ __session: sessionToken }));
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'session-revoked');
    const bearer = await t.gatehouse.authenticate(
      new Request('http://localhost:3000/api/me', { headers: { authorization: `Bearer ${sessionToken}` } }),
    );
    assert.equal(bearer.reason, 'session-revoked');
    const me = await send(t, `${API}/session`, { jar: createCookieJar({ __session: sessionToken }) });
    assert.equal(me.status, 401);

    // The client token can no longer mint session tokens.
    const again = await refresh(t, createCookieJar({ __client: clientToken }));
    assert.equal(again.status, 401);
    assert.deepEqual(again.body, { error: { code: 'session_invalid', message: 'There is no active session on this client.' } });
  });

  test("signing out one browser leaves the user's other browsers signed in", async () => {
    const laptop = createCookieJar();
    const phone = createCookieJar();
    assert.equal((await signUp(t, 'two@example.com', laptop)).status, 200);
    assert.equal((await signIn(t, 'two@example.com', PASSWORD, phone)).status, 200);
    assert.equal((await send(t, `${API}/sign-out`, { method: 'POST', jar: laptop })).status, 200);
    assert.equal((await authenticate(t, phone)).status, 'signed-in');
    assert.equal((await refresh(t, phone)).status, 200);
  });

  test('signing out without (or with an unknown) client cookie still clears cookies and ends nothing', async () => {
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'keep@example.com', jar)).status, 200);
    const before = t.db.prepare("SELECT COUNT(*) AS n FROM sessions WHERE status = 'active'").get();
    const [id] = (jar.get('__client') as string).split('.');
    for (const stranger of [createCookieJar(), createCookieJar({ __client: `${id}.${'B'.repeat(43)}` })]) {
      const out = await send(t, `${API}/sign-out`, { method: 'POST', jar: stranger });
      assert.equal(out.status, 200);
      assert.deepEqual(out.setCookies, CLEARED_COOKIES);
    }
    assert.deepEqual(t.db.prepare("SELECT COUNT(*) AS n FROM sessions WHERE status = 'active'").get(), before);
    assert.equal((await authenticate(t, jar)).status, 'signed-in', 'guessing a client id cannot sign someone else out');
  });
});
