// Multi-session mode (several users per browser, one active): adding, switching and signing out one; single-session mode replacing the browser's session; the client secret changing on every sign-in (no fixation).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gatehouseOptionsFromEnv } from '@gatehouse/server';
import {
  API,
  PASSWORD,
  authenticate,
  authenticateToken,
  createCookieJar,
  createTestInstance,
  refresh,
  send,
  setCookie,
  signIn,
  signUp,
  type ApiResponse,
  type CookieJar,
  type TestInstance,
  CLEARED_COOKIES,
} from '../../../test-support/instance.js';

const sessionIdOf = (r: ApiResponse) => (r.body as { sessionId: string }).sessionId;
const userIdOf = (r: ApiResponse) => (r.body as { user: { id: string } }).user.id;
const clientIdOf = (jar: CookieJar) => (jar.get('__client') ?? '').split('.')[0] ?? '';

function clientRow(t: TestInstance, id: string) {
  return t.db.prepare('SELECT * FROM clients WHERE id = ?').get(id) as {
    active_session_id: string | null;
    previous_token_hash: string | null;
  };
}

function sessionsOfClient(t: TestInstance, clientId: string) {
  return t.db.prepare('SELECT id, user_id, status FROM sessions WHERE client_id = ? ORDER BY created_at').all(clientId) as {
    id: string;
    user_id: string;
    status: string;
  }[];
}

