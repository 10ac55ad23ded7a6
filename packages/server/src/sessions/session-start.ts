// Starting a session for a user who has just proved who they are: the client it joins or gets, the
// session row and its organization, the audit row and the first session token.

import type { RequestContext } from '@gatehouse/core';
import { hashSecret, newId, newSecret } from '../store/ids.js';
import type { createActiveOrganization } from '../organizations/active-organization.js';
import { endClient, endSessions, findPresentedClient, mintWithClaims, type SessionDeps } from './session-core.js';
import type { SessionRow } from './session-store.js';
import type { Store } from '../store/types.js';
import type { UserRow } from '../users/user-store.js';
import { toPublicUser, type PublicUser } from '../users/users.js';

export interface SignedInResult {
  user: PublicUser;
  sessionId: string;
  sessionToken: string;
  clientToken: string;
}

/** The active-organization rules a new or refreshed session is settled by. */
export type ActiveOrganization = ReturnType<typeof createActiveOrganization>;

/**
 * Starts a session for a user who just proved who they are. In multi-session mode a browser that
 * presents a live client keeps it: the session joins that client and becomes its active one.
 * Otherwise the session gets a brand-new client, and in single-session mode the live sessions of
 * the client the browser presented end first (one signed-in user per browser). Either way the
 * session id and the client secret are new, so a cookie planted before sign-in never becomes an
 * authenticated one (session fixation).
 * @param enrolled whether the user has a second factor, when the caller has just read that in `tx`
 *   (null: the token's `fva` reads it)
 */
export async function startSession(
  deps: SessionDeps,
  activeOrg: ActiveOrganization,
  tx: Store,
  user: UserRow,
  ctx: RequestContext,
  presentedToken: string | null,
  secondFactorAt: number | null = null,
  enrolled: boolean | null = null,
): Promise<SignedInResult> {
  const { settings, now } = deps;
  const t = now();
  const presented = await findPresentedClient(deps, tx, presentedToken, true);
  const joining = presented !== null && settings.multiSession;
  if (presented && joining) {
    // Signing in again as a user who is already signed in on this browser replaces that session.
    const own = (await tx.listSessionsOfClient(presented.id)).filter((s) => s.user_id === user.id);
    await endSessions(deps, tx, own, { status: 'ended', action: 'session.ended', actorId: user.id, reason: 'sign_in_again', ctx });
  } else if (presented) {
    await endClient(deps, tx, presented, 'ended', ctx, 'session.ended');
  }
  const clientId = joining ? presented.id : newId('client');
  const secret = newSecret();
  const sessionId = newId('sess');
  if (!joining) {
    // Born pointing at its session (no foreign key on active_session_id): no second write below.
    await tx.insertClient({
      id: clientId,
      token_hash: hashSecret(secret),
      previous_token_hash: null,
      rotated_at: t,
      active_session_id: sessionId,
      created_at: t,
      updated_at: t,
    });
  }
  const session: SessionRow = {
    id: sessionId,
    client_id: clientId,
    user_id: user.id,
    status: 'active',
    created_at: t,
    updated_at: t,
    last_active_at: t,
    expire_at: t + settings.maxLifetimeSeconds * 1000,
    abandon_at: settings.inactivityTimeoutSeconds ? t + settings.inactivityTimeoutSeconds * 1000 : null,
    ended_at: null,
    active_organization_id: null,
    factor_verified_at: t,
    second_factor_verified_at: secondFactorAt === null ? null : t,
    ip: ctx.ip,
    user_agent: ctx.userAgent?.slice(0, 512) ?? null,
    actor_id: null,
    actor_session_id: null,
  };
  Object.assign(session, await activeOrg.settleOrganization(tx, session));
  await tx.insertSession(session);
  // A joined client gets a new secret with no grace for the old one: whoever held the cookie before
  // this sign-in (a planted or leaked one) must not reach the new session, not even for a moment.
  if (joining) {
    await tx.updateClient(clientId, {
      token_hash: hashSecret(secret),
      previous_token_hash: null,
      rotated_at: t,
      token_seen_at: null,
      active_session_id: sessionId,
      updated_at: t,
    });
  }
  await tx.updateUser(user.id, { last_sign_in_at: t, updated_at: t });
  await tx.appendAudit({
    at: t,
    action: 'session.created',
    actor_id: user.id,
    subject_id: sessionId,
    ip: ctx.ip,
    user_agent: ctx.userAgent,
    data: JSON.stringify({ client: clientId, joined: joining, ...(secondFactorAt === null ? {} : { second_factor: true }) }),
  });
  return {
    user: toPublicUser({ ...user, last_sign_in_at: t, updated_at: t }),
    sessionId,
    sessionToken: (await mintWithClaims(deps, session, ctx, tx, enrolled)).token,
    clientToken: `${clientId}.${secret}`,
  };
}
