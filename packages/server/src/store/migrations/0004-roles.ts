// Migration 0004_roles.

import type { Kysely, Migration } from 'kysely';

export const m0004Roles = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    // Roles created at run time (backend API, HTTP admin API, CLI); built-in and configured ones are not stored.
    await db.schema
      .createTable('roles')
      .addColumn('key', 'varchar(80)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(256)', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('permissions', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // Finding who holds a role (stamps after a change, the "still in use" refusal) without a full scan.
    await db.schema.createIndex('memberships_role_idx').on('memberships').column('role').execute();
  },
});
