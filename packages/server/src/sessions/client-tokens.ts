// Client-token succession: which token of a client a cookie carries, when it rotates, and what counts as reuse (theft).

import { digestsEqual, hashSecret, newSecret } from '../store/ids.js';
import type { ClientRow } from './session-store.js';
import type { Store } from '../store/types.js';
import type { SessionDeps } from './session-core.js';

/**
 * Whether the predecessor of the current token is still good: until the current token (its
 * successor) has been presented, the answer that carried it may have been lost (a dropped
 * connection, a process killed after the commit), so the predecessor is all the browser has; once
 * the successor is seen, parallel requests that still carry the predecessor get the grace window.
 */
export function predecessorStillGood(client: ClientRow, t: number, graceMs: number): boolean {
  return client.token_seen_at === null || t - Number(client.token_seen_at) < graceMs;
}

/** Retired tokens older than this at `t` are past every session's lifetime: pruned when another is retired. */
export function retiredBefore(deps: SessionDeps, t: number): number {
  return t - deps.settings.maxLifetimeSeconds * 1000;
}

/** The outcome of presenting a client token to refresh: the new token to hand out (if any), or a verdict. */
export type ClientTokenStep = { rotated: string | null } | 'reuse' | 'unknown';

/**
 * Advances a client's token chain for a refresh that presented `presented` (a SHA-256 hex digest),
 * inside the caller's transaction with the client row locked. Rules (issue #15):
 * - the current token rotates at most once per grace window, and only once its predecessor is past
 *   the grace window after the current one was first seen (so the predecessor retires safely);
 * - the predecessor is accepted while the current token is unseen (a lost answer); then, after the
 *   grace window, a new current token replaces the unseen one, so the chain keeps moving;
 * - the predecessor after the grace window since its successor was seen, or any retired token, is
 *   reuse: the caller revokes the client;
 * - anything else is unknown (no alarm: a wrong secret for a known client id proves nothing).
 * `secrets` makes the new secret (given by a caller that wrote its hash ahead, see session-refresh.ts).
 */
export async function advanceClientToken(
  deps: SessionDeps,
  tx: Store,
  client: ClientRow,
  presented: string,
  secrets: () => string = newSecret,
): Promise<ClientTokenStep> {
  const t = deps.now();
  const graceMs = deps.settings.clientRotationGraceSeconds * 1000;
  const sinceRotation = t - Number(client.rotated_at);
  const issue = async (changes: { previous_token_hash?: string }): Promise<ClientTokenStep> => {
    const secret = secrets();
    await tx.updateClient(client.id, { token_hash: hashSecret(secret), ...changes, rotated_at: t, token_seen_at: null, updated_at: t });
    return { rotated: `${client.id}.${secret}` };
  };
  if (digestsEqual(presented, client.token_hash)) {
    const seenAt = client.token_seen_at === null ? t : Number(client.token_seen_at);
    const predecessorRetires = client.previous_token_hash === null || t - seenAt >= graceMs;
    if (sinceRotation < graceMs || !predecessorRetires) {
      if (client.token_seen_at === null) await tx.updateClient(client.id, { token_seen_at: t });
      return { rotated: null };
    }
    if (client.previous_token_hash !== null) {
      await tx.retireClientToken(client.id, client.previous_token_hash, t, retiredBefore(deps, t));
    }
    return issue({ previous_token_hash: client.token_hash });
  }
  if (client.previous_token_hash !== null && digestsEqual(presented, client.previous_token_hash)) {
    if (!predecessorStillGood(client, t, graceMs)) return 'reuse';
    // An unseen successor older than the grace window: its answer was lost. Parallel requests
    // inside the window share the one successor instead of replacing it each time.
    if (client.token_seen_at === null && sinceRotation >= graceMs) return issue({});
    return { rotated: null };
  }
  return (await tx.isRetiredClientToken(client.id, presented)) ? 'reuse' : 'unknown';
}
