// Signature primitives by JWS algorithm: WebCrypto here (edge and Node); the server adds node:crypto.

import { importJWK, type JWK } from 'jose';

/** Every JWS algorithm Gatehouse can verify. HMAC is deliberately absent: session tokens are asymmetric. */
export const SUPPORTED_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** A public key bound to one algorithm: checks a signature over some bytes. */
export interface VerifyingKey {
  verify(data: Uint8Array, signature: Uint8Array): boolean | Promise<boolean>;
  /**
   * Optional: the same check, answered synchronously and reading `data` and `signature` only during
   * the call (node:crypto). The verifier may then hand it views of a buffer it reuses.
   */
  verifySync?(data: Uint8Array, signature: Uint8Array): boolean;
}

/** Turns a validated public JWK into a {@link VerifyingKey}; one implementation per runtime. */
export interface SignatureProvider {
  readonly name: string;
  importKey(jwk: JWK, alg: string): Promise<VerifyingKey>;
  /** Optional: the same import done synchronously, for providers that can (node:crypto). */
  importKeySync?(jwk: JWK, alg: string): VerifyingKey;
}

/** Signature lengths that P1363-encoded ECDSA must have; anything else is refused before verifying. */
export const ECDSA_SIGNATURE_BYTES: Readonly<Record<string, number>> = { ES256: 64, ES384: 96, ES512: 132 };

function webCryptoParams(alg: string): AlgorithmIdentifier | RsaPssParams | EcdsaParams {
  const bits = alg.slice(2);
  switch (alg.slice(0, 2)) {
    case 'RS':
      return { name: 'RSASSA-PKCS1-v1_5' };
    case 'PS':
      return { name: 'RSA-PSS', saltLength: Number(bits) / 8 } as RsaPssParams;
    case 'ES':
      return { name: 'ECDSA', hash: `SHA-${bits === '512' ? '512' : bits}` } as EcdsaParams;
    default:
      return { name: 'Ed25519' };
  }
}

/** WebCrypto (`crypto.subtle`): available in every runtime Gatehouse supports, asynchronous. */
export const webCryptoSignatures: SignatureProvider = {
  name: 'webcrypto',
  async importKey(jwk, alg) {
    const key = (await importJWK(jwk, alg)) as CryptoKey;
    const params = webCryptoParams(alg);
    const expectedLength = ECDSA_SIGNATURE_BYTES[alg];
    return {
      async verify(data, signature) {
        if (expectedLength !== undefined && signature.byteLength !== expectedLength) return false;
        try {
          return await crypto.subtle.verify(params, key, signature as BufferSource, data as BufferSource);
        } catch {
          return false;
        }
      },
    };
  },
};
