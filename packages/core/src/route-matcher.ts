// Path patterns (path-to-regexp 6 defaults) over a normalised pathname, so encoded tricks cannot bypass them.

import { match, pathToRegexp } from 'path-to-regexp';
import { GatehouseError } from './errors.js';

export type RoutePattern = string | RegExp;
export type PathMatcher = (pathname: string) => boolean;

/**
 * Decodes the pathname once (`%61dmin` -> `admin`; reserved `%2F %3F %23` stay encoded, `%2561`
 * becomes `%61` and is not decoded again) and collapses runs of `/`. Dot segments are left alone:
 * URL parsing has already resolved them.
 *
 * @throws GatehouseError `malformed_url` (400) on invalid percent-encoding.
 */
export function normalizePathname(pathname: string): string {
  let decoded: string;
  try {
    decoded = decodeURI(pathname);
  } catch {
    throw new GatehouseError('malformed_url', 'The request path has malformed percent-encoding.');
  }
  return decoded.replace(/\/{2,}/g, '/');
}

/**
 * Compiles patterns into one matcher. Strings use path-to-regexp 6 with its defaults:
 * case-insensitive, optional trailing slash, anchored at both ends.
 *
 * @throws TypeError on an invalid pattern (a programmer error, raised at construction).
 */
export function createPathMatcher(patterns: RoutePattern | readonly RoutePattern[]): PathMatcher {
  const list = (Array.isArray(patterns) ? patterns : [patterns]).filter(Boolean) as RoutePattern[];
  const regexps = list.map((pattern) => {
    if (pattern instanceof RegExp) return pattern;
    if (typeof pattern !== 'string') throw new TypeError('Route patterns are strings or RegExps');
    try {
      return pathToRegexp(pattern);
    } catch (cause) {
      throw new TypeError(`Invalid path pattern: ${pattern} (path-to-regexp 6 syntax)`, { cause });
    }
  });
  return (pathname) => {
    const normalized = normalizePathname(pathname);
    return regexps.some((re) => {
      re.lastIndex = 0;
      return re.test(normalized);
    });
  };
}

/**
 * Compiles patterns that capture parameters (`/orgs/:slug/(.*)`) into a function returning the
 * first match's parameters, or null. The pathname is normalised as for {@link createPathMatcher};
 * parameter values are not decoded again.
 * @throws TypeError on an invalid pattern
 */
export function createParamMatcher(patterns: readonly string[]): (pathname: string) => Record<string, string> | null {
  const matchers = patterns.map((pattern) => {
    try {
      return match<Record<string, string>>(pattern, { decode: (value) => value });
    } catch (cause) {
      throw new TypeError(`Invalid path pattern: ${pattern} (path-to-regexp 6 syntax)`, { cause });
    }
  });
  return (pathname) => {
    const normalized = normalizePathname(pathname);
    for (const m of matchers) {
      const found = m(normalized);
      if (found) return found.params;
    }
    return null;
  };
}
