// The admin-claim table and its queries: one-time links to become the first instance admin, kept as hashes.

import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../store/types.js';

export interface AdminClaimsTable {
  /** SHA-256 (hex) of the link's token; the token itself is never stored. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
}

export interface AdminClaimsDatabase {
  admin_claims: AdminClaimsTable;
}

export type AdminClaimRow = Selectable<AdminClaimsTable>;

export interface AdminClaimStore {
  /** Stores a new link's hash; links not used yet stop working (only the newest one is good). */
  replaceAdminClaim(row: { token_hash: string; created_at: number; expires_at: number }): Promise<void>;
  findAdminClaim(tokenHash: string): Promise<AdminClaimRow | null>;
  /** Marks the link used, only if it is unused and unexpired at `at`: of two claims at once, one wins. */
  useAdminClaim(tokenHash: string, at: number, userId: string): Promise<boolean>;
  /** Users whose private metadata may hold the admin flag (the caller parses each to be sure). */
  listAdminCandidates(): Promise<{ id: string; private_metadata: string; banned: number }[]>;
}

export function adminClaimQueries(db: Kysely<Database> | Transaction<Database>): AdminClaimStore {
  return {
    async replaceAdminClaim(row) {
      await db.deleteFrom('admin_claims').where('used_at', 'is', null).execute();
      await db
        .insertInto('admin_claims')
        .values({ ...row, used_at: null, used_by: null })
        .execute();
    },
    async findAdminClaim(tokenHash) {
      return (await db.selectFrom('admin_claims').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()) ?? null;
    },
    async useAdminClaim(tokenHash, at, userId) {
      const result = await db
        .updateTable('admin_claims')
        .set({ used_at: at, used_by: userId })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listAdminCandidates() {
      // A prefilter only: the flag's JSON may be spelled with spaces by another writer, so both forms.
      return db
        .selectFrom('users')
        .select(['id', 'private_metadata', 'banned'])
        .where((w) => w.or([w('private_metadata', 'like', '%"admin":true%'), w('private_metadata', 'like', '%"admin": true%')]))
        .execute();
    },
  };
}
