// gatehouseMiddleware on the edge runtime (Next 15 `middleware.ts`): WebCrypto verification, refresh by handshake redirect.

import {
  CLIENT_COOKIE,
  GatehouseError,
  authenticateRequest,
  createConfigReader,
  createRemoteKeyResolver,
  createSessionTokenVerifier,
  errorResponse,
  parseCookieHeader,
  serializeCookie,
  signedOut,
  signedOutAuthObject,
  singleCookie,
  type AuthReason,
  type BackendConfig,
  type ConfigReadOptions,
  type RequestState,
  type SessionTokenVerifier,
} from '@gatehouse/core';
import type { NextRequest } from 'next/server';
import { isCrossSiteCookieWrite } from './csrf.js';
import { defineMiddleware, type GatehouseMiddlewareOptions, type MiddlewareRuntime } from './middleware-core.js';
import { publicUrl } from './public-url.js';
import { redirectLocation } from './redirect-location.js';
import { DEFAULT_API_BASE_PATH } from './settings.js';
import { configuredKeys } from './configured-keys.js';

/** The loop guard: how many handshakes this browser started in the last few seconds. */
export const HANDSHAKE_COOKIE = '__gatehouse_handshake';
/** After this many handshakes in a row that did not produce a verifiable session, the request proceeds signed out. */
export const MAX_HANDSHAKE_ATTEMPTS = 3;
const HANDSHAKE_COOKIE_SECONDS = 10;
/** Refreshable by a handshake: the token ran out, or the browser dropped the session cookie but kept the client. */
const HANDSHAKE_REASONS: ReadonlySet<AuthReason> = new Set(['session-token-expired', 'session-token-missing']);

function apiBasePath(options: GatehouseMiddlewareOptions): string {
  return (options.apiBasePath ?? DEFAULT_API_BASE_PATH).replace(/\/+$/, '');
}

const verifiers = new Map<string, Promise<SessionTokenVerifier>>();

/** One verifier per configuration, reused across requests so keys are imported and fetched once. */
function verifierFor(request: NextRequest, options: GatehouseMiddlewareOptions): Promise<SessionTokenVerifier> {
  const jwtKey = options.jwtKey ?? process.env.GATEHOUSE_JWT_KEY ?? '';
  // The default JWKS URL is this server's own address (not the public one): the fetch stays local.
  const jwksUrl = options.jwksUrl ?? process.env.GATEHOUSE_JWKS_URL ?? new URL(`${apiBasePath(options)}/jwks`, request.url).href;
  const issuer = options.issuer ?? process.env.GATEHOUSE_ISSUER ?? null;
  const parties = options.authorizedParties ?? [];
  const cacheKey = JSON.stringify([jwtKey, jwtKey ? '' : jwksUrl, issuer, parties, options.clockSkewInMs ?? null]);
  let verifier = verifiers.get(cacheKey);
  if (!verifier) {
    verifier = (jwtKey ? configuredKeys(jwtKey) : Promise.resolve(createRemoteKeyResolver({ jwksUrl }))).then((keys) =>
      createSessionTokenVerifier({
        keys,
        issuer,
        authorizedParties: parties,
        ...(options.clockSkewInMs === undefined ? {} : { clockSkewInMs: options.clockSkewInMs }),
      }),
    );
    verifier.catch(() => verifiers.delete(cacheKey));
    verifiers.set(cacheKey, verifier);
  }
  return verifier;
}

/** A top-level GET navigation: the only request a redirect can take through the handshake and back. */
function isDocumentGet(request: NextRequest): boolean {
  if (request.method !== 'GET') return false;
  const h = request.headers;
  if (h.get('rsc') === '1' || h.has('next-router-state-tree') || h.has('next-action')) return false;
  const dest = h.get('sec-fetch-dest');
  if (dest) return dest === 'document';
  return (h.get('accept') ?? '').includes('text/html');
}

function attemptCookie(value: number, secure: boolean): string {
  return serializeCookie(HANDSHAKE_COOKIE, String(value), {
    httpOnly: true,
    secure,
    sameSite: 'Lax',
    maxAge: value === 0 ? 0 : HANDSHAKE_COOKIE_SECONDS,
  });
}

/**
 * Edge decision for a request whose session token did not verify: a GET document with a
 * `__client` cookie goes through `{apiBasePath}/handshake` (a Node route that refreshes and
 * redirects back), at most {@link MAX_HANDSHAKE_ATTEMPTS} times in a row; everything else proceeds
 * signed out with the reason the token failed (`session-token-expired` for an expired one), and the
 * client SDK refreshes and retries.
 */
