// Several instances on one PostgreSQL database (issue "Scale-out"): racing first starts, and concurrent refreshes of one client spread over two instances.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gatehouseOptionsFromEnv } from '@gatehouse/server';
import { createTestDatabase, openInstance, serviceGate, type BackendInstance, type TestDatabase } from '../../../test-support/backends.js';
import { API, T0, authenticate, createCookieJar, refresh, send, setCookie, signUp, type Clock } from '../../../test-support/instance.js';

const skip = await serviceGate('PostgreSQL');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

test('the environment: DATABASE_URL selects PostgreSQL over the SQLite file, REDIS_URL the fan-out; another scheme stops the start', () => {
  const url = 'postgres://gatehouse:pw@db:5432/app';
  const options = gatehouseOptionsFromEnv({ DATABASE_URL: url, GATEHOUSE_DATABASE_FILE: 'x.db', REDIS_URL: 'redis://cache:6379' });
  assert.equal(options.databaseUrl, url);
  assert.equal(options.databaseFile, undefined);
  assert.equal(options.redisUrl, 'redis://cache:6379');
  assert.equal(gatehouseOptionsFromEnv({ DATABASE_URL: 'postgresql://db/app' }).databaseUrl, 'postgresql://db/app');
  assert.deepEqual(
    [gatehouseOptionsFromEnv({ GATEHOUSE_DATABASE_FILE: 'x.db' })].map((o) => [o.databaseFile, o.databaseUrl, o.redisUrl]),
    [['x.db', undefined, undefined]],
  );
  assert.throws(() => gatehouseOptionsFromEnv({ DATABASE_URL: 'mysql://db/app' }), /DATABASE_URL must be a postgres:\/\/ URL/);
});

