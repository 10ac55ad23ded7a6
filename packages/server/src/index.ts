// @gatehouse/server public surface: the identity service (Node only).

export { createGatehouse, type Gatehouse } from './instance/instance.js';
export type { GatehouseOptions } from './instance/options.js';
export { getBackend, getGatehouse, gatehouseOptionsFromEnv } from './instance/embedded.js';
export { embeddedBackend, type GatehouseBackend, type SessionRef, type TokenRequest } from './instance/backend-port.js';
export {
  createSessionService,
  toPublicUser,
  normalizeEmail,
  type PublicUser,
  type RefreshResult,
  type SignedInResult,
} from './sessions/sessions.js';
export type { ActivatedSession, BrowserOutcome, EndResult, SessionSummary } from './sessions/session-control.js';
export { describeDevice } from './sessions/device.js';
export { errorResponse, json } from './http/respond.js';
export { hashPassword, checkPassword } from './users/passwords.js';
export type { SessionRow, ClientRow } from './sessions/session-store.js';
export type { Store, Database, Dialect } from './store/types.js';
export type { UserRow } from './users/user-store.js';
export type { FanOutStatus } from './propagation/redis-fan-out.js';
export { nodeSignatures } from './tokens/node-signatures.js';
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
} from './roles/roles.js';
export type { RoleAdmin, RoleInfo, RoleInput, RoleChangeOptions } from './roles/role-admin.js';
export type { UserAdmin, UserSummary } from './users/user-admin.js';
export type { ExternalAccount } from './oauth/accounts.js';
export type { OauthOptions, OauthService } from './oauth/service.js';
export type { ConnectionConfig, PresetName } from './oauth/presets.js';
export type { TxtResolver, SsoDomain } from './oauth/sso.js';
export { createClaimStamps, type ClaimStamps } from './propagation/claim-stamps.js';
export { createRevocationList, type RevocationList } from './propagation/revocation.js';
export { compileSessionClaims, SESSION_CLAIMS_BUDGET_BYTES } from './tokens/session-claims.js';
export { supabaseTemplate, compileTemplates, type JwtTemplateConfig, type Templates } from './tokens/templates.js';
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
} from './organizations/organizations.js';
export type { Mailer, MailMessage, DevInboxMessage } from './mail/mailer.js';
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
} from './instance/instance-settings.js';
export { AuditQuery, csvCell, type AuditLog, type AuditEvent, type AuditPage, type AuditQueryInput } from './audit/audit.js';
export {
  createBackendClient,
  createBackendHttpClient,
  BACKEND_PREFIX,
  type BackendClient,
  type BackendHttpOptions,
} from './backend/client.js';
export { BACKEND_OPERATIONS } from './backend/operations.js';
export type { PaginatedList, DeletedObject } from './backend/operation.js';
export type { BackendUser, UserChanges, MetadataChanges } from './users/user-admin.js';
export type { JwtTemplateInfo } from './tokens/templates.js';
export { generateSecretKey, SECRET_KEY } from './backend/secret-keys.js';
export { openApiDocument, documentedRoutes, OPENAPI_PATH, type DocumentedRoute } from './http/openapi.js';
export { migrationNames } from './store/migrations/index.js';
export {
  createRateLimits,
  createRedisCounters,
  createMemoryCounters,
  DEFAULT_RATE_LIMITS,
  type RateLimits,
  type RateLimitRule,
  type RateLimitSettings,
  type RateLimitName,
} from './limits/rate-limit.js';
export {
  createServiceHandler,
  startServiceServer,
  type ServiceRoute,
  type ServiceServer,
  type ServiceDiscovery,
} from './standalone/serve.js';
export { createRemoteBackend, type RemoteBackend, type RemoteGatehouseOptions } from './standalone/remote-service.js';
export type { ApiKey, ApiKeys, CreateApiKeyInput } from './machines/api-keys.js';
export type { Machine, M2MToken, M2m } from './machines/m2m.js';
export type { Machines, MachineVerification } from './machines/machine-auth.js';
export type { Impersonation, ImpersonationStarted } from './impersonation/impersonation.js';
export { createLogger, logLevel, type Logger } from './observability/logger.js';
export type { Metrics } from './observability/metrics.js';
