// Clerk's reverification hint: the 403 body a route handler answers and the object a server action returns when a session must verify again.

import type { ReverificationConfig, ReverificationPreset } from './has.js';

export type ReverificationRequirement = ReverificationPreset | ReverificationConfig;

/** Exactly Clerk's shape (`@clerk/shared/authorization-errors`), so Clerk's client code understands ours and the reverse. */
export interface ReverificationHint {
  clerk_error: {
    type: 'forbidden';
    reason: 'reverification-error';
    metadata?: { reverification?: ReverificationRequirement };
  };
}

/** The object a server action returns when the session must verify again (Clerk's `reverificationError`). */
export function reverificationError(missingConfig?: ReverificationRequirement): ReverificationHint {
  return { clerk_error: { type: 'forbidden', reason: 'reverification-error', metadata: { reverification: missingConfig } } };
}

/** A route handler's answer: HTTP 403 with {@link reverificationError}'s body (Clerk's `reverificationErrorResponse`). */
export function reverificationErrorResponse(missingConfig?: ReverificationRequirement): Response {
  return new Response(JSON.stringify(reverificationError(missingConfig)), {
    status: 403,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** Whether a value (a server action's result, a parsed JSON body) is the reverification hint. */
export function isReverificationHint(value: unknown): value is ReverificationHint {
  if (typeof value !== 'object' || value === null || !('clerk_error' in value)) return false;
  const error = (value as { clerk_error?: { type?: unknown; reason?: unknown } }).clerk_error;
  return error?.type === 'forbidden' && error.reason === 'reverification-error';
}
