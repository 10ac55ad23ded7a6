// What the app glue needs from the identity service on every request, read live (`GET {basePath}/config`).

/** The service's settings the glue applies per request. Allowed origins are an instance setting: they change at run time. */
export interface BackendConfig {
  /** Where the auth API is mounted, e.g. `/api/gatehouse`. */
  basePath: string;
  /** Proxies in front that append to X-Forwarded-For: which entry is the client address. */
  trustedProxyHops: number;
  /** Origins besides the request's own that may send state-changing requests with the session cookies. */
  allowedOrigins: readonly string[];
  /** The `__client` cookie's Max-Age (the maximum session lifetime). */
  clientMaxAgeSeconds: number;
}

const MAX_ORIGINS = 100;

/** A config document as served by `GET {basePath}/config`; null when it is not one (the caller keeps what it had). */
export function parseBackendConfig(value: unknown): BackendConfig | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const origins = v.allowedOrigins;
  if (typeof v.basePath !== 'string' || !v.basePath.startsWith('/')) return null;
  if (typeof v.trustedProxyHops !== 'number' || !Number.isInteger(v.trustedProxyHops) || v.trustedProxyHops < 0) return null;
  if (typeof v.clientMaxAgeSeconds !== 'number' || !(v.clientMaxAgeSeconds > 0)) return null;
  if (!Array.isArray(origins) || origins.length > MAX_ORIGINS || !origins.every((o) => typeof o === 'string' && o.length <= 2048))
    return null;
  return {
    basePath: v.basePath,
    trustedProxyHops: v.trustedProxyHops,
    allowedOrigins: origins as string[],
    clientMaxAgeSeconds: v.clientMaxAgeSeconds,
  };
}

/** How long a config read over HTTP is reused: a changed setting governs requests at most this much later. */
export const CONFIG_CACHE_MS = 2000;

/** `fresh`: read the service now, not the cached copy (the allowed origins, when a foreign Origin needs them). */
export interface ConfigReadOptions {
  fresh?: boolean;
}

/**
 * A config read over HTTP, cached for {@link CONFIG_CACHE_MS}. Concurrent callers share one fetch; a
 * failed or nonsensical answer keeps the last good value (or `fallback` before the first), and is
 * tried again on the next call after the cache time. A `fresh` read fetches whatever the cache holds,
 * so a setting changed at run time governs the very next request that asks for it.
 */
export function createConfigReader(
  load: () => Promise<unknown>,
  fallback: BackendConfig,
  now: () => number = Date.now,
): (options?: ConfigReadOptions) => Promise<BackendConfig> {
  let current = fallback;
  let fetchedAt = -Infinity;
  let pending: Promise<BackendConfig> | null = null;
  const fetchNow = () =>
    load()
      .then(
        (body) => {
          current = parseBackendConfig(body) ?? current;
        },
        () => undefined,
      )
      .then(() => {
        fetchedAt = now();
        return current;
      });
  return (options) => {
    // Not shared with a fetch already under way: that one may have left before the change.
    if (options?.fresh) return fetchNow();
    if (now() - fetchedAt < CONFIG_CACHE_MS) return Promise.resolve(current);
    pending ??= fetchNow().finally(() => {
      pending = null;
    });
    return pending;
  };
}
