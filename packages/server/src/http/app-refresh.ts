// The refresh an app in front of a standalone service asks for, JSON in and JSON out, so the app
// sets the cookies on its own origin. With the secret key (`POST {basePath}/app/refresh`), server
// to server: the browser's client token and context in the body. Without one
// (`POST {basePath}/app/client-refresh`): the client token in the body and the context from the
// request itself, as for the browsers' cookie-based `POST /refresh`. Neither reads a cookie: a client
// token goes into an answer only when the caller presented it in the body (a page cannot read the
// httpOnly cookie, so an XSS on the app cannot have the service hand it back).

import type { RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import type { SecretKeyCheck } from '../backend/secret-keys.js';
import { bearer } from './backend-routes.js';
import { readJson } from './body.js';
import { errorResponse, json } from './respond.js';
import type { AnyMethods } from './org-routes.js';

export const APP_REFRESH_PATH = '/app/refresh';
export const APP_CLIENT_REFRESH_PATH = '/app/client-refresh';

/** The browser's client token, as the app read it from its own cookie. */
export const AppClientRefreshBody = z.object({ clientToken: z.string().min(1).max(512) }).strict();

/** The browser's request as the app saw it: its client token, address, user agent and origin (the `azp` claim). */
export const AppRefreshBody = AppClientRefreshBody.extend({
  ip: z.string().max(100).nullable().optional(),
  userAgent: z.string().max(1024).nullable().optional(),
  origin: z.string().max(2048).nullable().optional(),
}).strict();

/** The one refresh (rate limits and audit inside `sessions.refresh`), answered as the `SessionRefresh` of the port (clientToken null inside the rotation grace window). */
async function refreshAnswer(gatehouse: Gatehouse, clientToken: string, ctx: RequestContext): Promise<Response> {
  const { sessionToken, clientToken: rotated, sessionId, userId, claims } = await gatehouse.sessions.refresh(clientToken, ctx);
  return json(200, { sessionToken, clientToken: rotated, sessionId, userId, claims });
}

/** `POST /app/refresh`: the secret key vouches for the context in the body. */
export function appRefreshRoute(gatehouse: Gatehouse, secretKeys: SecretKeyCheck): AnyMethods {
  return {
    POST: async (request) => {
      const key = bearer(request);
      // One answer for a missing key, a wrong key and an instance without keys: nothing to probe.
      if (!key || !secretKeys.matches(key))
        return errorResponse('unauthenticated', 'The app refresh needs a valid secret key (Authorization: Bearer gh_sk_…).');
      const body = await readJson(request, AppRefreshBody);
      return refreshAnswer(gatehouse, body.clientToken, {
        ip: body.ip ?? null,
        userAgent: body.userAgent ?? null,
        origin: body.origin ?? new URL(request.url).origin,
      });
    },
  };
}

/**
 * `POST /app/client-refresh`: no key, so the context is the request's own (address through the
 * trusted hops, user agent, Origin), checked by the same cross-site rule as every write. Only
 * `application/json` is read: a cross-site form cannot send it without a preflight.
 */
export function appClientRefreshRoute(gatehouse: Gatehouse): AnyMethods {
  return {
    POST: async (request, ctx) => {
      const body = await readJson(request, AppClientRefreshBody);
      return refreshAnswer(gatehouse, body.clientToken, ctx);
    },
  };
}
