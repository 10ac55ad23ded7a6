// Store cases for the unlocked refresh's write (issue #20): applied only while the client and its
// session are as the refresh read them, all or nothing, on every database; otherwise the locking path decides.

import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { BackendInstance } from '../../../test-support/backends.js';
import { createCookieJar, refresh, setCookie, signUp } from '../../../test-support/instance.js';
import type { StoreCase } from './store-cases.js';

/** A signed-up user past the grace window, and what a refresh of its client reads and would write. */
export async function readForRefresh(t: BackendInstance, label: string) {
  const jar = createCookieJar();
  assert.equal((await signUp(t, `${label}@example.com`, jar)).status, 200);
  t.advance(30);
  const clientId = jar.get('__client')?.split('.')[0] ?? '';
  const { client, session } = await t.gatehouse.store.readClientRefreshRows(clientId);
  assert.ok(client && session);
  const expected = {
    client: {
      id: client.id,
      token_hash: client.token_hash,
      previous_token_hash: client.previous_token_hash,
      token_seen_at: client.token_seen_at,
      rotated_at: client.rotated_at,
      active_session_id: client.active_session_id,
    },
    session: {
      id: session.id,
      status: session.status,
      active_organization_id: session.active_organization_id,
      updated_at: session.updated_at,
    },
  };
  const at = t.clock.now;
  const writes = {
    client: {
      id: client.id,
      changes: { token_hash: 'f'.repeat(64), previous_token_hash: client.token_hash, rotated_at: at, updated_at: at },
    },
    session: { id: session.id, changes: { last_active_at: at, updated_at: at, status: 'active' as const } },
  };
  const rows = async () => ({
    client: await t.inspect.selectFrom('clients').selectAll().where('id', '=', client.id).executeTakeFirstOrThrow(),
    session: await t.inspect.selectFrom('sessions').selectAll().where('id', '=', session.id).executeTakeFirstOrThrow(),
  });
  return { jar, client, session, expected, writes, rows };
}

