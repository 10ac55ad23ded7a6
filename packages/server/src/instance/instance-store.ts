// The instance table (settings and instance-wide values) and its queries (one implementation for every dialect).

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/types.js';

export interface InstanceTable {
  key: string;
  value: string;
}

/** The tables of this feature in the store's database type. */
export interface InstanceDatabase {
  instance: InstanceTable;
}

/** What the instance settings ask of a database. */
export interface InstanceStore {
  getInstanceValue(key: string): Promise<string | null>;
  setInstanceValue(key: string, value: string): Promise<void>;
  /**
   * Stores `value` unless the key already has one; returns the value stored. Of two processes
   * starting at once, both end up with the first one's value.
   */
  initInstanceValue(key: string, value: string): Promise<string>;
}

export function instanceQueries(db: Kysely<Database> | Transaction<Database>): InstanceStore {
  const queries: InstanceStore = {
    async getInstanceValue(key) {
      const row = await db.selectFrom('instance').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value ?? null;
    },
    async setInstanceValue(key, value) {
      await db
        .insertInto('instance')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
    async initInstanceValue(key, value) {
      await db
        .insertInto('instance')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      return (await queries.getInstanceValue(key)) ?? value;
    },
  };
  return queries;
}
