// Migration 0013_import: what `gatehouse import` remembers, so a second run changes nothing and an interrupted one resumes.

import type { Kysely, Migration } from 'kysely';

export const m0013Import = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    // One row per imported record: where it came from, what it became, and a fingerprint of the
    // source data (a re-run skips rows whose fingerprint is unchanged, and updates the others).
    await db.schema
      .createTable('import_records')
      .addColumn('source', 'varchar(32)', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('source_id', 'varchar(191)', (c) => c.notNull())
      .addColumn('target_id', 'varchar(191)', (c) => c.notNull())
      .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
      // JSON array: `password_reset_required`, `totp_skipped`, …
      .addColumn('flags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('run_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('imported_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('import_records_pk', ['source', 'kind', 'source_id'])
      .execute();
    await db.schema
      .createTable('import_runs')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('source', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      // JSON: the counts of the run's report (never a digest or a secret).
      .addColumn('summary', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
  },
});
