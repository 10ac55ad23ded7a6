// The shared PostgreSQL database of a scaled-out deployment: a pg pool behind Kysely's PostgresDialect.

import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './types.js';
import { statementName } from './prepared.js';

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
  /**
   * Bound on connecting and on each statement, in milliseconds: a database that stops answering
   * without closing the connection (a partition) fails the query instead of hanging it (issue
   * #15). Unset (migrations, which may legitimately run long): only the connection is bounded (10 s).
   */
  timeoutMs?: number;
}

const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';

/** Opens a pool on `postgres://…`; nothing connects until the first query. `db.destroy()` ends the pool. */
export function openPostgres(url: string, options: PostgresOptions = {}): Kysely<Database> {
  const { timeoutMs } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types: typeParsers(),
    // Each instance's work is short: a connection left idle is returned rather than kept forever.
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeoutMs ?? 10_000,
    // Client side: a query with no answer fails after the bound. Server side: a statement running
    // longer is cancelled, and a session left idle inside a transaction (its client gone quiet,
    // holding row locks) is ended, so other instances are not blocked behind it.
    ...(timeoutMs === undefined
      ? {}
      : { query_timeout: timeoutMs, statement_timeout: timeoutMs, idle_in_transaction_session_timeout: timeoutMs * 2 }),
    // A peer that vanished (host down, cable cut) is noticed by TCP keepalive, not only on the next write.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle client losing its connection (a database restart) must not crash the process: the pool
  // drops that client and the next query opens a new one.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: discardingTimedOutClients(pool) }) });
}

/**
 * The pool as Kysely sees it, except that a client whose query timed out is destroyed when it is
 * released instead of going back to the pool: its connection still waits for the lost answer, and
 * every query queued on it would time out too. New connections are opened when the database answers again.
 */
function discardingTimedOutClients(pool: pg.Pool): pg.Pool {
  const timedOut = new WeakSet<pg.PoolClient>();
  const wrapped = new WeakSet<pg.PoolClient>();
  const connect = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    // Once per connection (a client is checked out again and again: wrapping its query on every
    // checkout would nest one wrapper per query it has ever run).
    if (!wrapped.has(client)) {
      wrapped.add(client);
      // A checked-out client whose connection is cut (a database restart, a terminated backend)
      // emits 'error' besides failing its query; the pool listens only while the client is idle, so
      // without this the event would crash the process. The query's own rejection still reports it.
      client.on('error', () => undefined);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      Object.assign(client, {
        query: (...args: unknown[]) => {
          // A registered hot statement runs as a named prepared statement: this connection parses
          // and plans it once (the values still travel separately, as for every query).
          const name = typeof args[0] === 'string' ? statementName(args[0]) : undefined;
          const result = name === undefined ? query(...args) : query({ name, text: args[0], values: args[1] });
          if (result instanceof Promise) {
            result.catch((error: unknown) => {
              if (error instanceof Error && error.message === QUERY_TIMEOUT_MESSAGE) timedOut.add(client);
            });
          }
          return result;
        },
      });
    }
    // The pool gives the client a new release function on every checkout.
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => release(error ?? (timedOut.has(client) ? new Error(QUERY_TIMEOUT_MESSAGE) : undefined));
    return client;
  };
  return Object.assign(Object.create(pool) as pg.Pool, { connect, end: () => pool.end() });
}

/** Whether a database URL names PostgreSQL (postgres:// or postgresql://). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}
