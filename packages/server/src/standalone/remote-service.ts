// An app's view of a standalone Gatehouse service (GATEHOUSE_SERVICE_URL): tokens verified from its JWKS, refresh and the auth API forwarded to it.

import {
  GatehouseError,
  authenticateRequestNow,
  createConfigReader,
  createRemoteKeyResolver,
  createSessionTokenVerifier,
  errorResponse,
  type AuthReason,
  type ConfigReadOptions,
  type RequestContext,
  type RequestState,
  type SessionClaims,
} from '@gatehouse/core';
import { nodeSignatures } from '../tokens/node-signatures.js';
import { createClaimStamps } from '../propagation/claim-stamps.js';
import type { GatehouseBackend, SessionRef } from '../instance/backend-port.js';
import { createBackendHttpClient, type BackendClient } from '../backend/client.js';
import { connectFanOut, type FanOut } from '../propagation/redis-fan-out.js';
import { createRevocationList } from '../propagation/revocation.js';
import { DISCOVERY_PATH, type ServiceDiscovery } from './serve.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { metricsRoute } from '../observability/metrics-endpoint.js';
import { observeDecisions } from '../observability/decisions.js';
import { observeRefresh } from '../observability/session-telemetry.js';
import { createSecretKeyCheck } from '../backend/secret-keys.js';
import type { PublicUser } from '../sessions/sessions.js';
import { forwardToService, remoteRefresh, serviceAnswer, verifiedClaims, type ServiceCalls } from './service-calls.js';

