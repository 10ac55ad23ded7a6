// Password hashing with argon2id at OWASP's recommended parameters, and timing-equalised checks.

import { hash, verify } from '@node-rs/argon2';
import { isImportedDigest, verifyImportedDigest } from '../import/digests.js';

/** OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1. */
const PARAMS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

let dummyHash: Promise<string> | null = null;

/**
 * Checks a password against a stored hash. With no hash (unknown user, or a user without a
 * password) it still runs one full verification against a dummy hash with the same parameters, so
 * response time does not reveal whether the account exists.
 * @param verifyHash the argon2 verification (a seam for tests that count verifications)
 */
export async function checkPassword(
  storedHash: string | null,
  password: string,
  verifyHash: (hash: string, password: string) => Promise<boolean> = verify,
): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('gatehouse-dummy-password');
    await verifyHash(await dummyHash, password).catch(() => false);
    return false;
  }
  // A digest carried over by `gatehouse import` (bcrypt, pbkdf2, scrypt, …) until its first sign-in re-hashes it.
  if (isImportedDigest(storedHash)) return verifyImportedDigest(storedHash, password);
  try {
    return await verifyHash(storedHash, password);
  } catch {
    return false;
  }
}

/** The prefix of a hash made by {@link hashPassword} with today's parameters. */
const CURRENT_PREFIX = `$argon2id$v=19$m=${PARAMS.memoryCost},t=${PARAMS.timeCost},p=${PARAMS.parallelism}$`;

/**
 * Whether a stored hash should be replaced by {@link hashPassword} after a successful check: an
 * imported digest (bcrypt, pbkdf2, …) or an argon2 hash with other parameters.
 */
export function needsRehash(storedHash: string): boolean {
  return !storedHash.startsWith(CURRENT_PREFIX);
}
