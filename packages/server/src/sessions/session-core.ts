// Steps shared by every session use case: reading a client cookie, minting a session's token, and ending sessions (status, revocation, audit, the client's next active session).

import { encodeOrgClaims, mintSessionToken, type RequestContext, type SessionClaims } from '@gatehouse/core';
import type { ClaimStamps } from '../propagation/claim-stamps.js';
import type { Roles } from '../roles/roles.js';
import { renderSessionClaims, userShortcodes } from '../tokens/session-claims.js';
import { digestsEqual, hashSecret, secureRandom } from '../store/ids.js';
import type { InstanceKeys } from '../tokens/keys.js';
import { factorAges, sessionFva } from '../factors/verification-age.js';
import type { RevocationList } from '../propagation/revocation.js';
import type { ClientRow, SessionRow, SessionStatus } from './session-store.js';
import type { Store } from '../store/types.js';
import { predecessorStillGood } from './client-tokens.js';

export interface SessionSettings {
  issuer: string;
  sessionTokenTtlSeconds: number;
  maxLifetimeSeconds: number;
  inactivityTimeoutSeconds: number | null;
  clientRotationGraceSeconds: number;
  /** Several signed-in users per client (browser), one of them active. */
  multiSession: boolean;
  /** Every session needs an active organization; without one it is pending (choose-organization). */
  organizationsRequired: boolean;
  /** Every user needs a second factor; without one the session is pending (setup-mfa). */
  secondFactorRequired: boolean;
}

export interface SessionDeps {
  store: Store;
  keys: () => InstanceKeys;
  settings: SessionSettings;
  revocations: RevocationList;
  stamps: ClaimStamps;
  roles: Roles;
  /** The custom session-claims template, validated against the cookie budget; null for none. */
  sessionClaims: Record<string, unknown> | null;
  now: () => number;
}

/** The request context of calls that come from server code rather than from a browser. */
export const BACKEND_CONTEXT: RequestContext = Object.freeze({ ip: null, userAgent: null, origin: null });

export function isLive(session: SessionRow): boolean {
  return session.status === 'active' || session.status === 'pending';
}

/** Whether a live session is still inside its maximum lifetime and inactivity timeout at `t`. */
export function withinLimits(session: SessionRow, t: number): boolean {
  return Number(session.expire_at) > t && (session.abandon_at === null || Number(session.abandon_at) > t);
}

/** Who a session must belong to: its user, or the client (browser) it was made on. */
export type SessionOwner = { userId: string } | { clientId: string };

/**
 * Whether `session` can be acted on at `t`: it exists, is live, is inside its limits and, when an
 * owner is given, belongs to it.
 */
export function usableSession(session: SessionRow | null, t: number, owner?: SessionOwner): session is SessionRow {
  if (session === null || !isLive(session) || !withinLimits(session, t)) return false;
  if (owner === undefined) return true;
  return 'userId' in owner ? session.user_id === owner.userId : session.client_id === owner.clientId;
}

/** Splits `client_….secret`; null when it is not of that shape. */
export function parseClientToken(token: string): { id: string; secret: string } | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 256) return null;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!/^client_[a-z2-7]{26}$/.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { id, secret };
}

/**
 * The client a `__client` cookie names, when the cookie carries its current secret or a predecessor
 * that is still good ({@link predecessorStillGood}); null for anything else. Never records
 * theft: only refresh does that, so a stale cookie sent to sign-in or sign-out cannot end sessions.
 *
 * Use cases that go on to change the client lock its row first (`lock`), the order refresh uses
 * too (client, then sessions), so that on PostgreSQL they queue behind each other instead of
 * deadlocking.
 */
export async function findPresentedClient(deps: SessionDeps, tx: Store, token: string | null, lock = false): Promise<ClientRow | null> {
  const parsed = token ? parseClientToken(token) : null;
  if (!parsed) return null;
  const client = lock ? await tx.findClientForUpdate(parsed.id) : await tx.findClient(parsed.id);
  if (!client) return null;
  const presented = hashSecret(parsed.secret);
  if (digestsEqual(presented, client.token_hash)) return client;
  const graceMs = deps.settings.clientRotationGraceSeconds * 1000;
  if (
    client.previous_token_hash !== null &&
    predecessorStillGood(client, deps.now(), graceMs) &&
    digestsEqual(presented, client.previous_token_hash)
  ) {
    return client;
  }
  return null;
}

