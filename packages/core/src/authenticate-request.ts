// authenticateRequest: finds the session token in a Request, verifies it and says who is signed in.

import { signedInAuthObject, signedOutAuthObject, type AuthObject, type GetToken } from './auth-object.js';
import type { SessionClaims } from './claims.js';
import { SESSION_COOKIE, singleCookieIn } from './cookies.js';
import { isTokenVerificationError, reasonMessage, type AuthReason } from './reasons.js';
import type { SessionTokenVerifier } from './session-token.js';
import { claimsMemo } from './verified-claims.js';

export type TokenSource = 'cookie' | 'header';

export interface SignedInState {
  status: 'signed-in';
  reason: null;
  message: null;
  token: string;
  tokenSource: TokenSource;
  claims: SessionClaims;
  toAuth(getToken?: GetToken): AuthObject;
}

export interface SignedOutState {
  status: 'signed-out';
  reason: AuthReason;
  message: string;
  token: string | null;
  tokenSource: TokenSource | null;
  claims: null;
  toAuth(): AuthObject;
}

export type RequestState = SignedInState | SignedOutState;

export interface AuthenticateOptions {
  verifier: SessionTokenVerifier;
  /**
   * Consulted after the token verifies: returns a reason when the session was revoked or its claims
   * changed after the token was issued, so a still-unexpired token stops working at once.
   */
  checkSession?: (claims: SessionClaims) => AuthReason | null;
  /**
   * The version of what `checkSession` reads: it must change whenever one of its answers could turn
   * from null to a reason (a revocation or a claim change recorded), and may stay put when answers
   * can only turn to null (an entry expiring). Verified claims that passed this `checkSession`
   * under the current version are not checked again; without it, every request is checked.
   */
  sessionChecksVersion?: () => number;
}

/** Where the session token is: the `__session` cookie first, else `Authorization: Bearer`. */
export function findSessionToken(headers: Headers): { token: string; source: TokenSource } | { token: null; reason: AuthReason | null } {
  const cookie = singleCookieIn(headers.get('cookie'), SESSION_COOKIE);
  if (typeof cookie === 'object' && cookie !== null) return { token: null, reason: 'session-token-ambiguous' };
  if (cookie) return { token: cookie, source: 'cookie' };
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization);
    if (match?.[1]) return { token: match[1], source: 'header' };
  }
  return { token: null, reason: null };
}

export function signedOut(reason: AuthReason, token: string | null = null, tokenSource: TokenSource | null = null): SignedOutState {
  return {
    status: 'signed-out',
    reason,
    message: reasonMessage(reason),
    token,
    tokenSource,
    claims: null,
    toAuth: () => signedOutAuthObject(reason),
  };
}

/** Verifies one token and turns the outcome into a request state. */
export async function authenticateToken(token: string, tokenSource: TokenSource, options: AuthenticateOptions): Promise<RequestState> {
  return authenticateTokenNow(token, tokenSource, options);
}

/**
 * {@link authenticateToken}, answered synchronously when the verifier can (`verifyNow`: a cached
 * token, or a local key with synchronous signature checks on Node); a promise otherwise.
 */
export function authenticateTokenNow(
  token: string,
  tokenSource: TokenSource,
  options: AuthenticateOptions,
): RequestState | Promise<RequestState> {
  let claims: SessionClaims | Promise<SessionClaims>;
  try {
    claims = options.verifier.verifyNow ? options.verifier.verifyNow(token) : options.verifier.verify(token);
  } catch (error) {
    return refused(error, token, tokenSource);
  }
  if (!(claims instanceof Promise)) return settle(claims, token, tokenSource, options);
  return claims.then(
    (verified) => settle(verified, token, tokenSource, options),
    (error: unknown) => refused(error, token, tokenSource),
  );
}

function refused(error: unknown, token: string, tokenSource: TokenSource): SignedOutState {
  if (isTokenVerificationError(error)) return signedOut(error.reason, token, tokenSource);
  throw error;
}

function settle(claims: SessionClaims, token: string, tokenSource: TokenSource, options: AuthenticateOptions): RequestState {
  const { checkSession, sessionChecksVersion } = options;
  if (checkSession) {
    const version = sessionChecksVersion?.();
    const memo = version === undefined ? undefined : claimsMemo(claims);
    // Passed before, by this same check, with nothing recorded since: the answer is still null.
    if (memo === undefined || memo.checkedBy !== checkSession || memo.checkedVersion !== version) {
      const stale = checkSession(claims);
      if (stale) return signedOut(stale, token, tokenSource);
      if (memo !== undefined) {
        memo.checkedBy = checkSession;
        memo.checkedVersion = version!;
      }
    }
  }
  return signedInState(claims, token, tokenSource);
}

/** The state of a request with a token whose claims are known good (verified, or just minted by the service). */
export function signedInState(claims: SessionClaims, token: string, tokenSource: TokenSource): SignedInState {
  return {
    status: 'signed-in',
    reason: null,
    message: null,
    token,
    tokenSource,
    claims,
    toAuth: (getToken) => signedInAuthObject(claims, getToken ?? (async () => token)),
  };
}

/**
 * Authenticates a request from its own credentials only; no header that a client could forge is
 * ever trusted. Never throws for anything the client sent: bad input is a signed-out state.
 */
export async function authenticateRequest(request: Pick<Request, 'headers'>, options: AuthenticateOptions): Promise<RequestState> {
  return authenticateRequestNow(request, options);
}

/** {@link authenticateRequest}, answered synchronously when it can be (see {@link authenticateTokenNow}). */
export function authenticateRequestNow(
  request: Pick<Request, 'headers'>,
  options: AuthenticateOptions,
): RequestState | Promise<RequestState> {
  const found = findSessionToken(request.headers);
  if (found.token === null) return signedOut(found.reason ?? 'session-token-missing');
  return authenticateTokenNow(found.token, found.source, options);
}
