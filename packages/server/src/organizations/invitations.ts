// Invitations by email: creating one (a single-use token, stored only as its hash, mailed through the outbox), listing, revoking, and accepting it as the invited user.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { hashSecret, newId, newSecret } from '../store/ids.js';
import { UNCONFIGURED_MAILER } from '../mail/mailer.js';
import type { MailOutbox } from '../mail/outbox.js';
import { renderMail } from '../mail/templates.js';
import {
  MANAGE_MEMBERS,
  audit,
  checkCanAddMember,
  insertMembershipRow,
  requireMember,
  requirePermission,
  requireRole,
  requireWithin,
  toMembership,
  toOrganization,
  type Organization,
  type OrganizationDeps,
  type OrganizationMembership,
} from './org-access.js';
import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import type { InvitationRow, InvitationStatus } from './organization-store.js';
import { normalizeEmail } from '../users/users.js';

export interface InvitationDeps extends OrganizationDeps {
  /** Where invitation mails go (written in the invitation's transaction, delivered after it). */
  outbox: MailOutbox;
  /** Whether any mailer is configured: without one (production, no SMTP) inviting is refused. */
  mailReady: boolean;
  log: (line: string) => void;
  invitationTtlSeconds: number;
  /**
   * The page that accepts invitations; the link is this URL plus `invitation_token=<token>`. A path
   * is resolved against the origin of the request that created the invitation.
   */
  invitationUrl: string;
}

/** An invitation as org admins see it: never its token or the token's hash. */
export interface OrganizationInvitation {
  id: string;
  organizationId: string;
  emailAddress: string;
  role: string;
  /** `expired` once a pending invitation is past its expiry. */
  status: InvitationStatus;
  inviterId: string | null;
  expiresAt: number;
  createdAt: number;
  updatedAt: number;
}

export const INVITATION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const NOT_VALID = 'This invitation link is not valid.';

