// Counts for the dashboard's overview (live sessions, audit events per day), one implementation for every dialect.

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/types.js';

const DAY_MS = 86_400_000;

export interface StatsStore {
  /** Sessions that are active or pending and not yet expired at `now`. */
  countLiveSessions(now: number): Promise<number>;
  /**
   * How many audit events of each action happened per UTC day since `since` (a day's start, ms):
   * one row per action and day that has any, `day` as days since 1970-01-01.
   */
  countAuditEventsByDay(actions: readonly string[], since: number): Promise<{ action: string; day: number; count: number }[]>;
}

export function statsQueries(db: Kysely<Database> | Transaction<Database>): StatsStore {
  return {
    async countLiveSessions(now) {
      const row = await db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', 'in', ['active', 'pending'])
        .where('expire_at', '>', now)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async countAuditEventsByDay(actions, since) {
      if (actions.length === 0) return [];
      // `at` is a bigint of milliseconds in both dialects: integer division gives the UTC day.
      const day = sql<number>`(${sql.ref('at')} / ${sql.lit(DAY_MS)})`;
      const rows = await db
        .selectFrom('audit_events')
        .select((eb) => ['action', day.as('day'), eb.fn.countAll().as('n')])
        .where('action', 'in', [...actions])
        .where('at', '>=', since)
        .groupBy(['action', day])
        .execute();
      return rows.map((r) => ({ action: String(r.action), day: Number(r.day), count: Number(r.n) }));
    },
  };
}
