// Migration 0010_oauth: sign-in connections (OAuth 2.0 / OpenID Connect), external accounts, SSO domains, used flow states.

import type { Kysely, Migration } from 'kysely';

export const m0010Oauth = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    // Connections added at run time (dashboard, backend API); configured ones (env, config file) are
    // not stored. The client secret is stored only sealed under a key derived from the master secret.
    await db.schema
      .createTable('oauth_connections')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(128)', (c) => c.notNull())
      .addColumn('preset', 'varchar(32)')
      .addColumn('issuer', 'text')
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('client_secret_sealed', 'text')
      .addColumn('scopes', 'text', (c) => c.notNull())
      // Set for an organization's own identity provider (enterprise SSO): members join with default_role.
      .addColumn('organization_id', 'varchar(64)', (c) => c.references('organizations.id').onDelete('cascade'))
      .addColumn('default_role', 'varchar(80)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // An email domain routed to an organization's connection; routing needs verified_at.
    await db.schema
      .createTable('oauth_domains')
      .addColumn('domain', 'varchar(253)', (c) => c.primaryKey())
      .addColumn('connection_id', 'varchar(64)', (c) => c.notNull().references('oauth_connections.id').onDelete('cascade'))
      .addColumn('verification_token', 'varchar(64)', (c) => c.notNull())
      .addColumn('verified_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('external_accounts')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('provider', 'varchar(64)', (c) => c.notNull())
      .addColumn('subject', 'varchar(255)', (c) => c.notNull())
      .addColumn('email', 'varchar(320)')
      .addColumn('email_verified', 'integer', (c) => c.notNull())
      .addColumn('first_name', 'varchar(256)')
      .addColumn('last_name', 'varchar(256)')
      .addColumn('image_url', 'text')
      .addColumn('username', 'varchar(256)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('external_accounts_provider_subject_unique', ['provider', 'subject'])
      .execute();
    await db.schema.createIndex('external_accounts_user_idx').on('external_accounts').column('user_id').execute();
    // A flow's state is accepted once: its hash is recorded when the callback consumes it.
    await db.schema
      .createTable('oauth_used_states')
      .addColumn('state_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('oauth_used_states_expires_idx').on('oauth_used_states').column('expires_at').execute();
  },
});
