// Rate limits on sign-in, sign-up and invitation acceptance (issue "Scale-out"): per IP and per identifier, 429 with Retry-After, a refused attempt checks no password and writes nothing but one audit event; run on the in-memory counters and on real Redis (shared by two instances), plus the fallback when Redis cannot answer.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gatehouseOptionsFromEnv, type GatehouseOptions } from '@gatehouse/server';
import { createMemoryCounters, createRateLimits, createRedisCounters, type RateLimitSettings } from '../src/limits/rate-limit.js';
import { REDIS_URL, serviceGate } from '../../../test-support/backends.js';
import { API, PASSWORD, createCookieJar, createTestInstance, send, signUp, type TestInstance } from '../../../test-support/instance.js';

const redisSkip = await serviceGate('Redis');

const LIMITS: Partial<RateLimitSettings> = {
  signInIp: { limit: 5, windowSeconds: 60 },
  signInIdentifier: { limit: 3, windowSeconds: 60 },
  signUpIp: { limit: 2, windowSeconds: 60 },
  verifyIp: false,
  verifyIdentifier: { limit: 2, windowSeconds: 60 },
  ceremonyIp: { limit: 3, windowSeconds: 60 },
};

let n = 0;
const ip = () => `203.0.113.${++n % 250}`;

function attemptSignIn(t: TestInstance, email: string, password: string, from: string) {
  return send(t, `${API}/sign-in`, { json: { email, password }, headers: { 'x-forwarded-for': from } });
}

function auditActions(t: TestInstance): string[] {
  return (t.db.prepare('SELECT action FROM audit_events ORDER BY id').all() as { action: string }[]).map((r) => r.action);
}

function assertLimited(res: { status: number; headers: Headers; body: unknown }, maxSeconds: number) {
  assert.equal(res.status, 429);
  assert.deepEqual(res.body, { error: { code: 'rate_limited', message: 'Too many attempts. Try again later.' } });
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxSeconds, `Retry-After ${retryAfter}`);
}

