// The webhook tables (endpoints, the outbox, deliveries, attempts) and their queries (one implementation for every dialect).

import type { Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { MembershipRow } from '../organizations/organization-store.js';
import type { Database, Dialect } from '../store/types.js';

/** An endpoint that receives webhooks. The signing secret is stored only sealed with the master secret. */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string | null;
  /** `whsec_…` sealed (compact JWE under a key derived from the master secret). */
  secret_sealed: string;
  /** The secret before the last rotation: deliveries are signed with both until `previous_secret_until`. */
  previous_secret_sealed: string | null;
  previous_secret_until: number | null;
  /** JSON array of event types; empty: every event. */
  event_types: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** The outbox: one row per event, written in the transaction of the change that caused it. */
export interface WebhookEventsTable {
  /** `msg_…`: the `webhook-id` of every delivery of this event, stable across retries. */
  id: string;
  type: string;
  /** The exact JSON body sent. */
  payload: string;
  created_at: number;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event to one endpoint; `failed` is the dead-letter state (no more automatic attempts). */
export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  /** Which worker holds the delivery and until when (a crashed worker's lease runs out). */
  lease_owner: string | null;
  lease_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** One HTTP attempt of a delivery: status, duration, error (never a secret or the response body). */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  at: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;

/** A delivery with its event's type (what a delivery log lists). */
export type WebhookDeliveryListRow = WebhookDeliveryRow & { event_type: string };

/** A claimed delivery with everything needed to send it. */
export type ClaimedWebhookDelivery = WebhookDeliveryRow & {
  event_type: string;
  payload: string;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_until: number | null;
};

/** The webhook tables in the store's database type. */
export interface WebhooksDatabase {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}

/** The webhook tables: endpoints, the outbox, deliveries and their attempt log. */
export interface WebhookStore {
  insertWebhookEndpoint(row: Insertable<WebhookEndpointsTable>): Promise<void>;
  findWebhookEndpoint(id: string): Promise<WebhookEndpointRow | null>;
  listWebhookEndpoints(): Promise<WebhookEndpointRow[]>;
  updateWebhookEndpoint(id: string, changes: Updateable<WebhookEndpointsTable>): Promise<boolean>;
  /** Deletes an endpoint with its deliveries and their attempts. */
  deleteWebhookEndpoint(id: string): Promise<boolean>;
  /** The enabled endpoints' ids and event filters: who gets a new event. */
  listEnabledWebhookSubscriptions(): Promise<{ id: string; event_types: string }[]>;
  insertWebhookEvent(row: Insertable<WebhookEventsTable>): Promise<void>;
  insertWebhookDeliveries(rows: Insertable<WebhookDeliveriesTable>[]): Promise<void>;
  /**
   * Leases up to `limit` due deliveries (pending, `next_attempt_at <= now`, no live lease, endpoint
   * enabled) to `owner` until `now + leaseMs`, counting the attempt. On PostgreSQL the candidate rows
   * are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint sets; SQLite has
   * one writer at a time. A worker that dies leaves its lease to run out, then another takes it.
   */
  claimWebhookDeliveries(options: { now: number; limit: number; leaseMs: number; owner: string }): Promise<ClaimedWebhookDelivery[]>;
  /** Records an attempt's outcome, only while `owner` still holds the lease. False when it lost it. */
  finishWebhookDelivery(id: string, owner: string, changes: Updateable<WebhookDeliveriesTable>): Promise<boolean>;
  insertWebhookAttempt(row: Insertable<WebhookAttemptsTable>): Promise<void>;
  findWebhookDelivery(id: string): Promise<WebhookDeliveryListRow | null>;
  /** Newest first. */
  listWebhookDeliveries(filter: { endpointId?: string; status?: WebhookDeliveryStatus; limit: number }): Promise<WebhookDeliveryListRow[]>;
  /** Oldest first. */
  listWebhookAttempts(deliveryId: string): Promise<WebhookAttemptRow[]>;
  /** Makes a delivery due again at `at` (a fresh set of attempts); its lease is dropped. */
  resetWebhookDelivery(id: string, at: number): Promise<boolean>;
  /** The membership with this id (webhook payloads of a removal are read before the row goes). */
  findMembershipById(id: string): Promise<MembershipRow | null>;
}

const DELIVERY_COLUMNS = [
  'd.id',
  'd.event_id',
  'd.endpoint_id',
  'd.status',
  'd.attempts',
  'd.next_attempt_at',
  'd.lease_owner',
  'd.lease_until',
  'd.last_status_code',
  'd.last_error',
  'd.created_at',
  'd.updated_at',
] as const;

export function webhookQueries(db: Kysely<Database> | Transaction<Database>, dialect: Dialect): WebhookStore {
  return {
    async insertWebhookEndpoint(row) {
      await db.insertInto('webhook_endpoints').values(row).execute();
    },
    async findWebhookEndpoint(id) {
      return (await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async listWebhookEndpoints() {
      return db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
    },
    async updateWebhookEndpoint(id, changes) {
      const result = await db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async deleteWebhookEndpoint(id) {
      // Explicit rather than left to ON DELETE CASCADE, which SQLite applies only with foreign_keys on.
      const deliveries = db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id);
      await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries).execute();
      await db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
      const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listEnabledWebhookSubscriptions() {
      return db.selectFrom('webhook_endpoints').select(['id', 'event_types']).where('enabled', '=', 1).execute();
    },
    async insertWebhookEvent(row) {
      await db.insertInto('webhook_events').values(row).execute();
    },
    async insertWebhookDeliveries(rows) {
      if (rows.length > 0) await db.insertInto('webhook_deliveries').values(rows).execute();
    },
    async claimWebhookDeliveries({ now, limit, leaseMs, owner }) {
      const claimed = await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ lease_owner: owner, lease_until: now + leaseMs, attempts: eb(eb.ref('attempts'), '+', 1), updated_at: now }))
        .where('id', 'in', (eb) => {
          const due = eb
            .selectFrom('webhook_deliveries as c')
            .select('c.id')
            .where('c.status', '=', 'pending')
            .where('c.next_attempt_at', '<=', now)
            .where((w) => w.or([w('c.lease_until', 'is', null), w('c.lease_until', '<=', now)]))
            .where((w) =>
              w.exists(
                w.selectFrom('webhook_endpoints as e').select('e.id').whereRef('e.id', '=', 'c.endpoint_id').where('e.enabled', '=', 1),
              ),
            )
            .orderBy('c.next_attempt_at')
            .orderBy('c.id')
            .limit(limit);
          // Rows another worker is claiming right now are skipped, not waited for.
          return dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
        })
        // Checked again on the row itself: a lease taken since the subquery's snapshot is respected.
        .where('status', '=', 'pending')
        .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
        .returning('id')
        .execute();
      if (claimed.length === 0) return [];
      const rows = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select([
          ...DELIVERY_COLUMNS,
          'ev.type as event_type',
          'ev.payload',
          'e.url',
          'e.secret_sealed',
          'e.previous_secret_sealed',
          'e.previous_secret_until',
        ])
        .where(
          'd.id',
          'in',
          claimed.map((r) => r.id),
        )
        .where('d.lease_owner', '=', owner)
        .orderBy('d.next_attempt_at')
        .orderBy('d.id')
        .execute();
      return rows as ClaimedWebhookDelivery[];
    },
    async finishWebhookDelivery(id, owner, changes) {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ ...changes, lease_owner: null, lease_until: null })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async insertWebhookAttempt(row) {
      await db.insertInto('webhook_attempts').values(row).execute();
    },
    async findWebhookDelivery(id) {
      return (
        (await db
          .selectFrom('webhook_deliveries as d')
          .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
          .select([...DELIVERY_COLUMNS, 'ev.type as event_type'])
          .where('d.id', '=', id)
          .executeTakeFirst()) ?? null
      );
    },
    async listWebhookDeliveries({ endpointId, status, limit }) {
      let query = db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
        .select([...DELIVERY_COLUMNS, 'ev.type as event_type']);
      if (endpointId !== undefined) query = query.where('d.endpoint_id', '=', endpointId);
      if (status !== undefined) query = query.where('d.status', '=', status);
      return query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(limit).execute();
    },
    async listWebhookAttempts(deliveryId) {
      return db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('id').execute();
    },
    async resetWebhookDelivery(id, at) {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', attempts: 0, next_attempt_at: at, lease_owner: null, lease_until: null, updated_at: at })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async findMembershipById(id) {
      return (await db.selectFrom('memberships').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
  };
}
