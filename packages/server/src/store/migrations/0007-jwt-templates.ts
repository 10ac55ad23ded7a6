// Migration 0007_jwt_templates.

import type { Kysely, Migration } from 'kysely';

export const m0007JwtTemplates = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    // JWT templates created at run time (backend API, CLI, dashboard); configured ones are not stored.
    // An HMAC signing secret is never stored: only the name of the environment variable holding it.
    await db.schema
      .createTable('jwt_templates')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('claims', 'text', (c) => c.notNull())
      .addColumn('lifetime_seconds', 'integer', (c) => c.notNull())
      .addColumn('allowed_clock_skew_seconds', 'integer', (c) => c.notNull())
      .addColumn('signing_algorithm', 'varchar(8)', (c) => c.notNull())
      .addColumn('signing_secret_env', 'varchar(128)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
});
