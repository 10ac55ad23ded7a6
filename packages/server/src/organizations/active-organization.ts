// The active organization of a session: switching it (setActive), pending sessions (organizations or a second factor required),
// and minting a token for another org the user belongs to without switching.

import { GatehouseError, type RequestContext, type SessionClaims } from '@gatehouse/core';
import { mintFor, mintWithClaims, touched, usableSession, type SessionDeps } from '../sessions/session-core.js';
import type { SessionRow } from '../sessions/session-store.js';
import type { Store } from '../store/types.js';
import { needsSecondFactorSetup } from '../factors/factor-requirement.js';

export interface ActiveOrganizationResult {
  sessionId: string;
  organizationId: string | null;
  sessionToken: string;
  /** The new token's claims (no caller verifies the token it has just been given). */
  claims: SessionClaims;
}

/** Who asks: the verified `sub` and `sid` of the request's own session token. */
export interface SessionActor {
  userId: string;
  sessionId: string;
}

export function createActiveOrganization(deps: SessionDeps) {
  const { store, now } = deps;

  /** The live session of this actor, or a 404 that reveals nothing. */
  async function ownLiveSession(tx: Store, actor: SessionActor, lock = false): Promise<SessionRow> {
    const session = lock ? await tx.findSessionForUpdate(actor.sessionId) : await tx.findSession(actor.sessionId);
    if (!usableSession(session, now(), { userId: actor.userId })) {
      throw new GatehouseError('not_found', 'No such session.');
    }
    return session;
  }

  /**
   * {@link ownLiveSession}, read again with its client and then itself locked (the order refresh
   * takes them in), for a transaction that writes the session's status: a revocation committed
   * meanwhile is seen (404) instead of being overwritten with `active`.
   */
  async function lockOwnLiveSession(tx: Store, actor: SessionActor): Promise<SessionRow> {
    const { client_id } = await ownLiveSession(tx, actor);
    await tx.findClientForUpdate(client_id);
    return ownLiveSession(tx, actor, true);
  }

  /** The org by id or slug, when the user is a member; otherwise the same 404 whether or not it exists. */
  async function memberOrg(tx: Store, userId: string, idOrSlug: string): Promise<string> {
    const org = await tx.findOrganization(idOrSlug);
    const membership = org ? await tx.findMembership(org.id, userId) : null;
    if (!org || !membership) throw new GatehouseError('not_found', 'No such organization.');
    return org.id;
  }

  /** `active`, unless the instance or this org requires a second factor the user has not added yet (then `pending`: setup-mfa). */
  const activeUnlessSetupNeeded = async (tx: Store, userId: string, organizationId: string | null): Promise<'active' | 'pending'> =>
    (await needsSecondFactorSetup(tx, deps.settings.secondFactorRequired, { userId, organizationId })) ? 'pending' : 'active';

  return {
    /**
     * Switches the session's active organization (id, slug, or null for the personal account) and
     * mints a token carrying the new `o` claim. Older tokens of this session are stamped stale, so
     * another tab cannot keep using the previous org. A pending (choose-organization) session
     * becomes active once an org is chosen.
     * @throws GatehouseError `not_found` (not a member, no such org or session), `bad_request`
     *   (null while organizations are required)
     */
    async setActiveOrganization(actor: SessionActor, organization: string | null, ctx: RequestContext): Promise<ActiveOrganizationResult> {
      return store.transaction(async (tx) => {
        const session = await lockOwnLiveSession(tx, actor);
        if (organization === null && deps.settings.organizationsRequired) {
          throw new GatehouseError('bad_request', 'This application requires an active organization.');
        }
        const organizationId = organization === null ? null : await memberOrg(tx, actor.userId, organization);
        const t = now();
        const changes = {
          ...touched(deps, t),
          active_organization_id: organizationId,
          status:
            organizationId || !deps.settings.organizationsRequired
              ? await activeUnlessSetupNeeded(tx, actor.userId, organizationId)
              : session.status,
        };
        await tx.updateSession(session.id, changes);
        await tx.appendAudit({
          at: t,
          action: 'session.organization_changed',
          actor_id: actor.userId,
          subject_id: session.id,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: JSON.stringify({ from: session.active_organization_id, to: organizationId }),
        });
        deps.stamps.stampSession(session.id, t);
        const minted = await mintWithClaims(deps, { ...session, ...changes }, ctx, tx);
        return { sessionId: session.id, organizationId, sessionToken: minted.token, claims: minted.claims };
      });
    },

    /**
     * A session token for another organization the user belongs to, without switching
     * (`getToken({ organizationId })`). Nothing is written.
     * @throws GatehouseError `not_found`
     */
    async mintForOrganization(actor: SessionActor, organization: string, ctx: RequestContext): Promise<string> {
      const session = await ownLiveSession(store, actor);
      const organizationId = await memberOrg(store, actor.userId, organization);
      const status = await activeUnlessSetupNeeded(store, actor.userId, organizationId);
      return mintFor(deps, { ...session, active_organization_id: organizationId, status }, ctx);
    },

    /**
     * The organization state a new or refreshed session should have: its active org while the
     * membership lasts; when organizations are required and there is none, the user's most recent
     * membership, else `pending` (the choose-organization task).
     */
    async settleOrganization(tx: Store, session: SessionRow): Promise<Pick<SessionRow, 'active_organization_id' | 'status'>> {
      let orgId = session.active_organization_id;
      if (orgId && !(await tx.findMembership(orgId, session.user_id))) orgId = null;
      if (!orgId && deps.settings.organizationsRequired) {
        const [latest] = await tx.listUserMemberships(session.user_id);
        orgId = latest?.organization_id ?? null;
      }
      const status =
        session.status === 'pending' || session.status === 'active'
          ? deps.settings.organizationsRequired && !orgId
            ? 'pending'
            : await activeUnlessSetupNeeded(tx, session.user_id, orgId)
          : session.status;
      return { active_organization_id: orgId, status };
    },
  };
}
