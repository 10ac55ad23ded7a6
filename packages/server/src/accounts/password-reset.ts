// Password reset in Clerk's shape: signIn.create({ strategy: 'reset_password_email_code', identifier }), attemptFirstFactor({ code }), resetPassword({ password }).

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import type { Store } from '../store/types.js';
import type { UserRow } from '../users/user-store.js';
import { hashPassword } from '../users/passwords.js';
import { normalizeEmail } from '../users/users.js';
import type { SignedInResult } from '../sessions/sessions.js';
import { renderMail } from '../mail/templates.js';
import { hasSecondFactorOf } from '../factors/verification-age.js';
import type { SignInAttemptRow } from './account-store.js';
import { checkNewPassword } from './password-policy.js';
import { codeMinutes, checkCode, issueCode, type MailedCodeDeps } from './verification.js';

const ATTEMPT_TTL_MS = 30 * 60_000;
const STRATEGY = 'reset_password_email_code';

/** Clerk's SignIn resource for the reset flow. */
export interface SignInResource {
  id: string;
  object: 'sign_in_attempt';
  status: 'needs_first_factor' | 'needs_new_password' | 'needs_second_factor' | 'complete';
  identifier: string | null;
  supportedFirstFactors: { strategy: typeof STRATEGY; safeIdentifier: string }[];
  firstFactorVerification: { status: 'unverified' | 'verified'; strategy: typeof STRATEGY };
  createdSessionId: string | null;
}

export interface PasswordResetDeps extends MailedCodeDeps {
  /** Whether a reset signs the user's other sessions out when the request does not say (instance setting, default on). */
  signOutOnReset: () => boolean;
  startSession: (tx: Store, user: UserRow, ctx: RequestContext, clientToken: string | null) => Promise<SignedInResult>;
  /** Ends every live session of the user inside `tx` (revoked at once, audited); returns their ids. */
  endUserSessions: (tx: Store, userId: string, ctx: RequestContext, reason: string) => Promise<string[]>;
}

