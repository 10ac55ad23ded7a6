// The audit log read side: filtered queries with cursor pagination, and export as JSON Lines or CSV.

import { GatehouseError } from '@gatehouse/core';
import { z } from 'zod';
import type { AuditEventRow } from './audit-store.js';
import type { Store } from '../store/types.js';

/** One audit event: who did what to which target, when, and from where. */
export interface AuditEvent {
  /** Increasing with the order events were written. */
  id: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** `session.revoked`, `sign_in.failed`, `role.updated`, … */
  action: string;
  /** The user who acted; null for server code, the CLI, or nobody signed in. */
  actorId: string | null;
  /** What the event is about (a session, user, organization, membership, key, …). */
  targetId: string | null;
  organizationId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, unknown>;
}

export const MAX_AUDIT_PAGE = 1000;

const ID = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_:.-]+$/, 'Not an id');
const TIME = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .max(40)
    .transform((value, ctx) => {
      const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (!Number.isFinite(ms)) {
        ctx.addIssue({ code: 'custom', message: 'Use milliseconds since the epoch or an ISO 8601 time' });
        return z.NEVER;
      }
      return ms;
    }),
]);

/** The filters of an audit query; the same schema validates the admin API, the backend API and the CLI. */
export const AuditQuery = z
  .object({
    actorId: ID.optional(),
    /** An exact action, or a family ending in `.` (`session.`). */
    action: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.]+$/, 'Not an action')
      .optional(),
    targetId: ID.optional(),
    organizationId: ID.optional(),
    /** Inclusive. */
    since: TIME.optional(),
    /** Exclusive. */
    until: TIME.optional(),
    /** `nextCursor` of the previous page. */
    cursor: z
      .string()
      .max(20)
      .regex(/^[1-9]\d{0,15}$/, 'Not a cursor')
      .optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).optional(),
  })
  .strict();
export type AuditQueryInput = z.input<typeof AuditQuery>;

export interface AuditPage {
  events: AuditEvent[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface AuditLog {
  /**
   * Events matching every given filter, newest first, `limit` (default 100, at most 1000) at a time.
   * @throws GatehouseError `bad_request` for an invalid filter
   */
  query(filter?: AuditQueryInput): Promise<AuditPage>;
  /**
   * Every event matching the filters (newest first) as JSON Lines or CSV, one page at a time.
   * @throws GatehouseError `bad_request` for an invalid filter
   */
  export(filter: AuditQueryInput, format: 'jsonl' | 'csv'): AsyncGenerator<string>;
}

function toEvent(row: AuditEventRow): AuditEvent {
  let data: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(row.data);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) data = value as Record<string, unknown>;
  } catch {
    // unreadable data is shown empty rather than failing the whole page
  }
  return {
    id: String(row.id),
    at: Number(row.at),
    action: row.action,
    actorId: row.actor_id,
    targetId: row.subject_id,
    organizationId: row.organization_id ?? null,
    ip: row.ip,
    userAgent: row.user_agent,
    data,
  };
}

function parseQuery(filter: AuditQueryInput): z.output<typeof AuditQuery> {
  const parsed = AuditQuery.safeParse(filter);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || 'filter'}: ${i.message}`)
      .join('; ');
    throw new GatehouseError('bad_request', `The audit filter is invalid (${detail}).`);
  }
  return parsed.data;
}

export const AUDIT_CSV_COLUMNS = ['id', 'at', 'action', 'actorId', 'targetId', 'organizationId', 'ip', 'userAgent', 'data'] as const;

/**
 * One CSV cell. Quoted always; a value a spreadsheet would run as a formula (starting with `=`, `+`,
 * `-`, `@`, tab or carriage return) gets a leading `'`, so an attacker-chosen user agent or email
 * in the log cannot become a formula in the operator's spreadsheet (CSV injection).
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

function csvLine(event: AuditEvent): string {
  const cells = { ...event, at: new Date(event.at).toISOString() };
  return AUDIT_CSV_COLUMNS.map((column) => csvCell(cells[column])).join(',') + '\r\n';
}

export function createAuditLog(deps: { store: Store }): AuditLog {
  const { store } = deps;

  async function page(filter: z.output<typeof AuditQuery>): Promise<AuditPage> {
    const limit = filter.limit ?? 100;
    // One extra row says whether there is another page, without a count query.
    const rows = await store.queryAudit({
      actorId: filter.actorId,
      action: filter.action,
      subjectId: filter.targetId,
      organizationId: filter.organizationId,
      since: filter.since,
      until: filter.until,
      beforeId: filter.cursor === undefined ? undefined : Number(filter.cursor),
      limit: limit + 1,
    });
    const events = rows.slice(0, limit).map(toEvent);
    return { events, nextCursor: rows.length > limit ? (events.at(-1)?.id ?? null) : null };
  }

  return {
    query: async (filter = {}) => page(parseQuery(filter)),
    async *export(filter, format) {
      const parsed = parseQuery(filter);
      if (format === 'csv') yield AUDIT_CSV_COLUMNS.map((c) => csvCell(c)).join(',') + '\r\n';
      let cursor = parsed.cursor;
      for (;;) {
        const result = await page({ ...parsed, cursor, limit: MAX_AUDIT_PAGE });
        for (const event of result.events) yield format === 'csv' ? csvLine(event) : JSON.stringify(event) + '\n';
        if (!result.nextCursor) return;
        cursor = result.nextCursor;
      }
    },
  };
}
