// The OAuth endpoints of the auth API: the connection list, flow start and callback, and the signed-in user's external accounts.

import { clientCookie, errorResponse, json, sessionCookie, type CookieSettings, type RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import { readJson } from '../http/body.js';
import { presentedClientToken } from '../http/session-routes.js';
import type { AnyMethods } from '../http/org-routes.js';
import type { OauthService } from './service.js';
import { toPublicConnection } from './connections.js';
import { flowCookie, readFlowCookie } from './flow-cookie.js';
import type { FlowState } from './flow-cookie.js';

const STRATEGY = z.string().regex(/^(oauth_[a-z][a-z0-9_]{0,52}|enterprise_sso)$/, 'Not a sign-in strategy');
const PAGE = z.string().min(1).max(2048);
export const OauthStartBody = z
  .object({
    strategy: STRATEGY,
    identifier: z.string().trim().max(320).optional(),
    redirectUrl: PAGE.optional(),
    redirectUrlComplete: PAGE.optional(),
    signInUrl: PAGE.optional(),
    /** `link`: connect the provider to the signed-in user's account (`<UserProfile/>`). */
    intent: z.enum(['sign_in', 'link']).optional(),
  })
  .strict();

const EXTERNAL_ACCOUNT_PATH = /^\/external-accounts\/([^/]+)$/;

/** `path` with extra query parameters (path-relative URLs stay relative). */
function withParams(target: string, origin: string, params: Record<string, string>): string {
  const url = new URL(target, origin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : url.href;
}

/** Where the browser goes after the callback: the app's callback page if it gave one, else the final page (or back to sign-in with the reason). */
function afterCallback(flow: FlowState | null, origin: string, error: string | null): string {
  if (error) return withParams(flow?.redirectUrl ?? flow?.signInUrl ?? '/sign-in', origin, { gatehouse_oauth_error: error });
  if (!flow) return '/';
  return flow.redirectUrl
    ? withParams(flow.redirectUrl, origin, { redirect_url_complete: flow.redirectUrlComplete })
    : flow.redirectUrlComplete;
}

export function createOauthRoutes(gatehouse: Gatehouse, oauth: OauthService, options: { basePath: string }) {
  const cookiePath = `${options.basePath}/oauth`;
  const callbackPath = `${options.basePath}/oauth/callback`;

  async function signedInUser(request: Request): Promise<string | null> {
    const state = await gatehouse.authenticate(request);
    return state.status === 'signed-in' ? state.claims.sub : null;
  }

  const routes: Record<string, AnyMethods> = {
    '/oauth/connections': {
      // Public: what the sign-in page shows. An organization's own provider is found through its domain only.
      GET: async () => {
        const all = await oauth.connections.list();
        const shown = all.filter((c) => !c.organizationId).map(toPublicConnection);
        return json(200, { connections: shown.map(({ id, strategy, name, provider }) => ({ id, strategy, name, provider })) });
      },
    },
    '/oauth/start': {
      POST: async (request, _ctx, cookies) => {
        const body = await readJson(request, OauthStartBody);
        const origin = new URL(request.url).origin;
        let linkUserId: string | null = null;
        if (body.intent === 'link') {
          linkUserId = await signedInUser(request);
          if (!linkUserId) return errorResponse('unauthenticated', 'Sign in to connect an account.');
        }
        const started = await oauth.flow.start(body, origin, callbackPath, linkUserId, gatehouse.allowedOrigins);
        const headers = new Headers({ 'set-cookie': flowCookie(started.cookie, cookiePath, cookies.secure) });
        return json(200, { status: 'needs_first_factor', externalVerificationRedirectURL: started.url, strategy: body.strategy }, headers);
      },
    },
    '/oauth/callback': {
      GET: async (request, ctx, cookies) => {
        const url = new URL(request.url);
        const outcome = await oauth.flow.callback(url, readFlowCookie(request.headers.get('cookie')), ctx, presentedClientToken(request));
        // The flow cookie goes in every case: a flow is used once.
        const headers = new Headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
        headers.append('set-cookie', flowCookie('', cookiePath, cookies.secure, 0));
        if (outcome.kind === 'signed_in') {
          headers.append('set-cookie', clientCookie(outcome.result.clientToken, cookies));
          headers.append('set-cookie', sessionCookie(outcome.result.sessionToken, cookies));
        }
        headers.set('location', afterCallback(outcome.flow, url.origin, outcome.kind === 'failed' ? outcome.reason : null));
        return new Response(null, { status: 303, headers });
      },
    },
    '/external-accounts': {
      GET: async (request) => {
        const userId = await signedInUser(request);
        if (!userId) return errorResponse('unauthenticated', 'You are not signed in.');
        return json(200, { data: await oauth.listExternalAccounts(userId) });
      },
    },
  };

  async function remove(request: Request, ctx: RequestContext, _cookies: CookieSettings, id: string): Promise<Response> {
    const state = await gatehouse.authenticate(request);
    if (state.status !== 'signed-in') return errorResponse('unauthenticated', 'You are not signed in.');
    // The session itself, not only the user: disconnecting needs a recent verification of this session.
    await oauth.removeExternalAccount({ userId: state.claims.sub, sessionId: state.claims.sid }, id, ctx);
    return json(200, { object: 'external_account', id, deleted: true });
  }

  return {
    routes,
    match(path: string): { methods: AnyMethods; params: Record<string, never> } | null {
      const found = EXTERNAL_ACCOUNT_PATH.exec(path);
      const id = found?.[1];
      if (!id) return null;
      return { methods: { DELETE: (request, ctx, cookies) => remove(request, ctx, cookies, id) }, params: {} };
    },
  };
}
