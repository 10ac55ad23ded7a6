// Minting and verifying session tokens: the JWS check, the claims and a verified-token cache.

import { SignJWT, base64url } from 'jose';
import { M2M_TOKEN_CATEGORY, SESSION_TOKEN_CATEGORY, TEMPLATE_TOKEN_CATEGORY, type SessionClaims } from './claims.js';
import { algorithmSet, verifyJwsTextNow, type VerifiedJws } from './jws.js';
import type { KeyResolver } from './keys.js';
import { isWellFormedOrgClaim } from './org-claims.js';
import { TokenVerificationError, type AuthReason } from './reasons.js';
import { rememberClaims } from './verified-claims.js';

export const DEFAULT_CLOCK_SKEW_MS = 5000;
export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256'];

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  /**
   * Optional: signs a JWS signing input synchronously with the same key (node:crypto on the
   * server), used instead of WebCrypto. Same algorithm, same signature format.
   */
  sign?(signingInput: Uint8Array): Uint8Array;
}

/**
 * Signs a session token. `claims` must already hold every claim; the header gets `kid`, `typ` and
 * the session category marker.
 */
export async function mintSessionToken(claims: SessionClaims, key: SigningKey): Promise<string> {
  return mintToken(claims, key, SESSION_TOKEN_CATEGORY);
}

const textEncoder = new TextEncoder();
/** Node's native encoder when there is one (the portable one goes through btoa); feature-detected, edge-safe. */
const nodeBuffer = (globalThis as { Buffer?: { from(input: string | Uint8Array): { toString(encoding: 'base64url'): string } } }).Buffer;
const encodeSegment = (input: string | Uint8Array): string =>
  nodeBuffer ? nodeBuffer.from(input).toString('base64url') : base64url.encode(input);

async function mintToken(claims: Record<string, unknown>, key: SigningKey, category: string): Promise<string> {
  const header = { alg: key.alg, kid: key.kid, typ: 'JWT', cat: category };
  if (!key.sign) return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
  // The compact serialisation jose produces, with the signature from the key's own signer.
  const signingInput = `${encodeSegment(JSON.stringify(header))}.${encodeSegment(JSON.stringify(claims))}`;
  return `${signingInput}.${encodeSegment(key.sign(textEncoder.encode(signingInput)))}`;
}

