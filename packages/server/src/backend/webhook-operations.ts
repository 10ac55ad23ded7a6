// The backend API's webhook operations: endpoints (the secret returned only by create and rotate), the delivery log and resend.

import { z } from 'zod';
import { DELIVERY_STATUSES, RotateSecretBody, WebhookEndpointBody, WebhookEndpointChanges } from '../http/webhook-routes.js';
import { operation, type DeletedObject, type PaginatedList } from './operation.js';

const ENDPOINT_ID = z.string().regex(/^wh_[a-z2-7]{26}$/, 'Not a webhook endpoint id');
const DELIVERY_ID = z.string().regex(/^whd_[a-z2-7]{26}$/, 'Not a webhook delivery id');
const page = <T>(data: T[]): PaginatedList<T> => ({ data, totalCount: data.length });

export const webhooks = {
  createEndpoint: operation({
    method: 'POST',
    path: '/webhooks/endpoints',
    summary: 'Add a webhook endpoint; the answer holds its whsec_ signing secret, this once',
    input: WebhookEndpointBody,
    args: (params: z.input<typeof WebhookEndpointBody>) => params,
    run: (gatehouse, input, ctx) => gatehouse.webhooks.createEndpoint(input, { ctx }),
  }),
  listEndpoints: operation({
    method: 'GET',
    path: '/webhooks/endpoints',
    summary: 'The webhook endpoints (never their secrets)',
    input: z.object({}).strict(),
    args: () => ({}),
    run: async (gatehouse) => page(await gatehouse.webhooks.listEndpoints()),
  }),
  getEndpoint: operation({
    method: 'GET',
    path: '/webhooks/endpoints/{endpointId}',
    summary: 'One webhook endpoint',
    input: z.object({ endpointId: ENDPOINT_ID }).strict(),
    args: (endpointId: string) => ({ endpointId }),
    run: (gatehouse, { endpointId }) => gatehouse.webhooks.getEndpoint(endpointId),
  }),
  updateEndpoint: operation({
    method: 'PATCH',
    path: '/webhooks/endpoints/{endpointId}',
    summary: 'Change an endpoint: URL, description, event types, enabled',
    input: WebhookEndpointChanges.extend({ endpointId: ENDPOINT_ID }).strict(),
    args: (endpointId: string, changes: z.input<typeof WebhookEndpointChanges>) => ({ ...changes, endpointId }),
    run: (gatehouse, { endpointId, ...changes }, ctx) => gatehouse.webhooks.updateEndpoint(endpointId, changes, { ctx }),
  }),
  deleteEndpoint: operation({
    method: 'DELETE',
    path: '/webhooks/endpoints/{endpointId}',
    summary: 'Delete an endpoint with its delivery log',
    input: z.object({ endpointId: ENDPOINT_ID }).strict(),
    args: (endpointId: string) => ({ endpointId }),
    async run(gatehouse, { endpointId }, ctx): Promise<DeletedObject> {
      await gatehouse.webhooks.deleteEndpoint(endpointId, { ctx });
      return { object: 'webhook_endpoint', id: endpointId, deleted: true };
    },
  }),
  rotateSecret: operation({
    method: 'POST',
    path: '/webhooks/endpoints/{endpointId}/rotate-secret',
    summary: 'A new signing secret (returned this once); the old one also signs for graceSeconds (default 24 h)',
    input: RotateSecretBody.extend({ endpointId: ENDPOINT_ID }).strict(),
    args: (endpointId: string, options: { graceSeconds?: number } = {}) => ({ ...options, endpointId }),
    run: (gatehouse, { endpointId, graceSeconds }, ctx) =>
      gatehouse.webhooks.rotateSecret(endpointId, graceSeconds === undefined ? {} : { graceSeconds }, { ctx }),
  }),
  listDeliveries: operation({
    method: 'GET',
    path: '/webhooks/deliveries',
    summary: 'The delivery log, newest first (failed: dead-lettered)',
    input: z
      .object({
        endpointId: ENDPOINT_ID.optional(),
        status: z.enum(DELIVERY_STATUSES).optional(),
        limit: z.coerce.number().int().min(1).max(500).optional(),
      })
      .strict(),
    args: (params: { endpointId?: string; status?: (typeof DELIVERY_STATUSES)[number]; limit?: number } = {}) => params,
    run: async (gatehouse, input) =>
      page(
        await gatehouse.webhooks.listDeliveries({
          ...(input.endpointId === undefined ? {} : { endpointId: input.endpointId }),
          ...(input.status === undefined ? {} : { status: input.status }),
          ...(input.limit === undefined ? {} : { limit: input.limit }),
        }),
      ),
  }),
  getDelivery: operation({
    method: 'GET',
    path: '/webhooks/deliveries/{deliveryId}',
    summary: 'One delivery with its attempt log (status code, duration, error)',
    input: z.object({ deliveryId: DELIVERY_ID }).strict(),
    args: (deliveryId: string) => ({ deliveryId }),
    run: (gatehouse, { deliveryId }) => gatehouse.webhooks.getDelivery(deliveryId),
  }),
  resendDelivery: operation({
    method: 'POST',
    path: '/webhooks/deliveries/{deliveryId}/resend',
    summary: 'Send a delivery again (same event id and body) with a fresh set of attempts',
    input: z.object({ deliveryId: DELIVERY_ID }).strict(),
    args: (deliveryId: string) => ({ deliveryId }),
    run: (gatehouse, { deliveryId }, ctx) => gatehouse.webhooks.resend(deliveryId, { ctx }),
  }),
};
