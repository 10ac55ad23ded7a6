// gatehouseMiddleware on Node (Next 16 `proxy.ts`): authenticates every request, refreshes expired sessions in place.

import {
  CLIENT_COOKIE,
  SESSION_COOKIE,
  authenticateToken,
  createParamMatcher,
  clearedCookies,
  clientCookie,
  errorResponse,
  signedOut,
  requestContext,
  sessionCookie,
  isGatehouseError,
  parseCookieHeader,
  singleCookie,
  type RequestState,
} from '@gatehouse/core';
import type { Gatehouse } from '@gatehouse/server';
import type { NextRequest } from 'next/server';
import { backend } from './backend.js';
import { publicUrl } from './public-url.js';
import { isCrossSiteCookieWrite } from './csrf.js';
import { authObjectFor } from './auth-state.js';
import { defineMiddleware, type GatehouseMiddlewareOptions, type MiddlewareRuntime, type Refreshed } from './middleware-core.js';

export type { GatehouseMiddlewareOptions, MiddlewareAuth, MiddlewareAuthObject, MiddlewareHandler } from './middleware-core.js';

/**
 * Whether a valid cookie token is about to expire: past `exp` (accepted only thanks to the clock-skew
 * allowance) or within a quarter of its lifetime (at most 5 s) of it. The page or handler behind the
 * proxy verifies the token again, later; under load that can be seconds later, and a token the proxy
 * let through must not be refused there (a signed-in user answered 401). Refreshing it now leaves
 * the downstream check the whole allowance.
 */
function expiresSoon(state: RequestState): boolean {
  if (state.status !== 'signed-in' || state.tokenSource !== 'cookie') return false;
  const { exp, iat } = state.claims;
  const margin = Math.min(5, Math.max(0, exp - iat) / 4);
  return Date.now() >= (exp - margin) * 1000;
}

/**
 * Refreshes a cookie session whose token is missing, expired, stale or about to expire, using the
 * long-lived client cookie, in this very request: the page or handler downstream sees the fresh
 * token, and the browser gets the new cookies on this response. No redirect.
 */
async function refreshInPlace(gatehouse: Gatehouse, request: NextRequest, state: RequestState): Promise<Refreshed | null> {
  if ((state.status === 'signed-in' && !expiresSoon(state)) || state.tokenSource === 'header') return null;
  // The auth API manages its own cookies (sign-in, sign-out, refresh); refreshing here would race it.
  if (request.nextUrl.pathname.startsWith(`${gatehouse.basePath}/`)) return null;
  if (state.reason === 'session-token-ambiguous') return null;
  const client = singleCookie(parseCookieHeader(request.headers.get('cookie')), CLIENT_COOKIE);
  if (typeof client !== 'string') return null;
  const cookies = { secure: publicUrl(request).protocol === 'https:', clientMaxAgeSeconds: gatehouse.settings.maxLifetimeSeconds };
  const ctx = requestContext(request, gatehouse.trustedProxyHops);
  // The origin the browser used (becomes `azp`), not Next's listen address: with authorized parties
  // configured, a token minted for `http://localhost:3000` would be refused and the user sent to sign-in.
  ctx.origin = publicUrl(request).origin;
  try {
    const result = await gatehouse.sessions.refresh(client, ctx);
    const fresh = await authenticateToken(result.sessionToken, 'cookie', {
      verifier: gatehouse.verifier(),
      checkSession: gatehouse.checkSession,
    });
    const setCookies = [sessionCookie(result.sessionToken, cookies)];
    const cookieUpdates: Record<string, string | null> = { [SESSION_COOKIE]: result.sessionToken };
    if (result.clientToken) {
      setCookies.push(clientCookie(result.clientToken, cookies));
      cookieUpdates[CLIENT_COOKIE] = result.clientToken;
    }
    return { state: fresh, setCookies, cookieUpdates };
  } catch (error) {
    if (isGatehouseError(error) && (error.code === 'client_invalid' || error.code === 'session_invalid')) {
      return { state, setCookies: clearedCookies(cookies), cookieUpdates: { [SESSION_COOKIE]: null, [CLIENT_COOKIE]: null } };
    }
    // The store is unreachable or failing: stay signed out for this request (fail closed), keep cookies.
    gatehouse.log(`gatehouse: session refresh failed: ${error instanceof Error ? error.message : 'unknown error'}`);
    return null;
  }
}

const paramMatchers = new WeakMap<
  object,
  { org: ((p: string) => Record<string, string> | null) | null; personal: ((p: string) => Record<string, string> | null) | null }
>();

