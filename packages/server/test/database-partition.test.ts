// A PostgreSQL that stops answering without closing the connection (issue #15, items 1 and 2): bounded 503s with Retry-After, a typed error, recovery on its own.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isGatehouseError } from '@gatehouse/core';
import { createTestDatabase, openInstance, serviceGate, type BackendInstance, type TestDatabase } from '../../../test-support/backends.js';
import { API, createCookieJar, refresh, signUp } from '../../../test-support/instance.js';
import { createRelay, type Relay } from '../../../test-support/tcp-relay.js';

describe('PostgreSQL partitioned behind a relay that stops forwarding', async () => {
  const skip = await serviceGate('PostgreSQL');
  let db: TestDatabase;
  let relay: Relay;
  let t: BackendInstance;

  before(async () => {
    if (skip) return;
    db = await createTestDatabase('postgres');
    const target = new URL(String(db.options.databaseUrl));
    relay = await createRelay(target.hostname, Number(target.port || 5432));
    target.host = `127.0.0.1:${relay.port}`;
    // A short bound keeps the test quick (the default is 5 s), yet leaves room for a connection on a
    // busy machine: the setup connects through the relay under the same bound.
    t = await openInstance(db, { databaseUrl: target.toString(), databaseTimeoutMs: 2_000 });
  });
  after(async () => {
    relay?.resume();
    await t?.close();
    await relay?.close();
    await db?.drop();
  });

  test(
    'refresh, sign-in and the user lookup fail within the bound as service_unavailable; it recovers by itself',
    { skip, timeout: 60_000 },
    async () => {
      const jar = createCookieJar();
      const signedUp = await signUp(t, 'partition@example.com', jar);
      assert.equal(signedUp.status, 200);
      const userId = (signedUp.body as { userId: string }).userId;
      const before = await t.counts();

      relay.stall();

      // Each of these would wait forever without the bounds (the test's own timeout would fail it).
      const refreshed = await refresh(t, jar);
      assert.equal(refreshed.status, 503);
      assert.deepEqual(refreshed.body, {
        error: { code: 'service_unavailable', message: 'The sign-in service is temporarily unavailable. Try again in a moment.' },
      });
      assert.equal(refreshed.headers.get('retry-after'), '5');
      assert.deepEqual(refreshed.setCookies, [], 'no one is signed out by an outage');

      const signIn = await t.gatehouse.handle(
        new Request(`http://localhost:3000${API}/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
          body: JSON.stringify({ email: 'partition@example.com', password: 'correct horse battery staple' }),
        }),
      );
      assert.equal(signIn.status, 503);
      assert.equal(signIn.headers.get('retry-after'), '5');

      // currentUser()'s lookup: one typed error, never the driver's.
      await assert.rejects(t.gatehouse.getUser(userId), (error: unknown) => {
        assert.ok(isGatehouseError(error));
        assert.equal(error.code, 'service_unavailable');
        assert.ok(!/Query read timeout|ECONN|pg|postgres/i.test(error.message));
        return true;
      });

      // A second round is bounded too (the stalled connections are not reused and left hanging).
      assert.equal((await refresh(t, jar)).status, 503);

      relay.resume();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await refresh(t, jar)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 200, 'back by itself once the database answers');
      assert.equal((await t.gatehouse.getUser(userId))?.id, userId);
      const afterOutage = await t.counts();
      assert.equal(afterOutage.users, before.users);
      assert.equal(afterOutage.sessions, before.sessions);
    },
  );
});
