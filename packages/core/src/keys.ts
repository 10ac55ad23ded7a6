// Public verification keys by `kid`: imported once, looked up per token without re-importing.

import { importJWK, type JWK } from 'jose';

export type VerificationKey = CryptoKey | Uint8Array;

/** Where a verifier finds the public key for a token's `kid`. */
export interface KeyResolver {
  /** The key for `kid` and `alg`, or null when no such key is (still) trusted. */
  getKey(kid: string, alg: string): Promise<VerificationKey | null>;
  /** Changes whenever the set of trusted keys changes, so caches can drop what a retired key signed. */
  readonly revision: number;
}

export interface PublicJwk extends JWK {
  kid: string;
  alg: string;
}

/**
 * A resolver over a fixed list of public JWKs. Each key is imported on first use and the import is
 * reused (importing per request costs more than the signature check itself). A JWK is only ever
 * used with the algorithm it declares, which rules out HMAC-with-a-public-key confusion.
 */
export function createLocalKeySet(jwks: readonly PublicJwk[], revision = 0): KeyResolver {
  const byKid = new Map<string, PublicJwk>();
  for (const jwk of jwks) {
    if (typeof jwk.kid !== 'string' || typeof jwk.alg !== 'string') {
      throw new TypeError('Every verification JWK needs a kid and an alg');
    }
    if ('d' in jwk || 'k' in jwk) throw new TypeError('Verification keys must be public keys');
    byKid.set(jwk.kid, jwk);
  }
  const imported = new Map<string, Promise<VerificationKey>>();
  return {
    revision,
    async getKey(kid, alg) {
      const jwk = byKid.get(kid);
      if (!jwk || jwk.alg !== alg) return null;
      let key = imported.get(kid);
      if (!key) {
        key = importJWK(jwk, jwk.alg) as Promise<VerificationKey>;
        imported.set(kid, key);
      }
      return key;
    },
  };
}
