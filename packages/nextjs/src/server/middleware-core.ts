// The middleware shared by the Node proxy and the edge middleware: call forms, the handler's auth, forwarding (edge-safe).

import {
  errorResponse,
  isGatehouseError,
  normalizePathname,
  type AuthObject,
  type RequestState,
  type SignedInAuthObject,
} from '@gatehouse/core';
import type { GatehouseBackend } from '@gatehouse/server';
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { INTERNAL_HEADER, PATH_HEADER, REQUEST_HEADER, signInUrl as defaultSignInUrl, signUpUrl as defaultSignUpUrl } from './settings.js';
import { authorizationOf, decideProtect, requestKind, signInRedirect, type ProtectOptions, type ProtectParams } from './protect.js';
import { acceptedAuth, decideMachineProtect, machineBearer, type MachineVerifierSource } from './machine-auth.js';
import { routerHeadersParse } from './router-state.js';
import { redirectLocation } from './redirect-location.js';
import { contentSecurityPolicy, type ContentSecurityPolicyOptions } from './content-security-policy.js';

export interface GatehouseMiddlewareOptions {
  signInUrl?: string;
  signUpUrl?: string;
  /** When set, a token's `azp` must be present and listed (edge middleware; the embedded instance reads its own setting). */
  authorizedParties?: string[];
  clockSkewInMs?: number;
  /** Logs each decision (never a token). */
  debug?: boolean;
  /**
   * Activates the organization named in the URL when the user is a member (`/orgs/:slug/...`, or
   * `:id`), or the personal account on `personalAccountPatterns`. A non-member keeps the current
   * org: the page must compare its `params.slug` with `orgSlug` and show 404. Node proxy only.
   */
  organizationSyncOptions?: { organizationPatterns?: string[]; personalAccountPatterns?: string[] };
  /**
   * Edge middleware: the public key that verifies session tokens, as PEM (SPKI) or JWK / JWKS JSON
   * (default env `GATEHOUSE_JWT_KEY`). Without it the keys come from `jwksUrl`.
   */
  jwtKey?: string;
  /** Edge middleware: where the key set is served (default env `GATEHOUSE_JWKS_URL`, else this app's `{apiBasePath}/jwks`). */
  jwksUrl?: string;
  /** Edge middleware: the instance's `iss` (default env `GATEHOUSE_ISSUER`); unset, any issuer of a token signed by the instance's keys is accepted. */
  issuer?: string;
  /** Where the Gatehouse route handler is mounted (default `/api/gatehouse`). */
  apiBasePath?: string;
  /** Node proxy: the service port to ask (default: the process-wide one, embedded or standalone). */
  backend?: GatehouseBackend;
  /**
   * Sets a Content-Security-Policy on every response the middleware passes: Gatehouse's own needs
   * (all same-origin) plus `directives`; `strict` adds a per-request nonce that Next.js puts on its scripts.
   */
  contentSecurityPolicy?: ContentSecurityPolicyOptions;
  /**
   * Clerk's options that name Clerk's hosted service (keys, Frontend API, satellite domains, the
   * legacy after-sign-in URLs): accepted so Clerk's middleware compiles unchanged, and unused: the
   * auth API is mounted in the app, and redirects after sign-in come from the provider's props.
   */
  publishableKey?: string;
  secretKey?: string;
  machineSecretKey?: string;
  domain?: string;
  isSatellite?: boolean;
  satelliteAutoSync?: boolean;
  proxyUrl?: string;
  frontendApiProxy?: unknown;
  afterSignInUrl?: string;
  afterSignUpUrl?: string;
  apiUrl?: string;
  apiVersion?: string;
  skipJwksCache?: boolean;
  jwksCacheTtlInMs?: number;
}

