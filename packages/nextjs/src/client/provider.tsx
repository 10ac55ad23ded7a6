'use client';
// GatehouseProvider and the hooks: the browser's view of the session, refreshed before it expires.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { signedInAuthObject, type AuthObject, type SessionClaims } from '@gatehouse/core';

export interface ClientUser {
  id: string;
  email: string;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  publicMetadata: Record<string, unknown>;
  unsafeMetadata: Record<string, unknown>;
}

export interface ClientSession {
  user: ClientUser;
  sessionId: string;
  claims: SessionClaims;
  expiresAt: number;
}

interface GatehouseContextValue {
  isLoaded: boolean;
  session: ClientSession | null;
  apiBasePath: string;
  afterSignOutUrl: string;
  reload: () => Promise<ClientSession | null>;
  /** Mints a new session token (the HttpOnly cookie is updated too) and returns it, or null. */
  refresh: () => Promise<string | null>;
  signOut: (opts?: { redirectUrl?: string }) => Promise<void>;
}

const GatehouseContext = createContext<GatehouseContextValue | null>(null);

export interface GatehouseProviderProps {
  children?: ReactNode;
  /** Where the auth HTTP API is mounted. */
  apiBasePath?: string;
  afterSignOutUrl?: string;
}

/** Refresh this long before the token expires (and never later than half its lifetime). */
const REFRESH_LEAD_MS = 15_000;

export function GatehouseProvider({ children, apiBasePath = '/api/gatehouse', afterSignOutUrl = '/' }: GatehouseProviderProps) {
  const [state, setState] = useState<{ isLoaded: boolean; session: ClientSession | null }>({ isLoaded: false, session: null });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const reload = useCallback(async (): Promise<ClientSession | null> => {
    const res = await fetch(`${apiBasePath}/session`, { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    const session = res?.ok ? ((await res.json()) as ClientSession) : null;
    setState({ isLoaded: true, session });
    return session;
  }, [apiBasePath]);

  const refresh = useCallback(async (): Promise<string | null> => {
    const res = await fetch(`${apiBasePath}/refresh`, { method: 'POST', credentials: 'same-origin' }).catch(() => null);
    if (!res) return null; // offline: keep the current state; the next timer tries again
    if (!res.ok) {
      setState({ isLoaded: true, session: null });
      return null;
    }
    const { jwt } = (await res.json()) as { jwt: string };
    await reload();
    return jwt;
  }, [apiBasePath, reload]);

  const signOut = useCallback(
    async (opts?: { redirectUrl?: string }) => {
      await fetch(`${apiBasePath}/sign-out`, { method: 'POST', credentials: 'same-origin' }).catch(() => null);
      setState({ isLoaded: true, session: null });
      window.location.assign(opts?.redirectUrl ?? afterSignOutUrl);
    },
    [apiBasePath, afterSignOutUrl],
  );

  useEffect(() => {
    // The proxy refreshes an expired token in place on this very request, so one call is enough.
    void reload();
  }, [reload]);

  // Proactive refresh: a fresh token is in place before the current one expires.
  useEffect(() => {
    if (timer.current) clearTimeout(timer.current);
    const session = state.session;
    if (!session) return;
    const lifetime = session.expiresAt - session.claims.iat * 1000;
    const lead = Math.min(REFRESH_LEAD_MS, lifetime / 2);
    const delay = Math.max(1000, session.expiresAt - Date.now() - lead);
    timer.current = setTimeout(() => void refresh(), delay);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [state.session, refresh]);

  const value = useMemo(
    () => ({ ...state, apiBasePath, afterSignOutUrl, reload, refresh, signOut }),
    [state, apiBasePath, afterSignOutUrl, reload, refresh, signOut],
  );
  return <GatehouseContext.Provider value={value}>{children}</GatehouseContext.Provider>;
}

export function useGatehouse(): GatehouseContextValue {
  const value = useContext(GatehouseContext);
  if (!value) throw new Error('Gatehouse: wrap your app in <GatehouseProvider> (in app/layout.tsx) to use this hook.');
  return value;
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
  has: AuthObject['has'];
  getToken: () => Promise<string | null>;
  signOut: (opts?: { redirectUrl?: string }) => Promise<void>;
}

/** The session as the browser sees it: undefined while loading, null when signed out. */
export function useAuth(): UseAuthReturn {
  const { isLoaded, session, signOut, refresh } = useGatehouse();
  const auth = session ? signedInAuthObject(session.claims, async () => null) : null;
  return {
    isLoaded,
    isSignedIn: isLoaded ? Boolean(session) : undefined,
    userId: isLoaded ? (session?.user.id ?? null) : undefined,
    sessionId: isLoaded ? (session?.sessionId ?? null) : undefined,
    sessionClaims: isLoaded ? (session?.claims ?? null) : undefined,
    orgId: isLoaded ? (auth?.orgId ?? null) : undefined,
    orgRole: isLoaded ? (auth?.orgRole ?? null) : undefined,
    orgSlug: isLoaded ? (auth?.orgSlug ?? null) : undefined,
    has: (params) => auth?.has(params) ?? false,
    // The session cookie is HttpOnly; a token for an Authorization header is minted on request.
    getToken: async () => (session ? refresh() : null),
    signOut,
  };
}

export function useUser(): { isLoaded: boolean; isSignedIn: boolean | undefined; user: ClientUser | null | undefined } {
  const { isLoaded, session } = useGatehouse();
  return { isLoaded, isSignedIn: isLoaded ? Boolean(session) : undefined, user: isLoaded ? (session?.user ?? null) : undefined };
}

export function useSession(): { isLoaded: boolean; isSignedIn: boolean | undefined; session: ClientSession | null | undefined } {
  const { isLoaded, session } = useGatehouse();
  return { isLoaded, isSignedIn: isLoaded ? Boolean(session) : undefined, session: isLoaded ? session : undefined };
}

/** Renders its children only when signed in. Hides UI only: guard data with auth() on the server. */
export function SignedIn({ children }: { children?: ReactNode }) {
  const { isLoaded, session } = useGatehouse();
  return isLoaded && session ? <>{children}</> : null;
}

/** Renders its children only when signed out. */
export function SignedOut({ children }: { children?: ReactNode }) {
  const { isLoaded, session } = useGatehouse();
  return isLoaded && !session ? <>{children}</> : null;
}

/** Clerk's name for the provider. */
export const ClerkProvider = GatehouseProvider;
