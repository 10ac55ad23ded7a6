// Organizations: creating, reading, updating and deleting them, and the service that gathers memberships and invitations.

import { randomBytes } from 'node:crypto';
import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import { createInvitationService, type InvitationDeps } from './invitations.js';
import type { DevInboxMessage } from '../mail/mailer.js';
import { createMembershipService } from './memberships.js';
import {
  DELETE_PROFILE,
  MANAGE_PROFILE,
  audit,
  requireMember,
  requirePermission,
  stampUsers,
  toMembership,
  toOrganization,
  withCounts,
  type Organization,
  type OrganizationMembership,
  type OrganizationWithCounts,
} from './org-access.js';
import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import { isUniqueViolation } from '../store/kysely-store.js';
import type { OrganizationRow } from './organization-store.js';
import type { Store } from '../store/types.js';

export type { Organization, OrganizationMembership, OrganizationWithCounts } from './org-access.js';
export type { OrganizationMember, UserOrganizationMembership } from './memberships.js';
export type { OrganizationInvitation } from './invitations.js';

export interface OrganizationInput {
  name: string;
  /** Lowercase letters, digits and single hyphens; derived from the name when left out. */
  slug?: string | undefined;
  imageUrl?: string | null | undefined;
  publicMetadata?: Record<string, unknown> | undefined;
  /** The most members the org may have (null or left out: no limit). Enforced when an invitation is accepted. */
  maxMemberships?: number | null | undefined;
  /**
   * Members without a second factor get a pending session (the setup-mfa task) while this org is
   * active. Set by server code (backend API, CLI, dashboard); the members' HTTP API does not take it.
   */
  secondFactorRequired?: boolean | undefined;
}

export type OrganizationChanges = Partial<OrganizationInput>;

export const MAX_SLUG_LENGTH = 64;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 256;
const MAX_METADATA_BYTES = 8 * 1024;

/** A slug from a name: ASCII letters and digits, lowercase, words joined by single hyphens. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
}

function checkName(name: string): string {
  const trimmed = name.trim();
  // Names end up in email subjects: control characters (CR/LF) are never allowed.
  // eslint-disable-next-line no-control-regex
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new GatehouseError('bad_request', `The name must be 1 to ${MAX_NAME_LENGTH} characters, without control characters.`);
  }
  return trimmed;
}

function checkSlug(slug: string): string {
  if (slug.length > MAX_SLUG_LENGTH || !SLUG.test(slug)) {
    throw new GatehouseError('bad_request', `The slug must be lowercase letters, digits and single hyphens (at most ${MAX_SLUG_LENGTH}).`);
  }
  return slug;
}

function checkMetadata(value: Record<string, unknown>): string {
  const text = JSON.stringify(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.byteLength(text) > MAX_METADATA_BYTES) {
    throw new GatehouseError('bad_request', `Public metadata must be a JSON object of at most ${MAX_METADATA_BYTES} bytes.`);
  }
  return text;
}

function checkMaxMemberships(value: number | null): number | null {
  if (value !== null && (!Number.isSafeInteger(value) || value < 1)) {
    throw new GatehouseError('bad_request', 'maxMemberships must be a positive whole number, or null for no limit.');
  }
  return value;
}

/** @throws GatehouseError `identifier_exists` when another organization has the slug */
async function requireFreeSlug(tx: Store, slug: string, own: string | null): Promise<void> {
  const holder = await tx.findOrganization(slug);
  if (holder && holder.id !== own) {
    throw new GatehouseError('identifier_exists', 'An organization with this slug already exists; choose another slug.');
  }
}

/** The database's unique index is the last word on slugs (two creations racing past the check). */
async function withSlugIndex<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new GatehouseError('identifier_exists', 'An organization with this slug already exists; choose another slug.');
    }
    throw error;
  }
}

