// The webhook outbox: a store whose mutations also write their events (and one delivery per subscribed endpoint) in the same transaction.

import { newId } from '../store/ids.js';
import type { SessionStatus } from '../sessions/session-store.js';
import type { Store } from '../store/types.js';
import {
  deletedData,
  invitationData,
  membershipData,
  organizationData,
  roleData,
  sessionData,
  stringList,
  userData,
  type WebhookEventData,
  type WebhookEventType,
} from './events.js';
import { factorEvent } from './factor-events.js';

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

/** An empty list subscribes to every event; an unreadable one to none (fail closed). */
function subscribed(eventTypes: string, type: string): boolean {
  const types = stringList(eventTypes);
  return types !== null && (types.length === 0 || types.includes(type));
}

/** The enabled endpoints subscribed to `type`. */
async function subscribers(tx: Store, type: WebhookEventType): Promise<{ id: string }[]> {
  return (await tx.listEnabledWebhookSubscriptions()).filter((e) => subscribed(e.event_types, type));
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
  load: () => Promise<WebhookEventData[T] | null>,
): Promise<void> {
  const endpoints = await subscribers(tx, type);
  if (endpoints.length === 0) return;
  // Read only when someone listens: without endpoints a change costs one small query more, no row reads.
  const data = await load();
  if (data === null) return;
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
    const emit = <T extends WebhookEventType>(tx: Store, type: T, load: () => Promise<WebhookEventData[T] | null>) =>
      writeEvent(tx, options, type, load);
    const wanted = async (tx: Store, type: WebhookEventType) => (await subscribers(tx, type)).length > 0;
    const session = (tx: Store, id: string) => async () => {
      const row = await tx.findSession(id);
      return row ? sessionData(row) : null;
    };
    const sessionsEnded = async (tx: Store, ids: readonly string[], status: SessionStatus) => {
      const type = SESSION_EVENTS[status];
      if (type) for (const id of ids) await emit(tx, type, session(tx, id));
    };
    const membership = (tx: Store, id: string) => async () => {
      const row = await tx.findMembershipById(id);
      if (!row) return null;
      const [org, user] = await Promise.all([tx.findOrganization(row.organization_id), tx.findUserById(row.user_id)]);
      return membershipData(row, org, user);
    };
    const organization = (tx: Store, id: string) => async () => {
      const row = await tx.findOrganization(id);
      return row ? organizationData(row) : null;
    };
    const user = (tx: Store, id: string) => async () => {
      const row = await tx.findUserById(id);
      return row ? userData(row) : null;
    };
    const invitation = (tx: Store, id: string) => async () => {
      const row = await tx.findInvitation(id);
      return row ? invitationData(row) : null;
    };
    const role = (tx: Store, key: string) => async () => {
      const row = (await tx.listRoles()).find((r) => r.key === key);
      return row ? roleData(row) : null;
    };
    return overlay(s, {
      insertUser: (row) =>
        s.transaction(async (tx) => {
          await tx.insertUser(row);
          await emit(tx, 'user.created', user(tx, row.id));
        }),
      updateUser: async (id, changes) => {
        // Sign-in bookkeeping alone is no event: no transaction, no extra query on the hot path.
        if (Object.keys(changes).every((key) => QUIET_USER_FIELDS.has(key))) return s.updateUser(id, changes);
        return s.transaction(async (tx) => {
          await tx.updateUser(id, changes);
          await emit(tx, 'user.updated', user(tx, id));
        });
      },
      deleteUser: (id, keepRevokedSince) =>
        s.transaction(async (tx) => {
          const existed = (await wanted(tx, 'user.deleted')) && (await tx.findUserById(id)) !== null;
          await tx.deleteUser(id, keepRevokedSince);
          if (existed) await emit(tx, 'user.deleted', async () => deletedData('user', id));
        }),
      insertSession: (row) =>
        s.transaction(async (tx) => {
          await tx.insertSession(row);
          await emit(tx, 'session.created', session(tx, row.id));
        }),
      updateSession: async (id, changes) => {
        // Activity updates (every refresh) carry no status: they pass straight through.
        const type = changes.status === undefined ? undefined : SESSION_EVENTS[changes.status];
        if (!type) return s.updateSession(id, changes);
        return s.transaction(async (tx) => {
          const before = await tx.findSession(id);
          await tx.updateSession(id, changes);
          if (before && before.status !== changes.status) await emit(tx, type, session(tx, id));
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
          await emit(tx, 'organization.created', organization(tx, row.id));
        }),
      updateOrganization: (id, changes) =>
        s.transaction(async (tx) => {
          await tx.updateOrganization(id, changes);
          await emit(tx, 'organization.updated', organization(tx, id));
        }),
      deleteOrganization: (id) =>
        s.transaction(async (tx) => {
          const org = (await wanted(tx, 'organization.deleted')) ? await tx.findOrganization(id) : null;
          await tx.deleteOrganization(id);
          if (org) await emit(tx, 'organization.deleted', async () => deletedData('organization', org.id, { slug: org.slug }));
        }),
      insertMembership: (row) =>
        s.transaction(async (tx) => {
          await tx.insertMembership(row);
          await emit(tx, 'organizationMembership.created', membership(tx, row.id));
        }),
      updateMembership: (id, changes) =>
        s.transaction(async (tx) => {
          await tx.updateMembership(id, changes);
          await emit(tx, 'organizationMembership.updated', membership(tx, id));
        }),
      deleteMembership: (id) =>
        s.transaction(async (tx) => {
          // Read before the row goes (only when someone listens).
          const data = (await wanted(tx, 'organizationMembership.deleted')) ? await membership(tx, id)() : null;
          await tx.deleteMembership(id);
          if (data) await emit(tx, 'organizationMembership.deleted', async () => data);
        }),
      insertInvitation: (row) =>
        s.transaction(async (tx) => {
          await tx.insertInvitation(row);
          await emit(tx, 'organizationInvitation.created', invitation(tx, row.id));
        }),
      settleInvitation: (id, status, at) =>
        s.transaction(async (tx) => {
          const settled = await tx.settleInvitation(id, status, at);
          if (settled && status === 'accepted') await emit(tx, 'organizationInvitation.accepted', invitation(tx, id));
          if (settled && status === 'revoked') await emit(tx, 'organizationInvitation.revoked', invitation(tx, id));
          return settled;
        }),
      saveRole: (row) =>
        s.transaction(async (tx) => {
          const existed = (await tx.listRoles()).some((r) => r.key === row.key);
          await tx.saveRole(row);
          await emit(tx, existed ? 'role.updated' : 'role.created', role(tx, row.key));
        }),
      deleteRole: (key) =>
        s.transaction(async (tx) => {
          const existed = (await tx.listRoles()).some((r) => r.key === key);
          await tx.deleteRole(key);
          if (existed) await emit(tx, 'role.deleted', async () => deletedData('role', key, { key }));
        }),
      // Factor enrolment, removal and failed verifications are audited; the same rows are events.
      appendAudit: (row) => {
        const event = factorEvent(row);
        if (!event) return s.appendAudit(row);
        return s.transaction(async (tx) => {
          await tx.appendAudit(row);
          await emit(tx, event.type, async () => event.data);
        });
      },
      transaction: (fn) => s.transaction((tx) => fn(wrap(tx))),
    });
  };
  return wrap(inner);
}

/**
 * `store` with `own` in place of some of its methods. A view, not a copy: copying a transaction's
 * store would read every method of it, and the transaction builds a feature's queries only when
 * one of them is first used (a refresh would pay for all of them).
 */
function overlay(store: Store, own: Partial<Store>): Store {
  const has = (name: string | symbol): boolean => Object.hasOwn(own, name) || name in store;
  const member = (name: string | symbol): unknown => (Object.hasOwn(own, name) ? own[name as keyof Store] : Reflect.get(store, name));
  return new Proxy({} as Store, {
    get: (_, name) => member(name),
    has: (_, name) => has(name),
    ownKeys: () => [...new Set([...Reflect.ownKeys(store), ...Reflect.ownKeys(own)])],
    getOwnPropertyDescriptor: (_, name) =>
      has(name) ? { value: member(name), enumerable: true, configurable: true, writable: false } : undefined,
  });
}