function handshake(request: NextRequest, options: GatehouseMiddlewareOptions, state: RequestState): Response | null {
  if (state.status === 'signed-in' || state.tokenSource === 'header' || !HANDSHAKE_REASONS.has(state.reason)) return null;
  const base = apiBasePath(options);
  // The auth API itself (the handshake route included) is never sent through a handshake.
  if (request.nextUrl.pathname === base || request.nextUrl.pathname.startsWith(`${base}/`)) return null;
  if (!isDocumentGet(request)) return null;
  const cookies = parseCookieHeader(request.headers.get('cookie'));
  if (typeof singleCookie(cookies, CLIENT_COOKIE) !== 'string') return null;
  const counted = singleCookie(cookies, HANDSHAKE_COOKIE);
  const attempts = typeof counted === 'string' && /^\d{1,2}$/.test(counted) ? Number(counted) : 0;
  if (attempts >= MAX_HANDSHAKE_ATTEMPTS) return null;
  // Built on nextUrl like every middleware redirect: Next.js turns a same-host absolute Location
  // into a relative one, so the browser stays on the host it used.
  const url = request.nextUrl;
  const target = new URL(`${base}/handshake`, url);
  target.searchParams.set('redirect_url', `${url.pathname}${url.search}`);
  const headers = new Headers({ location: redirectLocation(target.href, url, request.headers.get('host')), 'cache-control': 'no-store' });
  headers.append('set-cookie', attemptCookie(attempts + 1, publicUrl(request, trustedProxyHops()).protocol === 'https:'));
  return new Response(null, { status: 307, headers });
}

/** GATEHOUSE_ALLOWED_ORIGINS: the origins used until the service's live setting is read, and while it cannot be. */
function configuredOrigins(): string[] {
  return (process.env.GATEHOUSE_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** GATEHOUSE_TRUSTED_PROXY_HOPS, as the Node runtime reads it (default 0: no proxy's forwarding headers are believed). */
function trustedProxyHops(): number {
  const hops = Number(process.env.GATEHOUSE_TRUSTED_PROXY_HOPS ?? 0);
  return Number.isInteger(hops) && hops > 0 ? hops : 0;
}

const configReaders = new Map<string, (options?: ConfigReadOptions) => Promise<BackendConfig>>();

/**
 * The allowed origins as the service holds them now: `GET {apiBasePath}/config` from this server's
 * own address (like the JWKS), read afresh each time (only a cookie-carrying write from a foreign
 * Origin asks), so a change in the dashboard or the backend API governs the edge on the next request.
 */
async function allowedOrigins(request: NextRequest, options: GatehouseMiddlewareOptions): Promise<readonly string[]> {
  const url = new URL(`${apiBasePath(options)}/config`, request.url).href;
  let read = configReaders.get(url);
  if (!read) {
    const fallback = { basePath: apiBasePath(options), trustedProxyHops: 0, allowedOrigins: configuredOrigins(), clientMaxAgeSeconds: 1 };
    read = createConfigReader(async () => {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return res.json();
    }, fallback);
    configReaders.set(url, read);
  }
  return (await read({ fresh: true })).allowedOrigins;
}

async function edgeRuntime(): Promise<MiddlewareRuntime> {
  return {
    async resolve(request, options) {
      // The same cross-site write check as on Node; the auth API checks Origin itself.
      const base = apiBasePath(options);
      const path = request.nextUrl.pathname;
      if (
        path !== base &&
        !path.startsWith(`${base}/`) &&
        (await isCrossSiteCookieWrite(request, () => allowedOrigins(request, options), trustedProxyHops()))
      ) {
        const response = errorResponse('csrf_rejected', 'Cross-site requests may not use this session.');
        return { state: signedOut('session-token-missing'), refreshed: null, response };
      }
      const state = await authenticateRequest(request, { verifier: await verifierFor(request, options) });
      const response = handshake(request, options, state);
      if (response) return { state, refreshed: null, response };
      // Signed in again: the loop guard has done its job.
      const counter = state.status === 'signed-in' && request.cookies.has(HANDSHAKE_COOKIE);
      const refreshed = counter
        ? { state, setCookies: [attemptCookie(0, publicUrl(request, trustedProxyHops()).protocol === 'https:')], cookieUpdates: {} }
        : null;
      return { state, refreshed };
    },
    authObject(state) {
      if (state.status !== 'signed-in') return state.toAuth();
      if (state.claims.sts === 'pending') return signedOutAuthObject(null, 'pending');
      return state.toAuth(async (opts) => {
        if (opts?.template || opts?.organizationId) {
          throw new GatehouseError(
            'bad_request',
            'getToken({ template }) and getToken({ organizationId }) mint tokens on the server: call them in a route handler or server component, not in edge middleware.',
          );
        }
        return state.token;
      });
    },
    apiBasePath,
    log: (line) => console.log(line),
  };
}

/**
 * The middleware on the edge runtime (Next 15 `middleware.ts`). No Node-only code: tokens are
 * verified with WebCrypto against the app's JWKS (fetched and cached) or a configured public key.
 * An expired session is refreshed by a handshake redirect for GET documents; other requests
 * proceed signed out with `session-token-expired`. Revocation is checked by auth() on the server.
 */
export const gatehouseMiddleware = defineMiddleware(edgeRuntime);

/** Clerk's name, so a Clerk app migrates by changing the package name. */
export const clerkMiddleware = gatehouseMiddleware;
