// Schema migrations (Kysely schema builder), applied in order on start; the few type differences
// between SQLite and PostgreSQL are chosen per migration by dialect, never in the queries. A feature
// that needs a table adds one file here (next free number) and one line to the list below.

import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import { GatehouseError } from '@gatehouse/core';
import type { Dialect } from '../types.js';
import { m0001Initial } from './0001-initial.js';
import { m0002Organizations } from './0002-organizations.js';
import { m0003ScaleOut } from './0003-scale-out.js';
import { m0004Roles } from './0004-roles.js';
import { m0005AuditQueries } from './0005-audit-queries.js';
import { m0006Webhooks } from './0006-webhooks.js';
import { m0007JwtTemplates } from './0007-jwt-templates.js';
import { m0008RevokedSessions } from './0008-revoked-sessions.js';
import { m0009Accounts } from './0009-accounts.js';
import { m0010Oauth } from './0010-oauth.js';
import { m0012Machines } from './0012-machines.js';
import { m0011Factors } from './0011-factors.js';
import { m0014Hardening } from './0014-hardening.js';
import { m0013Import } from './0013-import.js';
import { m0016Operating } from './0016-operating.js';
import { m0017OrgSecondFactor } from './0017-org-second-factor.js';
import { m0019MailLinks } from './0019-mail-links.js';
import { m0020RefreshRoom } from './0020-refresh-room.js';

const migrations = (dialect: Dialect): Record<string, Migration> => ({
  '0001_initial': m0001Initial(dialect),
  '0002_organizations': m0002Organizations(dialect),
  '0003_scale_out': m0003ScaleOut(dialect),
  '0004_roles': m0004Roles(dialect),
  '0005_audit_queries': m0005AuditQueries(dialect),
  '0006_webhooks': m0006Webhooks(dialect),
  '0007_jwt_templates': m0007JwtTemplates(dialect),
  '0008_revoked_sessions': m0008RevokedSessions(dialect),
  '0009_accounts': m0009Accounts(),
  '0010_oauth': m0010Oauth(dialect),
  '0011_factors': m0011Factors(dialect),
  '0014_hardening': m0014Hardening(dialect),
  '0012_machines': m0012Machines(dialect),
  '0013_import': m0013Import(dialect),
  '0016_operating': m0016Operating(),
  '0017_org_second_factor': m0017OrgSecondFactor(),
  '0019_mail_links': m0019MailLinks(),
  '0020_refresh_room': m0020RefreshRoom(dialect),
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
    // Features land their migrations independently (each has its own number); a database that
    // already ran a later-numbered one still takes an earlier one that arrives afterwards.
    allowUnorderedMigrations: true,
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
