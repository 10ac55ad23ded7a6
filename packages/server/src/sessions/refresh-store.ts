// The reads and writes of a refresh in as few round trips as the database allows: on PostgreSQL the
// rows behind a client in one statement, and the refresh's writes in one statement.

import { type Kysely, type Transaction, type Updateable } from 'kysely';
import { preparedQuery } from '../store/prepared.js';
import type { Database, Dialect } from '../store/types.js';
import { sessionQueries, type ClientRow, type ClientsTable, type SessionRow, type SessionsTable } from './session-store.js';
import { clientTokenQueries } from './client-token-store.js';
import { userQueries, type UserRow } from '../users/user-store.js';
import { organizationQueries, type MembershipRow, type OrganizationRow } from '../organizations/organization-store.js';
import { factorQueries, type UserFactorRow } from '../factors/factor-store.js';

/**
 * What a refresh reads after locking its client: the client's active session, its user, the
 * session's active organization and the user's membership there, and the user's factors. Each is
 * exactly the row (or rows, in order) the store's own finder returns; null when there is none.
 */
export interface RefreshRows {
  session: SessionRow | null;
  user: UserRow | null;
  organization: OrganizationRow | null;
  membership: MembershipRow | null;
  factors: UserFactorRow[] | null;
}

/** {@link RefreshRows} with the client row they belong to (null: no such client). */
export interface ClientRefreshRows extends RefreshRows {
  client: ClientRow | null;
}

/**
 * What an unlocked refresh decided from: the client's token chain and active session, and the
 * session's state. Its writes apply only while both rows still hold these values.
 */
export interface RefreshExpectation {
  client: Pick<ClientRow, 'id' | 'token_hash' | 'previous_token_hash' | 'token_seen_at' | 'rotated_at' | 'active_session_id'>;
  session: Pick<SessionRow, 'id' | 'status' | 'active_organization_id' | 'updated_at'>;
}

/** The writes a refresh makes, applied together (each optional). */
export interface RefreshWrites {
  retire?: { clientId: string; tokenHash: string; at: number; pruneBefore: number };
  client?: { id: string; changes: Updateable<ClientsTable> };
  session?: { id: string; changes: Updateable<SessionsTable> };
}

export interface RefreshStore {
  /**
   * {@link RefreshRows} for the session `activeSessionId` (null: none). Call it with the client row
   * locked: on PostgreSQL it is one statement, read after the lock was granted, so it sees every
   * change committed by whoever held the lock before.
   */
  readRefreshRows(activeSessionId: string | null): Promise<RefreshRows>;
  /** Applies a refresh's writes: one statement on PostgreSQL (each write touches another table). */
  applyRefreshWrites(writes: RefreshWrites): Promise<void>;
  /**
   * The client `clientId` and {@link RefreshRows} for its active session, read without a lock (one
   * statement on PostgreSQL, one snapshot), for {@link applyRefreshWritesIf}.
   */
  readClientRefreshRows(clientId: string): Promise<ClientRefreshRows>;
  /**
   * Applies a refresh's writes only if the client and the session still match `expected` (compare
   * and swap), all or nothing; false when they changed (nothing written). One statement on PostgreSQL.
   */
  applyRefreshWritesIf(expected: RefreshExpectation, writes: RefreshWrites): Promise<boolean>;
  /**
   * PostgreSQL only (absent elsewhere): {@link readClientRefreshRows} and, in the same statement,
   * the writes of a plain refresh ({@link RefreshSpeculation}) when the rows read show one, applied
   * like {@link applyRefreshWritesIf} (only while the client and the session are still as read, all
   * or nothing). One round trip for the common refresh. Null when the statement undid itself (the
   * session changed under it): nothing was written, nothing was read.
   */
  readClientRefreshRowsWriting?(clientId: string, speculation: RefreshSpeculation): Promise<SpeculativeRefreshRows | null>;
}