/** `a***@example.com`: enough for a person to recognise the address, not to learn it. */
function safeIdentifier(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

function toResource(row: SignInAttemptRow): SignInResource {
  return {
    id: row.id,
    object: 'sign_in_attempt',
    status: row.status === 'needs_identifier' ? 'needs_first_factor' : row.status,
    identifier: row.identifier,
    supportedFirstFactors: [{ strategy: STRATEGY, safeIdentifier: safeIdentifier(row.identifier ?? '') }],
    firstFactorVerification: { status: row.first_factor_verified_at === null ? 'unverified' : 'verified', strategy: STRATEGY },
    createdSessionId: row.created_session_id,
  };
}

export interface ResetOutcome {
  signIn: SignInResource;
  /** The new session in this browser; null when the user has a second factor (they sign in again with the new password). */
  signedIn: SignedInResult | null;
}

export function createPasswordReset(deps: PasswordResetDeps) {
  const { store, now } = deps;
  const NO_SUCH = 'No such sign-in attempt (it may have expired). Start again.';

  async function live(id: string): Promise<SignInAttemptRow> {
    const row = /^sia_[a-z2-7]{26}$/.test(id) ? await store.findSignInAttempt(id) : null;
    if (!row || row.strategy !== STRATEGY || Number(row.expire_at) <= now()) throw new GatehouseError('not_found', NO_SUCH);
    return row;
  }

  /** A new code; mailed only when the address belongs to a user (an unknown address gets the same answer and no mail). */
  async function sendCode(tx: Store, row: SignInAttemptRow): Promise<string | null> {
    const issued = await issueCode(tx, deps.masterSecret, now(), { purpose: 'reset_password', targetId: row.id, ttlMs: deps.codeTtlMs });
    if (!row.user_id || !row.identifier) return null;
    const mail = renderMail({
      kind: 'reset_password_code',
      appName: deps.appName,
      code: issued.code,
      minutes: codeMinutes(deps.codeTtlMs),
    });
    return deps.outbox.enqueue(tx, row.identifier, 'reset_password_code', mail);
  }

  return {
    /**
     * Starts a reset for an address and mails the code. Known and unknown addresses get the same
     * answer (`needs_first_factor`): the flow never says whether an account exists.
     */
    async create(identifier: string, ctx: RequestContext): Promise<SignInResource> {
      const email = normalizeEmail(identifier);
      const t = now();
      let mailId: string | null = null;
      const row = await store.transaction(async (tx) => {
        const byPrimary = await tx.findUserByEmail(email);
        const address = byPrimary ? null : await tx.findEmailAddress(email);
        // Only a verified address can receive a reset code: an unverified one proves nothing about its holder.
        const userId = byPrimary?.id ?? (address && address.verified === 1 ? address.user_id : null);
        const attempt: SignInAttemptRow = {
          id: newId('sia'),
          identifier: email,
          user_id: userId,
          status: 'needs_first_factor',
          strategy: STRATEGY,
          first_factor_verified_at: null,
          second_factor_verified_at: null,
          created_session_id: null,
          created_at: t,
          updated_at: t,
          expire_at: t + ATTEMPT_TTL_MS,
        };
        await tx.insertSignInAttempt(attempt);
        await tx.appendAudit({
          at: t,
          action: 'password_reset.requested',
          actor_id: null,
          subject_id: userId,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: JSON.stringify({ attempt: attempt.id }),
        });
        mailId = await sendCode(tx, attempt);
        return attempt;
      });
      if (mailId) await deps.outbox.flush([mailId]);
      return toResource(row);
    },

    /** The address an attempt is for (the per-address rate limit's key); null for an unknown id. */
    async identifierOf(id: string): Promise<string | null> {
      const row = /^sia_[a-z2-7]{26}$/.test(id) ? await store.findSignInAttempt(id) : null;
      return row?.identifier ?? null;
    },

    /** `prepareFirstFactor`: a new code (the previous one stops working). @throws GatehouseError `not_found`, `verification_failed` */
    async prepare(id: string): Promise<SignInResource> {
      const row = await live(id);
      if (row.status !== 'needs_first_factor') throw new GatehouseError('verification_failed', 'The code was already verified.');
      const mailId = await store.transaction((tx) => sendCode(tx, row));
      if (mailId) await deps.outbox.flush([mailId]);
      return toResource(row);
    },

    /**
     * `attemptFirstFactor({ strategy: 'reset_password_email_code', code })`: a right code moves the attempt to `needs_new_password`.
     * @throws GatehouseError `not_found`, `form_code_incorrect`, `verification_expired`, `verification_failed`
     */
    async attemptFirstFactor(id: string, code: string, ctx: RequestContext): Promise<SignInResource> {
      const row = await live(id);
      if (row.status !== 'needs_first_factor') throw new GatehouseError('verification_failed', 'The code was already verified.');
      // An unknown address's code was never mailed: every guess counts and fails the same way.
      await checkCode(store, deps.masterSecret, now(), ctx, {
        purpose: 'reset_password',
        targetId: row.id,
        code: row.user_id ? code : 'never',
      });
      const t = now();
      const changes = { status: 'needs_new_password' as const, first_factor_verified_at: t, updated_at: t };
      await store.updateSignInAttempt(row.id, changes);
      return toResource({ ...row, ...changes });
    },

    /**
     * `resetPassword({ password, signOutOfOtherSessions })`: sets the new password (policy checked),
     * ends the user's other sessions (default: the instance setting, on), audits
     * `user.password_reset`, and signs this browser in (unless the user has a second factor).
     * @throws GatehouseError `not_found`, `verification_failed` (code not verified yet), `form_password_invalid`
     */
    async resetPassword(
      id: string,
      input: { password: string; signOutOfOtherSessions?: boolean | undefined },
      ctx: RequestContext,
      clientToken: string | null,
    ): Promise<ResetOutcome> {
      const row = await live(id);
      if (row.status !== 'needs_new_password' || !row.user_id)
        throw new GatehouseError('verification_failed', 'Verify the code from the mail first.');
      const password = checkNewPassword(input.password);
      const passwordHash = await hashPassword(password);
      const signOut = input.signOutOfOtherSessions ?? deps.signOutOnReset();
      const userId = row.user_id;
      const twoStep = await hasSecondFactorOf(store, userId);
      return store.transaction(async (tx) => {
        const current = await tx.findSignInAttempt(row.id);
        const user = await tx.findUserById(userId);
        if (current?.status !== 'needs_new_password' || !user || user.banned === 1)
          throw new GatehouseError('verification_failed', 'This reset can no longer be finished. Start again.');
        const t = now();
        await tx.updateUser(userId, { password_hash: passwordHash, updated_at: t });
        const ended = signOut ? await deps.endUserSessions(tx, userId, ctx, 'password_reset') : [];
        await tx.appendAudit({
          at: t,
          action: 'user.password_reset',
          actor_id: userId,
          subject_id: userId,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: JSON.stringify({ sessionsEnded: ended.length }),
        });
        const signedIn = twoStep ? null : await deps.startSession(tx, { ...user, password_hash: passwordHash }, ctx, clientToken);
        const changes = {
          status: twoStep ? ('needs_second_factor' as const) : ('complete' as const),
          created_session_id: signedIn?.sessionId ?? null,
          updated_at: t,
        };
        await tx.updateSignInAttempt(row.id, changes);
        return { signIn: toResource({ ...row, ...changes }), signedIn };
      });
    },
  };
}
