// The OpenAPI 3.1 document of the auth HTTP API, made from the zod schemas the routes validate with and from the backend operation table.

import { OauthStartBody } from '../oauth/routes.js';
import { z } from 'zod';
import { STATUS_BY_CODE } from '@gatehouse/core';
import { AuditQuery } from '../audit/audit.js';
import { pathParams } from '../backend/operation.js';
import { BACKEND_PREFIX } from '../backend/client.js';
import { InstanceSettingsChanges } from '../instance/instance-settings.js';
import { RoleBody as AdminRoleBody } from './admin-routes.js';
import { BACKEND_ROUTES } from './backend-routes.js';
import { SignInBody, SignUpBody } from './sign-in-bodies.js';
import { factorRouteDocs } from '../factors/factor-openapi.js';
import { DELIVERY_STATUSES, RotateSecretBody, WebhookEndpointBody, WebhookEndpointChanges } from './webhook-routes.js';
import { AcceptBody, CreateBody, InviteBody, RoleBody as MemberRoleBody, UpdateBody } from './org-routes.js';
import { ActiveOrganizationBody, SignOutBody, TokenBody } from './session-routes.js';
import { machineRouteDocs } from '../machines/machine-routes.js';

/** Where the document is served, under the API's base path. */
export const OPENAPI_PATH = '/v1/openapi.json';

type Auth = 'none' | 'session' | 'client' | 'admin' | 'secretKey';

/** One documented route of the auth API (the backend routes come from their table). */
export interface DocumentedRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under the base path, `{name}` for path parameters; `/.well-known/…` is served at the root. */
  path: string;
  summary: string;
  tag: 'sessions' | 'organizations' | 'admin' | 'keys' | 'backend' | 'meta';
  auth: Auth;
  body?: z.ZodType;
  /** The body may be left out. */
  optionalBody?: boolean;
  query?: z.ZodObject;
  operationId: string;
  /** The answer is not JSON (a download). */
  download?: 'jsonl-or-csv' | 'prometheus' | 'html';
}

const ID_PARAMS: Record<string, string> = {
  sessionId: 'A session id (`sess_…`)',
  organizationId: 'An organization id (`org_…`) or slug',
  userId: 'A user id (`user_…`)',
  invitationId: 'An invitation id (`orginv_…`)',
  key: 'A role key (`org:<name>`), URL-encoded',
  name: 'A JWT template name',
  endpointId: 'A webhook endpoint id (`wh_…`)',
  deliveryId: 'A webhook delivery id (`whd_…`)',
  externalAccountId: 'An external account id (`eac_…`)',
  apiKeyId: 'An API key id (`ak_…`)',
  machineId: 'A machine id (`mch_…`)',
  passkeyId: 'A passkey id (`pk_…`)',
};

const WebhookDeliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const AuditExportQuery = AuditQuery.omit({ limit: true }).extend({ format: z.enum(['jsonl', 'csv']).optional() });

/**
 * The session, organization, admin and key routes (everything but the backend table). A function:
 * the handler imports this module and this module reads the handler's schemas (no load-order trap).
 */
