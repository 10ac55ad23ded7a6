// Sign-up with email verification in Clerk's shape: an attempt stays `missing_requirements` until its address is verified by code or link; only then do the user and the session exist.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import type { Store } from '../store/types.js';
import type { UserRow } from '../users/user-store.js';
import { hashPassword } from '../users/passwords.js';
import { insertNewUser, normalizeEmail } from '../users/users.js';
import type { SignedInResult } from '../sessions/sessions.js';
import { renderMail } from '../mail/templates.js';
import type { SignUpAttemptRow } from './account-store.js';
import { checkNewPassword } from './password-policy.js';
import { codeMinutes, checkCode, consumeLink, issueCode, type MailedCodeDeps } from './verification.js';

/** How long a sign-up attempt can be finished (Clerk: a day). */
const ATTEMPT_TTL_MS = 24 * 60 * 60_000;

/** Clerk's SignUp resource, as the client SDK reads it. */
export interface SignUpResource {
  id: string;
  object: 'sign_up_attempt';
  status: 'missing_requirements' | 'complete' | 'abandoned';
  emailAddress: string;
  firstName: string | null;
  lastName: string | null;
  requiredFields: string[];
  missingFields: string[];
  unverifiedFields: string[];
  verifications: { emailAddress: { status: 'unverified' | 'verified'; strategy: 'email_code'; expireAt: number | null } };
  createdUserId: string | null;
  createdSessionId: string | null;
}

export interface SignUpDeps extends MailedCodeDeps {
  basePath: string;
  /** Where "someone tried to sign up" mails point (the app's sign-in page). */
  signInPath: string;
  startSession: (tx: Store, user: UserRow, ctx: RequestContext, clientToken: string | null) => Promise<SignedInResult>;
}

export function toSignUpResource(row: SignUpAttemptRow, codeExpireAt: number | null = null): SignUpResource {
  const verified = row.status === 'complete';
  return {
    id: row.id,
    object: 'sign_up_attempt',
    status: row.status,
    emailAddress: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    requiredFields: ['email_address', 'password'],
    missingFields: [],
    unverifiedFields: verified ? [] : ['email_address'],
    verifications: { emailAddress: { status: verified ? 'verified' : 'unverified', strategy: 'email_code', expireAt: codeExpireAt } },
    createdUserId: row.created_user_id,
    createdSessionId: row.created_session_id,
  };
}

export interface CompletedSignUp {
  signUp: SignUpResource;
  signedIn: SignedInResult;
}

const NO_SUCH_ATTEMPT = 'No such sign-up attempt (it may have expired). Start again.';

