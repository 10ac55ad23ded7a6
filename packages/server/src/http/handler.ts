// The auth HTTP API as one Request -> Response function; frameworks mount it in a few lines.

import {
  authenticateRequestNow,
  clientCookie,
  crossSiteWrite,
  cookieSettings,
  refreshOutcome,
  requestContext,
  safeRedirectUrl,
  sessionCookie,
  type CookieSettings,
} from '@gatehouse/core';
import { normalizeEmail, type SignedInResult } from '../sessions/sessions.js';
import type { Gatehouse } from '../instance/instance.js';
import type { z } from 'zod';
import { readJson } from './body.js';
import { answerFormPost, isFormPost } from './form-posts.js';
import { SignInBody, SignUpBody } from './sign-in-bodies.js';
import { errorResponse, json, rateLimitedResponse, toErrorResponse } from './respond.js';
import { createSessionRoutes, presentedClientToken, signedInAs, type RouteParams } from './session-routes.js';
import { createOrgRoutes, type AnyMethods, type HttpMethod } from './org-routes.js';
import { JWKS_MAX_AGE_SECONDS } from '../tokens/keys.js';
import { createAdminRoutes } from './admin-routes.js';
import { createDashboard } from '../dashboard/dashboard.js';
import { createBackendRoutes } from './backend-routes.js';
import { createFactorRoutes } from '../factors/factor-routes.js';
import { OPENAPI_PATH, openApiDocument } from './openapi.js';
import type { SecretKeyCheck } from '../backend/secret-keys.js';
import { createOauthRoutes } from '../oauth/routes.js';
import { createMachineRoutes } from '../machines/machine-routes.js';
import { runImpersonated } from '../audit/acting-as.js';
import { createAccountRoutes } from '../accounts/account-routes.js';
import { metricsRoute } from '../observability/metrics-endpoint.js';
import { CLAIM_PATH } from '../admin-claim/admin-claim.js';
import { createClaimRoutes } from '../admin-claim/claim-routes.js';
import { createHostedPages } from '../hosted/pages.js';
import { needsSecondFactorSetup } from '../factors/factor-requirement.js';
import { APP_CLIENT_REFRESH_PATH, APP_REFRESH_PATH, appClientRefreshRoute, appRefreshRoute } from './app-refresh.js';

export interface HandlerOptions {
  /** Where the API is mounted, e.g. `/api/gatehouse`. */
  basePath: string;
  /** Extra origins allowed to call state-changing endpoints (besides the request's own origin). */
  allowedOrigins: readonly string[];
  secureCookies?: boolean;
  /** Serve the dev mailer's inbox at `GET {basePath}/dev/inbox`. */
  devInbox?: boolean;
  /** The secret keys of the backend HTTP API (`/v1/backend/…`); without any, every backend call is refused. */
  secretKeys?: SecretKeyCheck;
}

const CSRF_MESSAGES = {
  'cross-site': 'Cross-site requests are not allowed.',
  'foreign-origin': 'This origin may not call the Gatehouse API.',
  'no-origin': 'A request that uses the session cookies must say where it comes from (Origin).',
} as const;

/** A sign-in or sign-up the rate limits refused, counted with that outcome. */
function refused(count: (outcome: string) => void, response: Response): Response {
  count('rate_limited');
  return response;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : 'unknown error');

/**
 * POST /sign-up: JSON from the SDK, or the prebuilt form's HTML post (a 303). With verification
 * required, the answer is the pending attempt (the code is mailed); otherwise the new session.
 */
