// verifyToken (Clerk's name): checks a session token outside a request, with the instance's keys or a configured public key.

import {
  TokenVerificationError,
  createRemoteKeyResolver,
  createSessionTokenVerifier,
  type KeyResolver,
  type SessionClaims,
} from '@gatehouse/core';
import { configuredKeys } from './configured-keys.js';

/** Clerk's `verifyToken` options that mean something here; the rest of Clerk's (secretKey, apiUrl, ...) are accepted and unused. */
export interface VerifyTokenOptions {
  /** When non-empty, the token's `azp` must be present and listed. */
  authorizedParties?: string[];
  /** The public key (PEM, JWK or JWKS JSON) for a networkless check; default env `GATEHOUSE_JWT_KEY`. */
  jwtKey?: string;
  /** Where the key set is served when no key is configured (edge, or a service elsewhere); default env `GATEHOUSE_JWKS_URL`. */
  jwksUrl?: string;
  /** The `iss` the token must carry (default env `GATEHOUSE_ISSUER`; unset with a configured key: any issuer signed by it). */
  issuer?: string;
  clockSkewInMs?: number;
  secretKey?: string;
  apiUrl?: string;
  apiVersion?: string;
  skipJwksCache?: boolean;
  jwksCacheTtlInMs?: number;
}

/** How the runtime checks a token when no key is configured: the instance's own verifier (Node), or nothing (edge). */
export type DefaultVerify = (token: string) => Promise<SessionClaims>;

/**
 * Verifies a session token and resolves to its claims (Clerk's `JwtPayload` shape), or rejects with
 * a `TokenVerificationError` carrying the reason (`session-token-expired`, `token-invalid`, ...).
 */
export async function verifyWith(fallback: DefaultVerify, token: string, options: VerifyTokenOptions = {}): Promise<SessionClaims> {
  const jwtKey = options.jwtKey ?? process.env.GATEHOUSE_JWT_KEY ?? '';
  const jwksUrl = options.jwksUrl ?? process.env.GATEHOUSE_JWKS_URL ?? '';
  let claims: SessionClaims;
  if (jwtKey || jwksUrl) {
    const keys: KeyResolver = jwtKey ? await configuredKeys(jwtKey) : createRemoteKeyResolver({ jwksUrl });
    const verifier = createSessionTokenVerifier({
      keys,
      issuer: options.issuer ?? process.env.GATEHOUSE_ISSUER ?? null,
      cacheSize: 0,
      ...(options.clockSkewInMs === undefined ? {} : { clockSkewInMs: options.clockSkewInMs }),
    });
    claims = await verifier.verify(token);
  } else {
    claims = await fallback(token);
  }
  const parties = options.authorizedParties ?? [];
  if (parties.length > 0 && (typeof claims.azp !== 'string' || !parties.includes(claims.azp))) {
    throw new TokenVerificationError('token-invalid-authorized-parties');
  }
  return claims;
}
