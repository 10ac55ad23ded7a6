// The webhook tables' queries (endpoints, outbox, deliveries, attempts), one implementation for every dialect.

import type { Kysely, Transaction } from 'kysely';
import type { ClaimedWebhookDelivery, Database, Dialect, WebhookStore } from './types.js';

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
