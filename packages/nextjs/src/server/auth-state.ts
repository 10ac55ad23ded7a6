// From a verified request state to the auth object app code sees: pending sessions, getToken().

import { signedOutAuthObject, type AuthObject, type GetTokenOptions, type RequestContext, type RequestState } from '@gatehouse/core';
import type { GatehouseBackend } from '@gatehouse/server';

export interface AuthOptions {
  /** A pending session (a task such as choose-organization is open) counts as signed out (default true). */
  treatPendingAsSignedOut?: boolean;
  /** The service port to ask (default: the process-wide one). */
  backend?: GatehouseBackend;
}

/**
 * The auth object of a request. `getToken()` returns the request's own session token;
 * `getToken({ organizationId })` mints one for another of the user's organizations without
 * switching; `getToken({ template })` mints a JWT-template token.
 */
export function authObjectFor(
  state: RequestState,
  backend: GatehouseBackend,
  ctx: RequestContext | (() => Promise<RequestContext>),
  options: Pick<AuthOptions, 'treatPendingAsSignedOut'> = {},
): AuthObject {
  if (state.status !== 'signed-in') return state.toAuth();
  const pending = state.claims.sts === 'pending';
  if (pending && options.treatPendingAsSignedOut !== false) return signedOutAuthObject(null, 'pending');
  const session = { userId: state.claims.sub, sessionId: state.claims.sid, token: state.token };
  return state.toAuth(async (opts?: GetTokenOptions) => {
    if (opts?.template) return backend.mintToken(session, { template: opts.template }, typeof ctx === 'function' ? await ctx() : ctx);
    if (opts?.organizationId)
      return backend.mintToken(session, { organizationId: opts.organizationId }, typeof ctx === 'function' ? await ctx() : ctx);
    return state.token;
  });
}
