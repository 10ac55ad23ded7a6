// The instance's database: where it is, its migrations, the store over it and the instance's id.

import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import { migrateToLatest } from '../store/migrations/index.js';
import { createKyselyStore } from '../store/kysely-store.js';
import { DEFAULT_DATABASE_TIMEOUT_MS, withAvailability } from '../store/availability.js';
import { openSqliteConnection } from '../store/sqlite.js';
import { isPostgresUrl, openPostgres } from '../store/postgres.js';
import type { Database, Dialect, Store } from '../store/types.js';
import { withWebhookOutbox } from '../webhooks/outbox.js';
import { positive, type GatehouseOptions } from './options.js';
import type { StartUp } from './start-up.js';

/** Which database the options name: PostgreSQL with `databaseUrl`, else the SQLite file. @throws TypeError on a bad URL */
export function databaseLocation(options: GatehouseOptions): { onPostgres: boolean; dialect: Dialect; databaseFile: string } {
  const onPostgres = options.databaseUrl !== undefined;
  if (onPostgres && !isPostgresUrl(options.databaseUrl ?? '')) throw new TypeError('databaseUrl must be a postgres:// URL');
  const dialect: Dialect = onPostgres ? 'postgres' : 'sqlite';
  const databaseFile = options.databaseFile === ':memory:' ? ':memory:' : resolve(options.databaseFile ?? '.gatehouse/gatehouse.db');
  return { onPostgres, dialect, databaseFile };
}

export interface InstanceStore {
  readonly db: Kysely<Database>;
  /** The store, every webhook event written to the outbox in its change's own transaction. */
  readonly store: Store;
  readonly instanceId: string;
}

/**
 * Opens the database, migrates it and adopts (or creates) the instance's id. The pool is closed by
 * `startUp.fail` if anything later in the start fails.
 */
export async function openInstanceStore(
  options: GatehouseOptions,
  location: ReturnType<typeof databaseLocation>,
  startUp: StartUp,
  now: () => number,
): Promise<InstanceStore> {
  const { onPostgres, dialect, databaseFile } = location;
  const databaseTimeoutMs = positive('databaseTimeoutMs', options.databaseTimeoutMs, DEFAULT_DATABASE_TIMEOUT_MS);
  const sqlite = onPostgres ? null : openSqliteConnection(databaseFile);
  const db: Kysely<Database> = sqlite?.db ?? openPostgres(options.databaseUrl ?? '', { timeoutMs: databaseTimeoutMs });
  startUp.onFailure(() => db.destroy());
  // Migrations may run long on a large database: their own connection, without the statement bounds.
  const migrationDb = onPostgres ? openPostgres(options.databaseUrl ?? '') : db;
  await migrateToLatest(migrationDb as unknown as Kysely<unknown>, dialect)
    .finally(() => (migrationDb === db ? undefined : migrationDb.destroy()))
    .catch(startUp.fail);
  // SQLite answers synchronously (a timer could not fire before it returns): only PostgreSQL gets the bound.
  // Bounded once started: at boot several processes may queue on the migration lock and key creation.
  const baseStore = withAvailability(createKyselyStore(db, { dialect, ...(sqlite ? { sqlite: sqlite.native } : {}) }), () =>
    onPostgres && startUp.started ? databaseTimeoutMs : null,
  );
  // Of several processes starting at once on an empty database, all adopt the first one's id.
  const instanceId = await baseStore.initInstanceValue('instance_id', newId('ins')).catch(startUp.fail);
  // Every change that is a webhook event writes it to the outbox in the change's own transaction.
  const store = withWebhookOutbox(baseStore, { now, instanceId });
  return { db, store, instanceId };
}
