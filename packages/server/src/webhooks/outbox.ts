// The webhook outbox: a store whose mutations also write their events (and one delivery per subscribed endpoint) in the same transaction.

import { newId } from '../ids.js';
import type { SessionStatus, Store } from '../store/types.js';
import {
  deletedData,
  invitationData,
  membershipData,
  organizationData,
  roleData,
  sessionData,
  userData,
  type WebhookEventData,
  type WebhookEventType,
} from './events.js';

export interface OutboxOptions {
  now: () => number;
  instanceId: string;
}

const SESSION_EVENTS: Partial<Record<SessionStatus, 'session.ended' | 'session.removed' | 'session.revoked'>> = {
  ended: 'session.ended',
  removed: 'session.removed',
  revoked: 'session.revoked',
};

/** User fields whose change is bookkeeping, not an update anyone subscribes to (every sign-in sets them). */
const QUIET_USER_FIELDS = new Set(['last_sign_in_at', 'updated_at']);

function subscribed(eventTypes: string, type: string): boolean {
  try {
    const types: unknown = JSON.parse(eventTypes);
    return !Array.isArray(types) || types.length === 0 || types.includes(type);
  } catch {
    return false;
  }
}

/**
 * Writes one event to the outbox inside `tx`, with a pending delivery for every enabled endpoint
 * subscribed to its type. Nothing is written when no endpoint wants it. Because it runs in the
 * transaction of the change, the event exists exactly when the change does: a crash before the
 * commit loses both, a crash after it loses neither (the worker finds the delivery on the next poll).
 */
export async function writeEvent<T extends WebhookEventType>(
  tx: Store,
  options: OutboxOptions,
  type: T,
  data: WebhookEventData[T],
): Promise<void> {
  const endpoints = (await tx.listEnabledWebhookSubscriptions()).filter((e) => subscribed(e.event_types, type));
  if (endpoints.length === 0) return;
  const at = options.now();
  const id = newId('msg');
  await tx.insertWebhookEvent({
    id,
    type,
    payload: JSON.stringify({ data, object: 'event', type, timestamp: at, instance_id: options.instanceId }),
    created_at: at,
  });
  await tx.insertWebhookDeliveries(
    endpoints.map((endpoint) => ({
      id: newId('whd'),
      event_id: id,
      endpoint_id: endpoint.id,
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: at,
      lease_owner: null,
      lease_until: null,
      last_status_code: null,
      last_error: null,
      created_at: at,
      updated_at: at,
    })),
  );
}

/**
 * The store with the outbox built in. Each mutation that is an event (a user created or changed, a
 * session created or ended, an org, membership, invitation or role change) runs with its event in
 * one transaction: the caller's when it has one (transactions join), else a new one. Every use case
 * gets this for free, including ones written later against the same store methods.
 */