/**
 * Mints a session token (Clerk v2 claims) for a session: the active organization as `o`/`fea` (from
 * the membership as it is now), `sts` while pending, then the custom claims, which can never
 * override a default. `tx` must be the store of the transaction the caller is in, if any.
 */
export async function mintFor(deps: SessionDeps, session: SessionRow, ctx: RequestContext, tx: Store = deps.store): Promise<string> {
  return (await mintWithClaims(deps, session, ctx, tx)).token;
}

/**
 * {@link mintFor} with the token's claims: what a refresh hands back, so no caller verifies the
 * token it has just been given.
 * @param enrolled whether the user has a second factor, when the caller has just read that in `tx`
 *   (null: read here, for `fva`)
 */
export async function mintWithClaims(
  deps: SessionDeps,
  session: SessionRow,
  ctx: RequestContext,
  tx: Store = deps.store,
  enrolled: boolean | null = null,
): Promise<{ token: string; claims: SessionClaims }> {
  const { now, settings } = deps;
  const issuedAtMs = deps.stamps.mintTime(session.user_id, session.id, now());
  const iat = Math.floor(issuedAtMs / 1000);
  const claims: SessionClaims = {
    sub: session.user_id,
    sid: session.id,
    iss: settings.issuer,
    iat,
    nbf: iat - 5,
    exp: iat + settings.sessionTokenTtlSeconds,
    jti: secureRandom(10).toString('hex'),
    v: 2,
    iat_ms: issuedAtMs,
    fva: enrolled === null ? await sessionFva(tx, session, issuedAtMs) : factorAges(session, enrolled, issuedAtMs),
  };
  if (ctx.origin) claims.azp = ctx.origin;
  if (session.status === 'pending') claims.sts = 'pending';
  if (session.actor_id) {
    // Impersonation: the admin behind the session, and a token that never outlives the session's limit.
    claims.act = { sub: session.actor_id };
    claims.exp = Math.max(iat + 1, Math.min(claims.exp, Math.floor(Number(session.expire_at) / 1000)));
  }
  let org: Record<string, unknown> | null = null;
  let membership: Record<string, unknown> | null = null;
  if (session.active_organization_id) {
    const orgRow = await tx.findOrganization(session.active_organization_id);
    const member = orgRow ? await tx.findMembership(orgRow.id, session.user_id) : null;
    // A membership that is gone leaves the token without an org (never with the old one).
    if (orgRow && member) {
      const permissions = deps.roles.permissionsOf(member.role);
      Object.assign(claims, encodeOrgClaims({ id: orgRow.id, slug: orgRow.slug, role: member.role, permissions }));
      org = {
        id: orgRow.id,
        name: orgRow.name,
        slug: orgRow.slug,
        role: member.role.replace(/^org:/, ''),
        public_metadata: JSON.parse(orgRow.public_metadata),
      };
      membership = { permissions, public_metadata: JSON.parse(member.public_metadata) };
    }
  }
  if (deps.sessionClaims) {
    const user = await tx.findUserById(session.user_id);
    if (user) {
      const custom = renderSessionClaims(deps.sessionClaims, { user: userShortcodes(user), org, org_membership: membership });
      const payload = { ...custom, ...claims } as SessionClaims;
      return { token: await mintSessionToken(payload, deps.keys().signingKey), claims: payload };
    }
  }
  return { token: await mintSessionToken(claims, deps.keys().signingKey), claims };
}

/** The columns that record activity on a session (and push its inactivity deadline out). */
export function touched(deps: SessionDeps, t: number): { last_active_at: number; updated_at: number; abandon_at: number | null } {
  const timeout = deps.settings.inactivityTimeoutSeconds;
  return { last_active_at: t, updated_at: t, abandon_at: timeout ? t + timeout * 1000 : null };
}

