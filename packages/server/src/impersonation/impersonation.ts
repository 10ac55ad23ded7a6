// Impersonation: an instance admin signs in as a user (a session carrying `act`), at most an hour, audited with both identities; stopping returns to the admin's own session.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import { createActiveOrganization } from '../organizations/active-organization.js';
import { endSessions, findPresentedClient, mintFor, touched, usableSession, type SessionDeps } from '../sessions/session-core.js';
import type { SessionRow } from '../sessions/session-store.js';
import type { UserAdmin } from '../users/user-admin.js';

/** The longest an impersonation session may last: one hour. */
export const MAX_IMPERSONATION_SECONDS = 3600;

/** @throws TypeError unless 0 < seconds <= {@link MAX_IMPERSONATION_SECONDS} */
export function checkImpersonationLifetime(seconds: number): number {
  if (!(seconds > 0 && seconds <= MAX_IMPERSONATION_SECONDS))
    throw new TypeError(`impersonationLifetimeSeconds must be between 1 and ${MAX_IMPERSONATION_SECONDS}`);
  return seconds;
}

export interface ImpersonationDeps extends SessionDeps {
  users: Pick<UserAdmin, 'isInstanceAdmin'>;
  /** How long an impersonation session lasts (at most {@link MAX_IMPERSONATION_SECONDS}). */
  lifetimeSeconds: number;
}

export interface ImpersonationStarted {
  sessionId: string;
  userId: string;
  sessionToken: string;
  expireAt: number;
}

export function createImpersonation(deps: ImpersonationDeps) {
  const { store, now } = deps;
  const activeOrg = createActiveOrganization(deps);
  checkImpersonationLifetime(deps.lifetimeSeconds);

  return {
    /**
     * Starts a session as `userId` on the admin's own browser (the client of `adminSessionId`) and
     * makes it the active one; the admin's session stays live underneath. Its token carries
     * `act: { sub: adminId }` and it ends after the impersonation lifetime at the latest.
     *
     * @throws GatehouseError `forbidden` (the caller is not an instance admin, the target is one, is
     * the caller, or is banned), `not_found` (no such user, or the admin's session is not live). Nothing is written then.
     */
    async start(adminId: string, adminSessionId: string, userId: string, ctx: RequestContext): Promise<ImpersonationStarted> {
      if (!(await deps.users.isInstanceAdmin(adminId)))
        throw new GatehouseError('forbidden', 'Only instance admins can impersonate users.');
      if (userId === adminId) throw new GatehouseError('forbidden', 'You cannot impersonate yourself.');
      const target = await store.findUserById(userId);
      if (!target) throw new GatehouseError('not_found', 'No such user.');
      // An admin's powers are never borrowed: impersonating one would be an escalation path.
      if (await deps.users.isInstanceAdmin(userId)) throw new GatehouseError('forbidden', 'Instance admins cannot be impersonated.');
      if (target.banned === 1) throw new GatehouseError('forbidden', 'A banned user cannot be impersonated.');
      return store.transaction(async (tx) => {
        const t = now();
        const liveOwn = (own: SessionRow | null): own is SessionRow => usableSession(own, t, { userId: adminId });
        const seen = await tx.findSession(adminSessionId);
        if (!liveOwn(seen)) throw new GatehouseError('not_found', 'Your own session has ended; sign in again.');
        // The client, then the admin's session, locked and read again: an admin session ended
        // meanwhile (sign-out everywhere, a revocation) starts nothing on top of it.
        await tx.findClientForUpdate(seen.client_id);
        const own = await tx.findSessionForUpdate(seen.id);
        if (!liveOwn(own)) throw new GatehouseError('not_found', 'Your own session has ended; sign in again.');
        const session: SessionRow = {
          id: newId('sess'),
          client_id: own.client_id,
          user_id: target.id,
          status: 'active',
          created_at: t,
          updated_at: t,
          last_active_at: t,
          // Never longer than the limit, nor than the admin's own session.
          expire_at: Math.min(t + deps.lifetimeSeconds * 1000, Number(own.expire_at)),
          abandon_at: null,
          ended_at: null,
          active_organization_id: null,
          factor_verified_at: t,
          second_factor_verified_at: null,
          ip: ctx.ip,
          user_agent: ctx.userAgent?.slice(0, 512) ?? null,
          actor_id: adminId,
          actor_session_id: own.id,
        };
        Object.assign(session, await activeOrg.settleOrganization(tx, session));
        await tx.insertSession(session);
        await tx.updateClient(own.client_id, { active_session_id: session.id, updated_at: t });
        await tx.appendAudit({
          at: t,
          action: 'impersonation.started',
          actor_id: adminId,
          subject_id: target.id,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: JSON.stringify({ session: session.id, act: { sub: adminId }, expireAt: session.expire_at }),
        });
        return {
          sessionId: session.id,
          userId: target.id,
          sessionToken: await mintFor(deps, session, ctx, tx),
          expireAt: session.expire_at,
        };
      });
    },

    /**
     * Ends the browser's impersonation session and makes the admin's own session active again.
     * Returns the admin's fresh session token, or null when the admin's session is over too (the
     * browser is then signed out).
     *
     * @throws GatehouseError `client_invalid` (no valid client cookie), `bad_request` (the active session is not an impersonation)
     */
    async stop(
      clientToken: string | null,
      ctx: RequestContext,
    ): Promise<{ userId: string | null; sessionToken: string | null; impersonated: string }> {
      return store.transaction(async (tx) => {
        const client = await findPresentedClient(deps, tx, clientToken, true);
        if (!client) throw new GatehouseError('client_invalid', 'There is no valid client cookie; sign in again.');
        const current = client.active_session_id ? await tx.findSession(client.active_session_id) : null;
        if (!current?.actor_id) throw new GatehouseError('bad_request', 'This browser is not impersonating anyone.');
        await endSessions(deps, tx, [current], {
          status: 'ended',
          action: 'impersonation.ended',
          actorId: current.actor_id,
          reason: 'stop_impersonating',
          ctx,
        });
        const t = now();
        const own = current.actor_session_id ? await tx.findSession(current.actor_session_id) : null;
        if (!usableSession(own, t, { clientId: client.id })) {
          await tx.updateClient(client.id, { active_session_id: null, updated_at: t });
          return { userId: null, sessionToken: null, impersonated: current.user_id };
        }
        const activity = touched(deps, t);
        await tx.updateSession(own.id, activity);
        await tx.updateClient(client.id, { active_session_id: own.id, updated_at: t });
        return { userId: own.user_id, sessionToken: await mintFor(deps, { ...own, ...activity }, ctx, tx), impersonated: current.user_id };
      });
    },
  };
}

export type Impersonation = ReturnType<typeof createImpersonation>;
