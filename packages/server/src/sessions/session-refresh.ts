// Refresh: a new session token from a client token, with the client token's rotation and theft
// detection, the session's lifetime and inactivity limits, and its organization settled again.

import { GatehouseError, isGatehouseError, type RequestContext, type SessionRefresh } from '@gatehouse/core';
import { hashSecret, newSecret } from '../store/ids.js';
import { advanceClientToken, retiredBefore } from './client-tokens.js';
import { endClient, mintWithClaims, parseClientToken, touched, type SessionDeps } from './session-core.js';
import type { ActiveOrganization } from './session-start.js';
import type { Store } from '../store/types.js';
import type { ClientRow, SessionRow } from './session-store.js';
import { sameRow, type RefreshSpeculation, type RefreshWrites, type SpeculativeRefreshRows } from './refresh-store.js';
import { LOCK_NEEDED, batchRefresh } from './refresh-batch.js';

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
  const parsed = parseClientToken(clientToken);
  if (!parsed) throw new GatehouseError('client_invalid', 'The client token is not valid.');
  const presented = hashSecret(parsed.secret);
  const unlocked = await refreshUnlocked(deps, activeOrg, parsed.id, presented, ctx);
  const outcome = unlocked ?? (await refreshLocking(deps, activeOrg, parsed.id, presented, ctx));
  if (isGatehouseError(outcome)) throw outcome;
  return outcome;
}

/**
 * The common refresh without a transaction. On PostgreSQL one statement reads the client and the
 * rows behind it and, when they show a plain refresh ({@link RefreshSpeculation}), makes its writes
 * too, values computed here beforehand; the decision then runs on the rows as read and must come to
 * exactly those writes (one round trip). Otherwise (and on SQLite, which reads first): decide and
 * mint, then write only if the client and its session are still as read (compare and swap). Null
 * when that does not hold or the refresh needs more (theft, an unknown or retired token, a second
 * factor's backup codes, a membership to look for): the locking path decides then.
 */
async function refreshUnlocked(
  deps: SessionDeps,
  activeOrg: ActiveOrganization,
  clientId: string,
  presented: string,
  ctx: RequestContext,
): Promise<RefreshResult | GatehouseError | null> {
  // One instant and one copy of the settings for the whole refresh: the write made ahead and the
  // decision must come from the same inputs. The secret a rotation hands out is made ahead too.
  const t = deps.now();
  const fixed: SessionDeps = { ...deps, now: () => t, settings: { ...deps.settings } };
  const secret = newSecret();
  const writing = deps.store.readClientRefreshRowsWriting;
  const read = writing
    ? await writing(clientId, speculation(fixed, presented, t, hashSecret(secret)))
    : { ...(await deps.store.readClientRefreshRows(clientId)), written: null };
  if (!read) return null; // the statement undid itself: nothing written
  const { client, written, ...rows } = read;
  if (!client) throw new GatehouseError('client_invalid', 'The client token is not valid.');
  const batch = batchRefresh(deps.store, rows, { locked: false });
  let result: RefreshResult | GatehouseError;
  try {
    result = await refreshLocked(fixed, activeOrg, batch.store, client, presented, ctx, () => secret);
  } catch (error) {
    if (written) throw disagreement();
    if (error === LOCK_NEEDED) return null;
    throw error;
  }
  const { session } = rows;
  if (written) {
    // Fail closed: the write made ahead is kept only with the decision that makes exactly it.
    if (isGatehouseError(result) || !session || !sameWrites(client, session, batch.held(), written, t, fixed)) throw disagreement();
    return result;
  }
  if (!session) return null;
  const expected = {
    client: pick(client, 'id', 'token_hash', 'previous_token_hash', 'token_seen_at', 'rotated_at', 'active_session_id'),
    session: pick(session, 'id', 'status', 'active_organization_id', 'updated_at'),
  };
  return (await deps.store.applyRefreshWritesIf(expected, batch.held())) ? result : null;
}

