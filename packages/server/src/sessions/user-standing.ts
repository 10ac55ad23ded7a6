// A user's standing: banning, unbanning and deleting a user, with the sessions that ends and the
// stamp that refuses every token already out at once.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { guardLastAdmin } from '../organizations/org-access.js';
import { BACKEND_CONTEXT, endSessions, type SessionDeps } from './session-core.js';

export function createUserStanding(deps: SessionDeps) {
  const { store, now } = deps;
  return {
    /**
     * Bans a user: sign-in and refresh refuse them from now on, every live session is revoked
     * (audited as `session.revoked`, plus one `user.banned` row), and every token already out is
     * refused at once; with Redis, on every instance (revocations and a user stamp travel over
     * pub/sub). Returns the ids of the sessions it ended.
     *
     * @throws GatehouseError `not_found` when there is no such user (nothing is written)
     */
    async banUser(userId: string, ctx: RequestContext = BACKEND_CONTEXT, actorId: string | null = null): Promise<string[]> {
      const t = now();
      const ended = await store.transaction(async (tx) => {
        if (!(await tx.findUserById(userId))) throw new GatehouseError('not_found', 'No such user.');
        const sessions = await tx.listLiveSessionsOfUser(userId);
        const outcome = await endSessions(deps, tx, sessions, {
          status: 'revoked',
          action: 'session.revoked',
          actorId,
          reason: 'banned',
          ctx,
        });
        // The user row last: clients, sessions, then the user is the order sign-in writes them in.
        await tx.updateUser(userId, { banned: 1, updated_at: t });
        await tx.appendAudit({
          at: t,
          action: 'user.banned',
          actor_id: actorId,
          subject_id: userId,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: '{}',
        });
        return outcome.ended;
      });
      // A session that started while the ban was being written has a token too: every token of the
      // user minted before now is refused (the proxy's refresh then fails on the ban).
      deps.stamps.stampUser(userId, t);
      return ended;
    },

    /** Lifts a ban: the user can sign in again (their old sessions stay ended). False when there is no such user. */
    async unbanUser(userId: string, ctx: RequestContext = BACKEND_CONTEXT, actorId: string | null = null): Promise<boolean> {
      return store.transaction(async (tx) => {
        if (!(await tx.findUserById(userId))) return false;
        const t = now();
        await tx.updateUser(userId, { banned: 0, updated_at: t });
        await tx.appendAudit({
          at: t,
          action: 'user.unbanned',
          actor_id: actorId,
          subject_id: userId,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: '{}',
        });
        return true;
      });
    },

    /**
     * Deletes a user: every live session is revoked (audited, refused at once everywhere), then the
     * user row goes with their memberships and sessions; one `user.deleted` row records it.
     * `actorId`: who asked (an instance admin), for the audit log.
     * @throws GatehouseError `not_found`; `conflict` when the user is the last member of an
     *   organization who can manage its members (nothing is written)
     */
    async deleteUser(userId: string, ctx: RequestContext = BACKEND_CONTEXT, actorId: string | null = null): Promise<void> {
      const t = now();
      await store.transaction(async (tx) => {
        const user = await tx.findUserById(userId);
        if (!user) throw new GatehouseError('not_found', 'No such user.');
        for (const membership of await tx.listUserMemberships(userId)) {
          await tx.lockOrganization(membership.organization_id);
          await guardLastAdmin(deps, tx, membership, null, 'removed');
        }
        const sessions = await tx.listLiveSessionsOfUser(userId);
        await endSessions(deps, tx, sessions, { status: 'revoked', action: 'session.revoked', actorId, reason: 'user_deleted', ctx });
        // The session rows go with the user; the revocations must not: a restart rebuilds the
        // revoked-session set from the database, and these tokens could still verify until then.
        await tx.deleteUser(userId, t - deps.revocations.retainMs);
        await tx.appendAudit({
          at: t,
          action: 'user.deleted',
          actor_id: actorId,
          subject_id: userId,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: JSON.stringify({ email: user.email }),
        });
      });
      deps.stamps.stampUser(userId, t);
    },
  };
}
