// Migration 0016_operating: one-time links that make the first instance admin (`gatehouse init`, issue #21).

import type { Kysely, Migration } from 'kysely';

export const m0016Operating = (): Migration => ({
  async up(db: Kysely<unknown>) {
    // Only the SHA-256 of a link's token is kept; a link is used once (used_at) and expires.
    await db.schema
      .createTable('admin_claims')
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('used_by', 'varchar(64)')
      .execute();
  },
});
