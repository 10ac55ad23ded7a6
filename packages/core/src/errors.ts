// The one error type of Gatehouse: a closed list of codes and one table from code to HTTP status.

/** Every error code Gatehouse raises. Closed: add a code here and in {@link STATUS_BY_CODE}. */
export type GatehouseErrorCode =
  | 'bad_request'
  | 'malformed_url'
  | 'invalid_body'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'forbidden'
  | 'reverification_required'
  | 'code_invalid'
  | 'csrf_rejected'
  | 'not_found'
  | 'method_not_allowed'
  | 'identifier_exists'
  | 'conflict'
  | 'client_invalid'
  | 'session_invalid'
  | 'organization_required'
  | 'rate_limited'
  | 'setup_missing'
  | 'service_unavailable'
  | 'webhook_invalid'
  | 'form_code_incorrect'
  | 'verification_expired'
  | 'verification_failed'
  | 'form_password_invalid'
  | 'internal_error';

/** The HTTP status each error code maps to; the only such table in the codebase. */
export const STATUS_BY_CODE: Readonly<Record<GatehouseErrorCode, number>> = {
  bad_request: 400,
  malformed_url: 400,
  invalid_body: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  invalid_credentials: 401,
  client_invalid: 401,
  session_invalid: 401,
  forbidden: 403,
  reverification_required: 403,
  code_invalid: 422,
  csrf_rejected: 403,
  not_found: 404,
  method_not_allowed: 405,
  identifier_exists: 409,
  conflict: 409,
  organization_required: 400,
  rate_limited: 429,
  setup_missing: 500,
  service_unavailable: 503,
  webhook_invalid: 400,
  form_code_incorrect: 422,
  verification_expired: 422,
  verification_failed: 422,
  form_password_invalid: 422,
  internal_error: 500,
};

/**
 * An expected failure with a stable `code`. Messages are written for people and never contain a
 * token, secret or password. Check errors with {@link isGatehouseError} (by name, not instanceof:
 * a package loaded twice breaks instanceof).
 */
export class GatehouseError extends Error {
  override readonly name = 'GatehouseError';
  readonly code: GatehouseErrorCode;
  readonly status: number;
  /** The input field the error is about (a form shows the message next to it), when there is one. */
  readonly field: string | undefined;
  /** When to try again, in seconds (`Retry-After` of a 429 or 503), when the error knows. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: GatehouseErrorCode, message: string, options?: { cause?: unknown; field?: string; retryAfterSeconds?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.field = options?.field;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export function isGatehouseError(value: unknown): value is GatehouseError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'GatehouseError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
