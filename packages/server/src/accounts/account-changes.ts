// A signed-in user's own account: change the password, add / verify / remove email addresses, choose the primary one, delete the account.

import { GatehouseError, type RequestContext, type EmailAddress } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import type { Store } from '../store/types.js';
import { checkPassword, hashPassword } from '../users/passwords.js';
import { normalizeEmail, toEmailAddress } from '../users/users.js';
import { isUniqueViolation } from '../store/db-errors.js';
import { renderMail } from '../mail/templates.js';
import type { EmailAddressRow } from './account-store.js';
import { checkNewPassword, normalizePassword } from './password-policy.js';
import { codeMinutes, checkCode, issueCode, type MailedCodeDeps } from './verification.js';
import { requireFresh, type Me } from '../factors/factor-checks.js';

/** The most addresses one user may hold. */
const MAX_ADDRESSES = 10;

export interface AccountChangeDeps extends MailedCodeDeps {
  /** Ends the user's live sessions inside `tx` except `keep` (revoked at once, audited); returns their ids. */
  endUserSessions: (tx: Store, userId: string, ctx: RequestContext, reason: string, keep?: string) => Promise<string[]>;
  /** Deletes the user (sessions revoked, memberships end, `user.deleted`). @throws GatehouseError `conflict` (last admin of an org) */
  deleteUser: (userId: string, ctx: RequestContext, actorId: string | null) => Promise<void>;
}

const NO_SUCH_ADDRESS = 'No such email address on this account.';

async function ownAddress(tx: Store, userId: string, addressId: string): Promise<EmailAddressRow> {
  const row = /^idn_[A-Za-z0-9]{20,64}$/.test(addressId) ? await tx.findEmailAddressById(addressId) : null;
  // Another user's address and an unknown id are the same answer.
  if (!row || row.user_id !== userId) throw new GatehouseError('not_found', NO_SUCH_ADDRESS);
  return row;
}

async function user(tx: Store, userId: string) {
  const row = await tx.findUserById(userId);
  if (!row) throw new GatehouseError('not_found', 'No such user.');
  return row;
}

/**
 * Checks the current password of a user who has one (users without one, from a provider, set a
 * first password without it). Wrong: 422 on the field, nothing written.
 */
async function requirePassword(storedHash: string | null, presented: string | undefined, field: string) {
  if (storedHash === null) return;
  const ok = await checkPassword(storedHash, normalizePassword(presented ?? ''));
  if (!ok) throw new GatehouseError('form_password_invalid', 'The current password is not correct.', { field });
}

