// The one refresh path: a refreshed session turned into the request state and the cookies to set or
// clear. The auth API's /refresh and /handshake, the Node proxy (in place and on an organization
// switch) and standalone apps all go through it.

import { CLIENT_COOKIE, SESSION_COOKIE } from './cookies.js';
import { isGatehouseError, type GatehouseError } from './errors.js';
import type { SessionClaims } from './claims.js';
import { signedInState, type SignedInState } from './authenticate-request.js';
import { clearedCookies, clientCookie, sessionCookie, type CookieSettings } from './session-cookies.js';

/** A refreshed session: the new token with its claims, and the rotated client token (null inside the grace window). */
export interface SessionRefresh {
  userId: string;
  sessionId: string;
  sessionToken: string;
  /** The new token's claims, from the service that minted it: never verified again by the caller. */
  claims: SessionClaims;
  clientToken: string | null;
}

/** Cookies to set on the response and the values downstream code sees in this same request (null: removed). */
export interface CookieChange {
  setCookies: string[];
  cookieUpdates: Record<string, string | null>;
}

export type RefreshOutcome =
  | ({ kind: 'refreshed'; refresh: SessionRefresh; state: SignedInState } & CookieChange)
  /** The client or its session is over (`client_invalid`, `session_invalid`): both cookies are cleared. */
  | ({ kind: 'signed-out'; error: GatehouseError } & CookieChange)
  /** Anything else (the store unreachable): nothing changes; the caller stays signed out for this request. */
  | { kind: 'failed'; error: unknown };

/** The cookies of a refreshed session, or of an organization switch (`clientToken: null` keeps the client cookie). */
export function refreshedCookies(refresh: Pick<SessionRefresh, 'sessionToken' | 'clientToken'>, settings: CookieSettings): CookieChange {
  const setCookies = [sessionCookie(refresh.sessionToken, settings)];
  const cookieUpdates: Record<string, string | null> = { [SESSION_COOKIE]: refresh.sessionToken };
  if (refresh.clientToken) {
    setCookies.unshift(clientCookie(refresh.clientToken, settings));
    cookieUpdates[CLIENT_COOKIE] = refresh.clientToken;
  }
  return { setCookies, cookieUpdates };
}

/** Runs one refresh and says what it means for the request and its cookies. Never throws. */
export async function refreshOutcome(refresh: () => Promise<SessionRefresh>, settings: CookieSettings): Promise<RefreshOutcome> {
  try {
    const result = await refresh();
    const state = signedInState(result.claims, result.sessionToken, 'cookie');
    return { kind: 'refreshed', refresh: result, state, ...refreshedCookies(result, settings) };
  } catch (error) {
    if (isGatehouseError(error) && (error.code === 'client_invalid' || error.code === 'session_invalid')) {
      return {
        kind: 'signed-out',
        error,
        setCookies: clearedCookies(settings),
        cookieUpdates: { [SESSION_COOKIE]: null, [CLIENT_COOKIE]: null },
      };
    }
    return { kind: 'failed', error };
  }
}
