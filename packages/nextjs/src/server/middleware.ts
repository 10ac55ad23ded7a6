// gatehouseMiddleware: authenticates every request, refreshes expired sessions in place, runs the app's handler.

import {
  CLIENT_COOKIE,
  SESSION_COOKIE,
  authenticateToken,
  createParamMatcher,
  clearedCookies,
  clientCookie,
  errorResponse,
  requestContext,
  sessionCookie,
  isGatehouseError,
  normalizePathname,
  parseCookieHeader,
  singleCookie,
  type AuthObject,
  type RequestState,
} from '@gatehouse/core';
import type { Gatehouse } from '@gatehouse/server';
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { PATH_HEADER, backend, signInUrl as defaultSignInUrl, signUpUrl as defaultSignUpUrl } from './backend.js';
import { decideProtect, requestKind, signInRedirect, type ProtectOptions, type ProtectParams } from './protect.js';
import { publicUrl } from './public-url.js';
import { isCrossSiteCookieWrite } from './csrf.js';
import { authObjectFor } from './auth-state.js';

export interface GatehouseMiddlewareOptions {
  signInUrl?: string;
  signUpUrl?: string;
  /** Reserved for the standalone and multi-instance shapes; embedded mode verifies with its own keys. */
  authorizedParties?: string[];
  clockSkewInMs?: number;
  /** Logs each decision (never a token). */
  debug?: boolean;
  /**
   * Activates the organization named in the URL when the user is a member (`/orgs/:slug/...`, or
   * `:id`), or the personal account on `personalAccountPatterns`. A non-member keeps the current
   * org: the page must compare its `params.slug` with `orgSlug` and show 404.
   */
  organizationSyncOptions?: { organizationPatterns?: string[]; personalAccountPatterns?: string[] };
}

export type MiddlewareAuth = (() => Promise<MiddlewareAuthObject>) & {
  protect: (params?: ProtectParams, options?: ProtectOptions) => Promise<AuthObject>;
};

export type MiddlewareAuthObject = AuthObject & {
  redirectToSignIn: (opts?: { returnBackUrl?: string | null }) => never;
  redirectToSignUp: (opts?: { returnBackUrl?: string | null }) => never;
};

export type MiddlewareHandler = (
  auth: MiddlewareAuth,
  request: NextRequest,
  event: NextFetchEvent,
) => Response | void | undefined | Promise<Response | void | undefined>;

type OptionsInput = GatehouseMiddlewareOptions | ((req: NextRequest) => GatehouseMiddlewareOptions | Promise<GatehouseMiddlewareOptions>);
type NextMiddleware = (request: NextRequest, event: NextFetchEvent) => Promise<Response>;

/** Thrown by the handler's auth helpers; turned into a response by the middleware. */
class ControlFlow {
  constructor(readonly response: Response) {}
}

/** Request headers that look like Gatehouse's (or Clerk's) internal ones are dropped at the door. */
const INTERNAL_HEADER = /^x-(gatehouse|clerk)-/i;

/** Replaces (or adds) cookies in a Cookie header so downstream code sees the refreshed values. */
function withCookies(header: string | null, updates: Record<string, string | null>): string {
  const kept = (header ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '' && !(p.split('=')[0]!.trim() in updates));
  for (const [name, value] of Object.entries(updates)) if (value !== null) kept.push(`${name}=${value}`);
  return kept.join('; ');
}

interface Refreshed {
  state: RequestState;
  setCookies: string[];
  cookieUpdates: Record<string, string | null>;
}

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
  const ctx = requestContext(request);
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
  const ctx = requestContext(request);
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

