// Response helpers for the auth HTTP API: JSON bodies, the error shape, and no caching of auth data.

import { errorBody, isGatehouseError, type GatehouseErrorCode, STATUS_BY_CODE } from '@gatehouse/core';

export function json(status: number, body: unknown, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set('content-type', 'application/json; charset=utf-8');
  h.set('cache-control', 'no-store');
  return new Response(JSON.stringify(body), { status, headers: h });
}

export function errorResponse(code: GatehouseErrorCode, message: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set('content-type', 'application/json; charset=utf-8');
  h.set('cache-control', 'no-store');
  if (STATUS_BY_CODE[code] === 401 && !h.has('www-authenticate')) h.set('www-authenticate', 'Bearer realm="gatehouse"');
  return new Response(errorBody(code, message), { status: STATUS_BY_CODE[code], headers: h });
}

/**
 * Turns anything thrown into a response. Expected errors keep their code; anything else becomes a
 * generic 500 whose text reveals nothing (the cause is logged without request data).
 */
export function toErrorResponse(error: unknown, log: (line: string) => void, headers: HeadersInit = {}): Response {
  if (isGatehouseError(error)) return errorResponse(error.code, error.message, headers);
  log(`gatehouse: unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown'}`);
  return errorResponse('internal_error', 'Something went wrong on the server.', headers);
}
