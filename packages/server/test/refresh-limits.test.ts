// Limits on refresh and token minting (issue #15, item 9): per client and per address, 429 with Retry-After, nothing written on a refusal, shared through Redis.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RateLimitSettings } from '../src/limits/rate-limit.js';
import { REDIS_URL, serviceGate } from '../../../test-support/backends.js';
import {
  API,
  createCookieJar,
  createTestInstance,
  send,
  signUp,
  type CookieJar,
  type TestInstance,
} from '../../../test-support/instance.js';

const redisSkip = await serviceGate('Redis');
const LIMITS: Partial<RateLimitSettings> = {
  refreshClient: { limit: 3, windowSeconds: 60 },
  refreshIp: { limit: 5, windowSeconds: 60 },
  mintSession: { limit: 2, windowSeconds: 60 },
  mintIp: false,
};

const instances: TestInstance[] = [];
after(async () => {
  for (const t of instances.reverse()) await t.close({ keepFiles: false });
});

const refreshFrom = (t: TestInstance, jar: CookieJar, from: string) =>
  send(t, `${API}/refresh`, { method: 'POST', jar, headers: { 'x-forwarded-for': from } });

function assertLimited(res: { status: number; headers: Headers; body: unknown; setCookies: string[] }) {
  assert.equal(res.status, 429);
  assert.deepEqual(res.body, { error: { code: 'rate_limited', message: 'Too many attempts. Try again later.' } });
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  assert.deepEqual(res.setCookies, [], 'a refused refresh changes no cookie');
}

const clientRow = (t: TestInstance, jar: CookieJar) =>
  t.db.prepare('SELECT * FROM clients WHERE id = ?').get(jar.get('__client')!.split('.')[0]);

describe('refresh limits', () => {
  test('per client: the 4th refresh in the window is 429 with Retry-After, and writes nothing', async () => {
    const t = await createTestInstance({ rateLimits: LIMITS });
    instances.push(t);
    const jar = createCookieJar();
    await signUp(t, 'limit-client@example.com', jar);
    for (let i = 0; i < 3; i++) assert.equal((await refreshFrom(t, jar, `198.51.100.${i + 1}`)).status, 200);
    t.advance(11); // a rotation would be due now: a refused refresh must not do it
    const before = { client: clientRow(t, jar), counts: t.counts() };
    assertLimited(await refreshFrom(t, jar, '198.51.100.9'));
    assert.deepEqual(clientRow(t, jar), before.client);
    assert.deepEqual(t.counts(), { ...before.counts, audit_events: before.counts.audit_events + 1 }, 'only the rate_limit.exceeded event');
    // Another browser is not affected; the window ends.
    const other = createCookieJar();
    await signUp(t, 'limit-other@example.com', other);
    assert.equal((await refreshFrom(t, other, '198.51.100.20')).status, 200);
    t.advance(60);
    assert.equal((await refreshFrom(t, jar, '198.51.100.9')).status, 200);
  });

  test('per address: many clients from one address are limited together', async () => {
    const t = await createTestInstance({ rateLimits: { ...LIMITS, refreshClient: false } });
    instances.push(t);
    const jars = [createCookieJar(), createCookieJar()];
    await signUp(t, 'addr-a@example.com', jars[0]);
    await signUp(t, 'addr-b@example.com', jars[1]);
    for (let i = 0; i < 5; i++) assert.equal((await refreshFrom(t, jars[i % 2]!, '203.0.113.7')).status, 200);
    assertLimited(await refreshFrom(t, jars[1]!, '203.0.113.7'));
    assert.equal((await refreshFrom(t, jars[1]!, '203.0.113.8')).status, 200);
  });
});

describe('token minting limits', () => {
  test('per session: POST /tokens is 429 after the limit', async () => {
    const t = await createTestInstance({ rateLimits: LIMITS, jwtTemplates: [{ name: 'svc', claims: { aud: 'svc' } }] });
    instances.push(t);
    const jar = createCookieJar();
    await signUp(t, 'limit-mint@example.com', jar);
    const mint = () => send(t, `${API}/tokens`, { json: { template: 'svc' }, jar });
    assert.equal((await mint()).status, 200);
    assert.equal((await mint()).status, 200);
    assertLimited(await mint());
  });
});

describe('refresh limits are shared through Redis by two instances', { skip: redisSkip }, () => {
  test('refreshes on A and B add up', async () => {
    const a = await createTestInstance({ rateLimits: LIMITS, redisUrl: REDIS_URL });
    const b = await createTestInstance({ rateLimits: LIMITS, redisUrl: REDIS_URL }, { dir: a.dir, clock: a.clock });
    try {
      const jar = createCookieJar();
      await signUp(a, 'limit-shared@example.com', jar);
      assert.equal((await refreshFrom(a, jar, '192.0.2.1')).status, 200);
      assert.equal((await refreshFrom(b, jar, '192.0.2.2')).status, 200);
      assert.equal((await refreshFrom(a, jar, '192.0.2.3')).status, 200);
      assertLimited(await refreshFrom(b, jar, '192.0.2.4'));
    } finally {
      await b.close({ keepFiles: true });
      await a.close();
    }
  });
});
