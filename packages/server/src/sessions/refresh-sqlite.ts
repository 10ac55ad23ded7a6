// The unlocked refresh's read and compare-and-swap write on SQLite, run on the connection directly:
// statements prepared once, each step one synchronous call (no query building, no promise per row).

import type { Statement } from 'better-sqlite3';
import type { NativeSqlite } from '../store/sqlite.js';
import { updateById } from '../store/sqlite-direct.js';
import type { ClientRow, SessionRow } from './session-store.js';
import type { UserRow } from '../users/user-store.js';
import type { MembershipRow, OrganizationRow } from '../organizations/organization-store.js';
import type { UserFactorRow } from '../factors/factor-store.js';
import { EMPTY, sameRow, type ClientRefreshRows, type RefreshStore, type RefreshWrites } from './refresh-store.js';

type Unlocked = Pick<RefreshStore, 'readClientRefreshRows' | 'applyRefreshWritesIf'>;

/**
 * The store's `readClientRefreshRows` and `applyRefreshWritesIf` on SQLite's connection: the same
 * rows as the store's finders (`select *`, the same order), read from one snapshot, and the same
 * all-or-nothing write, now inside one `BEGIN IMMEDIATE` transaction run whole in one call, so the
 * check and the writes see one state and no other writer, in this process or another, comes
 * between them. While a Kysely transaction is open on the connection (a sign-in, a locking
 * refresh), both answer through `queued`, the Kysely implementation, which waits for it like every
 * other query.
 */
export function sqliteRefreshQueries(native: NativeSqlite, queued: Unlocked): Unlocked {
  const { database } = native;
  // The fixed texts are kept here once prepared (on first use: the tables exist once the migrations
  // ran); the updates, one text per set of columns, go through the connection's bounded cache.
  const fixed = new Map<string, Statement>();
  const statement = (sql: string): Statement => {
    let prepared = fixed.get(sql);
    if (!prepared) fixed.set(sql, (prepared = native.prepare(sql)));
    return prepared;
  };
  const one = <T>(sql: string, ...params: unknown[]): T | null => (statement(sql).get(...params) as T | undefined) ?? null;
  const write = (sql: string, ...params: unknown[]): void => void statement(sql).run(...params);

  const readRows = (clientId: string): ClientRefreshRows => {
    const client = one<ClientRow>('select * from "clients" where "id" = ?', clientId);
    const session = client?.active_session_id ? one<SessionRow>('select * from "sessions" where "id" = ?', client.active_session_id) : null;
    if (!session) return { client, ...EMPTY };
    const orgId = session.active_organization_id;
    // As findOrganization reads it: an `org_` id by id, anything else by slug.
    const orgColumn = orgId?.startsWith('org_') ? 'id' : 'slug';
    return {
      client,
      session,
      user: one<UserRow>('select * from "users" where "id" = ?', session.user_id),
      organization: orgId ? one<OrganizationRow>(`select * from "organizations" where "${orgColumn}" = ?`, orgId) : null,
      membership: orgId
        ? one<MembershipRow>('select * from "memberships" where "organization_id" = ? and "user_id" = ?', orgId, session.user_id)
        : null,
      factors: statement('select * from "user_factors" where "user_id" = ? order by "created_at", "id"').all(
        session.user_id,
      ) as UserFactorRow[],
    };
  };

  const apply = ({ retire, client, session }: RefreshWrites): void => {
    if (retire) {
      write('delete from "retired_client_tokens" where "retired_at" < ?', retire.pruneBefore);
      write(
        'insert into "retired_client_tokens" ("token_hash", "client_id", "retired_at") values (?, ?, ?) on conflict ("token_hash") do nothing',
        retire.tokenHash,
        retire.clientId,
        retire.at,
      );
    }
    for (const [table, row] of [
      ['clients', client],
      ['sessions', session],
    ] as const) {
      if (!row) continue;
      const { sql, values } = updateById(table, row.changes);
      if (values.length > 0) native.prepare(sql).run(...values, row.id);
    }
  };

  const swap = database.transaction((expected: Parameters<Unlocked['applyRefreshWritesIf']>[0], writes: RefreshWrites): boolean => {
    const clientNow = one<ClientRow>('select * from "clients" where "id" = ?', expected.client.id);
    const sessionNow = one<SessionRow>('select * from "sessions" where "id" = ?', expected.session.id);
    if (!clientNow || !sessionNow || !sameRow(clientNow, expected.client) || !sameRow(sessionNow, expected.session)) return false;
    apply(writes);
    return true;
  });

  // The reads in one (deferred, read-only) transaction: one snapshot for all six rows, and one WAL
  // read lock taken and released instead of one per statement.
  const read = database.transaction(readRows);

  return {
    async readClientRefreshRows(clientId) {
      return database.inTransaction ? queued.readClientRefreshRows(clientId) : read(clientId);
    },
    async applyRefreshWritesIf(expected, writes) {
      return database.inTransaction ? queued.applyRefreshWritesIf(expected, writes) : swap.immediate(expected, writes);
    },
  };
}