/**
 * organizationSyncOptions: switches the session to the org the URL names (or to the personal
 * account) in this request, through the same setActive path as the API, for members only.
 */
async function syncOrganization(
  gatehouse: Gatehouse,
  request: NextRequest,
  state: RequestState,
  sync: NonNullable<GatehouseMiddlewareOptions['organizationSyncOptions']>,
): Promise<Refreshed | null> {
  if (state.status !== 'signed-in' || state.tokenSource !== 'cookie') return null;
  let compiled = paramMatchers.get(sync);
  if (!compiled) {
    compiled = {
      org: sync.organizationPatterns?.length ? createParamMatcher(sync.organizationPatterns) : null,
      personal: sync.personalAccountPatterns?.length ? createParamMatcher(sync.personalAccountPatterns) : null,
    };
    paramMatchers.set(sync, compiled);
  }
  const orgParams = compiled.org?.(request.nextUrl.pathname) ?? null;
  const ref = orgParams ? (orgParams.slug ?? orgParams.id ?? null) : undefined;
  let target: string | null;
  if (ref) target = ref;
  else if (compiled.personal?.(request.nextUrl.pathname)) target = null;
  else return null;
  const o = state.claims.o;
  if (target === null ? !o : o && (o.id === target || o.slg === target)) return null;
  const ctx = requestContext(request, gatehouse.trustedProxyHops);
  ctx.origin = publicUrl(request).origin;
  try {
    const result = await gatehouse.sessions.setActiveOrganization({ userId: state.claims.sub, sessionId: state.claims.sid }, target, ctx);
    const fresh = await authenticateToken(result.sessionToken, 'cookie', {
      verifier: gatehouse.verifier(),
      checkSession: gatehouse.checkSession,
    });
    const cookies = { secure: publicUrl(request).protocol === 'https:', clientMaxAgeSeconds: gatehouse.settings.maxLifetimeSeconds };
    return {
      state: fresh,
      setCookies: [sessionCookie(result.sessionToken, cookies)],
      cookieUpdates: { [SESSION_COOKIE]: result.sessionToken },
    };
  } catch (error) {
    if (isGatehouseError(error) && (error.code === 'not_found' || error.code === 'bad_request')) return null;
    throw error;
  }
}

async function nodeRuntime(): Promise<MiddlewareRuntime> {
  const gatehouse = await backend();
  return {
    async resolve(request, options) {
      // The auth API checks Origin itself (with its own allow-list); everything else is checked here,
      // against the allowed origins as they are now (an instance setting, changed at run time).
      if (
        !request.nextUrl.pathname.startsWith(`${gatehouse.basePath}/`) &&
        (await isCrossSiteCookieWrite(request, async () => (await gatehouse.config()).allowedOrigins))
      ) {
        const response = errorResponse('csrf_rejected', 'Cross-site requests may not use this session.');
        return { state: signedOut('session-token-missing'), refreshed: null, response };
      }
      let state = await gatehouse.authenticate(request);
      let refreshed = await refreshInPlace(gatehouse, request, state);
      if (refreshed) state = refreshed.state;
      if (options.organizationSyncOptions) {
        const synced = await syncOrganization(gatehouse, request, state, options.organizationSyncOptions);
        if (synced) {
          state = synced.state;
          refreshed = {
            state,
            // The synced token replaces a token refreshed earlier in this request.
            setCookies: [...(refreshed?.setCookies ?? []).filter((c) => !c.startsWith(`${SESSION_COOKIE}=`)), ...synced.setCookies],
            cookieUpdates: { ...(refreshed?.cookieUpdates ?? {}), ...synced.cookieUpdates },
          };
        }
      }
      return { state, refreshed };
    },
    authObject: (state, request) => authObjectFor(state, gatehouse, requestContext(request, gatehouse.trustedProxyHops)),
    apiBasePath: () => gatehouse.basePath,
    machines: async () => gatehouse,
    log: (line) => gatehouse.log(line),
  };
}

/**
 * The middleware on Node (Next 16 `proxy.ts`, or a Next 15 `middleware.ts` with the nodejs runtime):
 * an expired session is refreshed in the same request from the `__client` cookie. Call forms: bare,
 * `gatehouseMiddleware(options?)`, `gatehouseMiddleware(handler, options?)`. Middleware is a
 * convenience for redirects; pages and handlers guard themselves with auth().
 */
export const gatehouseMiddleware = defineMiddleware(nodeRuntime);

/** Clerk's name, so a Clerk app migrates by changing the package name. */
export const clerkMiddleware = gatehouseMiddleware;
