// Migration 0012_machines: API keys, machine identities, and the impersonator of a session.

import type { Kysely, Migration } from 'kysely';

export const m0012Machines = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    // An API key: only the SHA-256 of its secret is stored (the secret is shown once, at creation).
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(256)', (c) => c.notNull())
      .addColumn('description', 'varchar(1024)')
      .addColumn('subject', 'varchar(64)', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('claims', 'text')
      .addColumn('created_by', 'varchar(64)')
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('revocation_reason', 'varchar(256)')
      .addColumn('last_used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('api_keys_subject_idx').on('api_keys').columns(['subject', 'created_at']).execute();
    // A machine identity: its secret (for the client-credentials grant) is stored as a hash only;
    // `scopes` lists the machines it may call (the `aud` of its tokens).
    await db.schema
      .createTable('machines')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(256)', (c) => c.notNull())
      .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('default_token_ttl', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // Impersonation: the instance admin acting as the session's user, and the admin's own session
    // that "Stop impersonating" returns to.
    await db.schema.alterTable('sessions').addColumn('actor_id', 'varchar(64)').execute();
    await db.schema.alterTable('sessions').addColumn('actor_session_id', 'varchar(64)').execute();
  },
});