for (const backend of ['memory', 'redis'] as const) {
  describe(`rate limits (${backend} counters)`, { skip: backend === 'redis' ? redisSkip : false }, () => {
    let t: TestInstance;
    const options: Partial<GatehouseOptions> = { rateLimits: LIMITS, ...(backend === 'redis' ? { redisUrl: REDIS_URL } : {}) };
    before(async () => {
      t = await createTestInstance(options);
    });
    after(async () => {
      await t?.close();
    });

    test('sign-in per identifier: the 4th attempt is refused before the password check, and only one audit event is written', async () => {
      const email = `limit-${backend}@example.com`;
      assert.equal(
        (await send(t, `${API}/sign-up`, { json: { email, password: PASSWORD }, headers: { 'x-forwarded-for': ip() } })).status,
        200,
      );
      // Every attempt counts, wrong or right, and each from another address: the identifier rule holds.
      for (let i = 0; i < 3; i++) assert.equal((await attemptSignIn(t, email, 'wrong password', ip())).status, 401);
      const before = t.snapshot();
      const actions = auditActions(t);
      const from = ip();
      assertLimited(await attemptSignIn(t, ` ${email.toUpperCase()}`, PASSWORD, from), 60);
      assert.deepEqual(auditActions(t), [...actions, 'rate_limit.exceeded'], 'one audit event and nothing else');
      const event = t.db.prepare("SELECT ip, data FROM audit_events WHERE action = 'rate_limit.exceeded' ORDER BY id DESC").get();
      assert.deepEqual(event, { ip: from, data: JSON.stringify({ limit: 'signInIdentifier' }) });
      assert.deepEqual(t.snapshot().sessions, before.sessions, 'no session started');
      const afterFirst = t.snapshot();
      // The right password does not get through either, and further refusals write nothing at all.
      for (let i = 0; i < 3; i++) assertLimited(await attemptSignIn(t, email, PASSWORD, ip()), 60);
      assert.deepEqual(t.snapshot(), afterFirst);
      // Another identifier is not affected.
      assert.equal((await attemptSignIn(t, `other-${backend}@example.com`, 'x', ip())).status, 401);
    });

    test('sign-up per IP: counted by the X-Forwarded-For entry the proxy appended, not the one the client wrote', async () => {
      const from = ip();
      for (let i = 0; i < 2; i++) {
        const res = await send(t, `${API}/sign-up`, {
          json: { email: `su-${backend}-${i}@example.com`, password: PASSWORD },
          headers: { 'x-forwarded-for': `10.9.9.${i}, ${from}` },
        });
        assert.equal(res.status, 200, res.text);
      }
      const before = t.counts();
      const res = await send(t, `${API}/sign-up`, {
        json: { email: `su-${backend}-x@example.com`, password: PASSWORD },
        headers: { 'x-forwarded-for': `10.9.9.77, ${from}` },
      });
      assertLimited(res, 60);
      assert.deepEqual(t.counts(), { ...before, audit_events: before.audit_events + 1 }, 'no user, session or client');
      const other = await send(t, `${API}/sign-up`, {
        json: { email: `su-${backend}-y@example.com`, password: PASSWORD },
        headers: { 'x-forwarded-for': ip() },
      });
      assert.equal(other.status, 200);
    });

    test('passkey ceremonies opened before sign-in, per IP: the 4th is refused and writes no challenge row', async () => {
      const from = ip();
      const open = () => send(t, `${API}/sign-in/passkey/options`, { method: 'POST', headers: { 'x-forwarded-for': from } });
      const challenges = () => (t.db.prepare('SELECT COUNT(*) AS n FROM factor_challenges').get() as { n: number }).n;
      for (let i = 0; i < 3; i++) {
        const res = await open();
        assert.equal(res.status, 200, res.text);
        assert.equal(typeof (res.body as { challengeId?: unknown }).challengeId, 'string');
      }
      const rows = challenges();
      const before = t.counts();
      assertLimited(await open(), 60);
      assertLimited(await open(), 60);
      assert.equal(challenges(), rows, 'no challenge row for a refused request');
      assert.deepEqual(t.counts(), { ...before, audit_events: before.audit_events + 1 });
      // Another address still gets its ceremony.
      assert.equal((await send(t, `${API}/sign-in/passkey/options`, { method: 'POST', headers: { 'x-forwarded-for': ip() } })).status, 200);
    });

    test('invitation acceptance per user: guesses stop after the limit', async () => {
      const jar = createCookieJar();
      assert.equal((await signUp(t, `guesser-${backend}@example.com`, jar)).status, 200);
      const guess = () => send(t, `${API}/invitations/accept`, { json: { token: `orginv_guess${'x'.repeat(40)}` }, jar });
      for (let i = 0; i < 2; i++) assert.notEqual((await guess()).status, 429);
      const before = t.counts();
      assertLimited(await guess(), 60);
      assertLimited(await guess(), 60);
      assert.deepEqual(t.counts(), { ...before, audit_events: before.audit_events + 1 });
    });

    if (backend === 'memory') {
      test('the window ends: after it, attempts are allowed again', async () => {
        const email = 'window@example.com';
        for (let i = 0; i < 3; i++) assert.equal((await attemptSignIn(t, email, 'x', ip())).status, 401);
        assertLimited(await attemptSignIn(t, email, 'x', ip()), 60);
        t.advance(61);
        assert.equal((await attemptSignIn(t, email, 'x', ip())).status, 401);
      });
    }
  });
}

describe('rate limits shared through Redis by two instances', { skip: redisSkip }, () => {
  let a: TestInstance;
  let b: TestInstance;
  before(async () => {
    a = await createTestInstance({ rateLimits: LIMITS, redisUrl: REDIS_URL });
    // The same database (so the same instance id and key prefix), as a second process would open it.
    b = await createTestInstance({ rateLimits: LIMITS, redisUrl: REDIS_URL }, { dir: a.dir, clock: a.clock });
  });
  after(async () => {
    await b?.close({ keepFiles: true });
    await a?.close();
  });

  test('attempts on A and B add up: the limit trips on B after the configured count split over both', async () => {
    const email = 'split@example.com';
    assert.equal((await attemptSignIn(a, email, 'x', ip())).status, 401);
    assert.equal((await attemptSignIn(b, email, 'x', ip())).status, 401);
    assert.equal((await attemptSignIn(a, email, 'x', ip())).status, 401);
    assertLimited(await attemptSignIn(b, email, 'x', ip()), 60);
    assertLimited(await attemptSignIn(a, email, 'x', ip()), 60);
  });

  test('a deployment with another instance id does not share the counters', async () => {
    const other = await createTestInstance({ rateLimits: LIMITS, redisUrl: REDIS_URL });
    try {
      assert.equal((await attemptSignIn(other, 'split@example.com', 'x', ip())).status, 401);
    } finally {
      await other.close();
    }
  });
});

