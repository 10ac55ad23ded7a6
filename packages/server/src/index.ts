// @gatehouse/server public surface: the identity service (Node only). A reviewed list: only what
// @gatehouse/nextjs, the apps, the end-to-end tests and the docs use (issue #14). The package's
// own tests import everything else from its files.

export { createGatehouse, type Gatehouse } from './instance/instance.js';
export type { GatehouseOptions } from './instance/options.js';
export { getBackend, getGatehouse, gatehouseOptionsFromEnv } from './instance/embedded.js';
export { embeddedBackend, type GatehouseBackend, type TokenRequest } from './instance/backend-port.js';
export type { PublicUser } from './sessions/sessions.js';
export type { SessionSummary } from './sessions/session-control.js';
export { json } from './http/respond.js';
export { nodeSignatures } from './tokens/node-signatures.js';
export type { ExternalAccount } from './oauth/accounts.js';
export { createClaimStamps } from './propagation/claim-stamps.js';
export { createRevocationList, type RevocationList } from './propagation/revocation.js';
export type {
  Organization,
  OrganizationWithCounts,
  OrganizationMembership,
  OrganizationMember,
  UserOrganizationMembership,
  OrganizationInvitation,
} from './organizations/organizations.js';
export type { DevInboxMessage } from './mail/mailer.js';
export type {
  WebhookEvent,
  WebhookEventType,
  WebhookEventData,
  UserJSON,
  SessionJSON,
  OrganizationJSON,
  OrganizationMembershipJSON,
  OrganizationInvitationJSON,
  RoleJSON,
  DeletedObjectJSON,
} from './webhooks/events.js';
export { createBackendClient, createBackendHttpClient, type BackendClient } from './backend/client.js';
export { BACKEND_OPERATIONS } from './backend/operations.js';
export type { PaginatedList } from './backend/operation.js';
export { generateSecretKey } from './backend/secret-keys.js';
export { createServiceHandler, startServiceServer, type ServiceServer } from './standalone/serve.js';
export { createRemoteBackend, type RemoteBackend, type RemoteGatehouseOptions } from './standalone/remote-service.js';
export type { ApiKey } from './machines/api-keys.js';
