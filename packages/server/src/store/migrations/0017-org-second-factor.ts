// Migration 0017_org_second_factor: an organization can require a second factor from the members acting in it (issue #18).

import type { Kysely, Migration } from 'kysely';

export const m0017OrgSecondFactor = (): Migration => ({
  async up(db: Kysely<unknown>) {
    // 0 or 1, as `users.banned`: the same integer on SQLite and PostgreSQL.
    await db.schema
      .alterTable('organizations')
      .addColumn('second_factor_required', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
});
