// CSRF: state-changing API calls from another site (Origin or Sec-Fetch-Site) are refused with 403 csrf_rejected and change nothing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  ORIGIN,
  PASSWORD,
  authenticate,
  createCookieJar,
  createTestInstance,
  send,
  signUp,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;
before(async () => {
  t = await createTestInstance({ allowedOrigins: ['https://app.example'] });
});
after(async () => {
  await t.close();
});

const CSRF_ORIGIN = { error: { code: 'csrf_rejected', message: 'This origin may not call the Gatehouse API.' } };
const CSRF_NO_ORIGIN = {
  error: { code: 'csrf_rejected', message: 'A request that uses the session cookies must say where it comes from (Origin).' },
};
const CSRF_SITE = { error: { code: 'csrf_rejected', message: 'Cross-site requests are not allowed.' } };

describe('CSRF', () => {
  test('sign-up from a foreign Origin is 403 and writes nothing', async () => {
    const before = t.counts();
    for (const origin of [
      'https://evil.example',
      'null',
      'http://localhost:3000.evil.example',
      'https://localhost:3000',
      'http://localhost:3001',
    ]) {
      const response = await send(t, `${API}/sign-up`, { json: { email: 'csrf@example.com', password: PASSWORD }, origin });
      assert.equal(response.status, 403, origin);
      assert.deepEqual(response.body, CSRF_ORIGIN);
      assert.deepEqual(response.setCookies, []);
    }
    assert.deepEqual(t.counts(), before);
  });

  test('Sec-Fetch-Site: cross-site is 403 even with a matching (or no) Origin, and writes nothing', async () => {
    const before = t.counts();
    for (const origin of [ORIGIN, null]) {
      const response = await send(t, `${API}/sign-up`, {
        json: { email: 'csrf@example.com', password: PASSWORD },
        origin,
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      assert.equal(response.status, 403);
      assert.deepEqual(response.body, CSRF_SITE);
    }
    assert.deepEqual(t.counts(), before);
  });

  test('sign-in from a foreign Origin is 403 and does not even audit a failed attempt', async () => {
    assert.equal((await signUp(t, 'victim@example.com')).status, 200);
    const before = t.counts();
    const response = await send(t, `${API}/sign-in`, {
      json: { email: 'victim@example.com', password: PASSWORD },
      origin: 'https://evil.example',
    });
    assert.equal(response.status, 403);
    assert.deepEqual(response.body, CSRF_ORIGIN);
    assert.deepEqual(t.counts(), before);
  });

  test('a cross-site sign-out or refresh changes nothing and the user stays signed in', async () => {
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'stay@example.com', jar)).status, 200);
    const clientToken = jar.get('__client');
    const sessionId = (await authenticate(t, jar)).claims?.sid as string;
    t.advance(30); // past the rotation grace window, so a refresh would rotate
    const signOut = await send(t, `${API}/sign-out`, { method: 'POST', jar, origin: 'https://evil.example' });
    assert.equal(signOut.status, 403);
    assert.deepEqual(signOut.body, CSRF_ORIGIN);
    const refresh = await send(t, `${API}/refresh`, { method: 'POST', jar, headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(refresh.status, 403);
    assert.deepEqual(refresh.body, CSRF_SITE);
    assert.equal(jar.get('__client'), clientToken, 'no cookie was cleared or rotated');
    assert.equal(t.sessionStatus(sessionId), 'active');
    const row = t.db.prepare('SELECT rotated_at FROM clients WHERE active_session_id = ?').get(sessionId) as { rotated_at: number };
    assert.equal(row.rotated_at, t.clock.now - 30_000, 'the client token was not rotated');
  });

  test('the same origin, a configured allowed origin, same-site fetch metadata, or no Origin at all are allowed', async () => {
    const same = await send(t, `${API}/sign-up`, {
      json: { email: 'ok1@example.com', password: PASSWORD },
      origin: ORIGIN,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(same.status, 200);
    const allowed = await send(t, `${API}/sign-up`, {
      json: { email: 'ok2@example.com', password: PASSWORD },
      origin: 'https://app.example',
    });
    assert.equal(allowed.status, 200);
    // A server-side caller without cookies (nothing a forged request could ride on) needs no Origin.
    const server = await send(t, `${API}/sign-up`, { json: { email: 'ok3@example.com', password: PASSWORD }, origin: null });
    assert.equal(server.status, 200);
  });

  test('issue #15 item 6: a write with the cookies and neither Origin nor Sec-Fetch-Site is 403 and changes nothing', async () => {
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'no-origin@example.com', jar)).status, 200);
    const clientToken = jar.get('__client');
    const sessionId = (await authenticate(t, jar)).claims?.sid as string;
    t.advance(30); // past the rotation grace window, so a refresh would rotate
    const before = t.counts();
    for (const [path, body] of [
      ['/refresh', undefined],
      ['/sign-out', undefined],
      ['/organizations', { name: 'Riding on cookies' }],
    ] as const) {
      const response = await send(t, `${API}${path}`, { method: 'POST', jar, origin: null, ...(body ? { json: body } : {}) });
      assert.equal(response.status, 403, path);
      assert.deepEqual(response.body, CSRF_NO_ORIGIN, path);
      assert.deepEqual(response.setCookies, [], path);
    }
    assert.deepEqual(t.counts(), before);
    assert.equal(jar.get('__client'), clientToken);
    assert.equal(t.sessionStatus(sessionId), 'active');
    // Fetch metadata alone (a browser that sends Sec-Fetch-Site but no Origin) is enough to judge it.
    const refreshed = await send(t, `${API}/refresh`, { method: 'POST', jar, origin: null, headers: { 'sec-fetch-site': 'same-origin' } });
    assert.equal(refreshed.status, 200);
    // A request that authenticates by Authorization is not riding on the cookies.
    const state = await authenticate(t, jar);
    const bearer = await send(t, `${API}/organizations`, {
      json: { name: 'By header' },
      origin: null,
      jar,
      headers: { authorization: `Bearer ${state.token}` },
    });
    assert.notEqual(bearer.status, 403, bearer.text);
  });

  test('GET endpoints are not CSRF-checked (they change nothing)', async () => {
    const response = await send(t, `${API}/session`, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    assert.equal(response.status, 401);
    assert.equal((response.body as { error: { code: string } }).error.code, 'unauthenticated');
  });
});
