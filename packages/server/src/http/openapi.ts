// The OpenAPI 3.1 document of the auth HTTP API, made from the zod schemas the routes validate with and from the backend operation table.

import { STATUS_BY_CODE, type GatehouseErrorCode } from '@gatehouse/core';
import { BACKEND_PREFIX } from '../backend/client.js';
import { pathParams } from '../backend/operation.js';
import { factorRouteDocs } from '../factors/factor-openapi.js';
import { accountRouteDocs } from '../accounts/account-openapi.js';
import { adminRouteDocs } from './admin-route-docs.js';
import { BACKEND_ROUTES } from './backend-routes.js';
import { organizationRouteDocs, sessionRouteDocs } from './session-route-docs.js';
import { machineRouteDocs } from '../machines/machine-routes.js';
import { z } from 'zod';

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
  /** Refusals beyond those its shape implies (wrong credentials, a used-up code, the rate limits). */
  errors?: readonly GatehouseErrorCode[];
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

/**
 * The session, organization, admin and key routes (everything but the backend table). A function:
 * the handler imports this module and this module reads the handler's schemas (no load-order trap).
 */
export function appRoutes(): DocumentedRoute[] {
  return [
    ...sessionRouteDocs(),
    ...organizationRouteDocs(),
    ...adminRouteDocs(),
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
      errors: ['not_found'],
      download: 'html',
    },
    {
      method: 'POST',
      path: '/claim-admin',
      operationId: 'claimAdmin',
      summary: 'Use a first-admin link: the signed-in user becomes the instance admin (form post, `token`; 303 to the dashboard)',
      tag: 'admin',
      auth: 'session',
      errors: ['unsupported_media_type', 'not_found'],
      download: 'html',
    },
    ...machineRouteDocs(),
    { method: 'GET', path: OPENAPI_PATH, operationId: 'getOpenApi', summary: 'This document', tag: 'meta', auth: 'none' },
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
  for (const code of route.errors ?? []) statuses.add(STATUS_BY_CODE[code]);
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
  return [...appRoutes(), ...factorRouteDocs(), ...accountRouteDocs(), ...backendRoutes()];
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
