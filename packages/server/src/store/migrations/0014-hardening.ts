// Migration 0014_hardening: client-token succession and keys published before they sign (issue #15).

import { sql, type Kysely, type Migration } from 'kysely';

export const m0014Hardening = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    // When the current client token was first presented; null until then (its answer may have been
    // lost, so the predecessor stays good). Existing clients count as seen at their last rotation,
    // which keeps their old grace-window behaviour.
    await db.schema.alterTable('clients').addColumn('token_seen_at', 'bigint').execute();
    await sql`UPDATE clients SET token_seen_at = rotated_at`.execute(db);
    // Tokens retired after their successor was seen: presenting one again is reuse (theft), however
    // many rotations back it is. Only hashes; pruned after the session lifetime.
    await db.schema
      .createTable('retired_client_tokens')
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('retired_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('retired_client_tokens_at_idx').on('retired_client_tokens').column('retired_at').execute();
    // A rotated-in key is published (status `next`) before it signs, from `activate_at` on; at most
    // one waits at a time, enforced like the one active key.
    await db.schema.alterTable('signing_keys').addColumn('activate_at', 'bigint').execute();
    await db.schema
      .createIndex('signing_keys_one_next')
      .on('signing_keys')
      .column('status')
      .unique()
      .where('status', '=', 'next')
      .execute();
  },
});
