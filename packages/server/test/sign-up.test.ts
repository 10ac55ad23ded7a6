// POST /sign-up: creates the user, a client and a session, sets both cookies, stores an argon2id hash, refuses a duplicate email.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  ORIGIN,
  PASSWORD,
  T0,
  authenticate,
  createCookieJar,
  createTestInstance,
  send,
  setCookie,
  signUp,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;
before(async () => {
  t = await createTestInstance();
});
after(async () => {
  await t.close();
});

describe('sign-up', () => {
  test('200 with the public user, both cookies and the rows it should write', async () => {
    const jar = createCookieJar();
    const response = await send(t, `${API}/sign-up`, {
      json: { email: '  Ada@Example.COM ', password: PASSWORD, firstName: ' Ada ', lastName: 'Lovelace' },
      jar,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const body = response.body as { user: Record<string, unknown>; sessionId: string };
    assert.deepEqual(Object.keys(body).sort(), ['sessionId', 'user']);
    assert.match(body.sessionId, /^sess_[a-z2-7]{26}$/);
    assert.match(String(body.user.id), /^user_[a-z2-7]{26}$/);
    assert.deepEqual(body.user, {
      id: body.user.id,
      email: 'ada@example.com',
      emailVerified: false,
      firstName: 'Ada',
      lastName: 'Lovelace',
      imageUrl: null,
      publicMetadata: {},
      unsafeMetadata: {},
      createdAt: T0,
      updatedAt: T0,
      lastSignInAt: T0,
    });

    const session = setCookie(response, '__session');
    const client = setCookie(response, '__client');
    assert.ok(session && client, 'both cookies are set');
    assert.match(session, /^__session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.match(client, /^__client=client_[a-z2-7]{26}\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=604800; HttpOnly; SameSite=Lax$/);
    assert.ok(!/;\s*Secure/i.test(session) && !/;\s*Secure/i.test(client), 'no Secure attribute on http');

    const state = await authenticate(t, jar);
    assert.equal(state.status, 'signed-in');
    assert.equal(state.claims?.sub, body.user.id);
    assert.equal(state.claims?.sid, body.sessionId);
    assert.equal(state.claims?.azp, ORIGIN);
    assert.equal(state.claims?.exp, T0 / 1000 + 60);

    const user = t.db.prepare('SELECT * FROM users WHERE id = ?').get(body.user.id) as Record<string, unknown>;
    assert.equal(user.email, 'ada@example.com');
    assert.match(String(user.password_hash), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!String(user.password_hash).includes(PASSWORD));
    const clientRow = t.db.prepare('SELECT * FROM clients').get() as Record<string, unknown>;
    const [clientId, secret] = (jar.get('__client') ?? '').split('.');
    assert.equal(clientRow.id, clientId);
    assert.match(String(clientRow.token_hash), /^[0-9a-f]{64}$/);
    assert.notEqual(clientRow.token_hash, secret, 'only a hash of the client secret is stored');
    assert.equal(clientRow.active_session_id, body.sessionId);
    assert.equal(t.sessionStatus(body.sessionId), 'active');
    const actions = (
      t.db.prepare('SELECT action FROM audit_events WHERE actor_id = ? ORDER BY id').all(body.user.id) as { action: string }[]
    ).map((r) => r.action);
    assert.deepEqual(actions, ['user.created', 'session.created']);
  });

  test('the response body carries no password, hash, or token', async () => {
    const jar = createCookieJar();
    const response = await signUp(t, 'grace@example.com', jar);
    assert.equal(response.status, 200);
    for (const secret of [PASSWORD, jar.get('__session'), jar.get('__client'), jar.get('__client')?.split('.')[1], '$argon2id$']) {
      assert.ok(secret && !response.text.includes(secret));
    }
    assert.ok(!/password|hash|private/i.test(response.text), response.text);
  });

  test('a duplicate email (any case or surrounding space) is 409 identifier_exists and writes nothing', async () => {
    const first = await signUp(t, 'dup@example.com');
    assert.equal(first.status, 200);
    const before = t.counts();
    for (const email of ['dup@example.com', 'DUP@Example.com', '  dup@example.com  ']) {
      const jar = createCookieJar();
      const response = await signUp(t, email, jar, 'another password 123');
      assert.equal(response.status, 409, email);
      assert.deepEqual(response.body, {
        error: { code: 'identifier_exists', message: 'An account with this email address already exists.' },
      });
      assert.deepEqual(response.setCookies, []);
      assert.equal(jar.header(), '');
    }
    assert.deepEqual(t.counts(), before);
  });

  test('on an https URL both cookies are Secure', async () => {
    const response = await send(t, `${API}/sign-up`, {
      base: 'https://localhost:3000',
      json: { email: 'secure@example.com', password: PASSWORD },
    });
    assert.equal(response.status, 200);
    assert.match(setCookie(response, '__session') ?? '', /; HttpOnly; Secure; SameSite=Lax$/);
    assert.match(setCookie(response, '__client') ?? '', /; HttpOnly; Secure; SameSite=Lax$/);
  });

  test('each sign-up gets its own client and session ids', async () => {
    const a = await signUp(t, 'one@example.com');
    const b = await signUp(t, 'two@example.com');
    assert.notEqual((a.body as { sessionId: string }).sessionId, (b.body as { sessionId: string }).sessionId);
    assert.notEqual(setCookie(a, '__client')?.split('.')[0], setCookie(b, '__client')?.split('.')[0]);
  });
});
