'use client';
// GatehouseProvider: the browser's view of the session, refreshed before it expires, and the actions that change it.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useRouter } from 'next/navigation';
import { hostedPageUrl } from '@gatehouse/core';
import { sessionResource, type ClientSession, type ResourceActions, type SessionBody } from './resources.js';
import { callApi, createGatehouseFetch, handlerMissingMessage, isHandlerMissing, type FetchLike } from './gatehouse-fetch.js';
import { AppearanceProvider } from './appearance/appearance.js';
import type { Appearance } from './appearance/types.js';
import type { LocalizationResource } from '../localizations/merge.js';

export type { ClientSession, ClientUser } from './resources.js';

export interface SignOutOptions {
  redirectUrl?: string;
  /** End this session only (another device's, or this browser's own). */
  sessionId?: string;
  /** `everywhere`: every session of the user on every device. Default: this browser's sessions. */
  scope?: 'client' | 'everywhere';
}

/** An organization id or slug, an object with an `id`, or null for the personal account. */
export type OrganizationRef = string | { id: string } | null;

export interface SetActiveParams {
  /** Switch to another signed-in session of this browser (multi-session mode). */
  session?: string;
  organization?: OrganizationRef;
  /** Navigate here afterwards; otherwise server components re-render in place (`router.refresh()`). */
  redirectUrl?: string;
}

/** Where the components send people: the provider's props, else the environment (Gatehouse's, then Clerk's variables), else the hosted pages. */
export interface NavigationUrls {
  signInUrl: string;
  signUpUrl: string;
  signInFallbackRedirectUrl: string;
  signUpFallbackRedirectUrl: string;
  signInForceRedirectUrl: string | null;
  signUpForceRedirectUrl: string | null;
}

export interface GatehouseContextValue {
  isLoaded: boolean;
  session: ClientSession | null;
  apiBasePath: string;
  afterSignOutUrl: string;
  urls: NavigationUrls;
  /** Bumps when the session's user, org or sessions changed through this provider; lists refetch on it. */
  revision: number;
  reload: () => Promise<ClientSession | null>;
  /** Mints a new session token (the HttpOnly cookie is updated too) and returns it, or null. */
  refresh: () => Promise<string | null>;
  signOut: (opts?: SignOutOptions) => Promise<void>;
  setActive: (params: SetActiveParams) => Promise<void>;
  /** `fetch` for same-origin endpoints: a 401 is retried once after a refresh. */
  fetch: FetchLike;
  /** Marks lists (sessions, organizations, members) as outdated. */
  invalidate: () => void;
}

const GatehouseContext = createContext<GatehouseContextValue | null>(null);

export interface GatehouseProviderProps {
  children?: ReactNode;
  /** Where the auth HTTP API is mounted. */
  apiBasePath?: string;
  /** Default env `NEXT_PUBLIC_GATEHOUSE_AFTER_SIGN_OUT_URL`, then `NEXT_PUBLIC_CLERK_AFTER_SIGN_OUT_URL`, then `/`. */
  afterSignOutUrl?: string;
  /** The app's sign-in page (default env `NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL`, `NEXT_PUBLIC_CLERK_SIGN_IN_URL`, else the hosted page). */
  signInUrl?: string;
  signUpUrl?: string;
  /** After sign-in when the URL carries no `redirect_url` (env `NEXT_PUBLIC_CLERK_SIGN_IN_FALLBACK_REDIRECT_URL`). */
  signInFallbackRedirectUrl?: string;
  signUpFallbackRedirectUrl?: string;
  /** After sign-in, whatever `redirect_url` says (env `NEXT_PUBLIC_CLERK_SIGN_IN_FORCE_REDIRECT_URL`). */
  signInForceRedirectUrl?: string;
  signUpForceRedirectUrl?: string;
  /** Clerk's `appearance`: a `baseTheme` (`@gatehouse/nextjs/themes`), `variables` and `elements` for every prebuilt component. */
  appearance?: Appearance;
  /** Clerk's `localization`: the components' texts (`@gatehouse/nextjs/localizations`, or any subset of the keys); English by default. */
  localization?: LocalizationResource;
  /** Clerk's props, accepted so a Clerk layout compiles unchanged; they have no meaning here (no hosted frontend API, no publishable key). */
  publishableKey?: string;
  dynamic?: boolean;
  allowedRedirectOrigins?: (string | RegExp)[];
  afterMultiSessionSingleSignOutUrl?: string;
  domain?: string;
  isSatellite?: boolean;
  proxyUrl?: string;
  telemetry?: false | { disabled?: boolean; debug?: boolean };
  nonce?: string;
  waitlistUrl?: string;
  taskUrls?: Record<string, string>;
  /** Clerk's `ui` bundle (`@clerk/ui`, or `ui` from `@gatehouse/nextjs/themes`): the components are built in, nothing to load. */
  ui?: unknown;
}

