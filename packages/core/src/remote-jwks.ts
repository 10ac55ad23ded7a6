// Public verification keys fetched from a JWKS URL: cached, validated, refetched on rotation, failing closed (edge-safe).

import type { JWK } from 'jose';
import { assertVerificationJwk, type KeyResolver, type PublicJwk } from './keys.js';
import { webCryptoSignatures, type SignatureProvider, type VerifyingKey } from './signatures.js';

export interface RemoteKeyResolverOptions {
  /** Where the key set is served, e.g. `https://app.example/api/gatehouse/v1/jwks` or `/.well-known/jwks.json`. */
  jwksUrl: string | URL;
  /** The fetch to use (the runtime's global fetch by default). */
  fetch?: typeof fetch;
  /** How long a fetched key set is trusted before it is fetched again (default 10 minutes). */
  cacheMaxAgeMs?: number;
  /** A token with a kid not in the cached set refetches at most once per this window (default 30 s); failed fetches are retried no sooner either. */
  unknownKidCooldownMs?: number;
  /** A fetch that takes longer is abandoned, and the keys it would have brought are absent (default 5 s). */
  timeoutMs?: number;
  /** How keys are imported and signatures checked (WebCrypto by default). */
  signatures?: SignatureProvider;
}

/** A remote key set, which its owner may also fetch again ahead of its expiry. */
export interface RemoteKeyResolver extends KeyResolver {
  /** How long a fetched set is trusted (`cacheMaxAgeMs`). */
  readonly maxAgeMs: number;
  peekKey(kid: string, alg: string): VerifyingKey | null | undefined;
  /**
   * Fetches the set again now (sharing a fetch already under way). A failure keeps the current set
   * until its own age runs out, then drops it (fail closed); it never throws.
   */
  refresh(): Promise<void>;
}

/** A JWKS document larger than this is refused: a key set is a few kilobytes. */
const MAX_JWKS_BYTES = 256 * 1024;

interface CachedKey {
  jwk: PublicJwk;
  imported?: Promise<VerifyingKey>;
  /** The imported key once its import has finished (what `peekKey` answers with). */
  ready?: VerifyingKey;
}

/**
 * A {@link KeyResolver} over a remote JWKS. The set is fetched on first use and after
 * `cacheMaxAgeMs`; a token with an unknown kid (a rotated-in key) triggers one refetch per
 * `unknownKidCooldownMs`, so a flood of forged kids cannot turn into a flood of fetches.
 * Concurrent lookups share one fetch. Every JWK is checked with `assertVerificationJwk`; a key that
 * fails (private members, weak RSA, wrong curve, no kid) is left out, and a kid that appears twice
 * is left out entirely (ambiguous). Fails closed: a failed, slow, non-2xx or malformed fetch of an
 * expired set means no key, so the token is refused, never accepted. `revision` changes whenever
 * the trusted set changes, which drops verified-token cache entries signed by a retired key.
 * @throws TypeError on a missing or non-http(s) `jwksUrl` or a negative duration
 */
