// Health and fan-out metrics on real services (issue #21): gatehouse_redis_up follows a private redis-server stopped and started again, gatehouse_database_up a PostgreSQL partitioned behind a relay, and the revocation fan-out lag histogram counts each revocation that arrives from another instance.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSecretKey } from '@gatehouse/server';
import {
  createTestDatabase,
  eventually,
  openInstance,
  serviceGate,
  type BackendInstance,
  type TestDatabase,
} from '../../../test-support/backends.js';
import { API, createCookieJar, send, signUp } from '../../../test-support/instance.js';
import { scrape } from '../../../test-support/metrics-scrape.js';
import { startPrivateRedis, type PrivateRedis } from '../../../test-support/private-redis.js';
import { createRelay, type Relay } from '../../../test-support/tcp-relay.js';

const skip = await serviceGate('PostgreSQL');
const KEY = generateSecretKey();
const LAG = 'gatehouse_revocation_fanout_lag_seconds_count';

describe('health gauges and the fan-out lag, with PostgreSQL and a Redis of our own', { skip }, () => {
  let redis: PrivateRedis;
  let database: TestDatabase;
  let relay: Relay;
  let a: BackendInstance;
  let b: BackendInstance;
  let alone: BackendInstance;
  before(async () => {
    redis = await startPrivateRedis();
    database = await createTestDatabase('postgres');
    const target = new URL(String(database.options.databaseUrl));
    relay = await createRelay(target.hostname, Number(target.port || 5432));
    target.host = `127.0.0.1:${relay.port}`;
    // A reaches the database through the relay (the partition below); B directly; both share the Redis.
    a = await openInstance(database, { databaseUrl: target.toString(), databaseTimeoutMs: 2_000, redisUrl: redis.url, secretKeys: [KEY] });
    b = await openInstance(database, { redisUrl: redis.url, secretKeys: [KEY] }, a.clock);
    alone = await openInstance(database, { secretKeys: [KEY] }, a.clock);
  });
  after(async () => {
    relay?.resume();
    for (const t of [a, b, alone]) await t?.close();
    await relay?.close();
    await database?.drop();
    await redis?.stop();
  });

  test('both gauges read 1 while everything answers; without REDIS_URL there is no Redis gauge at all', async () => {
    const metrics = await scrape(a, KEY);
    assert.equal(metrics.get('gatehouse_database_up'), 1);
    assert.equal(metrics.get('gatehouse_redis_up'), 1);
    const plain = await scrape(alone, KEY);
    assert.equal(plain.get('gatehouse_database_up'), 1);
    assert.equal(plain.has('gatehouse_redis_up'), false);
  });

  test('a revocation made on B is counted in the fan-out lag on A (once), not on B', async () => {
    const [beforeA, beforeB] = [await scrape(a, KEY), await scrape(b, KEY)];
    const jar = createCookieJar();
    const signedUp = await signUp(b, 'health-lag@example.com', jar);
    assert.equal(signedUp.status, 200);
    const { sessionId } = signedUp.body as { sessionId: string };
    assert.equal((await send(b, `${API}/sign-out`, { json: {}, jar })).status, 200);
    await eventually('A hears of the revocation', async () => a.gatehouse.revocations.isRevoked(sessionId), 5_000);
    const [afterA, afterB] = [await scrape(a, KEY), await scrape(b, KEY)];
    assert.equal((afterA.get(LAG) ?? 0) - (beforeA.get(LAG) ?? 0), 1);
    assert.equal((afterB.get(LAG) ?? 0) - (beforeB.get(LAG) ?? 0), 0, 'its own revocation is no arrival');
    // The instances share one clock here: the lag observed is 0 s, in the first bucket.
    assert.equal(afterA.get('gatehouse_revocation_fanout_lag_seconds_bucket{le="0.005"}'), afterA.get(LAG));
  });

  test(
    'gatehouse_redis_up drops to 0 while the redis-server is stopped and returns to 1 when it is back',
    { timeout: 60_000 },
    async () => {
      await redis.stop();
      await eventually('A reports Redis down', async () => (await scrape(a, KEY)).get('gatehouse_redis_up') === 0, 10_000);
      const down = await scrape(b, KEY);
      assert.equal(down.get('gatehouse_redis_up'), 0);
      assert.equal(down.get('gatehouse_database_up'), 1, 'the database is not Redis');
      await redis.start();
      // Reconnect backoff is capped at 2 s.
      await eventually('A reports Redis up again', async () => (await scrape(a, KEY)).get('gatehouse_redis_up') === 1, 15_000);
      await eventually('B reports Redis up again', async () => (await scrape(b, KEY)).get('gatehouse_redis_up') === 1, 15_000);
    },
  );

  test(
    'gatehouse_database_up is 0 during a partition (the scrape still answers, within the bound) and 1 after',
    { timeout: 60_000 },
    async () => {
      relay.stall();
      try {
        const during = await scrape(a, KEY);
        assert.equal(during.get('gatehouse_database_up'), 0);
        assert.equal(during.get('gatehouse_redis_up'), 1, 'Redis is not the database');
        assert.equal((await scrape(b, KEY)).get('gatehouse_database_up'), 1, 'B reaches the database directly');
      } finally {
        relay.resume();
      }
      await eventually('A reports the database up again', async () => (await scrape(a, KEY)).get('gatehouse_database_up') === 1, 15_000);
    },
  );
});
