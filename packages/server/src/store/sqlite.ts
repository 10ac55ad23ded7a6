// The embedded SQLite database: a file created on first start, WAL mode, migrations applied.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from './types.js';
import { CHECKPOINT_MARK_PAGES, checkpointOffThread, type CheckpointOptions } from './sqlite-checkpoints.js';

/**
 * The one connection under the store's Kysely, for the few hot statements the store runs on it
 * directly (the refresh's). Kysely keeps the connection behind a mutex while one of its
 * transactions is open; `database.inTransaction` says so, and a caller must then go through
 * Kysely (and wait) instead. Statements run synchronously, so nothing else in the process can
 * interleave with one, or with a transaction run whole in one synchronous call.
 */
export interface NativeSqlite {
  readonly database: BetterSqlite3.Database;
  /** The statement for `sql`, prepared once (shared with Kysely's queries). */
  prepare(sql: string): BetterSqlite3.Statement;
}

export function openSqlite(file: string): Kysely<Database> {
  return openSqliteConnection(file).db;
}

/** {@link openSqlite} with the connection itself, for the store's direct statements. */
export function openSqliteConnection(file: string, checkpoints: CheckpointOptions = {}): { db: Kysely<Database>; native: NativeSqlite } {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // Reads of the database file through a memory map (up to SQLite's own cap, just under 2 GiB)
  // instead of a read call and a copy into SQLite's page cache per page: a refresh reads its six rows
  // on pages no earlier request touched, and that read costs 40 % less (125 → 74 µs of CPU on a
  // 100k-user file). Writes still go through the WAL as before; only the reading changes. An I/O
  // error on a mapped page stops the process (SIGBUS) where a read call would have failed the request.
  database.pragma('mmap_size = 2147418112');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Checkpoints on a thread of their own (a file's; an in-memory database has no log), and inside
  // the commit that crosses 10,000 WAL pages (about 40 MB; SQLite's default is 1,000) until it runs.
  database.pragma(`wal_autocheckpoint = ${CHECKPOINT_MARK_PAGES}`);
  const stopCheckpoints = file === ':memory:' ? () => undefined : checkpointOffThread(database, checkpoints);
  const cached = withStatementCache(database, stopCheckpoints);
  const native: NativeSqlite = { database, prepare: (sql) => cached.prepare(sql) as unknown as BetterSqlite3.Statement };
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) }), native };
}

/** Distinct SQL texts kept prepared; the store issues a few dozen, lists of ids add a few more. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Prepares each SQL text once and reuses the statement (Kysely asks for a new one on every query,
 * and preparing costs about as much as running a small one). Least recently used texts go first.
 */
function withStatementCache(database: BetterSqlite3.Database, beforeClose: () => void): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      beforeClose();
      database.close();
    },
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = database.prepare(sql) as unknown as SqliteStatement;
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
