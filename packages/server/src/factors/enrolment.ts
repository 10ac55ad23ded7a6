// Enrolling and removing factors: a TOTP authenticator (QR code and secret, confirmed by a code), backup codes, passkeys; and the admin's reset.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import QRCode from 'qrcode';
import { newId } from '../store/ids.js';
import type { UserFactorRow } from './factor-store.js';
import type { Store } from '../store/types.js';
import { sealText } from '../webhooks/secrets.js';
import { backupCodeHash, newBackupCodes, newTotpSecret, totpStep, totpUri } from './codes.js';
import { auditFactor, openTotpSecret, requireFresh, TOTP_CONTEXT, type FactorDeps, type Me } from './factor-checks.js';
import { finishRegistration, registrationOptions, relyingParty } from './passkeys.js';
import { secondFactorsOf } from './verification-age.js';

/** A user's factors as the profile and the dashboard show them (Clerk's `totpEnabled`, `backupCodeEnabled`, `twoFactorEnabled`, `passkeys`). */
export interface FactorSummary {
  totpEnabled: boolean;
  backupCodeEnabled: boolean;
  /** Unused backup codes left. */
  backupCodesRemaining: number;
  twoFactorEnabled: boolean;
  passkeys: { id: string; name: string; createdAt: number; lastUsedAt: number | null; backedUp: boolean; deviceType: string | null }[];
}