/** The app's navigation URLs from props, then the environment (literal references: Next.js inlines them in the browser bundle). */
function navigationUrls(props: GatehouseProviderProps, apiBasePath: string): NavigationUrls {
  const env = (...values: (string | undefined)[]) => values.find((v) => typeof v === 'string' && v !== '') ?? null;
  return {
    signInUrl:
      props.signInUrl ??
      env(process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL, process.env.NEXT_PUBLIC_CLERK_SIGN_IN_URL) ??
      hostedPageUrl('signIn', apiBasePath),
    signUpUrl:
      props.signUpUrl ??
      env(process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_UP_URL, process.env.NEXT_PUBLIC_CLERK_SIGN_UP_URL) ??
      hostedPageUrl('signUp', apiBasePath),
    signInFallbackRedirectUrl: props.signInFallbackRedirectUrl ?? env(process.env.NEXT_PUBLIC_CLERK_SIGN_IN_FALLBACK_REDIRECT_URL) ?? '/',
    signUpFallbackRedirectUrl: props.signUpFallbackRedirectUrl ?? env(process.env.NEXT_PUBLIC_CLERK_SIGN_UP_FALLBACK_REDIRECT_URL) ?? '/',
    signInForceRedirectUrl: props.signInForceRedirectUrl ?? env(process.env.NEXT_PUBLIC_CLERK_SIGN_IN_FORCE_REDIRECT_URL),
    signUpForceRedirectUrl: props.signUpForceRedirectUrl ?? env(process.env.NEXT_PUBLIC_CLERK_SIGN_UP_FORCE_REDIRECT_URL),
  };
}

/** Refresh this long before the token expires (and never later than half its lifetime). */
const REFRESH_LEAD_MS = 15_000;

type EndAnswer = { signedOut: boolean; activeSessionId: string | null };

