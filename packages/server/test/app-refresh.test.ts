// POST {basePath}/app/refresh: the refresh an app in front of a standalone service asks for, server
// to server with the secret key (issue #14). Browsers keep the cookie-based POST /refresh.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSecretKey } from '@gatehouse/server';
import {
  API,
  assertAppRefreshAnswer,
  createCookieJar,
  createTestInstance,
  send,
  signUp,
  type TestInstance,
} from '../../../test-support/instance.js';

const KEY = generateSecretKey();
const APP = 'https://app.example';

describe('POST /app/refresh', () => {
  let t: TestInstance;
  before(async () => {
    t = await createTestInstance({ secretKeys: [KEY] });
  });
  after(() => t.close());

  const call = (body: unknown, key: string | null = KEY) =>
    send(t, `${API}/app/refresh`, { json: body, origin: null, headers: key ? { authorization: `Bearer ${key}` } : {} });

  test('without the secret key: 401, nothing written, no cookies', async () => {
    const jar = createCookieJar();
    assert.equal((await signUp(t, `app-refresh-key-${Date.now()}@example.com`, jar)).status, 200);
    const clientToken = jar.get('__client') as string;
    const before = t.snapshot();
    for (const key of [null, generateSecretKey(), 'not-a-key']) {
      const res = await call({ clientToken }, key);
      assert.equal(res.status, 401, res.text);
      assert.equal((res.body as { error: { code: string } }).error.code, 'unauthenticated');
      assert.deepEqual(res.setCookies, []);
    }
    assert.deepEqual(t.snapshot(), before);
  });

  test('answers the new session token with its claims as JSON, and the rotated client token outside the grace window', async () => {
    const jar = createCookieJar();
    const signedUp = await signUp(t, `app-refresh-${Date.now()}@example.com`, jar);
    const { sessionId } = signedUp.body as { sessionId: string };
    const clientToken = jar.get('__client') as string;

    const inside = await call({ clientToken, ip: '203.0.113.9', userAgent: 'app-refresh-test', origin: APP });
    const body = await assertAppRefreshAnswer(t, inside, { sessionId, azp: APP });
    assert.equal(body.clientToken, null, 'inside the grace window the client token does not rotate');

    t.advance(60);
    const rotated = await call({ clientToken });
    assert.equal(rotated.status, 200, rotated.text);
    const next = (rotated.body as { clientToken: string | null }).clientToken;
    assert.equal(typeof next, 'string');
    assert.notEqual(next, clientToken);
    // The browser's own refresh takes the rotated token.
    const browser = await send(t, `${API}/refresh`, { method: 'POST', jar: createCookieJar({ __client: next as string }) });
    assert.equal(browser.status, 200, browser.text);
  });

  test('a client token that is not valid: client_invalid; a body that is not the shape: 400', async () => {
    const before = t.snapshot();
    const bad = await call({ clientToken: 'garbage' });
    assert.equal(bad.status, 401, bad.text);
    assert.equal((bad.body as { error: { code: string } }).error.code, 'client_invalid');
    const extra = await call({ clientToken: 'garbage', sessionId: 'sess_x' });
    assert.equal(extra.status, 400, extra.text);
    assert.equal((await call({})).status, 400);
    assert.deepEqual(t.snapshot(), before);
  });
});
