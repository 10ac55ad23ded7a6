// From a verified request state to the auth object app code sees: pending sessions, getToken().

import { requestContext, signedOutAuthObject, type AuthObject, type GetTokenOptions, type RequestState } from '@gatehouse/core';
import type { GatehouseBackend, TokenRequest } from '@gatehouse/server';

export interface AuthOptions {
  /** A pending session (a task such as choose-organization is open) counts as signed out (default true). */
  treatPendingAsSignedOut?: boolean;
  /** The service port to ask (default: the process-wide one). */
  backend?: GatehouseBackend;
}

/**
 * The auth object of a request. `getToken()` returns the request's own session token;
 * `getToken({ organizationId })` mints one for another of the user's organizations without
 * switching; `getToken({ template })` mints a JWT-template token. The request context of a mint
 * (the client address for the audit log, by the trusted hops as configured then) is read from
 * `headers` only when a token is minted: most requests never mint, and need neither it nor the config.
 */
export function authObjectFor(
  state: RequestState,
  backend: GatehouseBackend,
  headers: Headers,
  options: Pick<AuthOptions, 'treatPendingAsSignedOut'> = {},
): AuthObject {
  if (state.status !== 'signed-in') return state.toAuth();
  const pending = state.claims.sts === 'pending';
  if (pending && options.treatPendingAsSignedOut !== false) return signedOutAuthObject(null, 'pending');
  const session = { userId: state.claims.sub, sessionId: state.claims.sid, token: state.token };
  return state.toAuth(async (opts?: GetTokenOptions) => {
    const request: TokenRequest | null = opts?.template
      ? { template: opts.template }
      : opts?.organizationId
        ? { organizationId: opts.organizationId }
        : null;
    if (!request) return state.token;
    return backend.mintToken(session, request, requestContext({ headers }, (await backend.config()).trustedProxyHops));
  });
}
