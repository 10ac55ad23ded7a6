// Sign-up, sign-in, refresh with client-token rotation, and sign-out: the session lifecycle.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { checkPassword, hashPassword, needsRehash } from '../users/passwords.js';
import { createActiveOrganization } from '../organizations/active-organization.js';
import { endClient, findPresentedClient, mintFor, type SessionDeps } from './session-core.js';
import { createSessionControl } from './session-control.js';
import { refreshSession, type RefreshResult } from './session-refresh.js';
import { startSession, type ActiveOrganization, type SignedInResult } from './session-start.js';
import type { SessionRow } from './session-store.js';
import { openChallenge } from '../factors/challenges.js';
import { hasSecondFactor, secondFactorsOf } from '../factors/verification-age.js';
import { checkNewPassword, normalizePassword } from '../accounts/password-policy.js';
import { insertNewUser, normalizeEmail } from '../users/users.js';

export type { SessionDeps, SessionSettings } from './session-core.js';
export type { RefreshResult } from './session-refresh.js';
export type { SignedInResult } from './session-start.js';
export { normalizeEmail, type PublicUser } from '../users/users.js';

/** A sign-in whose password was right and that now waits for the second factor (Clerk's `needs_second_factor`). */
export interface NeedsSecondFactor {
  status: 'needs_second_factor';
  userId: string;
  /** Goes to the browser (an HttpOnly cookie); the attempt is found by its hash. */
  attemptSecret: string;
  supportedSecondFactors: { strategy: 'totp' | 'backup_code' | 'passkey' }[];
}

/** {@link startSession}'s arguments after the service's own dependencies. */
type StartArgs = Parameters<typeof startSession> extends [SessionDeps, ActiveOrganization, ...infer Rest] ? Rest : never;

export function createSessionService(deps: SessionDeps) {
  const { store, now } = deps;
  // Settings are read at use time: instance settings can change while the process runs.
  const activeOrg = createActiveOrganization(deps);
  const start = (...args: StartArgs) => startSession(deps, activeOrg, ...args);

  const service = {
    mintFor: (session: SessionRow, ctx: RequestContext) => mintFor(deps, session, ctx),
    /** Starts a session for a user another use case authenticated (a provider sign-in), inside its transaction. */
    startSession: start,
    ...createSessionControl(deps),
    setActiveOrganization: activeOrg.setActiveOrganization,
    mintForOrganization: activeOrg.mintForOrganization,

    /**
     * Creates a user with email + password and signs them in (on the browser's client in
     * multi-session mode, else on a new client: see {@link startSession}).
     * @param clientToken the `__client` cookie the browser presented, if any
     * @throws GatehouseError `identifier_exists`, `invalid_body`, `form_password_invalid` (the password policy)
     */
    async signUp(
      input: { email: string; password: string; firstName?: string | undefined; lastName?: string | undefined },
      ctx: RequestContext,
      clientToken: string | null = null,
    ): Promise<SignedInResult> {
      const email = normalizeEmail(input.email);
      const password = checkNewPassword(input.password);
      // Hash first so that an existing address costs the same time as a new one.
      const passwordHash = await hashPassword(password);
      return store.transaction(async (tx) => {
        const names = { firstName: input.firstName ?? null, lastName: input.lastName ?? null };
        const user = await insertNewUser(tx, { email, passwordHash, ...names }, ctx, now(), 'sign_up');
        return start(tx, user, ctx, clientToken);
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
      // Passwords are stored NFKC-normalised (the policy); one set before that may still be the raw form.
      const normalized = normalizePassword(input.password);
      const ok =
        (await checkPassword(user?.password_hash ?? null, normalized)) ||
        (normalized !== input.password && user?.password_hash ? await checkPassword(user.password_hash, input.password) : false);
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
        await store.updateUser(user.id, { password_hash: await hashPassword(normalized), updated_at: now() });
      // One transaction reads the factors once: the gate below and the new token's `fva` see the same ones.
      return store.transaction(async (tx) => {
        const factors = await secondFactorsOf(tx, user.id);
        // No second factor: the session starts, and its token says so without reading the factors again.
        if (!hasSecondFactor(factors)) return start(tx, user, ctx, clientToken, null, false);
        // The password is right, but no session exists until the second factor is verified too.
        const attempt = await openChallenge(tx, now(), { purpose: 'second_factor', userId: user.id });
        const supportedSecondFactors: NeedsSecondFactor['supportedSecondFactors'] = [];
        if (factors.totp) supportedSecondFactors.push({ strategy: 'totp' });
        if (factors.backupCodes > 0) supportedSecondFactors.push({ strategy: 'backup_code' });
        if (factors.passkeys > 0) supportedSecondFactors.push({ strategy: 'passkey' });
        return { status: 'needs_second_factor', userId: user.id, attemptSecret: attempt.secret, supportedSecondFactors };
      });
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
        return start(tx, user, ctx, clientToken, secondFactor ? now() : null);
      });
    },

    refresh: (clientToken: string, ctx: RequestContext): Promise<RefreshResult> => refreshSession(deps, activeOrg, clientToken, ctx),

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
