// Response helpers for the auth HTTP API: JSON bodies, the error shape, and no caching of auth data.

import { errorResponse, isGatehouseError } from '@gatehouse/core';

export { errorResponse, json } from '@gatehouse/core';

/**
 * Turns anything thrown into a response. Expected errors keep their code; anything else becomes a
 * generic 500 whose text reveals nothing (the cause is logged without request data).
 */
export function toErrorResponse(error: unknown, log: (line: string) => void, headers: HeadersInit = {}): Response {
  if (isGatehouseError(error)) return errorResponse(error.code, error.message, headers);
  log(`gatehouse: unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown'}`);
  return errorResponse('internal_error', 'Something went wrong on the server.', headers);
}
