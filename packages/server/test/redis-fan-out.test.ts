// Revocation and claim freshness across instances through Redis pub/sub (issue "Scale-out"): two instances on one PostgreSQL database and one Redis; a change on one is refused on the other, also after the subscriber's connection was killed.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { createGatehouse } from '@gatehouse/server';
import { type FanOutStatus } from '../src/propagation/redis-fan-out.js';
import {
  REDIS_URL,
  createTestDatabase,
  eventually,
  openInstance,
  serviceGate,
  type BackendInstance,
  type TestDatabase,
} from '../../../test-support/backends.js';
import { API, authenticateToken, createCookieJar, refresh, send, signUp } from '../../../test-support/instance.js';
import { activate, as, createOrg, join, member } from '../../../test-support/org-setup.js';

const skip = (await serviceGate('PostgreSQL')) || (await serviceGate('Redis'));

let n = 0;
const email = (label: string) => `${label}-${++n}@example.com`;
const refusedOn = (t: BackendInstance, token: string) => async () => (await authenticateToken(t, token)).status === 'signed-out';

describe('Redis fan-out between two instances', { skip }, () => {
  let database: TestDatabase;
  let a: BackendInstance;
  let b: BackendInstance;
  let admin: ReturnType<typeof createClient>;
  before(async () => {
    database = await createTestDatabase('postgres');
    a = await openInstance(database, { redisUrl: REDIS_URL });
    b = await openInstance(database, { redisUrl: REDIS_URL }, a.clock);
    admin = createClient({ url: REDIS_URL });
    await admin.connect();
  });
  after(async () => {
    await a?.close();
    await b?.close();
    if (admin?.isOpen) admin.destroy();
    await database?.drop();
  });

  async function signedUp(t: BackendInstance) {
    const jar = createCookieJar();
    const res = await signUp(t, email('fanout'), jar);
    assert.equal(res.status, 200, res.text);
    const body = res.body as { sessionId: string; user: { id: string } };
    return { jar, token: jar.get('__session') as string, sessionId: body.sessionId, userId: body.user.id };
  }

  /** Kills the subscriber connection of an instance, as a Redis restart would. */
  async function killSubscriber(status: FanOutStatus): Promise<void> {
    const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
    const line = list.split('\n').find((l) => l.includes(` name=${status.subscriberName} `));
    const id = line && /(?:^|\s)id=(\d+)/.exec(line)?.[1];
    assert.ok(id, 'the subscriber connection is listed under its name');
    assert.equal(Number(await admin.sendCommand(['CLIENT', 'KILL', 'ID', id])), 1);
  }

  test('a sign-out on B is refused on A', async () => {
    const { jar, token } = await signedUp(a);
    assert.equal((await authenticateToken(a, token)).status, 'signed-in');
    assert.equal((await send(b, `${API}/sign-out`, { json: {}, jar })).status, 200);
    await eventually('A refuses the signed-out token', refusedOn(a, token));
    assert.equal((await authenticateToken(a, token)).reason, 'session-revoked');
  });

  test('a role change made on A refuses the older token on B; the refresh carries the new role', async () => {
    const owner = await member(a, email('owner'));
    const bob = await member(a, email('bob'));
    const org = await createOrg(a, owner, { name: `Fan-out ${n}` });
    await join(a, owner, org.id, bob);
    const before = await activate(a, bob, org.id);
    assert.equal((await authenticateToken(b, before)).status, 'signed-in');
    a.advance(1);
    const patched = await as(a, owner, `/organizations/${org.id}/memberships/${bob.userId}`, {
      method: 'PATCH',
      json: { role: 'org:admin' },
    });
    assert.equal(patched.status, 200, patched.text);
    await eventually('B refuses the token with the old role', refusedOn(b, before));
    assert.equal((await authenticateToken(b, before)).reason, 'session-claims-stale');
    const fresh = await refresh(b, bob.jar);
    assert.equal(fresh.status, 200);
    assert.equal((await authenticateToken(b, (fresh.body as { jwt: string }).jwt)).status, 'signed-in');
  });

  test('a ban on A is refused on B', async () => {
    const { token, userId } = await signedUp(b);
    assert.equal((await authenticateToken(a, token)).status, 'signed-in');
    await a.gatehouse.sessions.banUser(userId);
    await eventually('B refuses the banned user', refusedOn(b, token));
  });

  test('after the subscriber connection is killed: it reconnects, rebuilds from the database, and propagation works again', async () => {
    const status = a.gatehouse.fanOut;
    assert.ok(status?.subscribed);
    // Ended in the database only (as if published while A was not listening): A has not heard of it.
    const missed = await signedUp(a);
    const ended = await b.gatehouse.store.endLiveSessions([missed.sessionId], 'revoked', a.clock.now);
    assert.deepEqual(ended, [missed.sessionId]);
    assert.equal((await authenticateToken(a, missed.token)).status, 'signed-in');

    const rebuilds = status.rebuilds;
    await killSubscriber(status);
    // The reconnect waits out a short backoff: allow a few seconds, then the rebuild is what refuses it.
    await eventually('A rebuilt its revoked-session set after resubscribing', async () => status.rebuilds > rebuilds, 5000);
    assert.equal((await authenticateToken(a, missed.token)).reason, 'session-revoked');
    assert.ok(a.logs.some((line) => line.includes('subscriber connection is back')));

    // And live propagation works again over the new connection.
    const { jar, token } = await signedUp(a);
    assert.equal((await send(b, `${API}/sign-out`, { json: {}, jar })).status, 200);
    await eventually('A refuses the token signed out on B after the reconnect', refusedOn(a, token));
  });

  test('a Redis that cannot be reached at start stops the start with setup_missing and leaves nothing open', async () => {
    await assert.rejects(
      createGatehouse({ ...database.options, redisUrl: 'redis://127.0.0.1:1', log: () => undefined }),
      (error: unknown) => (error as { code?: string }).code === 'setup_missing',
    );
  });
});
