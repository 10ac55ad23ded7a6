// Organization memberships: listing members, changing roles, removing members and leaving, with the last-admin guard and instant role propagation.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import {
  MANAGE_MEMBERS,
  READ_MEMBERS,
  audit,
  checkCanAddMember,
  guardLastAdmin,
  insertMembershipRow,
  requireMember,
  requirePermission,
  requireRole,
  requireWithin,
  stampUsers,
  toMembership,
  withCounts,
  type OrganizationDeps,
  type OrganizationWithCounts,
  type OrganizationMembership,
} from './org-access.js';
import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import type { MembershipRow } from './organization-store.js';
import type { Store } from '../store/types.js';

/** A member as other members see them: the user's public fields only. */
export interface OrganizationMember extends OrganizationMembership {
  publicUserData: {
    userId: string;
    /** The user's email address. */
    identifier: string;
    firstName: string | null;
    lastName: string | null;
    imageUrl: string | null;
  };
}

export interface UserOrganizationMembership extends OrganizationMembership {
  organization: OrganizationWithCounts;
}

const NO_SUCH_MEMBER = 'No such member.';

export function createMembershipService(deps: OrganizationDeps) {
  const { store, roles, now } = deps;

  /** Removes a membership: the row, the org as any of the user's sessions' active one, an audit row. */
  async function removeMembership(
    tx: Store,
    target: MembershipRow,
    actorUserId: string | null,
    reason: 'removed' | 'left',
    ctx: RequestContext,
  ): Promise<void> {
    await tx.deleteMembership(target.id);
    await tx.clearActiveOrganization(target.organization_id, target.user_id);
    await audit(tx, ctx, {
      at: now(),
      action: 'organizationMembership.deleted',
      actorId: actorUserId,
      subjectId: target.id,
      data: { organization: target.organization_id, user: target.user_id, role: target.role, reason },
    });
  }

  return {
    /**
     * Adds a user to an organization with a role, from server code (no acting member: the caller is
     * trusted, as for Clerk's createOrganizationMembership). Nothing is written on a refusal.
     * @throws GatehouseError `not_found` (org or user), `bad_request` (unknown role), `conflict`
     *   (already a member, membership limit)
     */
    async addMember(
      idOrSlug: string,
      userId: string,
      role: string,
      ctx: RequestContext = BACKEND_CONTEXT,
    ): Promise<OrganizationMembership> {
      requireRole(roles, role);
      return store.transaction(async (tx) => {
        const org = await tx.findOrganization(idOrSlug);
        const user = await tx.findUserById(userId);
        if (!org) throw new GatehouseError('not_found', 'No such organization.');
        if (!user) throw new GatehouseError('not_found', 'No such user.');
        await checkCanAddMember(tx, org, user.id, 'The user is already a member of this organization.');
        const membership = await insertMembershipRow(tx, ctx, {
          at: now(),
          organizationId: org.id,
          userId: user.id,
          role,
          actorId: null,
          data: { reason: 'backend' },
        });
        return toMembership(roles, membership);
      });
    },

    /**
     * The members of an organization (needs `org:sys_memberships:read`), oldest first.
     * @throws GatehouseError `not_found`, `forbidden`
     */
    async listMembers(actorUserId: string, idOrSlug: string): Promise<OrganizationMember[]> {
      const access = await requireMember(store, idOrSlug, actorUserId);
      requirePermission(roles, access, READ_MEMBERS, 'listing its members');
      return (await store.listMembers(access.org.id)).map((row) => ({
        ...toMembership(roles, row),
        publicUserData: {
          userId: row.user_id,
          identifier: row.email,
          firstName: row.first_name,
          lastName: row.last_name,
          imageUrl: row.image_url,
        },
      }));
    },

    /** Every organization a user belongs to, with the user's role in it; most recent membership first. */
    async listUserMemberships(userId: string): Promise<UserOrganizationMembership[]> {
      const memberships = await store.listUserMemberships(userId);
      const rows = await store.listOrganizationsByIds(memberships.map((m) => m.organization_id));
      const orgs = new Map((await withCounts(store, rows, now())).map((o) => [o.id, o]));
      return memberships.flatMap((m) => {
        const org = orgs.get(m.organization_id);
        return org ? [{ ...toMembership(roles, m), organization: org }] : [];
      });
    },

    /**
     * Gives a member another role (needs `org:sys_memberships:manage`). The actor can neither give a
     * role beyond their own nor change a member whose role goes beyond theirs; the last admin cannot
     * be demoted. The member's older tokens are refused from the next request on. `auditActorId`
     * names who asked when server code acts for someone (the dashboard's instance admin).
     * @throws GatehouseError `not_found` (org, or member), `forbidden`, `bad_request` (unknown role), `conflict` (last admin)
     */
    async updateMemberRole(
      actorUserId: string | null,
      idOrSlug: string,
      userId: string,
      role: string,
      ctx: RequestContext = BACKEND_CONTEXT,
      auditActorId: string | null = actorUserId,
    ): Promise<OrganizationMembership> {
      const result = await store.transaction(async (tx) => {
        const access = await requireMember(tx, idOrSlug, actorUserId, { lock: true });
        requirePermission(roles, access, MANAGE_MEMBERS, "changing members' roles");
        requireRole(roles, role);
        const target = await tx.findMembership(access.org.id, userId);
        if (!target) throw new GatehouseError('not_found', NO_SUCH_MEMBER);
        requireWithin(roles, target.role, access, 'You cannot change the role of a member whose role grants more than yours.');
        requireWithin(roles, role, access, 'You cannot give a role that grants more than your own.');
        if (target.role === role) return { membership: target, changed: false };
        await guardLastAdmin(deps, tx, target, role, 'demoted');
        const t = now();
        await tx.updateMembership(target.id, { role, updated_at: t });
        await audit(tx, ctx, {
          at: t,
          action: 'organizationMembership.updated',
          actorId: auditActorId,
          subjectId: target.id,
          data: { organization: target.organization_id, user: userId, from: target.role, to: role },
        });
        return { membership: { ...target, role, updated_at: t }, changed: true };
      });
      if (result.changed) stampUsers(deps, [userId]);
      return toMembership(roles, result.membership);
    },

    /**
     * Removes a member (needs `org:sys_memberships:manage`; not a member whose role goes beyond the
     * actor's; never the last admin). Their sessions that had the org active lose it, and their
     * older tokens are refused from the next request on. `auditActorId` as for {@link updateMemberRole}.
     * @throws GatehouseError `not_found` (org, or member), `forbidden`, `conflict` (last admin)
     */
    async removeMember(
      actorUserId: string | null,
      idOrSlug: string,
      userId: string,
      ctx: RequestContext = BACKEND_CONTEXT,
      auditActorId: string | null = actorUserId,
    ): Promise<void> {
      await store.transaction(async (tx) => {
        const access = await requireMember(tx, idOrSlug, actorUserId, { lock: true });
        requirePermission(roles, access, MANAGE_MEMBERS, 'removing members');
        const target = await tx.findMembership(access.org.id, userId);
        if (!target) throw new GatehouseError('not_found', NO_SUCH_MEMBER);
        requireWithin(roles, target.role, access, 'You cannot remove a member whose role grants more than yours.');
        await guardLastAdmin(deps, tx, target, null, 'removed');
        await removeMembership(tx, target, auditActorId, 'removed', ctx);
      });
      stampUsers(deps, [userId]);
    },

    /**
     * The acting user leaves an organization (any member may; the last admin may not).
     * @throws GatehouseError `not_found`, `conflict` (last admin)
     */
    async leave(actorUserId: string, idOrSlug: string, ctx: RequestContext = BACKEND_CONTEXT): Promise<void> {
      await store.transaction(async (tx) => {
        const { membership } = await requireMember(tx, idOrSlug, actorUserId, { lock: true });
        await guardLastAdmin(deps, tx, membership, null, 'leave');
        await removeMembership(tx, membership, actorUserId, 'left', ctx);
      });
      stampUsers(deps, [actorUserId]);
    },
  };
}
