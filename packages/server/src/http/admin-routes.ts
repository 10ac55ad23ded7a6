// The auth API's instance-admin endpoints (roles), hidden from everyone who is not an instance admin.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import { MAX_ROLE_PERMISSIONS } from '../roles/roles.js';
import { InstanceSettingsChanges } from '../instance/instance-settings.js';
import { readJson, readOptionalJson } from './body.js';
import { errorResponse, json } from './respond.js';
import type { AnyMethods, HttpMethod } from './org-routes.js';
import type { Route, RouteParams } from './session-routes.js';
import { createWebhookRoutes } from './webhook-routes.js';

/** What an admin route needs: the signed-in admin's user id and the request context. */
type AdminRoute = (request: Request, me: string, ctx: RequestContext) => Promise<Response>;

export const RoleBody = z
  .object({
    name: z.string().min(1).max(256),
    description: z.string().max(1024).nullable().optional(),
    permissions: z.array(z.string().min(1).max(140)).max(MAX_ROLE_PERMISSIONS),
  })
  .strict();
const NoBody = z.object({}).strict();

// Every method the router might look up (HEAD arrives as GET): a 405 with an Allow header would show the endpoint.
const ALL_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A path segment as sent (`org:editor` or `org%3Aeditor`); null when it does not decode. */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The query parameters of an audit query (the filters of {@link AuditQuery}). */
export const AUDIT_PARAMS = ['actorId', 'action', 'targetId', 'organizationId', 'since', 'until', 'cursor', 'limit'] as const;

/**
 * The query string as an object of the allowed names; an unknown or repeated name is a
 * `bad_request` (a filter silently dropped would widen an export).
 * @throws GatehouseError `bad_request`
 */
export function searchParams(request: Request, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URL(request.url).searchParams) {
    if (!allowed.includes(name)) throw new GatehouseError('bad_request', `Unknown query parameter ${name.slice(0, 40)}.`);
    if (Object.hasOwn(out, name)) throw new GatehouseError('bad_request', `The query parameter ${name} is repeated.`);
    out[name] = value;
  }
  return out;
}

/** A streamed download of the audit log; a filter error surfaces before the first byte (the generator validates on its first step). */
export async function exportResponse(lines: AsyncGenerator<string>, format: 'jsonl' | 'csv'): Promise<Response> {
  const first = await lines.next();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(encoder.encode(first.value));
    },
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/jsonl; charset=utf-8';
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': type,
      'content-disposition': `attachment; filename="gatehouse-audit.${format}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

export function createAdminRoutes(gatehouse: Gatehouse) {
  // Exactly what the router answers for a path it does not know.
  const noSuchEndpoint = () => errorResponse('not_found', 'No such endpoint.');

  /**
   * Every method of an admin path goes through here: 401 when signed out; for anyone signed in who
   * is not an instance admin (read from the database now, never from the token) the same 404 as an
   * unknown path, whatever the method, so the admin API does not show; then the method.
   */
  function adminOnly(methods: Partial<Record<HttpMethod, AdminRoute>>): AnyMethods {
    const allowed = Object.keys(methods).join(', ');
    const route: Route = async (request, ctx) => {
      const state = await gatehouse.authenticate(request);
      if (state.status !== 'signed-in') return errorResponse('unauthenticated', 'You are not signed in.');
      if (!(await gatehouse.users.isInstanceAdmin(state.claims.sub))) return noSuchEndpoint();
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      const fn = Object.hasOwn(methods, method) ? methods[method as HttpMethod] : undefined;
      if (!fn) return errorResponse('method_not_allowed', `Use ${allowed.replace(', ', ' or ')}.`, { allow: allowed });
      return fn(request, state.claims.sub, ctx);
    };
    return Object.fromEntries(ALL_METHODS.map((m) => [m, route])) as AnyMethods;
  }

  const roles = adminOnly({
    GET: async () => json(200, { roles: await gatehouse.roleAdmin.list() }),
  });

  function role(key: string): AnyMethods {
    return adminOnly({
      PUT: async (request, me, ctx) => {
        const body = await readJson(request, RoleBody);
        const result = await gatehouse.roleAdmin.upsert({ key, ...body }, { actorId: me, ctx });
        return json(200, { role: result.role, created: result.created });
      },
      DELETE: async (request, me, ctx) => {
        await readOptionalJson(request, NoBody);
        await gatehouse.roleAdmin.remove(key, { actorId: me, ctx });
        return json(200, { deleted: true });
      },
    });
  }

  const webhooks = createWebhookRoutes(gatehouse, adminOnly);

  const settings = adminOnly({
    GET: async () => json(200, await gatehouse.instanceSettings.get()),
    PATCH: async (request, me, ctx) => {
      const body = await readJson(request, InstanceSettingsChanges);
      return json(200, await gatehouse.instanceSettings.update(body, { actorId: me, ctx }));
    },
  });

  const audit = adminOnly({
    GET: async (request) => json(200, await gatehouse.audit.query(searchParams(request, AUDIT_PARAMS))),
  });

  const auditExport = adminOnly({
    GET: async (request) => {
      const { format = 'jsonl', ...filter } = searchParams(request, [...AUDIT_PARAMS, 'format']);
      if (format !== 'jsonl' && format !== 'csv') return errorResponse('bad_request', 'format is jsonl or csv.');
      return exportResponse(gatehouse.audit.export(filter, format), format);
    },
  });

  return {
    /** The methods for an admin path (the role key bound); null for other paths. */
    match(path: string): { methods: AnyMethods; params: RouteParams } | null {
      const parts = path.split('/').slice(1);
      if (parts[0] !== 'admin') return null;
      if (parts[1]?.startsWith('webhook')) {
        const methods = webhooks.match(parts.slice(1));
        return methods ? { methods, params: {} } : null;
      }
      if (parts[1] === 'settings' && parts.length === 2) return { methods: settings, params: {} };
      if (parts[1] === 'audit' && parts.length === 2) return { methods: audit, params: {} };
      if (parts[1] === 'audit' && parts.length === 3 && parts[2] === 'export') return { methods: auditExport, params: {} };
      if (parts[1] !== 'roles') return null;
      if (parts.length === 2) return { methods: roles, params: {} };
      const key = parts.length === 3 ? decodeSegment(parts[2] ?? '') : null;
      // An empty or undecodable key is not a path we serve (the key itself is checked by the use case).
      return key ? { methods: role(key), params: {} } : null;
    },
  };
}
