// Migration 0011_factors: second factors (TOTP, backup codes), passkeys, their one-time challenges, and when a session last verified each factor.

import type { Kysely, Migration } from 'kysely';

export const m0011Factors = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    // TOTP authenticators and passkeys. A TOTP secret must be read back to check codes, so it is
    // stored sealed under the master secret; a passkey's public key is public and stored as is.
    await db.schema
      .createTable('user_factors')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('name', 'varchar(128)', (c) => c.notNull())
      .addColumn('secret_sealed', 'text')
      // The last TOTP time step accepted: a code is good once, even inside its window (replay).
      .addColumn('last_step', 'bigint')
      .addColumn('credential_id', 'varchar(1400)', (c) => c.unique())
      .addColumn('public_key', 'text')
      .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('device_type', 'varchar(16)')
      .addColumn('backed_up', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('transports', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('last_used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('user_factors_user_idx').on('user_factors').column('user_id').execute();
    // Backup codes: only a hash of each; used ones keep their row (used_at) until regenerated.
    await db.schema
      .createTable('backup_codes')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('backup_codes_user_idx').on('backup_codes').column('user_id').execute();
    // One-time state between two requests: a WebAuthn challenge, or a sign-in that passed its first
    // factor and waits for the second. Looked up by the hash of a secret the browser holds.
    await db.schema
      .createTable('factor_challenges')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)')
      .addColumn('session_id', 'varchar(64)')
      .addColumn('challenge', 'text')
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('factor_challenges_expires_idx').on('factor_challenges').column('expires_at').execute();
    // When this session last verified a second factor (the first factor's time is factor_verified_at).
    await db.schema.alterTable('sessions').addColumn('second_factor_verified_at', 'bigint').execute();
  },
});