/**
 * A plain refresh, decided before its rows are read: the client presents its current token, which
 * rotates if due (else is marked seen if it was not yet, or stays as it is), or its predecessor
 * while that is still good and no new successor is due (nothing changes), on an active session
 * inside its limits, of a user who is not banned, whose organization state settles to itself (the
 * active organization's membership is there, or there is none and none is required; no second
 * factor to set up). Every value the writes need is computed by the caller, at one instant `at`,
 * with the settings it decides with.
 */
export interface RefreshSpeculation {
  /** SHA-256 hex of the presented secret. */
  presented: string;
  at: number;
  /** SHA-256 hex of the secret a rotation hands out. */
  rotatedTokenHash: string;
  graceMs: number;
  /** The session's new inactivity deadline (null: no inactivity timeout). */
  abandonAt: number | null;
  /** Retired tokens older than this are pruned when one is retired. */
  pruneBefore: number;
  organizationsRequired: boolean;
  secondFactorRequired: boolean;
}

/** {@link ClientRefreshRows} as read (before any write), and what the speculative write wrote (null: nothing). */
export interface SpeculativeRefreshRows extends ClientRefreshRows {
  written: {
    /** The client and session rows after the write (the client as read when its token only stays). */
    client: ClientRow;
    session: SessionRow;
    /** The token retired (the client's previous one), null for none. */
    retired: string | null;
  } | null;
}

/** The rows behind no session. */
export const EMPTY: RefreshRows = { session: null, user: null, organization: null, membership: null, factors: null };

/**
 * The columns of the rows behind a session, as JSON (a missing row is null), for PostgreSQL: json,
 * not jsonb, which the server writes out as text as it goes instead of building a binary document
 * and printing it again (the driver parses both alike; the key order is the column order).
 */
export const ROWS_AS_JSON = `to_json(s) AS session, to_json(u) AS "user", to_json(o) AS organization, to_json(m) AS membership,
  (SELECT coalesce(json_agg(to_json(f) ORDER BY f.created_at, f.id), '[]'::json) FROM user_factors f WHERE f.user_id = s.user_id) AS factors`;
export const JOINS = `LEFT JOIN users u ON u.id = s.user_id
  LEFT JOIN organizations o ON o.id = s.active_organization_id
  LEFT JOIN memberships m ON m.organization_id = s.active_organization_id AND m.user_id = s.user_id`;
// Fixed texts, run as prepared statements: PostgreSQL plans each once per connection.
const READ_ROWS_LOCKED = `SELECT ${ROWS_AS_JSON} FROM sessions s ${JOINS} WHERE s.id = $1 FOR UPDATE OF s`;
const READ_CLIENT_ROWS = `SELECT to_json(c) AS client, ${ROWS_AS_JSON}
  FROM clients c LEFT JOIN sessions s ON s.id = c.active_session_id ${JOINS}
  WHERE c.id = $1`;