describe('PostgreSQL: several instances on one database', { skip }, () => {
  const databases: TestDatabase[] = [];
  const instances: BackendInstance[] = [];
  after(async () => {
    for (const t of instances) await t.close();
    for (const d of databases) await d.drop();
  });
  async function database(): Promise<TestDatabase> {
    const d = await createTestDatabase('postgres');
    databases.push(d);
    return d;
  }

  test('four instances starting at once on an empty database: migrations once, one instance id, exactly one active key', async () => {
    const d = await database();
    const clock: Clock = { now: T0 };
    const started = await Promise.all(Array.from({ length: 4 }, () => openInstance(d, {}, clock)));
    instances.push(...started);
    const migrations = (
      await d.inspect
        .selectFrom('gatehouse_migrations' as never)
        .select('name' as never)
        .execute()
    ).map((row) => (row as { name: string }).name);
    assert.deepEqual(migrations.slice(0, 3), ['0001_initial', '0002_organizations', '0003_scale_out']);
    assert.equal(new Set(migrations).size, migrations.length, 'each migration ran once');
    const keys = await d.inspect.selectFrom('signing_keys').select(['id', 'status']).execute();
    assert.deepEqual(
      keys.map((k) => k.status),
      ['active'],
    );
    const issuers = new Set(started.map((t) => t.gatehouse.settings.issuer));
    assert.equal(issuers.size, 1, 'every instance adopted the first instance id');
    for (const t of started) assert.deepEqual(t.gatehouse.keys.current().signingKey.kid, keys[0]?.id);
    // A token minted by one verifies on the others.
    const jar = createCookieJar();
    assert.equal((await signUp(started[0] as BackendInstance, 'race@example.com', jar)).status, 200);
    for (const t of started) assert.equal((await authenticate(t, jar)).status, 'signed-in');

    // Rotations on two instances at the same moment: neither fails, one key is active (when they
    // overlap, as they nearly always do, the loser reports the winner's key).
    const kids = await Promise.all([
      started[0]?.gatehouse.keys.rotate({ immediately: true }),
      started[1]?.gatehouse.keys.rotate({ immediately: true }),
    ]);
    const active = await d.inspect.selectFrom('signing_keys').select('id').where('status', '=', 'active').execute();
    assert.equal(active.length, 1);
    assert.ok(kids.includes(active[0]?.id));
  });

  describe('refreshing one client on two instances at once', () => {
    let a: BackendInstance;
    let b: BackendInstance;
    before(async () => {
      const d = await database();
      a = await openInstance(d);
      b = await openInstance(d, {}, a.clock);
      instances.push(a, b);
    });

    test('10 parallel refreshes spread over both instances: all succeed, one rotation, one live client token, still signed in', async () => {
      const jar = createCookieJar();
      const signed = await signUp(a, 'two-instances@example.com', jar);
      const sessionId = (signed.body as { sessionId: string }).sessionId;
      const clientId = (jar.get('__client') as string).split('.')[0] ?? '';
      a.advance(30); // past the grace window: the first refresh to take the client row rotates

      const tabs = Array.from({ length: 10 }, () => jar.clone());
      const responses = await Promise.all(tabs.map((tab, i) => refresh(i % 2 === 0 ? a : b, tab)));
      assert.deepEqual(
        responses.map((r) => r.status),
        Array(10).fill(200),
        responses.map((r) => r.text).join('\n'),
      );
      const rotations = responses.filter((r) => setCookie(r, '__client') !== undefined);
      assert.equal(rotations.length, 1, 'the client token rotated exactly once');

      // The one live client token is the one the rotation handed out.
      const winner = tabs[responses.indexOf(rotations[0] as (typeof responses)[number])]?.clone();
      assert.ok(winner);
      const current = winner.get('__client') as string;
      const row = await a.inspect.selectFrom('clients').selectAll().where('id', '=', clientId).executeTakeFirstOrThrow();
      assert.equal(row.token_hash, sha256(current.split('.')[1] ?? ''));
      assert.equal(await a.sessionStatus(sessionId), 'active');
      const reuse = await a.inspect.selectFrom('audit_events').select('id').where('action', '=', 'client.token_reuse').execute();
      assert.equal(reuse.length, 0);
      assert.equal((await authenticate(b, winner)).status, 'signed-in');

      // Later refreshes with the rotated cookie keep working on either instance.
      a.advance(30);
      assert.equal((await refresh(b, winner)).status, 200);
      a.advance(30);
      assert.equal((await refresh(a, winner)).status, 200);
      assert.equal((await authenticate(a, winner)).status, 'signed-in');
    });

    test('refreshes racing a sign-out on the other instance never fail with a server error', async () => {
      const jar = createCookieJar();
      await signUp(a, 'race-sign-out@example.com', jar);
      a.advance(30);
      const racing = [
        ...Array.from({ length: 6 }, (_, i) => refresh(i % 2 === 0 ? a : b, jar.clone())),
        send(b, `${API}/sign-out`, { json: {}, jar: jar.clone() }),
      ];
      const statuses = (await Promise.all(racing)).map((r) => r.status);
      assert.ok(
        statuses.every((s) => s === 200 || s === 401),
        `statuses: ${statuses.join(', ')}`,
      );
      assert.equal(statuses.at(-1), 200, 'the sign-out went through');
      assert.equal((await refresh(a, jar.clone())).status, 401, 'and the client is signed out afterwards');
    });

    test('refreshes racing "end every session" and a ban on the other instance: no deadlock, no server error', async () => {
      // Ending sessions takes the client rows first, in refresh's order; before that, PostgreSQL
      // found deadlocks here within a few rounds and the loser answered 500.
      for (let round = 0; round < 8; round++) {
        const jar = createCookieJar();
        const res = await signUp(a, `deadlock-${round}@example.com`, jar);
        const userId = (res.body as { user: { id: string } }).user.id;
        a.advance(30);
        const [ended, banned, ...refreshes] = await Promise.all([
          b.gatehouse.sessions.endAllUserSessions(userId),
          b.gatehouse.sessions.banUser(userId),
          ...Array.from({ length: 4 }, (_, i) => refresh(i % 2 === 0 ? a : b, jar.clone())),
        ]);
        assert.equal(ended.length + banned.length, 1, 'the one session was ended once');
        for (const r of refreshes) assert.ok(r.status === 200 || r.status === 401, r.text);
      }
    });
  });
});
