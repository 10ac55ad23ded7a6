// Migration 0002_organizations.

import type { Kysely, Migration } from 'kysely';

export const m0002Organizations = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('organizations')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(256)', (c) => c.notNull())
      .addColumn('slug', 'varchar(128)', (c) => c.notNull().unique())
      .addColumn('image_url', 'text')
      .addColumn('public_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('private_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('max_memberships', 'integer')
      .addColumn('created_by', 'varchar(64)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('memberships')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'varchar(80)', (c) => c.notNull())
      .addColumn('public_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('memberships_org_user_unique', ['organization_id', 'user_id'])
      .execute();
    await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute();
    await db.schema
      .createTable('invitations')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
      .addColumn('email', 'varchar(320)', (c) => c.notNull())
      .addColumn('role', 'varchar(80)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('inviter_id', 'varchar(64)')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('invitations_org_idx').on('invitations').columns(['organization_id', 'status']).execute();
  },
});
