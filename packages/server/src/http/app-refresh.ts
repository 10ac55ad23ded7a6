// The refresh an app in front of a standalone service asks for (`POST {basePath}/app/refresh`):
// server to server with the secret key, the browser's client token and context in a JSON body,
// the new tokens and claims in a JSON answer. Browsers keep the cookie-based `POST /refresh`.

import type { RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import type { SecretKeyCheck } from '../backend/secret-keys.js';
import { bearer } from './backend-routes.js';
import { readJson } from './body.js';
import { errorResponse, json } from './respond.js';
import type { AnyMethods } from './org-routes.js';

export const APP_REFRESH_PATH = '/app/refresh';

/** The browser's request as the app saw it: its client token, address, user agent and origin (the `azp` claim). */
export const AppRefreshBody = z
  .object({
    clientToken: z.string().min(1).max(512),
    ip: z.string().max(100).nullable().optional(),
    userAgent: z.string().max(1024).nullable().optional(),
    origin: z.string().max(2048).nullable().optional(),
  })
  .strict();

/** What the app gets back: the `SessionRefresh` of the port (clientToken null inside the rotation grace window). */
export function appRefreshRoute(gatehouse: Gatehouse, secretKeys: SecretKeyCheck): AnyMethods {
  return {
    POST: async (request) => {
      const key = bearer(request);
      // One answer for a missing key, a wrong key and an instance without keys: nothing to probe.
      if (!key || !secretKeys.matches(key))
        return errorResponse('unauthenticated', 'The app refresh needs a valid secret key (Authorization: Bearer gh_sk_…).');
      const body = await readJson(request, AppRefreshBody);
      const ctx: RequestContext = {
        ip: body.ip ?? null,
        userAgent: body.userAgent ?? null,
        origin: body.origin ?? new URL(request.url).origin,
      };
      const result = await gatehouse.sessions.refresh(body.clientToken, ctx);
      const { sessionToken, clientToken, sessionId, userId, claims } = result;
      return json(200, { sessionToken, clientToken, sessionId, userId, claims });
    },
  };
}
