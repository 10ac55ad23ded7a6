// The reads and writes of a refresh in as few round trips as the database allows: on PostgreSQL the
// rows behind a client in one statement, and the refresh's writes in one statement.

import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { Database, Dialect } from '../store/types.js';
import { sessionQueries, type ClientsTable, type SessionRow, type SessionsTable } from './session-store.js';
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
}

const EMPTY: RefreshRows = { session: null, user: null, organization: null, membership: null, factors: null };

export function refreshQueries(db: Kysely<Database> | Transaction<Database>, dialect: Dialect): RefreshStore {
  const sessions = sessionQueries(db, dialect);
  const users = userQueries(db);
  const organizations = organizationQueries(db);
  const factors = factorQueries(db);
  const clientTokens = clientTokenQueries(db);
  return {
    async readRefreshRows(activeSessionId) {
      if (activeSessionId === null) return EMPTY;
      if (dialect === 'postgres') {
        // A null-extended row of an outer join is NULL as a whole, so to_jsonb gives null for "none".
        const { rows } = await sql<RefreshRows>`
          SELECT to_jsonb(s) AS session, to_jsonb(u) AS "user", to_jsonb(o) AS organization, to_jsonb(m) AS membership,
            (SELECT coalesce(jsonb_agg(to_jsonb(f) ORDER BY f.created_at, f.id), '[]'::jsonb)
               FROM user_factors f WHERE f.user_id = s.user_id) AS factors
          FROM sessions s
          LEFT JOIN users u ON u.id = s.user_id
          LEFT JOIN organizations o ON o.id = s.active_organization_id
          LEFT JOIN memberships m ON m.organization_id = s.active_organization_id AND m.user_id = s.user_id
          WHERE s.id = ${activeSessionId}`.execute(db);
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
    },
    async applyRefreshWrites({ retire, client, session }) {
      if (dialect !== 'postgres') {
        if (retire) await clientTokens.retireClientToken(retire.clientId, retire.tokenHash, retire.at, retire.pruneBefore);
        if (client) await sessions.updateClient(client.id, client.changes);
        if (session) await sessions.updateSession(session.id, session.changes);
        return;
      }
      // Data-modifying CTEs: one statement, one snapshot; the writes touch distinct rows (the pruned
      // retired tokens are older than the one inserted), so their order does not matter.
      const parts = [];
      if (retire) {
        parts.push(sql`pruned AS (DELETE FROM retired_client_tokens WHERE retired_at < ${retire.pruneBefore})`);
        parts.push(
          sql`retired AS (INSERT INTO retired_client_tokens (token_hash, client_id, retired_at) VALUES (${retire.tokenHash}, ${retire.clientId}, ${retire.at}) ON CONFLICT (token_hash) DO NOTHING)`,
        );
      }
      if (client) parts.push(sql`client AS (${db.updateTable('clients').set(client.changes).where('id', '=', client.id)})`);
      if (session) parts.push(sql`session AS (${db.updateTable('sessions').set(session.changes).where('id', '=', session.id)})`);
      if (parts.length === 0) return;
      await sql`WITH ${sql.join(parts)} SELECT 1`.execute(db);
    },
  };
}
