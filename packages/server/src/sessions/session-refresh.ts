// Refresh: a new session token from a client token, with the client token's rotation and theft
// detection, the session's lifetime and inactivity limits, and its organization settled again.

import { GatehouseError, isGatehouseError, type RequestContext, type SessionRefresh } from '@gatehouse/core';
import { hashSecret } from '../store/ids.js';
import { advanceClientToken } from './client-tokens.js';
import { endClient, mintWithClaims, parseClientToken, touched, type SessionDeps } from './session-core.js';
import type { ActiveOrganization } from './session-start.js';
import type { MembershipRow } from '../organizations/organization-store.js';
import type { Store } from '../store/types.js';

/** A refreshed session: the new token with its claims, and the rotated client token (null inside the grace window). */
export type RefreshResult = SessionRefresh;

/**
 * Mints a new session token from a client token, rotating the client token at most once per
 * grace window ({@link advanceClientToken}). The predecessor is accepted until its successor has
 * been presented (a lost answer signs no one out) and for the grace window after; after that, it
 * or any older token of the client is theft: every session of the client is revoked and audited.
 * @throws GatehouseError `client_invalid` (sign the browser out), `session_invalid`
 */
export async function refreshSession(
  deps: SessionDeps,
  activeOrg: ActiveOrganization,
  clientToken: string,
  ctx: RequestContext,
): Promise<RefreshResult> {
  const { store, now } = deps;
  const parsed = parseClientToken(clientToken);
  if (!parsed) throw new GatehouseError('client_invalid', 'The client token is not valid.');
  const presented = hashSecret(parsed.secret);
  // Failures that record what they found (theft, expiry, inactivity) are returned, not thrown, from
  // the transaction: throwing inside it would roll back the revocation, status and audit writes.
  const outcome = await store.transaction<RefreshResult | GatehouseError>(async (tx) => {
    // Locked until commit: of two instances refreshing this client at once, the second waits and
    // then sees the first one's rotation (inside the grace window) instead of rotating again.
    const client = await tx.findClientForUpdate(parsed.id);
    if (!client) throw new GatehouseError('client_invalid', 'The client token is not valid.');
    const t = now();
    const step = await advanceClientToken(deps, tx, client, presented);
    if (step === 'reuse') {
      await endClient(deps, tx, client, 'revoked', ctx, 'client.token_reuse');
      return new GatehouseError('client_invalid', 'The client token is not valid.');
    }
    if (step === 'unknown') throw new GatehouseError('client_invalid', 'The client token is not valid.');
    const rotated = step.rotated;
    const session = client.active_session_id ? await tx.findSession(client.active_session_id) : null;
    if (!session || (session.status !== 'active' && session.status !== 'pending'))
      throw new GatehouseError('session_invalid', 'There is no active session on this client.');
    if (Number(session.expire_at) <= t) {
      await tx.updateSession(session.id, { status: 'expired', ended_at: t, updated_at: t });
      deps.revocations.revoke(session.id, t);
      return new GatehouseError('session_invalid', 'The session has reached its maximum lifetime.');
    }
    if (session.abandon_at !== null && Number(session.abandon_at) <= t) {
      await tx.updateSession(session.id, { status: 'abandoned', ended_at: t, updated_at: t });
      deps.revocations.revoke(session.id, t);
      return new GatehouseError('session_invalid', 'The session ended after a period of inactivity.');
    }
    const user = await tx.findUserById(session.user_id);
    if (!user || user.banned === 1) throw new GatehouseError('session_invalid', 'The user can no longer sign in.');
    // The membership behind the active org may be gone; orgs-required sessions may become pending.
    // Settling and minting both read that membership: within this transaction, once.
    const reads = withMembershipReadOnce(tx);
    const activity = { ...touched(deps, t), ...(await activeOrg.settleOrganization(reads, session)) };
    await tx.updateSession(session.id, activity);
    const minted = await mintWithClaims(deps, { ...session, ...activity }, ctx, reads);
    return { userId: user.id, sessionId: session.id, sessionToken: minted.token, claims: minted.claims, clientToken: rotated };
  });
  if (isGatehouseError(outcome)) throw outcome;
  return outcome;
}

/** The store of a transaction, with each membership read once (nothing in between changes memberships). */
function withMembershipReadOnce(tx: Store): Store {
  const seen = new Map<string, Promise<MembershipRow | null>>();
  return {
    ...tx,
    findMembership(organizationId, userId) {
      const key = `${organizationId}\u0000${userId}`;
      let row = seen.get(key);
      if (!row) {
        row = tx.findMembership(organizationId, userId);
        seen.set(key, row);
      }
      return row;
    },
  };
}
