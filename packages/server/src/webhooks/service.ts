// instance.webhooks: endpoints (create, list, update, delete, rotate the secret), the delivery log, resend, and the worker.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import { newId } from '../store/ids.js';
import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import type { Store } from '../store/types.js';
import type { WebhookAttemptRow, WebhookDeliveryListRow, WebhookDeliveryStatus, WebhookEndpointRow } from './webhook-store.js';
import { internalUrlProblem } from './destination.js';
import { createDeliveryWorker, type DeliveryOptions, type DeliveryPass, type WorkerDeps } from './delivery.js';
import { WEBHOOK_EVENT_TYPES, stringList, type WebhookEventType } from './events.js';
import { newSigningSecret, sealSigningSecret } from './secrets.js';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  /** Empty: every event. */
  eventTypes: WebhookEventType[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface WebhookAttempt {
  attempt: number;
  at: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  /** The event's id: the `webhook-id` header of every attempt. */
  eventId: string;
  eventType: string;
  endpointId: string;
  /** `failed`: dead-lettered after the last attempt; `resend` tries again. */
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface WebhookEndpointInput {
  url: string;
  description?: string | null | undefined;
  eventTypes?: readonly string[] | undefined;
  enabled?: boolean | undefined;
}

/** Who made a change, for the audit log: an instance admin (dashboard, admin API) or null (server code, CLI). */
export interface WebhookActor {
  actorId?: string | null;
  ctx?: RequestContext;
}

export interface WebhookService {
  /** Every event type an endpoint can subscribe to. */
  readonly eventTypes: readonly WebhookEventType[];
  /**
   * Creates an endpoint. The `whsec_…` secret is returned this once; it is stored only encrypted.
   * @throws GatehouseError `bad_request` (URL not http(s), credentials in the URL, unknown event type)
   */
  createEndpoint(input: WebhookEndpointInput, actor?: WebhookActor): Promise<{ endpoint: WebhookEndpoint; secret: string }>;
  listEndpoints(): Promise<WebhookEndpoint[]>;
  /** @throws GatehouseError `not_found` */
  getEndpoint(id: string): Promise<WebhookEndpoint>;
  /** @throws GatehouseError `bad_request`, `not_found` */
  updateEndpoint(id: string, changes: Partial<WebhookEndpointInput>, actor?: WebhookActor): Promise<WebhookEndpoint>;
  /** Deletes the endpoint with its deliveries. @throws GatehouseError `not_found` */
  deleteEndpoint(id: string, actor?: WebhookActor): Promise<void>;
  /**
   * A new secret (returned this once). Deliveries carry a signature with the old one too for
   * `graceSeconds` (default 24 h), so receivers can switch without losing events.
   * @throws GatehouseError `not_found`
   */
  rotateSecret(id: string, options?: { graceSeconds?: number }, actor?: WebhookActor): Promise<{ secret: string }>;
  /** The delivery log, newest first. */
  listDeliveries(filter?: { endpointId?: string; status?: WebhookDeliveryStatus; limit?: number }): Promise<WebhookDelivery[]>;
  /** One delivery with its attempts. @throws GatehouseError `not_found` */
  getDelivery(id: string): Promise<WebhookDelivery & { attemptLog: WebhookAttempt[] }>;
  /** Sends a delivery again (same event id and body) with a fresh set of attempts. @throws GatehouseError `not_found` */
  resend(deliveryId: string, actor?: WebhookActor): Promise<WebhookDelivery>;
  /** One delivery pass now (the background worker does this every poll). */
  deliverDue(): Promise<DeliveryPass>;
  /** Starts the background worker (the embedded app and the standalone service do). */
  startWorker(): void;
  stopWorker(): Promise<void>;
}

const MAX_URL_LENGTH = 2048;
const MAX_PAGE = 500;

/**
 * Where webhooks may go: http(s) only, no user:password (it would be stored and shown with the URL).
 * Private addresses are allowed (a receiver on the same host or network is the common self-hosted
 * setup); the admin who adds an endpoint decides where events go, redirects are never followed and
 * no response body is stored or shown. See docs/guide.md § Webhooks.
 */
const UrlField = z
  .string()
  .trim()
  .min(1, 'Enter the URL that receives the webhooks.')
  .max(MAX_URL_LENGTH)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Enter an absolute http(s) URL.' });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      ctx.addIssue({ code: 'custom', message: 'Only http and https URLs receive webhooks.' });
    if (url.username !== '' || url.password !== '')
      ctx.addIssue({
        code: 'custom',
        message: 'Leave credentials out of the URL: each delivery is signed, and the URL is shown in the dashboard.',
      });
  });