/** Claims every JWT-template token carries and no template may override. */
export const RESERVED_TEMPLATE_CLAIMS: readonly string[] = ['azp', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub'];

/**
 * Signs a JWT-template token (a token for another service). Its header carries the template
 * category marker, so it is never accepted where a session token is expected, here or by Clerk's SDK.
 */
export async function mintTemplateToken(claims: Record<string, unknown>, key: SigningKey): Promise<string> {
  return mintToken(claims, key, TEMPLATE_TOKEN_CATEGORY);
}

/**
 * Signs a machine-to-machine token: the M2M category marker keeps it out of every place that
 * expects a session token (here and in Clerk's SDK), and services verify it with the JWKS.
 */
export async function mintM2mToken(claims: Record<string, unknown>, key: SigningKey): Promise<string> {
  return mintToken(claims, key, M2M_TOKEN_CATEGORY);
}

export interface VerifyOptions {
  keys: KeyResolver;
  /**
   * The `iss` this instance mints; anything else is refused. `null` skips the check, for a verifier
   * whose keys belong to this one instance alone (the edge middleware, when the issuer is not configured).
   */
  issuer: string | null;
  /** When non-empty, `azp` must be present and listed. */
  authorizedParties?: readonly string[];
  clockSkewInMs?: number;
  algorithms?: readonly string[];
  /** Milliseconds since the epoch; injectable so tests never sleep. */
  now?: () => number;
  /** How many verified tokens to remember (0 turns the cache off). */
  cacheSize?: number;
  /**
   * The longest lifetime (`exp - iat`) a session token may have, in seconds: the instance's
   * configured token lifetime. Tokens living longer (plus the skew) are refused; only a leaked key
   * or a signer bug could make one (issue #15). Unset: no cap beyond `exp >= iat`.
   */
  maxTokenLifetimeSeconds?: number;
  /** Counts of cache hits and misses, bumped in place (the instance's metrics read them when scraped). */
  cacheStats?: { hits: number; misses: number };
}

export interface SessionTokenVerifier {
  /** Resolves to the claims, or rejects with a {@link TokenVerificationError} carrying the reason. */
  verify(token: string): Promise<SessionClaims>;
  /**
   * Optional fast path, same checks as {@link verify}: the claims synchronously when no waiting is
   * needed (a verified-token cache hit, or a key at hand that checks signatures synchronously),
   * otherwise a promise. A refusal is thrown (or rejected) as a {@link TokenVerificationError}.
   */
  verifyNow?(token: string): SessionClaims | Promise<SessionClaims>;
  /** Drops every cached verification (after key rotation or retirement). */
  clearCache(): void;
}

interface CacheEntry {
  token: string;
  claims: SessionClaims;
  revision: number;
}

/**
 * The cache key of a token: a 30-bit number mixed from seven characters near the end of its
 * signature (42 bits that only the signer chooses). Hashing a ~1 KB token string, new on every
 * request, would cost more than the rest of a cache hit, and even a 43-character slice costs a
 * string hash per call; a small integer key hashes for free. The key only picks the slot: an entry
 * keeps the whole token and a hit requires it to be equal, so only that exact token hits, and two
 * tokens sharing a key only take turns in the slot (only verified tokens are ever inserted).
 */
function cacheKey(token: string): number {
  let key = 0;
  for (let i = token.length - 8; i < token.length - 1; i++) key = (Math.imul(key, 0x2f) + token.charCodeAt(i)) | 0;
  return key & 0x3fffffff;
}

/**
 * Builds a verifier. The cache hits only for the very same token string, is bounded (oldest entry
 * evicted first), and only remembers the signature and static claim checks: time and key-retirement checks
 * run on every call, so a cached token is never accepted where a fresh verification would refuse it.
 */
export function createSessionTokenVerifier(options: VerifyOptions): SessionTokenVerifier {
  const algorithms = algorithmSet(options.algorithms ?? DEFAULT_ALGORITHMS);
  const skewMs = options.clockSkewInMs ?? DEFAULT_CLOCK_SKEW_MS;
  const now = options.now ?? Date.now;
  const parties = options.authorizedParties?.length ? new Set(options.authorizedParties) : null;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<number, CacheEntry>();
  const stats = options.cacheStats ?? null;
  const maxLifetime = options.maxTokenLifetimeSeconds === undefined ? Infinity : options.maxTokenLifetimeSeconds + skewMs / 1000;

  function checkTime(claims: SessionClaims): void {
    const t = now();
    if (claims.exp * 1000 <= t - skewMs) throw new TokenVerificationError('session-token-expired');
    if (claims.nbf * 1000 > t + skewMs) throw new TokenVerificationError('session-token-nbf');
    if (claims.iat * 1000 > t + skewMs) throw new TokenVerificationError('session-token-iat-in-the-future');
  }

  function checkClaims({ header, payloadText }: VerifiedJws): SessionClaims {
    // The category marker is checked only after the signature: an unsigned header proves nothing.
    if (header.cat !== SESSION_TOKEN_CATEGORY) throw new TokenVerificationError('token-type-mismatch');
    const claims = parseClaims(payloadText);
    if (claims.exp - claims.iat > maxLifetime) throw new TokenVerificationError('token-invalid');
    if (options.issuer !== null && claims.iss !== options.issuer) throw new TokenVerificationError('token-invalid-issuer');
    if (parties && (typeof claims.azp !== 'string' || !parties.has(claims.azp))) {
      throw new TokenVerificationError('token-invalid-authorized-parties');
    }
    return claims;
  }

  function accept(token: string, jws: VerifiedJws, revision: number): SessionClaims {
    const claims = checkClaims(jws);
    checkTime(claims);
    if (cacheSize > 0) {
      const key = cacheKey(token);
      // A different token under the same key is replaced (and the map keeps its bound).
      if (!cache.delete(key) && cache.size >= cacheSize) cache.delete(cache.keys().next().value as number);
      cache.set(key, { token, claims: rememberClaims(claims), revision });
    }
    return claims;
  }

  function verifyNow(token: string): SessionClaims | Promise<SessionClaims> {
    if (cacheSize > 0) {
      const hit = cache.get(cacheKey(token));
      if (hit !== undefined && hit.token === token && hit.revision === options.keys.revision) {
        if (stats) stats.hits += 1;
        checkTime(hit.claims);
        return hit.claims;
      }
      if (stats) stats.misses += 1;
    }
    // Read the revision before verifying: if the key set changes while the signature check is in
    // flight, the entry must carry the revision the key was looked up under, or a token signed by
    // a just-retired key would stay cached as valid under the new revision.
    const revision = options.keys.revision;
    const jws = verifyJwsTextNow(token, { keys: options.keys, algorithms });
    if (!(jws instanceof Promise)) return accept(token, jws, revision);
    return jws.then((verified) => accept(token, verified, revision));
  }

  return {
    async verify(token) {
      return verifyNow(token);
    },
    verifyNow,
    clearCache() {
      cache.clear();
    },
  };
}

/** Our ids (`user_` + base32) and imported Clerk ids (`user_` + base62) alike. */
const USER_ID = /^user_[A-Za-z0-9]{1,64}$/;
const SESSION_ID = /^sess_[A-Za-z0-9]{1,64}$/;

function parseClaims(payloadText: string): SessionClaims {
  let value: unknown;
  try {
    value = JSON.parse(payloadText);
  } catch {
    throw new TokenVerificationError('token-invalid');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TokenVerificationError('token-invalid');
  const c = value as Record<string, unknown>;
  const invalid: AuthReason = 'token-invalid';
  if (typeof c.sub !== 'string' || !USER_ID.test(c.sub)) throw new TokenVerificationError(invalid);
  if (typeof c.sid !== 'string' || !SESSION_ID.test(c.sid)) throw new TokenVerificationError(invalid);
  if (typeof c.iss !== 'string') throw new TokenVerificationError(invalid);
  // Number.isFinite is false for anything but a finite number.
  if (!Number.isFinite(c.exp) || !Number.isFinite(c.nbf) || !Number.isFinite(c.iat)) throw new TokenVerificationError(invalid);
  if (c.v !== 2 || (c.exp as number) < (c.iat as number)) throw new TokenVerificationError(invalid);
  if (c.o !== undefined && !isWellFormedOrgClaim(c.o, c.fea)) throw new TokenVerificationError(invalid);
  if (c.iat_ms !== undefined && (typeof c.iat_ms !== 'number' || !Number.isFinite(c.iat_ms))) throw new TokenVerificationError(invalid);
  if (c.azp !== undefined && typeof c.azp !== 'string') throw new TokenVerificationError(invalid);
  return deepFreeze(c) as SessionClaims;
}

/**
 * Freezes a parsed JSON value and everything in it. A cached token's claims are one object shared
 * by every request presenting it, nested parts included (`o`, `fva`, `act`, custom claims): app
 * code changing `auth.factorVerificationAge` or `sessionClaims.o` must not change what the next
 * request reads. Iterative, so no nesting depth can exhaust the stack.
 */
function deepFreeze(value: object): object {
  const pending: object[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    Object.freeze(next);
    // Own values only: what JSON.parse made (and cheaper to list than for-in's keys).
    const children = Object.values(next);
    for (let i = 0; i < children.length; i++) {
      const child: unknown = children[i];
      if (typeof child === 'object' && child !== null) pending.push(child);
    }
  }
  return value;
}