export function createAccountChanges(deps: AccountChangeDeps) {
  const { store, now } = deps;

  async function audit(tx: Store, ctx: RequestContext, action: string, userId: string, data: Record<string, unknown> = {}) {
    await tx.appendAudit({
      at: now(),
      action,
      actor_id: userId,
      subject_id: userId,
      ip: ctx.ip,
      user_agent: ctx.userAgent,
      data: JSON.stringify(data),
    });
  }

  async function mailCode(tx: Store, address: EmailAddressRow): Promise<string> {
    const issued = await issueCode(tx, deps.masterSecret, now(), { purpose: 'email_address', targetId: address.id, ttlMs: deps.codeTtlMs });
    const mail = renderMail({
      kind: 'verification_code',
      appName: deps.appName,
      code: issued.code,
      link: null,
      minutes: codeMinutes(deps.codeTtlMs),
    });
    return deps.outbox.enqueue(tx, address.email, 'verification_code', mail);
  }

  return {
    /**
     * Changes the password: the current one is required (when there is one), the new one must pass
     * the policy. `signOutOfOtherSessions` ends every other session of the user. Audited as `user.password_changed`.
     * @throws GatehouseError `form_password_invalid` (field `currentPassword` or `newPassword`), `not_found`, `reverification_required` (asked through a session that did not verify recently)
     */
    async changePassword(
      userId: string,
      currentSessionId: string | null,
      input: { currentPassword?: string | undefined; newPassword: string; signOutOfOtherSessions?: boolean | undefined },
      ctx: RequestContext,
    ): Promise<{ sessionsEnded: number }> {
      const row = await user(store, userId);
      await requirePassword(row.password_hash, input.currentPassword, 'currentPassword');
      const password = checkNewPassword(input.newPassword, 'newPassword');
      const passwordHash = await hashPassword(password);
      return store.transaction(async (tx) => {
        // Asked through the user's own session: it must have verified recently (a stolen session must not lock the owner out).
        if (currentSessionId) await requireFresh(tx, { userId, sessionId: currentSessionId }, now());
        await tx.updateUser(userId, { password_hash: passwordHash, updated_at: now() });
        const ended = input.signOutOfOtherSessions
          ? await deps.endUserSessions(tx, userId, ctx, 'password_changed', currentSessionId ?? undefined)
          : [];
        await audit(tx, ctx, 'user.password_changed', userId, { sessionsEnded: ended.length });
        return { sessionsEnded: ended.length };
      });
    },

    /**
     * Adds an unverified address and mails it a code. An address held by any user is refused.
     * @throws GatehouseError `identifier_exists`, `conflict` (too many addresses), `bad_request`
     */
    async addEmailAddress(
      userId: string,
      emailAddress: string,
      ctx: RequestContext,
      options: { verified?: boolean | undefined } = {},
    ): Promise<EmailAddress> {
      const email = normalizeEmail(emailAddress);
      let mailId = '';
      const row = await store.transaction(async (tx) => {
        await user(tx, userId);
        if ((await tx.listEmailAddresses(userId)).length >= MAX_ADDRESSES)
          throw new GatehouseError('conflict', `An account holds at most ${MAX_ADDRESSES} email addresses.`);
        const exists = new GatehouseError('identifier_exists', 'This email address is already in use.', { field: 'emailAddress' });
        if ((await tx.findUserByEmail(email)) || (await tx.findEmailAddress(email))) throw exists;
        const t = now();
        // Verified from the start only when the backend says so (an admin who checked it): then no code is mailed.
        const verified = options.verified ? 1 : 0;
        const address: EmailAddressRow = { id: newId('idn'), user_id: userId, email, verified, created_at: t, updated_at: t };
        await tx.insertEmailAddress(address).catch((error: unknown) => {
          throw isUniqueViolation(error) ? exists : error;
        });
        await audit(tx, ctx, 'email_address.created', userId, { emailAddressId: address.id });
        if (!verified) mailId = await mailCode(tx, address);
        return address;
      });
      if (mailId) await deps.outbox.flush([mailId]);
      return toEmailAddress(row);
    },

    /**
     * The backend's way to mark an address verified (or not) without a code. Unverifying the primary
     * address is refused: it is how the user signs in.
     * @throws GatehouseError `not_found`, `conflict`
     */
    async setVerified(userId: string, addressId: string, verified: boolean, ctx: RequestContext): Promise<EmailAddress> {
      return store.transaction(async (tx) => {
        const address = await ownAddress(tx, userId, addressId);
        const owner = await user(tx, userId);
        if (!verified && owner.email === address.email) throw new GatehouseError('conflict', 'The primary address cannot be unverified.');
        await tx.updateEmailAddress(address.id, { verified: verified ? 1 : 0, updated_at: now() });
        await audit(tx, ctx, verified ? 'email_address.verified' : 'email_address.unverified', userId, {
          emailAddressId: address.id,
          via: 'backend',
        });
        return toEmailAddress({ ...address, verified: verified ? 1 : 0 });
      });
    },

    /** Sends a new code to an unverified address. @throws GatehouseError `not_found`, `conflict` (already verified) */
    async prepareEmailVerification(userId: string, addressId: string): Promise<EmailAddress> {
      let mailId = '';
      const row = await store.transaction(async (tx) => {
        const address = await ownAddress(tx, userId, addressId);
        if (address.verified === 1) throw new GatehouseError('conflict', 'This email address is already verified.');
        mailId = await mailCode(tx, address);
        return address;
      });
      await deps.outbox.flush([mailId]);
      return toEmailAddress(row);
    },

    /**
     * Verifies an address with its code.
     * @throws GatehouseError `not_found`, `form_code_incorrect`, `verification_expired`, `verification_failed`
     */
    async attemptEmailVerification(userId: string, addressId: string, code: string, ctx: RequestContext): Promise<EmailAddress> {
      const address = await ownAddress(store, userId, addressId);
      if (address.verified === 1) throw new GatehouseError('verification_failed', 'This email address is already verified.');
      await checkCode(store, deps.masterSecret, now(), ctx, { purpose: 'email_address', targetId: address.id, code });
      return store.transaction(async (tx) => {
        const t = now();
        await tx.updateEmailAddress(address.id, { verified: 1, updated_at: t });
        const owner = await user(tx, userId);
        if (owner.email === address.email) await tx.updateUser(userId, { email_verified: 1, updated_at: t });
        await audit(tx, ctx, 'email_address.verified', userId, { emailAddressId: address.id });
        return toEmailAddress({ ...address, verified: 1 });
      });
    },

    /**
     * Makes a verified address the primary one (the one that signs in and receives mail).
     * @throws GatehouseError `not_found`, `conflict` (not verified), `reverification_required`
     */
    async setPrimaryEmailAddress(userId: string, addressId: string, ctx: RequestContext, session: Me | null = null): Promise<void> {
      await store.transaction(async (tx) => {
        if (session) await requireFresh(tx, session, now());
        const address = await ownAddress(tx, userId, addressId);
        if (address.verified !== 1) throw new GatehouseError('conflict', 'Verify this email address before making it the primary one.');
        await tx.updateUser(userId, { email: address.email, email_verified: 1, updated_at: now() });
        await audit(tx, ctx, 'email_address.primary_changed', userId, { emailAddressId: address.id });
      });
    },

    /**
     * Removes an address. The primary one cannot go (it is how the user signs in and is reached):
     * make another one primary first.
     * @throws GatehouseError `not_found`, `conflict` (primary), `reverification_required`
     */
    async removeEmailAddress(userId: string, addressId: string, ctx: RequestContext, session: Me | null = null): Promise<void> {
      await store.transaction(async (tx) => {
        if (session) await requireFresh(tx, session, now());
        const address = await ownAddress(tx, userId, addressId);
        const owner = await user(tx, userId);
        if (owner.email === address.email)
          throw new GatehouseError('conflict', 'This is your primary email address: make another address primary before removing it.');
        await tx.deleteEmailAddress(address.id);
        await audit(tx, ctx, 'email_address.deleted', userId, { emailAddressId: address.id });
      });
    },

    /**
     * Deletes the account: every session ends, memberships end, `user.deleted` goes out. A user with
     * a password confirms with it.
     * @throws GatehouseError `form_password_invalid` (field `password`), `conflict` (the last admin of an organization), `reverification_required`
     */
    async deleteAccount(
      userId: string,
      input: { password?: string | undefined },
      ctx: RequestContext,
      session: Me | null = null,
    ): Promise<void> {
      const row = await user(store, userId);
      if (session) await requireFresh(store, session, now());
      await requirePassword(row.password_hash, input.password, 'password');
      await deps.deleteUser(userId, ctx, userId);
    },
  };
}
