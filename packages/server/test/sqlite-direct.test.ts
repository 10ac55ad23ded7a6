// SQLite's direct statements (a sign-in's): the rows they write are the rows Kysely's statements
// write, and a read outside a transaction never sees another transaction's uncommitted rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKyselyStore } from '../src/store/kysely-store.js';
import { openSqliteConnection } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';
import { createTestInstance, T0 } from '../../../test-support/instance.js';

const newUser = (id: string, email: string) => ({
  id,
  email,
  email_verified: 1,
  password_hash: null,
  first_name: 'F',
  last_name: null,
  image_url: null,
  public_metadata: '{}',
  private_metadata: '{}',
  unsafe_metadata: '{}',
  banned: 0,
  created_at: T0,
  updated_at: T0,
  last_sign_in_at: null,
});

/** A sign-in's writes, with ids of their own (`tag`), in one transaction of `store`. */
async function writeSignIn(store: Store, userId: string, tag: string): Promise<void> {
  await store.transaction(async (tx) => {
    assert.deepEqual(await tx.listFactors(userId), []);
    await tx.insertClient({
      id: `client_${tag}`,
      token_hash: `hash_${tag}`,
      previous_token_hash: null,
      rotated_at: T0,
      active_session_id: `sess_${tag}`,
      created_at: T0,
      updated_at: T0,
    });
    await tx.insertSession({
      id: `sess_${tag}`,
      client_id: `client_${tag}`,
      user_id: userId,
      status: 'active',
      created_at: T0,
      updated_at: T0,
      last_active_at: T0,
      expire_at: T0 + 1000,
      abandon_at: null,
      ended_at: null,
      active_organization_id: null,
      factor_verified_at: T0,
      second_factor_verified_at: null,
      ip: '127.0.0.1',
      user_agent: undefined, // left out, as Kysely leaves it out
      actor_id: null,
      actor_session_id: null,
    });
    await tx.updateUser(userId, { last_sign_in_at: T0 + 7, updated_at: T0 + 7, first_name: undefined });
    // The organization is derived from the subject, as on every append.
    await tx.appendAudit({
      at: T0,
      action: 'session.created',
      actor_id: userId,
      subject_id: `org_${tag}`,
      ip: null,
      user_agent: 'ua',
      data: '{"a":1}',
    });
  });
}

test("a sign-in's statements on SQLite's connection write the rows Kysely's statements write", async () => {
  const t = await createTestInstance();
  const kysely = openSqliteConnection(t.databaseFile);
  try {
    const direct = t.gatehouse.store;
    const plain = createKyselyStore(kysely.db); // no connection given: every statement through Kysely
    const users = t.db.prepare('select id from users').all() as { id: string }[];
    assert.equal(users.length, 0);
    for (const [store, tag] of [
      [direct, 'direct'],
      [plain, 'kysely'],
    ] as const) {
      await store.insertUser(newUser(`user_${tag}`, `${tag}@example.com`));
      await writeSignIn(store, `user_${tag}`, tag);
    }
    const row = (sql: string, tag: string): unknown => {
      const found = t.db.prepare(sql).get(tag) as Record<string, unknown> | undefined;
      assert.ok(found, `${sql} ${tag}`);
      // The ids name the writer; everything else must be the same.
      return JSON.parse(JSON.stringify(found).replaceAll(tag, 'TAG'));
    };
    for (const sql of [
      "select * from clients where id = 'client_' || ?",
      "select * from sessions where id = 'sess_' || ?",
      "select * from users where id = 'user_' || ?",
      "select at, action, actor_id, subject_id, ip, user_agent, data, organization_id from audit_events where subject_id = 'org_' || ?",
    ]) {
      assert.deepEqual(row(sql, 'direct'), row(sql, 'kysely'), sql);
    }
    assert.equal(
      (row("select organization_id from audit_events where subject_id = 'org_' || ?", 'direct') as { organization_id: string })
        .organization_id,
      'org_TAG',
    );
    assert.equal(
      (row("select last_sign_in_at from users where id = 'user_' || ?", 'direct') as { last_sign_in_at: number }).last_sign_in_at,
      T0 + 7,
    );
  } finally {
    await kysely.db.destroy();
    await t.close();
  }
});

test("a user lookup while a transaction is open waits for it: it never reads that transaction's uncommitted rows", async () => {
  const t = await createTestInstance();
  try {
    const { store } = t.gatehouse;
    await store.insertUser(newUser('user_a', 'a@example.com'));
    let lookup: Promise<unknown> | undefined;
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.updateUser('user_a', { email: 'b@example.com' });
        await tx.insertClient({
          id: 'client_a',
          token_hash: 'h',
          previous_token_hash: null,
          rotated_at: T0,
          active_session_id: null,
          created_at: T0,
          updated_at: T0,
        });
        lookup = store.findUserByEmail('b@example.com');
        // The lookup has every chance to run before the rollback.
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await lookup, null);
    assert.equal((await store.findUserByEmail('a@example.com'))?.id, 'user_a');
    assert.equal((t.db.prepare("select count(*) as n from clients where id = 'client_a'").get() as { n: number }).n, 0);
  } finally {
    await t.close();
  }
});
