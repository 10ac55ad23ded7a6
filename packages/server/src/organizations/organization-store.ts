// The organizations, memberships and invitations tables and their queries (one implementation for every dialect).

import type { Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { contains } from '../store/sql.js';
import type { Database } from '../store/types.js';
import type { UserRow } from '../users/user-store.js';

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  image_url: string | null;
  public_metadata: string;
  private_metadata: string;
  max_memberships: number | null;
  /** 1: members without a second factor get a pending session (setup-mfa) while this org is active. */
  second_factor_required: Generated<number>;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface MembershipsTable {
  id: string;
  organization_id: string;
  user_id: string;
  role: string;
  public_metadata: string;
  created_at: number;
  updated_at: number;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationsTable {
  id: string;
  organization_id: string;
  email: string;
  role: string;
  status: InvitationStatus;
  token_hash: string;
  inviter_id: string | null;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

export type OrganizationRow = Selectable<OrganizationsTable>;

export type MembershipRow = Selectable<MembershipsTable>;

export type InvitationRow = Selectable<InvitationsTable>;

/** A membership with the public fields of its user (what an org's member list shows). */
export type MemberRow = MembershipRow & Pick<UserRow, 'email' | 'first_name' | 'last_name' | 'image_url'>;

/** The tables of this feature in the store's database type. */
export interface OrganizationsDatabase {
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
}

/** What the organizations feature asks of a database. */
export interface OrganizationStore {
  /** By id (`org_…`) or by slug. */
  findOrganization(idOrSlug: string): Promise<OrganizationRow | null>;
  findMembership(organizationId: string, userId: string): Promise<MembershipRow | null>;
  /** The user's memberships, most recently created first. */
  listUserMemberships(userId: string): Promise<MembershipRow[]>;
  listOrganizationsByIds(ids: readonly string[]): Promise<OrganizationRow[]>;
  insertOrganization(row: Insertable<OrganizationsTable>): Promise<void>;
  updateOrganization(id: string, changes: Updateable<OrganizationsTable>): Promise<void>;
  /** Deletes an organization with its memberships and invitations. */
  deleteOrganization(id: string): Promise<void>;
  /**
   * Takes the organization row's write lock for the rest of the transaction (a no-op update), so
   * that membership changes of one org (the last-admin guard, the membership limit) run one after
   * another on databases with row locks. False when there is no such organization.
   */
  lockOrganization(id: string): Promise<boolean>;
  insertMembership(row: Insertable<MembershipsTable>): Promise<void>;
  updateMembership(id: string, changes: Updateable<MembershipsTable>): Promise<void>;
  deleteMembership(id: string): Promise<void>;
  /** An org's members with their users' public fields, oldest membership first. */
  listMembers(organizationId: string): Promise<MemberRow[]>;
  /** How many members an org has (only those holding one of `roles`, when given). */
  countMemberships(organizationId: string, roles?: readonly string[]): Promise<number>;
  /** Members and invitations pending (not expired at `at`) per organization, for Clerk's `membersCount` and `pendingInvitationsCount`. */
  countOrganizationPeople(ids: readonly string[], at: number): Promise<Map<string, { members: number; pendingInvitations: number }>>;
  /** Clears `active_organization_id` on the sessions that have this org active (of one user, or of everyone). */
  clearActiveOrganization(organizationId: string, userId?: string): Promise<void>;
  insertInvitation(row: Insertable<InvitationsTable>): Promise<void>;
  findInvitation(id: string): Promise<InvitationRow | null>;
  findInvitationByTokenHash(tokenHash: string): Promise<InvitationRow | null>;
  /** An org's invitations that are pending and not expired at `at` (for one email, when given), newest first. */
  listPendingInvitations(organizationId: string, at: number, email?: string): Promise<InvitationRow[]>;
  /**
   * Moves a pending invitation to `status`. The status check is part of the update, so of two
   * concurrent accepts (or an accept and a revoke) only one wins; false for the loser.
   */
  settleInvitation(id: string, status: Exclude<InvitationStatus, 'pending'>, at: number): Promise<boolean>;
  /** Organizations, oldest first; `query` keeps those whose id or slug is it, or whose name or slug contains it. */
  listOrganizations(options: { limit: number; offset: number; query?: string }): Promise<OrganizationRow[]>;
  countOrganizations(): Promise<number>;
}

export function organizationQueries(db: Kysely<Database> | Transaction<Database>): OrganizationStore {
  return {
    async findOrganization(idOrSlug) {
      const column = idOrSlug.startsWith('org_') ? 'id' : 'slug';
      return (await db.selectFrom('organizations').selectAll().where(column, '=', idOrSlug).executeTakeFirst()) ?? null;
    },
    async findMembership(organizationId, userId) {
      return (
        (await db
          .selectFrom('memberships')
          .selectAll()
          .where('organization_id', '=', organizationId)
          .where('user_id', '=', userId)
          .executeTakeFirst()) ?? null
      );
    },
    async listUserMemberships(userId) {
      return db.selectFrom('memberships').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id').execute();
    },
    async listOrganizationsByIds(ids) {
      if (ids.length === 0) return [];
      return db
        .selectFrom('organizations')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
    },
    async insertOrganization(row) {
      await db.insertInto('organizations').values(row).execute();
    },
    async updateOrganization(id, changes) {
      await db.updateTable('organizations').set(changes).where('id', '=', id).execute();
    },
    async deleteOrganization(id) {
      // Explicit rather than left to ON DELETE CASCADE, which SQLite applies only with foreign_keys on.
      await db.deleteFrom('invitations').where('organization_id', '=', id).execute();
      await db.deleteFrom('memberships').where('organization_id', '=', id).execute();
      await db.deleteFrom('organizations').where('id', '=', id).execute();
    },
    async lockOrganization(id) {
      const result = await db
        .updateTable('organizations')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async insertMembership(row) {
      await db.insertInto('memberships').values(row).execute();
    },
    async updateMembership(id, changes) {
      await db.updateTable('memberships').set(changes).where('id', '=', id).execute();
    },
    async deleteMembership(id) {
      await db.deleteFrom('memberships').where('id', '=', id).execute();
    },
    async listMembers(organizationId) {
      return db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .selectAll('memberships')
        .select(['users.email', 'users.first_name', 'users.last_name', 'users.image_url'])
        .where('memberships.organization_id', '=', organizationId)
        .orderBy('memberships.created_at')
        .orderBy('memberships.id')
        .execute();
    },
    async countMemberships(organizationId, roles) {
      if (roles?.length === 0) return 0;
      let query = db
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('organization_id', '=', organizationId);
      if (roles) query = query.where('role', 'in', [...roles]);
      const row = await query.executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async countOrganizationPeople(ids, at) {
      const counts = new Map(ids.map((id) => [id, { members: 0, pendingInvitations: 0 }]));
      if (ids.length === 0) return counts;
      const members = await db
        .selectFrom('memberships')
        .select(['organization_id', (eb) => eb.fn.countAll().as('n')])
        .where('organization_id', 'in', [...ids])
        .groupBy('organization_id')
        .execute();
      const invitations = await db
        .selectFrom('invitations')
        .select(['organization_id', (eb) => eb.fn.countAll().as('n')])
        .where('organization_id', 'in', [...ids])
        .where('status', '=', 'pending')
        .where('expires_at', '>', at)
        .groupBy('organization_id')
        .execute();
      for (const row of members) {
        const entry = counts.get(row.organization_id);
        if (entry) entry.members = Number(row.n);
      }
      for (const row of invitations) {
        const entry = counts.get(row.organization_id);
        if (entry) entry.pendingInvitations = Number(row.n);
      }
      return counts;
    },
    async clearActiveOrganization(organizationId, userId) {
      let query = db.updateTable('sessions').set({ active_organization_id: null }).where('active_organization_id', '=', organizationId);
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      await query.execute();
    },
    async insertInvitation(row) {
      await db.insertInto('invitations').values(row).execute();
    },
    async findInvitation(id) {
      return (await db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async findInvitationByTokenHash(tokenHash) {
      return (await db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()) ?? null;
    },
    async listPendingInvitations(organizationId, at, email) {
      let query = db
        .selectFrom('invitations')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'pending')
        .where('expires_at', '>', at);
      if (email !== undefined) query = query.where('email', '=', email);
      return query.orderBy('created_at', 'desc').orderBy('id').execute();
    },
    async settleInvitation(id, status, at) {
      const result = await db
        .updateTable('invitations')
        .set({ status, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async listOrganizations({ limit, offset, query }) {
      let select = db.selectFrom('organizations').selectAll();
      if (query) select = select.where((eb) => eb.or([eb('id', '=', query), contains('name', query), contains('slug', query)]));
      return select.orderBy('created_at').orderBy('id').limit(limit).offset(offset).execute();
    },
    async countOrganizations() {
      const row = await db
        .selectFrom('organizations')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