function signUpRoute(gatehouse: Gatehouse, signedIn: (result: SignedInResult, cookies: CookieSettings) => Response): AnyMethods {
  return {
    POST: async (request, ctx, cookies) => {
      const signUp = async (body: z.infer<typeof SignUpBody>) => {
        const ip = gatehouse.rateLimits.clientIp(request.headers);
        const required = gatehouse.accounts.verificationRequired();
        // Each attempt mails the address: counted per address too, so nobody floods an inbox.
        const limited = rateLimitedResponse(
          await gatehouse.rateLimits.attempt(
            [{ name: 'signUpIp', key: ip }, ...(required ? [{ name: 'verifyIdentifier' as const, key: normalizeEmail(body.email) }] : [])],
            { ip, userAgent: ctx.userAgent },
          ),
        );
        if (limited) return refused(gatehouse.metrics.signUp, limited);
        if (required) {
          // No user and no session yet: the attempt waits for the code (or link) mailed to the address.
          const attempt = await gatehouse.accounts.signUps.create(body, ctx, { prepare: true });
          gatehouse.metrics.signUp('pending_verification');
          return json(200, { signUp: attempt });
        }
        return signedIn(await gatehouse.sessions.signUp(body, ctx, presentedClientToken(request)), cookies);
      };
      if (isFormPost(request))
        return answerFormPost(request, SignUpBody, '/sign-up', signUp, async (response) => {
          // Pending verification: back to the form, which asks for the code of this attempt.
          const body = (await response.clone().json()) as { signUp?: { id?: string; status?: string } };
          return body.signUp?.status === 'missing_requirements' && body.signUp.id ? { sign_up_attempt: body.signUp.id } : null;
        });
      return signUp(await readJson(request, SignUpBody));
    },
  };
}

