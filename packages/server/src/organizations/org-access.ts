// Who may do what in an organization: the acting user's membership as the database has it now, permission checks, the last-admin guard, the public shapes and audit rows.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import type { ClaimStamps } from '../propagation/claim-stamps.js';
import { newId } from '../store/ids.js';
import type { Roles } from '../roles/roles.js';
import type { MembershipRow, OrganizationRow } from './organization-store.js';
import type { Store } from '../store/types.js';

export interface OrganizationDeps {
  store: Store;
  roles: Roles;
  stamps: ClaimStamps;
  now: () => number;
}

/** An organization as the API shows it: never its private metadata. */
export interface Organization {
  id: string;
  name: string;
  slug: string;
  imageUrl: string | null;
  publicMetadata: OrganizationPublicMetadata;
  /** null: no limit. */
  maxMemberships: number | null;
  /** Members without a second factor are held pending (setup-mfa) while this org is active. */
  secondFactorRequired: boolean;
  createdAt: number;
  updatedAt: number;
}

/** An organization as its members see it: with Clerk's `membersCount` and `pendingInvitationsCount`. */
export interface OrganizationWithCounts extends Organization {
  membersCount: number;
  /** Invitations still pending and not expired. */
  pendingInvitationsCount: number;
}

export interface OrganizationMembership {
  id: string;
  organizationId: string;
  userId: string;
  /** `org:<name>`. */
  role: string;
  /** What the role allows, from the instance's role configuration as it is now. */
  permissions: string[];
  createdAt: number;
  updatedAt: number;
}

export const MANAGE_MEMBERS = 'org:sys_memberships:manage';
export const READ_MEMBERS = 'org:sys_memberships:read';
export const MANAGE_PROFILE = 'org:sys_profile:manage';
export const DELETE_PROFILE = 'org:sys_profile:delete';

export const NO_SUCH_ORGANIZATION = 'No such organization.';

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    imageUrl: row.image_url,
    publicMetadata: JSON.parse(row.public_metadata) as Record<string, unknown>,
    maxMemberships: row.max_memberships === null ? null : Number(row.max_memberships),
    secondFactorRequired: Number(row.second_factor_required) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The organizations with their member and pending-invitation counts (one query each for all of them). */
export async function withCounts(store: Store, rows: readonly OrganizationRow[], at: number): Promise<OrganizationWithCounts[]> {
  const counts = await store.countOrganizationPeople(
    rows.map((row) => row.id),
    at,
  );
  return rows.map((row) => {
    const count = counts.get(row.id);
    return { ...toOrganization(row), membersCount: count?.members ?? 0, pendingInvitationsCount: count?.pendingInvitations ?? 0 };
  });
}

