// The admin API's webhook endpoints: /admin/webhooks[/:id[/rotate-secret|/deliveries]] and /admin/webhook-deliveries/:id[/resend].

import type { RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import { readJson, readOptionalJson } from './body.js';
import { json } from './respond.js';
import type { AnyMethods, HttpMethod } from './org-routes.js';

type AdminRoute = (request: Request, me: string, ctx: RequestContext) => Promise<Response>;
type AdminOnly = (methods: Partial<Record<HttpMethod, AdminRoute>>) => AnyMethods;

// Path ids are checked before any lookup: anything else is "no such …" (404), never a database query.
const ENDPOINT_ID = /^wh_[a-z2-7]{26}$/;
const DELIVERY_ID = /^whd_[a-z2-7]{26}$/;

// Shapes only; the URL rules and the event types are the service's (one place, same for every caller).
const EndpointFields = {
  url: z.string().max(4096),
  description: z.string().max(1024).nullable().optional(),
  eventTypes: z.array(z.string().max(80)).max(100).optional(),
  enabled: z.boolean().optional(),
};
export const WebhookEndpointBody = z.object(EndpointFields).strict();
export const WebhookEndpointChanges = z.object(EndpointFields).partial().strict();
export const RotateSecretBody = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60 * 60)
      .optional(),
  })
  .strict();
const NoBody = z.object({}).strict();
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export function createWebhookRoutes(gatehouse: Gatehouse, adminOnly: AdminOnly) {
  const { webhooks } = gatehouse;

  const endpoints = adminOnly({
    GET: async () => json(200, { endpoints: await webhooks.listEndpoints(), eventTypes: webhooks.eventTypes }),
    // The secret is in this answer and nowhere else, ever.
    POST: async (request, me, ctx) =>
      json(201, await webhooks.createEndpoint(await readJson(request, WebhookEndpointBody), { actorId: me, ctx })),
  });

  const endpoint = (id: string) =>
    adminOnly({
      GET: async () => json(200, { endpoint: await webhooks.getEndpoint(id) }),
      PATCH: async (request, me, ctx) =>
        json(200, { endpoint: await webhooks.updateEndpoint(id, await readJson(request, WebhookEndpointChanges), { actorId: me, ctx }) }),
      DELETE: async (request, me, ctx) => {
        await readOptionalJson(request, NoBody);
        await webhooks.deleteEndpoint(id, { actorId: me, ctx });
        return json(200, { deleted: true });
      },
    });

  const rotate = (id: string) =>
    adminOnly({
      POST: async (request, me, ctx) => {
        const body = await readOptionalJson(request, RotateSecretBody);
        return json(
          200,
          await webhooks.rotateSecret(id, body?.graceSeconds === undefined ? {} : { graceSeconds: body.graceSeconds }, {
            actorId: me,
            ctx,
          }),
        );
      },
    });

  const deliveries = (endpointId: string | undefined) =>
    adminOnly({
      GET: async (request) => {
        const params = new URL(request.url).searchParams;
        const status = DELIVERY_STATUSES.find((s) => s === params.get('status'));
        const limit = Number(params.get('limit') ?? '100');
        const list = await webhooks.listDeliveries({
          ...(endpointId === undefined ? {} : { endpointId }),
          ...(status === undefined ? {} : { status }),
          limit: Number.isFinite(limit) ? limit : 100,
        });
        return json(200, { deliveries: list });
      },
    });

  const delivery = (id: string) => adminOnly({ GET: async () => json(200, { delivery: await webhooks.getDelivery(id) }) });
  const resend = (id: string) =>
    adminOnly({
      POST: async (request, me, ctx) => {
        await readOptionalJson(request, NoBody);
        return json(200, { delivery: await webhooks.resend(id, { actorId: me, ctx }) });
      },
    });

  return {
    /** The methods for a webhook admin path (`parts` without the leading `admin`); null for other paths. */
    match(parts: readonly string[]): AnyMethods | null {
      const [kind, id, sub, ...rest] = parts;
      if (rest.length > 0) return null;
      if (kind === 'webhooks') {
        if (id === undefined) return endpoints;
        if (!ENDPOINT_ID.test(id)) return null;
        if (sub === undefined) return endpoint(id);
        if (sub === 'rotate-secret') return rotate(id);
        if (sub === 'deliveries') return deliveries(id);
        return null;
      }
      if (kind === 'webhook-deliveries') {
        if (id === undefined) return deliveries(undefined);
        if (!DELIVERY_ID.test(id)) return null;
        if (sub === undefined) return delivery(id);
        if (sub === 'resend') return resend(id);
      }
      return null;
    },
  };
}
