// The store's queries for metrics: outbox depths and a liveness ping, run only when metrics are scraped.

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/types.js';
import type { OutboxDepth } from './metrics.js';

export interface MetricsStore {
  /** Pending and failed (dead-lettered) rows of the webhook deliveries and the mail outbox. */
  countOutboxes(): Promise<{ webhooks: OutboxDepth; mail: OutboxDepth }>;
  /** A trivial query: resolves when the database answers. */
  ping(): Promise<void>;
}

function depth(rows: { status: string; n: number | string | bigint }[]): OutboxDepth {
  const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { pending: count('pending'), failed: count('failed') };
}

export function metricsQueries(db: Kysely<Database> | Transaction<Database>): MetricsStore {
  return {
    async countOutboxes() {
      // Both tables have an index on (status, …): two small grouped counts.
      const [webhooks, mail] = await Promise.all([
        db
          .selectFrom('webhook_deliveries')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .where('status', 'in', ['pending', 'failed'])
          .groupBy('status')
          .execute(),
        db
          .selectFrom('mail_outbox')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .where('status', 'in', ['pending', 'failed'])
          .groupBy('status')
          .execute(),
      ]);
      return { webhooks: depth(webhooks), mail: depth(mail) };
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
  };
}
