// A Redis restart under two instances (issue "Scale-out"): a private redis-server is stopped mid-test; during the outage a revoked token is accepted by the other instance no longer than the documented bound (token lifetime + clock skew) and rate limits still hold; after Redis returns on the same port, the instances resubscribe, rebuild from the database, and revocation propagates again.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestDatabase,
  eventually,
  openInstance,
  serviceGate,
  type BackendInstance,
  type TestDatabase,
} from '../../../test-support/backends.js';
import { API, authenticateToken, createCookieJar, refresh, send, signUp } from '../../../test-support/instance.js';
import { startPrivateRedis, type PrivateRedis } from '../../../test-support/private-redis.js';

const skip = await serviceGate('PostgreSQL');

const TTL_SECONDS = 60;
const SKEW_MS = 5000;

let n = 0;
const email = () => `restart-${++n}@example.com`;

describe('Redis restart under two instances', { skip }, () => {
  let redis: PrivateRedis;
  let database: TestDatabase;
  let a: BackendInstance;
  let b: BackendInstance;
  before(async () => {
    redis = await startPrivateRedis();
    database = await createTestDatabase('postgres');
    const options = {
      redisUrl: redis.url,
      sessionTokenTtlSeconds: TTL_SECONDS,
      clockSkewInMs: SKEW_MS,
      rateLimits: { signInIdentifier: { limit: 3, windowSeconds: 600 } },
    };
    a = await openInstance(database, options);
    b = await openInstance(database, options, a.clock);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    await redis?.stop();
  });

  async function signedUp(t: BackendInstance) {
    const jar = createCookieJar();
    const res = await signUp(t, email(), jar);
    assert.equal(res.status, 200, res.text);
    return { jar, token: jar.get('__session') as string, sessionId: (res.body as { sessionId: string }).sessionId };
  }
  const status = async (t: BackendInstance, token: string) => (await authenticateToken(t, token)).reason ?? 'signed-in';

  test('outage, revocations during it, and recovery', async () => {
    assert.ok(a.gatehouse.fanOut?.subscribed && b.gatehouse.fanOut?.subscribed);
    const early = await signedUp(a);
    assert.equal(await status(b, early.token), 'signed-in');

    await redis.stop();
    await eventually(
      'both instances notice the outage',
      async () => !a.gatehouse.fanOut?.subscribed && !b.gatehouse.fanOut?.subscribed,
      5000,
    );
    const rebuildsBefore = a.gatehouse.fanOut?.rebuilds ?? 0;

    // A revocation during the outage: refused at once where it was made.
    assert.equal((await send(b, `${API}/sign-out`, { json: {}, jar: early.jar })).status, 200);
    assert.equal(await status(b, early.token), 'session-revoked');
    // The other instance has not heard of it: the documented bound. Up to the token's expiry plus the
    // clock skew it may still accept the token; one second past that, never.
    const expiry = (JSON.parse(Buffer.from(early.token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000;
    assert.equal(await status(a, early.token), 'signed-in', 'accepted within the bound (no Redis: A cannot know)');
    a.clock.now = expiry + SKEW_MS + 1000;
    assert.equal(await status(a, early.token), 'session-token-expired');
    // And it cannot be renewed: the database knows the session ended.
    const renewed = await refresh(a, early.jar);
    assert.equal(renewed.status, 401, renewed.text);

    // Rate limits keep holding during the outage (counted in each process, never open).
    const target = email();
    const attempt = (t: BackendInstance) => send(t, `${API}/sign-in`, { json: { email: target, password: 'wrong password' } });
    for (let i = 0; i < 3; i++) assert.equal((await attempt(a)).status, 401);
    assert.equal((await attempt(a)).status, 429);

    // A second revocation during the outage, of a token that is still fresh when Redis returns.
    const late = await signedUp(a);
    assert.equal(await status(b, late.token), 'signed-in');
    assert.equal((await send(b, `${API}/sign-out`, { json: {}, jar: late.jar })).status, 200);
    assert.equal(await status(a, late.token), 'signed-in', 'A has not heard of it yet');

    await redis.start();
    // Reconnect backoff is capped at 2 s; then the subscriber resubscribes and rebuilds from the database.
    await eventually(
      'A resubscribed and rebuilt its revoked-session set',
      async () => (a.gatehouse.fanOut?.rebuilds ?? 0) > rebuildsBefore,
      10_000,
    );
    await eventually(
      'A refuses the token revoked during the outage',
      async () => (await status(a, late.token)) === 'session-revoked',
      1000,
    );
    await eventually('B is subscribed again', async () => b.gatehouse.fanOut?.subscribed === true, 10_000);

    // Live propagation works again, both ways.
    const fresh = await signedUp(a);
    assert.equal(await status(b, fresh.token), 'signed-in');
    assert.equal((await send(b, `${API}/sign-out`, { json: {}, jar: fresh.jar })).status, 200);
    await eventually(
      'A refuses a token signed out on B after the restart',
      async () => (await status(a, fresh.token)) === 'session-revoked',
    );
    const other = await signedUp(b);
    assert.equal((await send(a, `${API}/sign-out`, { json: {}, jar: other.jar })).status, 200);
    await eventually(
      'B refuses a token signed out on A after the restart',
      async () => (await status(b, other.token)) === 'session-revoked',
    );
    assert.ok(a.logs.some((line) => line.includes('lost the Redis')));
  });
});
