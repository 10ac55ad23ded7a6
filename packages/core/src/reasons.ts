// Why a request is signed out: Clerk's reason names where the concept matches, plus our own.

export type AuthReason =
  | 'session-token-missing'
  | 'session-token-ambiguous'
  | 'session-token-expired'
  | 'session-token-nbf'
  | 'session-token-iat-in-the-future'
  | 'session-revoked'
  | 'session-claims-stale'
  | 'token-invalid'
  | 'token-invalid-algorithm'
  | 'token-invalid-header'
  | 'token-invalid-signature'
  | 'token-invalid-issuer'
  | 'token-invalid-authorized-parties'
  | 'token-type-mismatch'
  | 'jwk-kid-mismatch'
  | 'token-type-not-accepted'
  | 'api-key-invalid'
  | 'api-key-revoked'
  | 'api-key-expired'
  | 'm2m-token-invalid'
  | 'm2m-token-expired'
  | 'oauth-token-invalid';

const MESSAGES: Readonly<Record<AuthReason, string>> = {
  'session-token-missing': 'No session token was sent (cookie __session or Authorization: Bearer).',
  'session-token-ambiguous': 'More than one different __session cookie was sent.',
  'session-token-expired': 'The session token has expired.',
  'session-token-nbf': 'The session token is not valid yet (nbf is in the future).',
  'session-token-iat-in-the-future': 'The session token was issued in the future (iat); check the clocks.',
  'session-revoked': 'The session has been ended or revoked.',
  'session-claims-stale': 'The session changed after this token was issued; refresh it.',
  'token-invalid': 'The token is malformed or its claims are invalid.',
  'token-invalid-algorithm': 'The token is signed with an algorithm that is not allowed.',
  'token-invalid-header': 'The token header carries parameters that are not accepted (crit, jku, x5u, jwk, x5c).',
  'token-invalid-signature': 'The token signature does not verify.',
  'token-invalid-issuer': 'The token was issued by another instance.',
  'token-invalid-authorized-parties': 'The token azp is missing or not an authorized party.',
  'token-type-mismatch': 'The token is not a session token.',
  'jwk-kid-mismatch': 'The token is signed by a key that this instance does not know.',
  'token-type-not-accepted': 'This endpoint does not accept this kind of token.',
  'api-key-invalid': 'The API key is not valid.',
  'api-key-revoked': 'The API key has been revoked.',
  'api-key-expired': 'The API key has expired.',
  'm2m-token-invalid': 'The machine token is not valid.',
  'm2m-token-expired': 'The machine token has expired.',
  'oauth-token-invalid': 'OAuth access tokens are not accepted by this instance.',
};

export function reasonMessage(reason: AuthReason): string {
  return MESSAGES[reason];
}

/** A token that did not verify, with the reason. Carries no token material. */
export class TokenVerificationError extends Error {
  override readonly name = 'TokenVerificationError';
  readonly reason: AuthReason;
  constructor(reason: AuthReason) {
    super(MESSAGES[reason]);
    this.reason = reason;
  }
}

/** Whether `value` is a {@link TokenVerificationError}, by name and reason (a bundle may hold two copies of the class). */
export function isTokenVerificationError(value: unknown): value is TokenVerificationError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'TokenVerificationError' &&
    typeof (value as { reason?: unknown }).reason === 'string'
  );
}
