// The store one refresh runs on: its reads answered from the rows read once after the client was
// locked, its writes held and applied together, so a refresh costs a fixed few round trips.

import type { Store } from '../store/types.js';
import type { RefreshRows, RefreshWrites } from './refresh-store.js';

export interface RefreshBatch {
  store: Store;
  /** Applies the held writes (before commit, and before any call the batch does not answer itself). */
  flush(): Promise<void>;
  /** The writes held so far (for an unlocked batch, to apply by compare and swap). */
  held(): RefreshWrites;
}

/**
 * Thrown by an unlocked batch ({@link batchRefresh} with `locked: false`) where the refresh needs
 * more than the rows read up front or more than one write of a kind: that refresh takes the
 * locking path instead. Nothing has been written when it is thrown.
 */
export const LOCK_NEEDED = Symbol('refresh needs the client lock');

/**
 * Wraps the transaction's store. Reads of the prefetched rows are answered from them (copies) as
 * long as nothing that could change them has run: a held write to the sessions table, or any call
 * the batch passes through. Every passed-through call first applies the held writes, so whatever
 * runs on the database sees them, in the order the refresh made them. Anything not prefetched
 * (a membership that is gone, another user's row) is read from the database as before.
 */
export function batchRefresh(tx: Store, rows: RefreshRows, { locked = true } = {}): RefreshBatch {
  const writes: RefreshWrites = {};
  let held = false;
  let sessionsFresh = true;
  let othersFresh = true;
  const flush = async (): Promise<void> => {
    if (!held) return;
    const batch: RefreshWrites = { ...writes };
    delete writes.retire;
    delete writes.client;
    delete writes.session;
    held = false;
    await tx.applyRefreshWrites(batch);
  };
  const hold = async <K extends keyof RefreshWrites>(key: K, write: RefreshWrites[K]): Promise<void> => {
    if (writes[key] && !locked) throw LOCK_NEEDED;
    if (writes[key]) await flush(); // a second write of one kind: the first goes out first
    writes[key] = write;
    held = true;
  };
  // Every other method applies the held writes first; its wrapper is made on first use.
  const wrappers = new Map<string, unknown>();
  const passThrough = new Proxy(tx, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      let wrapper = wrappers.get(name);
      if (!wrapper) {
        const call = value as (...args: unknown[]) => unknown;
        wrapper = async (...args: unknown[]) => {
          if (!locked) throw LOCK_NEEDED;
          await flush();
          sessionsFresh = false;
          othersFresh = false;
          return call.apply(target, args);
        };
        wrappers.set(name, wrapper);
      }
      return wrapper;
    },
  });
  const answered: Partial<Store> = {
    async retireClientToken(clientId, tokenHash, at, pruneBefore) {
      await hold('retire', { clientId, tokenHash, at, pruneBefore });
    },
    async updateClient(id, changes) {
      await hold('client', { id, changes });
    },
    async updateSession(id, changes) {
      sessionsFresh = false;
      await hold('session', { id, changes });
    },
    async findSession(id) {
      if (sessionsFresh && rows.session?.id === id) return { ...rows.session };
      return passThrough.findSession(id);
    },
    async findUserById(id) {
      if (othersFresh && rows.user?.id === id) return { ...rows.user };
      return passThrough.findUserById(id);
    },
    async findOrganization(idOrSlug) {
      if (othersFresh && rows.organization?.id === idOrSlug) return { ...rows.organization };
      return passThrough.findOrganization(idOrSlug);
    },
    async findMembership(organizationId, userId) {
      const m = rows.membership;
      if (othersFresh && m?.organization_id === organizationId && m.user_id === userId) return { ...m };
      return passThrough.findMembership(organizationId, userId);
    },
    async listFactors(userId, kind) {
      if (othersFresh && rows.factors && rows.session?.user_id === userId) {
        return rows.factors.filter((f) => !kind || f.kind === kind).map((f) => ({ ...f }));
      }
      return passThrough.listFactors(userId, kind);
    },
  };
  const store = new Proxy(passThrough, {
    get: (target, name) =>
      typeof name === 'string' && Object.hasOwn(answered, name) ? answered[name as keyof Store] : Reflect.get(target, name),
  });
  return { store, flush, held: () => ({ ...writes }) };
}
