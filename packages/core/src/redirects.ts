// Post-auth redirect targets: same-origin paths or explicitly allowed origins, nothing else.

/**
 * Resolves a user-supplied `redirect_url` against the current origin and returns it when it stays
 * on this origin (or one of `allowedOrigins`), else `fallback`. Rejects `//host`, `/\host`,
 * `javascript:` and anything whose origin changes after URL parsing.
 */
export function safeRedirectUrl(
  candidate: string | null | undefined,
  currentOrigin: string,
  fallback = '/',
  allowedOrigins: readonly string[] = [],
): string {
  if (typeof candidate !== 'string' || candidate === '' || candidate.length > 2048) return fallback;
  // Backslashes and control characters are normalised differently by browsers; refuse them outright.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  if (/[\\\u0000-\u001f\u007f]/.test(candidate)) return fallback;
  let url: URL;
  try {
    url = new URL(candidate, currentOrigin);
  } catch {
    return fallback;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fallback;
  if (url.origin === new URL(currentOrigin).origin) {
    // Dot segments and empty segments can leave a pathname that starts with `//` (`/.//evil.example`,
    // `http://self//evil.example`); returned as a relative URL, that is protocol-relative: another host.
    if (url.pathname.startsWith('//')) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  }
  if (allowedOrigins.includes(url.origin)) return url.href;
  return fallback;
}
