// One-time email codes (and links): 6 digits from a CSPRNG, stored as a keyed hash, 10 minutes, single use, at most 5 attempts, compared in constant time, audited.

import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';
import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { hashSecret, newId, newSecret } from '../store/ids.js';
import type { Store } from '../store/types.js';
import type { MailOutbox } from '../mail/outbox.js';
import type { VerificationCodeRow, VerificationPurpose } from './account-store.js';

export const MAX_CODE_ATTEMPTS = 5;

/** What every flow that mails a code needs: the store, the keyed-hash secret, the clock, the mail outbox and the wording. */
export interface MailedCodeDeps {
  store: Store;
  masterSecret: string;
  now: () => number;
  outbox: MailOutbox;
  /** How long a mailed code works. */
  codeTtlMs: number;
  appName: string;
}

/** The lifetime as the mail states it, in whole minutes (at least one). */
export function codeMinutes(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs / 60_000));
}

export interface IssuedCode {
  code: string;
  /** The link's secret (only with `withLink`); goes into the mail, stored as its hash. */
  linkToken: string | null;
}

/** The key of the code hashes: a database dump alone cannot be searched for the million possible codes. */
function codeKey(masterSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterSecret, 'gatehouse', 'gatehouse:email-codes:v1', 32));
}

function codeHash(masterSecret: string, rowId: string, code: string): string {
  return createHmac('sha256', codeKey(masterSecret)).update(`${rowId}:${code}`).digest('hex');
}

/**
 * A new code for a target (a sign-up attempt, a sign-in attempt, an address); any older one of the
 * same target and purpose is superseded (only the newest counts).
 */
export async function issueCode(
  tx: Store,
  masterSecret: string,
  t: number,
  fields: { purpose: VerificationPurpose; targetId: string; withLink?: boolean; ttlMs: number },
): Promise<IssuedCode> {
  const id = newId('vc');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const linkToken = fields.withLink ? newSecret() : null;
  await tx.insertVerificationCode({
    id,
    purpose: fields.purpose,
    target_id: fields.targetId,
    code_hash: codeHash(masterSecret, id, code),
    link_hash: linkToken ? hashSecret(linkToken) : null,
    attempts: 0,
    expire_at: t + fields.ttlMs,
    consumed_at: null,
    created_at: t,
  });
  return { code, linkToken };
}

async function audit(store: Store, t: number, ctx: RequestContext, action: string, subjectId: string, data: Record<string, unknown>) {
  await store.appendAudit({
    at: t,
    action,
    actor_id: null,
    subject_id: subjectId,
    ip: ctx.ip,
    user_agent: ctx.userAgent,
    data: JSON.stringify(data),
  });
}

/**
 * Checks a code against the newest one of the target and consumes it. The attempt is counted
 * before the comparison (atomically), so parallel guesses cannot exceed the limit. Every outcome is audited.
 * @throws GatehouseError `verification_failed` (no code, used, or too many attempts: ask for a new
 *   one), `verification_expired`, `form_code_incorrect` (field `code`)
 */
export async function checkCode(
  store: Store,
  masterSecret: string,
  t: number,
  ctx: RequestContext,
  fields: { purpose: VerificationPurpose; targetId: string; code: string },
): Promise<void> {
  const row = await store.findLatestVerificationCode(fields.targetId, fields.purpose);
  const fail = async (code: 'verification_failed' | 'verification_expired' | 'form_code_incorrect', message: string, reason: string) => {
    await audit(store, t, ctx, 'verification.failed', fields.targetId, { purpose: fields.purpose, reason });
    return new GatehouseError(code, message, code === 'form_code_incorrect' ? { field: 'code' } : undefined);
  };
  if (!row) throw await fail('verification_failed', 'No code was sent for this attempt. Ask for a new code.', 'none');
  if (row.consumed_at !== null) throw await fail('verification_failed', 'This code was already used. Ask for a new code.', 'used');
  if (Number(row.expire_at) <= t) throw await fail('verification_expired', 'This code has expired. Ask for a new code.', 'expired');
  const attempts = await store.countVerificationAttempt(row.id, MAX_CODE_ATTEMPTS);
  if (attempts === null) throw await fail('verification_failed', 'Too many wrong codes. Ask for a new code.', 'attempts_exhausted');
  if (!codeMatches(masterSecret, row, fields.code)) {
    const left = MAX_CODE_ATTEMPTS - attempts;
    throw await fail(
      'form_code_incorrect',
      left > 0
        ? `The code is incorrect. ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`
        : 'The code is incorrect. Ask for a new code.',
      'incorrect',
    );
  }
  if (!(await store.consumeVerificationCode(row.id, t)))
    throw await fail('verification_failed', 'This code was already used. Ask for a new code.', 'used');
  await audit(store, t, ctx, 'verification.succeeded', fields.targetId, { purpose: fields.purpose });
}

/** Constant-time comparison of keyed hashes; anything but six digits never matches. */
function codeMatches(masterSecret: string, row: VerificationCodeRow, presented: string): boolean {
  const code = presented.replace(/\s+/g, '');
  const valid = /^\d{6}$/.test(code);
  const expected = Buffer.from(row.code_hash, 'hex');
  const actual = Buffer.from(codeHash(masterSecret, row.id, valid ? code : '------'), 'hex');
  return timingSafeEqual(expected, actual) && valid;
}

/**
 * The live code row a link token opens, consumed; the link is the code's alternative, so using
 * either spends both.
 * @throws GatehouseError `verification_failed` (unknown or used link), `verification_expired`
 */
export async function consumeLink(
  store: Store,
  t: number,
  ctx: RequestContext,
  purpose: VerificationPurpose,
  token: string,
): Promise<VerificationCodeRow> {
  const row = token.length <= 128 ? await store.findVerificationCodeByLink(hashSecret(token)) : null;
  const fail = async (code: 'verification_failed' | 'verification_expired', message: string, reason: string) => {
    await audit(store, t, ctx, 'verification.failed', row?.target_id ?? 'unknown', { purpose, reason, via: 'link' });
    return new GatehouseError(code, message);
  };
  if (!row || row.purpose !== purpose) throw await fail('verification_failed', 'This link is not valid. Ask for a new code.', 'unknown');
  if (row.consumed_at !== null) throw await fail('verification_failed', 'This link was already used.', 'used');
  if (Number(row.expire_at) <= t) throw await fail('verification_expired', 'This link has expired. Ask for a new code.', 'expired');
  const latest = await store.findLatestVerificationCode(row.target_id, purpose);
  if (!latest || latest.id !== row.id) throw await fail('verification_failed', 'A newer code was sent; use that one.', 'superseded');
  if (!(await store.consumeVerificationCode(row.id, t))) throw await fail('verification_failed', 'This link was already used.', 'used');
  await audit(store, t, ctx, 'verification.succeeded', row.target_id, { purpose, via: 'link' });
  return row;
}
