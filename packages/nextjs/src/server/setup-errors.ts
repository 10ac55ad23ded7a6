// Setup mistakes the server side can detect, with messages that name the fix.

import { passedOnPath } from './request-hook.js';
import { PATH_HEADER } from './settings.js';

/** Said when auth() runs on a request the middleware/proxy did not see. */
export const MIDDLEWARE_SKIPPED_MESSAGE =
  'gatehouse: auth() ran on a request that gatehouseMiddleware (clerkMiddleware) did not see, so an expired session cannot be refreshed before rendering. ' +
  'Put the file at the project root, next to app/ (or in src/ when app/ is in src/): proxy.ts on Next 16, middleware.ts on Next 15, ' +
  'exporting `default gatehouseMiddleware(...)`, and make sure its `config.matcher` covers this route. auth() still verifies the token on its own.';

let warned = false;

/**
 * Warns once per process when a request reaches auth() without the middleware having forwarded it
 * (the middleware records the path in the request's scope, or sets PATH_HEADER and strips any
 * client-sent copy). Returns whether it warned.
 */
export function warnIfMiddlewareSkipped(headers: Headers, warn: (message: string) => void = console.warn): boolean {
  // The scope first: a lookup in Next's request headers searches every name, and the scope needs one.
  if (warned || passedOnPath(headers) !== null || headers.has(PATH_HEADER)) return false;
  warned = true;
  warn(MIDDLEWARE_SKIPPED_MESSAGE);
  return true;
}

/** For tests: lets the next skipped request warn again. */
export function resetMiddlewareWarning(): void {
  warned = false;
}