export function appRoutes(): DocumentedRoute[] {
  return [
    {
      method: 'POST',
      path: '/sign-up',
      operationId: 'signUp',
      summary: 'Create an account and sign in',
      tag: 'sessions',
      auth: 'none',
      body: SignUpBody,
    },
    {
      method: 'POST',
      path: '/sign-in',
      operationId: 'signIn',
      summary: 'Sign in with email and password',
      tag: 'sessions',
      auth: 'none',
      body: SignInBody,
    },
    {
      method: 'POST',
      path: '/refresh',
      operationId: 'refresh',
      summary: 'A fresh session token from the client cookie',
      tag: 'sessions',
      auth: 'client',
    },
    {
      method: 'GET',
      path: '/session',
      operationId: 'getSession',
      summary: 'The signed-in user, session and claims',
      tag: 'sessions',
      auth: 'session',
    },
    {
      method: 'GET',
      path: '/sessions',
      operationId: 'listSessions',
      summary: "The user's live sessions on every device",
      tag: 'sessions',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/sessions/active-organization',
      operationId: 'setActiveOrganization',
      summary: 'Switch the active organization (null: personal account)',
      tag: 'sessions',
      auth: 'session',
      body: ActiveOrganizationBody,
    },
    {
      method: 'POST',
      path: '/tokens',
      operationId: 'mintToken',
      summary: 'A JWT-template token, or a session token for another organization',
      tag: 'sessions',
      auth: 'session',
      body: TokenBody,
      optionalBody: true,
    },
    {
      method: 'POST',
      path: '/sign-out',
      operationId: 'signOut',
      summary: 'Sign out this browser, one session, or everywhere',
      tag: 'sessions',
      auth: 'none',
      body: SignOutBody,
      optionalBody: true,
    },
    {
      method: 'POST',
      path: '/sessions/{sessionId}/activate',
      operationId: 'activateSession',
      summary: "Make one of the browser's sessions the active one",
      tag: 'sessions',
      auth: 'client',
    },
    {
      method: 'POST',
      path: '/sessions/{sessionId}/end',
      operationId: 'endSession',
      summary: 'End one of your sessions',
      tag: 'sessions',
      auth: 'session',
    },
    { method: 'GET', path: '/jwks', operationId: 'getJwks', summary: 'The public signing keys (JWKS)', tag: 'keys', auth: 'none' },
    {
      method: 'GET',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: "This instance's Prometheus metrics (text exposition format; Bearer secret key)",
      tag: 'meta',
      auth: 'secretKey',
      download: 'prometheus',
    },
    {
      method: 'GET',
      path: '/claim-admin',
      operationId: 'showAdminClaim',
      summary: 'The page a first-admin link opens (`gatehouse init`): HTML, query `token`',
      tag: 'admin',
      auth: 'session',
      download: 'html',
    },
    {
      method: 'POST',
      path: '/claim-admin',
      operationId: 'claimAdmin',
      summary: 'Use a first-admin link: the signed-in user becomes the instance admin (form post, `token`; 303 to the dashboard)',
      tag: 'admin',
      auth: 'session',
      download: 'html',
    },
    {
      method: 'GET',
      path: '/oauth/connections',
      operationId: 'listOauthConnections',
      summary: 'The sign-in connections the sign-in page shows (no secrets)',
      tag: 'sessions',
      auth: 'none',
    },
    {
      method: 'POST',
      path: '/oauth/start',
      operationId: 'startOauth',
      summary: 'Start a provider sign-in (or connect a provider): the provider URL, with the flow cookie set',
      tag: 'sessions',
      auth: 'none',
      body: OauthStartBody,
    },
    {
      method: 'GET',
      path: '/oauth/callback',
      operationId: 'oauthCallback',
      summary: "The provider's redirect back: signs in and redirects, or back to sign-in with gatehouse_oauth_error",
      tag: 'sessions',
      auth: 'none',
    },
    {
      method: 'GET',
      path: '/external-accounts',
      operationId: 'listExternalAccounts',
      summary: "The signed-in user's connected provider accounts",
      tag: 'sessions',
      auth: 'session',
    },
    {
      method: 'DELETE',
      path: '/external-accounts/{externalAccountId}',
      operationId: 'deleteExternalAccount',
      summary: 'Disconnect a provider account (never the last way to sign in)',
      tag: 'sessions',
      auth: 'session',
    },
    {
      method: 'GET',
      path: '/.well-known/jwks.json',
      operationId: 'getWellKnownJwks',
      summary: 'The public signing keys (JWKS)',
      tag: 'keys',
      auth: 'none',
    },
    {
      method: 'GET',
      path: '/organizations',
      operationId: 'listMyOrganizations',
      summary: 'Your memberships',
      tag: 'organizations',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/organizations',
      operationId: 'createOrganization',
      summary: 'Create an organization (you become its admin)',
      tag: 'organizations',
      auth: 'session',
      body: CreateBody,
    },
    {
      method: 'GET',
      path: '/organizations/{organizationId}',
      operationId: 'getOrganization',
      summary: 'An organization you belong to',
      tag: 'organizations',
      auth: 'session',
    },
    {
      method: 'PATCH',
      path: '/organizations/{organizationId}',
      operationId: 'updateOrganization',
      summary: 'Change the profile (org:sys_profile:manage)',
      tag: 'organizations',
      auth: 'session',
      body: UpdateBody,
    },
    {
      method: 'DELETE',
      path: '/organizations/{organizationId}',
      operationId: 'deleteOrganization',
      summary: 'Delete it (org:sys_profile:delete)',
      tag: 'organizations',
      auth: 'session',
    },
    {
      method: 'GET',
      path: '/organizations/{organizationId}/memberships',
      operationId: 'listMembers',
      summary: 'Members (org:sys_memberships:read)',
      tag: 'organizations',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/organizations/{organizationId}/leave',
      operationId: 'leaveOrganization',
      summary: 'Leave it',
      tag: 'organizations',
      auth: 'session',
    },
    {
      method: 'PATCH',
      path: '/organizations/{organizationId}/memberships/{userId}',
      operationId: 'updateMember',
      summary: "Change a member's role (org:sys_memberships:manage)",
      tag: 'organizations',
      auth: 'session',
      body: MemberRoleBody,
    },
    {
      method: 'DELETE',
      path: '/organizations/{organizationId}/memberships/{userId}',
      operationId: 'removeMember',
      summary: 'Remove a member (org:sys_memberships:manage)',
      tag: 'organizations',
      auth: 'session',
    },
    {
      method: 'GET',
      path: '/organizations/{organizationId}/invitations',
      operationId: 'listInvitations',
      summary: 'Pending invitations (org:sys_memberships:manage)',
      tag: 'organizations',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/organizations/{organizationId}/invitations',
      operationId: 'createInvitation',
      summary: 'Invite by email (org:sys_memberships:manage)',
      tag: 'organizations',
      auth: 'session',
      body: InviteBody,
    },
    {
      method: 'POST',
      path: '/organizations/{organizationId}/invitations/{invitationId}/revoke',
      operationId: 'revokeInvitation',
      summary: 'Revoke a pending invitation',
      tag: 'organizations',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/invitations/accept',
      operationId: 'acceptInvitation',
      summary: 'Accept an invitation sent to your address',
      tag: 'organizations',
      auth: 'session',
      body: AcceptBody,
    },
    {
      method: 'GET',
      path: '/dev/inbox',
      operationId: 'getDevInbox',
      summary: "The development mailer's messages (only with the dev inbox on; never in production)",
      tag: 'organizations',
      auth: 'none',
    },
    { method: 'GET', path: '/admin/roles', operationId: 'adminListRoles', summary: 'The effective roles', tag: 'admin', auth: 'admin' },
    {
      method: 'PUT',
      path: '/admin/roles/{key}',
      operationId: 'adminSaveRole',
      summary: 'Create or replace a stored role',
      tag: 'admin',
      auth: 'admin',
      body: AdminRoleBody,
    },
    {
      method: 'DELETE',
      path: '/admin/roles/{key}',
      operationId: 'adminDeleteRole',
      summary: 'Delete a stored role',
      tag: 'admin',
      auth: 'admin',
    },
    {
      method: 'GET',
      path: '/admin/settings',
      operationId: 'adminGetSettings',
      summary: 'The instance settings',
      tag: 'admin',
      auth: 'admin',
    },
    {
      method: 'PATCH',
      path: '/admin/settings',
      operationId: 'adminUpdateSettings',
      summary: 'Change instance settings (audited)',
      tag: 'admin',
      auth: 'admin',
      body: InstanceSettingsChanges,
    },
    {
      method: 'GET',
      path: '/admin/audit',
      operationId: 'adminQueryAudit',
      summary: 'Audit events, newest first, with filters and a cursor',
      tag: 'admin',
      auth: 'admin',
      query: AuditQuery,
    },
    {
      method: 'GET',
      path: '/admin/audit/export',
      operationId: 'adminExportAudit',
      summary: 'Every matching audit event as JSON Lines or CSV',
      tag: 'admin',
      auth: 'admin',
      query: AuditExportQuery,
      download: 'jsonl-or-csv',
    },
    ...webhookAdminRoutes(),
    ...machineRouteDocs(),
    { method: 'GET', path: OPENAPI_PATH, operationId: 'getOpenApi', summary: 'This document', tag: 'meta', auth: 'none' },
  ];
}

