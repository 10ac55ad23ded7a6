// The tables of API keys and machine identities, and their queries (one implementation for every dialect).

import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../store/types.js';

export interface ApiKeysTable {
  /** `ak_…` (26 base32 characters; the secret is longer and never stored). */
  id: string;
  /** SHA-256 (hex) of the secret. */
  secret_hash: string;
  name: string;
  description: string | null;
  /** The owner: `user_…` or `org_…`. */
  subject: string;
  /** JSON array of scope strings. */
  scopes: string;
  /** JSON object of custom claims, or null. */
  claims: string | null;
  /** The user who created it; null for server code. */
  created_by: string | null;
  expires_at: number | null;
  revoked: number;
  revocation_reason: string | null;
  /** Written lazily, in batches: at most a flush interval behind. */
  last_used_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface MachinesTable {
  /** `mch_…`. */
  id: string;
  name: string;
  /** SHA-256 (hex) of the `msk_…` secret. */
  secret_hash: string;
  /** JSON array of the machine ids this machine may call. */
  scopes: string;
  /** Lifetime of the tokens the token endpoint issues, seconds. */
  default_token_ttl: number;
  created_at: number;
  updated_at: number;
}

/** The machines feature's tables in the store's database type. */
export interface MachinesDatabase {
  api_keys: ApiKeysTable;
  machines: MachinesTable;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type MachineRow = Selectable<MachinesTable>;

/** What the machines feature asks of a database. */
export interface MachineStore {
  insertApiKey(row: Insertable<ApiKeysTable>): Promise<void>;
  findApiKey(id: string): Promise<ApiKeyRow | null>;
  findApiKeyBySecretHash(hash: string): Promise<ApiKeyRow | null>;
  /** A subject's keys (revoked ones only with `includeRevoked`), newest first. */
  listApiKeys(filter: { subject?: string; includeRevoked?: boolean; limit: number; offset: number }): Promise<ApiKeyRow[]>;
  /** Marks a live key revoked; false when it was already revoked or does not exist. */
  revokeApiKey(id: string, reason: string | null, at: number): Promise<boolean>;
  /** Records last-used times (a batch collected since the previous flush). */
  touchApiKeys(uses: ReadonlyMap<string, number>): Promise<void>;
  insertMachine(row: Insertable<MachinesTable>): Promise<void>;
  findMachine(id: string): Promise<MachineRow | null>;
  findMachineBySecretHash(hash: string): Promise<MachineRow | null>;
  listMachines(): Promise<MachineRow[]>;
  updateMachine(id: string, changes: Partial<Omit<MachinesTable, 'id' | 'created_at'>>): Promise<boolean>;
  deleteMachine(id: string): Promise<boolean>;
}

export function machineQueries(db: Kysely<Database> | Transaction<Database>): MachineStore {
  return {
    async insertApiKey(row) {
      await db.insertInto('api_keys').values(row).execute();
    },
    async findApiKey(id) {
      return (await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async findApiKeyBySecretHash(hash) {
      return (await db.selectFrom('api_keys').selectAll().where('secret_hash', '=', hash).executeTakeFirst()) ?? null;
    },
    async listApiKeys(filter) {
      let query = db.selectFrom('api_keys').selectAll();
      if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
      if (!filter.includeRevoked) query = query.where('revoked', '=', 0);
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    },
    async revokeApiKey(id, reason, at) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked: 1, revocation_reason: reason, updated_at: at })
        .where('id', '=', id)
        .where('revoked', '=', 0)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async touchApiKeys(uses) {
      // One statement per key: batches are small (keys used since the last flush) and rare.
      for (const [id, at] of uses) await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async insertMachine(row) {
      await db.insertInto('machines').values(row).execute();
    },
    async findMachine(id) {
      return (await db.selectFrom('machines').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async findMachineBySecretHash(hash) {
      return (await db.selectFrom('machines').selectAll().where('secret_hash', '=', hash).executeTakeFirst()) ?? null;
    },
    async listMachines() {
      return db.selectFrom('machines').selectAll().orderBy('created_at').orderBy('id').execute();
    },
    async updateMachine(id, changes) {
      const result = await db.updateTable('machines').set(changes).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async deleteMachine(id) {
      const result = await db.deleteFrom('machines').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