export function GatehouseProvider(props: GatehouseProviderProps) {
  const { children, apiBasePath = '/api/gatehouse', appearance, localization } = props;
  const afterSignOutUrl =
    props.afterSignOutUrl ??
    (process.env.NEXT_PUBLIC_GATEHOUSE_AFTER_SIGN_OUT_URL || process.env.NEXT_PUBLIC_CLERK_AFTER_SIGN_OUT_URL || '/');
  const urlsKey = JSON.stringify(navigationUrls(props, apiBasePath));
  const urls = useMemo(() => JSON.parse(urlsKey) as NavigationUrls, [urlsKey]);
  const router = useRouter();
  const [state, setState] = useState<{ isLoaded: boolean; session: ClientSession | null }>({ isLoaded: false, session: null });
  const [revision, setRevision] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inflight = useRef<Promise<string | null> | null>(null);
  const signedIn = useRef(false);
  signedIn.current = state.session !== null;

  /** POST /refresh, once at a time: parallel 401s and the timer share one refresh. */
  const refreshToken = useCallback((): Promise<string | null> => {
    inflight.current ??= (async () => {
      const res = await fetch(`${apiBasePath}/refresh`, { method: 'POST', credentials: 'same-origin' }).catch(() => null);
      if (!res) return null; // offline: keep the current state; the next timer tries again
      if (!res.ok) {
        // 401: the client cookie is gone or the session ended. Anything else (rate limit, server
        // error) says nothing about the session: keep it, the next try may work.
        if (res.status === 401) setState({ isLoaded: true, session: null });
        return null;
      }
      return ((await res.json()) as { jwt: string }).jwt;
    })().finally(() => {
      inflight.current = null;
    });
    return inflight.current;
  }, [apiBasePath]);

  const authFetch = useMemo(() => createGatehouseFetch({ refresh: refreshToken }), [refreshToken]);
  /** What the session and user resources' methods call (set below, once every action exists). */
  const actions = useRef<ResourceActions | null>(null);

  const reload = useCallback(async (): Promise<ClientSession | null> => {
    // The proxy does not refresh tokens on the auth API's paths: when this browser had a session
    // (a tab waking up past its token's expiry), authFetch refreshes and asks again. A visitor who
    // never had one is not sent to POST /refresh on every page load.
    const get = signedIn.current ? authFetch : fetch;
    const res = await get(`${apiBasePath}/session`, { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    if (!res) {
      // Offline: keep what we have; the next refresh tries again.
      setState((s) => ({ ...s, isLoaded: true }));
      return null;
    }
    if (isHandlerMissing(res)) console.error(handlerMissingMessage(`${apiBasePath}/session`));
    const body = res.ok ? ((await res.json()) as SessionBody) : null;
    const session = body ? sessionResource(body, () => actions.current!) : null;
    setState({ isLoaded: true, session });
    return session;
  }, [apiBasePath, authFetch]);

  const refresh = useCallback(async (): Promise<string | null> => {
    const jwt = await refreshToken();
    if (jwt) await reload();
    return jwt;
  }, [refreshToken, reload]);

  const invalidate = useCallback(() => setRevision((r) => r + 1), []);

  const signOut = useCallback(
    async (opts: SignOutOptions = {}) => {
      const leave = () => {
        setState({ isLoaded: true, session: null });
        window.location.assign(opts.redirectUrl ?? afterSignOutUrl);
      };
      if (!opts.sessionId && opts.scope !== 'everywhere') {
        // This browser's sessions: works even when the session token is gone.
        await fetch(`${apiBasePath}/sign-out`, { method: 'POST', credentials: 'same-origin' }).catch(() => null);
        return leave();
      }
      const body = opts.sessionId ? { scope: 'session', sessionId: opts.sessionId } : { scope: 'everywhere' };
      const answer = await callApi<EndAnswer>(authFetch, `${apiBasePath}/sign-out`, { method: 'POST', body });
      if (answer.signedOut) return leave();
      // Another device's session ended, or this browser switched to its next session.
      await reload();
      invalidate();
      router.refresh();
    },
    [apiBasePath, afterSignOutUrl, authFetch, reload, invalidate, router],
  );

  const setActive = useCallback(
    async ({ session, organization, redirectUrl }: SetActiveParams) => {
      if (session !== undefined) {
        await callApi(authFetch, `${apiBasePath}/sessions/${encodeURIComponent(session)}/activate`, { method: 'POST' });
      }
      if (organization !== undefined) {
        const ref = organization === null || typeof organization === 'string' ? organization : organization.id;
        await callApi(authFetch, `${apiBasePath}/sessions/active-organization`, { method: 'POST', body: { organization: ref } });
      }
      await reload();
      invalidate();
      // The new cookie is in place: server components render again with the new session or org.
      if (redirectUrl) router.push(redirectUrl);
      else router.refresh();
    },
    [apiBasePath, authFetch, reload, invalidate, router],
  );

  actions.current = {
    apiBasePath,
    fetch: authFetch,
    refreshToken: refresh,
    reload: async () => {
      const session = await reload();
      setRevision((r) => r + 1);
      return session;
    },
    endSession: (sessionId) => signOut({ sessionId }),
  };

  useEffect(() => {
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
    () => ({ ...state, apiBasePath, afterSignOutUrl, urls, revision, reload, refresh, signOut, setActive, fetch: authFetch, invalidate }),
    [state, apiBasePath, afterSignOutUrl, urls, revision, reload, refresh, signOut, setActive, authFetch, invalidate],
  );
  return (
    <GatehouseContext.Provider value={value}>
      <AppearanceProvider appearance={appearance} localization={localization}>
        {children}
      </AppearanceProvider>
    </GatehouseContext.Provider>
  );
}

export function useGatehouse(): GatehouseContextValue {
  const value = useContext(GatehouseContext);
  if (!value) throw new Error('Gatehouse: wrap your app in <GatehouseProvider> (in app/layout.tsx) to use this hook.');
  return value;
}

/**
 * The provider's `fetch`: same-origin requests carry the session cookie, and a 401 (expired or
 * invalidated token) is retried once after refreshing the session.
 */
export function useGatehouseFetch(): FetchLike {
  return useGatehouse().fetch;
}

/** Clerk's name for the provider. */
export const ClerkProvider = GatehouseProvider;
