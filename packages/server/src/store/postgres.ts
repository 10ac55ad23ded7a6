// The shared PostgreSQL database of a scaled-out deployment: a pg pool behind Kysely's PostgresDialect.

import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './types.js';

/** BIGINT (and COUNT(*)): pg hands these over as strings unless told otherwise. */
const INT8_OID = 20;

/**
 * The pool's own type parsers (not pg's process-wide defaults, which would change how every other
 * pg user in the process reads numbers). Our BIGINT columns hold milliseconds since the epoch and
 * counts, all far below 2^53, so they are read as numbers like SQLite returns them; a value that
 * would lose precision is refused instead of silently rounded.
 */
function typeParsers(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, (text: string) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new RangeError('A BIGINT value is beyond 2^53');
    return value;
  });
  return types;
}

export interface PostgresOptions {
  /** Connections per process (default 10). */
  maxConnections?: number;
}

/** Opens a pool on `postgres://…`; nothing connects until the first query. `db.destroy()` ends the pool. */
export function openPostgres(url: string, options: PostgresOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types: typeParsers(),
    // Each instance's work is short: a connection left idle is returned rather than kept forever.
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection (a database restart) must not crash the process: the pool
  // drops that client and the next query opens a new one.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Whether a database URL names PostgreSQL (postgres:// or postgresql://). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}
