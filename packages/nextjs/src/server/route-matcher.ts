// createRouteMatcher: Clerk's signature over Gatehouse's normalising path matcher.

import { createPathMatcher, type RoutePattern } from '@gatehouse/core';

type RequestLike = { nextUrl?: { pathname: string }; url: string };

/**
 * Returns `(req) => boolean`. Strings use path-to-regexp 6 (case-insensitive, optional trailing
 * slash, anchored); the pathname is decoded once and repeated slashes collapse before matching.
 * A predicate is called as is.
 *
 * @throws GatehouseError `malformed_url` from the returned function on malformed percent-encoding
 *   (the middleware answers 400).
 */
export function createRouteMatcher(
  patterns: RoutePattern | readonly RoutePattern[] | ((req: RequestLike) => boolean),
): (req: RequestLike) => boolean {
  if (typeof patterns === 'function') return patterns;
  const match = createPathMatcher(patterns);
  return (req) => match(req.nextUrl?.pathname ?? new URL(req.url).pathname);
}