/** The admin API's webhook routes (instance admins; everyone else gets 404). */
function webhookAdminRoutes(): DocumentedRoute[] {
  const admin = { tag: 'admin', auth: 'admin' } as const;
  return [
    {
      method: 'GET',
      path: '/admin/webhooks',
      operationId: 'adminListWebhookEndpoints',
      summary: 'The webhook endpoints (never their secrets) and the event types',
      ...admin,
    },
    {
      method: 'POST',
      path: '/admin/webhooks',
      operationId: 'adminCreateWebhookEndpoint',
      summary: 'Add an endpoint (201; its whsec_ secret is in this answer only)',
      body: WebhookEndpointBody,
      ...admin,
    },
    {
      method: 'GET',
      path: '/admin/webhooks/{endpointId}',
      operationId: 'adminGetWebhookEndpoint',
      summary: 'One webhook endpoint',
      ...admin,
    },
    {
      method: 'PATCH',
      path: '/admin/webhooks/{endpointId}',
      operationId: 'adminUpdateWebhookEndpoint',
      summary: 'Change an endpoint',
      body: WebhookEndpointChanges,
      ...admin,
    },
    {
      method: 'DELETE',
      path: '/admin/webhooks/{endpointId}',
      operationId: 'adminDeleteWebhookEndpoint',
      summary: 'Delete an endpoint with its delivery log',
      ...admin,
    },
    {
      method: 'POST',
      path: '/admin/webhooks/{endpointId}/rotate-secret',
      operationId: 'adminRotateWebhookSecret',
      summary: 'A new signing secret (returned this once); the old one also signs for the grace period',
      body: RotateSecretBody,
      optionalBody: true,
      ...admin,
    },
    {
      method: 'GET',
      path: '/admin/webhooks/{endpointId}/deliveries',
      operationId: 'adminListEndpointDeliveries',
      summary: "An endpoint's delivery log, newest first",
      query: WebhookDeliveriesQuery,
      ...admin,
    },
    {
      method: 'GET',
      path: '/admin/webhook-deliveries',
      operationId: 'adminListWebhookDeliveries',
      summary: 'The delivery log of every endpoint, newest first',
      query: WebhookDeliveriesQuery,
      ...admin,
    },
    {
      method: 'GET',
      path: '/admin/webhook-deliveries/{deliveryId}',
      operationId: 'adminGetWebhookDelivery',
      summary: 'One delivery with its attempt log',
      ...admin,
    },
    {
      method: 'POST',
      path: '/admin/webhook-deliveries/{deliveryId}/resend',
      operationId: 'adminResendWebhookDelivery',
      summary: 'Send a delivery again (same id and body)',
      ...admin,
    },
  ];
}