export function refreshQueries(db: Kysely<Database> | Transaction<Database>, dialect: Dialect): RefreshStore {
  const sessions = sessionQueries(db, dialect);
  const users = userQueries(db);
  const organizations = organizationQueries(db);
  const factors = factorQueries(db);
  const clientTokens = clientTokenQueries(db);
  const readRows = async (activeSessionId: string | null): Promise<RefreshRows> => {
    if (activeSessionId === null) return EMPTY;
    if (dialect === 'postgres') {
      // A null-extended row of an outer join is NULL as a whole, so to_json gives null for "none".
      // The session row is locked too (FOR UPDATE OF s): a revocation that does not take the client
      // first either commits before this read (seen: refused) or waits for this refresh's commit,
      // so the refresh's write never puts a revoked session back to active.
      const { rows } = await db.executeQuery(preparedQuery<RefreshRows>(READ_ROWS_LOCKED, [activeSessionId]));
      return rows[0] ?? EMPTY;
    }
    // SQLite runs in-process: the store's own finders cost no round trip.
    const session = await sessions.findSession(activeSessionId);
    if (!session) return EMPTY;
    const orgId = session.active_organization_id;
    return {
      session,
      user: await users.findUserById(session.user_id),
      organization: orgId ? await organizations.findOrganization(orgId) : null,
      membership: orgId ? await organizations.findMembership(orgId, session.user_id) : null,
      factors: await factors.listFactors(session.user_id),
    };
  };
  return {
    readRefreshRows: readRows,
    async applyRefreshWrites({ retire, client, session }) {
      if (dialect !== 'postgres') {
        if (retire) await clientTokens.retireClientToken(retire.clientId, retire.tokenHash, retire.at, retire.pruneBefore);
        if (client) await sessions.updateClient(client.id, client.changes);
        if (session) await sessions.updateSession(session.id, session.changes);
        return;
      }
      // Data-modifying CTEs: one statement, one snapshot; the writes touch distinct rows (the pruned
      // retired tokens are older than the one inserted), so their order does not matter. A prepared
      // statement, like the compare-and-swap: its text depends only on which columns are written.
      const { values, placeholder } = placeholders();
      const parts = retire ? retireParts(retire, placeholder) : [];
      if (client)
        parts.push(`client AS (UPDATE clients SET ${assignments(client.changes, placeholder)} WHERE id = ${placeholder(client.id)})`);
      if (session) {
        parts.push(`session AS (UPDATE sessions SET ${assignments(session.changes, placeholder)} WHERE id = ${placeholder(session.id)})`);
      }
      if (parts.length === 0) return;
      await db.executeQuery(preparedQuery(`WITH ${parts.join(', ')} SELECT 1`, values));
    },
    async readClientRefreshRows(clientId) {
      if (dialect !== 'postgres') {
        const client = await sessions.findClient(clientId);
        return { client, ...(client ? await readRows(client.active_session_id) : EMPTY) };
      }
      const { rows } = await db.executeQuery(preparedQuery<ClientRefreshRows>(READ_CLIENT_ROWS, [clientId]));
      const found = rows[0];
      // No active session: the joins gave nulls, and factors an empty list of nobody's.
      return found ? { ...found, ...(found.session ? {} : EMPTY) } : { client: null, ...EMPTY };
    },
    async applyRefreshWritesIf(expected, writes) {
      if (dialect !== 'postgres') {
        // SQLite: one writer at a time, so a check inside the write transaction holds until its commit.
        return db.transaction().execute(async (trx) => {
          const { client, session } = expected;
          const locked = sessionQueries(trx, dialect);
          const [clientNow, sessionNow] = [await locked.findClient(client.id), await locked.findSession(session.id)];
          if (!clientNow || !sessionNow || !sameRow(clientNow, client) || !sameRow(sessionNow, session)) return false;
          await refreshQueries(trx, dialect).applyRefreshWrites(writes);
          return true;
        });
      }
      return applyIfPostgres(db, expected, writes);
    },
  };
}

/** Whether `row` holds every value of `expected` (compared as text where the driver's types may differ). */
export function sameRow<T extends object>(row: T, expected: Partial<T>): boolean {
  return Object.entries(expected).every(([column, value]) => {
    const actual = row[column as keyof T] as unknown;
    return actual === value || (actual !== null && value !== null && String(actual) === String(value));
  });
}

/** A placeholder for each value, in the order they are given (`$1`, `$2`, … on PostgreSQL; `?` on SQLite). */
type Placeholder = (value: unknown) => string;

/** The values of a statement and the placeholder that adds one. */
function placeholders(): { values: unknown[]; placeholder: Placeholder } {
  const values: unknown[] = [];
  return { values, placeholder: (value) => `$${values.push(value)}` };
}

/**
 * The CTEs that retire a client's previous token (an insert that ignores a token retired already)
 * and prune retired tokens past the session lifetime; with `after`, only if that CTE returned a row.
 */
function retireParts(retire: NonNullable<RefreshWrites['retire']>, placeholder: Placeholder, after?: 'session'): string[] {
  return [
    `pruned AS (DELETE FROM retired_client_tokens WHERE retired_at < ${placeholder(retire.pruneBefore)}${after ? ` AND EXISTS (SELECT 1 FROM ${after})` : ''})`,
    `retired AS (INSERT INTO retired_client_tokens (token_hash, client_id, retired_at)
      SELECT ${placeholder(retire.tokenHash)}, ${placeholder(retire.clientId)}, ${placeholder(retire.at)}${after ? ` FROM ${after}` : ''}
      ON CONFLICT (token_hash) DO NOTHING)`,
  ];
}

