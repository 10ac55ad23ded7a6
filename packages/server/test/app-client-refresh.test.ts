// POST {basePath}/app/client-refresh: the refresh a standalone app without the secret key asks for
// (issue #14). The client token in a JSON body, no cookie read, JSON out; the cookie refresh's rate
// limits, origin rule and theft detection apply unchanged.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  assertAppRefreshAnswer,
  createCookieJar,
  createTestInstance,
  refresh,
  send,
  signUp,
  type AppRefreshAnswer,
  type SendOptions,
  type TestInstance,
} from '../../../test-support/instance.js';

const APP = 'https://app.example';
const PATH = `${API}/app/client-refresh`;

const errorCode = (body: unknown) => (body as { error?: { code?: string } }).error?.code;

describe('POST /app/client-refresh', () => {
  let t: TestInstance;
  before(async () => {
    t = await createTestInstance({ allowedOrigins: [APP], rateLimits: { refreshClient: { limit: 6, windowSeconds: 60 } } });
  });
  after(() => t.close());

  const call = (body: unknown, options: SendOptions = {}) =>
    send(t, PATH, {
      json: body,
      origin: APP,
      headers: { 'user-agent': 'client-refresh-test', 'x-forwarded-for': '203.0.113.5' },
      ...options,
    });

  async function browser(tag: string) {
    const jar = createCookieJar();
    const res = await signUp(t, `client-refresh-${tag}-${Date.now()}@example.com`, jar);
    assert.equal(res.status, 200, res.text);
    return { jar, clientToken: jar.get('__client') as string, sessionId: (res.body as { sessionId: string }).sessionId };
  }

  test('answers the new session token and claims as JSON, sets no cookie, and hands out the rotated client token', async () => {
    const { clientToken, sessionId } = await browser('valid');
    const res = await call({ clientToken });
    const body = await assertAppRefreshAnswer(t, res, { sessionId, azp: APP });
    assert.equal(body.clientToken, null, 'inside the grace window the client token does not rotate');

    t.advance(60);
    const rotated = await call({ clientToken });
    assert.equal(rotated.status, 200, rotated.text);
    const next = (rotated.body as AppRefreshAnswer).clientToken;
    assert.equal(typeof next, 'string');
    assert.notEqual(next, clientToken);
    // The rotated token is the client's current one: the browsers' cookie refresh takes it.
    assert.equal((await refresh(t, createCookieJar({ __client: next as string }))).status, 200);
  });

  test('a rotated-out token presented after the grace window is theft: 401, every session of the client revoked, audited', async () => {
    const { clientToken: original, sessionId } = await browser('reuse');
    t.advance(30);
    const current = ((await call({ clientToken: original })).body as AppRefreshAnswer).clientToken as string;
    assert.equal(typeof current, 'string');
    t.advance(1);
    assert.equal((await call({ clientToken: current })).status, 200, 'the successor is presented: the original retires');
    t.advance(11);
    const reuse = await call({ clientToken: original });
    assert.equal(reuse.status, 401, reuse.text);
    assert.equal(errorCode(reuse.body), 'client_invalid');
    assert.ok(!reuse.text.includes(original) && !reuse.text.includes(current), 'no token in the answer');
    assert.deepEqual(reuse.setCookies, []);
    assert.equal(t.sessionStatus(sessionId), 'revoked');
    const audit = t.db
      .prepare("SELECT data, ip, user_agent FROM audit_events WHERE action = 'client.token_reuse' AND subject_id = ?")
      .all(original.split('.')[0]);
    // Audited with the request's own context (its address through the trusted hop, its user agent).
    assert.deepEqual(audit, [{ data: JSON.stringify({ sessions: [sessionId] }), ip: '203.0.113.5', user_agent: 'client-refresh-test' }]);
    const after = await call({ clientToken: current });
    assert.equal(after.status, 401);
    assert.equal(errorCode(after.body), 'session_invalid');
  });

  test('bodies that are not one JSON client token: 4xx JSON, nothing written, no cookie', async () => {
    const { clientToken } = await browser('malformed');
    t.advance(60); // a rotation would be due: a refused request must not do it
    const before = t.snapshot();
    const cases: [string, SendOptions, number, string][] = [
      ['no body', { method: 'POST', json: undefined }, 415, 'unsupported_media_type'],
      ['empty JSON body', { rawBody: '', contentType: 'application/json' }, 400, 'invalid_body'],
      ['not JSON', { rawBody: '{"clientToken":', contentType: 'application/json' }, 400, 'invalid_body'],
      [
        'a form post',
        { rawBody: `clientToken=${clientToken}`, contentType: 'application/x-www-form-urlencoded' },
        415,
        'unsupported_media_type',
      ],
      ['text/plain', { rawBody: JSON.stringify({ clientToken }), contentType: 'text/plain' }, 415, 'unsupported_media_type'],
      ['no content type', { rawBody: JSON.stringify({ clientToken }), contentType: null }, 415, 'unsupported_media_type'],
      ['a context of its own', { json: { clientToken, ip: '198.51.100.1' } }, 400, 'invalid_body'],
      ['an empty token', { json: { clientToken: '' } }, 400, 'invalid_body'],
      ['a number', { json: { clientToken: 42 } }, 400, 'invalid_body'],
      ['an overlong token', { json: { clientToken: 'x'.repeat(513) } }, 400, 'invalid_body'],
      ['an array', { json: [clientToken] }, 400, 'invalid_body'],
    ];
    for (const [name, options, status, code] of cases) {
      const res = await call(undefined, options);
      assert.equal(res.status, status, `${name}: ${res.text}`);
      assert.equal(errorCode(res.body), code, name);
      assert.deepEqual(res.setCookies, [], name);
    }
    const garbage = await call({ clientToken: 'garbage' });
    assert.equal(garbage.status, 401);
    assert.equal(errorCode(garbage.body), 'client_invalid');
    assert.deepEqual(t.snapshot(), before);
  });

  test('the client cookie without the token in the body is refused: no cookie is read, no token answered', async () => {
    const { jar, clientToken } = await browser('cookie');
    t.advance(60);
    const before = t.snapshot();
    const bare = await send(t, PATH, { method: 'POST', jar, origin: APP });
    assert.equal(bare.status, 415, bare.text);
    const empty = await send(t, PATH, { json: {}, jar, origin: APP });
    assert.equal(empty.status, 400, empty.text);
    for (const res of [bare, empty]) {
      assert.ok(!res.text.includes(clientToken) && !res.text.includes('sessionToken'));
      assert.deepEqual(res.setCookies, []);
    }
    assert.deepEqual(t.snapshot(), before);
  });

  test('the cross-site rule of every write: a foreign origin or a cross-site fetch is refused before the refresh', async () => {
    const { clientToken } = await browser('origin');
    t.advance(60);
    const before = t.snapshot();
    const foreign = await call({ clientToken }, { origin: 'https://evil.example' });
    const crossSite = await call({ clientToken }, { headers: { 'sec-fetch-site': 'cross-site' } });
    for (const res of [foreign, crossSite]) {
      assert.equal(res.status, 403, res.text);
      assert.equal(errorCode(res.body), 'csrf_rejected');
    }
    assert.deepEqual(t.snapshot(), before);
  });

  test('the refresh limit per client counts the cookie refresh and this one together', async () => {
    const { jar, clientToken } = await browser('limits');
    for (let i = 0; i < 3; i++) assert.equal((await refresh(t, jar)).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await call({ clientToken: jar.get('__client') })).status, 200);
    const before = t.snapshot();
    const limited = await call({ clientToken: jar.get('__client') });
    assert.equal(limited.status, 429, limited.text);
    assert.equal(errorCode(limited.body), 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.ok(!limited.text.includes(clientToken));
    const after = t.snapshot();
    assert.deepEqual(after.clients, before.clients);
    assert.deepEqual(after.sessions, before.sessions);
    assert.equal(after.counts.audit_events, before.counts.audit_events + 1, 'only the rate_limit.exceeded event');
  });
});
