// Secret keys (`gh_sk_…`) that authenticate server code calling the backend HTTP API: only their hashes are kept, compared in constant time.

import { timingSafeEqual, createHash } from 'node:crypto';
import { newSecret } from '../store/ids.js';

export const SECRET_KEY_PREFIX = 'gh_sk_';
/** `gh_sk_` and 256 random bits in base64url. */
export const SECRET_KEY = /^gh_sk_[A-Za-z0-9_-]{43}$/;

/** A new secret key for GATEHOUSE_SECRET_KEY. */
export function generateSecretKey(): string {
  return `${SECRET_KEY_PREFIX}${newSecret()}`;
}

const digest = (key: string): Buffer => createHash('sha256').update(key).digest();

export interface SecretKeyCheck {
  /** Whether any key is configured (without one the backend HTTP API refuses every call). */
  readonly configured: boolean;
  /** Whether `presented` is one of the keys; every configured hash is compared, in constant time. */
  matches(presented: string): boolean;
}

/**
 * Keeps only the SHA-256 of each key (several: rotate by adding the new one, then removing the old).
 * @throws TypeError for a key that is not `gh_sk_` plus 43 base64url characters (never echoing it)
 */
export function createSecretKeyCheck(keys: readonly string[]): SecretKeyCheck {
  const hashes = keys.map((key, i) => {
    if (!SECRET_KEY.test(key))
      throw new TypeError(`Secret key #${i + 1} is not of the form gh_sk_<43 base64url characters> (run gatehouse init)`);
    return digest(key);
  });
  return {
    configured: hashes.length > 0,
    matches(presented) {
      // Hash first: equal lengths for timingSafeEqual, and the work does not depend on the input's shape.
      const candidate = digest(presented);
      let found = false;
      for (const hash of hashes) found = timingSafeEqual(hash, candidate) || found;
      return found;
    },
  };
}
