// The retired client tokens' queries (reuse detection beyond the immediate predecessor), one implementation for every dialect.

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/types.js';

/** A client token retired after its successor was seen: presenting it again is reuse (migration 0014). */
export interface RetiredClientTokensTable {
  token_hash: string;
  client_id: string;
  retired_at: number;
}

export interface ClientTokensDatabase {
  retired_client_tokens: RetiredClientTokensTable;
}

export interface ClientTokenStore {
  /** Records a retired token hash of a client, and forgets those retired before `pruneBefore`. */
  retireClientToken(clientId: string, tokenHash: string, at: number, pruneBefore: number): Promise<void>;
  /** Whether `tokenHash` is a retired token of this client. */
  isRetiredClientToken(clientId: string, tokenHash: string): Promise<boolean>;
}

export function clientTokenQueries(db: Kysely<Database> | Transaction<Database>): ClientTokenStore {
  return {
    async retireClientToken(clientId, tokenHash, at, pruneBefore) {
      await db.deleteFrom('retired_client_tokens').where('retired_at', '<', pruneBefore).execute();
      await db
        .insertInto('retired_client_tokens')
        .values({ token_hash: tokenHash, client_id: clientId, retired_at: at })
        .onConflict((oc) => oc.column('token_hash').doNothing())
        .execute();
    },
    async isRetiredClientToken(clientId, tokenHash) {
      // Looked up by the hash (the key); equal hashes are equal secrets, so no timing leak of the value.
      const row = await db.selectFrom('retired_client_tokens').select('client_id').where('token_hash', '=', tokenHash).executeTakeFirst();
      return row?.client_id === clientId;
    },
  };
}