export type MiddlewareAuth = (() => Promise<MiddlewareAuthObject>) & {
  protect: (params?: ProtectParams, options?: ProtectOptions) => Promise<SignedInAuthObject>;
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

export type OptionsInput =
  GatehouseMiddlewareOptions | ((req: NextRequest) => GatehouseMiddlewareOptions | Promise<GatehouseMiddlewareOptions>);
export type NextMiddleware = (request: NextRequest, event: NextFetchEvent) => Promise<Response>;

/** Cookies to set on the response and to hand downstream in this same request. */
export interface Refreshed {
  state: RequestState;
  setCookies: string[];
  cookieUpdates: Record<string, string | null>;
}

/** What one runtime contributes: how a request is authenticated (and refreshed) and what auth() holds. */
export interface MiddlewareRuntime {
  /** Either the request state (with any refreshed cookies) or a response that ends the request (a handshake redirect). */
  resolve(
    request: NextRequest,
    options: GatehouseMiddlewareOptions,
  ): Promise<{ state: RequestState; refreshed: Refreshed | null; response?: Response }>;
  authObject(state: RequestState, request: NextRequest): AuthObject;
  /** Where the auth API (and its hosted pages) is mounted: those requests never reach the app's handler. */
  apiBasePath(options: GatehouseMiddlewareOptions): string;
  /**
   * Records out of band that the proxy passes this request on, and for which path, so the request
   * goes on unchanged (no header override). False where it cannot (no request hook saw the
   * request, or the edge): the path then travels in a request header.
   */
  passOn?(request: NextRequest, path: string): boolean;
  /** Verifies API keys and M2M tokens (Node only; without it machine tokens are refused). */
  machines?: () => Promise<MachineVerifierSource>;
  log(line: string): void;
}

/** Thrown by the handler's auth helpers; turned into a response by the middleware. */
class ControlFlow {
  /** `undefined`: the request goes on to the page (a redirect that would loop onto itself). */
  constructor(readonly response: Response | undefined) {}
}

/** Whether the client sent a header that looks internal (the request number of the request hook aside). */
function hasInternalHeader(headers: Headers): boolean {
  for (const name of headers.keys()) if (name !== REQUEST_HEADER && INTERNAL_HEADER.test(name)) return true;
  return false;
}

/** Replaces (or adds) cookies in a Cookie header so downstream code sees the refreshed values. */
function withCookies(header: string | null, updates: Record<string, string | null>): string {
  const kept = (header ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '' && !(p.split('=')[0]!.trim() in updates));
  for (const [name, value] of Object.entries(updates)) if (value !== null) kept.push(`${name}=${value}`);
  return kept.join('; ');
}

function buildAuth(
  state: RequestState,
  request: NextRequest,
  options: GatehouseMiddlewareOptions,
  runtime: MiddlewareRuntime,
): MiddlewareAuth {
  const signIn = options.signInUrl ?? defaultSignInUrl(runtime.apiBasePath(options));
  const signUp = options.signUpUrl ?? defaultSignUpUrl(runtime.apiBasePath(options));
  const redirectTo = (target: string, returnBackUrl?: string | null): never => {
    const location = signInRedirect(target, request.nextUrl, returnBackUrl);
    // A handler that protects the sign-in page itself would send the browser round in circles until
    // it gives up: the page is shown instead (it is public by nature; the app's own guards still run).
    const destination = new URL(location, request.nextUrl);
    if (destination.origin === request.nextUrl.origin && destination.pathname === request.nextUrl.pathname) {
      throw new ControlFlow(undefined);
    }
    throw new ControlFlow(
      // An absolute Location on the origin the browser used (not Next's listen address, which under
      // `next start -H 127.0.0.1` is another host); redirect_url inside stays a relative path.
      new Response(null, {
        status: 307,
        // Who is signed in decides this answer: no cache may keep it (issue #15).
        // Built on Next's own view of the request: a forged Host or forwarding header never chooses it.
        headers: { location: redirectLocation(location, request.nextUrl, request.headers.get('host')), 'cache-control': 'no-store' },
      }),
    );
  };
  const authObject = (): MiddlewareAuthObject =>
    Object.assign(runtime.authObject(state, request), {
      redirectToSignIn: (opts?: { returnBackUrl?: string | null }) => redirectTo(signIn, opts?.returnBackUrl),
      redirectToSignUp: (opts?: { returnBackUrl?: string | null }) => redirectTo(signUp, opts?.returnBackUrl),
    });
  const auth = (async () => authObject()) as MiddlewareAuth;
  auth.protect = async (params, protectOptions) => {
    const current = authObject();
    // Machine requests (a machine token in Authorization) and machine-only routes: 401 with the reason, or 403.
    const token = ({ ...(typeof params === 'object' ? params : {}), ...(protectOptions ?? {}) } as ProtectOptions).token;
    const bearer = machineBearer(request.headers);
    if (bearer || (token !== undefined && token !== 'session_token')) {
      const accepted = await acceptedAuth(request.headers, runtime.machines ? await runtime.machines() : {}, current, token);
      const machine = decideMachineProtect(accepted, authorizationOf(params), token, bearer === null);
      if (machine?.kind === 'allowed') return accepted as unknown as SignedInAuthObject;
      if (machine) throw new ControlFlow(machine.response);
    }
    const outcome = decideProtect(current, params, protectOptions);
    // decideProtect allows signed-in, non-pending sessions only.
    if (outcome.kind === 'allowed') return current as SignedInAuthObject;
    const kind = requestKind(request.headers);
    if (outcome.redirectTo && kind === 'page') {
      throw new ControlFlow(
        new Response(null, {
          status: 307,
          headers: {
            location: redirectLocation(outcome.redirectTo, request.nextUrl, request.headers.get('host')),
            'cache-control': 'no-store',
          },
        }),
      );
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

/**
 * Whether the path is the auth API's mount point or below it. Compared on the raw path, exactly as
 * the router will see its leading segments: an encoded or doubled variant (`/api/%67atehouse/x`,
 * `//api/gatehouse`) is not skipped, so it still goes through the app's handler (fail closed).
 */
function isOwnRoute(path: string, base: string): boolean {
  const root = base.replace(/\/+$/, '');
  return root !== '' && (path === root || path.startsWith(`${root}/`));
}

function isRequest(value: unknown): value is NextRequest {
  return typeof value === 'object' && value !== null && 'headers' in value && 'url' in value && 'method' in value;
}

/**
 * Builds `gatehouseMiddleware` over one runtime. Call forms: bare (`export default
 * gatehouseMiddleware`), `gatehouseMiddleware(options?)`, `gatehouseMiddleware(handler, options?)`
 * where options may be a per-request function. With no handler nothing is protected.
 */
export function defineMiddleware(runtime: (options: GatehouseMiddlewareOptions) => Promise<MiddlewareRuntime>) {
  function gatehouseMiddleware(request: NextRequest, event: NextFetchEvent): Promise<Response>;
  function gatehouseMiddleware(options?: GatehouseMiddlewareOptions): NextMiddleware;
  function gatehouseMiddleware(handler: MiddlewareHandler, options?: OptionsInput): NextMiddleware;
  function gatehouseMiddleware(...args: unknown[]): NextMiddleware | Promise<Response> {
    if (isRequest(args[0])) return createMiddleware(runtime, undefined, {})(args[0], args[1] as NextFetchEvent);
    const handler = typeof args[0] === 'function' ? (args[0] as MiddlewareHandler) : undefined;
    const options = (handler ? args[1] : args[0]) as OptionsInput | undefined;
    return createMiddleware(runtime, handler, options ?? {});
  }
  return gatehouseMiddleware;
}

function createMiddleware(
  getRuntime: (options: GatehouseMiddlewareOptions) => Promise<MiddlewareRuntime>,
  handler: MiddlewareHandler | undefined,
  optionsInput: OptionsInput,
): NextMiddleware {
  return async (request, event) => {
    const options = typeof optionsInput === 'function' ? await optionsInput(request) : optionsInput;
    try {
      normalizePathname(request.nextUrl.pathname);
    } catch {
      return new Response(null, { status: 400 });
    }
    if (!routerHeadersParse(request.headers)) return new Response(null, { status: 400 });
    const runtime = await getRuntime(options);
    const resolved = await runtime.resolve(request, options);
    const { state, refreshed } = resolved;
    if (options.debug)
      runtime.log(
        `gatehouse: ${request.method} ${request.nextUrl.pathname} -> ${resolved.response ? 'handshake' : state.status}${state.reason ? ` (${state.reason})` : ''}`,
      );
    if (resolved.response) return resolved.response;

    let response: Response | undefined;
    // The mounted auth API and its pages pass untouched whatever the app's handler protects: Clerk's
    // "protect every route but a public list" would otherwise lock the app out of its own sign-in
    // API (issue #23). The API authenticates and checks Origin itself.
    if (handler && !isOwnRoute(request.nextUrl.pathname, runtime.apiBasePath(options))) {
      try {
        response = (await handler(buildAuth(state, request, options, runtime), request, event)) ?? undefined;
      } catch (error) {
        if (error instanceof ControlFlow) {
          response = error.response;
          // A refused server action that Next.js forwarded here (issue #15, item 10): an action called on
          // a page that does not hold it is sent on by Next.js to the page that does, which cancels the
          // answer's body unread unless it is a Flight stream. A body still being written then aborts
          // this request, and Next.js logs an uncaught `aborted`. Answered at once without a body (the
          // request read to its end; Next.js has buffered it for the proxy), nothing is left in flight.
          if (response && request.headers.get('x-action-forwarded') === '1') {
            await request.arrayBuffer().catch(() => undefined);
            // no-transform: Next.js's compression would otherwise still be writing an empty gzip stream.
            const headers = new Headers(response.headers);
            headers.set('cache-control', 'no-store, no-transform');
            response = new Response(null, { status: response.status, headers });
          }
        } else if (isGatehouseError(error) && error.code === 'malformed_url') response = new Response(null, { status: 400 });
        else throw error;
      }
    }
    const csp = options.contentSecurityPolicy ? contentSecurityPolicy(options.contentSecurityPolicy) : null;
    if (!response) {
      const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
      const cookieUpdates = refreshed !== null && Object.keys(refreshed.cookieUpdates).length > 0;
      // Nothing to change in the request: it goes on as it came, without Next's header override
      // (which copies every header), and the path is recorded beside it.
      if (!csp && !cookieUpdates && !hasInternalHeader(request.headers) && runtime.passOn?.(request, path)) {
        response = NextResponse.next();
      } else {
        const headers = new Headers();
        request.headers.forEach((value, name) => {
          if (!INTERNAL_HEADER.test(name)) headers.set(name, value);
        });
        // Next.js reads the nonce for its own scripts from the request's policy.
        if (csp) {
          headers.set(csp.name, csp.value);
          if (csp.nonce) headers.set('x-nonce', csp.nonce);
        }
        headers.set(PATH_HEADER, path);
        if (cookieUpdates) {
          const cookie = withCookies(request.headers.get('cookie'), refreshed.cookieUpdates);
          if (cookie) headers.set('cookie', cookie);
          else headers.delete('cookie');
        }
        response = NextResponse.next({ request: { headers } });
      }
    }
    if ((refreshed && refreshed.setCookies.length > 0) || csp) {
      // Responses from fetch() have immutable headers; copy those before adding cookies.
      if (!(response instanceof NextResponse)) response = new Response(response.body, response);
      for (const c of refreshed?.setCookies ?? []) response.headers.append('set-cookie', c);
      if (csp) {
        response.headers.set(csp.name, csp.value);
        if (csp.reportingEndpoints) response.headers.set('reporting-endpoints', csp.reportingEndpoints);
      }
    }
    return response;
  };
}
