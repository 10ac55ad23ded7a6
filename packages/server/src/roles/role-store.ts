// The roles table and the role queries across memberships and invitations (one implementation for every dialect).

import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../store/types.js';

/** Organization roles created at run time (built-in and configured roles are not stored). */
export interface RolesTable {
  /** `org:<name>`. */
  key: string;
  name: string;
  description: string | null;
  /** JSON array of `org:<feature>:<action>`. */
  permissions: string;
  created_at: number;
  updated_at: number;
}

export type RoleRow = Selectable<RolesTable>;

/** The tables of this feature in the store's database type. */
export interface RolesDatabase {
  roles: RolesTable;
}

/** What the roles feature asks of a database. */
export interface RoleStore {
  /** The roles created at run time, by key. */
  listRoles(): Promise<RoleRow[]>;
  /** Creates the role or replaces its fields (all but `created_at`). */
  saveRole(row: Insertable<RolesTable>): Promise<void>;
  deleteRole(key: string): Promise<void>;
  /** The users holding `role` in any organization (each once): whose tokens a change of the role makes stale. */
  listUserIdsWithRole(role: string): Promise<string[]>;
  /** Invitations naming `role` that can still be accepted at `at`. */
  countPendingInvitationsWithRole(role: string, at: number): Promise<number>;
  /**
   * How many organizations have a member holding `role` and no member holding any of `otherRoles`:
   * those a change of `role` would leave without, say, anyone who can manage members.
   */
  countOrganizationsRelyingOn(role: string, otherRoles: readonly string[]): Promise<number>;
}

export function roleQueries(db: Kysely<Database> | Transaction<Database>): RoleStore {
  return {
    async listRoles() {
      return db.selectFrom('roles').selectAll().orderBy('key').execute();
    },
    async saveRole(row) {
      const { key: _key, created_at: _created, ...changes } = row;
      await db
        .insertInto('roles')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet(changes))
        .execute();
    },
    async deleteRole(key) {
      await db.deleteFrom('roles').where('key', '=', key).execute();
    },
    async listUserIdsWithRole(role) {
      const rows = await db.selectFrom('memberships').select('user_id').distinct().where('role', '=', role).orderBy('user_id').execute();
      return rows.map((r) => r.user_id);
    },
    async countPendingInvitationsWithRole(role, at) {
      const row = await db
        .selectFrom('invitations')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('role', '=', role)
        .where('status', '=', 'pending')
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async countOrganizationsRelyingOn(role, otherRoles) {
      let query = db
        .selectFrom('memberships as m')
        .select((eb) => eb.fn.count('m.organization_id').distinct().as('n'))
        .where('m.role', '=', role);
      if (otherRoles.length > 0) {
        query = query.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('memberships as o')
                .select('o.id')
                .whereRef('o.organization_id', '=', 'm.organization_id')
                .where('o.role', 'in', [...otherRoles]),
            ),
          ),
        );
      }
      const row = await query.executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
