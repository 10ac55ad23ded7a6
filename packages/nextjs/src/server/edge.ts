// @gatehouse/nextjs/server on the edge runtime (the `edge-light` export condition): the middleware and route matching.
//
// Next.js bundles edge code (Next 15 `middleware.ts`) with this entry instead of the Node one, so no
// Node-only module is on that path. Server-only helpers exist under the same names and explain
// where to call them instead of failing with a bundler error.

import { GatehouseError, type SessionClaims } from '@gatehouse/core';
import { verifyWith, type VerifyTokenOptions } from './verify-token.js';

export { gatehouseMiddleware, clerkMiddleware, HANDSHAKE_COOKIE, MAX_HANDSHAKE_ATTEMPTS } from './edge-middleware.js';
export type { GatehouseMiddlewareOptions, MiddlewareAuth, MiddlewareAuthObject, MiddlewareHandler } from './middleware-core.js';
export { createRouteMatcher } from './route-matcher.js';
export type { ProtectOptions, ProtectParams } from './protect.js';
export {
  errorResponse,
  reverificationError,
  reverificationErrorResponse,
  type AuthObject,
  type CheckAuthorizationParams,
} from '@gatehouse/core';

function nodeOnly(name: string): never {
  throw new GatehouseError(
    'setup_missing',
    `${name} runs on the Node.js runtime (route handlers, server components, server actions, proxy.ts). In edge middleware use the auth argument of gatehouseMiddleware((auth, req) => ...); elsewhere remove \`export const runtime = 'edge'\`.`,
  );
}

export const auth = Object.assign(async (): Promise<never> => nodeOnly('auth()'), {
  protect: async (): Promise<never> => nodeOnly('auth.protect()'),
});
export const currentUser = async (): Promise<never> => nodeOnly('currentUser()');
export const getAuth = (): never => nodeOnly('getAuth(req)');
export const gatehouseClient = async (): Promise<never> => nodeOnly('gatehouseClient()');
export const clerkClient = gatehouseClient;
export const orgScope = async (): Promise<never> => nodeOnly('orgScope()');
export const createClerkClient = (): never => nodeOnly('createClerkClient()');

/** On the edge a token is checked with a configured key (`jwtKey` / GATEHOUSE_JWT_KEY) or key set (`jwksUrl` / GATEHOUSE_JWKS_URL). */
export function verifyToken(token: string, options: VerifyTokenOptions = {}): Promise<SessionClaims> {
  return verifyWith(
    async () => {
      throw new GatehouseError(
        'setup_missing',
        'verifyToken() on the edge runtime needs jwtKey or jwksUrl (or GATEHOUSE_JWT_KEY / GATEHOUSE_JWKS_URL).',
      );
    },
    token,
    options,
  );
}
