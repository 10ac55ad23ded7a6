// Proving a factor: the second step of a sign-in (TOTP, backup code, passkey), signing in with a passkey alone, and reverifying a live session.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { ChallengePurpose, FactorChallengeRow } from './factor-store.js';
import type { Store } from '../store/types.js';
import type { SessionService, SignedInResult } from '../sessions/sessions.js';
import { checkPassword } from '../users/passwords.js';
import { findChallenge, MAX_CHALLENGE_FAILURES } from './challenges.js';
import { auditFactor, checkSecondFactorCode, liveSession, type CodeStrategy, type FactorDeps, type Me } from './factor-checks.js';
import { assertionOptions, relyingParty, verifyAssertion } from './passkeys.js';

export type SecondFactorInput =
  { strategy: CodeStrategy; code: string } | { strategy: 'passkey'; challengeId: string; response: AuthenticationResponseJSON };

export type ReverifyInput = SecondFactorInput | { strategy: 'password'; password: string };

const wrongCode = () => new GatehouseError('code_invalid', 'The code is incorrect. Try again.');
const expiredAttempt = () => new GatehouseError('session_invalid', 'This sign-in has expired. Sign in again.');

export function createVerification(deps: FactorDeps & { sessions: () => SessionService }) {
  const { store, now } = deps;

  /**
   * A WebAuthn assertion against a challenge of `purpose` (consumed whatever the outcome: an
   * assertion is good once). `owner`: only this user's passkeys count.
   */
  async function passkeyAssertion(
    tx: Store,
    purpose: ChallengePurpose,
    input: Extract<SecondFactorInput, { strategy: 'passkey' }>,
    origin: string,
    owner: string | null,
  ) {
    const t = now();
    const challenge = await findChallenge(tx, input.challengeId, purpose, t);
    if (!challenge?.challenge || (owner !== null && challenge.user_id !== owner) || !(await tx.consumeChallenge(challenge.id)))
      throw wrongCode();
    return verifyAssertion(tx, t, relyingParty(deps.passkeys, origin), challenge.challenge, input.response, owner);
  }

  /** Whether `input` proves a second factor of `userId`; wrong answers change nothing but the audit log. */
  async function proveSecondFactor(tx: Store, userId: string, input: SecondFactorInput, origin: string): Promise<boolean> {
    if (input.strategy === 'passkey') {
      return passkeyAssertion(tx, 'passkey_sign_in', input, origin, userId).then(
        () => true,
        () => false,
      );
    }
    return checkSecondFactorCode(deps, tx, userId, input.strategy, input.code);
  }

  async function attempt(secret: string | null): Promise<FactorChallengeRow> {
    const row = await findChallenge(store, secret, 'second_factor', now());
    if (!row?.user_id) throw expiredAttempt();
    return row;
  }

  return {
    /** The user a pending second-factor sign-in belongs to (the passkey options for that step). @throws GatehouseError `session_invalid` */
    async secondFactorPasskeyOptions(attemptSecret: string | null, origin: string) {
      const row = await attempt(attemptSecret);
      const userId = row.user_id ?? '';
      return store.transaction(async (tx) =>
        assertionOptions(tx, now(), relyingParty(deps.passkeys, origin), 'passkey_sign_in', {
          userId,
          passkeys: await tx.listFactors(userId, 'passkey'),
        }),
      );
    },

    /**
     * signIn.attemptSecondFactor(): the second step of a sign-in whose password was right. A right
     * answer ends the attempt and starts the session; a wrong one counts against the attempt, and
     * after {@link MAX_CHALLENGE_FAILURES} the attempt is gone (sign in again, password first).
     * @throws GatehouseError `code_invalid`, `session_invalid` (no such attempt, expired, locked out)
     */
    async attemptSecondFactor(
      attemptSecret: string | null,
      input: SecondFactorInput,
      ctx: RequestContext,
      clientToken: string | null,
      origin: string,
    ): Promise<SignedInResult> {
      const row = await attempt(attemptSecret);
      const userId = row.user_id ?? '';
      const outcome = await store.transaction(async (tx) => {
        const t = now();
        if (await proveSecondFactor(tx, userId, input, origin)) return (await tx.consumeChallenge(row.id)) ? 'ok' : 'gone';
        const failures = await tx.failChallenge(row.id);
        await auditFactor(tx, t, 'sign_in.second_factor_failed', { actorId: null, userId }, ctx, { strategy: input.strategy, failures });
        if (failures >= MAX_CHALLENGE_FAILURES) {
          await tx.consumeChallenge(row.id);
          await auditFactor(tx, t, 'sign_in.second_factor_locked', { actorId: null, userId }, ctx);
          return 'locked';
        }
        return 'wrong';
      });
      if (outcome === 'gone') throw expiredAttempt();
      if (outcome === 'locked') throw new GatehouseError('session_invalid', 'Too many incorrect codes. Sign in again.');
      if (outcome === 'wrong') throw wrongCode();
      return deps.sessions().completeSignIn(userId, ctx, clientToken, true);
    },

    /** Options for signing in with any discoverable passkey (the button, and the email field's autofill). */
    async passkeySignInOptions(origin: string) {
      return store.transaction((tx) =>
        assertionOptions(tx, now(), relyingParty(deps.passkeys, origin), 'passkey_sign_in', { userId: null }),
      );
    },

    /**
     * Signs in with a passkey alone: possession plus the authenticator's user verification, so it
     * counts as both factors. An assertion without user verification is refused.
     * @throws GatehouseError `code_invalid`
     */
    async signInWithPasskey(
      input: { challengeId: string; response: AuthenticationResponseJSON },
      ctx: RequestContext,
      clientToken: string | null,
      origin: string,
    ): Promise<SignedInResult> {
      const result = await store.transaction(async (tx) => {
        const challenge = await findChallenge(tx, input.challengeId, 'passkey_sign_in', now());
        // A challenge tied to one user belongs to a second-factor step, not to a passkey-only sign-in.
        if (challenge && challenge.user_id !== null) return null;
        return passkeyAssertion(tx, 'passkey_sign_in', { strategy: 'passkey', ...input }, origin, null).catch(() => null);
      });
      if (!result || !result.userVerified) {
        await auditFactor(store, now(), 'sign_in.passkey_failed', { actorId: null, userId: result?.factor.user_id ?? 'unknown' }, ctx);
        throw new GatehouseError('code_invalid', 'The passkey could not be verified.');
      }
      return deps.sessions().completeSignIn(result.factor.user_id, ctx, clientToken, true);
    },

    /** Passkey options to reverify the caller's session. */
    async reverifyPasskeyOptions(me: Me, origin: string) {
      return store.transaction(async (tx) => {
        await liveSession(tx, me);
        const passkeys = await tx.listFactors(me.userId, 'passkey');
        if (passkeys.length === 0) throw new GatehouseError('not_found', 'You have no passkey.');
        return assertionOptions(tx, now(), relyingParty(deps.passkeys, origin), 'passkey_sign_in', {
          userId: me.userId,
          sessionId: me.sessionId,
          passkeys,
        });
      });
    },

    /**
     * Reverification: the session proves a factor again (password: the first; TOTP or a backup code:
     * the second; a passkey: both) and gets a fresh token whose `fva` says so.
     * @throws GatehouseError `code_invalid` / `invalid_credentials` (nothing changes), `unauthenticated`
     */
    async reverify(me: Me, input: ReverifyInput, ctx: RequestContext, origin: string): Promise<{ sessionToken: string }> {
      const session = await liveSession(store, me);
      const failed = (error: GatehouseError) =>
        auditFactor(
          store,
          now(),
          'session.reverification_failed',
          { actorId: me.userId, userId: me.userId, subjectId: me.sessionId },
          ctx,
          {
            strategy: input.strategy,
          },
        ).then(() => Promise.reject(error));
      let first = false;
      if (input.strategy === 'password') {
        const user = await store.findUserById(me.userId);
        if (!(await checkPassword(user?.password_hash ?? null, input.password)))
          return failed(new GatehouseError('invalid_credentials', 'The password is incorrect.'));
        first = true;
      }
      const updated = await store.transaction(async (tx) => {
        const t = now();
        let second = false;
        if (input.strategy !== 'password') {
          second = await proveSecondFactor(tx, me.userId, input, origin);
          if (!second) return null;
          first = input.strategy === 'passkey';
        }
        const changes = { ...(first ? { factor_verified_at: t } : {}), ...(second ? { second_factor_verified_at: t } : {}), updated_at: t };
        await tx.updateSession(session.id, changes);
        await auditFactor(tx, t, 'session.reverified', { actorId: me.userId, userId: me.userId, subjectId: me.sessionId }, ctx, {
          strategy: input.strategy,
        });
        return { ...session, ...changes };
      });
      if (!updated) return failed(wrongCode());
      return { sessionToken: await deps.sessions().mintFor(updated, ctx) };
    },
  };
}
