// Migration 0008_revoked_sessions.

import type { Kysely, Migration } from 'kysely';

export const m0008RevokedSessions = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    // Sessions whose rows are gone (their user was deleted) while a token of theirs could still
    // verify: the rebuild of the revoked-session set reads these alongside the ended sessions.
    await db.schema
      .createTable('revoked_sessions')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('revoked_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('revoked_sessions_at_idx').on('revoked_sessions').column('revoked_at').execute();
  },
});