/** A column of ours as an identifier (our column names only: anything else is a programming error). */
export function column(name: string): string {
  if (!/^[a-z][a-z_]*$/.test(name)) throw new TypeError(`Not a column name: ${name}`);
  return `"${name}"`;
}

/**
 * `table.column` holds `value` for each column of `row`: `=` on the id (the primary key finds the
 * row), `IS NOT DISTINCT FROM` on the rest (null matches null), so the text does not depend on
 * which values are null.
 */
function matching(table: 'clients' | 'sessions', row: object, placeholder: Placeholder): string {
  return Object.entries(row)
    .map(([name, value]) => `${table}.${column(name)} ${name === 'id' ? '=' : 'IS NOT DISTINCT FROM'} ${placeholder(value)}`)
    .join(' AND ');
}

/** `SET column = value, …` for the given changes (in column order, so one set of columns is one text). */
export function assignments(changes: object, placeholder: Placeholder): string {
  return Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => `${column(name)} = ${placeholder(value)}`)
    .join(', ');
}

/** What PostgreSQL answers to a division by zero: the statement below aborts itself with it. */
export const DIVISION_BY_ZERO = '22012';

/**
 * One statement: the client row is taken first (updated, or locked when unchanged) if it and the
 * session still match, then the session if the client was taken and the session still matches
 * (checked again on its newest version once its lock is granted, as READ COMMITTED does for the
 * client too), then the retired token. Should the session change between the statement's snapshot
 * and its lock (a writer that does not lock the client first), the statement fails itself, so
 * nothing of it stays. Client before session is the order of every locking path (no deadlock).
 * Its text depends only on which writes there are and which columns they set (a few shapes), so
 * it runs as a prepared statement.
 */
async function applyIfPostgres(
  db: Kysely<Database> | Transaction<Database>,
  expected: RefreshExpectation,
  writes: RefreshWrites,
): Promise<boolean> {
  const { values, placeholder } = placeholders();
  const { client, session } = expected;
  const clientAsRead = matching('clients', client, placeholder);
  const sessionAsRead = matching('sessions', session, placeholder);
  const clientPart =
    writes.client?.id === client.id
      ? `UPDATE clients SET ${assignments(writes.client.changes, placeholder)}
          WHERE ${clientAsRead} AND EXISTS (SELECT 1 FROM sessions WHERE ${sessionAsRead}) RETURNING clients.id`
      : `SELECT clients.id FROM clients WHERE ${clientAsRead} AND EXISTS (SELECT 1 FROM sessions WHERE ${sessionAsRead}) FOR UPDATE`;
  const sessionPart =
    writes.session?.id === session.id
      ? `UPDATE sessions SET ${assignments(writes.session.changes, placeholder)}
          WHERE ${sessionAsRead} AND EXISTS (SELECT 1 FROM client) RETURNING sessions.id`
      : `SELECT sessions.id FROM sessions WHERE ${sessionAsRead} AND EXISTS (SELECT 1 FROM client) FOR UPDATE`;
  const parts = [`client AS (${clientPart})`, `session AS (${sessionPart})`];
  if (writes.retire) parts.push(...retireParts(writes.retire, placeholder, 'session'));
  // The client taken without the session: 1 / 0, and the whole statement is undone.
  const text = `WITH ${parts.join(', ')}
    SELECT (SELECT count(*) FROM session)::int AS taken, 1 / (1 - (SELECT count(*) FROM client) + (SELECT count(*) FROM session))::int AS whole`;
  try {
    const { rows } = await db.executeQuery(preparedQuery<{ taken: number }>(text, values));
    return rows[0]?.taken === 1;
  } catch (error) {
    if ((error as { code?: unknown }).code === DIVISION_BY_ZERO) return false;
    throw error;
  }
}
