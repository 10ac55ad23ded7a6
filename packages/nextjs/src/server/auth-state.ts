// From a verified request state to the auth object app code sees: pending sessions, getToken().

import {
  GatehouseError,
  signedOutAuthObject,
  type AuthObject,
  type GetTokenOptions,
  type RequestContext,
  type RequestState,
} from '@gatehouse/core';
import type { Gatehouse } from '@gatehouse/server';

export interface AuthOptions {
  /** A pending session (a task such as choose-organization is open) counts as signed out (default true). */
  treatPendingAsSignedOut?: boolean;
}

/**
 * The auth object of a request. `getToken()` returns the request's own session token;
 * `getToken({ organizationId })` mints one for another of the user's organizations without
 * switching; `getToken({ template })` mints a JWT-template token.
 */
export function authObjectFor(state: RequestState, gatehouse: Gatehouse, ctx: RequestContext, options: AuthOptions = {}): AuthObject {
  if (state.status !== 'signed-in') return state.toAuth();
  const pending = state.claims.sts === 'pending';
  if (pending && options.treatPendingAsSignedOut !== false) return signedOutAuthObject(null, 'pending');
  const actor = { userId: state.claims.sub, sessionId: state.claims.sid };
  return state.toAuth(async (opts?: GetTokenOptions) => {
    if (opts?.template) {
      const templates = (
        gatehouse as Gatehouse & {
          templates?: { mint(name: string, actor: { userId: string; sessionId: string }, ctx: RequestContext): Promise<string> };
        }
      ).templates;
      if (!templates) throw new GatehouseError('not_found', `No JWT template named ${opts.template}.`);
      return templates.mint(opts.template, actor, ctx);
    }
    if (opts?.organizationId) return gatehouse.sessions.mintForOrganization(actor, opts.organizationId, ctx);
    return state.token;
  });
}
