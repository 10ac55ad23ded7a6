// @gatehouse/server public surface: the identity service (Node only).

export { createGatehouse, type Gatehouse, type GatehouseOptions } from './instance.js';
export { getGatehouse, gatehouseOptionsFromEnv } from './embedded.js';
export {
  createSessionService,
  toPublicUser,
  normalizeEmail,
  type PublicUser,
  type RefreshResult,
  type SignedInResult,
} from './sessions.js';
export type { ActivatedSession, BrowserOutcome, EndResult, SessionSummary } from './session-control.js';
export { describeDevice } from './device.js';
export { errorResponse, json } from './http/respond.js';
export { hashPassword, checkPassword } from './passwords.js';
export type { Store, UserRow, SessionRow, ClientRow, Database, Dialect } from './store/types.js';
export type { FanOutStatus } from './redis-fan-out.js';
export { nodeSignatures } from './node-signatures.js';
export {
  compileRoles,
  createRoleRegistry,
  SYSTEM_PERMISSIONS,
  BUILT_IN_ROLES,
  type Roles,
  type RolesConfig,
  type RoleDefinition,
  type RoleRegistry,
  type RoleSource,
} from './roles.js';
export type { RoleAdmin, RoleInfo, RoleInput, RoleChangeOptions } from './role-admin.js';
export type { UserAdmin, UserSummary } from './user-admin.js';
export { createClaimStamps, type ClaimStamps } from './claim-stamps.js';
export { compileSessionClaims, SESSION_CLAIMS_BUDGET_BYTES } from './session-claims.js';
export { supabaseTemplate, compileTemplates, type JwtTemplateConfig, type Templates } from './templates.js';
export {
  slugify,
  type OrganizationService,
  type Organization,
  type OrganizationMembership,
  type OrganizationMember,
  type UserOrganizationMembership,
  type OrganizationInvitation,
  type OrganizationInput,
  type OrganizationChanges,
} from './organizations.js';
export type { Mailer, MailMessage, DevInboxMessage } from './mailer.js';
export type { WebhookService, WebhookEndpoint, WebhookEndpointInput, WebhookDelivery, WebhookAttempt } from './webhooks/service.js';
export {
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookEventData,
  type UserJSON,
  type SessionJSON,
  type OrganizationJSON,
  type OrganizationMembershipJSON,
  type OrganizationInvitationJSON,
  type RoleJSON,
  type DeletedObjectJSON,
} from './webhooks/events.js';
export type { DeliveryOptions, DeliveryPass } from './webhooks/delivery.js';
export {
  createInstanceSettings,
  InstanceSettingsFields,
  InstanceSettingsChanges,
  type InstanceSettings,
  type InstanceSettingsValues,
  type InstanceSettingsView,
} from './instance-settings.js';
export { AuditQuery, csvCell, type AuditLog, type AuditEvent, type AuditPage, type AuditQueryInput } from './audit.js';
export {
  createBackendClient,
  createBackendHttpClient,
  BACKEND_PREFIX,
  type BackendClient,
  type BackendHttpOptions,
} from './backend/client.js';
export { BACKEND_OPERATIONS } from './backend/operations.js';
export type { PaginatedList, DeletedObject } from './backend/operation.js';
export type { BackendUser, UserChanges, MetadataChanges } from './user-admin.js';
export type { JwtTemplateInfo } from './templates.js';
export { generateSecretKey, SECRET_KEY } from './secret-keys.js';
export { openApiDocument, documentedRoutes, OPENAPI_PATH, type DocumentedRoute } from './http/openapi.js';
export { migrationNames } from './store/migrations.js';
export {
  createRateLimits,
  createRedisCounters,
  createMemoryCounters,
  DEFAULT_RATE_LIMITS,
  type RateLimits,
  type RateLimitRule,
  type RateLimitSettings,
  type RateLimitName,
} from './rate-limit.js';
export { createServiceHandler, startServiceServer, type ServiceRoute, type ServiceServer, type ServiceDiscovery } from './serve.js';
export { createRemoteGatehouse, type RemoteGatehouseOptions } from './remote-service.js';
