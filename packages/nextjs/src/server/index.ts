// @gatehouse/nextjs/server: middleware, route matching, auth() and currentUser() (Clerk's API shape).

export {
  gatehouseMiddleware,
  clerkMiddleware,
  type GatehouseMiddlewareOptions,
  type MiddlewareAuth,
  type MiddlewareAuthObject,
  type MiddlewareHandler,
  type GatehouseMiddlewareOptions as ClerkMiddlewareOptions,
  type MiddlewareAuth as ClerkMiddlewareAuth,
  type MiddlewareAuthObject as ClerkMiddlewareSessionAuthObject,
} from './middleware.js';
export { createRouteMatcher } from './route-matcher.js';
export { auth, currentUser, type Auth, type ServerAuthObject, type User } from './auth.js';
export { getAuth, type GetAuthOptions, type GetAuthRequest } from './get-auth.js';
export type { ProtectOptions, ProtectParams } from './protect.js';
export {
  errorResponse,
  reverificationError,
  reverificationErrorResponse,
  type AuthObject,
  type CheckAuthorizationParams,
} from '@gatehouse/core';
export { startGatehouse, embeddedGatehouse } from './backend.js';
export {
  gatehouseClient,
  clerkClient,
  type GatehouseClient,
  type CreateOrganizationParams,
  type PaginatedList,
} from './gatehouse-client.js';
export { verifyToken, createClerkClient, type VerifyTokenOptions, type ClerkClientOptions } from './clerk-backend.js';
export { getDevInbox, type DevInboxMessage } from './dev-inbox.js';
export { orgScope, type OrgScope } from './organization-scope.js';
export { verifyWebhook, type VerifyWebhookOptions } from '../webhooks/verify-webhook.js';
export type { WebhookEvent, WebhookEventType } from '@gatehouse/server';
