// Opens another project's database (a SQLite file or PostgreSQL, by URL) read-only, to import from its tables.

import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { sha256 } from '../store/ids.js';

/** Any table, any column: the source's schema is not ours. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SourceDb = Kysely<any>;

/**
 * `postgres://…` opens a pool; `sqlite:path`, `file:path` or a plain path opens the SQLite file
 * read-only (never created, never switched to WAL: the file belongs to the other project).
 */
export function openSourceDatabase(url: string): SourceDb {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => undefined);
    return new Kysely({ dialect: new PostgresDialect({ pool }) });
  }
  const file = url.replace(/^(sqlite|file):(\/\/)?/i, '');
  return new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(file, { readonly: true, fileMustExist: true }) }) });
}

/** Opens the source, reads it with `read`, and closes it whatever happens. */
export async function readSourceDatabase<T>(url: string, read: (db: SourceDb) => Promise<T>): Promise<T> {
  const db = openSourceDatabase(url);
  try {
    return await read(db);
  } finally {
    await db.destroy();
  }
}

/** Whether the source has this table (names are matched exactly, as the project created them). */
export async function hasTable(db: SourceDb, name: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === name);
}

/** Every row of a table, in a stable order. */
export async function allRows(db: SourceDb, table: string, orderBy = 'id'): Promise<Record<string, unknown>[]> {
  return (await db.selectFrom(table).selectAll().orderBy(sql.ref(orderBy)).execute()) as Record<string, unknown>[];
}

/**
 * A Gatehouse id for a peer's id: the prefix and the id itself when it is 20 to 64 letters and
 * digits (Better Auth's ids, UUIDs without their dashes), else the prefix and 32 hex characters of
 * its SHA-256 (integer ids). The same source id always maps to the same Gatehouse id.
 */
export function peerId(prefix: 'user' | 'org', sourceId: string): string {
  const compact = sourceId.replace(/-/g, '');
  if (/^[A-Za-z0-9]{20,64}$/.test(compact)) return `${prefix}_${compact}`;
  return `${prefix}_${sha256(sourceId, 'hex').slice(0, 32)}`;
}
