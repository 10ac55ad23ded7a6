'use client';
// useAuth, useUser and useSession: the session as the browser sees it, in Clerk's shapes.

import { useCallback, useMemo } from 'react';
import { signedInAuthObject, type ActorClaim, type HasFunction, type SessionClaims } from '@gatehouse/core';
import { tokenFor, type GetTokenOptions } from './resources.js';
import { useGatehouse, type ClientSession, type ClientUser, type SignOutOptions } from './provider.js';

export type { GetTokenOptions } from './resources.js';

export interface UseAuthOptions {
  /** A pending session (a task such as choose-organization is open) counts as signed out (default true, as on the server). */
  treatPendingAsSignedOut?: boolean;
}

export interface UseAuthReturn {
  isLoaded: boolean;
  isSignedIn: boolean | undefined;
  userId: string | null | undefined;
  sessionId: string | null | undefined;
  sessionClaims: SessionClaims | null | undefined;
  orgId: string | null | undefined;
  orgRole: string | null | undefined;
  orgSlug: string | null | undefined;
  orgPermissions: string[] | null | undefined;
  /** The `act` claim while an instance admin is impersonating this user (`{ sub: <admin id> }`), else null. */
  actor: ActorClaim | null | undefined;
  /** The same answers as the server's `has()`, from the token's claims. Hides UI only. */
  has: HasFunction;
  /**
   * The session token for an `Authorization` header (the cookie is HttpOnly, so one is minted with
   * POST {api}/refresh), or a template / other-org token. Null when signed out.
   * @throws GatehouseError `not_found` (no such template or organization), `unauthenticated`
   */
  getToken: (options?: GetTokenOptions) => Promise<string | null>;
  signOut: (opts?: SignOutOptions) => Promise<void>;
}

const never: HasFunction = () => false;

/** The session a hook shows: null when signed out, and when pending unless asked otherwise. */
export function visibleSession(session: ClientSession | null, treatPendingAsSignedOut = true): ClientSession | null {
  if (!session) return null;
  return treatPendingAsSignedOut && session.claims.sts === 'pending' ? null : session;
}

/**
 * The session as the browser sees it: fields are undefined while loading, null when signed out.
 * `has()` reads the token's claims and hides UI only; guard data on the server with `auth()`.
 */
export function useAuth(options: UseAuthOptions = {}): UseAuthReturn {
  const { isLoaded, session: current, signOut, refresh, apiBasePath, fetch } = useGatehouse();
  const session = visibleSession(current, options.treatPendingAsSignedOut);
  const auth = useMemo(() => (session ? signedInAuthObject(session.claims, async () => null) : null), [session]);
  const getToken = useCallback(
    async (opts: GetTokenOptions = {}): Promise<string | null> =>
      session ? tokenFor({ apiBasePath, fetch, refreshToken: refresh }, opts) : null,
    [session, refresh, fetch, apiBasePath],
  );
  const loaded = <T>(value: T): T | undefined => (isLoaded ? value : undefined);
  return {
    isLoaded,
    isSignedIn: loaded(Boolean(session)),
    userId: loaded(session?.user.id ?? null),
    sessionId: loaded(session?.sessionId ?? null),
    sessionClaims: loaded(session?.claims ?? null),
    orgId: loaded(auth?.orgId ?? null),
    orgRole: loaded(auth?.orgRole ?? null),
    orgSlug: loaded(auth?.orgSlug ?? null),
    orgPermissions: loaded(auth?.orgPermissions ?? null),
    actor: loaded(session?.claims.act ?? null),
    has: auth?.has ?? never,
    getToken,
    signOut,
  };
}

/** The signed-in user's record: undefined while loading, null when signed out. */
export function useUser(): { isLoaded: boolean; isSignedIn: boolean | undefined; user: ClientUser | null | undefined } {
  const { isLoaded, session: current } = useGatehouse();
  const session = visibleSession(current);
  return { isLoaded, isSignedIn: isLoaded ? Boolean(session) : undefined, user: isLoaded ? (session?.user ?? null) : undefined };
}

/** The current session: undefined while loading, null when signed out. */
export function useSession(): { isLoaded: boolean; isSignedIn: boolean | undefined; session: ClientSession | null | undefined } {
  const { isLoaded, session: current } = useGatehouse();
  const session = visibleSession(current);
  return { isLoaded, isSignedIn: isLoaded ? Boolean(session) : undefined, session: isLoaded ? session : undefined };
}