/** Whether a statement matching `pattern` comes to wait for a lock (polled; false if none does within about 5 s). */
export async function waitsForLock(t: BackendInstance, pattern: string): Promise<boolean> {
  for (let i = 0; i < 500; i += 1) {
    const waiting = await t.inspect
      .selectFrom(sql<{ wait_event_type: string | null; query: string }>`pg_stat_activity`.as('a'))
      .select('a.query')
      .where('a.wait_event_type', '=', 'Lock')
      .where('a.query', 'ilike', pattern)
      .execute();
    if (waiting.length > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

export const refreshSwapCases: StoreCase[] = [
  {
    name: 'unchanged rows: both writes are applied',
    async run(open) {
      const t = await open();
      const { expected, writes, rows } = await readForRefresh(t, `${t.backend}-swap`);
      assert.equal(await t.gatehouse.store.applyRefreshWritesIf(expected, writes), true);
      const now = await rows();
      assert.equal(now.client.token_hash, 'f'.repeat(64));
      assert.equal(now.client.previous_token_hash, expected.client.token_hash);
      assert.equal(now.session.last_active_at, t.clock.now);
    },
  },
  {
    name: 'a session ended after the read: nothing is written and it stays ended',
    async run(open) {
      const t = await open();
      const { expected, writes, rows } = await readForRefresh(t, `${t.backend}-ended`);
      await t.inspect.updateTable('sessions').set({ status: 'revoked' }).where('id', '=', expected.session.id).execute();
      const before = await rows();
      assert.equal(await t.gatehouse.store.applyRefreshWritesIf(expected, writes), false);
      assert.deepEqual(await rows(), before);
      assert.equal(before.session.status, 'revoked');
    },
  },
  {
    name: 'a client token rotated after the read: nothing is written',
    async run(open) {
      const t = await open();
      const { expected, writes, rows } = await readForRefresh(t, `${t.backend}-rotated`);
      await t.inspect
        .updateTable('clients')
        .set({ token_hash: 'e'.repeat(64) })
        .where('id', '=', expected.client.id)
        .execute();
      const before = await rows();
      assert.equal(await t.gatehouse.store.applyRefreshWritesIf(expected, writes), false);
      assert.deepEqual(await rows(), before);
    },
  },
  {
    name: 'another session made active on the client after the read: nothing is written',
    async run(open) {
      const t = await open();
      const { expected, writes, rows } = await readForRefresh(t, `${t.backend}-switched`);
      await t.inspect.updateTable('clients').set({ active_session_id: null }).where('id', '=', expected.client.id).execute();
      const before = await rows();
      assert.equal(await t.gatehouse.store.applyRefreshWritesIf(expected, writes), false);
      assert.deepEqual(await rows(), before);
    },
  },
  {
    name: 'a session ended by a writer that held it while the swap ran: the swap undoes itself',
    backends: ['postgres'],
    async run(open) {
      const t = await open();
      const { expected, writes, rows } = await readForRefresh(t, `${t.backend}-held`);
      const before = await rows();
      let applied: Promise<boolean> | undefined;
      await t.inspect.transaction().execute(async (trx) => {
        // Ended but not committed: the swap's snapshot still sees the session live, takes the
        // client, then waits for this lock and finds the session ended once it is granted.
        await trx.updateTable('sessions').set({ status: 'revoked' }).where('id', '=', expected.session.id).execute();
        applied = t.gatehouse.store.applyRefreshWritesIf(expected, writes);
        assert.ok(await waitsForLock(t, 'with client as%'), 'the swap waits for the lock on the session');
      });
      assert.equal(await applied, false);
      const now = await rows();
      assert.deepEqual(now.client, before.client, 'the client taken before the session failed is undone');
      assert.equal(now.session.status, 'revoked');
      assert.equal(now.session.last_active_at, before.session.last_active_at);
    },
  },
  {
    name: 'the locking read waits for a revocation that holds the session and then sees it (no lost revocation)',
    backends: ['postgres'],
    async run(open) {
      const t = await open();
      const { expected } = await readForRefresh(t, `${t.backend}-locked-read`);
      let read: Promise<string | undefined> | undefined;
      let waited = false;
      await t.inspect.transaction().execute(async (trx) => {
        // Revoked but not committed, by a writer that does not take the client row first.
        await trx.updateTable('sessions').set({ status: 'revoked' }).where('id', '=', expected.session.id).execute();
        read = t.gatehouse.store.transaction(async (tx) => (await tx.readRefreshRows(expected.session.id)).session?.status);
        waited = await waitsForLock(t, '%for update of s');
      });
      assert.ok(waited, 'the refresh read waits for the lock on the session');
      assert.equal(await read, 'revoked', 'and then reads the committed revocation, which its write keeps');
    },
  },
  {
    name: 'a refresh rotates once through the unlocked path, and the old token after the grace window is theft',
    async run(open) {
      const t = await open();
      const { jar, expected } = await readForRefresh(t, `${t.backend}-theft`);
      const stolen = jar.clone();
      const first = await refresh(t, jar);
      assert.equal(first.status, 200, first.text);
      assert.ok(setCookie(first, '__client'), 'rotated');
      // The successor is seen, then the grace window passes: the predecessor is reuse.
      t.advance(1);
      assert.equal((await refresh(t, jar.clone())).status, 200);
      t.advance(30);
      const reused = await refresh(t, stolen);
      assert.equal(reused.status, 401);
      assert.equal(await t.sessionStatus(expected.session.id), 'revoked');
      const audit = await t.inspect.selectFrom('audit_events').select('action').where('subject_id', '=', expected.client.id).execute();
      assert.ok(audit.some((row) => row.action === 'client.token_reuse'));
    },
  },
  {
    name: 'the locking path writes a retirement (pruning expired ones), the client and the session in one statement',
    async run(open) {
      const t = await open();
      const { client, session, rows } = await readForRefresh(t, `${t.backend}-writes`);
      const at = t.clock.now;
      const [expired, retired] = ['d'.repeat(64), 'e'.repeat(64)];
      await t.inspect
        .insertInto('retired_client_tokens')
        .values({ token_hash: expired, client_id: client.id, retired_at: at - 5000 })
        .execute();
      const clientChanges = {
        token_hash: 'f'.repeat(64),
        previous_token_hash: client.token_hash,
        rotated_at: at,
        token_seen_at: null,
        updated_at: at,
      };
      await t.gatehouse.store.applyRefreshWrites({
        retire: { clientId: client.id, tokenHash: retired, at, pruneBefore: at - 1000 },
        client: { id: client.id, changes: clientChanges },
        session: { id: session.id, changes: { last_active_at: at, updated_at: at, abandon_at: null } },
      });
      const now = await rows();
      assert.deepEqual(
        Object.keys(clientChanges).map((key) => now.client[key as keyof typeof clientChanges]),
        Object.values(clientChanges),
      );
      assert.deepEqual([now.session.last_active_at, now.session.updated_at, now.session.abandon_at], [at, at, null]);
      const kept = await t.inspect.selectFrom('retired_client_tokens').selectAll().where('client_id', '=', client.id).execute();
      assert.deepEqual(
        kept.map((row) => [row.token_hash, Number(row.retired_at)]),
        [[retired, at]],
      );
    },
  },
];
