// A sign-in's statements on SQLite, run on the connection directly: each one prepared once and run
// in one synchronous call, with no query built and no promise chain per statement, and its
// transaction begun and committed on the connection too.

import type { Kysely } from 'kysely';
import type { NativeSqlite } from './sqlite.js';
import type { Database, Store } from './types.js';
import { auditRow } from '../audit/audit-store.js';
import { assignments, column } from '../sessions/refresh-store.js';

/** `update "table" set "a" = ?, … where "id" = ?` for the columns of `changes` that are set (Kysely skips undefined too). */
export function updateById(table: string, changes: object): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const set = assignments(changes, (value) => {
    values.push(value);
    return '?';
  });
  return { sql: `update "${table}" set ${set} where "id" = ?`, values };
}

/** `insert into "table" ("a", …) values (?, …)` for the columns of `row` that are set, as Kysely writes it. */
function insertRow(table: string, row: object): { sql: string; values: unknown[] } {
  const entries = Object.entries(row).filter(([, value]) => value !== undefined);
  const names = entries.map(([name]) => column(name)).join(', ');
  return { sql: `insert into "${table}" (${names}) values (${entries.map(() => '?').join(', ')})`, values: entries.map(([, v]) => v) };
}

type InTransaction = Pick<Store, 'listFactors' | 'insertClient' | 'insertSession' | 'updateUser' | 'appendAudit'>;

/**
 * The store's methods a sign-in runs inside its transaction, on the connection itself: the same
 * statements as the Kysely ones (same columns, same order), only not built per call. Valid only
 * inside a store transaction, which holds the connection (Kysely's mutex) from BEGIN to COMMIT, so
 * nothing else runs between them.
 */
export function sqliteTransactionQueries({ prepare }: NativeSqlite): InTransaction {
  const run = ({ sql, values }: { sql: string; values: unknown[] }): void => void prepare(sql).run(...values);
  return {
    async listFactors(userId, kind) {
      return (
        kind
          ? prepare('select * from "user_factors" where "user_id" = ? and "kind" = ? order by "created_at", "id"').all(userId, kind)
          : prepare('select * from "user_factors" where "user_id" = ? order by "created_at", "id"').all(userId)
      ) as Awaited<ReturnType<Store['listFactors']>>;
    },
    async insertClient(row) {
      run(insertRow('clients', row));
    },
    async insertSession(row) {
      run(insertRow('sessions', row));
    },
    async updateUser(id, changes) {
      const { sql, values } = updateById('users', changes);
      if (values.length > 0) prepare(sql).run(...values, id);
    },
    async appendAudit(row) {
      run(insertRow('audit_events', auditRow(row)));
    },
  };
}

/**
 * The store's `findUserByEmail` (a sign-in's first read) on the connection: `queued`'s row, read
 * without building the query. While a store transaction is open on the connection it answers
 * through `queued`, which waits for that transaction like every other query, so it never reads
 * another use case's uncommitted rows.
 */
export function sqliteUserReads(
  { database, prepare }: NativeSqlite,
  queued: Pick<Store, 'findUserByEmail'>,
): Pick<Store, 'findUserByEmail'> {
  return {
    async findUserByEmail(email) {
      if (database.inTransaction) return queued.findUserByEmail(email);
      return (prepare('select * from "users" where "email" = ?').get(email) as Awaited<ReturnType<Store['findUserByEmail']>>) ?? null;
    },
  };
}

/**
 * Kysely's `transaction().execute(fn)` on SQLite's connection, with BEGIN, COMMIT and ROLLBACK run
 * on it directly: the connection is held (Kysely's mutex) from before BEGIN to after COMMIT or
 * ROLLBACK, so no other query of this process comes in between, as with Kysely's own transaction.
 */
export function sqliteTransaction<T>(
  db: Kysely<Database>,
  { database, prepare }: NativeSqlite,
  fn: (conn: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    prepare('begin').run();
    try {
      const result = await fn(conn);
      prepare('commit').run();
      return result;
    } catch (error) {
      if (database.inTransaction) prepare('rollback').run();
      throw error;
    }
  });
}
