// Signature checks with node:crypto: synchronous, no thread-pool round trip, key objects built once.

import {
  constants,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
  type SignKeyObjectInput,
  type VerifyKeyObjectInput,
} from 'node:crypto';
import { ECDSA_SIGNATURE_BYTES, type SignatureProvider, type VerifyingKey } from '@gatehouse/core';
import type { JWK } from 'jose';

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/**
 * The Node.js signature provider. It verifies the same JWS algorithms as the WebCrypto one, with
 * the same rules (fixed P1363 length for ECDSA, PSS salt length = hash length), and is what the
 * server uses on every request: a session-token check is then about one RSA verify.
 */
export const nodeSignatures: SignatureProvider = {
  name: 'node:crypto',
  async importKey(jwk, alg) {
    return importNodeKey(jwk, alg);
  },
  importKeySync: importNodeKey,
};

/** The digest and key options node:crypto needs for a JWS algorithm (PSS salt = hash length, P1363 ECDSA). */
function nodeParams(key: KeyObject, alg: string): { hash: string | null; input: KeyObject & SignKeyObjectInput & VerifyKeyObjectInput } {
  const family = alg.slice(0, 2);
  const hash = alg === 'EdDSA' ? null : (HASH[alg.slice(2)] ?? null);
  let input: SignKeyObjectInput | VerifyKeyObjectInput = { key };
  if (family === 'PS') input = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 };
  else if (family === 'RS') input = { key, padding: constants.RSA_PKCS1_PADDING };
  else if (family === 'ES') input = { key, dsaEncoding: 'ieee-p1363' };
  return { hash, input: input as KeyObject & SignKeyObjectInput & VerifyKeyObjectInput };
}

/** Builds the KeyObject once; the returned key verifies synchronously. */
function importNodeKey(jwk: JWK, alg: string): VerifyingKey {
  const { hash, input } = nodeParams(createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), alg);
  const expectedLength = ECDSA_SIGNATURE_BYTES[alg];
  // Synchronous, and node:crypto is done with both inputs when it returns.
  const check = (data: Uint8Array, signature: Uint8Array): boolean => {
    if (expectedLength !== undefined && signature.byteLength !== expectedLength) return false;
    try {
      return verify(hash, data, input, signature);
    } catch {
      return false;
    }
  };
  return { verify: check, verifySync: check };
}

/**
 * A synchronous signer for a private JWK (the KeyObject built once): what minting uses on the
 * server instead of a WebCrypto round trip through the thread pool.
 */
export function nodeSigner(privateJwk: JWK, alg: string): (signingInput: Uint8Array) => Uint8Array {
  const { hash, input } = nodeParams(createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' }), alg);
  return (signingInput) => sign(hash, signingInput, input);
}