export interface RemoteGatehouseOptions {
  /** The service's base URL, e.g. `http://gatehouse.internal:4000`. */
  serviceUrl: string;
  /** Where the app mounts the auth API (forwarded to the same path on the service). */
  basePath?: string;
  authorizedParties?: string[];
  /** Origins besides the app's own that may send state-changing requests with the session cookies (the proxy's CSRF check). */
  allowedOrigins?: string[];
  clockSkewInMs?: number;
  /** The `__client` cookie's Max-Age when a refresh rotates it (the service's maximum session lifetime). */
  maxLifetimeSeconds?: number;
  /** The service's Redis: revocations and claim changes reach this app within a second instead of at token expiry. */
  redisUrl?: string;
  /** Proxies in front of the app that append to X-Forwarded-For (default 1): which entry is the client address. */
  trustedProxyHops?: number;
  /**
   * The service's secret key (`gh_sk_…`): the backend API (`client()`) for server code, and the
   * refresh of visitors' sessions as a JSON call (`POST {basePath}/app/refresh`). Without it the
   * app refreshes through `POST {basePath}/app/client-refresh` (JSON too, the browser's context in
   * the headers).
   */
  secretKey?: string;
  /** How long a call to the service may take (default 5 s). */
  timeoutMs?: number;
  /**
   * How long the service's key set is trusted once fetched (default 10 minutes). The app fetches it
   * again every half of that, so a synchronous `getAuth(req)` has keys at hand while the service
   * answers, however long the app sat idle.
   */
  jwksMaxAgeMs?: number;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

/** A standalone app's port to the service, and what it holds open. */
export interface RemoteBackend extends GatehouseBackend {
  /** The service's `iss`. */
  readonly issuer: string;
  /**
   * This app's own metrics: its decisions, the proxy's refreshes, the verified-token cache, the
   * fan-out lag, Redis and whether the service answers. Sign-ins and the rest are the service's.
   */
  readonly metrics: Metrics;
  close(): Promise<void>;
}

/**
 * Connects an app to a standalone service. Reads the service's discovery document (issuer, JWKS
 * URL), verifies session tokens with the service's public keys only (cached, refetched on an
 * unknown kid), refreshes sessions and serves the auth API by forwarding to the service, so the
 * cookies stay on the app's origin. With `redisUrl`, revocations arrive as on any instance;
 * without it, a revoked session's token works in this app until it expires (token lifetime + skew).
 *
 * @throws GatehouseError `setup_missing` when the service cannot be reached or answers nonsense
 */
export async function createRemoteBackend(options: RemoteGatehouseOptions): Promise<RemoteBackend> {
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? ((line: string) => console.log(line));
  const timeoutMs = options.timeoutMs ?? 5000;
  const service = new URL(options.serviceUrl);
  if (service.protocol !== 'http:' && service.protocol !== 'https:') throw new TypeError('serviceUrl must be an http(s) URL');
  const basePath = (options.basePath ?? '/api/gatehouse').replace(/\/+$/, '');
  const clockSkewInMs = options.clockSkewInMs ?? 5000;

  const discovery = await discover(service, doFetch, timeoutMs);
  // The JWKS from the service's own origin (not from the document: it names the address the service
  // saw, which may not be one this app can reach).
  const metrics = createMetrics();
  // `{basePath}/metrics` of the app is the app's own registry, behind the same secret key (the service's is on the service).
  const metricsKeys = createSecretKeyCheck(options.secretKey ? [options.secretKey] : []);
  // node:crypto keys: once the set is fetched, a token is checked without a promise (getAuth(req) is synchronous).
  const keys = createRemoteKeyResolver({
    jwksUrl: new URL('/.well-known/jwks.json', service),
    fetch: doFetch,
    timeoutMs,
    signatures: nodeSignatures,
    ...(options.jwksMaxAgeMs === undefined ? {} : { cacheMaxAgeMs: options.jwksMaxAgeMs }),
  });
  // The key set fetched now, not on the first request: getAuth(req) answers only with keys at hand.
  // (No kid is asked for: this only fills the cache; a failed fetch is retried by the first request.)
  await keys.getKey('', 'RS256');
  // And fetched again before it expires, requests or not (a failed fetch keeps the set until its age runs out).
  const keepKeysFresh = keys.maxAgeMs > 0 ? setInterval(() => void keys.refresh(), Math.max(keys.maxAgeMs / 2, 100)) : null;
  keepKeysFresh?.unref();
  const verifier = createSessionTokenVerifier({
    keys,
    issuer: discovery.issuer,
    authorizedParties: options.authorizedParties ?? [],
    clockSkewInMs,
    cacheStats: metrics.tokenCache,
    ...(typeof discovery.session_token_lifetime_seconds === 'number' && discovery.session_token_lifetime_seconds > 0
      ? { maxTokenLifetimeSeconds: discovery.session_token_lifetime_seconds }
      : {}),
  });

  let fanOut: FanOut | null = null;
  if (options.redisUrl) {
    // Retained as long as any session token could live (the service's TTL is not known here: 10 minutes bounds it generously).
    const retainMs = 10 * 60 * 1000;
    fanOut = await connectFanOut({
      url: options.redisUrl,
      channel: `gatehouse:events:${discovery.issuer.slice('urn:gatehouse:'.length)}`,
      revocations: createRevocationList({ retainMs, now: Date.now }),
      stamps: createClaimStamps({ retainMs, now: Date.now }),
      // No database here: what was published while disconnected is lost to this app (the token-lifetime bound).
      rebuild: async () => undefined,
      now: Date.now,
      maxSkewMs: clockSkewInMs,
      log,
      onRevocationLag: metrics.revocationLag,
    });
  }
  const health = new URL('/health', service);
  metrics.watch({
    redisUp: () => (fanOut ? fanOut.status.subscribed : null),
    serviceUp: () =>
      doFetch(health, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) }).then(
        async (res) => (await res.arrayBuffer(), res.status === 200),
        () => false,
      ),
  });
  const checkSession = (claims: SessionClaims): AuthReason | null => {
    if (!fanOut) return null;
    if (fanOut.revocations.isRevoked(claims.sid)) return 'session-revoked';
    if (fanOut.stamps.isStale(claims.sub, claims.sid, claims.iat_ms ?? claims.iat * 1000)) return 'session-claims-stale';
    return null;
  };

  const calls: ServiceCalls = { service, basePath, doFetch, timeoutMs };
  const refresh = remoteRefresh(calls, verifier, options.secretKey);

  /** The app's `/api/gatehouse/*` (and JWKS) forwarded to the same path on the service; its own metrics served here. */
  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(`${basePath}/`) && url.pathname !== '/.well-known/jwks.json')
      return errorResponse('not_found', 'No such endpoint.');
    if (url.pathname === `${basePath}/metrics` && (request.method === 'GET' || request.method === 'HEAD'))
      return metricsRoute(request, metrics, metricsKeys);
    return forwardToService(calls, request, log);
  }

  // currentUser() runs right after auth() verified the request's token: remembering the latest
  // verified token per user lets getUser() ask the service for that user's own record with it
  // (GET /session), with no credential of the app's own. Bounded; a revoked token simply gets null.
  const recentTokens = new Map<string, string>();
  const remember = (state: RequestState): RequestState => {
    if (state.status === 'signed-in') {
      recentTokens.delete(state.claims.sub);
      recentTokens.set(state.claims.sub, state.token);
      if (recentTokens.size > 1000) recentTokens.delete(recentTokens.keys().next().value as string);
    }
    return state;
  };
  // Synchronous when the key is at hand (as in the embedded port); a promise while the set is fetched.
  function verify(request: Pick<Request, 'headers'>): RequestState | Promise<RequestState> {
    const state = authenticateRequestNow(request, { verifier, checkSession });
    return state instanceof Promise ? state.then(remember) : remember(state);
  }
  const authenticate = observeDecisions(verify, metrics);
  async function getUser(id: string): Promise<PublicUser | null> {
    const token = recentTokens.get(id);
    if (!token) return null;
    const res = await doFetch(new URL(`${basePath}/session`, service), {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200) return null;
    const body = (await res.json().catch(() => null)) as { user?: PublicUser } | null;
    return body?.user?.id === id ? body.user : null;
  }

  // The service's live settings (allowed origins change there at run time), re-read at most every 2 s (at once when asked for a fresh read);
  // until the first answer, and while the service cannot be reached, the app's own configuration.
  const config = createConfigReader(
    async () => {
      const res = await doFetch(new URL(`${basePath}/config`, service), { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return res.json();
    },
    {
      basePath,
      trustedProxyHops: options.trustedProxyHops ?? 0,
      allowedOrigins: options.allowedOrigins ?? [],
      clientMaxAgeSeconds: options.maxLifetimeSeconds ?? 7 * 24 * 60 * 60,
    },
  );
  // The app's own mount point and proxies: those are this app's, not the service's.
  const liveConfig = async (read?: ConfigReadOptions) => ({
    ...(await config(read)),
    basePath,
    trustedProxyHops: options.trustedProxyHops ?? 0,
  });

  /** A signed-in call to the service's session API with the request's own token; the new token comes back as `jwt`. */
  async function asSession(
    session: SessionRef,
    path: string,
    body: unknown,
    context: RequestContext,
  ): Promise<{ jwt: string } & Record<string, unknown>> {
    const headers = new Headers({ authorization: `Bearer ${session.token}`, 'content-type': 'application/json' });
    if (context.userAgent) headers.set('user-agent', context.userAgent);
    if (context.ip) headers.set('x-forwarded-for', context.ip);
    if (context.origin) headers.set('origin', context.origin);
    const res = await doFetch(new URL(`${basePath}${path}`, service), {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return serviceAnswer(res);
  }

  let client: BackendClient | undefined;
  return {
    issuer: discovery.issuer,
    metrics,
    authenticate,
    refresh: observeRefresh(refresh, metrics),
    async switchOrganization(session, organization, context) {
      const body = await asSession(session, '/sessions/active-organization', { organization }, context);
      const claims = await verifiedClaims(body.jwt, verifier);
      return { userId: claims.sub, sessionId: claims.sid, sessionToken: body.jwt, claims, clientToken: null };
    },
    async mintToken(session, request, context) {
      return (await asSession(session, '/tokens', request, context)).jwt;
    },
    getUser,
    handle,
    config: liveConfig,
    client() {
      if (!options.secretKey) throw new TypeError('GATEHOUSE_SERVICE_URL is set: set GATEHOUSE_SECRET_KEY (gh_sk_…) too');
      return (client ??= createBackendHttpClient({ serviceUrl: service.href, secretKey: options.secretKey, fetch: doFetch }));
    },
    log,
    async close() {
      if (keepKeysFresh) clearInterval(keepKeysFresh);
      await fanOut?.close();
    },
  };
}

/** The service's discovery document (issuer, JWKS, token lifetime). @throws GatehouseError `setup_missing` */
async function discover(service: URL, doFetch: typeof fetch, timeoutMs: number): Promise<ServiceDiscovery> {
  try {
    const res = await doFetch(new URL(DISCOVERY_PATH, service), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`status ${res.status}`);
    const discovery = (await res.json()) as ServiceDiscovery;
    if (typeof discovery.issuer !== 'string' || !discovery.issuer.startsWith('urn:gatehouse:')) throw new Error('no issuer');
    return discovery;
  } catch (cause) {
    throw new GatehouseError('setup_missing', `The Gatehouse service at ${service.origin} cannot be reached (GATEHOUSE_SERVICE_URL).`, {
      cause,
    });
  }
}