export function createHandler(gatehouse: Gatehouse, options: HandlerOptions): (request: Request) => Promise<Response> {
  const base = options.basePath.replace(/\/+$/, '');

  function signedIn(result: SignedInResult, cookies: CookieSettings, headers = new Headers()): Response {
    headers.append('set-cookie', clientCookie(result.clientToken, cookies));
    headers.append('set-cookie', sessionCookie(result.sessionToken, cookies));
    return json(200, { user: result.user, sessionId: result.sessionId }, headers);
  }

  let openApi: Record<string, unknown> | undefined;
  const sessionRoutes = createSessionRoutes(gatehouse);
  const orgRoutes = createOrgRoutes(gatehouse, { devInbox: options.devInbox ?? false });
  const adminRoutes = createAdminRoutes(gatehouse);
  const machineRoutes = createMachineRoutes(gatehouse);
  const dashboard = createDashboard(gatehouse, { basePath: base });
  const oauthRoutes = createOauthRoutes(gatehouse, gatehouse.oauth, { basePath: base });
  const factorRoutes = createFactorRoutes(gatehouse, signedIn);
  const accountRoutes = createAccountRoutes(gatehouse, gatehouse.accounts);
  const secretKeys = options.secretKeys ?? { configured: false, matches: () => false };
  const backendRoutes = createBackendRoutes(gatehouse, secretKeys);
  const routes: Record<string, AnyMethods> = {
    ...createHostedPages(gatehouse, { basePath: base }),
    ...sessionRoutes.routes,
    ...oauthRoutes.routes,
    ...accountRoutes.routes,
    '/jwks': { GET: async () => jwks() },
    '/metrics': { GET: async (request) => metricsRoute(request, gatehouse.metrics, secretKeys) },
    [CLAIM_PATH]: createClaimRoutes(gatehouse, gatehouse.adminClaims, base),
    // The live settings the app glue applies per request (the edge middleware and standalone apps read them here).
    '/config': { GET: async () => json(200, await gatehouse.config(), new Headers({ 'cache-control': 'no-store' })) },
    [OPENAPI_PATH]: { GET: async () => json(200, (openApi ??= openApiDocument())) },
    // JSON from the SDK; an HTML form post (the prebuilt forms before their scripts run) gets a 303.
    // Credentials are read from the body only, never from the query string.
    '/sign-up': signUpRoute(gatehouse, signedIn),
    '/sign-in': {
      POST: async (request, ctx, cookies) => {
        const signIn = async (body: z.infer<typeof SignInBody>) => {
          // Before the password check: a refused attempt costs no hash and writes nothing.
          const ip = gatehouse.rateLimits.clientIp(request.headers);
          const limited = rateLimitedResponse(
            await gatehouse.rateLimits.attempt(
              [
                { name: 'signInIp', key: ip },
                { name: 'signInIdentifier', key: normalizeEmail(body.email) },
              ],
              { ip, userAgent: ctx.userAgent },
            ),
          );
          if (limited) return refused(gatehouse.metrics.signIn, limited);
          const result = await gatehouse.sessions.attemptSignIn(body, ctx, presentedClientToken(request));
          return 'status' in result ? factorRoutes.needsSecondFactor(result, cookies) : signedIn(result, cookies);
        };
        if (isFormPost(request)) return answerFormPost(request, SignInBody, '/sign-in', signIn);
        return signIn(await readJson(request, SignInBody));
      },
    },
    '/refresh': {
      POST: async (request, ctx, cookies) => {
        const token = presentedClientToken(request);
        if (!token) return errorResponse('client_invalid', 'There is no client cookie; sign in again.');
        const outcome = await refreshOutcome(() => gatehouse.sessions.refresh(token, ctx), cookies);
        if (outcome.kind === 'failed') return toErrorResponse(outcome.error, gatehouse.log);
        const headers = new Headers();
        for (const c of outcome.setCookies) headers.append('set-cookie', c);
        if (outcome.kind === 'signed-out') return toErrorResponse(outcome.error, gatehouse.log, headers);
        const { sessionToken, sessionId, userId } = outcome.refresh;
        return json(200, { jwt: sessionToken, sessionId, userId }, headers);
      },
    },
    // An app in front of a standalone service refreshes its visitors' sessions here (JSON, with or without the secret key).
    [APP_REFRESH_PATH]: appRefreshRoute(gatehouse, secretKeys),
    [APP_CLIENT_REFRESH_PATH]: appClientRefreshRoute(gatehouse),
    '/handshake': {
      GET: async (request, ctx, cookies) => {
        // The edge middleware's way to refresh: a top-level GET with the __client cookie, answered
        // with the fresh cookies and a redirect back. Only same-origin paths are followed back.
        const url = new URL(request.url);
        const back = safeRedirectUrl(url.searchParams.get('redirect_url'), url.origin, '/');
        const headers = new Headers({ location: back, 'cache-control': 'no-store' });
        const token = presentedClientToken(request);
        if (token) {
          const outcome = await refreshOutcome(() => gatehouse.sessions.refresh(token, ctx), cookies);
          // Unreachable store: go back signed out; the middleware's attempt counter ends any loop.
          if (outcome.kind === 'failed') gatehouse.log(`gatehouse: handshake refresh failed: ${errorMessage(outcome.error)}`);
          else for (const c of outcome.setCookies) headers.append('set-cookie', c);
        }
        return new Response(null, { status: 307, headers });
      },
    },
    '/session': {
      GET: async (request) => {
        const me = await signedInAs(gatehouse, request);
        if (!me) return errorResponse('unauthenticated', 'You are not signed in.');
        const { claims } = me;
        const user = await gatehouse.getUser(claims.sub);
        if (!user) return errorResponse('unauthenticated', 'You are not signed in.');
        const tasks = claims.sts === 'pending' ? await pendingTasks(user.id, claims) : [];
        // Clerk's session resource shows when the session was last active and when it expires (not the token).
        const row = await gatehouse.store.findSession(claims.sid);
        return json(200, {
          createdAt: row ? Number(row.created_at) : null,
          updatedAt: row ? Number(row.updated_at) : null,
          lastActiveAt: row ? Number(row.last_active_at) : null,
          expireAt: row ? Number(row.expire_at) : null,
          user,
          sessionId: claims.sid,
          status: claims.sts ?? 'active',
          tasks,
          claims: claims,
          expiresAt: claims.exp * 1000,
        });
      },
    },
  };

  /** The tasks that hold a session pending: adding a second factor the instance or the active org requires, choosing an organization. */
  async function pendingTasks(userId: string, claims: { o?: { id?: string } | undefined }): Promise<string[]> {
    const tasks: string[] = [];
    const session = { userId, organizationId: claims.o?.id ?? null };
    if (await needsSecondFactorSetup(gatehouse.store, gatehouse.settings.secondFactorRequired, session)) tasks.push('setup-mfa');
    if (tasks.length === 0 || (gatehouse.settings.organizationsRequired && !claims.o?.id)) tasks.push('choose-organization');
    return tasks;
  }

  function jwks(): Response {
    return new Response(JSON.stringify(gatehouse.jwks()), {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` },
    });
  }

  /** The admin behind the request's session token (its verified `act.sub`), or null. */
  async function impersonator(request: Request): Promise<string | null> {
    if (!request.headers.has('cookie') && !request.headers.has('authorization')) return null;
    // A secret key (backend API, metrics) is no session token: no verification to try.
    if (!request.headers.has('cookie') && request.headers.get('authorization')?.startsWith('Bearer gh_sk_')) return null;
    // The same check as authenticate(), but not a decision of its own (metrics count those).
    const state = await authenticateRequestNow(request, { verifier: gatehouse.verifier(), checkSession: gatehouse.checkSession });
    return state.status === 'signed-in' && typeof state.claims.act?.sub === 'string' ? state.claims.act.sub : null;
  }

  return async function handle(request: Request): Promise<Response> {
    try {
      const { pathname } = new URL(request.url);
      if (pathname === '/.well-known/jwks.json' && request.method === 'GET') return jwks();
      if (!pathname.startsWith(`${base}/`)) return errorResponse('not_found', 'No such endpoint.');
      const path = pathname.slice(base.length);
      const exact = Object.hasOwn(routes, path) ? routes[path] : undefined;
      const found: { methods: AnyMethods; params: RouteParams } | null = exact
        ? { methods: exact, params: {} }
        : (sessionRoutes.match(path) ??
          oauthRoutes.match(path) ??
          factorRoutes.match(path) ??
          accountRoutes.match(path) ??
          orgRoutes.match(path) ??
          adminRoutes.match(path) ??
          machineRoutes.match(path) ??
          backendRoutes.match(path) ??
          dashboard.match(path));
      if (!found) return errorResponse('not_found', 'No such endpoint.');
      const route = found.methods;
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      // Own properties only: a method named like an Object.prototype member must not find one.
      const fn = Object.hasOwn(route, method) ? route[method as HttpMethod] : undefined;
      if (!fn)
        return errorResponse('method_not_allowed', `Use ${Object.keys(route).join(' or ')}.`, { allow: Object.keys(route).join(', ') });
      if (method !== 'GET') {
        // Every write to the API, with or without cookies (sign-in sets them); HEAD is answered as GET.
        const verdict = crossSiteWrite(request, {
          // Parsed only when an Origin header is compared with it.
          ownOrigin: () => new URL(request.url).origin,
          allowedOrigins: options.allowedOrigins,
          scope: 'every-write',
        });
        if (verdict) return errorResponse('csrf_rejected', CSRF_MESSAGES[verdict]);
      }
      const ctx = requestContext(request, gatehouse.trustedProxyHops);
      ctx.origin = request.headers.get('origin') ?? new URL(request.url).origin;
      const cookies = cookieSettings(request.url, gatehouse.settings.maxLifetimeSeconds, options.secureCookies);
      // Under impersonation every audit row this request writes names the admin as well.
      const acting = await impersonator(request);
      return await (acting
        ? runImpersonated(acting, () => fn(request, ctx, cookies, found.params))
        : fn(request, ctx, cookies, found.params));
    } catch (error) {
      return toErrorResponse(error, gatehouse.log);
    }
  };
}