export function withWebhookOutbox(inner: Store, options: OutboxOptions): Store {
  const wrap = (s: Store): Store => {
    const emit = <T extends WebhookEventType>(tx: Store, type: T, data: WebhookEventData[T]) => writeEvent(tx, options, type, data);
    const sessionsEnded = async (tx: Store, ids: readonly string[], status: SessionStatus) => {
      const type = SESSION_EVENTS[status];
      if (!type) return;
      for (const id of ids) {
        const row = await tx.findSession(id);
        if (row) await emit(tx, type, sessionData(row));
      }
    };
    const membershipEvent = async (tx: Store, type: 'organizationMembership.created' | 'organizationMembership.updated', id: string) => {
      const row = await tx.findMembershipById(id);
      if (!row) return;
      const [org, user] = await Promise.all([tx.findOrganization(row.organization_id), tx.findUserById(row.user_id)]);
      await emit(tx, type, membershipData(row, org, user));
    };
    return {
      ...s,
      insertUser: (row) =>
        s.transaction(async (tx) => {
          await tx.insertUser(row);
          const user = await tx.findUserById(row.id);
          if (user) await emit(tx, 'user.created', userData(user));
        }),
      updateUser: async (id, changes) => {
        // Sign-in bookkeeping alone is no event: no transaction, no extra read on the hot path.
        if (Object.keys(changes).every((key) => QUIET_USER_FIELDS.has(key))) return s.updateUser(id, changes);
        return s.transaction(async (tx) => {
          await tx.updateUser(id, changes);
          const user = await tx.findUserById(id);
          if (user) await emit(tx, 'user.updated', userData(user));
        });
      },
      insertSession: (row) =>
        s.transaction(async (tx) => {
          await tx.insertSession(row);
          const session = await tx.findSession(row.id);
          if (session) await emit(tx, 'session.created', sessionData(session));
        }),
      updateSession: async (id, changes) => {
        // Activity updates (every refresh) carry no status: they pass straight through.
        const type = changes.status === undefined ? undefined : SESSION_EVENTS[changes.status];
        if (!type) return s.updateSession(id, changes);
        return s.transaction(async (tx) => {
          const before = await tx.findSession(id);
          await tx.updateSession(id, changes);
          if (before && before.status !== changes.status) await sessionsEnded(tx, [id], changes.status as SessionStatus);
        });
      },
      endLiveSessionsOfClient: (clientId, status, at) =>
        s.transaction(async (tx) => {
          const ids = await tx.endLiveSessionsOfClient(clientId, status, at);
          await sessionsEnded(tx, ids, status);
          return ids;
        }),
      endLiveSessions: (ids, status, at) =>
        ids.length === 0
          ? s.endLiveSessions(ids, status, at)
          : s.transaction(async (tx) => {
              const ended = await tx.endLiveSessions(ids, status, at);
              await sessionsEnded(tx, ended, status);
              return ended;
            }),
      insertOrganization: (row) =>
        s.transaction(async (tx) => {
          await tx.insertOrganization(row);
          const org = await tx.findOrganization(row.id);
          if (org) await emit(tx, 'organization.created', organizationData(org));
        }),
      updateOrganization: (id, changes) =>
        s.transaction(async (tx) => {
          await tx.updateOrganization(id, changes);
          const org = await tx.findOrganization(id);
          if (org) await emit(tx, 'organization.updated', organizationData(org));
        }),
      deleteOrganization: (id) =>
        s.transaction(async (tx) => {
          const org = await tx.findOrganization(id);
          await tx.deleteOrganization(id);
          if (org) await emit(tx, 'organization.deleted', deletedData('organization', org.id, { slug: org.slug }));
        }),
      insertMembership: (row) =>
        s.transaction(async (tx) => {
          await tx.insertMembership(row);
          await membershipEvent(tx, 'organizationMembership.created', row.id);
        }),
      updateMembership: (id, changes) =>
        s.transaction(async (tx) => {
          await tx.updateMembership(id, changes);
          await membershipEvent(tx, 'organizationMembership.updated', id);
        }),
      deleteMembership: (id) =>
        s.transaction(async (tx) => {
          const row = await tx.findMembershipById(id);
          const [org, user] = row
            ? await Promise.all([tx.findOrganization(row.organization_id), tx.findUserById(row.user_id)])
            : [null, null];
          await tx.deleteMembership(id);
          if (row) await emit(tx, 'organizationMembership.deleted', membershipData(row, org, user));
        }),
      insertInvitation: (row) =>
        s.transaction(async (tx) => {
          await tx.insertInvitation(row);
          const invitation = await tx.findInvitation(row.id);
          if (invitation) await emit(tx, 'organizationInvitation.created', invitationData(invitation));
        }),
      settleInvitation: (id, status, at) =>
        s.transaction(async (tx) => {
          const settled = await tx.settleInvitation(id, status, at);
          const type =
            status === 'accepted' ? 'organizationInvitation.accepted' : status === 'revoked' ? 'organizationInvitation.revoked' : null;
          const invitation = settled && type ? await tx.findInvitation(id) : null;
          if (invitation && type) await emit(tx, type, invitationData(invitation));
          return settled;
        }),
      saveRole: (row) =>
        s.transaction(async (tx) => {
          const existed = (await tx.listRoles()).some((r) => r.key === row.key);
          await tx.saveRole(row);
          const saved = (await tx.listRoles()).find((r) => r.key === row.key);
          if (saved) await emit(tx, existed ? 'role.updated' : 'role.created', roleData(saved));
        }),
      deleteRole: (key) =>
        s.transaction(async (tx) => {
          const existed = (await tx.listRoles()).some((r) => r.key === key);
          await tx.deleteRole(key);
          if (existed) await emit(tx, 'role.deleted', deletedData('role', key, { key }));
        }),
      transaction: (fn) => s.transaction((tx) => fn(wrap(tx))),
    };
  };
  return wrap(inner);
}