export function createSignUps(deps: SignUpDeps) {
  const { store, now } = deps;

  async function live(id: string): Promise<SignUpAttemptRow> {
    const row = /^sua_[a-z2-7]{26}$/.test(id) ? await store.findSignUpAttempt(id) : null;
    if (!row || Number(row.expire_at) <= now()) throw new GatehouseError('not_found', NO_SUCH_ATTEMPT);
    return row;
  }

  /**
   * Sends a code (and a link) to the attempt's address. An address that already has an account gets,
   * instead, a mail telling its owner that someone tried to sign up: the same rows, the same mail
   * count, the same answer, so the attempt cannot tell whether the address is taken.
   */
  async function prepare(tx: Store, row: SignUpAttemptRow, ctx: RequestContext, redirectUrl: string | null): Promise<string> {
    const t = now();
    const issued = await issueCode(tx, deps.masterSecret, t, {
      purpose: 'sign_up',
      targetId: row.id,
      withLink: true,
      ttlMs: deps.codeTtlMs,
    });
    if (row.taken === 1) {
      const signInUrl = new URL(deps.signInPath, ctx.origin ?? 'http://localhost').toString();
      return deps.outbox.enqueue(
        tx,
        row.email,
        'sign_up_attempted',
        renderMail({ kind: 'sign_up_attempted', appName: deps.appName, signInUrl, resetUrl: signInUrl }),
      );
    }
    const link = new URL(`${deps.basePath}/sign-ups/verify`, ctx.origin ?? 'http://localhost');
    link.searchParams.set('token', issued.linkToken ?? '');
    if (redirectUrl) link.searchParams.set('redirect_url', redirectUrl);
    return deps.outbox.enqueue(
      tx,
      row.email,
      'verification_code',
      renderMail({
        kind: 'verification_code',
        appName: deps.appName,
        code: issued.code,
        link: link.toString(),
        minutes: codeMinutes(deps.codeTtlMs),
      }),
    );
  }

  /** Creates the user and the session of a verified attempt, in one transaction with the attempt's completion. */
  async function complete(row: SignUpAttemptRow, ctx: RequestContext, clientToken: string | null): Promise<CompletedSignUp> {
    return store.transaction(async (tx) => {
      const current = await tx.findSignUpAttempt(row.id);
      if (!current || current.status !== 'missing_requirements')
        throw new GatehouseError('verification_failed', 'This sign-up is already finished.');
      const t = now();
      const user = await insertNewUser(
        tx,
        {
          email: current.email,
          passwordHash: current.password_hash,
          firstName: current.first_name,
          lastName: current.last_name,
          verified: true,
        },
        ctx,
        t,
        'sign_up',
      );
      const signedIn = await deps.startSession(tx, user, ctx, clientToken);
      // The password hash is no longer needed on the attempt: the user row holds it.
      const changes = {
        status: 'complete' as const,
        created_user_id: user.id,
        created_session_id: signedIn.sessionId,
        password_hash: null,
        updated_at: t,
      };
      await tx.updateSignUpAttempt(row.id, changes);
      return { signUp: toSignUpResource({ ...current, ...changes }), signedIn };
    });
  }

  return {
    /**
     * Starts a sign-up: checks the password policy, hashes the password (an address with an account
     * costs the same time) and stores the attempt; `prepare` also sends the code at once.
     * @throws GatehouseError `form_password_invalid` (422, field `password`)
     */
    async create(
      input: {
        email: string;
        password: string;
        firstName?: string | undefined;
        lastName?: string | undefined;
        redirectUrl?: string | undefined;
      },
      ctx: RequestContext,
      options: { prepare: boolean },
    ): Promise<SignUpResource> {
      const password = checkNewPassword(input.password);
      const email = normalizeEmail(input.email);
      const passwordHash = await hashPassword(password);
      const t = now();
      let mailId: string | null = null;
      const row = await store.transaction(async (tx) => {
        const taken = (await tx.findUserByEmail(email)) !== null || (await tx.findEmailAddress(email)) !== null;
        const attempt: SignUpAttemptRow = {
          id: newId('sua'),
          email,
          password_hash: taken ? null : passwordHash,
          first_name: input.firstName || null,
          last_name: input.lastName || null,
          status: 'missing_requirements',
          taken: taken ? 1 : 0,
          created_user_id: null,
          created_session_id: null,
          created_at: t,
          updated_at: t,
          expire_at: t + ATTEMPT_TTL_MS,
        };
        await tx.insertSignUpAttempt(attempt);
        await tx.appendAudit({
          at: t,
          action: 'sign_up.attempted',
          actor_id: null,
          subject_id: attempt.id,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: '{}',
        });
        if (options.prepare) mailId = await prepare(tx, attempt, ctx, input.redirectUrl ?? null);
        return attempt;
      });
      if (mailId) await deps.outbox.flush([mailId]);
      return toSignUpResource(row, options.prepare ? t + deps.codeTtlMs : null);
    },

    /** @throws GatehouseError `not_found` */
    async get(id: string): Promise<SignUpResource> {
      return toSignUpResource(await live(id));
    },

    /**
     * Sends a new code (`prepareEmailAddressVerification({ strategy: 'email_code' })`); the previous one stops working.
     * @throws GatehouseError `not_found`, `verification_failed` (already complete)
     */
    async prepareVerification(id: string, ctx: RequestContext, redirectUrl: string | null = null): Promise<SignUpResource> {
      const row = await live(id);
      if (row.status !== 'missing_requirements') throw new GatehouseError('verification_failed', 'This sign-up is already finished.');
      const mailId = await store.transaction((tx) => prepare(tx, row, ctx, redirectUrl));
      await deps.outbox.flush([mailId]);
      return toSignUpResource(row, now() + deps.codeTtlMs);
    },

    /** The address an attempt is for (the per-address rate limit's key); null for an unknown id. */
    async emailOf(id: string): Promise<string | null> {
      const row = /^sua_[a-z2-7]{26}$/.test(id) ? await store.findSignUpAttempt(id) : null;
      return row?.email ?? null;
    },

    /**
     * `attemptEmailAddressVerification({ code })`: a right code completes the sign-up (user, session).
     * An attempt for an address that has an account never completes and answers like a wrong code.
     * @throws GatehouseError `not_found`, `form_code_incorrect`, `verification_expired`, `verification_failed`
     */
    async attemptVerification(id: string, code: string, ctx: RequestContext, clientToken: string | null): Promise<CompletedSignUp> {
      const row = await live(id);
      if (row.status !== 'missing_requirements') throw new GatehouseError('verification_failed', 'This sign-up is already finished.');
      // A taken address's code was never mailed: every guess counts and fails the same way.
      await checkCode(store, deps.masterSecret, now(), ctx, {
        purpose: 'sign_up',
        targetId: row.id,
        code: row.taken === 1 ? 'never' : code,
      });
      return complete(row, ctx, clientToken);
    },

    /**
     * The link in the verification mail: completes the attempt and signs this browser in.
     * @throws GatehouseError `verification_failed`, `verification_expired`, `not_found`
     */
    async verifyLink(token: string, ctx: RequestContext, clientToken: string | null): Promise<CompletedSignUp> {
      const code = await consumeLink(store, now(), ctx, 'sign_up', token);
      const row = await live(code.target_id);
      if (row.taken === 1) throw new GatehouseError('verification_failed', 'This link is not valid. Ask for a new code.');
      if (row.status !== 'missing_requirements') throw new GatehouseError('verification_failed', 'This sign-up is already finished.');
      return complete(row, ctx, clientToken);
    },
  };
}
