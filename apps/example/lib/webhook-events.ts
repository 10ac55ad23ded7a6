// The webhook events this app received (in its app.db): recorded once per webhook-id, listed per organization.

import type { WebhookEvent } from '@gatehouse/nextjs/webhooks';
import { db } from './projects';

export interface ReceivedEvent {
  id: string;
  type: string;
  subject: string;
  receivedAt: number;
}

let ready = false;
function table() {
  const database = db();
  if (!ready) {
    database.exec(`CREATE TABLE IF NOT EXISTS webhook_events (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      organization_id TEXT,
      user_id TEXT,
      subject TEXT NOT NULL,
      payload TEXT NOT NULL,
      received_at INTEGER NOT NULL
    ); CREATE INDEX IF NOT EXISTS webhook_events_org ON webhook_events (organization_id, received_at);
    CREATE INDEX IF NOT EXISTS webhook_events_user ON webhook_events (user_id, received_at);`);
    ready = true;
  }
  return database;
}

/** Which organization and which user an event is about, and a line describing it. */
function describe(event: WebhookEvent): { organizationId: string | null; userId: string | null; subject: string } {
  switch (event.type) {
    case 'user.created':
    case 'user.updated':
      return { organizationId: null, userId: event.data.id, subject: event.data.email_addresses[0]?.email_address ?? event.data.id };
    case 'session.created':
    case 'session.ended':
    case 'session.removed':
    case 'session.revoked':
      return { organizationId: null, userId: event.data.user_id, subject: `session ${event.data.id}` };
    case 'organization.created':
    case 'organization.updated':
      return { organizationId: event.data.id, userId: null, subject: event.data.name };
    case 'organizationMembership.created':
    case 'organizationMembership.updated':
    case 'organizationMembership.deleted':
      return {
        organizationId: event.data.organization.id,
        userId: event.data.public_user_data.user_id,
        subject: `${event.data.public_user_data.identifier ?? event.data.public_user_data.user_id} as ${event.data.role}`,
      };
    case 'organizationInvitation.created':
    case 'organizationInvitation.accepted':
    case 'organizationInvitation.revoked':
      return { organizationId: event.data.organization_id, userId: null, subject: `${event.data.email_address} as ${event.data.role}` };
    case 'factor.created':
    case 'factor.deleted':
    case 'factor.verification_failed':
      return { organizationId: null, userId: event.data.user_id, subject: `${event.data.kind} (${event.data.action})` };
    default:
      return { organizationId: null, userId: null, subject: event.data.id };
  }
}

/** Records a verified event; a retry of one already recorded (same webhook-id) changes nothing. */
export function recordEvent(id: string, event: WebhookEvent): void {
  const { organizationId, userId, subject } = describe(event);
  table()
    .prepare(
      'INSERT OR IGNORE INTO webhook_events (id, type, organization_id, user_id, subject, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(id, event.type, organizationId, userId, subject.slice(0, 200), JSON.stringify(event), Date.now());
}

/** The newest events about this organization or one of its members. */
export function listEvents(organizationId: string, memberIds: readonly string[], limit = 100): ReceivedEvent[] {
  const placeholders = memberIds.map(() => '?').join(', ');
  const rows = table()
    .prepare(
      `SELECT id, type, subject, received_at FROM webhook_events
       WHERE organization_id = ?${memberIds.length > 0 ? ` OR user_id IN (${placeholders})` : ''}
       ORDER BY received_at DESC, rowid DESC LIMIT ?`,
    )
    .all(organizationId, ...memberIds, limit) as { id: string; type: string; subject: string; received_at: number }[];
  return rows.map((r) => ({ id: r.id, type: r.type, subject: r.subject, receivedAt: r.received_at }));
}