export function toMembership(roles: Roles, row: MembershipRow): OrganizationMembership {
  return {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    role: row.role,
    permissions: [...roles.permissionsOf(row.role)],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export interface OrgAccess {
  org: OrganizationRow;
  /** The acting user's membership; null when server code acts (trusted: no membership or permission check). */
  membership: MembershipRow | null;
}

/**
 * The organization (by id or slug) and the acting user's membership, read in `tx` now (never from a
 * token). A missing org and an org the user is not in get the same 404, so nobody learns that
 * another org exists. With `lock`, the org row is locked first, so that checks which count members
 * (the last-admin guard, the membership limit) see every committed change and block concurrent ones.
 *
 * @throws GatehouseError `not_found`
 */
export async function requireMember(
  tx: Store,
  idOrSlug: string,
  userId: string,
  options?: { lock?: boolean },
): Promise<OrgAccess & { membership: MembershipRow }>;
/** With a null user (server code: the backend API, the CLI): the organization alone, or a 404. */
export async function requireMember(tx: Store, idOrSlug: string, userId: string | null, options?: { lock?: boolean }): Promise<OrgAccess>;
export async function requireMember(
  tx: Store,
  idOrSlug: string,
  userId: string | null,
  options: { lock?: boolean } = {},
): Promise<OrgAccess> {
  const org = await tx.findOrganization(idOrSlug);
  if (org && options.lock) await tx.lockOrganization(org.id);
  if (org && userId === null) return { org, membership: null };
  const membership = org && userId !== null ? await tx.findMembership(org.id, userId) : null;
  if (!org || !membership) throw new GatehouseError('not_found', NO_SUCH_ORGANIZATION);
  return { org, membership };
}

/**
 * Refuses a member whose role lacks `permission`.
 * @throws GatehouseError `forbidden`
 */
export function requirePermission(roles: Roles, access: OrgAccess, permission: string, doing: string): void {
  if (access.membership !== null && !roles.permissionsOf(access.membership.role).includes(permission)) {
    throw new GatehouseError('forbidden', `Your role in this organization does not allow ${doing}.`);
  }
}

/**
 * Nobody hands out, changes or removes more than they hold: `role` must grant nothing beyond the
 * acting member's own role.
 * @throws GatehouseError `forbidden`
 */
export function requireWithin(roles: Roles, role: string, access: OrgAccess, message: string): void {
  if (access.membership !== null && !roles.isWithin(role, access.membership.role)) throw new GatehouseError('forbidden', message);
}

/**
 * @throws GatehouseError `bad_request` for a role the instance does not define
 */
export function requireRole(roles: Roles, role: string): void {
  if (!roles.get(role)) throw new GatehouseError('bad_request', `Unknown role: ${role.slice(0, 80)}.`);
}

/**
 * Refuses a change that would leave the org without a member who can manage memberships (its last
 * admin removed, demoted or leaving): nobody could then invite, promote or remove anyone again.
 * `nextRole` is the target's role after the change, null when it leaves. Call it with the org locked.
 *
 * @throws GatehouseError `conflict`
 */
export async function guardLastAdmin(
  deps: OrganizationDeps,
  tx: Store,
  target: MembershipRow,
  nextRole: string | null,
  change: 'removed' | 'demoted' | 'leave',
): Promise<void> {
  const { roles } = deps;
  if (!roles.permissionsOf(target.role).includes(MANAGE_MEMBERS)) return;
  if (nextRole !== null && roles.permissionsOf(nextRole).includes(MANAGE_MEMBERS)) return;
  const managerRoles = roles.list.filter((r) => r.permissions.includes(MANAGE_MEMBERS)).map((r) => r.key);
  if ((await tx.countMemberships(target.organization_id, managerRoles)) > 1) return;
  const what = change === 'leave' ? 'cannot leave it' : `cannot be ${change}`;
  throw new GatehouseError(
    'conflict',
    `The last admin of an organization ${what}: first give another member a role that can manage members (or delete the organization).`,
  );
}

/** One append-only audit row, in the transaction of the change it records. */
export async function audit(
  tx: Store,
  ctx: RequestContext,
  entry: { at: number; action: string; actorId: string | null; subjectId: string; data: Record<string, unknown> },
): Promise<void> {
  await tx.appendAudit({
    at: entry.at,
    action: entry.action,
    actor_id: entry.actorId,
    subject_id: entry.subjectId,
    ip: ctx.ip,
    user_agent: ctx.userAgent,
    data: JSON.stringify(entry.data),
  });
}

/**
 * Marks every token of these users minted until now as stale, so their next request refreshes and
 * carries the new role (or no org). Called after the change committed: a refresh that ran before
 * the commit minted its token before this stamp, so that token is refused too.
 */
export function stampUsers(deps: OrganizationDeps, userIds: Iterable<string>): void {
  const t = deps.now();
  for (const id of new Set(userIds)) deps.stamps.stampUser(id, t);
}

/**
 * Before adding `userId` to `org`: locks the org (so the count below is exact under concurrency),
 * refuses a second membership and one past the membership limit.
 * @throws GatehouseError `conflict`
 */
export async function checkCanAddMember(tx: Store, org: OrganizationRow, userId: string, alreadyMember: string): Promise<void> {
  await tx.lockOrganization(org.id);
  if (await tx.findMembership(org.id, userId)) throw new GatehouseError('conflict', alreadyMember);
  if (org.max_memberships !== null && (await tx.countMemberships(org.id)) >= Number(org.max_memberships)) {
    throw new GatehouseError('conflict', 'This organization has reached its membership limit.');
  }
}

/** Inserts a membership and its `organizationMembership.created` audit row (after {@link checkCanAddMember}). */
export async function insertMembershipRow(
  tx: Store,
  ctx: RequestContext,
  entry: { at: number; organizationId: string; userId: string; role: string; actorId: string | null; data: Record<string, unknown> },
): Promise<MembershipRow> {
  const membership: MembershipRow = {
    id: newId('orgmem'),
    organization_id: entry.organizationId,
    user_id: entry.userId,
    role: entry.role,
    public_metadata: '{}',
    created_at: entry.at,
    updated_at: entry.at,
  };
  await tx.insertMembership(membership);
  await audit(tx, ctx, {
    at: entry.at,
    action: 'organizationMembership.created',
    actorId: entry.actorId,
    subjectId: membership.id,
    data: { organization: entry.organizationId, user: entry.userId, role: entry.role, ...entry.data },
  });
  return membership;
}
