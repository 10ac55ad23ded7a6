// gatehouseMiddleware on Node (Next 16 `proxy.ts`): authenticates every request, refreshes expired sessions in place.

import {
  CLIENT_COOKIE,
  SESSION_COOKIE,
  cookieSettings,
  createParamMatcher,
  errorResponse,
  signedOut,
  refreshedCookies,
  refreshOutcome,
  requestContext,
  signedInState,
  isGatehouseError,
  parseCookieHeader,
  singleCookie,
  type RequestState,
} from '@gatehouse/core';
import type { BackendConfig } from '@gatehouse/core';
import type { GatehouseBackend } from '@gatehouse/server';
import type { NextRequest } from 'next/server';
import { backend } from './backend.js';
import { markPassedOn } from './request-hook.js';
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
async function refreshInPlace(
  port: GatehouseBackend,
  config: BackendConfig,
  request: NextRequest,
  state: RequestState,
): Promise<Refreshed | null> {
  if ((state.status === 'signed-in' && !expiresSoon(state)) || state.tokenSource === 'header') return null;
  // The auth API manages its own cookies (sign-in, sign-out, refresh); refreshing here would race it.
  if (request.nextUrl.pathname.startsWith(`${config.basePath}/`)) return null;
  if (state.reason === 'session-token-ambiguous') return null;
  const client = singleCookie(parseCookieHeader(request.headers.get('cookie')), CLIENT_COOKIE);
  if (typeof client !== 'string') return null;
  const url = publicUrl(request, config.trustedProxyHops);
  const cookies = cookieSettings(url, config.clientMaxAgeSeconds);
  const ctx = requestContext(request, config.trustedProxyHops);
  // The origin the browser used (becomes `azp`), not Next's listen address: with authorized parties
  // configured, a token minted for `http://localhost:3000` would be refused and the user sent to sign-in.
  ctx.origin = url.origin;
  // The one refresh path: the fresh token's claims come with it (no second verification).
  const outcome = await refreshOutcome(() => port.refresh(client, ctx), cookies);
  if (outcome.kind === 'refreshed') return { state: outcome.state, setCookies: outcome.setCookies, cookieUpdates: outcome.cookieUpdates };
  if (outcome.kind === 'signed-out') return { state, setCookies: outcome.setCookies, cookieUpdates: outcome.cookieUpdates };
  // The store is unreachable or failing: stay signed out for this request (fail closed), keep cookies.
  const message = outcome.error instanceof Error ? outcome.error.message : 'unknown error';
  port.log(`gatehouse: session refresh failed: ${message}`);
  return null;
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
  port: GatehouseBackend,
  config: BackendConfig,
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
  const ctx = requestContext(request, config.trustedProxyHops);
  ctx.origin = publicUrl(request, config.trustedProxyHops).origin;
  try {
    const session = { userId: state.claims.sub, sessionId: state.claims.sid, token: state.token };
    const result = await port.switchOrganization(session, target, ctx);
    const cookies = cookieSettings(publicUrl(request, config.trustedProxyHops), config.clientMaxAgeSeconds);
    return { state: signedInState(result.claims, result.sessionToken, 'cookie'), ...refreshedCookies(result, cookies) };
  } catch (error) {
    if (isGatehouseError(error) && (error.code === 'not_found' || error.code === 'bad_request')) return null;
    // The service no longer knows the session (revoked or made stale there, and this app, with no
    // Redis, has not heard yet): the request is signed out, as the next refresh would find.
    if (isGatehouseError(error) && error.code === 'unauthenticated')
      return { state: signedOut('session-revoked'), setCookies: [], cookieUpdates: {} };
    throw error;
  }
}

async function nodeRuntime(options: GatehouseMiddlewareOptions): Promise<MiddlewareRuntime> {
  const port = await backend(options.backend);
  // Read once per request: the allowed origins, hops and lifetime are live settings.
  const config = await port.config();
  return {
    async resolve(request, options) {
      // The auth API checks Origin itself (with its own allow-list); everything else is checked here,
      // against the allowed origins as they are now (an instance setting, changed at run time).
      if (
        !request.nextUrl.pathname.startsWith(`${config.basePath}/`) &&
        (await isCrossSiteCookieWrite(request, async () => (await port.config({ fresh: true })).allowedOrigins, config.trustedProxyHops))
      ) {
        const response = errorResponse('csrf_rejected', 'Cross-site requests may not use this session.');
        return { state: signedOut('session-token-missing'), refreshed: null, response };
      }
      let state = await port.authenticate(request);
      let refreshed = await refreshInPlace(port, config, request, state);
      if (refreshed) state = refreshed.state;
      if (options.organizationSyncOptions) {
        const synced = await syncOrganization(port, config, request, state, options.organizationSyncOptions);
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
    authObject: (state, request) => authObjectFor(state, port, request.headers),
    passOn: (request, path) => markPassedOn(request.headers, path),
    apiBasePath: () => config.basePath,
    machines: async () => port,
    log: (line) => port.log(line),
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
