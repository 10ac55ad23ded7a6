// Store cases for the unlocked refresh's read (issue #20): exactly the rows the store's finders
// return, on every database; and on SQLite, where the read and the swap run on the connection
// directly, neither sees (nor joins) a transaction of the store that is still open.

import assert from 'node:assert/strict';
import type { BackendInstance } from '../../../test-support/backends.js';
import { createCookieJar, signUp } from '../../../test-support/instance.js';
import { activate, createOrg, member } from '../../../test-support/org-setup.js';
import { readForRefresh } from './refresh-swap-cases.js';
import type { StoreCase } from './store-cases.js';

/** What the finders return for the rows behind the client. */
async function viaFinders(t: BackendInstance, clientId: string, sessionId: string, userId: string, orgId: string) {
  const { store } = t.gatehouse;
  return {
    client: await store.findClient(clientId),
    session: await store.findSession(sessionId),
    user: await store.findUserById(userId),
    organization: await store.findOrganization(orgId),
    membership: await store.findMembership(orgId, userId),
    factors: await store.listFactors(userId),
  };
}

/** Rolls back whatever `fn` did in a transaction of the store (its error is the rollback). */
async function rolledBack(t: BackendInstance, fn: Parameters<BackendInstance['gatehouse']['store']['transaction']>[0]): Promise<void> {
  await assert.rejects(
    t.gatehouse.store.transaction(async (tx) => {
      await fn(tx);
      throw new Error('rolled back');
    }),
    /rolled back/,
  );
}

export const refreshReadCases: StoreCase[] = [
  {
    name: 'the rows behind a client are the ones the finders return (organization, membership, factors in order)',
    async run(open) {
      const t = await open();
      const owner = await member(t, `${t.backend}-rows@example.com`);
      const org = await createOrg(t, owner, { name: 'Rows', slug: `${t.backend}-rows` });
      await activate(t, owner, org.id);
      const at = t.clock.now;
      // Two factors inserted out of order: the read lists them by creation time, then id.
      for (const [id, created] of [
        ['totp_b', at + 1],
        ['totp_a', at + 1],
        ['totp_c', at],
      ] as const) {
        await t.inspect
          .insertInto('user_factors')
          .values({ id, user_id: owner.userId, kind: 'totp', status: 'unverified', name: id, created_at: created, updated_at: created })
          .execute();
      }
      const clientId = owner.jar.get('__client')?.split('.')[0] ?? '';
      const rows = await t.gatehouse.store.readClientRefreshRows(clientId);
      assert.deepEqual(rows, await viaFinders(t, clientId, owner.sessionId, owner.userId, org.id));
      assert.deepEqual(
        rows.factors?.map((f) => f.id),
        ['totp_c', 'totp_a', 'totp_b'],
      );
      assert.equal(rows.membership?.role, 'org:admin');
    },
  },
  {
    name: 'an unknown client reads as none, a client without an active session as the client alone',
    async run(open) {
      const t = await open();
      const empty = { session: null, user: null, organization: null, membership: null, factors: null };
      assert.deepEqual(await t.gatehouse.store.readClientRefreshRows('client_aaaaaaaaaaaaaaaaaaaaaaaaaa'), { client: null, ...empty });
      const jar = createCookieJar();
      assert.equal((await signUp(t, `${t.backend}-no-session@example.com`, jar)).status, 200);
      const clientId = jar.get('__client')?.split('.')[0] ?? '';
      await t.inspect.updateTable('clients').set({ active_session_id: null }).where('id', '=', clientId).execute();
      assert.deepEqual(await t.gatehouse.store.readClientRefreshRows(clientId), {
        client: await t.gatehouse.store.findClient(clientId),
        ...empty,
      });
    },
  },
  {
    name: 'a read asked for while a transaction of the store is open waits for it: a rolled-back change is never seen',
    backends: ['sqlite'],
    async run(open) {
      const t = await open();
      const { expected } = await readForRefresh(t, `${t.backend}-queued-read`);
      let read: ReturnType<typeof t.gatehouse.store.readClientRefreshRows> | undefined;
      await rolledBack(t, async (tx) => {
        await tx.updateSession(expected.session.id, { status: 'revoked' });
        read = t.gatehouse.store.readClientRefreshRows(expected.client.id);
      });
      assert.equal((await read)?.session?.status, 'active');
    },
  },
  {
    name: 'a swap asked for while a transaction of the store is open waits for it, then applies on the committed rows',
    backends: ['sqlite'],
    async run(open) {
      const t = await open();
      const { expected, writes, rows } = await readForRefresh(t, `${t.backend}-queued-swap`);
      let applied: Promise<boolean> | undefined;
      // Had the swap run inside the open transaction, it would have seen the session revoked (and
      // refused), or its writes would have been rolled back with the transaction.
      await rolledBack(t, async (tx) => {
        await tx.updateSession(expected.session.id, { status: 'revoked' });
        applied = t.gatehouse.store.applyRefreshWritesIf(expected, writes);
      });
      assert.equal(await applied, true);
      const now = await rows();
      assert.equal(now.client.token_hash, 'f'.repeat(64));
      assert.equal(now.session.status, 'active');
      assert.equal(now.session.last_active_at, t.clock.now);
    },
  },
];