export function createOrganizationService(deps: InvitationDeps & { devInbox: () => DevInboxMessage[] }) {
  const { store, roles, now } = deps;

  return {
    /**
     * Creates an organization; its creator becomes a member with the instance's creator role.
     * @throws GatehouseError `bad_request` (name, slug, metadata or limit invalid), `identifier_exists`
     *   (slug taken), `not_found` (no such user)
     */
    async createOrganization(
      actorUserId: string,
      input: OrganizationInput,
      ctx: RequestContext = BACKEND_CONTEXT,
    ): Promise<{ organization: Organization; membership: OrganizationMembership }> {
      const name = checkName(input.name);
      // A name with no ASCII letters or digits (e.g. only CJK) still gets a usable slug.
      const slug = checkSlug(input.slug ?? (slugify(name) || `org-${randomBytes(4).toString('hex')}`));
      const publicMetadata = checkMetadata(input.publicMetadata ?? {});
      const maxMemberships = checkMaxMemberships(input.maxMemberships ?? null);
      return store.transaction(async (tx) => {
        if (!(await tx.findUserById(actorUserId))) throw new GatehouseError('not_found', 'No such user.');
        await requireFreeSlug(tx, slug, null);
        const t = now();
        const org: OrganizationRow = {
          id: newId('org'),
          name,
          slug,
          image_url: input.imageUrl ?? null,
          public_metadata: publicMetadata,
          private_metadata: '{}',
          max_memberships: maxMemberships,
          second_factor_required: input.secondFactorRequired ? 1 : 0,
          created_by: actorUserId,
          created_at: t,
          updated_at: t,
        };
        await withSlugIndex(() => tx.insertOrganization(org));
        const membership = {
          id: newId('orgmem'),
          organization_id: org.id,
          user_id: actorUserId,
          role: roles.creatorRole,
          public_metadata: '{}',
          created_at: t,
          updated_at: t,
        };
        await tx.insertMembership(membership);
        const entry = { at: t, actorId: actorUserId };
        await audit(tx, ctx, { ...entry, action: 'organization.created', subjectId: org.id, data: { slug, name } });
        await audit(tx, ctx, {
          ...entry,
          action: 'organizationMembership.created',
          subjectId: membership.id,
          data: { organization: org.id, user: actorUserId, role: membership.role, reason: 'creator' },
        });
        return { organization: toOrganization(org), membership: toMembership(roles, membership) };
      });
    },

    /** An organization by id or slug, for server code (no membership check); null when there is none. */
    async getOrganization(idOrSlug: string): Promise<Organization | null> {
      const row = await store.findOrganization(idOrSlug);
      return row ? toOrganization(row) : null;
    },

    /**
     * An organization as one of its members sees it, with that member's role.
     * @throws GatehouseError `not_found` (no such org, or the user is not a member)
     */
    async getOrganizationAs(
      actorUserId: string,
      idOrSlug: string,
    ): Promise<{ organization: OrganizationWithCounts; membership: OrganizationMembership }> {
      const access = await requireMember(store, idOrSlug, actorUserId);
      const [organization] = await withCounts(store, [access.org], now());
      return { organization: organization!, membership: toMembership(roles, access.membership) };
    },

    /**
     * Changes an organization's profile (needs `org:sys_profile:manage`). A new slug or a changed
     * second-factor requirement stamps every member's tokens stale, since they carry the slug
     * (`o.slg`) and the session status (`sts`).
     * @throws GatehouseError `not_found`, `forbidden`, `bad_request`, `identifier_exists`
     */
    async updateOrganization(
      actorUserId: string | null,
      idOrSlug: string,
      changes: OrganizationChanges,
      ctx: RequestContext = BACKEND_CONTEXT,
      auditActorId: string | null = actorUserId,
    ): Promise<Organization> {
      const result = await store.transaction(async (tx) => {
        const access = await requireMember(tx, idOrSlug, actorUserId);
        requirePermission(roles, access, MANAGE_PROFILE, "changing the organization's profile");
        const { org } = access;
        const update: Partial<OrganizationRow> = {};
        if (changes.name !== undefined) update.name = checkName(changes.name);
        if (changes.slug !== undefined && changes.slug !== org.slug) {
          update.slug = checkSlug(changes.slug);
          await requireFreeSlug(tx, update.slug, org.id);
        }
        if (changes.imageUrl !== undefined) update.image_url = changes.imageUrl;
        if (changes.publicMetadata !== undefined) update.public_metadata = checkMetadata(changes.publicMetadata);
        if (changes.maxMemberships !== undefined) update.max_memberships = checkMaxMemberships(changes.maxMemberships);
        if (changes.secondFactorRequired !== undefined) update.second_factor_required = changes.secondFactorRequired ? 1 : 0;
        if (Object.keys(update).length === 0) return { org, members: [] };
        const t = now();
        await withSlugIndex(() => tx.updateOrganization(org.id, { ...update, updated_at: t }));
        await audit(tx, ctx, {
          at: t,
          action: 'organization.updated',
          actorId: auditActorId,
          subjectId: org.id,
          data: { fields: Object.keys(update) },
        });
        // Tokens carry the slug (`o.slg`); a changed requirement settles each member's session status
        // again: both stamp the members' older tokens stale, so the next request refreshes.
        const restamp = update.slug !== undefined || update.second_factor_required !== undefined;
        const members = restamp ? (await tx.listMembers(org.id)).map((m) => m.user_id) : [];
        return { org: { ...org, ...update, updated_at: t }, members };
      });
      stampUsers(deps, result.members);
      return toOrganization(result.org);
    },

    /**
     * Deletes an organization with its memberships and invitations (needs `org:sys_profile:delete`).
     * Sessions that had it active lose it, and every member's older tokens are refused at once.
     * @throws GatehouseError `not_found`, `forbidden`
     */
    async deleteOrganization(actorUserId: string | null, idOrSlug: string, ctx: RequestContext = BACKEND_CONTEXT): Promise<void> {
      const members = await store.transaction(async (tx) => {
        const access = await requireMember(tx, idOrSlug, actorUserId, { lock: true });
        requirePermission(roles, access, DELETE_PROFILE, 'deleting the organization');
        const { org } = access;
        const memberIds = (await tx.listMembers(org.id)).map((m) => m.user_id);
        await tx.clearActiveOrganization(org.id);
        await tx.deleteOrganization(org.id);
        await audit(tx, ctx, {
          at: now(),
          action: 'organization.deleted',
          actorId: actorUserId,
          subjectId: org.id,
          data: { slug: org.slug, name: org.name, members: memberIds.length },
        });
        return memberIds;
      });
      stampUsers(deps, members);
    },

    ...createMembershipService(deps),

    /** Invitations by email: create, list, revoke, accept. */
    invitations: createInvitationService(deps),

    /** The development mailer's messages, newest first (empty when another mailer is configured). */
    devInbox: (): DevInboxMessage[] => deps.devInbox(),
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
