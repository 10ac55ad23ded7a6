// Sign-up, sign-in, refresh with client-token rotation, and sign-out: the session lifecycle.

import { GatehouseError, isGatehouseError, type RequestContext, type SessionRefresh } from '@gatehouse/core';
import { hashSecret, newId, newSecret } from '../store/ids.js';
import { checkPassword, hashPassword, needsRehash } from '../users/passwords.js';
import { createActiveOrganization } from '../organizations/active-organization.js';
import {
  endClient,
  endSessions,
  findPresentedClient,
  mintFor,
  mintWithClaims,
  parseClientToken,
  touched,
  type SessionDeps,
} from './session-core.js';
import { createSessionControl } from './session-control.js';
import { advanceClientToken } from './client-tokens.js';
import type { MembershipRow } from '../organizations/organization-store.js';
import type { SessionRow } from './session-store.js';
import type { Store } from '../store/types.js';
import type { UserRow } from '../users/user-store.js';
import { openChallenge } from '../factors/challenges.js';
import { hasSecondFactor, secondFactorsOf } from '../factors/verification-age.js';
import { insertNewUser, normalizeEmail, toPublicUser, type PublicUser } from '../users/users.js';

export type { SessionDeps, SessionSettings } from './session-core.js';
export { normalizeEmail, toPublicUser, type PublicUser } from '../users/users.js';

export interface SignedInResult {
  user: PublicUser;
  sessionId: string;
  sessionToken: string;
  clientToken: string;
}

/** A sign-in whose password was right and that now waits for the second factor (Clerk's `needs_second_factor`). */
export interface NeedsSecondFactor {
  status: 'needs_second_factor';
  userId: string;
  /** Goes to the browser (an HttpOnly cookie); the attempt is found by its hash. */
  attemptSecret: string;
  supportedSecondFactors: { strategy: 'totp' | 'backup_code' | 'passkey' }[];
}

/** A refreshed session: the new token with its claims, and the rotated client token (null inside the grace window). */
export type RefreshResult = SessionRefresh;

