// Keys, claims, tokens and cookies shared by the benchmark cases: one RSA-2048 key, Clerk v2 session claims.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

export const PERMISSION = 'org:reports:read';

/** An RSA-2048 key pair (e = 65537, what Clerk issues), its public JWK and PEM. */
export function rsaKey(kid = 'ins_bench_key_1') {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { kid, publicKey, privateKey, jwk, pem };
}

/**
 * Session claims in Clerk's v2 shape with an active organization whose permissions decode to
 * `org:reports:read` and `org:reports:manage` (fea `o:reports`, per `read,manage`, fpm `3`).
 */
export function sessionClaims({ iss, azp, lifetimeSeconds = 3600 }) {
  const iat = Math.floor(Date.now() / 1000) - 1;
  return {
    sub: 'user_2lXbq7Zc3XyQk9DeGfHiJkLmNoP',
    sid: `sess_${randomBytes(13).toString('hex')}`,
    iss,
    ...(azp ? { azp } : {}),
    iat,
    nbf: iat - 5,
    exp: iat + lifetimeSeconds,
    jti: randomBytes(10).toString('hex'),
    v: 2,
    fva: [0, -1],
    o: { id: 'org_2ghiJkLmNoPqRsTuVwXyZ01234', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '3' },
    fea: 'o:reports',
  };
}

/** Signs claims the way Gatehouse and Clerk sign session tokens (RS256, kid, typ JWT, session category). */
export function signSessionToken(claims, key) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', cat: 'cl_B7d4PD111AAA' }).sign(key.privateKey);
}

/** The decoded value of the cookie `name` a response sets, or null. */
export function setCookieValue(response, name) {
  for (const c of response.headers.getSetCookie())
    if (c.startsWith(`${name}=`)) return decodeURIComponent(c.slice(name.length + 1).split(';')[0]);
  return null;
}

/**
 * The instance's per-request checks after the signature, each list holding `others` other sessions
 * and users (what a busy instance remembers for a token lifetime): a revoked session, claims changed
 * after the token. `lists` gives the version's `createRevocationList` and `createClaimStamps`.
 * `sessionChecksVersion` is built as the instance builds it (the lists' versions summed), so cached
 * claims that passed under an unchanged version skip the lookups as they do in the product; it is
 * undefined for a version whose lists have no version (every request then does the lookups).
 * `revoke` and `stampUser` record a change after the fact, bumping the version.
 */
export function sessionChecks({ createRevocationList, createClaimStamps }, others = 10_000) {
  const revocations = createRevocationList({ retainMs: 3_600_000, now: Date.now });
  const stamps = createClaimStamps({ retainMs: 3_600_000, now: Date.now });
  const stampedAt = Date.now();
  for (let i = 0; i < others; i++) {
    revocations.revoke(`sess_revoked${i}`, stampedAt);
    stamps.stampUser(`user_stamped${i}`, stampedAt);
    stamps.stampSession(`sess_stamped${i}`, stampedAt);
  }
  function checkSession(c) {
    if (revocations.isRevoked(c.sid)) return 'session-revoked';
    if (stamps.isStale(c.sub, c.sid, c.iat_ms ?? c.iat * 1000)) return 'session-claims-stale';
    return null;
  }
  // The lists' versions are methods now, getters in earlier versions (the before-and-after case runs those).
  const sessionChecksVersion =
    typeof revocations.version === 'function' && typeof stamps.version === 'function'
      ? () => revocations.version() + stamps.version()
      : typeof revocations.version === 'number' && typeof stamps.version === 'number'
        ? () => revocations.version + stamps.version
        : undefined;
  return {
    checkSession,
    sessionChecksVersion,
    stampedAt,
    revoke: (sid) => revocations.revoke(sid, Date.now()),
    stampUser: (sub) => stamps.stampUser(sub, Date.now()),
  };
}

/**
 * Tokens every Gatehouse path must refuse, with the reason it must give (null: any): `token` with
 * its signature tampered, one of a revoked session, one minted before its user's claims changed.
 */
export async function refusedTokens({ token, key, issuer, stampedAt }) {
  const [h64, p64, s64] = token.split('.');
  return [
    [`${h64}.${p64}.${s64.slice(0, -4)}AAAA`, null],
    [await signSessionToken({ ...sessionClaims({ iss: issuer }), sid: 'sess_revoked7' }, key), 'session-revoked'],
    [
      await signSessionToken({ ...sessionClaims({ iss: issuer }), sub: 'user_stamped7', iat_ms: stampedAt - 1 }, key),
      'session-claims-stale',
    ],
  ];
}
