// Schema migrations (Kysely schema builder), applied in order on start; the few type differences
// between SQLite and PostgreSQL are chosen here by dialect, never in the queries.

import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import { GatehouseError } from '@gatehouse/core';
import type { Dialect } from './types.js';

const migrations = (dialect: Dialect): Record<string, Migration> => ({
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('instance')
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
        .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('password_hash', 'text')
        .addColumn('first_name', 'varchar(256)')
        .addColumn('last_name', 'varchar(256)')
        .addColumn('image_url', 'text')
        .addColumn('public_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('private_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('unsafe_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('banned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_sign_in_at', 'bigint')
        .execute();
      await db.schema
        .createTable('clients')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('previous_token_hash', 'varchar(64)')
        .addColumn('rotated_at', 'bigint', (c) => c.notNull())
        .addColumn('active_session_id', 'varchar(64)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('clients.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_active_at', 'bigint', (c) => c.notNull())
        .addColumn('expire_at', 'bigint', (c) => c.notNull())
        .addColumn('abandon_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('active_organization_id', 'varchar(64)')
        .addColumn('factor_verified_at', 'bigint', (c) => c.notNull())
        .addColumn('ip', 'varchar(64)')
        .addColumn('user_agent', 'varchar(512)')
        .execute();
      await db.schema.createIndex('sessions_client_idx').on('sessions').column('client_id').execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('signing_keys')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('alg', 'varchar(16)', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retire_at', 'bigint')
        .execute();
      await db.schema
        .createTable('audit_events')
        // SQLite's rowid alias vs. a PostgreSQL identity column: both number the rows in insert order.
        .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('action', 'varchar(64)', (c) => c.notNull())
        .addColumn('actor_id', 'varchar(64)')
        .addColumn('subject_id', 'varchar(64)')
        .addColumn('ip', 'varchar(64)')
        .addColumn('user_agent', 'varchar(512)')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema.createIndex('audit_events_action_idx').on('audit_events').columns(['action', 'at']).execute();
    },
  },
  '0002_organizations': {
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
  },
  '0003_scale_out': {
    async up(db: Kysely<unknown>) {
      const keys = db as Kysely<{ signing_keys: { id: string; status: string; created_at: number; retire_at: number | null } }>;
      // Two processes starting at once on an empty database could each have created a key before
      // this migration: keep the newest active, let the others verify for an hour as `previous`.
      const active = await keys
        .selectFrom('signing_keys')
        .select('id')
        .where('status', '=', 'active')
        .orderBy('created_at', 'desc')
        .execute();
      for (const extra of active.slice(1)) {
        await keys
          .updateTable('signing_keys')
          .set({ status: 'previous', retire_at: Date.now() + 60 * 60 * 1000 })
          .where('id', '=', extra.id)
          .execute();
      }
      // At most one active signing key, enforced by the database: of two processes creating the
      // first key at once, or two rotations at once, one insert fails and that process reloads.
      await db.schema
        .createIndex('signing_keys_one_active')
        .on('signing_keys')
        .column('status')
        .unique()
        .where('status', '=', 'active')
        .execute();
      // The rebuild of the revoked-session set after a Redis (re)subscribe reads recent endings.
      await db.schema.createIndex('sessions_ended_idx').on('sessions').column('ended_at').execute();
    },
  },
  '0004_roles': {
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
  },
  '0005_audit_queries': {
    async up(db: Kysely<unknown>) {
      // The audit log is queried by actor, target, organization and time (the admin API, the CLI, the dashboard).
      await db.schema.alterTable('audit_events').addColumn('organization_id', 'varchar(64)').execute();
      await db.schema.createIndex('audit_events_at_idx').on('audit_events').column('at').execute();
      await db.schema.createIndex('audit_events_actor_idx').on('audit_events').columns(['actor_id', 'id']).execute();
      await db.schema.createIndex('audit_events_subject_idx').on('audit_events').columns(['subject_id', 'id']).execute();
      await db.schema.createIndex('audit_events_org_idx').on('audit_events').columns(['organization_id', 'id']).execute();
    },
  },
  '0006_webhooks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('description', 'varchar(256)')
        .addColumn('secret_sealed', 'text', (c) => c.notNull())
        .addColumn('previous_secret_sealed', 'text')
        .addColumn('previous_secret_until', 'bigint')
        .addColumn('event_types', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_events')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('type', 'varchar(80)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('event_id', 'varchar(64)', (c) => c.notNull().references('webhook_events.id').onDelete('cascade'))
        .addColumn('endpoint_id', 'varchar(64)', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'varchar(64)')
        .addColumn('lease_until', 'bigint')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'varchar(512)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The worker's poll: due pending deliveries, oldest due first.
      await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema
        .createIndex('webhook_deliveries_endpoint_idx')
        .on('webhook_deliveries')
        .columns(['endpoint_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('webhook_attempts')
        .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
        )
        .addColumn('delivery_id', 'varchar(64)', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'varchar(512)')
        .execute();
      await db.schema.createIndex('webhook_attempts_delivery_idx').on('webhook_attempts').column('delivery_id').execute();
    },
  },
  '0007_jwt_templates': {
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
  },
  '0008_revoked_sessions': {
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
  },
});

/**
 * Applies every pending migration. Safe when several processes start at once: on PostgreSQL
 * Kysely's Migrator holds an advisory lock for the whole run and runs it in one transaction, so
 * the second process waits, then finds nothing pending; SQLite serialises writers on the file.
 *
 * @throws GatehouseError `setup_missing` when a migration fails (the database is left as it was).
 */
function migratorFor(db: Kysely<unknown>, dialect: Dialect): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  return new Migrator({
    db,
    provider,
    migrationTableName: 'gatehouse_migrations',
    migrationLockTableName: 'gatehouse_migrations_lock',
  });
}

/** Every migration's name, in the order they apply. */
export function migrationNames(): string[] {
  return Object.keys(migrations('sqlite')).sort();
}

/**
 * Like {@link migrateToLatest}, one migration at a time, calling `progress` before and after each
 * (the CLI prints it: a migration of a large database can take a while).
 * @throws GatehouseError `setup_missing` when a migration fails (the ones before it stay applied)
 */
export async function migrateStepwise(
  db: Kysely<unknown>,
  dialect: Dialect,
  progress: (event: { name: string; index: number; total: number; done: boolean }) => void,
): Promise<string[]> {
  const migrator = migratorFor(db, dialect);
  const pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
  const applied: string[] = [];
  for (const [index, name] of pending.entries()) {
    progress({ name, index, total: pending.length, done: false });
    const { error, results } = await migrator.migrateUp();
    if (error) {
      throw new GatehouseError('setup_missing', `Migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    // Another process may have applied it meanwhile: report what this call ran.
    for (const r of results ?? []) if (r.status === 'Success') applied.push(r.migrationName);
    progress({ name, index, total: pending.length, done: true });
  }
  return applied;
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect = 'sqlite'): Promise<string[]> {
  const migrator = migratorFor(db, dialect);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new GatehouseError('setup_missing', `Database migration failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
