// The audit log table and its queries (one implementation for every dialect).

import { sql, type Generated, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../store/types.js';
import { withImpersonator } from './acting-as.js';

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  action: string;
  actor_id: string | null;
  subject_id: string | null;
  ip: string | null;
  user_agent: string | null;
  data: string;
  /** The organization the event concerns; derived on append from the subject or `data.organization` when left out. */
  organization_id?: string | null;
}

export type AuditEventRow = Selectable<AuditEventsTable>;

/** What the audit log can be searched by; every field given must match. */
export interface AuditFilter {
  actorId?: string | undefined;
  /** An exact action (`session.revoked`) or a prefix ending in `.` (`session.`). */
  action?: string | undefined;
  subjectId?: string | undefined;
  organizationId?: string | undefined;
  /** Milliseconds since the epoch, inclusive. */
  since?: number | undefined;
  /** Milliseconds since the epoch, exclusive. */
  until?: number | undefined;
  /** Only rows with a smaller id (the rows after the previous page). */
  beforeId?: number | undefined;
  limit: number;
}

/** The tables of this feature in the store's database type. */
export interface AuditDatabase {
  audit_events: AuditEventsTable;
}

/** What the audit log asks of a database. */
export interface AuditStore {
  appendAudit(row: Insertable<AuditEventsTable>): Promise<void>;
  listAudit(filter?: { action?: string; subjectId?: string; limit?: number }): Promise<AuditEventRow[]>;
  /** Audit rows matching every given filter, newest first, with ids below `beforeId` (the cursor). */
  queryAudit(filter: AuditFilter): Promise<AuditEventRow[]>;
}

/**
 * The organization an audit row concerns, so the log can be filtered by organization without every
 * use case naming it: the subject when it is an organization, else `data.organization`.
 */
function auditOrganization(subjectId: string | null, data: string | undefined): string | null {
  if (subjectId?.startsWith('org_')) return subjectId;
  if (!data?.includes('"organization"')) return null;
  try {
    const value = (JSON.parse(data) as { organization?: unknown }).organization;
    return typeof value === 'string' && value.startsWith('org_') ? value : null;
  } catch {
    return null;
  }
}

/** The row {@link AuditStore.appendAudit} writes for `row`: its impersonator and organization filled in. */
export function auditRow(row: Insertable<AuditEventsTable>): Insertable<AuditEventsTable> {
  return {
    ...row,
    // Under impersonation the row names the admin too (data.act.sub), whichever use case wrote it.
    data: withImpersonator(row.data) ?? '{}',
    organization_id: row.organization_id ?? auditOrganization(row.subject_id ?? null, row.data),
  };
}

export function auditQueries(db: Kysely<Database> | Transaction<Database>): AuditStore {
  return {
    async appendAudit(row) {
      await db.insertInto('audit_events').values(auditRow(row)).execute();
    },
    async listAudit(filter = {}) {
      let query = db.selectFrom('audit_events').selectAll();
      if (filter.action) query = query.where('action', '=', filter.action);
      if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
      return query
        .orderBy('id', 'desc')
        .limit(Math.min(filter.limit ?? 100, 1000))
        .execute();
    },
    async queryAudit(filter) {
      let query = db.selectFrom('audit_events').selectAll();
      if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
      if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId);
      if (filter.organizationId !== undefined) query = query.where('organization_id', '=', filter.organizationId);
      if (filter.action !== undefined) {
        // A prefix (`session.`) matches every action of that family; LIKE wildcards in it are escaped.
        query = filter.action.endsWith('.')
          ? query.where(sql<boolean>`action like ${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`) + '%'} escape '\\'`)
          : query.where('action', '=', filter.action);
      }
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
      if (filter.until !== undefined) query = query.where('at', '<', filter.until);
      if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
      return query.orderBy('id', 'desc').limit(filter.limit).execute();
    },
  };
}