describe('in-memory counters at their cap', () => {
  // A clock the test moves, and `cap` windows at most.
  const counters = (cap = 2) => {
    const clock = { t: 0 };
    return { clock, store: createMemoryCounters(() => clock.t, cap) };
  };

  test('an expired window makes room before any live one is dropped', async () => {
    const { clock, store } = counters();
    await store.hit('short', 1000);
    await store.hit('long', 60_000);
    clock.t = 1500;
    assert.equal((await store.hit('new', 60_000)).count, 1);
    // "long" kept its count; "short" had expired anyway.
    assert.deepEqual(await store.hit('long', 60_000), { count: 2, resetInMs: 58_500 });
    assert.equal((await store.hit('short', 1000)).count, 1);
  });

  test('with every window live, the one opened first is dropped, whatever its length', async () => {
    const { clock, store } = counters();
    await store.hit('first', 60_000);
    clock.t = 5;
    await store.hit('second', 10_000);
    await store.hit('second', 10_000);
    clock.t = 6;
    await store.hit('third', 60_000);
    assert.equal((await store.hit('second', 10_000)).count, 3);
    assert.equal((await store.hit('first', 60_000)).count, 1);
  });

  test('a window that opens again counts as the newest, and the counts stay exact', async () => {
    const { clock, store } = counters(3);
    await store.hit('reopened', 10);
    clock.t = 5;
    await store.hit('older', 100);
    clock.t = 20;
    // Its first window ended at 10: a new one opens now, after "older".
    assert.deepEqual(await store.hit('reopened', 10), { count: 1, resetInMs: 10 });
    await store.hit('other', 100);
    clock.t = 25;
    await store.hit('new', 100);
    assert.deepEqual(await store.hit('reopened', 10), { count: 2, resetInMs: 5 });
    assert.equal((await store.hit('older', 100)).count, 1);
  });
});

describe('rate limits when Redis cannot answer', () => {
  test('they fall back to counting in this process (never open), and say so once', async () => {
    const logs: string[] = [];
    const limits = createRateLimits({
      settings: { signInIdentifier: { limit: 2, windowSeconds: 60 } },
      now: Date.now,
      log: (line) => logs.push(line),
      shared: () => createRedisCounters({ url: 'redis://127.0.0.1:1', prefix: 'gatehouse:rl:test:' }),
    });
    try {
      const attempt = () => limits.attempt([{ name: 'signInIdentifier', key: 'fallback@example.com' }]);
      assert.deepEqual(await attempt(), { allowed: true });
      assert.deepEqual(await attempt(), { allowed: true });
      const refused = await attempt();
      assert.equal(refused.allowed, false);
      assert.ok(!refused.allowed && refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60);
      assert.equal(logs.filter((l) => l.includes('counting them in this process')).length, 1);
    } finally {
      await limits.close();
    }
  });

  test('invalid settings are refused at construction', () => {
    const make = (signInIp: RateLimitSettings['signInIp']) => () =>
      createRateLimits({ settings: { signInIp }, now: Date.now, log: () => {} });
    assert.throws(make({ limit: 0, windowSeconds: 60 }), TypeError);
    assert.throws(make({ limit: 1.5, windowSeconds: 60 }), TypeError);
    assert.throws(make({ limit: 3, windowSeconds: 0 }), TypeError);
  });
});

describe('rate limit configuration from the environment', () => {
  const base = { GATEHOUSE_CONFIG: '', NODE_ENV: 'test' };
  test('count/seconds and off, rule by rule; the proxy hops', () => {
    const options = gatehouseOptionsFromEnv({
      ...base,
      GATEHOUSE_RATE_LIMIT_SIGN_IN_IDENTIFIER: '5/60',
      GATEHOUSE_RATE_LIMIT_SIGN_UP_IP: 'off',
      GATEHOUSE_TRUSTED_PROXY_HOPS: '2',
    });
    assert.deepEqual(options.rateLimits, { signInIdentifier: { limit: 5, windowSeconds: 60 }, signUpIp: false });
    assert.equal(options.trustedProxyHops, 2);
  });
  test('anything else stops the start with a message naming the variable', () => {
    for (const bad of ['5', '0/60', '5/0', '-1/60', 'five/60', '5/60/1']) {
      assert.throws(() => gatehouseOptionsFromEnv({ ...base, GATEHOUSE_RATE_LIMIT_VERIFY_IP: bad }), /GATEHOUSE_RATE_LIMIT_VERIFY_IP/);
    }
    for (const bad of ['-1', '1.5', 'two'])
      assert.throws(() => gatehouseOptionsFromEnv({ ...base, GATEHOUSE_TRUSTED_PROXY_HOPS: bad }), /GATEHOUSE_TRUSTED_PROXY_HOPS/);
    // 0 says it outright: no proxy in front (the default).
    assert.equal(gatehouseOptionsFromEnv({ ...base, GATEHOUSE_TRUSTED_PROXY_HOPS: '0' }).trustedProxyHops, 0);
  });
});
