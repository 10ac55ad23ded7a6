// Migration 0020_refresh_room: on PostgreSQL, client and session pages keep room for the new row
// versions a refresh writes (issue #20). A refresh changes no indexed column of either table, so
// with room on the page its update is a heap-only tuple update: no new entry in any of their indexes
// and one page dirtied, at any number of users. Rows inserted from now on leave it; SQLite has no
// such setting.

import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../types.js';

/** Percent of each page filled by inserts; the rest is left to updates of its rows. */
const REFRESHED_TABLES_FILLFACTOR = 85;

export const m0020RefreshRoom = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    if (dialect !== 'postgres') return;
    for (const table of ['clients', 'sessions']) {
      await sql`ALTER TABLE ${sql.table(table)} SET (fillfactor = ${sql.lit(REFRESHED_TABLES_FILLFACTOR)})`.execute(db);
    }
  },
});