/** The backend table as documented routes. */
export function backendRoutes(): DocumentedRoute[] {
  return BACKEND_ROUTES.map(({ name, op }) => {
    const params = pathParams(op.path);
    const rest = op.input.omit(Object.fromEntries(params.map((p) => [p, true])) as never);
    const inQuery = op.method === 'GET' || op.method === 'DELETE';
    return {
      method: op.method,
      path: `${BACKEND_PREFIX}${op.path}`,
      operationId: `backend.${name}`,
      summary: op.summary,
      tag: 'backend',
      auth: 'secretKey',
      ...(inQuery ? { query: rest } : { body: rest }),
      ...(op.output === 'text' ? { download: 'jsonl-or-csv' as const } : {}),
    };
  });
}

function schemaOf(type: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return schema;
}

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  none: [],
  session: [{ sessionCookie: [] }, { sessionBearer: [] }],
  client: [{ clientCookie: [] }],
  admin: [{ sessionCookie: [] }, { sessionBearer: [] }],
  secretKey: [{ secretKey: [] }],
};

/** The error answers a route can give, by status, all in the one error shape. */
function errors(route: DocumentedRoute): Record<string, unknown> {
  const statuses = new Set<number>([STATUS_BY_CODE.internal_error]);
  if (route.body || route.query) statuses.add(STATUS_BY_CODE.bad_request);
  if (route.body) for (const code of ['payload_too_large', 'unsupported_media_type'] as const) statuses.add(STATUS_BY_CODE[code]);
  if (route.auth !== 'none') statuses.add(STATUS_BY_CODE.unauthenticated);
  if (route.method !== 'GET') statuses.add(STATUS_BY_CODE.csrf_rejected);
  if (route.path.includes('{') || route.auth === 'admin') statuses.add(STATUS_BY_CODE.not_found);
  if (route.tag === 'organizations' || route.tag === 'backend' || route.tag === 'admin') statuses.add(STATUS_BY_CODE.conflict);
  return Object.fromEntries([...statuses].sort().map((status) => [String(status), { $ref: '#/components/responses/Error' }]));
}

