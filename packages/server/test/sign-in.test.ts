// POST /sign-in: a fresh client and session on success; wrong password and unknown email are indistinguishable; no secret leaks into responses or logs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  PASSWORD,
  authenticate,
  createCookieJar,
  createTestInstance,
  send,
  setCookie,
  signIn,
  signUp,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;
let userId: string;
before(async () => {
  t = await createTestInstance();
  const response = await signUp(t, 'lin@example.com');
  assert.equal(response.status, 200);
  userId = (response.body as { user: { id: string } }).user.id;
});
after(async () => {
  await t.close();
});

const INVALID_CREDENTIALS = { error: { code: 'invalid_credentials', message: 'The email address or password is incorrect.' } };

describe('sign-in', () => {
  test('correct credentials: 200, both cookies, a new session on a new client, signed in', async () => {
    const before = t.counts();
    t.advance(60);
    const jar = createCookieJar();
    const response = await signIn(t, '  LIN@example.com', PASSWORD, jar);
    assert.equal(response.status, 200);
    const body = response.body as { user: { id: string; email: string; lastSignInAt: number }; sessionId: string };
    assert.equal(body.user.id, userId);
    assert.equal(body.user.email, 'lin@example.com');
    assert.equal(body.user.lastSignInAt, t.clock.now);
    assert.match(setCookie(response, '__session') ?? '', /; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.match(setCookie(response, '__client') ?? '', /; HttpOnly; SameSite=Lax$/);
    const after = t.counts();
    assert.equal(after.users, before.users);
    assert.equal(after.sessions, before.sessions + 1);
    assert.equal(after.clients, before.clients + 1);
    assert.equal(t.sessionStatus(body.sessionId), 'active');
    const state = await authenticate(t, jar);
    assert.equal(state.status, 'signed-in');
    assert.equal(state.claims?.sub, userId);
    assert.equal(state.claims?.sid, body.sessionId);
  });

  test('a client cookie planted before sign-in is replaced, never promoted (no session fixation)', async () => {
    const victim = createCookieJar();
    const victimResponse = await signIn(t, 'lin@example.com', PASSWORD, victim);
    assert.equal(victimResponse.status, 200);
    const planted = victim.get('__client') ?? '';
    const jar = createCookieJar({ __client: planted });
    const response = await signIn(t, 'lin@example.com', PASSWORD, jar);
    assert.equal(response.status, 200);
    const fresh = jar.get('__client') ?? '';
    assert.notEqual(fresh.split('.')[0], planted.split('.')[0], 'a new client id');
    const sessionId = (response.body as { sessionId: string }).sessionId;
    assert.match(sessionId, /^sess_/);
    assert.notEqual(sessionId, (victimResponse.body as { sessionId: string }).sessionId, 'a new session id');
  });

  test('wrong password and unknown email give the same status, headers and body', async () => {
    const before = t.counts();
    const wrong = await signIn(t, 'lin@example.com', 'not the password');
    const unknown = await signIn(t, 'nobody@example.com', 'not the password');
    const unknownSamePassword = await signIn(t, 'nobody@example.com', PASSWORD);
    for (const response of [wrong, unknown, unknownSamePassword]) {
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, INVALID_CREDENTIALS);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
      assert.deepEqual(response.setCookies, []);
    }
    // Every answer carries its own request id (issue #21); everything else is identical.
    const sameHeaders = (headers: Headers) => [...headers].filter(([name]) => name !== 'x-request-id');
    assert.deepEqual(sameHeaders(wrong.headers), sameHeaders(unknown.headers));
    assert.notEqual(wrong.headers.get('x-request-id'), unknown.headers.get('x-request-id'));
    assert.equal(wrong.text, unknown.text);
    // Failures are audited, but no user, client or session is created.
    const after = t.counts();
    assert.deepEqual({ ...after, audit_events: 0 }, { ...before, audit_events: 0 });
    assert.equal(after.audit_events, before.audit_events + 3);
  });

  test('the stored password hash is argon2id at OWASP parameters', () => {
    const row = t.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(userId) as { password_hash: string };
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  });

  test('no response body or log line contains the password, a client token or a session token', async () => {
    const jar = createCookieJar();
    assert.equal((await signIn(t, 'lin@example.com', PASSWORD, jar)).status, 200);
    assert.equal((await signIn(t, 'lin@example.com', `${PASSWORD}!`)).status, 401);
    assert.equal((await send(t, `${API}/session`, { jar })).status, 200);
    const secrets = [PASSWORD, jar.get('__session'), jar.get('__client'), jar.get('__client')?.split('.')[1]];
    assert.ok(t.bodies.length >= 8);
    for (const text of [...t.bodies, ...t.logs]) {
      for (const secret of secrets) {
        assert.ok(secret && !text.includes(secret), 'a secret leaked into a response body or log line');
      }
    }
  });
});
