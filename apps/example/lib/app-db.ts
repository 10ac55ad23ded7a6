// The example's own tables (projects, received webhook events) and where they live: in the
// PostgreSQL database Gatehouse uses when DATABASE_URL is set (schema `example`), so every instance
// behind a load balancer reads and writes the same rows; otherwise in app.db, a SQLite file next to
// Gatehouse's (one process owns both).

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';

export interface AppTables {
  projects: { id: string; organization_id: string; name: string; created_by: string; created_at: number };
  webhook_events: {
    id: string;
    /** Arrival order, for events received in the same millisecond. */
    seq: number;
    type: string;
    organization_id: string | null;
    user_id: string | null;
    subject: string;
    payload: string;
    received_at: number;
  };
}

type Holder = { [HOLDER]?: Promise<Kysely<AppTables>> };
const HOLDER = Symbol.for('gatehouse-example.app-db');

async function open(): Promise<Kysely<AppTables>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const root = new Kysely<AppTables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 5 }) }) });
    await sql`CREATE SCHEMA IF NOT EXISTS example`.execute(root);
    const db = root.withSchema('example');
    await db.schema
      .createTable('projects')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_events')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    await indexes(db);
    return db;
  }
  const gatehouseFile = resolve(/* turbopackIgnore: true */ process.env.GATEHOUSE_DATABASE_FILE ?? '.gatehouse/gatehouse.db');
  const file = process.env.EXAMPLE_DATABASE_FILE ?? join(/* turbopackIgnore: true */ dirname(gatehouseFile), 'app.db');
  mkdirSync(/* turbopackIgnore: true */ dirname(file), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.exec(`CREATE TABLE IF NOT EXISTS projects (
      id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, name TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS webhook_events (
      id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0, type TEXT NOT NULL, organization_id TEXT, user_id TEXT,
      subject TEXT NOT NULL, payload TEXT NOT NULL, received_at INTEGER NOT NULL);`);
  // An app.db from before arrival order was kept gets the column.
  const columns = database.prepare("SELECT name FROM pragma_table_info('webhook_events')").all() as { name: string }[];
  if (!columns.some((c) => c.name === 'seq')) database.exec('ALTER TABLE webhook_events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0');
  const db = new Kysely<AppTables>({ dialect: new SqliteDialect({ database }) });
  await indexes(db);
  return db;
}

async function indexes(db: Kysely<AppTables>): Promise<void> {
  await db.schema.createIndex('projects_org').ifNotExists().on('projects').columns(['organization_id', 'created_at']).execute();
  await db.schema
    .createIndex('webhook_events_org')
    .ifNotExists()
    .on('webhook_events')
    .columns(['organization_id', 'received_at'])
    .execute();
  await db.schema.createIndex('webhook_events_user').ifNotExists().on('webhook_events').columns(['user_id', 'received_at']).execute();
}

/** The example's database, opened (and its tables created) once per process. */
export function appDb(): Promise<Kysely<AppTables>> {
  const holder = globalThis as Holder;
  holder[HOLDER] ??= open().catch((error: unknown) => {
    // A failed open (database down at boot) is retried by the next request.
    delete holder[HOLDER];
    throw error;
  });
  return holder[HOLDER];
}
