// Store cases for the refresh in one statement on PostgreSQL (issue #20): the read and a plain
// refresh's writes together, written only while the client and the session are as read; a
// concurrent rotation or revocation is never overwritten.

import assert from 'node:assert/strict';
import { sql, type BackendInstance } from '../../../test-support/backends.js';
import { hashSecret } from '../src/store/ids.js';
import type { RefreshSpeculation } from '../src/sessions/refresh-store.js';
import { readForRefresh, waitsForLock } from './refresh-swap-cases.js';
import type { StoreCase } from './store-cases.js';

/** A signed-up client past the grace window, and the inputs of its plain refresh (a rotation). */
async function plainRefresh(t: BackendInstance, label: string) {
  const read = await readForRefresh(t, label);
  const secret = read.jar.get('__client')?.split('.')[1] ?? '';
  const speculation: RefreshSpeculation = {
    presented: hashSecret(secret),
    at: t.clock.now,
    rotatedTokenHash: 'f'.repeat(64),
    graceMs: 10_000,
    abandonAt: null,
    pruneBefore: t.clock.now - 7 * 24 * 3600 * 1000,
    organizationsRequired: false,
    secondFactorRequired: false,
  };
  const writing = t.gatehouse.store.readClientRefreshRowsWriting;
  assert.ok(writing, 'PostgreSQL reads and writes a refresh in one statement');
  return { ...read, speculation, writing: () => writing(read.client.id, speculation) };
}

export const refreshWritingCases: StoreCase[] = [
  {
    name: 'one statement reads the rows as they were and writes a plain refresh',
    backends: ['postgres'],
    async run(open) {
      const t = await open();
      const { client, session, writing, rows } = await plainRefresh(t, `${t.backend}-one`);
      const read = await writing();
      assert.ok(read?.written, 'written');
      assert.deepEqual(read.client, client, 'the client as read, before the write');
      assert.equal(read.session?.id, session.id);
      const now = await rows();
      assert.equal(now.client.token_hash, 'f'.repeat(64));
      assert.equal(now.client.previous_token_hash, client.token_hash);
      assert.equal(now.client.token_seen_at, null);
      assert.equal(now.session.last_active_at, t.clock.now);
      assert.deepEqual(now.client, read.written.client, 'it answers with the rows it left');
      assert.equal(read.written.retired, null, 'no predecessor to retire');
    },
  },
  {
    name: 'one statement writes nothing for a refresh that is not plain (a banned user)',
    backends: ['postgres'],
    async run(open) {
      const t = await open();
      const { session, writing, rows } = await plainRefresh(t, `${t.backend}-banned`);
      await t.inspect.updateTable('users').set({ banned: 1 }).where('id', '=', session.user_id).execute();
      const before = await rows();
      const read = await writing();
      assert.equal(read?.written, null);
      assert.equal(read?.user?.banned, 1);
      assert.deepEqual(await rows(), before);
    },
  },
  {
    name: 'one statement waits for a concurrent rotation of the client, then writes nothing over it',
    backends: ['postgres'],
    async run(open) {
      const t = await open();
      const { expected, writing, rows } = await plainRefresh(t, `${t.backend}-raced`);
      let read: ReturnType<typeof writing> | undefined;
      let waited = false;
      await t.inspect.transaction().execute(async (trx) => {
        // Another refresh's rotation, not committed: the statement's snapshot still has the old token.
        await trx
          .updateTable('clients')
          .set({ token_hash: 'e'.repeat(64), previous_token_hash: expected.client.token_hash })
          .where('id', '=', expected.client.id)
          .execute();
        read = writing();
        waited = await waitsForLock(t, 'with read as%');
      });
      assert.ok(waited, 'the statement waits for the lock on the client');
      const result = await read;
      assert.equal(result?.written, null, 'nothing written');
      assert.equal(result?.client?.token_hash, expected.client.token_hash, 'the rows as its snapshot had them');
      const now = await rows();
      assert.equal(now.client.token_hash, 'e'.repeat(64), 'the concurrent rotation stays');
      assert.equal(now.session.updated_at, expected.session.updated_at, 'the session untouched');
    },
  },
  {
    name: 'one statement racing a revocation that holds the session undoes itself (the revocation stays)',
    backends: ['postgres'],
    async run(open) {
      const t = await open();
      const { expected, writing, rows } = await plainRefresh(t, `${t.backend}-revoked`);
      const before = await rows();
      let read: ReturnType<typeof writing> | undefined;
      let waited = false;
      await t.inspect.transaction().execute(async (trx) => {
        // Revoked, not committed, by a writer that does not take the client first.
        await trx.updateTable('sessions').set({ status: 'revoked' }).where('id', '=', expected.session.id).execute();
        read = writing();
        waited = await waitsForLock(t, 'with read as%');
      });
      assert.ok(waited, 'the statement waits for the lock on the session');
      assert.equal(await read, null, 'undone: nothing written, nothing read');
      const now = await rows();
      assert.deepEqual(now.client, before.client, 'the client taken before the session failed is undone');
      assert.equal(now.session.status, 'revoked');
      assert.equal(now.session.last_active_at, before.session.last_active_at);
    },
  },
  {
    name: 'two refreshes of one client at once: one rotates, the other gets no second rotation',
    async run(open) {
      const t = await open();
      const { jar, client } = await readForRefresh(t, `${t.backend}-twice`);
      const token = jar.get('__client') ?? '';
      const ctx = { ip: null, userAgent: null, origin: null };
      const [a, b] = await Promise.all([t.gatehouse.sessions.refresh(token, ctx), t.gatehouse.sessions.refresh(token, ctx)]);
      const rotated = [a.clientToken, b.clientToken].filter((x) => x !== null);
      assert.equal(rotated.length, 1, 'exactly one rotation');
      const now = await t.inspect.selectFrom('clients').selectAll().where('id', '=', client.id).executeTakeFirstOrThrow();
      assert.equal(now.token_hash, hashSecret(rotated[0]?.split('.')[1] ?? ''), 'the client holds the one rotated token');
      assert.equal(now.previous_token_hash, client.token_hash);
    },
  },
  {
    name: 'client and session pages keep room for the row versions a refresh writes (heap-only updates)',
    backends: ['postgres'],
    async run(open) {
      const t = await open();
      const { rows } = await sql<{ relname: string; reloptions: string[] | null }>`
        SELECT relname, reloptions FROM pg_class WHERE relname IN ('clients', 'sessions') AND relkind = 'r' ORDER BY relname`.execute(
        t.inspect,
      );
      assert.deepEqual(
        rows.map((row) => [row.relname, row.reloptions]),
        [
          ['clients', ['fillfactor=85']],
          ['sessions', ['fillfactor=85']],
        ],
      );
    },
  },
];
