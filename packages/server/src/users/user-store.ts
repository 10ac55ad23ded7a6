// The users table and its queries (one implementation for every dialect).

import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { contains } from '../store/sql.js';
import type { Database } from '../store/types.js';

export interface UsersTable {
  id: string;
  email: string;
  email_verified: number;
  password_hash: string | null;
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
  public_metadata: string;
  private_metadata: string;
  unsafe_metadata: string;
  banned: number;
  created_at: number;
  updated_at: number;
  last_sign_in_at: number | null;
}

export type UserRow = Selectable<UsersTable>;

/** The tables of this feature in the store's database type. */
export interface UsersDatabase {
  users: UsersTable;
}

/** What the users feature asks of a database. */
export interface UserStore {
  insertUser(row: Insertable<UsersTable>): Promise<void>;
  findUserById(id: string): Promise<UserRow | null>;
  findUserByEmail(email: string): Promise<UserRow | null>;
  updateUser(id: string, changes: Updateable<UsersTable>): Promise<void>;
  /**
   * Users, oldest first (the backend API, the CLI and the dashboard page through them). `query`
   * keeps those whose id is it, or whose email or name contains it (case-insensitive).
   */
  listUsers(options: { limit: number; offset: number; query?: string }): Promise<UserRow[]>;
  /**
   * Deletes a user; their sessions and memberships go with them. Their sessions that ended after
   * `keepRevokedSince` are remembered in `revoked_sessions` (so {@link listSessionsEndedSince} still
   * returns them after a restart), and remembered ones from before it are pruned.
   */
  deleteUser(id: string, keepRevokedSince: number): Promise<void>;
  countUsers(): Promise<number>;
}

export function userQueries(db: Kysely<Database> | Transaction<Database>): UserStore {
  return {
    async insertUser(row) {
      await db.insertInto('users').values(row).execute();
    },
    async findUserById(id) {
      return (await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async findUserByEmail(email) {
      return (await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()) ?? null;
    },
    async updateUser(id, changes) {
      await db.updateTable('users').set(changes).where('id', '=', id).execute();
    },
    async listUsers({ limit, offset, query }) {
      let select = db.selectFrom('users').selectAll();
      if (query) {
        select = select.where((eb) =>
          eb.or([eb('id', '=', query), contains('email', query), contains('first_name', query), contains('last_name', query)]),
        );
      }
      return select.orderBy('created_at').orderBy('id').limit(limit).offset(offset).execute();
    },
    async deleteUser(id, keepRevokedSince) {
      // Explicit rather than left to ON DELETE CASCADE, which SQLite applies only with foreign_keys on.
      await db.deleteFrom('memberships').where('user_id', '=', id).execute();
      await db.deleteFrom('user_factors').where('user_id', '=', id).execute();
      await db.deleteFrom('backup_codes').where('user_id', '=', id).execute();
      await db.deleteFrom('factor_challenges').where('user_id', '=', id).execute();
      await db.deleteFrom('revoked_sessions').where('revoked_at', '<=', keepRevokedSince).execute();
      await db
        .insertInto('revoked_sessions')
        .columns(['id', 'revoked_at'])
        .expression(
          db
            .selectFrom('sessions')
            .select(['id', 'ended_at as revoked_at'])
            .where('user_id', '=', id)
            .where('status', 'not in', ['active', 'pending'])
            .where('ended_at', '>', keepRevokedSince),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await db.deleteFrom('sessions').where('user_id', '=', id).execute();
      await db.deleteFrom('users').where('id', '=', id).execute();
    },
    async countUsers() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
