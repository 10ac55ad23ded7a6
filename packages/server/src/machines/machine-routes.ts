// The auth API's machine endpoints: a signed-in user's API keys, the client-credentials token endpoint, and leaving an impersonation.

import { GatehouseError, sessionCookie, clearedCookies, type RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import type { DocumentedRoute } from '../http/openapi.js';
import { readForm, readJson, readOptionalJson } from '../http/body.js';
import { errorResponse, json } from '../http/respond.js';
import type { AnyMethods } from '../http/org-routes.js';
import { presentedClientToken, type Route, type RouteParams } from '../http/session-routes.js';
import { CreateApiKeyBody, RevokeApiKeyBody, TokenRequest } from './schemas.js';

type UserRoute = (request: Request, me: string, ctx: RequestContext) => Promise<Response>;

/** `Authorization: Basic base64(client_id:client_secret)`, or null. */
function basicCredentials(request: Request): { id: string; secret: string } | null {
  const match = /^Basic ([A-Za-z0-9+/=]{1,400})$/.exec(request.headers.get('authorization') ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

async function tokenRequest(request: Request) {
  const type = request.headers.get('content-type') ?? '';
  if (/^application\/json/i.test(type)) return readJson(request, TokenRequest);
  const form = await readForm(request);
  const parsed = TokenRequest.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw new GatehouseError('invalid_body', 'Send grant_type=client_credentials with the machine id and secret.');
  return parsed.data;
}

export function createMachineRoutes(gatehouse: Gatehouse) {
  const keys = gatehouse.machines.apiKeys;

  /** Session tokens only: an API key cannot mint or revoke API keys. */
  function signedIn(route: UserRoute): Route {
    return async (request, ctx) => {
      const state = await gatehouse.authenticate(request);
      if (state.status !== 'signed-in') return errorResponse('unauthenticated', 'You are not signed in.');
      return route(request, state.claims.sub, ctx);
    };
  }

  const apiKeys: AnyMethods = {
    GET: signedIn(async (request, me) => {
      const subject = new URL(request.url).searchParams.get('subject') ?? me;
      if (!/^(user|org)_[a-z2-7]{26}$/.test(subject)) return errorResponse('bad_request', 'subject must be a user_… or org_… id.');
      if (subject.startsWith('user_') && subject !== me) return errorResponse('not_found', 'No such user.');
      if (subject.startsWith('org_') && !(await gatehouse.store.findMembership(subject, me)))
        return errorResponse('not_found', 'No such organization.');
      const data = await keys.list({ subject }, me);
      return json(200, { data, totalCount: data.length });
    }),
    POST: signedIn(async (request, me, ctx) => {
      const body = await readJson(request, CreateApiKeyBody);
      return json(200, await keys.create({ ...body, subject: body.subject ?? me, createdBy: me }, ctx));
    }),
  };

  const revoke = (id: string): AnyMethods => ({
    POST: signedIn(async (request, me, ctx) => {
      const body = (await readOptionalJson(request, RevokeApiKeyBody)) ?? {};
      return json(200, await keys.revoke(id, { reason: body.revocationReason ?? null, userId: me, ctx }));
    }),
  });

  const token: Route = async (request, ctx) => {
    const body = await tokenRequest(request);
    const basic = basicCredentials(request);
    const secret = basic?.secret ?? body.client_secret;
    const machineId = basic?.id ?? body.client_id;
    if (!secret) return errorResponse('invalid_credentials', 'Send the machine secret (client_secret or HTTP Basic).');
    const issued = await gatehouse.machines.m2m.createToken({ machineSecretKey: secret, machineId }, ctx);
    const expiresIn = Math.max(0, Math.round((issued.expiration - issued.createdAt) / 1000));
    return json(200, { access_token: issued.token, token_type: 'Bearer', expires_in: expiresIn, scope: issued.scopes.join(' ') });
  };

  const stopImpersonating: Route = async (request, ctx, cookies) => {
    const result = await gatehouse.impersonation.stop(presentedClientToken(request), ctx);
    const headers = new Headers();
    if (result.sessionToken) headers.append('set-cookie', sessionCookie(result.sessionToken, cookies));
    else for (const c of clearedCookies(cookies)) headers.append('set-cookie', c);
    const back = `${gatehouse.basePath}/dashboard/users/${result.impersonated}`;
    return json(200, { userId: result.userId, redirectUrl: result.userId ? back : null }, headers);
  };

  return {
    /** The methods for a machine path; null for other paths. */
    match(path: string): { methods: AnyMethods; params: RouteParams } | null {
      if (path === '/api_keys') return { methods: apiKeys, params: {} };
      const revoking = /^\/api_keys\/([^/]+)\/revoke$/.exec(path);
      // A malformed id is the service's "No such API key" (404), answered only to the signed-in.
      if (revoking?.[1]) return { methods: revoke(revoking[1]), params: {} };
      if (path === '/m2m/token') return { methods: { POST: token }, params: {} };
      if (path === '/impersonation/stop') return { methods: { POST: stopImpersonating }, params: {} };
      return null;
    },
  };
}

/** The machine endpoints in the OpenAPI document. */
export function machineRouteDocs(): DocumentedRoute[] {
  return [
    {
      method: 'GET',
      path: '/api_keys',
      operationId: 'listApiKeys',
      summary: "Your API keys, or an organization's (subject=org_…): all of them for its admins, else the ones you made",
      tag: 'keys',
      auth: 'session',
      query: z.object({ subject: z.string().optional() }),
    },
    {
      method: 'POST',
      path: '/api_keys',
      operationId: 'createApiKey',
      summary: 'Create an API key for yourself or an organization (scopes within your permissions); the secret is in this answer only',
      tag: 'keys',
      auth: 'session',
      body: CreateApiKeyBody,
    },
    {
      method: 'POST',
      path: '/api_keys/{apiKeyId}/revoke',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key (refused on every instance within a second)',
      tag: 'keys',
      auth: 'session',
      body: RevokeApiKeyBody,
      optionalBody: true,
    },
    {
      method: 'POST',
      path: '/m2m/token',
      operationId: 'createM2mToken',
      summary: 'Client-credentials grant: a machine trades its id and secret (form, JSON or HTTP Basic) for a short-lived M2M JWT',
      tag: 'keys',
      auth: 'none',
      body: TokenRequest,
    },
    {
      method: 'POST',
      path: '/impersonation/stop',
      operationId: 'stopImpersonating',
      summary: "End this browser's impersonation session and return to the admin's own session",
      tag: 'sessions',
      auth: 'client',
    },
  ];
}
