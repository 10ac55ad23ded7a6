// @gatehouse/nextjs/server: middleware, route matching, auth() and currentUser() (Clerk's API shape).

export {
  gatehouseMiddleware,
  clerkMiddleware,
  type GatehouseMiddlewareOptions,
  type MiddlewareAuth,
  type MiddlewareHandler,
} from './middleware.js';
export { createRouteMatcher } from './route-matcher.js';
export { auth, currentUser, type Auth, type ServerAuthObject } from './auth.js';
export type { ProtectOptions, ProtectParams } from './protect.js';
export type { AuthObject, CheckAuthorizationParams } from '@gatehouse/core';
export { startGatehouse } from './backend.js';
export { orgScope, type OrgScope } from './organization-scope.js';