const EventTypesField = z
  .array(z.string())
  .max(WEBHOOK_EVENT_TYPES.length)
  .superRefine((types, ctx) => {
    const unknown = types.filter((t) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `Unknown event type: ${unknown[0]?.slice(0, 80)}.` });
  });
const DescriptionField = z.string().trim().max(256).nullable();
const CreateInput = z.object({
  url: UrlField,
  description: DescriptionField.optional(),
  eventTypes: EventTypesField.optional(),
  enabled: z.boolean().optional(),
});
const UpdateInput = CreateInput.partial();

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new GatehouseError('bad_request', result.error.issues[0]?.message ?? 'Invalid webhook endpoint.');
  return result.data;
}

function toEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: (stringList(row.event_types) ?? []) as WebhookEventType[],
    enabled: row.enabled === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toDelivery(row: WebhookDeliveryListRow): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    endpointId: row.endpoint_id,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === 'pending' ? Number(row.next_attempt_at) : null,
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toAttempt(row: WebhookAttemptRow): WebhookAttempt {
  return {
    attempt: Number(row.attempt),
    at: Number(row.at),
    statusCode: row.status_code === null ? null : Number(row.status_code),
    durationMs: Number(row.duration_ms),
    error: row.error,
  };
}

export function createWebhookService(deps: WorkerDeps, options: DeliveryOptions = {}): WebhookService {
  const { store, masterSecret, now } = deps;
  const worker = createDeliveryWorker(deps, options);
  /** Internal addresses are refused when saved too (names are checked again after DNS at each delivery). */
  const refuseInternal = (url: string) => {
    const problem = internalUrlProblem(new URL(url), options.allowedHosts ?? []);
    if (problem) throw new GatehouseError('bad_request', problem);
  };

  async function requireEndpoint(id: string): Promise<WebhookEndpointRow> {
    const row = typeof id === 'string' && id.length <= 64 ? await store.findWebhookEndpoint(id) : null;
    if (!row) throw new GatehouseError('not_found', 'No such webhook endpoint.');
    return row;
  }
  async function requireDelivery(id: string): Promise<WebhookDeliveryListRow> {
    const row = typeof id === 'string' && id.length <= 64 ? await store.findWebhookDelivery(id) : null;
    if (!row) throw new GatehouseError('not_found', 'No such webhook delivery.');
    return row;
  }

  /** One audit row per change (never a secret), in the change's transaction. */
  const audit = (tx: Store, action: string, subjectId: string, data: Record<string, unknown>, actor: WebhookActor = {}) => {
    const ctx = actor.ctx ?? BACKEND_CONTEXT;
    return tx.appendAudit({
      at: now(),
      action,
      actor_id: actor.actorId ?? null,
      subject_id: subjectId,
      ip: ctx.ip,
      user_agent: ctx.userAgent,
      data: JSON.stringify(data),
    });
  };

  return {
    eventTypes: WEBHOOK_EVENT_TYPES,
    async createEndpoint(input, actor) {
      const body = parse(CreateInput, input);
      refuseInternal(body.url);
      const secret = newSigningSecret();
      const t = now();
      const row: WebhookEndpointRow = {
        id: newId('wh'),
        url: body.url,
        description: body.description ?? null,
        secret_sealed: await sealSigningSecret(secret, masterSecret),
        previous_secret_sealed: null,
        previous_secret_until: null,
        event_types: JSON.stringify([...new Set(body.eventTypes ?? [])]),
        enabled: body.enabled === false ? 0 : 1,
        created_at: t,
        updated_at: t,
      };
      await store.transaction(async (tx) => {
        await tx.insertWebhookEndpoint(row);
        await audit(tx, 'webhook_endpoint.created', row.id, { url: row.url, eventTypes: body.eventTypes ?? [] }, actor);
      });
      return { endpoint: toEndpoint(row), secret };
    },
    async listEndpoints() {
      return (await store.listWebhookEndpoints()).map(toEndpoint);
    },
    async getEndpoint(id) {
      return toEndpoint(await requireEndpoint(id));
    },
    async updateEndpoint(id, changes, actor) {
      const body = parse(UpdateInput, changes);
      if (body.url !== undefined) refuseInternal(body.url);
      await requireEndpoint(id);
      const update: Partial<WebhookEndpointRow> = { updated_at: now() };
      if (body.url !== undefined) update.url = body.url;
      if (body.description !== undefined) update.description = body.description;
      if (body.eventTypes !== undefined) update.event_types = JSON.stringify([...new Set(body.eventTypes)]);
      if (body.enabled !== undefined) update.enabled = body.enabled ? 1 : 0;
      await store.transaction(async (tx) => {
        await tx.updateWebhookEndpoint(id, update);
        const { updated_at: _at, ...changed } = update;
        await audit(tx, 'webhook_endpoint.updated', id, changed, actor);
      });
      return toEndpoint(await requireEndpoint(id));
    },
    async deleteEndpoint(id, actor) {
      await store.transaction(async (tx) => {
        if (!(typeof id === 'string' && id.length <= 64 && (await tx.deleteWebhookEndpoint(id))))
          throw new GatehouseError('not_found', 'No such webhook endpoint.');
        await audit(tx, 'webhook_endpoint.deleted', id, {}, actor);
      });
    },
    async rotateSecret(id, rotateOptions = {}, actor) {
      const row = await requireEndpoint(id);
      const graceMs = (rotateOptions.graceSeconds ?? 24 * 60 * 60) * 1000;
      const secret = newSigningSecret();
      const t = now();
      const sealed = await sealSigningSecret(secret, masterSecret);
      await store.transaction(async (tx) => {
        await tx.updateWebhookEndpoint(id, {
          secret_sealed: sealed,
          previous_secret_sealed: graceMs > 0 ? row.secret_sealed : null,
          previous_secret_until: graceMs > 0 ? t + graceMs : null,
          updated_at: t,
        });
        await audit(tx, 'webhook_endpoint.secret_rotated', id, { graceSeconds: graceMs / 1000 }, actor);
      });
      return { secret };
    },
    async listDeliveries(filter = {}) {
      const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), MAX_PAGE);
      const rows = await store.listWebhookDeliveries({
        limit,
        ...(filter.endpointId === undefined ? {} : { endpointId: filter.endpointId }),
        ...(filter.status === undefined ? {} : { status: filter.status }),
      });
      return rows.map(toDelivery);
    },
    async getDelivery(id) {
      const row = await requireDelivery(id);
      return { ...toDelivery(row), attemptLog: (await store.listWebhookAttempts(row.id)).map(toAttempt) };
    },
    async resend(deliveryId, actor) {
      const delivery = await requireDelivery(deliveryId);
      await store.transaction(async (tx) => {
        await tx.resetWebhookDelivery(deliveryId, now());
        await audit(tx, 'webhook_delivery.resent', deliveryId, { endpointId: delivery.endpoint_id, eventId: delivery.event_id }, actor);
      });
      return toDelivery(await requireDelivery(deliveryId));
    },
    deliverDue: () => worker.deliverDue(),
    startWorker: () => worker.start(),
    stopWorker: () => worker.stop(),
  };
}
