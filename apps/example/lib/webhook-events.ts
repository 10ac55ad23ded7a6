// The webhook events this app received (in the app's database, see app-db.ts): recorded once per webhook-id, listed per organization.

import type { WebhookEvent } from '@gatehouse/nextjs/webhooks';
import { sql } from 'kysely';
import { appDb } from './app-db';

export interface ReceivedEvent {
  id: string;
  type: string;
  subject: string;
  receivedAt: number;
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
export async function recordEvent(id: string, event: WebhookEvent): Promise<void> {
  const { organizationId, userId, subject } = describe(event);
  const db = await appDb();
  await db
    .insertInto('webhook_events')
    .values({
      id,
      // Arrival order among events of the same millisecond (a tie-break for the list, not an identity).
      seq: db.selectFrom('webhook_events').select(sql<number>`COALESCE(MAX(seq), 0) + 1`.as('next')),
      type: event.type,
      organization_id: organizationId,
      user_id: userId,
      subject: subject.slice(0, 200),
      payload: JSON.stringify(event),
      received_at: Date.now(),
    })
    .onConflict((c) => c.column('id').doNothing())
    .execute();
}

/** The newest events about this organization or one of its members. */
export async function listEvents(organizationId: string, memberIds: readonly string[], limit = 100): Promise<ReceivedEvent[]> {
  const rows = await (
    await appDb()
  )
    .selectFrom('webhook_events')
    .select(['id', 'type', 'subject', 'received_at'])
    .where((eb) =>
      memberIds.length > 0
        ? eb.or([eb('organization_id', '=', organizationId), eb('user_id', 'in', memberIds)])
        : eb('organization_id', '=', organizationId),
    )
    .orderBy('received_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, type: r.type, subject: r.subject, receivedAt: Number(r.received_at) }));
}