export function createRemoteKeyResolver(options: RemoteKeyResolverOptions): RemoteKeyResolver {
  const url = new URL(String(options.jwksUrl));
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('jwksUrl must be an http(s) URL');
  const maxAge = duration(options.cacheMaxAgeMs, 10 * 60_000, 'cacheMaxAgeMs');
  const cooldown = duration(options.unknownKidCooldownMs, 30_000, 'unknownKidCooldownMs');
  const timeout = duration(options.timeoutMs, 5_000, 'timeoutMs');
  const signatures = options.signatures ?? webCryptoSignatures;
  const importSync = signatures.importKeySync?.bind(signatures);
  // Looked up per call so a fetch patched or polyfilled after construction is still used.
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  let keys = new Map<string, CachedKey>();
  let fingerprint = '';
  let revision = 0;
  let fetchedAt = -Infinity;
  let lastAttemptAt = -Infinity;
  let lastFailed = false;
  let lastUnknownKidFetchAt = -Infinity;
  let inflight: Promise<void> | null = null;

  function replace(next: Map<string, CachedKey>, nextFingerprint: string): void {
    if (nextFingerprint !== fingerprint) {
      // Keep already imported keys that are unchanged, so rotation does not re-import everything.
      for (const [kid, entry] of next) {
        const previous = keys.get(kid);
        if (previous?.imported && sameKey(previous.jwk, entry.jwk)) {
          entry.imported = previous.imported;
          if (previous.ready) entry.ready = previous.ready;
        }
      }
      keys = next;
      fingerprint = nextFingerprint;
      revision += 1;
    }
  }

  function refresh(): Promise<void> {
    if (inflight) return inflight;
    lastAttemptAt = Date.now();
    inflight = fetchKeySet(url, doFetch, timeout)
      .then((next) => {
        replace(next, fingerprintOf(next));
        fetchedAt = Date.now();
        lastFailed = false;
      })
      .catch(() => {
        // Fail closed: keys from a set that has expired are not trusted after a failed refetch.
        lastFailed = true;
        if (Date.now() - fetchedAt >= maxAge) replace(new Map(), '');
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  }

  async function lookup(kid: string): Promise<CachedKey | undefined> {
    if (inflight) await inflight;
    const now = Date.now();
    if (now - fetchedAt >= maxAge) {
      // Expired or never fetched. After a failure, wait out the cooldown instead of retrying per request.
      if (!(lastFailed && now - lastAttemptAt < cooldown)) await refresh();
    } else if (!keys.has(kid) && now - lastUnknownKidFetchAt >= cooldown) {
      // Possibly a key rotated in since the last fetch; forged kids share this one refetch per window.
      lastUnknownKidFetchAt = now;
      await refresh();
    }
    return keys.get(kid);
  }

  return {
    get revision() {
      return revision;
    },
    maxAgeMs: maxAge,
    refresh,
    async getKey(kid, alg) {
      const entry = await lookup(kid);
      if (!entry || entry.jwk.alg !== alg) return null;
      entry.imported ??= signatures.importKey(entry.jwk, alg);
      try {
        entry.ready = await entry.imported;
        return entry.ready;
      } catch {
        entry.imported = undefined;
        return null;
      }
    },
    /**
     * The key without waiting, when the set is fresh (fetched within its lifetime; a fetch under way
     * does not make it less so) and holds `kid` for `alg`: imported already, or importable
     * synchronously (node:crypto). Anything else (expired, unknown kid, another algorithm, a failed
     * import) is undefined: the asynchronous `getKey` decides, with its refetch and fail-closed rules.
     */
    peekKey(kid, alg) {
      if (Date.now() - fetchedAt >= maxAge) return undefined;
      const entry = keys.get(kid);
      if (!entry || entry.jwk.alg !== alg) return undefined;
      if (!entry.ready && importSync && !entry.imported) {
        try {
          entry.ready = importSync(entry.jwk, alg);
        } catch {
          return undefined;
        }
        entry.imported = Promise.resolve(entry.ready);
      }
      return entry.ready;
    },
  };
}

function duration(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number of milliseconds`);
  return value;
}

/** Fetches and validates the set; throws on anything but a 2xx JSON `{ keys: [...] }` within the timeout. */
async function fetchKeySet(url: URL, doFetch: typeof fetch, timeoutMs: number): Promise<Map<string, CachedKey>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await doFetch(url, {
      headers: { accept: 'application/json' },
      signal: controller.signal,
      redirect: 'error',
      cache: 'no-store',
    });
    if (!response.ok) throw new Error(`JWKS fetch answered ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_JWKS_BYTES) throw new Error('JWKS document too large');
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error('JWKS document too large');
    const body = JSON.parse(text) as unknown;
    const list = typeof body === 'object' && body !== null ? (body as { keys?: unknown }).keys : undefined;
    if (!Array.isArray(list)) throw new Error('JWKS document has no keys array');
    return validKeys(list);
  } finally {
    clearTimeout(timer);
  }
}

function validKeys(list: unknown[]): Map<string, CachedKey> {
  const result = new Map<string, CachedKey>();
  const repeated = new Set<string>();
  for (const candidate of list) {
    try {
      assertVerificationJwk(candidate as JWK);
    } catch {
      continue;
    }
    const jwk = candidate as PublicJwk;
    if (result.has(jwk.kid) || repeated.has(jwk.kid)) {
      result.delete(jwk.kid);
      repeated.add(jwk.kid);
      continue;
    }
    result.set(jwk.kid, { jwk: publicMembers(jwk) });
  }
  return result;
}

const KEY_MEMBERS = ['kty', 'kid', 'alg', 'use', 'crv', 'n', 'e', 'x', 'y'] as const;

/** Only the members that make up the key, so unrelated JWKS fields neither change the revision nor reach the import. */
function publicMembers(jwk: PublicJwk): PublicJwk {
  const copy: Record<string, unknown> = {};
  for (const member of KEY_MEMBERS) if (jwk[member] !== undefined) copy[member] = jwk[member];
  return copy as unknown as PublicJwk;
}

function sameKey(a: PublicJwk, b: PublicJwk): boolean {
  return KEY_MEMBERS.every((member) => a[member] === b[member]);
}

function fingerprintOf(keys: Map<string, CachedKey>): string {
  return [...keys.values()]
    .map(({ jwk }) => KEY_MEMBERS.map((member) => String(jwk[member] ?? '')).join('.'))
    .sort()
    .join('|');
}