function buildAuth(state: RequestState, request: NextRequest, options: GatehouseMiddlewareOptions, gatehouse: Gatehouse): MiddlewareAuth {
  const signIn = options.signInUrl ?? defaultSignInUrl();
  const signUp = options.signUpUrl ?? defaultSignUpUrl();
  const redirectTo = (target: string, returnBackUrl?: string | null): never => {
    throw new ControlFlow(
      // Next.js wants an absolute Location from middleware; redirect_url inside stays a relative path.
      new Response(null, {
        status: 307,
        headers: { location: new URL(signInRedirect(target, request.nextUrl, returnBackUrl), request.nextUrl).href },
      }),
    );
  };
  const authObject = (): MiddlewareAuthObject =>
    Object.assign(authObjectFor(state, gatehouse, requestContext(request)), {
      redirectToSignIn: (opts?: { returnBackUrl?: string | null }) => redirectTo(signIn, opts?.returnBackUrl),
      redirectToSignUp: (opts?: { returnBackUrl?: string | null }) => redirectTo(signUp, opts?.returnBackUrl),
    });
  const auth = (async () => authObject()) as MiddlewareAuth;
  auth.protect = async (params, protectOptions) => {
    const current = authObject();
    const outcome = decideProtect(current, params, protectOptions);
    if (outcome.kind === 'allowed') return current;
    const kind = requestKind(request.headers);
    if (outcome.redirectTo && kind === 'page') {
      throw new ControlFlow(new Response(null, { status: 307, headers: { location: new URL(outcome.redirectTo, request.nextUrl).href } }));
    }
    if (outcome.kind === 'unauthenticated') {
      if (kind === 'page') return redirectTo(signIn);
      throw new ControlFlow(errorResponse('unauthenticated', 'Sign in to access this resource.'));
    }
    if (kind === 'page') {
      // Clerk's choice for pages: the app's own 404 page, so the route's existence is not revealed.
      const notFound = new URL(`/_gatehouse/not-found-${Date.now()}`, request.nextUrl);
      throw new ControlFlow(NextResponse.rewrite(notFound, { status: 404 }));
    }
    throw new ControlFlow(errorResponse('forbidden', 'You do not have permission to access this resource.'));
  };
  return auth;
}

function isRequest(value: unknown): value is NextRequest {
  return typeof value === 'object' && value !== null && 'headers' in value && 'url' in value && 'method' in value;
}

/**
 * The middleware (Next 16 `proxy.ts`). Call forms: bare (`export default gatehouseMiddleware`),
 * `gatehouseMiddleware(options?)`, `gatehouseMiddleware(handler, options?)` where options may be a
 * per-request function. With no handler nothing is protected: it authenticates and refreshes only.
 * Middleware is a convenience for redirects; pages and handlers guard themselves with auth().
 */
export function gatehouseMiddleware(request: NextRequest, event: NextFetchEvent): Promise<Response>;
export function gatehouseMiddleware(options?: GatehouseMiddlewareOptions): NextMiddleware;
export function gatehouseMiddleware(handler: MiddlewareHandler, options?: OptionsInput): NextMiddleware;
export function gatehouseMiddleware(...args: unknown[]): NextMiddleware | Promise<Response> {
  if (isRequest(args[0])) return createMiddleware(undefined, {})(args[0], args[1] as NextFetchEvent);
  const handler = typeof args[0] === 'function' ? (args[0] as MiddlewareHandler) : undefined;
  const options = (handler ? args[1] : args[0]) as OptionsInput | undefined;
  return createMiddleware(handler, options ?? {});
}

function createMiddleware(handler: MiddlewareHandler | undefined, optionsInput: OptionsInput): NextMiddleware {
  return async (request, event) => {
    const options = typeof optionsInput === 'function' ? await optionsInput(request) : optionsInput;
    try {
      normalizePathname(request.nextUrl.pathname);
    } catch {
      return new Response(null, { status: 400 });
    }
    const gatehouse = await backend();
    // The auth API checks Origin itself (with its own allow-list); everything else is checked here.
    if (!request.nextUrl.pathname.startsWith(`${gatehouse.basePath}/`) && isCrossSiteCookieWrite(request, gatehouse.allowedOrigins))
      return errorResponse('csrf_rejected', 'Cross-site requests may not use this session.');
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
    if (options.debug)
      gatehouse.log(
        `gatehouse: ${request.method} ${request.nextUrl.pathname} -> ${state.status}${state.reason ? ` (${state.reason})` : ''}`,
      );

    let response: Response | undefined;
    if (handler) {
      try {
        response = (await handler(buildAuth(state, request, options, gatehouse), request, event)) ?? undefined;
      } catch (error) {
        if (error instanceof ControlFlow) response = error.response;
        else if (isGatehouseError(error) && error.code === 'malformed_url') response = new Response(null, { status: 400 });
        else throw error;
      }
    }
    if (!response) {
      const headers = new Headers();
      request.headers.forEach((value, name) => {
        if (!INTERNAL_HEADER.test(name)) headers.set(name, value);
      });
      headers.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
      if (refreshed) {
        const cookie = withCookies(request.headers.get('cookie'), refreshed.cookieUpdates);
        if (cookie) headers.set('cookie', cookie);
        else headers.delete('cookie');
      }
      response = NextResponse.next({ request: { headers } });
    }
    if (refreshed) {
      // Responses from fetch() have immutable headers; copy those before adding cookies.
      if (!(response instanceof NextResponse)) response = new Response(response.body, response);
      for (const c of refreshed.setCookies) response.headers.append('set-cookie', c);
    }
    return response;
  };
}

/** Clerk's name, so a Clerk app migrates by changing the package name. */
export const clerkMiddleware = gatehouseMiddleware;