function operationObject(route: DocumentedRoute): Record<string, unknown> {
  const parameters = [
    ...pathParams(route.path).map((name) => ({
      name,
      in: 'path',
      required: true,
      description: ID_PARAMS[name] ?? name,
      schema: { type: 'string' },
    })),
    ...Object.entries(route.query?.shape ?? {}).map(([name, type]) => ({
      name,
      in: 'query',
      required: !(type as z.ZodType).safeParse(undefined).success,
      schema: schemaOf(type as z.ZodType),
    })),
  ];
  const ok =
    route.download === 'jsonl-or-csv'
      ? { 'application/jsonl': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } }
      : route.download === 'prometheus' || route.download === 'html'
        ? { [route.download === 'html' ? 'text/html' : 'text/plain']: { schema: { type: 'string' } } }
        : { 'application/json': { schema: { type: 'object' } } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: SECURITY[route.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: !route.optionalBody, content: { 'application/json': { schema: schemaOf(route.body) } } } }
      : {}),
    responses: { '200': { description: 'Done', content: ok }, ...errors(route) },
  };
}

/** Every documented route: the app's and the backend table's. */
export function documentedRoutes(): DocumentedRoute[] {
  return [...appRoutes(), ...factorRouteDocs(), ...backendRoutes()];
}

/**
 * The OpenAPI 3.1 document. Paths are relative to the API's base path (the `servers` entry),
 * except `/.well-known/jwks.json`, which is served at the root. Deterministic: the same build
 * always gives the same document (docs/openapi.json is checked against it).
 */
export function openApiDocument(version = '0.1.0'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of documentedRoutes()) {
    const item = (paths[route.path] ??= route.path.startsWith('/.well-known/') ? { servers: [{ url: '/' }] } : {});
    item[route.method.toLowerCase()] = operationObject(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse auth API',
      version,
      description:
        'Sessions, organizations, the admin API and the backend API of a Gatehouse instance. Errors are `{ error: { code, message } }`. State-changing requests from browsers must be same-origin (Origin / Sec-Fetch-Site).',
    },
    servers: [{ url: '/api/gatehouse', description: 'The default base path (basePath option)' }],
    tags: [
      { name: 'sessions', description: 'Sign-up, sign-in, refresh, sign-out, session list, tokens' },
      { name: 'organizations', description: 'Organizations, memberships and invitations as a member sees them' },
      { name: 'admin', description: 'Instance admins only (anyone else gets 404)' },
      { name: 'backend', description: 'Server code with a secret key (gatehouseClient over HTTP)' },
      { name: 'keys', description: 'Public keys' },
      { name: 'meta', description: 'This document' },
    ],
    paths,
    components: {
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: '__session', description: 'The session token (JWT) cookie' },
        sessionBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The session token' },
        clientCookie: { type: 'apiKey', in: 'cookie', name: '__client', description: 'The long-lived client cookie' },
        secretKey: { type: 'http', scheme: 'bearer', description: 'A secret key `gh_sk_…` (GATEHOUSE_SECRET_KEY)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string', enum: Object.keys(STATUS_BY_CODE) }, message: { type: 'string' } },
            },
          },
        },
      },
      responses: {
        Error: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  };
}
