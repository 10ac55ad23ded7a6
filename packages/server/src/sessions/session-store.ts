// The clients and sessions tables and their queries (one implementation for every dialect).

import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database, Dialect } from '../store/types.js';

export interface ClientsTable {
  id: string;
  token_hash: string;
  previous_token_hash: string | null;
  rotated_at: number;
  /** When `token_hash` was first presented (null: not yet; its predecessor stays good). */
  token_seen_at: number | null;
  active_session_id: string | null;
  created_at: number;
  updated_at: number;
}

export type SessionStatus = 'active' | 'pending' | 'ended' | 'removed' | 'revoked' | 'expired' | 'abandoned';

export interface SessionsTable {
  id: string;
  client_id: string;
  user_id: string;
  status: SessionStatus;
  created_at: number;
  updated_at: number;
  last_active_at: number;
  expire_at: number;
  abandon_at: number | null;
  ended_at: number | null;
  active_organization_id: string | null;
  factor_verified_at: number;
  /** When this session last verified a second factor (TOTP, backup code, passkey); null: never. */
  second_factor_verified_at: number | null;
  ip: string | null;
  user_agent: string | null;
  /** Impersonation: the instance admin acting as this session's user (the token's `act.sub`). */
  actor_id?: string | null;
  /** Impersonation: the admin's own session, which "Stop impersonating" makes active again. */
  actor_session_id?: string | null;
}

/** A session whose row is gone (its user was deleted), kept while a token of it could still verify. */
export interface RevokedSessionsTable {
  id: string;
  revoked_at: number;
}

export type ClientRow = Selectable<ClientsTable>;

export type SessionRow = Selectable<SessionsTable>;

/** The tables of this feature in the store's database type. */
export interface SessionsDatabase {
  clients: ClientsTable;
  sessions: SessionsTable;
  revoked_sessions: RevokedSessionsTable;
}

/** What the sessions feature asks of a database. */
export interface SessionStore {
  insertClient(row: Insertable<ClientsTable>): Promise<void>;
  findClient(id: string): Promise<ClientRow | null>;
  /**
   * Like {@link findClient}, and the row stays locked until the transaction ends (`SELECT … FOR
   * UPDATE` on PostgreSQL), so two instances refreshing one client run one after the other and the
   * second sees the first one's rotation. SQLite serialises write transactions already.
   */
  findClientForUpdate(id: string): Promise<ClientRow | null>;
  updateClient(id: string, changes: Updateable<ClientsTable>): Promise<void>;
  insertSession(row: Insertable<SessionsTable>): Promise<void>;
  findSession(id: string): Promise<SessionRow | null>;
  /**
   * Like {@link findSession}, and the row stays locked until the transaction ends (PostgreSQL): a
   * write that follows this read cannot put back a status that another writer changed meanwhile.
   * Take the session's client first ({@link findClientForUpdate}): the lock order refresh uses.
   */
  findSessionForUpdate(id: string): Promise<SessionRow | null>;
  updateSession(id: string, changes: Updateable<SessionsTable>): Promise<void>;
  listSessionsOfClient(clientId: string): Promise<SessionRow[]>;
  /** Sets `status` on every live (active or pending) session of a client; returns the ids changed. */
  endLiveSessionsOfClient(clientId: string, status: SessionStatus, at: number): Promise<string[]>;
  /** The live (active or pending) sessions of a user on every client, most recently active first. */
  listLiveSessionsOfUser(userId: string): Promise<SessionRow[]>;
  /**
   * Sets `status` on those of `ids` that are still live; returns the ids changed. The status check
   * is part of the update, so two concurrent endings never both report (and audit) one session.
   */
  endLiveSessions(ids: readonly string[], status: SessionStatus, at: number): Promise<string[]>;
  /**
   * Sessions that ended (any way) after `at`, deleted users' sessions included: what a revocation
   * list must hold after a restart.
   */
  listSessionsEndedSince(at: number): Promise<{ id: string; ended_at: number }[]>;
}

export function sessionQueries(db: Kysely<Database> | Transaction<Database>, dialect: Dialect): SessionStore {
  // SQLite has no FOR UPDATE (and needs none: one writer at a time holds the whole file).
  const locked = <Q extends { forUpdate(): Q }>(query: Q): Q => (dialect === 'postgres' ? query.forUpdate() : query);
  return {
    async insertClient(row) {
      await db.insertInto('clients').values(row).execute();
    },
    async findClient(id) {
      return (await db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async findClientForUpdate(id) {
      return (await locked(db.selectFrom('clients').selectAll().where('id', '=', id)).executeTakeFirst()) ?? null;
    },
    async updateClient(id, changes) {
      await db.updateTable('clients').set(changes).where('id', '=', id).execute();
    },
    async insertSession(row) {
      await db.insertInto('sessions').values(row).execute();
    },
    async findSession(id) {
      return (await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async findSessionForUpdate(id) {
      return (await locked(db.selectFrom('sessions').selectAll().where('id', '=', id)).executeTakeFirst()) ?? null;
    },
    async updateSession(id, changes) {
      await db.updateTable('sessions').set(changes).where('id', '=', id).execute();
    },
    async listSessionsOfClient(clientId) {
      return db.selectFrom('sessions').selectAll().where('client_id', '=', clientId).orderBy('created_at', 'desc').execute();
    },
    async endLiveSessionsOfClient(clientId, status, at) {
      const rows = await db
        .updateTable('sessions')
        .set({ status, ended_at: at, updated_at: at })
        .where('client_id', '=', clientId)
        .where('status', 'in', ['active', 'pending'])
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async listLiveSessionsOfUser(userId) {
      return db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('status', 'in', ['active', 'pending'])
        .orderBy('last_active_at', 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
    },
    async endLiveSessions(ids, status, at) {
      // `in ()` is not valid SQL: nothing to end is answered without a query.
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable('sessions')
        .set({ status, ended_at: at, updated_at: at })
        .where('id', 'in', [...ids])
        .where('status', 'in', ['active', 'pending'])
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async listSessionsEndedSince(at) {
      const rows = await db
        .selectFrom('sessions')
        .select(['id', 'ended_at'])
        .where('ended_at', '>', at)
        .where('status', 'not in', ['active', 'pending'])
        .execute();
      const gone = await db.selectFrom('revoked_sessions').select(['id', 'revoked_at']).where('revoked_at', '>', at).execute();
      return [
        ...rows.flatMap((r) => (r.ended_at === null ? [] : [{ id: r.id, ended_at: Number(r.ended_at) }])),
        ...gone.map((r) => ({ id: r.id, ended_at: Number(r.revoked_at) })),
      ];
    },
  };
}
