// Which audit actions of the factor service are also webhook events, and their payload.

import type { Insertable } from 'kysely';
import type { AuditEventsTable } from '../audit/audit-store.js';
import type { FactorEventJSON, WebhookEventType } from './events.js';

type FactorEventType = Extract<WebhookEventType, `factor.${string}`>;

/** Audit action → [event type, factor kind]. */
const FACTOR_EVENTS: Record<string, [FactorEventType, string]> = {
  'factor.totp.enrolled': ['factor.created', 'totp'],
  'factor.passkey.registered': ['factor.created', 'passkey'],
  'factor.totp.removed': ['factor.deleted', 'totp'],
  'factor.passkey.removed': ['factor.deleted', 'passkey'],
  'factor.reset': ['factor.deleted', 'all'],
  'factor.totp.confirm_failed': ['factor.verification_failed', 'totp'],
  'sign_in.second_factor_failed': ['factor.verification_failed', 'second_factor'],
  'sign_in.second_factor_locked': ['factor.verification_failed', 'second_factor'],
  'sign_in.passkey_failed': ['factor.verification_failed', 'passkey'],
  'session.reverification_failed': ['factor.verification_failed', 'reverification'],
};

/** The event an audit row stands for, or null when it is none. */
export function factorEvent(row: Insertable<AuditEventsTable>): { type: FactorEventType; data: FactorEventJSON } | null {
  const found = Object.hasOwn(FACTOR_EVENTS, row.action) ? FACTOR_EVENTS[row.action] : undefined;
  if (!found) return null;
  let data: { user?: unknown; strategy?: unknown } = {};
  try {
    data = JSON.parse(String(row.data ?? '{}')) as typeof data;
  } catch {
    /* an unreadable data column names no user */
  }
  const userId = typeof data.user === 'string' ? data.user : String(row.subject_id ?? '');
  const subject = row.subject_id ?? null;
  return {
    type: found[0],
    data: {
      object: 'factor_event',
      user_id: userId,
      factor_id: subject !== null && subject !== userId && !subject.startsWith('sess_') ? subject : null,
      kind: typeof data.strategy === 'string' ? data.strategy : found[1],
      action: row.action,
      created_at: Number(row.at),
    },
  };
}