/** The plain refresh's inputs at `t` (see {@link RefreshSpeculation}). */
function speculation(deps: SessionDeps, presented: string, t: number, rotatedTokenHash: string): RefreshSpeculation {
  const { settings } = deps;
  return {
    presented,
    at: t,
    rotatedTokenHash,
    graceMs: settings.clientRotationGraceSeconds * 1000,
    abandonAt: touched(deps, t).abandon_at,
    pruneBefore: retiredBefore(deps, t),
    organizationsRequired: settings.organizationsRequired,
    secondFactorRequired: settings.secondFactorRequired,
  };
}

/**
 * Whether the decision's writes (`held`, on the rows as read) are exactly what the statement wrote:
 * the client and session rows it left are the rows as read with the decision's changes (the client
 * unchanged when the decision writes none), and it retired the token the decision retires (at `t`,
 * pruning what the decision prunes), or none.
 */
export function sameWrites(
  client: ClientRow,
  session: SessionRow,
  held: RefreshWrites,
  written: NonNullable<SpeculativeRefreshRows['written']>,
  t: number,
  deps: SessionDeps,
): boolean {
  const after = <T extends object>(row: T, changes: object): T => ({ ...row, ...definedOnly(changes) });
  const { retire } = held;
  return (
    (held.client === undefined || held.client.id === client.id) &&
    held.session?.id === session.id &&
    sameRow(written.client, after(client, held.client?.changes ?? {})) &&
    sameRow(written.session, after(session, held.session.changes)) &&
    (written.retired === null
      ? retire === undefined
      : retire !== undefined &&
        retire.clientId === client.id &&
        retire.tokenHash === written.retired &&
        retire.at === t &&
        retire.pruneBefore === retiredBefore(deps, t))
  );
}

const definedOnly = (changes: object): object => Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));

function disagreement(): Error {
  return new Error('A refresh was refused: its decision differs from the write made ahead of it');
}

function pick<T extends object, K extends keyof T>(row: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, row[key]])) as Pick<T, K>;
}

/** The refresh with the client row locked: five round trips on PostgreSQL, for every case. */
async function refreshLocking(
  deps: SessionDeps,
  activeOrg: ActiveOrganization,
  clientId: string,
  presented: string,
  ctx: RequestContext,
): Promise<RefreshResult | GatehouseError> {
  const { store } = deps;
  // Failures that record what they found (theft, expiry, inactivity) are returned, not thrown, from
  // the transaction: throwing inside it would roll back the revocation, status and audit writes.
  // On PostgreSQL a refresh is five round trips: begin, lock the client, read the rows behind it,
  // write, commit.
  return store.transaction<RefreshResult | GatehouseError>(async (locking) => {
    // Locked until commit: of two instances refreshing this client at once, the second waits and
    // then sees the first one's rotation (inside the grace window) instead of rotating again.
    const client = await locking.findClientForUpdate(clientId);
    if (!client) throw new GatehouseError('client_invalid', 'The client token is not valid.');
    // Read after the lock was granted (so nothing older than the lock holder's commit), in one go;
    // the writes below are held and applied together before the commit.
    const batch = batchRefresh(locking, await locking.readRefreshRows(client.active_session_id));
    const result = await refreshLocked(deps, activeOrg, batch.store, client, presented, ctx);
    await batch.flush();
    return result;
  });
}

/** The refresh of a locked client, on the transaction's (batched) store. */
async function refreshLocked(
  deps: SessionDeps,
  activeOrg: ActiveOrganization,
  tx: Store,
  client: ClientRow,
  presented: string,
  ctx: RequestContext,
  secrets?: () => string,
): Promise<RefreshResult | GatehouseError> {
  const t = deps.now();
  const step = await advanceClientToken(deps, tx, client, presented, secrets);
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
  // Settling and minting both read that membership (answered from the rows read after the lock).
  const activity = { ...touched(deps, t), ...(await activeOrg.settleOrganization(tx, session)) };
  await tx.updateSession(session.id, activity);
  const minted = await mintWithClaims(deps, { ...session, ...activity }, ctx, tx);
  return { userId: user.id, sessionId: session.id, sessionToken: minted.token, claims: minted.claims, clientToken: rotated };
}
