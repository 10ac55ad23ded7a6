// The Store over Kysely: one implementation of every query, shared by all dialects, composed from
// the features' query sets.

import type { Kysely, Transaction } from 'kysely';
import { retryTransientConflicts } from './db-errors.js';
import type { Database, Dialect, Store } from './types.js';
import { accountQueries } from '../accounts/account-store.js';
import { auditQueries } from '../audit/audit-store.js';
import { factorQueries } from '../factors/factor-store.js';
import { instanceQueries } from '../instance/instance-store.js';
import { machineQueries } from '../machines/machine-store.js';
import { mailQueries } from '../mail/mail-store.js';
import { oauthQueries } from '../oauth/oauth-queries.js';
import { organizationQueries } from '../organizations/organization-store.js';
import { roleQueries } from '../roles/role-store.js';
import { clientTokenQueries } from '../sessions/client-token-store.js';
import { metricsQueries } from '../observability/metrics-store.js';
import { adminClaimQueries } from '../admin-claim/claim-store.js';
import { sessionQueries } from '../sessions/session-store.js';
import { refreshQueries } from '../sessions/refresh-store.js';
import { oneStatementRefreshQueries } from '../sessions/refresh-one-statement.js';
import { sqliteRefreshQueries } from '../sessions/refresh-sqlite.js';
import { sqliteTransaction, sqliteTransactionQueries, sqliteUserReads } from './sqlite-direct.js';
import type { NativeSqlite } from './sqlite.js';
import { statsQueries } from '../dashboard/stats-store.js';
import { tokenQueries } from '../tokens/token-store.js';
import { userQueries } from '../users/user-store.js';
import { webhookQueries } from '../webhooks/webhook-store.js';

export { isUniqueViolation } from './db-errors.js';

export interface KyselyStoreOptions {
  /** Which SQL the database speaks where it matters (row locks); default `sqlite`. */
  dialect?: Dialect;
  /** SQLite: the connection under `db`, on which the unlocked refresh runs its statements directly. */
  sqlite?: NativeSqlite;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Every feature's query set; a later set's method wins over an earlier one of the same name. */
const QUERY_SETS: ReadonlyArray<(db: Db, dialect: Dialect) => object> = [
  (db) => instanceQueries(db),
  (db) => userQueries(db),
  (db, dialect) => sessionQueries(db, dialect),
  (db, dialect) => refreshQueries(db, dialect),
  (db, dialect) => (dialect === 'postgres' ? oneStatementRefreshQueries(db) : {}),
  (db) => clientTokenQueries(db),
  (db) => metricsQueries(db),
  (db) => adminClaimQueries(db),
  (db) => tokenQueries(db),
  (db) => organizationQueries(db),
  (db) => roleQueries(db),
  (db) => auditQueries(db),
  (db, dialect) => webhookQueries(db, dialect),
  (db) => accountQueries(db),
  (db, dialect) => mailQueries(db, dialect),
  (db) => oauthQueries(db),
  (db) => machineQueries(db),
  (db) => factorQueries(db),
  (db) => statsQueries(db),
];

/** The store over a Kysely database of any supported dialect. */
export function createKyselyStore(db: Kysely<Database>, options: KyselyStoreOptions = {}): Store {
  const dialect = options.dialect ?? 'sqlite';
  const sets = QUERY_SETS.map((make) => make(db, dialect));
  // Which set answers each method name, learned once: a transaction builds only the sets it uses.
  const owner = new Map<string, number>();
  sets.forEach((set, i) => Object.keys(set).forEach((name) => owner.set(name, i)));
  const store = Object.assign({}, ...sets) as Store;
  const sqlite = dialect === 'sqlite' ? options.sqlite : undefined;
  if (!sqlite) {
    store.transaction = (fn) =>
      retryTransientConflicts(() => db.transaction().execute((trx) => fn(transactionStore(trx, dialect, owner, {}))));
    return store;
  }
  // Outside transactions: the refresh's statements and a sign-in's first read on the connection directly.
  Object.assign(store, sqliteRefreshQueries(sqlite, { ...store }), sqliteUserReads(sqlite, { ...store }));
  // Inside a transaction (which holds SQLite's one connection), so are its BEGIN and COMMIT and a sign-in's statements.
  const native = sqliteTransactionQueries(sqlite);
  store.transaction = (fn) => sqliteTransaction(db, sqlite, (conn) => fn(transactionStore(conn, dialect, owner, native)));
  return store;
}

/**
 * The store of one transaction. Building every feature's query set (hundreds of closures) for each
 * transaction cost a refresh as much as its queries, so a set is built on the first use of one of
 * its methods. The methods are plain functions (no `this`), listed like own properties; those in
 * `native` (SQLite's direct statements) answer before the query sets'.
 */
function transactionStore(
  trx: Kysely<Database>,
  dialect: Dialect,
  owner: ReadonlyMap<string, number>,
  native: Readonly<Record<string, unknown>>,
): Store {
  const built: Array<Record<string, unknown> | undefined> = [];
  // Already inside one: join it (Kysely has no nested transactions).
  const join = <T>(fn: (store: Store) => Promise<T>): Promise<T> => fn(store);
  const member = (name: string | symbol): unknown => {
    if (name === 'transaction') return join;
    if (typeof name === 'string' && Object.hasOwn(native, name)) return native[name];
    const i = typeof name === 'string' ? owner.get(name) : undefined;
    if (i === undefined) return undefined;
    let set = built[i];
    if (!set) {
      set = QUERY_SETS[i]!(trx, dialect) as Record<string, unknown>;
      built[i] = set;
    }
    return set[name as string];
  };
  const has = (name: string | symbol): boolean => name === 'transaction' || (typeof name === 'string' && owner.has(name));
  const store = new Proxy({} as Store, {
    get: (_, name) => member(name),
    has: (_, name) => has(name),
    ownKeys: () => [...owner.keys(), 'transaction'],
    getOwnPropertyDescriptor: (_, name) =>
      has(name) ? { value: member(name), enumerable: true, configurable: true, writable: false } : undefined,
  });
  return store;
}
