// HTTP rendering shared by the service and the Next.js glue: JSON answers that are never cached and
// the error shape `{ error: { code, message } }` with the status of its code. Web APIs only (edge-safe);
// the error model itself (codes, statuses) lives in errors.ts and knows nothing of HTTP responses.

import { STATUS_BY_CODE, type GatehouseErrorCode } from './errors.js';

/** The JSON body of every error response: `{ error: { code, message } }`. */
export function errorBody(code: GatehouseErrorCode | string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/** A JSON response that is never cached (auth answers depend on who asks). */
export function json(status: number, body: unknown, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set('content-type', 'application/json; charset=utf-8');
  h.set('cache-control', 'no-store');
  return new Response(JSON.stringify(body), { status, headers: h });
}

/**
 * `{ error: { code, message } }` with the status of the code (and `field` when the error is about
 * one input); a 401 also says how to authenticate.
 */
export function errorResponse(code: GatehouseErrorCode, message: string, headers: HeadersInit = {}, field?: string): Response {
  const h = new Headers(headers);
  if (STATUS_BY_CODE[code] === 401 && !h.has('www-authenticate')) h.set('www-authenticate', 'Bearer realm="gatehouse"');
  return json(STATUS_BY_CODE[code], { error: field === undefined ? { code, message } : { code, message, field } }, h);
}
