// Migration 0005_audit_queries.

import type { Kysely, Migration } from 'kysely';

export const m0005AuditQueries = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    // The audit log is queried by actor, target, organization and time (the admin API, the CLI, the dashboard).
    await db.schema.alterTable('audit_events').addColumn('organization_id', 'varchar(64)').execute();
    await db.schema.createIndex('audit_events_at_idx').on('audit_events').column('at').execute();
    await db.schema.createIndex('audit_events_actor_idx').on('audit_events').columns(['actor_id', 'id']).execute();
    await db.schema.createIndex('audit_events_subject_idx').on('audit_events').columns(['subject_id', 'id']).execute();
    await db.schema.createIndex('audit_events_org_idx').on('audit_events').columns(['organization_id', 'id']).execute();
  },
});