describe('multi-session mode', () => {
  let t: TestInstance;
  let userA = '';
  let userB = '';
  before(async () => {
    // These tests sign the same users in many times: the per-identifier limit is tested in rate-limit.test.ts.
    t = await createTestInstance({ multiSession: true, rateLimits: { signInIdentifier: false } });
    userA = userIdOf(await signUp(t, 'ms-a@example.com'));
    userB = userIdOf(await signUp(t, 'ms-b@example.com'));
  });
  after(async () => {
    await t.close();
  });

  /** A browser where A signed in first and then B: B active, both live. */
  async function browserWithAThenB() {
    const jar = createCookieJar();
    const a = await signIn(t, 'ms-a@example.com', PASSWORD, jar);
    assert.equal(a.status, 200);
    const tokenA = jar.get('__session') as string;
    t.advance(1);
    const b = await signIn(t, 'ms-b@example.com', PASSWORD, jar);
    assert.equal(b.status, 200);
    return { jar, a: sessionIdOf(a), b: sessionIdOf(b), tokenA, tokenB: jar.get('__session') as string };
  }

  test('a second sign-in joins the same client, becomes active, and rotates the client secret with no grace', async () => {
    const jar = createCookieJar();
    const a = await signIn(t, 'ms-a@example.com', PASSWORD, jar);
    const firstClient = jar.get('__client') as string;
    const tokenA = jar.get('__session') as string;
    const before = t.counts();
    t.advance(1);
    const b = await signIn(t, 'ms-b@example.com', PASSWORD, jar);
    assert.equal(b.status, 200);
    const secondClient = jar.get('__client') as string;
    assert.ok(setCookie(b, '__client') && setCookie(b, '__session'));
    assert.equal(secondClient.split('.')[0], firstClient.split('.')[0], 'the same client');
    assert.notEqual(secondClient.split('.')[1], firstClient.split('.')[1], 'a new client secret');
    assert.deepEqual(t.counts(), { ...before, sessions: before.sessions + 1, audit_events: before.audit_events + 1 });
    const clientId = clientIdOf(jar);
    assert.deepEqual(sessionsOfClient(t, clientId), [
      { id: sessionIdOf(a), user_id: userA, status: 'active' },
      { id: sessionIdOf(b), user_id: userB, status: 'active' },
    ]);
    assert.equal(clientRow(t, clientId).active_session_id, sessionIdOf(b));
    assert.equal(clientRow(t, clientId).previous_token_hash, null);
    const audit = t.db.prepare("SELECT data FROM audit_events WHERE action = 'session.created' AND subject_id = ?").get(sessionIdOf(b)) as {
      data: string;
    };
    assert.deepEqual(JSON.parse(audit.data), { client: clientId, joined: true });

    const state = await authenticate(t, jar);
    assert.equal(state.claims?.sub, userB);
    assert.equal(state.claims?.sid, sessionIdOf(b));
    assert.equal((await authenticateToken(t, tokenA)).status, 'signed-in', "A's session is still live");

    // The secret from before the sign-in is dead at once (no grace window) and is not treated as theft.
    const stale = await refresh(t, createCookieJar({ __client: firstClient }));
    assert.equal(stale.status, 401);
    assert.deepEqual(stale.body, { error: { code: 'client_invalid', message: 'The client token is not valid.' } });
    assert.deepEqual(
      sessionsOfClient(t, clientId).map((s) => s.status),
      ['active', 'active'],
    );
    const fresh = await refresh(t, jar);
    assert.equal(fresh.status, 200);
    assert.equal((fresh.body as { sessionId: string }).sessionId, sessionIdOf(b));
  });

  test('the client secret changes on every sign-in; only the newest one works', async () => {
    const jar = createCookieJar();
    const seen: string[] = [];
    for (const email of ['ms-a@example.com', 'ms-b@example.com', 'ms-a@example.com']) {
      assert.equal((await signIn(t, email, PASSWORD, jar)).status, 200);
      seen.push(jar.get('__client') as string);
      t.advance(1);
    }
    assert.equal(new Set(seen.map((c) => c.split('.')[0])).size, 1);
    assert.equal(new Set(seen.map((c) => c.split('.')[1])).size, 3);
    for (const old of seen.slice(0, -1)) assert.equal((await refresh(t, createCookieJar({ __client: old }))).status, 401);
    assert.equal((await refresh(t, jar)).status, 200);
  });

  test('signing in again as a user already on this browser replaces that session (ended, revoked at once)', async () => {
    const { jar, a, b, tokenA } = await browserWithAThenB();
    t.advance(1);
    const again = await signIn(t, 'ms-a@example.com', PASSWORD, jar);
    assert.equal(again.status, 200);
    const a2 = sessionIdOf(again);
    assert.notEqual(a2, a);
    assert.equal(t.sessionStatus(a), 'ended');
    assert.equal((await authenticateToken(t, tokenA)).reason, 'session-revoked');
    assert.deepEqual(
      sessionsOfClient(t, clientIdOf(jar)).map((s) => [s.id, s.status]),
      [
        [a, 'ended'],
        [b, 'active'],
        [a2, 'active'],
      ],
    );
    const audit = t.db.prepare("SELECT actor_id, data FROM audit_events WHERE action = 'session.ended' AND subject_id = ?").get(a) as {
      actor_id: string;
      data: string;
    };
    assert.equal(audit.actor_id, userA);
    assert.deepEqual(JSON.parse(audit.data), { user: userA, client: clientIdOf(jar), reason: 'sign_in_again' });
  });

  test('POST /sessions/:id/activate switches the active session and sets a fresh session token', async () => {
    const { jar, a, b } = await browserWithAThenB();
    t.advance(2);
    const before = t.counts();
    const response = await send(t, `${API}/sessions/${a}/activate`, { method: 'POST', jar });
    assert.equal(response.status, 200);
    assert.deepEqual(
      response.setCookies.map((c) => c.split('=')[0]),
      ['__session'],
    );
    const body = response.body as { jwt: string; sessionId: string; userId: string };
    assert.equal(body.sessionId, a);
    assert.equal(body.userId, userA);
    assert.equal(body.jwt, jar.get('__session'));
    assert.equal(clientRow(t, clientIdOf(jar)).active_session_id, a);
    assert.deepEqual(t.counts(), { ...before, audit_events: before.audit_events + 1 });
    const audit = t.db.prepare("SELECT actor_id, data FROM audit_events WHERE action = 'session.activated' AND subject_id = ?").get(a) as {
      actor_id: string;
      data: string;
    };
    assert.equal(audit.actor_id, userA);
    assert.deepEqual(JSON.parse(audit.data), { client: clientIdOf(jar), previous: b });
    const state = await authenticate(t, jar);
    assert.equal(state.claims?.sid, a);
    assert.equal(state.claims?.sub, userA);
    t.advance(20);
    const refreshed = await refresh(t, jar);
    assert.equal((refreshed.body as { sessionId: string }).sessionId, a, 'refresh follows the switch');
  });

  test('signing out the active session switches the browser to its other session; signing out the last one clears the cookies', async () => {
    const { jar, a, b, tokenB } = await browserWithAThenB();
    const out = await send(t, `${API}/sign-out`, { json: { scope: 'session' }, jar });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { signedOut: false, ended: [b], activeSessionId: a });
    assert.deepEqual(
      out.setCookies.map((c) => c.split('=')[0]),
      ['__session'],
    );
    assert.equal(t.sessionStatus(b), 'ended');
    assert.equal(t.sessionStatus(a), 'active');
    assert.equal((await authenticateToken(t, tokenB)).reason, 'session-revoked');
    const state = await authenticate(t, jar);
    assert.equal(state.claims?.sid, a);
    assert.equal(clientRow(t, clientIdOf(jar)).active_session_id, a);
    assert.equal((await refresh(t, jar)).status, 200);

    const tokenA = jar.get('__session') as string;
    const last = await send(t, `${API}/sign-out`, { json: { scope: 'session' }, jar });
    assert.equal(last.status, 200);
    assert.deepEqual(last.body, { signedOut: true, ended: [a], activeSessionId: null });
    assert.deepEqual(last.setCookies, CLEARED_COOKIES);
    assert.equal(jar.header(), '');
    assert.equal((await authenticateToken(t, tokenA)).reason, 'session-revoked');
  });

  test('sign-out with no body ends every user on this browser', async () => {
    const { jar, a, b, tokenA, tokenB } = await browserWithAThenB();
    const out = await send(t, `${API}/sign-out`, { method: 'POST', jar });
    assert.deepEqual(out.body, { signedOut: true });
    assert.deepEqual(out.setCookies, CLEARED_COOKIES);
    assert.equal(t.sessionStatus(a), 'ended');
    assert.equal(t.sessionStatus(b), 'ended');
    assert.equal((await authenticateToken(t, tokenA)).reason, 'session-revoked');
    assert.equal((await authenticateToken(t, tokenB)).reason, 'session-revoked');
  });

  test("'everywhere' ends the user on every client; this browser switches to its other user, other browsers lose the session", async () => {
    const phone = createCookieJar();
    const phoneSession = sessionIdOf(await signIn(t, 'ms-a@example.com', PASSWORD, phone));
    const phoneToken = phone.get('__session') as string;
    const { jar, a, b } = await browserWithAThenB();
    assert.equal((await send(t, `${API}/sessions/${a}/activate`, { method: 'POST', jar })).status, 200);
    const everywhere = await send(t, `${API}/sign-out`, { json: { scope: 'everywhere' }, jar });
    assert.equal(everywhere.status, 200);
    const body = everywhere.body as { signedOut: boolean; ended: string[]; activeSessionId: string };
    assert.equal(body.signedOut, false);
    assert.equal(body.activeSessionId, b);
    assert.ok(body.ended.includes(a) && body.ended.includes(phoneSession) && !body.ended.includes(b));
    assert.equal(t.sessionStatus(b), 'active');
    assert.equal((await authenticateToken(t, phoneToken)).reason, 'session-revoked', 'the other device is refused at once');
    const phoneRefresh = await refresh(t, phone);
    assert.equal(phoneRefresh.status, 401);
    assert.equal((await authenticate(t, jar)).claims?.sub, userB, 'B stays signed in on the shared browser');
    const live = t.db.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND status IN ('active','pending')").get(userA) as {
      n: number;
    };
    assert.equal(live.n, 0);
  });

  test('B cannot end or list A\u2019s session even on the same browser (404, nothing written)', async () => {
    const { jar, a, tokenA } = await browserWithAThenB();
    const before = t.snapshot();
    const end = await send(t, `${API}/sessions/${a}/end`, { method: 'POST', jar });
    assert.equal(end.status, 404);
    assert.deepEqual(end.body, { error: { code: 'not_found', message: 'No such session.' } });
    const scoped = await send(t, `${API}/sign-out`, { json: { scope: 'session', sessionId: a }, jar });
    assert.equal(scoped.status, 404);
    assert.deepEqual(end.setCookies, []);
    assert.deepEqual(scoped.setCookies, []);
    assert.deepEqual(t.snapshot(), before);
    assert.equal((await authenticateToken(t, tokenA)).status, 'signed-in');
    const list = await send(t, `${API}/sessions`, { jar });
    assert.ok(!(list.body as { sessions: { id: string }[] }).sessions.some((s) => s.id === a));
  });

  test('activate refuses anything but a live session of this browser, and writes nothing', async () => {
    const { jar, a } = await browserWithAThenB();
    const elsewhere = createCookieJar();
    const other = sessionIdOf(await signIn(t, 'ms-a@example.com', PASSWORD, elsewhere));
    const ended = await browserWithAThenB();
    assert.equal((await send(t, `${API}/sign-out`, { json: { scope: 'session' }, jar: ended.jar })).status, 200);
    const NOT_FOUND = { error: { code: 'not_found', message: 'No such session on this browser.' } };
    const cases: Array<{ name: string; path: string; jar: CookieJar; json?: unknown; status: number; body: unknown; origin?: string }> = [
      { name: "A's session on another browser", path: other, jar, status: 404, body: NOT_FOUND },
      { name: 'an ended session of this browser', path: ended.b, jar: ended.jar, status: 404, body: NOT_FOUND },
      { name: 'an unknown id', path: `sess_${'a'.repeat(26)}`, jar, status: 404, body: NOT_FOUND },
      { name: 'a malformed id', path: 'sess_x', jar, status: 404, body: { error: { code: 'not_found', message: 'No such session.' } } },
      {
        name: 'no client cookie',
        path: a,
        jar: createCookieJar({ __session: jar.get('__session') as string }),
        status: 401,
        body: { error: { code: 'client_invalid', message: 'There is no valid client cookie; sign in again.' } },
      },
      {
        name: 'an unknown body field',
        path: a,
        jar,
        json: { force: true },
        status: 400,
        body: { error: { code: 'invalid_body', message: 'The body is invalid (body: Unrecognized key: "force").' } },
      },
      {
        name: 'a cross-site request',
        path: a,
        jar,
        origin: 'https://evil.example',
        status: 403,
        body: { error: { code: 'csrf_rejected', message: 'This origin may not call the Gatehouse API.' } },
      },
    ];
    for (const c of cases) {
      const before = t.snapshot();
      const response = await send(t, `${API}/sessions/${c.path}/activate`, {
        method: 'POST',
        jar: c.jar.clone(),
        ...(c.json === undefined ? {} : { json: c.json }),
        ...(c.origin ? { origin: c.origin } : {}),
      });
      assert.equal(response.status, c.status, c.name);
      assert.deepEqual(response.body, c.body, c.name);
      assert.deepEqual(response.setCookies, [], c.name);
      assert.deepEqual(t.snapshot(), before, c.name);
    }
    assert.equal((await send(t, `${API}/sessions/${a}/activate`, { jar })).status, 405);
  });
});