export function createEnrolment(deps: FactorDeps) {
  const { store, now } = deps;

  async function summary(tx: Store, userId: string): Promise<FactorSummary> {
    const factors = await secondFactorsOf(tx, userId);
    const passkeys = (await tx.listFactors(userId, 'passkey')).map((f) => ({
      id: f.id,
      name: f.name,
      createdAt: Number(f.created_at),
      lastUsedAt: f.last_used_at === null ? null : Number(f.last_used_at),
      backedUp: f.backed_up === 1,
      deviceType: f.device_type,
    }));
    return {
      totpEnabled: factors.totp,
      backupCodeEnabled: factors.backupCodes > 0,
      backupCodesRemaining: factors.backupCodes,
      twoFactorEnabled: factors.totp || passkeys.length > 0,
      passkeys,
    };
  }

  /** New backup codes replace the old ones; the plain codes are returned once and never stored. */
  async function issueBackupCodes(tx: Store, userId: string, t: number): Promise<string[]> {
    const codes = newBackupCodes();
    const rows = codes.map((code) => ({
      id: newId('bcode'),
      user_id: userId,
      code_hash: backupCodeHash(deps.masterSecret, userId, code),
      used_at: null,
      created_at: t,
    }));
    await tx.replaceBackupCodes(userId, rows);
    return codes;
  }

  return {
    /** The user's factors (no secrets). */
    list: (userId: string) => summary(store, userId),

    /**
     * Starts a TOTP enrolment: a new secret (replacing an unconfirmed one) with its `otpauth://` URI
     * and QR code. Nothing counts until {@link confirmTotp}.
     * @throws GatehouseError `reverification_required`, `conflict` (an authenticator is enrolled already)
     */
    async startTotp(me: Me, ctx: RequestContext): Promise<{ id: string; secret: string; uri: string; qrCode: string }> {
      const secret = newTotpSecret();
      const user = await store.findUserById(me.userId);
      if (!user) throw new GatehouseError('unauthenticated', 'You are not signed in.');
      const uri = totpUri(secret, deps.totpIssuer, user.email);
      const sealed = await sealText(secret, deps.masterSecret, TOTP_CONTEXT);
      const id = await store.transaction(async (tx) => {
        await requireFresh(tx, me, deps.now());
        const existing = await tx.listFactors(me.userId, 'totp');
        if (existing.some((f) => f.status === 'verified'))
          throw new GatehouseError('conflict', 'An authenticator app is enrolled already; remove it first.');
        await tx.deleteFactors(me.userId, 'totp');
        const t = now();
        const row = {
          id: newId('totp'),
          user_id: me.userId,
          kind: 'totp' as const,
          status: 'unverified' as const,
          name: 'Authenticator app',
        };
        await tx.insertFactor({
          ...row,
          secret_sealed: sealed,
          last_step: null,
          credential_id: null,
          public_key: null,
          device_type: null,
          last_used_at: null,
          created_at: t,
          updated_at: t,
        });
        await auditFactor(tx, t, 'factor.totp.started', { actorId: me.userId, userId: me.userId, subjectId: row.id }, ctx);
        return row.id;
      });
      return { id, secret, uri, qrCode: await QRCode.toDataURL(uri, { margin: 1, width: 200 }) };
    },

    /**
     * Confirms the TOTP enrolment with a current code from the app; the first confirmation also issues
     * backup codes (returned once). The session counts as having just verified its second factor.
     * @throws GatehouseError `code_invalid` (nothing changes), `not_found` (no enrolment started)
     */
    async confirmTotp(me: Me, code: string, ctx: RequestContext): Promise<{ backupCodes: string[] }> {
      return store
        .transaction(async (tx) => {
          const pending = (await tx.listFactors(me.userId, 'totp')).find((f) => f.status === 'unverified');
          if (!pending?.secret_sealed) throw new GatehouseError('not_found', 'Start adding an authenticator app first.');
          const t = now();
          const step = totpStep(await openTotpSecret(deps, pending.secret_sealed), code, t);
          if (step === null) {
            await auditFactor(tx, t, 'factor.totp.confirm_failed', { actorId: me.userId, userId: me.userId, subjectId: pending.id }, ctx);
            return null;
          }
          await tx.updateFactor(pending.id, { status: 'verified', last_step: step, last_used_at: t, updated_at: t });
          await tx.updateSession(me.sessionId, { second_factor_verified_at: t });
          const backupCodes = await issueBackupCodes(tx, me.userId, t);
          await auditFactor(tx, t, 'factor.totp.enrolled', { actorId: me.userId, userId: me.userId, subjectId: pending.id }, ctx);
          return { backupCodes };
        })
        .then((result) => {
          // Thrown outside the transaction so that the failure's audit row stays.
          if (!result) throw new GatehouseError('code_invalid', 'The code is incorrect. Try again.');
          return result;
        });
    },

    /** Removes the authenticator app and its backup codes. @throws GatehouseError `reverification_required`, `not_found` */
    async removeTotp(me: Me, ctx: RequestContext): Promise<void> {
      await store.transaction(async (tx) => {
        await requireFresh(tx, me, deps.now());
        const removed = await tx.deleteFactors(me.userId, 'totp');
        if (removed === 0) throw new GatehouseError('not_found', 'No authenticator app is enrolled.');
        await tx.replaceBackupCodes(me.userId, []);
        await auditFactor(tx, now(), 'factor.totp.removed', { actorId: me.userId, userId: me.userId }, ctx);
      });
    },

    /** Ten new backup codes (the old ones stop working). @throws GatehouseError `reverification_required`, `not_found` (no authenticator) */
    async regenerateBackupCodes(me: Me, ctx: RequestContext): Promise<string[]> {
      return store.transaction(async (tx) => {
        await requireFresh(tx, me, deps.now());
        if (!(await secondFactorsOf(tx, me.userId)).totp) throw new GatehouseError('not_found', 'Add an authenticator app first.');
        const t = now();
        const codes = await issueBackupCodes(tx, me.userId, t);
        await auditFactor(tx, t, 'factor.backup_codes.regenerated', { actorId: me.userId, userId: me.userId }, ctx);
        return codes;
      });
    },

    /** Options for navigator.credentials.create(). @throws GatehouseError `reverification_required` */
    async passkeyRegistrationOptions(me: Me, origin: string) {
      return store.transaction(async (tx) => {
        await requireFresh(tx, me, deps.now());
        const user = await tx.findUserById(me.userId);
        if (!user) throw new GatehouseError('unauthenticated', 'You are not signed in.');
        const existing = await tx.listFactors(me.userId, 'passkey');
        return registrationOptions(tx, now(), deps.passkeys, relyingParty(deps.passkeys, origin), user, existing);
      });
    },

    /** Stores a new passkey from the browser's answer. @throws GatehouseError `code_invalid`, `conflict` */
    async registerPasskey(
      me: Me,
      input: { challengeId: string; response: RegistrationResponseJSON; name?: string | undefined },
      origin: string,
      ctx: RequestContext,
    ) {
      const row = await store.transaction(async (tx) => {
        const t = now();
        const factor = await finishRegistration(tx, t, relyingParty(deps.passkeys, origin), me.userId, input);
        await auditFactor(tx, t, 'factor.passkey.registered', { actorId: me.userId, userId: me.userId, subjectId: factor.id }, ctx, {
          backed_up: factor.backed_up === 1,
        });
        return factor;
      });
      return { id: row.id, name: row.name };
    },

    /** @throws GatehouseError `not_found` */
    async renamePasskey(me: Me, id: string, name: string, ctx: RequestContext): Promise<void> {
      await store.transaction(async (tx) => {
        const factor = await passkeyOf(tx, me.userId, id);
        const t = now();
        await tx.updateFactor(factor.id, { name, updated_at: t });
        await auditFactor(tx, t, 'factor.passkey.renamed', { actorId: me.userId, userId: me.userId, subjectId: id }, ctx);
      });
    },

    /** @throws GatehouseError `reverification_required`, `not_found` */
    async removePasskey(me: Me, id: string, ctx: RequestContext): Promise<void> {
      await store.transaction(async (tx) => {
        await requireFresh(tx, me, deps.now());
        await passkeyOf(tx, me.userId, id);
        await tx.deleteFactor(me.userId, id);
        await auditFactor(tx, now(), 'factor.passkey.removed', { actorId: me.userId, userId: me.userId, subjectId: id }, ctx);
      });
    },

    /**
     * An instance admin's reset: every factor and backup code of the user goes (they sign in with the
     * password alone until they enrol again).
     */
    async resetFactors(userId: string, actorId: string | null, ctx: RequestContext): Promise<number> {
      return store.transaction(async (tx) => {
        const removed = await tx.deleteFactors(userId);
        await tx.replaceBackupCodes(userId, []);
        await auditFactor(tx, now(), 'factor.reset', { actorId, userId }, ctx, { removed });
        return removed;
      });
    },
  };
}

async function passkeyOf(tx: Store, userId: string, id: string): Promise<UserFactorRow> {
  const factor = await tx.findFactor(userId, id);
  if (!factor || factor.kind !== 'passkey') throw new GatehouseError('not_found', 'No such passkey.');
  return factor;
}