/**
 * The session a client should switch to when its active one ends: its most recently active live
 * session that is inside its limits and whose user may still sign in; null when there is none.
 */
export async function nextActiveSession(deps: SessionDeps, tx: Store, clientId: string, t: number): Promise<SessionRow | null> {
  const candidates = (await tx.listSessionsOfClient(clientId))
    .filter((s) => usableSession(s, t))
    .sort((a, b) => Number(b.last_active_at) - Number(a.last_active_at));
  for (const session of candidates) {
    const user = await tx.findUserById(session.user_id);
    if (user && user.banned !== 1) return session;
  }
  return null;
}

export interface EndOptions {
  status: Extract<SessionStatus, 'ended' | 'revoked'>;
  /** The audit action written once per ended session, e.g. `session.ended`. */
  action: string;
  /** Who asked (a user id), or null for server code. */
  actorId: string | null;
  /** Why, recorded in the audit row: the sign-out scope or the use case. */
  reason: string;
  ctx: RequestContext;
}

export interface EndOutcome {
  /** The sessions this call ended (those already over are left out). */
  ended: string[];
  /** For each client whose active session was ended: the session it switched to, or null. */
  activeByClient: Map<string, string | null>;
}

/**
 * Ends those of `sessions` that are still live: sets the status, puts each id on the in-memory
 * revocation list (so a still-unexpired token is refused on the next request), writes one audit
 * row per session, and moves each affected client's active session to another live one, if any.
 */
export async function endSessions(deps: SessionDeps, tx: Store, sessions: readonly SessionRow[], options: EndOptions): Promise<EndOutcome> {
  const t = deps.now();
  // Lock order: clients (sorted), then sessions, the order refresh takes them in, so that ending
  // sessions while their client refreshes on another instance waits instead of deadlocking.
  for (const clientId of [...new Set(sessions.map((s) => s.client_id))].sort()) await tx.findClientForUpdate(clientId);
  const ended = await tx.endLiveSessions(
    sessions.map((s) => s.id),
    options.status,
    t,
  );
  const endedSet = new Set(ended);
  const clientIds = new Set<string>();
  for (const session of sessions) {
    if (!endedSet.has(session.id)) continue;
    endedSet.delete(session.id); // a session listed twice is audited once
    clientIds.add(session.client_id);
    deps.revocations.revoke(session.id, t);
    await tx.appendAudit({
      at: t,
      action: options.action,
      actor_id: options.actorId,
      subject_id: session.id,
      ip: options.ctx.ip,
      user_agent: options.ctx.userAgent,
      data: JSON.stringify({ user: session.user_id, client: session.client_id, reason: options.reason }),
    });
  }
  const activeByClient = new Map<string, string | null>();
  for (const clientId of clientIds) {
    const client = await tx.findClient(clientId);
    if (!client?.active_session_id || !ended.includes(client.active_session_id)) continue;
    const next = await nextActiveSession(deps, tx, clientId, t);
    await tx.updateClient(clientId, { active_session_id: next?.id ?? null, updated_at: t });
    activeByClient.set(clientId, next?.id ?? null);
  }
  return { ended, activeByClient };
}

/** Ends every live session of a client (one audit row for the client) and remembers them as revoked. */
export async function endClient(
  deps: SessionDeps,
  tx: Store,
  client: ClientRow,
  status: 'ended' | 'revoked',
  ctx: RequestContext,
  action: string,
): Promise<string[]> {
  const t = deps.now();
  const ended = await tx.endLiveSessionsOfClient(client.id, status, t);
  await tx.updateClient(client.id, { active_session_id: null, updated_at: t });
  for (const id of ended) deps.revocations.revoke(id, t);
  await tx.appendAudit({
    at: t,
    action,
    actor_id: null,
    subject_id: client.id,
    ip: ctx.ip,
    user_agent: ctx.userAgent,
    data: JSON.stringify({ sessions: ended }),
  });
  return ended;
}