describe('single-session mode (default)', () => {
  let t: TestInstance;
  before(async () => {
    t = await createTestInstance();
    await signUp(t, 'ss-a@example.com');
    await signUp(t, 'ss-b@example.com');
  });
  after(async () => {
    await t.close();
  });

  test("signing in on a browser with a live client ends that client's sessions and starts a brand-new client", async () => {
    const jar = createCookieJar();
    const first = await signIn(t, 'ss-a@example.com', PASSWORD, jar);
    const firstClient = jar.get('__client') as string;
    const firstToken = jar.get('__session') as string;
    const before = t.counts();
    t.advance(1);
    const second = await signIn(t, 'ss-b@example.com', PASSWORD, jar);
    assert.equal(second.status, 200);
    const secondClient = jar.get('__client') as string;
    assert.notEqual(secondClient.split('.')[0], firstClient.split('.')[0], 'a new client id');
    assert.notEqual(secondClient.split('.')[1], firstClient.split('.')[1], 'a new client secret');
    assert.deepEqual(t.counts(), {
      ...before,
      sessions: before.sessions + 1,
      clients: before.clients + 1,
      audit_events: before.audit_events + 2,
    });
    assert.equal(t.sessionStatus(sessionIdOf(first)), 'ended');
    assert.equal((await authenticateToken(t, firstToken)).reason, 'session-revoked', 'refused on the very next request');
    const audit = t.db
      .prepare("SELECT data FROM audit_events WHERE action = 'session.ended' AND subject_id = ?")
      .get(firstClient.split('.')[0]) as { data: string };
    assert.deepEqual(JSON.parse(audit.data), { sessions: [sessionIdOf(first)] });
    assert.equal(clientRow(t, firstClient.split('.')[0] ?? '').active_session_id, null);
    assert.equal((await refresh(t, createCookieJar({ __client: firstClient }))).status, 401);
    assert.equal((await authenticate(t, jar)).claims?.sid, sessionIdOf(second));
  });

  test('the client token changes on every sign-in, also for the same user', async () => {
    const jar = createCookieJar();
    const seen = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      ids.add(sessionIdOf(await signIn(t, 'ss-a@example.com', PASSWORD, jar)));
      seen.add(jar.get('__client') as string);
    }
    assert.equal(seen.size, 3);
    assert.equal(new Set([...seen].map((c) => c.split('.')[0])).size, 3, 'a new client id each time');
    assert.equal(ids.size, 3);
    const live = [...ids].filter((id) => t.sessionStatus(id) === 'active');
    assert.equal(live.length, 1, 'only the newest session of this browser is live');
  });

  test('an unknown or forged client cookie at sign-in ends nothing', async () => {
    const jar = createCookieJar();
    assert.equal((await signIn(t, 'ss-a@example.com', PASSWORD, jar)).status, 200);
    const [id] = (jar.get('__client') as string).split('.');
    const forged = createCookieJar({ __client: `${id}.${'B'.repeat(43)}` });
    assert.equal((await signIn(t, 'ss-b@example.com', PASSWORD, forged)).status, 200);
    assert.equal((await authenticate(t, jar)).status, 'signed-in');
    assert.equal((await refresh(t, jar)).status, 200);
  });
});

describe('GATEHOUSE_MULTI_SESSION', () => {
  test('1 or true turns multi-session mode on; anything else leaves it off', () => {
    assert.equal(gatehouseOptionsFromEnv({ GATEHOUSE_MULTI_SESSION: '1' }).multiSession, true);
    assert.equal(gatehouseOptionsFromEnv({ GATEHOUSE_MULTI_SESSION: 'true' }).multiSession, true);
    assert.equal(gatehouseOptionsFromEnv({ GATEHOUSE_MULTI_SESSION: '0' }).multiSession, undefined);
    assert.equal(gatehouseOptionsFromEnv({}).multiSession, undefined);
  });
});
