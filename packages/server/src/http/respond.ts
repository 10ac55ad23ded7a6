// Response helpers for the auth HTTP API: JSON bodies, the error shape, and no caching of auth data.

import { errorResponse, isGatehouseError, json, reverificationError } from '@gatehouse/core';
import { isDatabaseUnavailable } from '../store/db-errors.js';
import { SENSITIVE } from '../factors/verification-age.js';
import { TOO_MANY, type RateLimitDecision } from '../limits/rate-limit.js';

export { errorResponse, json } from '@gatehouse/core';

/** What a 503 asks the client to wait before trying again, in seconds. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Turns anything thrown into a response. Expected errors keep their code; anything else becomes a
 * generic 500 whose text reveals nothing (the cause is logged without request data); an unavailable
 * database is a 503 with Retry-After.
 */
export function toErrorResponse(error: unknown, log: (line: string) => void, headers: HeadersInit = {}): Response {
  if (isGatehouseError(error) && error.code === 'reverification_required') {
    // Clerk's hint next to our error shape: useReverification() (ours or Clerk's) opens its dialog on it.
    return json(403, { error: { code: error.code, message: error.message }, ...reverificationError(SENSITIVE) }, headers);
  }
  const outage = isGatehouseError(error) ? error.code === 'service_unavailable' : isDatabaseUnavailable(error);
  if (outage) {
    log('gatehouse: the database is unavailable; answering 503');
    const h = new Headers(headers);
    h.set('retry-after', String(RETRY_AFTER_SECONDS));
    const message = isGatehouseError(error) ? error.message : 'The sign-in service is temporarily unavailable. Try again in a moment.';
    return errorResponse('service_unavailable', message, h);
  }
  if (isGatehouseError(error)) {
    if (error.retryAfterSeconds === undefined) return errorResponse(error.code, error.message, headers, error.field);
    const h = new Headers(headers);
    h.set('retry-after', String(error.retryAfterSeconds));
    return errorResponse(error.code, error.message, h, error.field);
  }
  log(`gatehouse: unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown'}`);
  return errorResponse('internal_error', 'Something went wrong on the server.', headers);
}

/** A refused rate-limit decision as its 429 (with Retry-After); null when the attempt may go ahead. */
export function rateLimitedResponse(decision: RateLimitDecision): Response | null {
  if (decision.allowed) return null;
  return errorResponse('rate_limited', TOO_MANY, { 'retry-after': String(decision.retryAfterSeconds) });
}
