// The one-time codes of the second factor: TOTP (RFC 6238 through otpauth) and backup codes (random, stored as a keyed hash).

import { createHmac, hkdfSync, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
const PERIOD = 30;
const DIGITS = 6;

/** A new TOTP secret: 160 random bits (RFC 4226's recommended length), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/…` URI an authenticator app scans (from the QR code). */
export function totpUri(secret: string, issuer: string, account: string): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD }).toString();
}

/**
 * The time step a code belongs to when it is valid at `nowMs` (one step of drift either way), else
 * null. The caller accepts each step once per factor, so a code cannot be replayed inside its window.
 */
export function totpStep(secret: string, code: string, nowMs: number): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  // otpauth compares the candidate codes in constant time.
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD, timestamp: nowMs, window: 1 });
  return delta === null ? null : Math.floor(nowMs / 1000 / PERIOD) + delta;
}

/** The code for `nowMs` (tests and the CLI; an app computes it from the secret it was shown). */
export function totpCode(secret: string, nowMs: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD, timestamp: nowMs });
}

const BACKUP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const BACKUP_CODE_COUNT = 10;

/** Ten codes of 10 characters from a 31-letter alphabet without look-alikes (~49 bits each). */
export function newBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () =>
    Array.from({ length: 10 }, () => BACKUP_ALPHABET[randomInt(BACKUP_ALPHABET.length)]).join(''),
  );
}

/** What a person typed, in the form codes are hashed in: lowercase, without spaces or dashes. */
export function normalizeBackupCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/**
 * The stored form of a backup code: HMAC-SHA256 under a key derived from the master secret, bound to
 * the user. A leaked table alone cannot be brute-forced offline (the key is not in the database).
 */
export function backupCodeHash(masterSecret: string, userId: string, code: string): string {
  const key = Buffer.from(hkdfSync('sha256', masterSecret, 'gatehouse', 'gatehouse:backup-codes:v1', 32));
  return createHmac('sha256', key)
    .update(`${userId}\u0000${normalizeBackupCode(code)}`)
    .digest('hex');
}