/** An invitation row as org admins see it (`expired` once a pending one is past its expiry at `t`). */
function toInvitationAt(row: InvitationRow, t: number): OrganizationInvitation {
  const expired = row.status === 'pending' && Number(row.expires_at) <= t;
  return {
    id: row.id,
    organizationId: row.organization_id,
    emailAddress: row.email,
    role: row.role,
    status: expired ? 'expired' : row.status,
    inviterId: row.inviter_id,
    expiresAt: Number(row.expires_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The link the invitation email carries. */
function acceptUrl(deps: InvitationDeps, token: string, origin: string | null): string {
  const { invitationUrl } = deps;
  const base = /^https?:\/\//i.test(invitationUrl) || !origin ? invitationUrl : new URL(invitationUrl, origin).href;
  return `${base}${base.includes('?') ? '&' : '?'}invitation_token=${token}`;
}

export function createInvitationService(deps: InvitationDeps) {
  const { store, roles, now } = deps;
  const toInvitation = (row: InvitationRow) => toInvitationAt(row, now());

  return {
    /**
     * Invites an email address into an organization (needs `org:sys_memberships:manage`) with a role
     * no greater than the inviter's own (default: the instance's default role), and sends the link.
     * The token (256 random bits) is stored only as its SHA-256 hash; it expires and works once.
     * The mail goes through the outbox, written in the invitation's transaction: an SMTP outage
     * delays it (retried with backoff, shown in the dashboard) and never loses it.
     * @throws GatehouseError `not_found`, `forbidden` (no permission, or a role above the inviter's),
     *   `bad_request` (address or role invalid), `identifier_exists` (already a member or invited),
     *   `conflict` (membership limit reached), `setup_missing` (no mailer in production)
     */
    async create(
      actorUserId: string | null,
      idOrSlug: string,
      input: { email: string; role?: string | undefined },
      ctx: RequestContext = BACKEND_CONTEXT,
    ): Promise<OrganizationInvitation> {
      const email = normalizeEmail(input.email);
      if (email.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new GatehouseError('bad_request', 'Enter a valid email address.');
      const token = newSecret();
      let mailId = '';
      const { row } = await store.transaction(async (tx) => {
        const access = await requireMember(tx, idOrSlug, actorUserId);
        requirePermission(roles, access, MANAGE_MEMBERS, 'inviting members');
        const role = input.role ?? roles.defaultRole;
        requireRole(roles, role);
        requireWithin(roles, role, access, 'You cannot invite someone with a role that grants more than your own.');
        const { org } = access;
        const user = await tx.findUserByEmail(email);
        if (user && (await tx.findMembership(org.id, user.id))) {
          throw new GatehouseError('identifier_exists', 'This person is already a member of the organization.');
        }
        const t = now();
        if ((await tx.listPendingInvitations(org.id, t, email)).length > 0) {
          throw new GatehouseError('identifier_exists', 'This address already has a pending invitation; revoke it to send a new one.');
        }
        if (org.max_memberships !== null && (await tx.countMemberships(org.id)) >= Number(org.max_memberships)) {
          throw new GatehouseError('conflict', 'This organization has reached its membership limit.');
        }
        // Production without a mailer: refused once the request is allowed, before anything is written (the mail could never go).
        if (!deps.mailReady) throw new GatehouseError('setup_missing', UNCONFIGURED_MAILER);
        const row: InvitationRow = {
          id: newId('orginv'),
          organization_id: org.id,
          email,
          role,
          status: 'pending',
          token_hash: hashSecret(token),
          inviter_id: actorUserId,
          expires_at: t + deps.invitationTtlSeconds * 1000,
          created_at: t,
          updated_at: t,
        };
        await tx.insertInvitation(row);
        await audit(tx, ctx, {
          at: t,
          action: 'organizationInvitation.created',
          actorId: actorUserId,
          subjectId: row.id,
          data: { organization: org.id, email, role },
        });
        const url = acceptUrl(deps, token, ctx.origin);
        const mail = renderMail({
          kind: 'invitation',
          appName: 'Gatehouse',
          organization: org.name,
          role: roles.get(row.role)?.name ?? row.role,
          url,
          expiresAt: Number(row.expires_at),
        });
        mailId = await deps.outbox.enqueue(tx, email, 'invitation', mail, url);
        return { row };
      });
      // Sent after the commit: a slow mailer must not hold the database's write lock.
      await deps.outbox.flush([mailId]);
      return toInvitation(row);
    },

    /**
     * The org's pending, unexpired invitations, newest first (needs `org:sys_memberships:manage`).
     * @throws GatehouseError `not_found`, `forbidden`
     */
    async list(actorUserId: string | null, idOrSlug: string): Promise<OrganizationInvitation[]> {
      const access = await requireMember(store, idOrSlug, actorUserId);
      requirePermission(roles, access, MANAGE_MEMBERS, 'seeing its invitations');
      return (await store.listPendingInvitations(access.org.id, now())).map(toInvitation);
    },

    /**
     * Revokes a pending invitation (needs `org:sys_memberships:manage`); its link stops working.
     * @throws GatehouseError `not_found` (org, or an invitation of another org), `forbidden`,
     *   `conflict` (already accepted or revoked)
     */
    async revoke(
      actorUserId: string | null,
      idOrSlug: string,
      invitationId: string,
      ctx: RequestContext = BACKEND_CONTEXT,
    ): Promise<OrganizationInvitation> {
      return store.transaction(async (tx) => {
        const access = await requireMember(tx, idOrSlug, actorUserId);
        requirePermission(roles, access, MANAGE_MEMBERS, 'revoking invitations');
        const row = await tx.findInvitation(invitationId);
        if (!row || row.organization_id !== access.org.id) throw new GatehouseError('not_found', 'No such invitation.');
        const t = now();
        if (!(await tx.settleInvitation(row.id, 'revoked', t))) {
          throw new GatehouseError('conflict', `This invitation was already ${row.status}.`);
        }
        await audit(tx, ctx, {
          at: t,
          action: 'organizationInvitation.revoked',
          actorId: actorUserId,
          subjectId: row.id,
          data: { organization: row.organization_id, email: row.email },
        });
        return toInvitation({ ...row, status: 'revoked', updated_at: t });
      });
    },

    /**
     * Accepts an invitation as the signed-in user, whose email must be the invited one: in one
     * transaction the membership is created with the invited role and the invitation is used up.
     * Refusals (`bad_request` for a link that is unknown, expired, revoked or already used) name the
     * reason: only the invitee's mailbox ever had the token.
     * @throws GatehouseError `bad_request`, `forbidden` (another email address), `conflict`
     *   (already a member, or the membership limit is reached)
     */
    async accept(
      actorUserId: string,
      token: string,
      ctx: RequestContext = BACKEND_CONTEXT,
    ): Promise<{ organization: Organization; membership: OrganizationMembership }> {
      if (!INVITATION_TOKEN.test(token)) throw new GatehouseError('bad_request', NOT_VALID);
      const tokenHash = hashSecret(token);
      return store.transaction(async (tx) => {
        const invitation = await tx.findInvitationByTokenHash(tokenHash);
        if (!invitation) throw new GatehouseError('bad_request', NOT_VALID);
        const user = await tx.findUserById(actorUserId);
        // The address is checked before the status, so someone else holding the link learns nothing more.
        if (!user || normalizeEmail(user.email) !== invitation.email) {
          throw new GatehouseError(
            'forbidden',
            'This invitation was sent to another email address; sign in with that address to accept it.',
          );
        }
        const t = now();
        if (invitation.status === 'accepted') throw new GatehouseError('bad_request', 'This invitation has already been used.');
        if (invitation.status !== 'pending') throw new GatehouseError('bad_request', `This invitation was ${invitation.status}.`);
        if (Number(invitation.expires_at) <= t) throw new GatehouseError('bad_request', 'This invitation has expired; ask for a new one.');
        const org = await tx.findOrganization(invitation.organization_id);
        if (!org) throw new GatehouseError('bad_request', NOT_VALID);
        await checkCanAddMember(tx, org, user.id, 'You are already a member of this organization.');
        if (!(await tx.settleInvitation(invitation.id, 'accepted', t))) {
          throw new GatehouseError('bad_request', 'This invitation has already been used.');
        }
        await audit(tx, ctx, {
          at: t,
          actorId: user.id,
          action: 'organizationInvitation.accepted',
          subjectId: invitation.id,
          data: { organization: org.id, user: user.id },
        });
        const membership = await insertMembershipRow(tx, ctx, {
          at: t,
          organizationId: org.id,
          userId: user.id,
          role: invitation.role,
          actorId: user.id,
          data: { reason: 'invitation', invitation: invitation.id },
        });
        return { organization: toOrganization(org), membership: toMembership(roles, membership) };
      });
    },
  };
}