export function createSessionService(deps: SessionDeps) {
  const { store, settings, now } = deps;
  // Settings are read at use time: instance settings can change while the process runs.
  const activeOrg = createActiveOrganization(deps);

  /**
   * Starts a session for a user who just proved who they are. In multi-session mode a browser that
   * presents a live client keeps it: the session joins that client and becomes its active one.
   * Otherwise the session gets a brand-new client, and in single-session mode the live sessions of
   * the client the browser presented end first (one signed-in user per browser). Either way the
   * session id and the client secret are new, so a cookie planted before sign-in never becomes an
   * authenticated one (session fixation).
   */
  async function startSession(
    tx: Store,
    user: UserRow,
    ctx: RequestContext,
    presentedToken: string | null,
    secondFactorAt: number | null = null,
  ): Promise<SignedInResult> {
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
      sessionToken: await mintFor(deps, session, ctx, tx),
      clientToken: `${clientId}.${secret}`,
    };
  }

  const service = {
    mintFor: (session: SessionRow, ctx: RequestContext) => mintFor(deps, session, ctx),
    /** Starts a session for a user another use case authenticated (a provider sign-in), inside its transaction. */
    startSession,
    ...createSessionControl(deps),
    setActiveOrganization: activeOrg.setActiveOrganization,
    mintForOrganization: activeOrg.mintForOrganization,

    /**
     * Creates a user with email + password and signs them in (on the browser's client in
     * multi-session mode, else on a new client: see {@link startSession}).
     * @param clientToken the `__client` cookie the browser presented, if any
     * @throws GatehouseError `identifier_exists`, `invalid_body`
     */
    async signUp(
      input: { email: string; password: string; firstName?: string | undefined; lastName?: string | undefined },
      ctx: RequestContext,
      clientToken: string | null = null,
    ): Promise<SignedInResult> {
      const email = normalizeEmail(input.email);
      // Hash first so that an existing address costs the same time as a new one.
      const passwordHash = await hashPassword(input.password);
      return store.transaction(async (tx) => {
        const names = { firstName: input.firstName ?? null, lastName: input.lastName ?? null };
        const user = await insertNewUser(tx, { email, passwordHash, ...names }, ctx, now(), 'sign_up');
        return startSession(tx, user, ctx, clientToken);
      });
    },

    /**
     * {@link attemptSignIn} for server code that needs a session: a user with a second factor cannot
     * be signed in by a password alone, so that is refused.
     * @throws GatehouseError `invalid_credentials`, `forbidden` (the user has a second factor)
     */
    async signIn(
      input: { email: string; password: string },
      ctx: RequestContext,
      clientToken: string | null = null,
    ): Promise<SignedInResult> {
      const result = await service.attemptSignIn(input, ctx, clientToken);
      if ('status' in result) throw new GatehouseError('forbidden', 'This account has a second factor: sign in through the auth API.');
      return result;
    },

    /**
     * Checks email + password and starts a session: a new session id and client secret on every
     * sign-in, so a planted client cookie never becomes an authenticated one. In multi-session mode
     * the session joins the browser's live client and becomes active; in single-session mode the
     * browser's previous sessions end and a brand-new client is created. A user with a second factor
     * gets no session yet: `needs_second_factor` and an attempt for the factor service to finish.
     * @param clientToken the `__client` cookie the browser presented, if any
     * @throws GatehouseError `invalid_credentials` (same message whether or not the account exists)
     */
    async attemptSignIn(
      input: { email: string; password: string },
      ctx: RequestContext,
      clientToken: string | null = null,
    ): Promise<SignedInResult | NeedsSecondFactor> {
      const email = normalizeEmail(input.email);
      const user = await store.findUserByEmail(email);
      const ok = await checkPassword(user?.password_hash ?? null, input.password);
      if (!user || !ok || user.banned === 1) {
        await store.appendAudit({
          at: now(),
          action: 'sign_in.failed',
          actor_id: null,
          subject_id: user?.id ?? null,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: '{}',
        });
        throw new GatehouseError('invalid_credentials', 'The email address or password is incorrect.');
      }
      // An imported digest (or an argon2 hash with older parameters) is replaced by today's argon2id
      // now that the password is known, whether or not a second factor follows.
      if (user.password_hash && needsRehash(user.password_hash))
        await store.updateUser(user.id, { password_hash: await hashPassword(input.password), updated_at: now() });
      const factors = await secondFactorsOf(store, user.id);
      if (hasSecondFactor(factors)) {
        // The password is right, but no session exists until the second factor is verified too.
        const attempt = await store.transaction((tx) => openChallenge(tx, now(), { purpose: 'second_factor', userId: user.id }));
        const supportedSecondFactors: NeedsSecondFactor['supportedSecondFactors'] = [];
        if (factors.totp) supportedSecondFactors.push({ strategy: 'totp' });
        if (factors.backupCodes > 0) supportedSecondFactors.push({ strategy: 'backup_code' });
        if (factors.passkeys > 0) supportedSecondFactors.push({ strategy: 'passkey' });
        return { status: 'needs_second_factor', userId: user.id, attemptSecret: attempt.secret, supportedSecondFactors };
      }
      return store.transaction((tx) => startSession(tx, user, ctx, clientToken));
    },

    /**
     * Starts the session of a sign-in whose factors the caller has just verified (the second factor,
     * or a passkey, which is both). Only server code that verified them calls this.
     * @param secondFactor whether a second factor was verified (sets the session's `fva[1]`)
     * @throws GatehouseError `invalid_credentials` when the user is gone or banned
     */
    async completeSignIn(userId: string, ctx: RequestContext, clientToken: string | null, secondFactor: boolean): Promise<SignedInResult> {
      return store.transaction(async (tx) => {
        const user = await tx.findUserById(userId);
        if (!user || user.banned === 1) throw new GatehouseError('invalid_credentials', 'This account cannot sign in.');
        return startSession(tx, user, ctx, clientToken, secondFactor ? now() : null);
      });
    },

    /**
     * Mints a new session token from a client token, rotating the client token at most once per
     * grace window ({@link advanceClientToken}). The predecessor is accepted until its successor has
     * been presented (a lost answer signs no one out) and for the grace window after; after that, it
     * or any older token of the client is theft: every session of the client is revoked and audited.
     * @throws GatehouseError `client_invalid` (sign the browser out), `session_invalid`
     */
    async refresh(clientToken: string, ctx: RequestContext): Promise<RefreshResult> {
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
    },

    /**
     * Ends every live session of the client that presents this token (the current one, or the
     * previous one inside the grace window); returns the ended ids. Unknown tokens are a no-op.
     */
    async signOut(clientToken: string | null, ctx: RequestContext): Promise<string[]> {
      return store.transaction(async (tx) => {
        const client = await findPresentedClient(deps, tx, clientToken, true);
        return client ? endClient(deps, tx, client, 'ended', ctx, 'session.ended') : [];
      });
    },
  };
  return service;
}

export type SessionService = ReturnType<typeof createSessionService>;

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
